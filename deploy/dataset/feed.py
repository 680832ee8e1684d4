"""Sends the plan's steps through ingest's entry points and keeps every outcome.

Within a step nothing depends on anything else, so its requests run concurrently; steps run
one after the other. A raw submission is handled by ingest later, asynchronously: before a
step that cites or repeats one still unhandled, the feed waits for ingest's consumer.
"""

import asyncio
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from deploy.dataset.feed_check import Outcome
from deploy.dataset.feed_files import decp_document, hours_csv
from deploy.dataset.feed_http import IngestHttp
from deploy.dataset.feed_plan import Channel, Item, Step
from deploy.dataset.feed_raw import RawSender
from deploy.dataset.model import Expected, Kind, Submission
from deploy.dataset.schedule import lines_of
from deploy.dataset.wire import Payload

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
