"""`python -m reference_dataset --seed 2023 --out DIR`: write the dataset, print its figures."""

import argparse
from pathlib import Path

from reference_dataset.export import files, table, write
from reference_dataset.generator.generate import generate
from reference_dataset.oracle import all_figures
from reference_dataset.stream import arrange


def main(argv: list[str] | None = None) -> None:
    """Generate, optionally write, and print the figures table."""
    parser = argparse.ArgumentParser(prog="python -m reference_dataset", description=__doc__)
    parser.add_argument("--seed", type=int, default=2023, help="the same seed, the same data")
    parser.add_argument("--out", type=Path, help="directory to write the JSON lines into")
    args = parser.parse_args(argv)
    dataset = generate(args.seed)
    if args.out is not None:
        submissions = arrange(dataset)
        write(args.out, files(dataset, submissions))
        refused = sum(s.expected.value == "refused" for s in submissions)
        print(
            f"{args.out}: {len(dataset.markets)} markets, {len(dataset.contracts)} work contracts, "
            f"{len(dataset.invoices)} invoices, {len(dataset.hours)} monthly reports; "
            f"{len(submissions)} submissions of which {refused} to be refused"
        )
    print(table(all_figures(dataset)))


if __name__ == "__main__":
    main()
