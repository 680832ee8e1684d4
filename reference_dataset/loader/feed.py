"""The loader: sends the plan's steps through ingest's entry points and checks every outcome.

Feeds the reference dataset to ingest through its public entry points only (HTTP JSON,
CSV files of monthly hours, DECP documents, the raw Kafka topic), in arrival order where it
matters, checks every answer against what the dataset expects, and reports. It never
touches a database. Within a step nothing depends on anything else, so its requests run
concurrently; steps run one after the other. A raw submission is handled by ingest later,
asynchronously: before a step that cites or repeats one still unhandled, the feed waits for
ingest's consumer. Meant for an ingest that has not seen the dataset yet: sent twice, the
reports refused for a contract not yet declared would be accepted the second time.
"""

import asyncio
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import httpx

from reference_dataset.generator.generate import generate
from reference_dataset.loader.answers import Outcome, Tally
from reference_dataset.loader.documents import decp_document, hours_csv
from reference_dataset.loader.ingest_http import IngestHttp
from reference_dataset.loader.plan import Channel, Item, Step, steps
from reference_dataset.loader.progress import Progress
from reference_dataset.loader.raw_topic import RawSender, RawTopic
from reference_dataset.records import Expected, Kind, Payload, Submission, lines_of
from reference_dataset.stream import arrange

LIST_SIZE = 100  # submissions per JSON list


@dataclass
class Feed:
    """The loader's state: what ingest was sent, through which door, and what it answered."""

    http: IngestHttp
    raw: RawSender | None
    advance: Callable[[int], None] = lambda _count: None
    concurrency: int = 4
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    channels: Counter[Channel] = field(default_factory=Counter)
    requests: Counter[Channel] = field(default_factory=Counter)
    contracts: dict[str, Payload] = field(default_factory=dict)  # as last declared
    unhandled: set[str] = field(default_factory=set)  # what raw submissions declare

    async def run(self, steps: Sequence[Step]) -> None:
        """Every step in order; then the raw submissions' outcomes."""
        for step in steps:
            await self.step(step)
        if self.raw is not None:
            self.outcomes.update(await self.raw.outcomes())

    async def step(self, step: Step) -> None:
        """Send one step's submissions, grouped by entry point."""
        if self.raw is not None and (step.needs | step.gives) & self.unhandled:
            await self.raw.handled()
            self.unhandled.clear()
        by_channel: defaultdict[Channel, list[Item]] = defaultdict(list)
        for item in step.items:
            by_channel[self._channel(item)].append(item)
        jobs = [
            *self._raw_jobs(by_channel[Channel.RAW]),
            *self._decp_jobs(by_channel[Channel.DECP]),
            *self._csv_jobs(by_channel[Channel.CSV]),
            *self._json_jobs(by_channel[Channel.JSON]),
        ]
        gate = asyncio.Semaphore(self.concurrency)

        async def gated(job: Awaitable[None]) -> None:
            async with gate:
                await job

        await asyncio.gather(*(gated(job) for job in jobs))
        for item in step.items:
            s = item.submission
            if s.kind is Kind.WORK_CONTRACT and s.expected is Expected.ACCEPTED:
                self.contracts[str(s.payload["contract_id"])] = s.payload

    def _channel(self, item: Item) -> Channel:
        """The planned entry point, unless it cannot be used now (then JSON)."""
        channel = item.channel
        if channel is Channel.RAW and self.raw is None:
            channel = Channel.JSON
        lines = lines_of(item.submission.payload) if channel is Channel.CSV else []
        if any(str(line["contract_id"]) not in self.contracts for line in lines):
            channel = Channel.JSON  # a CSV row describes its contract: it must be known
        self.channels[channel] += 1
        return channel

    def _done(self, channel: Channel, pairs: Sequence[tuple[Submission, Outcome]]) -> None:
        self.requests[channel] += 1
        for submission, outcome in pairs:
            self.outcomes[submission.seq] = outcome
        self.advance(len(pairs))

    def _raw_jobs(self, items: list[Item]) -> list[Awaitable[None]]:
        if not items or self.raw is None:
            return []
        raw = self.raw

        async def send() -> None:
            await raw.send([item.submission for item in items])
            self.requests[Channel.RAW] += len(items)
            self.unhandled.update(key for item in items for key in item.gives)
            self.advance(len(items))

        return [send()]

    def _decp_jobs(self, items: list[Item]) -> list[Awaitable[None]]:
        if not items:
            return []

        async def send() -> None:
            markets = [item.submission.payload for item in items]
            ids = [str(market["market_id"]) for market in markets]
            outcomes = await self.http.upload_decp(decp_document(markets), ids)
            self._done(
                Channel.DECP, [(i.submission, o) for i, o in zip(items, outcomes, strict=True)]
            )

        return [send()]

    def _csv_jobs(self, items: list[Item]) -> list[Awaitable[None]]:
        files: defaultdict[str, list[Item]] = defaultdict(list)
        for item in items:
            s = item.submission
            file = f"{s.payload['period']}" if s.expected is Expected.ACCEPTED else f"#{s.seq}"
            files[file].append(item)

        async def send(name: str, group: list[Item]) -> None:
            reports = [item.submission.payload for item in group]
            document = hours_csv(reports, self.contracts)
            outcome = await self.http.upload_csv(document, f"heures-{name}.csv")
            self._done(Channel.CSV, [(item.submission, outcome) for item in group])

        return [send(name, group) for name, group in files.items()]

    def _json_jobs(self, items: list[Item]) -> list[Awaitable[None]]:
        lists: defaultdict[tuple[Kind, int], list[Submission]] = defaultdict(list)
        for item in items:
            s = item.submission
            alone = s.expected is Expected.REFUSED  # a list is all or nothing
            lists[(s.kind, s.seq if alone else -1)].append(s)
        chunks = [
            (kind, group[start : start + LIST_SIZE])
            for (kind, _), group in lists.items()
            for start in range(0, len(group), LIST_SIZE)
        ]

        async def send(kind: Kind, group: list[Submission]) -> None:
            outcome = await self.http.submit(kind, [s.payload for s in group])
            self._done(Channel.JSON, [(s, outcome) for s in group])

        return [send(kind, group) for kind, group in chunks]


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
