"""Ingest's schema migrations on SQLite: an empty database, a database written by main at
21de2e8 (before migrations), and a second run."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from services.ingest.adapters.migrations import SCRIPTS, VERSION_TABLE, metadata, migrate
from services.ingest.adapters.storage import SqlStore
from shared.db import make_engine
from shared.migrations import current, differences, head, main, upgrade, write_revision
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
        written_by_main(main, "ingest")

        migrate(engine)

        assert schema_of(engine, TABLES) == schema_of(main, TABLES)
        main.dispose()


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
    assert store.contracts(["C-1"])["C-1"].market_id == "M-1"


def test_a_second_migration_changes_nothing(engine: Engine) -> None:
    written_by_main(engine, "ingest")
    migrate(engine)
    schema, rows = schema_of(engine, TABLES), rows_of(engine, TABLES)

    migrate(engine, {"acme": "token:someone-else"})

    assert schema_of(engine, TABLES) == schema
    assert rows_of(engine, TABLES) == rows
    assert versions_of(engine, VERSION_TABLE) == ["0001"]


def test_the_command_upgrades_then_tells_the_revision(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'by-hand.db'}"

    def run(*argv: str) -> str:
        return main(
            list(argv), script_location=SCRIPTS, version_table=VERSION_TABLE, database_url=url
        )

    before, upgraded, again = run("current"), run("upgrade"), run()

    assert (before, upgraded, again) == ("at revision None", *["at revision 0001"] * 2)


def test_a_new_revision_follows_the_latest_and_databases_reach_it(
    engine: Engine, tmp_path: Path
) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(SCRIPTS, scripts, ignore=shutil.ignore_patterns("__pycache__"))

    write_revision(scripts, version_table=VERSION_TABLE, message="nothing new", rev_id="0002")
    upgrade(engine, scripts, version_table=VERSION_TABLE)

    [written] = scripts.glob("versions/0002_*.py")
    assert written.name == "0002_nothing_new.py"
    assert 'down_revision = "0001"' in written.read_text().replace("'", '"')
    assert head(scripts) == current(engine, version_table=VERSION_TABLE) == "0002"
    assert differences(engine, metadata(), version_table=VERSION_TABLE) == []
