"""python -m services.indicators [serve | rebuild [--out FILE] [--publish] | report ...].

report --year 2023 --out DIR writes DIR/bilan-2023-axe-social.md and .html.
"""

import argparse
import asyncio
import json
import sys
from pathlib import Path

from services.indicators.app import publish_all, read_settings, rebuild_all, serve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m services.indicators", description="SPASER indicators service"
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the service (the default)")
    rebuild = commands.add_parser("rebuild", help="recompute every indicator from the Kafka log")
    rebuild.add_argument("--out", type=Path, help="write every indicator as JSON to this file")
    rebuild.add_argument("--publish", action="store_true", help="publish every snapshot")
    report = commands.add_parser(
        "report", help="write the social-axis section of the assessment (Markdown and HTML)"
    )
    report.add_argument("--year", type=int, required=True, help="year of the assessment")
    report.add_argument("--out", type=Path, required=True, help="folder to write the files to")
    return parser


def _report(year: int, out: Path) -> int:
    settings = read_settings()
    live, stats = asyncio.run(rebuild_all(settings))
    if year not in live.by_year():
        print(f"no data for {year}; years with data: {sorted(live.by_year())}", file=sys.stderr)
        return 1
    text_md, text_html = live.assessment(year)
    out.mkdir(parents=True, exist_ok=True)
    for suffix, text in (("md", text_md), ("html", text_html)):
        path = out / f"bilan-{year}-axe-social.{suffix}"
        path.write_text(text, encoding="utf-8")
        print(f"written: {path}")
    print(f"from {stats.records} records read in {stats.seconds:.2f} s")
    return 0


def _rebuild(out: Path | None, publish: bool) -> int:
    settings = read_settings()
    live, stats = asyncio.run(rebuild_all(settings))
    by_year = live.by_year()
    print(
        f"rebuilt from {stats.records} records in {stats.seconds:.2f} s: "
        f"{sum(len(v) for v in by_year.values())} indicator cells, years {sorted(by_year)}, "
        f"{len(live.rejected)} rejected record(s)"
    )
    if out is not None:
        document = {
            str(year): [value.model_dump(mode="json") for value in values]
            for year, values in by_year.items()
        }
        out.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"written: {out}")
    if publish:
        print(f"published {asyncio.run(publish_all(settings, live))} snapshot(s)")
    return 0


def main(argv: list[str]) -> int:
    """Entry point."""
    arguments = _parser().parse_args(argv)
    if arguments.command == "report":
        return _report(arguments.year, arguments.out)
    if arguments.command == "rebuild":
        return _rebuild(arguments.out, arguments.publish)
    serve(read_settings())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
