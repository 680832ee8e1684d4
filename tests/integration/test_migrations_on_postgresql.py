"""Every service's schema migrations on the real PostgreSQL: an empty database, a database
written by main at 21de2e8 (before migrations), a second run (tests/migration_checks.py), and
instances starting at once."""

from sqlalchemy.engine import Engine

from shared.migrations import differences
from tests.migrated_databases import Service, migrate_at_once, versions_of
from tests.migration_checks import EveryServiceMigrates


class TestEveryServiceOnPostgreSQL(EveryServiceMigrates):
    kind = "postgresql"

    def test_two_instances_starting_at_once_migrate_one_after_the_other(
        self, service: Service, engine: Engine
    ) -> None:
        url = engine.url.render_as_string(hide_password=False)

        outcomes = migrate_at_once(service.name, url, instances=3)

        assert outcomes == [(0, "")] * 3
        assert differences(engine, service.metadata(), version_table=service.version_table) == []
        assert versions_of(engine, service.version_table) == ["0001"]
