"""`python -m deploy.dataset.load --ingest URL --token T [--seed N]`: the dataset through ingest.

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
import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from deploy.dataset.feed import Feed
from deploy.dataset.feed_check import Tally
from deploy.dataset.feed_http import IngestHttp
from deploy.dataset.feed_plan import Channel, steps
from deploy.dataset.feed_raw import RawSender, RawTopic
from deploy.dataset.generate import generate
from deploy.dataset.mess import arrange
from deploy.dataset.model import Submission
from deploy.dataset.progress import Progress


@dataclass(frozen=True, slots=True)
class LoadSettings:
    """Where ingest is, who the loader is, and what it sends."""

    ingest: str
    token: str
    seed: int = 2023
    raw: RawTopic | None = None  # None: what the plan sends raw goes as JSON instead
    concurrency: int = 4
    progress: bool = True


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What was sent through which door, and how every outcome compares with the dataset."""

    seed: int
    submissions: int
    seconds: float
    tally: Tally
    feed: Feed

    def text(self) -> str:
        """The summary, in plain text."""
        doors = {
            Channel.JSON: "JSON",
            Channel.CSV: "CSV",
            Channel.DECP: "DECP",
            Channel.RAW: "raw topic",
        }
        units = {Channel.JSON: "requests", Channel.CSV: "files", Channel.DECP: "documents"}
        parts = [
            f"{doors[c]} {n}" + (f" ({self.feed.requests[c]} {units[c]})" if c in units else "")
            for c, n in sorted(self.feed.channels.items())
        ]
        reasons = ", ".join(f"{r} {n}" for r, n in sorted(self.tally.refused.items()))
        lines = [
            f"Loaded {self.submissions} submissions (seed {self.seed}) through ingest in "
            f"{self.seconds:.0f} s: " + ", ".join(parts),
            f"  accepted               {self.tally.accepted}",
            f"  refused as expected    {sum(self.tally.refused.values())} ({reasons})",
            f"  unexpected outcomes    {len(self.tally.unexpected)}",
        ]
        for submission, why in self.tally.unexpected[:20]:
            tags = ",".join(t.value for t in submission.tags) or "-"
            lines.append(f"    #{submission.seq} {submission.kind.value} [{tags}]: {why}")
        return "\n".join(lines)


async def load(
    settings: LoadSettings, submissions: Sequence[Submission] | None = None
) -> LoadReport:
    """Send the dataset (or the given submissions) and check every outcome."""
    chosen = submissions if submissions is not None else arrange(generate(settings.seed))
    plan = steps(chosen)
    progress = Progress(len(chosen), "ingest") if settings.progress else None
    headers = {"Authorization": f"Bearer {settings.token}"}
    raw = RawSender(settings.raw, settings.token) if settings.raw is not None else None
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=settings.ingest, headers=headers, timeout=120) as client:
        feed = Feed(
            IngestHttp(client),
            raw,
            advance=progress.advance if progress else lambda _count: None,
            concurrency=settings.concurrency,
        )
        if raw is not None:
            await raw.start()
        try:
            await feed.run(plan)
        finally:
            if raw is not None:
                await raw.stop()
            if progress is not None:
                progress.close()
    tally = Tally()
    for submission in chosen:
        tally.add(submission, feed.outcomes[submission.seq])
    return LoadReport(settings.seed, len(chosen), time.monotonic() - started, tally, feed)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m deploy.dataset.load", description=__doc__)
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
