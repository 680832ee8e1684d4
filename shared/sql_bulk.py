"""Bulk SQL on SQLite and PostgreSQL: membership tests, COPY into staging then insert or upsert."""

from collections.abc import Sequence
from typing import Any

from psycopg.errors import UniqueViolation
from sqlalchemy import ColumnElement, String, Table, any_, bindparam, insert, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

Row = dict[str, Any]


def is_postgresql(session: Session) -> bool:
    """Whether the session talks to PostgreSQL (else SQLite)."""
    return session.get_bind().dialect.name == "postgresql"


def among(session: Session, column: Any, values: Sequence[str]) -> ColumnElement[bool]:
    """`column IN values`: one array parameter on PostgreSQL (a thousand placeholders cost
    more to send and parse than the lookups), an IN list on SQLite."""
    if is_postgresql(session):
        values_param = bindparam(None, list(values), type_=postgresql.ARRAY(String))
        return column == any_(values_param)  # type: ignore[no-any-return]
    return column.in_(values)  # type: ignore[no-any-return]


def _copy(session: Session, table_name: str, rows: Sequence[Row]) -> None:
    names = list(rows[0])
    columns = ", ".join(f'"{name}"' for name in names)
    driver: Any = session.connection().connection.driver_connection
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY {table_name} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[name] for name in names])


def bulk_insert(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows (all with the same keys) in the session's transaction."""
    if not rows:
        return
    if is_postgresql(session):
        _copy(session, table.name, rows)
    else:
        session.execute(insert(table), list(rows))


def bulk_insert_else_upsert(session: Session, table: Table, rows: Sequence[Row], key: str) -> None:
    """`bulk_upsert` for rows that are almost always new: on PostgreSQL one COPY, and the
    upsert only when a key already exists (COPY is twice as fast as the upsert's staging)."""
    if not rows:
        return
    if is_postgresql(session):
        try:
            with session.begin_nested():
                _copy(session, table.name, rows)
            return
        except UniqueViolation:
            pass
    bulk_upsert(session, table, rows, key)


def bulk_upsert(session: Session, table: Table, rows: Sequence[Row], key: str) -> None:
    """Insert rows, or replace the existing ones with the same key."""
    if not rows:
        return
    others = [name for name in rows[0] if name != key]
    if not is_postgresql(session):
        statement = sqlite.insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=[key], set_={name: statement.excluded[name] for name in others}
        )
        session.execute(statement, list(rows))
        return
    staging = f"{table.name}_incoming"
    session.execute(
        text(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} "  # one per connection
            f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
    )
    _copy(session, staging, rows)
    columns = ", ".join(f'"{name}"' for name in rows[0])
    updates = ", ".join(f'"{name}" = EXCLUDED."{name}"' for name in others)
    session.execute(
        text(
            f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {staging} "  # noqa: S608
            f'ON CONFLICT ("{key}") DO UPDATE SET {updates}'
        )
    )
