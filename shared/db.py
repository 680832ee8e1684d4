"""Database engine factory: SQLite by default, PostgreSQL in production."""

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import create_engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str, postgresql_settings: dict[str, str] | None = None) -> Engine:
    """An engine for the URL; SQLite gets WAL and full fsync so a crash loses nothing.
    `postgresql_settings`: run-time parameters every PostgreSQL session starts with."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    options = " ".join(f"-c {name}={value}" for name, value in (postgresql_settings or {}).items())
    return create_engine(
        url, pool_pre_ping=True, connect_args={"options": options} if options else {}
    )
