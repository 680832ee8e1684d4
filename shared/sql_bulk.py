"""Bulk SQL on SQLite and PostgreSQL: membership tests, COPY into staging then insert or upsert.

One way of each, for every service: membership is `among` (one array parameter on
PostgreSQL, an IN list on SQLite), which `select_among` and `delete_among` run in chunks
on SQLite; writes go through COPY on PostgreSQL (straight into the table, or into a
temporary staging table then one INSERT ... ON CONFLICT). Every function takes a
session or a connection, and runs in its transaction.
"""

from collections.abc import Collection, Iterator, Sequence
from typing import Any

from psycopg.errors import UniqueViolation
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    String,
    Table,
    any_,
    bindparam,
    delete,
    insert,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

Row = dict[str, Any]
Bind = Session | Connection
_SQLITE_CHUNK = 2000  # values per IN (...) list on SQLite, well under its parameter limit


def is_postgresql(bind: Bind) -> bool:
    """Whether the session or connection talks to PostgreSQL (else SQLite)."""
    dialect = bind.get_bind().dialect if isinstance(bind, Session) else bind.dialect
    return dialect.name == "postgresql"


def among(bind: Bind, column: Any, values: Collection[Any]) -> ColumnElement[bool]:
    """`column IN values`: one array parameter on PostgreSQL (a thousand placeholders cost
    more to send and parse than the lookups), an IN list on SQLite."""
    if is_postgresql(bind):
        # a text array without a length: a cast to VARCHAR(n)[] would cut longer values
        element = String() if isinstance(column.type, String) else column.type
        values_param = bindparam(None, list(values), type_=postgresql.ARRAY(element))
        return column == any_(values_param)  # type: ignore[no-any-return]
    return column.in_(values)  # type: ignore[no-any-return]


def _chunks(bind: Bind, values: Collection[Any]) -> Iterator[list[Any]]:
    """The values in one piece on PostgreSQL, in IN lists SQLite accepts otherwise."""
    wanted = list(values)
    if not wanted:
        return
    size = len(wanted) if is_postgresql(bind) else _SQLITE_CHUNK
    for start in range(0, len(wanted), size):
        yield wanted[start : start + size]


def select_among(
    bind: Bind, query: Select[Any], column: ColumnElement[Any], values: Collection[Any]
) -> Iterator[Any]:
    """The rows of a query whose column is one of the values (no query for no value)."""
    for chunk in _chunks(bind, values):
        yield from bind.execute(query.where(among(bind, column, chunk)))


def delete_among(bind: Bind, table: Table, column: str, values: Collection[Any]) -> None:
    """Delete the rows of a table whose column is one of the values."""
    for chunk in _chunks(bind, values):
        bind.execute(delete(table).where(among(bind, table.c[column], chunk)))


def _driver(bind: Bind) -> Any:
    """The psycopg connection under the session or connection (its transaction)."""
    connection = bind.connection() if isinstance(bind, Session) else bind
    return connection.connection.driver_connection


def _quoted(bind: Bind, name: str) -> str:
    """An identifier as the dialect writes it (our own table and column names, not input)."""
    dialect = bind.get_bind().dialect if isinstance(bind, Session) else bind.dialect
    return dialect.identifier_preparer.quote(name)


def _copy(bind: Bind, table_name: str, rows: Sequence[Row]) -> None:
    names = list(rows[0])
    columns = ", ".join(_quoted(bind, name) for name in names)
    with (
        _driver(bind).cursor() as cursor,
        cursor.copy(f"COPY {_quoted(bind, table_name)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[name] for name in names])


def bulk_insert(bind: Bind, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows (all with the same keys) in the session's transaction."""
    if not rows:
        return
    if is_postgresql(bind):
        _copy(bind, table.name, rows)
    else:
        bind.execute(insert(table), list(rows))


def bulk_insert_else_upsert(
    bind: Bind, table: Table, rows: Sequence[Row], key: str | Sequence[str] | None = None
) -> None:
    """`bulk_upsert` for rows that are almost always new: on PostgreSQL one COPY, and the
    upsert only when a key already exists (COPY is twice as fast as the upsert's staging)."""
    if not rows:
        return
    if is_postgresql(bind):
        try:
            with bind.begin_nested():
                _copy(bind, table.name, rows)
            return
        except UniqueViolation:
            pass
    bulk_upsert(bind, table, rows, key)


def bulk_upsert(
    bind: Bind, table: Table, rows: Sequence[Row], key: str | Sequence[str] | None = None
) -> None:
    """Insert rows (all with the same keys), or replace the existing ones with the same key
    (by default the table's primary key; the keys of one call are distinct).

    PostgreSQL: COPY into a temporary table, then one INSERT ... ON CONFLICT from it; one
    statement per row, even pipelined, costs several times more for large batches. The
    staging table empties at commit: once per table and transaction (both services).
    """
    if not rows:
        return
    if key is None:
        keys = [column.name for column in table.primary_key.columns]
    else:
        keys = [key] if isinstance(key, str) else list(key)
    others = [name for name in rows[0] if name not in keys]
    if not is_postgresql(bind):
        statement = sqlite.insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={name: statement.excluded[name] for name in others}
        )
        bind.execute(statement, list(rows))
        return
    quote = _quoted
    target, staging = quote(bind, table.name), f"{table.name}_incoming"
    columns = ", ".join(quote(bind, name) for name in rows[0])
    conflict = ", ".join(quote(bind, name) for name in keys)
    updates = ", ".join(f"{quote(bind, n)} = EXCLUDED.{quote(bind, n)}" for n in others)
    with _driver(bind).cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {quote(bind, staging)} "  # one per connection
            f"(LIKE {target} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
    _copy(bind, staging, rows)
    with _driver(bind).cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {quote(bind, staging)} "  # noqa: S608
            f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
        )
