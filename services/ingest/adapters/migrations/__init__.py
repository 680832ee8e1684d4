"""Ingest's schema migrations (Alembic): `migrate` brings a database to the latest revision,
at start or by hand (`python -m services.ingest.adapters.migrations`, see docs/migrations.md).
"""

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import MetaData
from sqlalchemy.engine import Engine

from services.ingest.adapters.storage import TABLES
from shared.migrations import metadata_of, upgrade

SCRIPTS = Path(__file__).parent
VERSION_TABLE = "ingest_alembic_version"


def metadata() -> MetaData:
    """Ingest's tables, as the latest revision must leave them."""
    return metadata_of(TABLES)


def migrate(engine: Engine, principal_ids: Mapping[str, str] | None = None) -> None:
    """Upgrade ingest's tables to the latest revision; with `principal_ids` (each token's name
    and principal id), submissions stored by name before principal ids are attributed to the
    token of that name, once."""
    upgrade(
        engine,
        SCRIPTS,
        version_table=VERSION_TABLE,
        attributes={"principal_ids": dict(principal_ids or {})},
    )
