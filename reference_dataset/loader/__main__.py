"""`python -m reference_dataset.loader --ingest URL --token T`: the dataset through ingest.

Feeds the reference dataset to ingest through its public entry points only (HTTP JSON,
CSV files of monthly hours, DECP documents, the raw Kafka topic), in arrival order where it
matters, checks every answer against what the dataset expects, and prints a summary. Exits
1 when any outcome is unexpected. It never touches a database. Meant for an ingest that has
not seen the dataset yet: sent twice, the reports refused for a contract not yet declared
would be accepted the second time.
"""

import argparse
import asyncio
import os
import sys

from reference_dataset.loader.feed import LoadSettings, load
from reference_dataset.loader.raw_topic import RawTopic


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reference_dataset.loader", description=__doc__)
    parser.add_argument("--ingest", required=True, help="ingest's base URL, http://127.0.0.1:8001")
    parser.add_argument("--token", required=True, help="a facilitator's bearer token")
    parser.add_argument("--seed", type=int, default=2023, help="the dataset's seed")
    parser.add_argument(
        "--kafka",
        default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
        help="the broker of the raw topic (default: KAFKA_BOOTSTRAP_SERVERS)",
    )
    parser.add_argument("--no-raw", action="store_true", help="send no raw message (JSON instead)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Load, print the summary; 1 when an outcome was not the expected one."""
    args = _parser().parse_args(argv)
    settings = LoadSettings(
        ingest=args.ingest,
        token=args.token,
        seed=args.seed,
        raw=None if args.no_raw else RawTopic(args.kafka),
        progress=not args.quiet,
    )
    report = asyncio.run(load(settings))
    print(report.text())
    return 1 if report.tally.unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
