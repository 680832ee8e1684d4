"""Ingest's own schema migrations on the real PostgreSQL: receipts compressed with lz4, and a
database of an earlier release (before migrations). What every service's migrations do is in
tests/integration/test_migrations_on_postgresql.py."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from services.ingest.adapters.migrations import SCRIPTS, VERSION_TABLE, metadata, migrate
from shared.migrations import current, differences, head
from tests.integration.ingest.test_storage_upgrade import EARLIER_SCHEMA, NAME_SCOPED_SCHEMA
from tests.migrated_databases import own_engine


@pytest.fixture
def engine(tmp_path: Path, postgres_url: str) -> Iterator[Engine]:
    with own_engine("postgresql", folder=tmp_path, postgres_url=postgres_url) as engine:
        yield engine


def test_receipts_are_compressed_with_lz4(engine: Engine) -> None:
    migrate(engine)

    with engine.connect() as connection:
        compression = connection.execute(
            text(
                "SELECT attcompression FROM pg_attribute WHERE attname = 'receipts'"
                " AND attrelid = CAST('ingest_submissions' AS regclass)"
            )
        ).scalar_one()
    assert compression == "l"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_of_an_earlier_release_reaches_the_latest_revision(
    kind: str, tmp_path: Path, postgres_url: str
) -> None:
    with own_engine(kind, folder=tmp_path, postgres_url=postgres_url) as engine:
        with engine.begin() as connection:
            for statement in (*EARLIER_SCHEMA, *NAME_SCOPED_SCHEMA):
                if kind == "sqlite":  # what SQLAlchemy wrote for a DateTime there
                    statement = statement.replace("TIMESTAMP WITH TIME ZONE", "DATETIME")
                connection.execute(text(statement))

        migrate(engine, {"acme": "token:acme-id"})

        assert differences(engine, metadata(), version_table=VERSION_TABLE) == []
        assert current(engine, version_table=VERSION_TABLE) == head(SCRIPTS)
