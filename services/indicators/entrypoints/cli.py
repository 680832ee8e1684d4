"""The command line: its arguments, and what `rebuild` and `report` print and write."""

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from services.indicators.application.live_indicators import LiveIndicators
from services.indicators.application.ports import ReplayStats


def parser() -> argparse.ArgumentParser:
    """`serve` (the default), `rebuild [--out FILE] [--publish]`, `report --year Y --out DIR`."""
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


def write_assessment(live: LiveIndicators, stats: ReplayStats, *, year: int, out: Path) -> int:
    """Write OUT/bilan-YEAR-axe-social.md and .html from a rebuilt view; 1 without data."""
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


def write_rebuild(
    live: LiveIndicators,
    stats: ReplayStats,
    *,
    out: Path | None,
    publish: Callable[[], int] | None,
) -> int:
    """Say what a rebuild found, write every indicator as JSON to `out`, then `publish`."""
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
    if publish is not None:
        print(f"published {publish()} snapshot(s)")
    return 0
