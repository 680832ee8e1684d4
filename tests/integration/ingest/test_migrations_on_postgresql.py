"""Ingest's schema migrations on the real PostgreSQL: an empty database, a database written
by main at 21de2e8 or by an earlier release (before migrations), a second run, and two
instances starting at once."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from services.ingest.adapters.migrations import SCRIPTS, VERSION_TABLE, metadata, migrate
from services.ingest.adapters.storage import SqlStore
from shared.db import make_engine
from shared.migrations import current, differences, head
from tests.integration.ingest.test_storage_upgrade import EARLIER_SCHEMA, NAME_SCOPED_SCHEMA
from tests.migrated_databases import (
    migrate_at_once,
    own_database,
    rows_of,
    schema_of,
    versions_of,
    written_by_main,
)

TABLES = sorted(metadata().tables)


@pytest.fixture
def url(tmp_path: Path, postgres_url: str) -> Iterator[str]:
    with own_database("postgresql", folder=tmp_path, postgres_url=postgres_url) as url:
        yield url


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_an_empty_database_gets_exactly_the_tables_of_the_code(engine: Engine) -> None:
    migrate(engine)

    assert differences(engine, metadata(), version_table=VERSION_TABLE) == []
    assert current(engine, version_table=VERSION_TABLE) == head(SCRIPTS) == "0001"


def test_the_first_revision_creates_the_tables_main_created_at_21de2e8(
    engine: Engine, tmp_path: Path, postgres_url: str
) -> None:
    with own_database("postgresql", folder=tmp_path, postgres_url=postgres_url) as url:
        main = make_engine(url)
        written_by_main(main, "ingest")

        migrate(engine)

        assert schema_of(engine, TABLES) == schema_of(main, TABLES)
        main.dispose()


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


def test_a_database_written_by_main_keeps_its_rows_and_reaches_the_latest_revision(
    engine: Engine,
) -> None:
    written_by_main(engine, "ingest")
    before = rows_of(engine, TABLES)

    migrate(engine, {"acme": "token:acme-id"})

    assert rows_of(engine, TABLES) == before
    assert sum(len(rows) for rows in before.values()) == 6
    assert differences(engine, metadata(), version_table=VERSION_TABLE) == []
    assert current(engine, version_table=VERSION_TABLE) == head(SCRIPTS)
    store = SqlStore(engine)
    assert [r.id for r in store.submissions(principal_id="token:acme-id", limit=5)] == [
        "sub-failed",
        "sub-published",
    ]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_of_an_earlier_release_reaches_the_latest_revision(
    kind: str, tmp_path: Path, postgres_url: str
) -> None:
    with own_database(kind, folder=tmp_path, postgres_url=postgres_url) as url:
        engine = make_engine(url)
        with engine.begin() as connection:
            for statement in (*EARLIER_SCHEMA, *NAME_SCOPED_SCHEMA):
                if kind == "sqlite":  # what SQLAlchemy wrote for a DateTime there
                    statement = statement.replace("TIMESTAMP WITH TIME ZONE", "DATETIME")
                connection.execute(text(statement))

        migrate(engine, {"acme": "token:acme-id"})

        assert differences(engine, metadata(), version_table=VERSION_TABLE) == []
        assert current(engine, version_table=VERSION_TABLE) == head(SCRIPTS)
        engine.dispose()


def test_a_second_migration_changes_nothing(engine: Engine) -> None:
    written_by_main(engine, "ingest")
    migrate(engine)
    schema, rows = schema_of(engine, TABLES), rows_of(engine, TABLES)

    migrate(engine, {"acme": "token:someone-else"})

    assert schema_of(engine, TABLES) == schema
    assert rows_of(engine, TABLES) == rows


def test_two_instances_starting_at_once_migrate_one_after_the_other(url: str) -> None:
    engine = make_engine(url)

    outcomes = migrate_at_once("ingest", url, instances=3)

    assert outcomes == [(0, "")] * 3
    assert differences(engine, metadata(), version_table=VERSION_TABLE) == []
    assert versions_of(engine, VERSION_TABLE) == ["0001"]
    engine.dispose()
