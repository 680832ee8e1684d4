"""The ledger's storage: every batch of changes and its consumed offsets in ONE transaction.

A batch commits together the latest versions it applied, the aggregates it changed (rows
of empty aggregates are deleted), those changes again in the outbox under the batch's
sequence number, the removal of outbox rows already published, and the next offset of
every partition it read. After a crash the state, the aggregates, the outbox and the
position in the topics therefore always agree.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Connection, Table, delete, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from services.clauses.domain import Change
from services.clauses.rows import RowValues, aggregate_of, row_of
from services.clauses.tables import (
    ClauseStatusRow,
    ConsumedOffset,
    DistinctCountRow,
    HoursCellRow,
    OutboxRow,
    StoredEvent,
)
from shared.aggregates import ClauseStatus

TopicPartition = tuple[str, int]
Published = tuple[str, str]  # key and payload of an aggregate change
_MODELS: tuple[type[SQLModel], ...] = (
    StoredEvent,
    HoursCellRow,
    DistinctCountRow,
    ClauseStatusRow,
    ConsumedOffset,
    OutboxRow,
)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a SQLModel table class."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


class StoredVersion(NamedTuple):
    """The latest version of one identity and its JSON, as received."""

    identity: str
    event_type: str
    version: int
    payload: str


class Pending(NamedTuple):
    """An outbox row: a committed change and the sequence number of its batch."""

    key: str
    payload: str
    seq: int


@dataclass(frozen=True, slots=True)
class Batch:
    """Everything one batch of events changed, to commit at once."""

    seq: int
    events: Sequence[StoredVersion] = ()
    changes: Sequence[Change] = ()
    outbox: Sequence[Published] = ()
    published_until: int = 0  # outbox rows of batches up to this one are published
    offsets: Mapping[TopicPartition, int] = field(default_factory=dict)


class LedgerStore(Protocol):
    """Where the ledger keeps its state; the pure domain is rebuilt from `stored_events`."""

    def stored_events(self) -> Iterator[str]:
        """The JSON of the latest version of every identity, in no particular order."""
        ...

    def offsets(self) -> dict[TopicPartition, int]:
        """The next offset to consume of every partition read so far."""
        ...

    def outbox(self) -> list[Pending]:
        """Committed changes that may not have been published yet, oldest batch first."""
        ...

    def statuses(self) -> list[ClauseStatus]:
        """The clause statuses as last committed (each as of its own month)."""
        ...

    def commit(self, batch: Batch) -> None:
        """Write the whole batch in one transaction, or nothing."""
        ...


class SqlStore:
    """The store on SQLite or PostgreSQL (bulk upserts with ON CONFLICT on both)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_tables(self) -> None:
        """Create the service's tables that do not exist yet."""
        SQLModel.metadata.create_all(self.engine, tables=[table_of(m) for m in _MODELS])

    def stored_events(self) -> Iterator[str]:
        """Stream the stored payloads (a server-side cursor on PostgreSQL)."""
        query = select(table_of(StoredEvent).c.payload)
        with self.engine.connect() as connection:
            result = connection.execution_options(yield_per=5000).execute(query)
            for (payload,) in result:
                yield payload

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
        return [Pending(row.key, row.payload, row.seq) for row in rows]

    def statuses(self) -> list[ClauseStatus]:
        """The committed clause statuses."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(table_of(ClauseStatusRow))).all()
        found = [aggregate_of(ClauseStatusRow.model_validate(row._mapping)) for row in rows]
        return [status for status in found if isinstance(status, ClauseStatus)]

    def commit(self, batch: Batch) -> None:
        """One transaction: events, aggregates, outbox and offsets together."""
        with self.engine.begin() as connection:
            _upsert(connection, StoredEvent, [e._asdict() for e in batch.events])
            for model, (present, absent) in _split(batch.changes).items():
                _upsert(connection, model, present)
                _delete(connection, model, absent)
            outbox = table_of(OutboxRow)
            connection.execute(delete(outbox).where(outbox.c.seq <= batch.published_until))
            rows = [{"key": k, "payload": p, "seq": batch.seq} for k, p in batch.outbox]
            _upsert(connection, OutboxRow, rows)
            offsets = [
                {"topic": topic, "partition": partition, "next_offset": offset}
                for (topic, partition), offset in batch.offsets.items()
            ]
            _upsert(connection, ConsumedOffset, offsets)


def _split(changes: Sequence[Change]) -> dict[type[SQLModel], tuple[list[RowValues], list[Any]]]:
    """Rows to upsert and primary keys to delete, by table."""
    split: dict[type[SQLModel], tuple[list[RowValues], list[Any]]] = {
        model: ([], []) for model in (HoursCellRow, DistinctCountRow, ClauseStatusRow)
    }
    for change in changes:
        model, values = row_of(change.aggregate)
        present, absent = split[model]
        if change.present:
            present.append(values)
        else:
            (column,) = table_of(model).primary_key.columns
            absent.append(values[column.name])
    return split


def _upsert(connection: Connection, model: type[SQLModel], rows: list[RowValues]) -> None:
    """Insert or replace rows by primary key (the keys of one call are distinct)."""
    if not rows:
        return
    table = table_of(model)
    if connection.dialect.name == "postgresql":
        _copy_upsert(connection, table, rows)
        return
    statement = sqlite.insert(table)
    keys = [column.name for column in table.primary_key.columns]
    replaced = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys}
    connection.execute(statement.on_conflict_do_update(index_elements=keys, set_=replaced), rows)


def _copy_upsert(connection: Connection, table: Table, rows: list[RowValues]) -> None:
    """PostgreSQL: COPY into a temporary table, then one INSERT ... ON CONFLICT from it.

    One statement per row, even pipelined, costs several times more for large batches.
    """
    quote = connection.dialect.identifier_preparer.quote
    names = [column.name for column in table.columns]
    columns = ", ".join(quote(name) for name in names)
    keys = ", ".join(quote(column.name) for column in table.primary_key.columns)
    keep = [name for name in names if name not in {c.name for c in table.primary_key.columns}]
    updates = ", ".join(f"{quote(name)} = EXCLUDED.{quote(name)}" for name in keep)
    staging = quote(f"staging_{table.name}")
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {staging} "  # our own table names, not input
        f"(LIKE {quote(table.name)}) ON COMMIT DELETE ROWS"
    )
    with cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])
    cursor.execute(
        f"INSERT INTO {quote(table.name)} ({columns}) SELECT {columns} FROM {staging} "  # noqa: S608
        f"ON CONFLICT ({keys}) DO UPDATE SET {updates}"
    )


def _delete(connection: Connection, model: type[SQLModel], keys: list[Any]) -> None:
    table = table_of(model)
    (column,) = table.primary_key.columns
    for start in range(0, len(keys), 500):
        connection.execute(delete(table).where(column.in_(keys[start : start + 500])))
