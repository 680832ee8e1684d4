"""Databases of their own for the migration tests, loaded from SQL files, and what their
schema and rows are (compared before and after a migration); the services that migrate, each
with what its own store must still read in a database written by main at 21de2e8."""

import contextlib
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url

from services.clauses.adapters import migrations as clauses_migrations
from services.clauses.adapters.storage import SqlStore as ClausesStore
from services.clauses.application.ports import Pending
from services.ingest.adapters import migrations as ingest_migrations
from services.ingest.adapters.storage import SqlStore as IngestStore
from shared.db import make_engine

FIXTURES = Path(__file__).parent / "fixtures" / "migrations"


def _ingest_reads_the_rows_of_main(engine: Engine) -> None:
    store = IngestStore(engine)
    assert [r.id for r in store.submissions(principal_id="token:acme-id", limit=5)] == [
        "sub-failed",
        "sub-published",
    ]
    assert store.contracts(["C-1"])["C-1"].market_id == "M-1"


def _clauses_reads_the_rows_of_main(engine: Engine) -> None:
    store = ClausesStore(engine)
    assert store.offsets() == {("insertion.hours", 0): 42}
    assert store.outbox() == [Pending("market|M-1", '{"v": 1}', 7)]
    assert store.market_ids() == ["M-1"]


def _clauses_migrate(engine: Engine, principal_ids: Mapping[str, str]) -> None:
    clauses_migrations.migrate(engine)  # the clauses service knows no tokens


@dataclass(frozen=True)
class Service:
    """A service whose tables migrate: `migrate` as it runs at start, given the principal id
    of each token's name (only ingest uses them); `rows_by_main`, how many rows main at
    21de2e8 wrote in each of its tables (tests/fixtures/migrations); `reads_the_rows_of_main`,
    asserts that its store still reads them."""

    name: str
    migrate: Callable[[Engine, Mapping[str, str]], None]
    metadata: Callable[[], MetaData]
    scripts: Path
    version_table: str
    rows_by_main: Mapping[str, int]
    reads_the_rows_of_main: Callable[[Engine], None]

    @property
    def tables(self) -> list[str]:
        return sorted(self.metadata().tables)


SERVICES = (
    Service(
        "ingest",
        ingest_migrations.migrate,
        ingest_migrations.metadata,
        ingest_migrations.SCRIPTS,
        ingest_migrations.VERSION_TABLE,
        {
            "ingest_contracts": 1,
            "ingest_event_versions": 1,
            "ingest_idempotency_keys": 1,
            "ingest_submissions": 2,
            "ingest_web_sessions": 1,
        },
        _ingest_reads_the_rows_of_main,
    ),
    Service(
        "clauses",
        _clauses_migrate,
        clauses_migrations.metadata,
        clauses_migrations.SCRIPTS,
        clauses_migrations.VERSION_TABLE,
        dict.fromkeys(sorted(clauses_migrations.metadata().tables), 1),
        _clauses_reads_the_rows_of_main,
    ),
)


@contextlib.contextmanager
def own_database(kind: str, *, folder: Path, postgres_url: str | None = None) -> Iterator[str]:
    """The URL of an empty database of its own: an SQLite file in `folder`, or a PostgreSQL
    database created on the server of `postgres_url` (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.db'}"
        return
    assert postgres_url is not None
    name = f"migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


@contextlib.contextmanager
def own_engine(kind: str, *, folder: Path, postgres_url: str | None = None) -> Iterator[Engine]:
    """An engine on an empty database of its own (see `own_database`), disposed afterwards."""
    with own_database(kind, folder=folder, postgres_url=postgres_url) as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def run_sql_file(engine: Engine, path: Path) -> None:
    """Execute a file's statements (ended by `;` at the end of a line; `--` lines skipped)."""
    lines = [line for line in path.read_text().splitlines() if not line.startswith("--")]
    statements = [s.strip() for s in "\n".join(lines).split(";\n") if s.strip()]
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement.removesuffix(";")))


