"""The three services as processes: their environment, their databases, the token they accept.

Shared by the whole-stack e2e test (tests/e2e/stack) and the chaos tier (tests/chaos).
"""

import os
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from services.ingest.domain.access import hash_token

TOKEN = "e2e-stack-" + secrets.token_urlsafe(16)
SERVICE_PREFIXES = ("INGEST_", "CLAUSES_", "INDICATORS_")
SERVICES = ("ingest", "clauses", "indicators")


def service_env(kafka: str, **settings: str) -> dict[str, str]:
    """The environment of a service process: ours, minus any service setting, plus these."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(SERVICE_PREFIXES)}
    return {**inherited, "KAFKA_BOOTSTRAP_SERVERS": kafka, **settings}


def stack_envs(
    kafka: str, ingest_db: str, clauses_db: str, ports: dict[str, int]
) -> dict[str, dict[str, str]]:
    """Each service's environment: this broker, these databases and ports, TOKEN accepted."""
    tokens = f'[{{"name": "e2e", "role": "facilitator", "sha256": "{hash_token(TOKEN)}"}}]'
    return {
        "ingest": service_env(
            kafka,
            DATABASE_URL=ingest_db,
            INGEST_PSEUDONYMISATION_KEY="e2e-" + secrets.token_urlsafe(32),
            INGEST_TOKENS=tokens,
            INGEST_PORT=str(ports["ingest"]),
        ),
        "clauses": service_env(
            kafka,
            CLAUSES_DATABASE_URL=clauses_db,
            CLAUSES_KAFKA_BOOTSTRAP_SERVERS=kafka,
            CLAUSES_HTTP_PORT=str(ports["clauses"]),
        ),
        "indicators": service_env(kafka, INDICATORS_PORT=str(ports["indicators"])),
    }


@contextmanager
def databases(server_url: str, *names: str) -> Iterator[list[str]]:
    """Fresh databases on the server of the given URL, dropped afterwards."""
    base = make_url(server_url)
    suffix = uuid.uuid4().hex[:8]
    wanted = [f"stack_e2e_{name}_{suffix}" for name in names]
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            for name in wanted:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield [base.set(database=name).render_as_string(hide_password=False) for name in wanted]
    finally:
        with admin.connect() as connection:
            for name in wanted:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
