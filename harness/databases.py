"""A fresh PostgreSQL database per test, created beside the one given and dropped after."""

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError


@contextmanager
def fresh_database(postgres_url: str, *, stem: str = "clauses_it") -> Iterator[str]:
    """The URL of an empty database of our own (the role needs CREATEDB)."""
    base = make_url(postgres_url)
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    name = f"{stem}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        _drop(admin, name)
        admin.dispose()


def _drop(admin: Engine, name: str) -> None:
    """Drop the database, retrying while its last connections close."""
    for attempt in range(5):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        except DBAPIError as error:
            if attempt == 4:
                raise RuntimeError(f"could not drop the test database {name}: {error}") from error
            time.sleep(1)
        else:
            return
