"""The clauses service's schema migrations (Alembic): `migrate` brings a database to the
latest revision, at start or by hand (`python -m services.clauses.adapters.migrations`, see
docs/migrations.md)."""

from pathlib import Path

from sqlalchemy import MetaData, Table
from sqlalchemy.engine import Engine

from services.clauses.adapters.storage import TABLE_MODELS, table_of
from shared.migrations import metadata_of, upgrade

SCRIPTS = Path(__file__).parent
VERSION_TABLE = "clauses_alembic_version"
TABLES: list[Table] = [table_of(model) for model in TABLE_MODELS]


def metadata() -> MetaData:
    """The clauses service's tables, as the latest revision must leave them."""
    return metadata_of(TABLES)


def migrate(engine: Engine) -> None:
    """Upgrade the clauses service's tables to the latest revision."""
    upgrade(engine, SCRIPTS, version_table=VERSION_TABLE)
