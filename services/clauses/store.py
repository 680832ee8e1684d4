"""The ledger's storage: every batch of changes and its consumed offsets in ONE transaction.

The ledger itself (latest versions, reference counts, people) lives in the database;
a batch loads its working set (`working_set.load`), folds it in memory and commits
together: what the fold changed, the aggregates it changed (rows of empty aggregates are
deleted), those changes again in the outbox under the batch's sequence number, the
removal of outbox rows already published, and the next offset of every partition it
read. After a crash the ledger, the aggregates, the outbox and the position in the
topics therefore always agree.
"""

import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from services.clauses.sql import RowValues, delete_where, table_of, upsert
from services.clauses.tables import (
    ClauseStatusRow,
    ConsumedOffset,
    ContractRow,
    DistinctCountRow,
    HoursCellRow,
    InvoiceRow,
    LineRow,
    MarketRow,
    OutboxRow,
    PersonRow,
    ReferenceRow,
    ReportRow,
)
from services.clauses.working_set import WorkingSet, load
from services.clauses.write_back import write_back
from shared.events import Event

TopicPartition = tuple[str, int]
Published = tuple[str, str]  # key and payload of an aggregate change
_MODELS: tuple[type[SQLModel], ...] = (
    MarketRow,
    ContractRow,
    InvoiceRow,
    ReportRow,
    LineRow,
    ReferenceRow,
    PersonRow,
    HoursCellRow,
    DistinctCountRow,
    ClauseStatusRow,
    ConsumedOffset,
    OutboxRow,
)


class Pending(NamedTuple):
    """An outbox row: a committed change and the sequence number of its batch."""

    key: str
    payload: str
    seq: int


@dataclass(frozen=True, slots=True)
class Batch:
    """Everything one batch changed, to commit at once."""

    seq: int
    working: WorkingSet | None = None
    rows: Mapping[type[SQLModel], tuple[Sequence[RowValues], Sequence[Any]]] = field(
        default_factory=dict
    )  # aggregate rows to upsert and primary keys of emptied ones, by table
    outbox: Sequence[Published] = ()
    published_until: int = 0  # outbox rows of batches up to this one are published
    offsets: Mapping[TopicPartition, int] = field(default_factory=dict)


class LedgerStore(Protocol):
    """Where the ledger keeps its state."""

    def working_set(self, events: Sequence[Event], markets: Iterable[str] = ()) -> WorkingSet:
        """What folding these events (and refreshing these markets' statuses) can touch."""
        ...

    def market_ids(self) -> list[str]:
        """Every market known."""
        ...

    def statuses_behind(self, as_of: str) -> bool:
        """Whether a clause status is as of another month than this one."""
        ...

    def offsets(self) -> dict[TopicPartition, int]:
        """The next offset to consume of every partition read so far."""
        ...

    def status_counts(self) -> dict[str, int]:
        """How many markets have each clause status."""
        ...

    def outbox(self) -> list[Pending]:
        """Committed changes that may not have been published yet, oldest batch first."""
        ...

    def commit(self, batch: Batch) -> None:
        """Write the whole batch in one transaction, or nothing."""
        ...


class SqlStore:
    """The store on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def working_set(self, events: Sequence[Event], markets: Iterable[str] = ()) -> WorkingSet:
        """Load the part of the ledger the batch can touch."""
        with self.engine.connect() as connection:
            return load(connection, events, markets)

    def market_ids(self) -> list[str]:
        """Every market known, in order."""
        table = table_of(MarketRow)
        with self.engine.connect() as connection:
            return list(connection.scalars(select(table.c.market_id).order_by(table.c.market_id)))

    def statuses_behind(self, as_of: str) -> bool:
        """Whether some clause status was computed as of another month."""
        table = table_of(ClauseStatusRow)
        query = select(table.c.market_id).where(table.c.as_of_period != as_of).limit(1)
        with self.engine.connect() as connection:
            return connection.execute(query).first() is not None

    def status_counts(self) -> dict[str, int]:
        """How many markets have each clause status."""
        table = table_of(ClauseStatusRow)
        query = select(table.c.status, func.count()).group_by(table.c.status)
        with self.engine.connect() as connection:
            return {str(row[0]): int(row[1]) for row in connection.execute(query)}

    def offsets(self) -> dict[TopicPartition, int]:
        """The committed position in every partition."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(table_of(ConsumedOffset))).all()
        return {(row.topic, row.partition): row.next_offset for row in rows}

    def outbox(self) -> list[Pending]:
        """Outbox rows left by a process that stopped before publishing them."""
        table = table_of(OutboxRow)
        with self.engine.connect() as connection:
            rows = connection.execute(select(table).order_by(table.c.seq)).all()
        return [
            Pending(key, payload, row.seq)
            for row in rows
            for line in zlib.decompress(row.messages).decode().split("\n")
            if line
            for key, payload in [line.split("\t", 1)]
        ]

    def commit(self, batch: Batch) -> None:
        """One transaction: ledger, aggregates, outbox and offsets together."""
        with self.engine.begin() as connection:
            if batch.working is not None:
                write_back(connection, batch.working)
            for model, (present, absent) in batch.rows.items():
                upsert(connection, model, present)
                (column,) = table_of(model).primary_key.columns
                delete_where(connection, model, column.name, absent)
            outbox = table_of(OutboxRow)
            connection.execute(delete(outbox).where(outbox.c.seq <= batch.published_until))
            if batch.outbox:
                messages = _compressed(batch.outbox)
                connection.execute(insert(outbox), {"seq": batch.seq, "messages": messages})
            offsets = [
                {"topic": topic, "partition": partition, "next_offset": offset}
                for (topic, partition), offset in batch.offsets.items()
            ]
            upsert(connection, ConsumedOffset, offsets)


def _compressed(published: Sequence[Published]) -> bytes:
    """The outbox lines of a batch, compressed line by line.

    Joining megabytes of text first would make large short-lived blocks, which the worker
    threads' malloc arenas keep: resident memory grew batch after batch.
    """
    compressor = zlib.compressobj(1)
    parts = [compressor.compress(f"{key}\t{payload}\n".encode()) for key, payload in published]
    parts.append(compressor.flush())
    return b"".join(parts)
