"""The clauses service's schema migrations on SQLite: an empty database, a database written
by main at 21de2e8 (before migrations), and a second run."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from services.clauses.adapters.migrations import SCRIPTS, VERSION_TABLE, metadata, migrate
from services.clauses.adapters.storage import SqlStore
from services.clauses.application.ports import Pending
from shared.db import make_engine
from shared.migrations import current, differences, head
from tests.migrated_databases import own_database, rows_of, schema_of, versions_of, written_by_main

TABLES = sorted(metadata().tables)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with own_database("sqlite", folder=tmp_path) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def test_an_empty_database_gets_exactly_the_tables_of_the_code(engine: Engine) -> None:
    migrate(engine)

    assert differences(engine, metadata(), version_table=VERSION_TABLE) == []
    assert current(engine, version_table=VERSION_TABLE) == head(SCRIPTS) == "0001"


def test_the_first_revision_creates_the_tables_main_created_at_21de2e8(
    engine: Engine, tmp_path: Path
) -> None:
    with own_database("sqlite", folder=tmp_path) as url:
        main = make_engine(url)
        written_by_main(main, "clauses")

        migrate(engine)

        assert schema_of(engine, TABLES) == schema_of(main, TABLES)
        main.dispose()


def test_a_database_written_by_main_keeps_its_rows_and_reaches_the_latest_revision(
    engine: Engine,
) -> None:
    written_by_main(engine, "clauses")
    before = rows_of(engine, TABLES)

    migrate(engine)

    assert rows_of(engine, TABLES) == before
    assert all(len(rows) == 1 for rows in before.values())
    assert differences(engine, metadata(), version_table=VERSION_TABLE) == []
    assert current(engine, version_table=VERSION_TABLE) == head(SCRIPTS)
    store = SqlStore(engine)
    assert store.offsets() == {("insertion.hours", 0): 42}
    assert store.outbox() == [Pending("market|M-1", '{"v": 1}', 7)]
    assert store.market_ids() == ["M-1"]


def test_a_second_migration_changes_nothing(engine: Engine) -> None:
    written_by_main(engine, "clauses")
    migrate(engine)
    schema, rows = schema_of(engine, TABLES), rows_of(engine, TABLES)

    migrate(engine)

    assert schema_of(engine, TABLES) == schema
    assert rows_of(engine, TABLES) == rows
    assert versions_of(engine, VERSION_TABLE) == ["0001"]
