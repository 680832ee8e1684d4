"""Bulk reads and writes on SQLite and PostgreSQL: by lists of keys, upserts by primary key."""

from collections.abc import Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    any_,
    bindparam,
    delete,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel

RowValues = dict[str, Any]
_CHUNK = 2000  # values per IN (...) list on SQLite, well under its parameter limit


def key_text(key: tuple[Any, ...]) -> str:
    """A composite key as one column: its parts joined by | (identifiers never hold one)."""
    return "|".join(str(part) for part in key)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a SQLModel table class."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


def rows_where(
    connection: Connection,
    model: type[SQLModel],
    column: str,
    values: Collection[Any],
    *,
    columns: Sequence[str] = (),
) -> Iterator[Any]:
    """Rows (or some of their columns) whose column is one of the values.

    PostgreSQL gets the values as one array parameter (= ANY): rendering and parsing
    thousands of IN parameters cost more than the query; SQLite gets IN lists in chunks.
    """
    table = table_of(model)
    query = select(*(table.c[name] for name in columns)) if columns else select(table)
    return where_in(connection, query, table.c[column], values)


def where_in(
    connection: Connection, query: Select[Any], column: ColumnElement[Any], values: Collection[Any]
) -> Iterator[Any]:
    """The rows of a query restricted to a column's values (see `rows_where`)."""
    wanted = list(values)
    if not wanted:
        return
    if connection.dialect.name == "postgresql":
        array = bindparam("wanted", wanted, type_=postgresql.ARRAY(column.type))
        yield from connection.execute(query.where(column == any_(array)))
        return
    for start in range(0, len(wanted), _CHUNK):
        yield from connection.execute(query.where(column.in_(wanted[start : start + _CHUNK])))


def upsert(connection: Connection, model: type[SQLModel], rows: Sequence[RowValues]) -> None:
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


def _copy_upsert(connection: Connection, table: Table, rows: Sequence[RowValues]) -> None:
    """PostgreSQL: COPY into a temporary table, then one INSERT ... ON CONFLICT from it.

    One statement per row, even pipelined, costs several times more for large batches.
    """
    quote = connection.dialect.identifier_preparer.quote
    names = [column.name for column in table.columns]
    columns = ", ".join(quote(name) for name in names)
    primary = {column.name for column in table.primary_key.columns}
    keys = ", ".join(quote(name) for name in names if name in primary)
    updates = ", ".join(f"{quote(n)} = EXCLUDED.{quote(n)}" for n in names if n not in primary)
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


def delete_where(
    connection: Connection, model: type[SQLModel], column: str, values: Sequence[Any]
) -> None:
    """Delete the rows whose column is one of the values (one array parameter on PostgreSQL)."""
    table = table_of(model)
    if values and connection.dialect.name == "postgresql":
        array = bindparam("wanted", list(values), type_=postgresql.ARRAY(table.c[column].type))
        connection.execute(delete(table).where(table.c[column] == any_(array)))
        return
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        connection.execute(delete(table).where(table.c[column].in_(chunk)))


def storable(text: str) -> bool:
    """Whether a text can be stored at all: PostgreSQL text cannot hold NUL, so no row has a
    value with one (asking would be a server error)."""
    return "\x00" not in text
