"""What every service's migrations must do, written once: a test class of each tier
(tests/component on SQLite, tests/integration on PostgreSQL) inherits these tests, run for
each service of `SERVICES`."""

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy.engine import Engine

from shared.migrations import current, differences, head
from tests.migrated_databases import (
    SERVICES,
    Service,
    own_engine,
    rows_of,
    schema_of,
    versions_of,
    written_by_main,
)

NewEngine = Callable[[], Engine]


class EveryServiceMigrates:
    """The tests of every service's migrations on a database of the subclass's `kind`."""

    kind: ClassVar[str]

    @pytest.fixture(params=SERVICES, ids=lambda service: service.name)
    def service(self, request: pytest.FixtureRequest) -> Service:
        return request.param  # type: ignore[no-any-return]

    @pytest.fixture
    def new_engine(self, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NewEngine]:
        """Makes engines on empty databases of their own, disposed and dropped afterwards."""
        postgres_url = request.getfixturevalue("postgres_url") if self.kind != "sqlite" else None
        with contextlib.ExitStack() as stack:

            def new() -> Engine:
                database = own_engine(self.kind, folder=tmp_path, postgres_url=postgres_url)
                return stack.enter_context(database)

            yield new

    @pytest.fixture
    def engine(self, new_engine: NewEngine) -> Engine:
        return new_engine()

    def test_an_empty_database_gets_exactly_the_tables_of_the_code(
        self, service: Service, engine: Engine
    ) -> None:
        service.migrate(engine, {})

        assert differences(engine, service.metadata(), version_table=service.version_table) == []
        assert current(engine, version_table=service.version_table) == head(service.scripts)
        assert head(service.scripts) == "0001"

    def test_the_first_revision_creates_the_tables_main_created_at_21de2e8(
        self, service: Service, engine: Engine, new_engine: NewEngine
    ) -> None:
        main = new_engine()
        written_by_main(main, service.name)

        service.migrate(engine, {})

        assert schema_of(engine, service.tables) == schema_of(main, service.tables)

    def test_a_database_written_by_main_keeps_its_rows_and_reaches_the_latest_revision(
        self, service: Service, engine: Engine
    ) -> None:
        written_by_main(engine, service.name)
        before = rows_of(engine, service.tables)

        service.migrate(engine, {"acme": "token:acme-id"})

        assert rows_of(engine, service.tables) == before
        assert {table: len(rows) for table, rows in before.items()} == service.rows_by_main
        assert differences(engine, service.metadata(), version_table=service.version_table) == []
        assert current(engine, version_table=service.version_table) == head(service.scripts)
        service.reads_the_rows_of_main(engine)

    def test_a_second_migration_changes_nothing(self, service: Service, engine: Engine) -> None:
        written_by_main(engine, service.name)
        service.migrate(engine, {})
        schema, rows = schema_of(engine, service.tables), rows_of(engine, service.tables)

        service.migrate(engine, {"acme": "token:someone-else"})

        assert schema_of(engine, service.tables) == schema
        assert rows_of(engine, service.tables) == rows
        assert versions_of(engine, service.version_table) == ["0001"]
