"""The ledger's storage: every batch of changes and its consumed offsets in ONE transaction.

A batch commits together the latest versions it applied, the aggregates it changed (rows
of empty aggregates are deleted), those changes again in the outbox, the outbox rows
already published, and the next offset of every partition it read. After a crash the
state, the aggregates and the position in the topics therefore always agree.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Connection, Table, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from services.clauses.domain import Change
from services.clauses.rows import aggregate_of, row_of
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
Published = tuple[str, str]  # key and payload of an outbox row

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


@dataclass(frozen=True, slots=True)
class Batch:
    """Everything one batch of events changed, to commit at once."""

    events: Sequence[StoredVersion] = ()
    changes: Sequence[Change] = ()
    outbox: Sequence[Published] = ()
    published: Sequence[Published] = ()
    offsets: Mapping[TopicPartition, int] = field(default_factory=dict)


class LedgerStore(Protocol):
    """Where the ledger keeps its state; the pure domain is rebuilt from `stored_events`."""

    def stored_events(self) -> Iterator[str]:
        """The JSON of the latest version of every identity, in no particular order."""
        ...

    def offsets(self) -> dict[TopicPartition, int]:
        """The next offset to consume of every partition read so far."""
        ...

    def outbox(self) -> list[Published]:
        """Committed changes that may not have been published yet."""
        ...

    def statuses(self) -> list[ClauseStatus]:
        """The clause statuses as last committed (each as of its own month)."""
        ...

    def commit(self, batch: Batch) -> None:
        """Write the whole batch in one transaction, or nothing."""
        ...

    def forget_published(self, published: Sequence[Published]) -> None:
        """Remove outbox rows once published (unless a newer value replaced them)."""
        ...


class SqlStore:
    """The store on SQLite or PostgreSQL (upserts with ON CONFLICT on both)."""

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

    def outbox(self) -> list[Published]:
        """Outbox rows left by a process that stopped before publishing them."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(table_of(OutboxRow))).all()
        return [(row.key, row.payload) for row in rows]

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
            for model in (HoursCellRow, DistinctCountRow, ClauseStatusRow):
                present, absent = _split(model, batch.changes)
                _upsert(connection, model, present)
                _delete(connection, model, absent)
            _forget(connection, batch.published)
            _upsert(connection, OutboxRow, [{"key": k, "payload": p} for k, p in batch.outbox])
            offsets = [
                {"topic": topic, "partition": partition, "next_offset": offset}
                for (topic, partition), offset in batch.offsets.items()
            ]
            _upsert(connection, ConsumedOffset, offsets)

    def forget_published(self, published: Sequence[Published]) -> None:
        """Remove published outbox rows in a transaction of their own."""
        with self.engine.begin() as connection:
            _forget(connection, published)


def _split(model: type[SQLModel], changes: Sequence[Change]) -> tuple[list[Any], list[Any]]:
    present, absent = [], []
    for change in changes:
        row = row_of(change.aggregate)
        if isinstance(row, model):
            if change.present:
                present.append(row.model_dump())
            else:
                absent.append(_primary_key(model, row))
    return present, absent


def _primary_key(model: type[SQLModel], row: SQLModel) -> Any:
    (column,) = table_of(model).primary_key.columns
    return getattr(row, column.name)


def _upsert(connection: Connection, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = table_of(model)
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    keys = [column.name for column in table.primary_key.columns]
    replaced = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys}
    connection.execute(statement.on_conflict_do_update(index_elements=keys, set_=replaced), rows)


def _delete(connection: Connection, model: type[SQLModel], keys: list[Any]) -> None:
    table = table_of(model)
    (column,) = table.primary_key.columns
    for start in range(0, len(keys), 500):
        connection.execute(delete(table).where(column.in_(keys[start : start + 500])))


def _forget(connection: Connection, published: Sequence[Published]) -> None:
    if not published:
        return
    table = table_of(OutboxRow)
    statement = delete(table).where(
        table.c.key == bindparam("b_key"), table.c.payload == bindparam("b_payload")
    )
    connection.execute(statement, [{"b_key": k, "b_payload": p} for k, p in published])
