"""The ledger at work: fold a batch of records, commit it exactly once, publish what changed.

Exactly once: the memory state (the pure fold) always equals what the database holds,
because each batch commits its state changes, aggregates, outbox and consumed offsets in
one transaction, and the consumer reads from the committed offsets. If a commit fails,
the state is rebuilt from the database and the consumer rewound to its offsets.

Publishing is after the commit, hence at least once; that is harmless because each
message holds the absolute value of an aggregate under its key (a consumer upserts by
key). A change is written to the outbox in the commit and removed in a later one once
published, so a crash between commit and publish loses nothing: the outbox is published
again on recovery.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from services.clauses.domain import Change, Outcome, Projector, last_closed_month
from services.clauses.metrics import Metrics
from services.clauses.store import (
    Batch,
    LedgerStore,
    Pending,
    Published,
    StoredVersion,
    TopicPartition,
)
from shared.aggregates import AggregateChanged, aggregate_key
from shared.events import Event, decode_event

logger = logging.getLogger(__name__)

Publish = Callable[[Sequence[Published]], Awaitable[None]]
Rewind = Callable[[Mapping[TopicPartition, int]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Record:
    """What the pipeline needs of one Kafka record."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    value: bytes | None


def identity_of(event: Event) -> str:
    """The stored identity of an event: its type and the values of its IDENTITY fields."""
    return "|".join([type(event).__name__, *(str(getattr(event, f)) for f in event.IDENTITY)])


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
        metrics: Metrics,
        exactly_once: bool = True,
    ) -> None:
        self.store, self.publish, self.clock, self.metrics = store, publish, clock, metrics
        self.exactly_once = exactly_once
        self.rewind: Rewind = _no_rewind
        self.offsets: dict[TopicPartition, int] = {}
        self.projector: Projector | None = None
        self._as_of: str | None = None
        self._seq = 0  # sequence number of the last committed batch
        self._published_until = 0  # the changes of batches up to this one are published
        self._unconfirmed: list[Published] = []
        self._fenced: set[TopicPartition] = set()
        self._lock = asyncio.Lock()

    async def recover(self) -> None:
        """Rebuild the state from the database and publish what the outbox still holds."""
        async with self._lock:
            await self._recover()

    async def handle(self, records: Sequence[Record]) -> None:
        """Apply a batch; after a failed commit, recover and rewind instead (it comes again)."""
        async with self._lock:
            if self.projector is None:
                await self._recover()
                await self.rewind(self.offsets)
                return
            await self._apply(self.projector, records)

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

    async def tick(self) -> None:
        """Let the clock move the clause statuses on (a new month closed) without events."""
        await self.handle(())

    async def _recover(self) -> None:
        def load() -> tuple[Projector, dict[TopicPartition, int], list[Pending]]:
            projector = Projector()
            for payload in self.store.stored_events():
                projector.apply(decode_event(payload))
            projector.restore(self.store.statuses())
            return projector, self.store.offsets(), self.store.outbox()

        projector, offsets, pending = await asyncio.to_thread(load)
        self.projector, self.offsets, self._as_of = projector, offsets, None
        self._seq = max((row.seq for row in pending), default=0)
        self._unconfirmed = [(row.key, row.payload) for row in pending]
        self._published_until = 0
        await self._publish([])
        self.metrics.clause_statuses(projector.statuses.values())
        logger.info("state rebuilt: %d outbox rows republished", len(pending))

    async def _apply(self, projector: Projector, records: Sequence[Record]) -> None:
        applied: dict[str, StoredVersion] = {}
        offsets: dict[TopicPartition, int] = {}
        for record in records:
            partition = (record.topic, record.partition)
            if partition in self._fenced and record.offset < self.offsets.get(partition, 0):
                self.metrics.event_ignored("unknown", "already_consumed")
                continue
            offsets[partition] = record.offset + 1
            event = self._decode(record)
            if event is not None and self._fold(projector, event, record):
                identity, payload = identity_of(event), (record.value or b"").decode()
                event_type = type(event).__name__
                applied[identity] = StoredVersion(identity, event_type, event.version, payload)
        changes = self._changes(projector)
        if not (applied or changes or offsets):
            return
        outbox = self._outbox(changes)
        batch = Batch(
            seq=self._seq + 1,
            events=list(applied.values()),
            changes=changes,
            outbox=outbox,
            published_until=self._published_until,
            offsets=offsets if self.exactly_once else {},
        )
        try:
            with self.metrics.commit_seconds.time():
                await asyncio.to_thread(self.store.commit, batch)
        except BaseException:
            self.projector = None  # the memory may be ahead of the database: rebuild it
            raise
        self.offsets.update(offsets)
        self._seq = batch.seq
        await self._publish(outbox)
        self.metrics.clause_statuses(projector.statuses.values())

    def _decode(self, record: Record) -> Event | None:
        try:
            return decode_event(record.value or b"")
        except ValidationError as error:
            where = f"{record.topic}[{record.partition}]@{record.offset}"
            logger.error("ignored an invalid event at %s: %s", where, error)
            self.metrics.event_ignored("unknown", "invalid")
            return None

    def _fold(self, projector: Projector, event: Event, record: Record) -> bool:
        outcome = projector.apply(event)
        if outcome is Outcome.APPLIED:
            self.metrics.event_applied(type(event).__name__, record.timestamp_ms)
            return True
        self.metrics.event_ignored(type(event).__name__, outcome.value)
        return False

    def _changes(self, projector: Projector) -> list[Change]:
        as_of = last_closed_month(self.clock().date())
        changes = projector.drain(as_of)
        if as_of != self._as_of:
            changes += projector.refresh_statuses(as_of)
            self._as_of = as_of
        return changes

    def _outbox(self, changes: Sequence[Change]) -> list[Published]:
        applied_at = self.clock()
        outbox = []
        for change in changes:
            key = aggregate_key(change.aggregate)
            message = AggregateChanged.model_construct(
                schema_version=1, key=key, aggregate=change.aggregate, applied_at=applied_at
            )
            outbox.append((key, message.model_dump_json()))
        return outbox

    async def _publish(self, outbox: list[Published]) -> None:
        """Publish everything committed and not yet confirmed; the next commit forgets it."""
        self._unconfirmed += outbox
        if self._unconfirmed:
            await self.publish(self._unconfirmed)
            self.metrics.published.inc(len(self._unconfirmed))
            self._unconfirmed = []
        self._published_until = self._seq
