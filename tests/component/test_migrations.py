"""Every service's schema migrations on SQLite: an empty database, a database written by main
at 21de2e8 (before migrations), a second run (tests/migration_checks.py), the command, and a
new revision."""

import shutil
from pathlib import Path

from sqlalchemy.engine import Engine

from shared.migrations import current, differences, head, main, upgrade, write_revision
from tests.migrated_databases import Service
from tests.migration_checks import EveryServiceMigrates


class TestEveryServiceOnSQLite(EveryServiceMigrates):
    kind = "sqlite"

    def test_the_command_upgrades_then_tells_the_revision(
        self, service: Service, tmp_path: Path
    ) -> None:
        url = f"sqlite:///{tmp_path / 'by-hand.db'}"

        def run(*argv: str) -> str:
            return main(
                list(argv),
                script_location=service.scripts,
                version_table=service.version_table,
                database_url=url,
            )

        before, upgraded, again = run("current"), run("upgrade"), run()

        assert (before, upgraded, again) == ("at revision None", *["at revision 0001"] * 2)

    def test_a_new_revision_follows_the_latest_and_databases_reach_it(
        self, service: Service, engine: Engine, tmp_path: Path
    ) -> None:
        scripts = tmp_path / "migrations"
        shutil.copytree(service.scripts, scripts, ignore=shutil.ignore_patterns("__pycache__"))
        version_table = service.version_table

        write_revision(scripts, version_table=version_table, message="nothing new", rev_id="0002")
        upgrade(engine, scripts, version_table=version_table)

        [written] = scripts.glob("versions/0002_*.py")
        assert written.name == "0002_nothing_new.py"
        assert 'down_revision = "0001"' in written.read_text().replace("'", '"')
        assert head(scripts) == current(engine, version_table=version_table) == "0002"
        assert differences(engine, service.metadata(), version_table=version_table) == []
