"""Alembic schema migrations run from code (no alembic.ini): at a service's start, by hand,
and to write a new revision. A service's script directory (`env.py`, `versions/`) calls
`run_migrations` from its `env.py`; each service keeps its own version table, so services
that share one database never read each other's revision.

On PostgreSQL the whole upgrade is one transaction (DDL is transactional there) holding an
advisory lock named by the version table: two instances starting at once upgrade one after
the other, and the second finds nothing left to do. SQLite serves one process.
"""

import tempfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from alembic import command, context
from alembic.autogenerate import compare_metadata
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel.sql.sqltypes import AutoString

from shared.db import make_engine


def metadata_of(tables: list[Table]) -> MetaData:
    """A metadata of these tables alone (copies): what one service's migrations compare to."""
    metadata = MetaData()
    for table in tables:
        table.to_metadata(metadata)
    return metadata


def lock_key(version_table: str) -> int:
    """The advisory lock's key of a service's migrations (a stable 32-bit number)."""
    return zlib.crc32(version_table.encode())


def config_of(
    script_location: Path,
    *,
    version_table: str,
    connection: Connection | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> Config:
    """An Alembic configuration without a file: the script directory, the version table and
    what the revisions may read (`context.config.attributes`)."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes.update(attributes or {})
    config.attributes["version_table"] = version_table
    config.attributes["connection"] = connection
    return config


def upgrade(
    engine: Engine,
    script_location: Path,
    *,
    version_table: str,
    attributes: Mapping[str, Any] | None = None,
) -> None:
    """Bring the database to the latest revision, in one transaction (a no-op at head)."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(version_table)}
            )
        config = config_of(
            script_location,
            version_table=version_table,
            connection=connection,
            attributes=attributes,
        )
        command.upgrade(config, "head")


def current(engine: Engine, *, version_table: str) -> str | None:
    """The revision the database is at, or None before any."""
    with engine.connect() as connection:
        migration = MigrationContext.configure(connection, opts={"version_table": version_table})
        return migration.get_current_revision()


def head(script_location: Path) -> str | None:
    """The latest revision of a script directory."""
    return ScriptDirectory(str(script_location)).get_current_head()


def differences(engine: Engine, metadata: MetaData, *, version_table: str) -> list[Any]:
    """What differs between the database and the tables (Alembic's autogenerate comparison;
    tables of other services in the same database are not compared)."""
    with engine.connect() as connection:
        migration = MigrationContext.configure(
            connection,
            opts={
                "version_table": version_table,
                "compare_type": True,
                "compare_server_default": True,
                "include_name": _only_tables_of(metadata),
            },
        )
        return list(compare_metadata(migration, metadata))


def _only_tables_of(metadata: MetaData) -> Callable[[str | None, str, Any], bool]:
    """Alembic's `include_name` filter: other services' tables in the same database are
    neither compared nor touched."""
    names = set(metadata.tables)
    return lambda name, type_, _parent: type_ != "table" or name in names


def run_migrations(target_metadata: MetaData) -> None:
    """The body of a service's `env.py`: run the revisions on the connection `upgrade` (or
    `write_revision`) handed over, inside its transaction."""
    config = context.config
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table=config.attributes["version_table"],
        compare_type=True,
        compare_server_default=True,
        include_name=_only_tables_of(target_metadata),
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _render_item(type_: str, item: Any, _context: AutogenContext) -> str | Literal[False]:
    # a revision spells SQLModel's strings as SQLAlchemy's, so it needs no sqlmodel import
    if type_ == "type" and isinstance(item, AutoString):
        return f"sa.String(length={item.length!r})"
    return False


def write_revision(script_location: Path, *, version_table: str, message: str, rev_id: str) -> None:
    """Write a new revision file: what the tables hold that a database at head lacks
    (autogenerated against an SQLite database upgraded to head: review it, and add what
    SQLite cannot show, such as PostgreSQL storage options)."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'head.db'}")
        upgrade(engine, script_location, version_table=version_table)
        with engine.begin() as connection:
            config = config_of(script_location, version_table=version_table, connection=connection)
            command.revision(config, message=message, autogenerate=True, rev_id=rev_id)
        engine.dispose()


def main(
    argv: list[str],
    *,
    script_location: Path,
    version_table: str,
    database_url: str,
    attributes: Mapping[str, Any] | None = None,
) -> str:
    """The command behind `python -m services.<svc>.adapters.migrations`: `upgrade` (the
    default), `current`, or `revision <NNNN> <message>`; returns what to print."""
    match argv:
        case [] | ["upgrade"]:
            engine = make_engine(database_url)
            upgrade(engine, script_location, version_table=version_table, attributes=attributes)
            at = current(engine, version_table=version_table)
            engine.dispose()
            return f"at revision {at}"
        case ["current"]:
            engine = make_engine(database_url)
            at = current(engine, version_table=version_table)
            engine.dispose()
            return f"at revision {at}"
        case ["revision", rev_id, *words] if rev_id.isdigit() and words:
            message = " ".join(words)
            write_revision(
                script_location, version_table=version_table, message=message, rev_id=rev_id
            )
            return f"wrote revision {rev_id} in {script_location / 'versions'}"
        case _:
            raise SystemExit(
                "usage: python -m services.<svc>.adapters.migrations"
                " [upgrade | current | revision NNNN <message>]"
            )
