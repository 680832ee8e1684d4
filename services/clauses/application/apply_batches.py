"""The ledger at work: fold a batch of records, commit it exactly once, publish what changed.

Exactly once: each batch loads from the database the part of the ledger it can touch,
folds its events there with the pure domain, and commits in ONE transaction what changed
in the ledger, the aggregates, the outbox and the consumed offsets; the consumer reads
from the committed offsets. Nothing lives only in memory, so a crash, or a failed commit
(after which the consumer is rewound to the committed offsets), loses nothing. The
changes are then published from the outbox (`services.clauses.application.outbox`).
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from services.clauses.application.outbox import Outbox
from services.clauses.application.ports import (
    Batch,
    LedgerMetrics,
    LedgerStore,
    Publish,
    TopicPartition,
)
from services.clauses.domain import Outcome, last_closed_month
from services.clauses.domain.published_aggregates import Drained, encode
from services.clauses.domain.working_set import WorkingSet
from shared.events import Event, decode_event

logger = logging.getLogger(__name__)

Rewind = Callable[[Mapping[TopicPartition, int]], Awaitable[None]]
MARKETS_PER_REFRESH = 500


@dataclass(frozen=True, slots=True)
class Record:
    """What the pipeline needs of one Kafka record."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    value: bytes | None


async def _no_rewind(_offsets: Mapping[TopicPartition, int]) -> None:
    return None


class Pipeline:
    """Batches in, one transaction each, aggregate changes out."""

    def __init__(
        self,
        *,
        store: LedgerStore,
        publish: Publish,
        clock: Callable[[], datetime],
        metrics: LedgerMetrics,
        exactly_once: bool = True,
    ) -> None:
        self.store, self.clock, self.metrics = store, clock, metrics
        self.outbox = Outbox(publish, metrics)
        self.exactly_once = exactly_once
        self.rewind: Rewind = _no_rewind
        self.offsets: dict[TopicPartition, int] = {}
        self._as_of: str | None = None  # the closed month the statuses are as of
        self._fenced: set[TopicPartition] = set()
        self._rewind_needed = False
        self._lock = asyncio.Lock()

    async def recover(self) -> None:
        """Read the committed offsets and publish what the outbox still holds."""
        async with self._lock:
            await self._recover()

    async def handle(self, records: Sequence[Record]) -> None:
        """Apply a batch; after a failed commit, rewind instead (the batch comes again)."""
        async with self._lock:
            if self._rewind_needed:
                await self._recover()
                await self.rewind(self.offsets)
                self._rewind_needed = False
                return
            await self._apply(records)

    async def tick(self) -> None:
        """Let the clock move the clause statuses on (a new month closed) without events."""
        await self.handle(())

    @contextlib.asynccontextmanager
    async def paused(self) -> AsyncIterator[None]:
        """Hold batches off (a rebalance waits for the batch in flight to commit)."""
        async with self._lock:
            yield

    def fence(self, partitions: Iterable[TopicPartition], *, fenced: bool = True) -> None:
        """Partitions a consumer was sought on: records below the committed offset are skipped.

        Records fetched before a seek can still be delivered after it; they were applied.
        """
        if fenced:
            self._fenced.update(partitions)
        else:
            self._fenced.difference_update(partitions)

    async def _recover(self) -> None:
        self.offsets = await asyncio.to_thread(self.store.offsets)
        pending = await asyncio.to_thread(self.store.outbox)
        self.outbox.restore(pending)
        await self.outbox.flush()
        self.metrics.clause_statuses(await asyncio.to_thread(self.store.status_counts))
        logger.info("recovered: %d outbox rows republished", len(pending))

    async def _apply(self, records: Sequence[Record]) -> None:
        try:
            as_of = last_closed_month(self.clock().date())
            if as_of != self._as_of:
                await self._refresh_month(as_of)
            decoded, offsets = self._decode_all(records)
            if not (decoded or offsets):
                return
            working = await asyncio.to_thread(self.store.working_set, [e for _, e in decoded])
            outcomes = [
                (record, event, working.projector.apply(event)) for record, event in decoded
            ]
            await self._commit(working, working.projector.drain_values(as_of), offsets)
        except BaseException:
            self._rewind_needed = True  # the consumer moved past records not committed
            raise
        for record, event, outcome in outcomes:  # counted once committed
            if outcome is Outcome.APPLIED:
                self.metrics.event_applied(type(event).__name__, record.timestamp_ms)
            else:
                self.metrics.event_ignored(type(event).__name__, outcome.value)

    def _decode_all(
        self, records: Sequence[Record]
    ) -> tuple[list[tuple[Record, Event]], dict[TopicPartition, int]]:
        decoded, offsets = [], {}
        for record in records:
            partition = (record.topic, record.partition)
            if partition in self._fenced and record.offset < self.offsets.get(partition, 0):
                self.metrics.event_ignored("unknown", "already_consumed")
                continue
            offsets[partition] = record.offset + 1
            if (event := self._decode(record)) is not None:
                decoded.append((record, event))
        return decoded, offsets

    async def _refresh_month(self, as_of: str) -> None:
        """A new closed month: every market's status, a few hundred markets per commit."""
        if self._as_of is None and not await asyncio.to_thread(self.store.statuses_behind, as_of):
            self._as_of = as_of
            return
        market_ids = await asyncio.to_thread(self.store.market_ids)
        for start in range(0, len(market_ids), MARKETS_PER_REFRESH):
            chunk = market_ids[start : start + MARKETS_PER_REFRESH]
            working = await asyncio.to_thread(self.store.working_set, (), chunk)
            statuses = working.projector.refresh_statuses(as_of, chunk)
            await self._commit(working, Drained({}, {}, statuses), {})
        self._as_of = as_of

    async def _commit(
        self, working: WorkingSet, drained: Drained, offsets: dict[TopicPartition, int]
    ) -> None:
        encoded = encode(drained, self.clock())
        published = encoded.messages
        batch = Batch(
            seq=self.outbox.seq + 1,
            working=working,
            rows=encoded.rows,
            outbox=published,
            published_until=self.outbox.published_until,
            offsets=offsets if self.exactly_once else {},
        )
        with self.metrics.timing_commit():
            await asyncio.to_thread(self.store.commit, batch)
        self.offsets.update(offsets)
        await self.outbox.committed(batch.seq, published)
        if encoded.statuses_changed:
            self.metrics.clause_statuses(await asyncio.to_thread(self.store.status_counts))

    def _decode(self, record: Record) -> Event | None:
        try:
            return decode_event(record.value or b"")
        except ValidationError as error:
            where = f"{record.topic}[{record.partition}]@{record.offset}"
            logger.error("ignored an invalid event at %s: %s", where, error)
            self.metrics.event_ignored("unknown", "invalid")
            return None