def written_by_main(engine: Engine, service: str) -> None:
    """Fill an empty database as main at 21de2e8 did: its tables for `service`, a few rows."""
    run_sql_file(engine, FIXTURES / f"{service}_21de2e8_{engine.dialect.name}.sql")


def schema_of(engine: Engine, tables: Iterable[str]) -> dict[str, Any]:
    """Everything the database says of these tables: columns in order with their types,
    nullability, defaults (and storage on PostgreSQL), keys, indexes, table options."""
    names = sorted(tables)
    with engine.connect() as connection:
        describe = _sqlite_schema if engine.dialect.name == "sqlite" else _postgresql_schema
        return {name: describe(connection, name) for name in names}


def _sqlite_schema(connection: Any, table: str) -> dict[str, Any]:
    def pragma(statement: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in connection.exec_driver_sql(f"PRAGMA {statement}")]

    return {
        "columns": pragma(f"table_xinfo('{table}')"),
        "indexes": sorted(
            (*index[1:], pragma(f"index_xinfo('{index[1]}')"))
            for index in pragma(f"index_list('{table}')")
        ),
        "foreign_keys": pragma(f"foreign_key_list('{table}')"),
    }


def _postgresql_schema(connection: Any, table: str) -> dict[str, Any]:
    columns = connection.execute(
        text(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
            " pg_get_expr(d.adbin, d.adrelid), a.attcompression, a.attstorage"
            " FROM pg_attribute a LEFT JOIN pg_attrdef d"
            " ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            " WHERE a.attrelid = CAST(:table AS regclass) AND a.attnum > 0"
            " AND NOT a.attisdropped ORDER BY a.attnum"
        ),
        {"table": table},
    )
    constraints = connection.execute(
        text(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = CAST(:table AS regclass) ORDER BY conname"
        ),
        {"table": table},
    )
    indexes = connection.execute(
        text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :table ORDER BY 1"),
        {"table": table},
    )
    options = connection.execute(
        text(
            "SELECT relkind, relpersistence, reloptions FROM pg_class"
            " WHERE oid = CAST(:table AS regclass)"
        ),
        {"table": table},
    )
    return {
        "columns": [tuple(row) for row in columns],
        "constraints": [tuple(row) for row in constraints],
        "indexes": [tuple(row) for row in indexes],
        "options": [tuple(row) for row in options],
    }


def rows_of(engine: Engine, tables: Iterable[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of these tables, by column name order, sorted."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in sorted(tables):
            columns = sorted(column["name"] for column in inspect(connection).get_columns(table))
            listed = ", ".join(f'"{column}"' for column in columns)
            rows = connection.execute(text(f"SELECT {listed} FROM {table}"))  # noqa: S608
            found[table] = sorted((tuple(row) for row in rows), key=repr)
    return found


# one instance starting: it imports, says it is ready, and migrates when told to go
_INSTANCE = """
import sys
from importlib import import_module
from shared.db import make_engine
migrations = import_module(f"services.{sys.argv[1]}.adapters.migrations")
engine = make_engine(sys.argv[2])
with engine.connect():
    pass
print("ready", flush=True)
sys.stdin.readline()
migrations.migrate(engine)
"""


def migrate_at_once(service: str, url: str, *, instances: int) -> list[tuple[int, str]]:
    """Start `instances` processes that each run `service`'s migrations on the database at
    `url`, released together once all are ready; their exit codes and error outputs."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _INSTANCE, service, url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(instances)
    ]
    for process in processes:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    return [(process.wait(timeout=120), process.communicate()[1]) for process in processes]


def versions_of(engine: Engine, version_table: str) -> list[str]:
    """The rows of a version table (one, at most, in a database of a single history)."""
    with engine.connect() as connection:
        query = text(f"SELECT version_num FROM {version_table}")  # noqa: S608
        return list(connection.scalars(query))
