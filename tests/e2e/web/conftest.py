"""Ingest (with its web pages) and clauses as processes on a broker of their own.

Both read and write the production event topics, as in production. The broker is the
module's own (tests/servers.dedicated_kafka): on the session's shared broker clauses would
first have to catch up with every event the other tests put on the production topics
before the hours of this test's market could move (minutes, in a full run).
"""

import json
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.builders import HOLDER_SIRET
from harness.ports import free_port
from services.ingest.domain.access import hash_token
from tests.processes import serving
from tests.servers import dedicated_kafka
from tests.stack_env import databases, service_env

OTHER_SIRET = "44306184100047"


@dataclass(frozen=True)
class WebStack:
    """The running services' base URLs and the tokens ingest accepts."""

    ingest: str
    clauses: str
    facilitator: str
    contractor: str
    other_contractor: str


def tokens(stack_tokens: dict[str, str]) -> str:
    entries = [
        {"name": "Facilitatrice E2E", "role": "facilitator", "token": stack_tokens["facilitator"]},
        {
            "name": "Titulaire E2E",
            "role": "contractor",
            "siret": HOLDER_SIRET,
            "token": stack_tokens["contractor"],
        },
        {
            "name": "Autre titulaire E2E",
            "role": "contractor",
            "siret": OTHER_SIRET,
            "token": stack_tokens["other_contractor"],
        },
    ]
    for entry in entries:
        entry["sha256"] = hash_token(entry.pop("token"))
    return json.dumps(entries)


@contextmanager
def running(kafka: str, ingest_db: str, clauses_db: str, logs: Path) -> Iterator[WebStack]:
    """`python -m services.clauses` and `python -m services.ingest`, until the block ends."""
    ports = {"ingest": free_port(), "clauses": free_port()}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    run = uuid.uuid4().hex[:12]
    secret = {
        name: f"e2e-web-{name}-" + secrets.token_urlsafe(16)
        for name in ("facilitator", "contractor", "other_contractor")
    }
    envs = {
        "clauses": service_env(
            kafka,
            CLAUSES_DATABASE_URL=clauses_db,
            CLAUSES_KAFKA_BOOTSTRAP_SERVERS=kafka,
            CLAUSES_GROUP_ID=f"e2e-web-clauses-{run}",
            CLAUSES_HTTP_PORT=str(ports["clauses"]),
        ),
        "ingest": service_env(
            kafka,
            DATABASE_URL=ingest_db,
            INGEST_PSEUDONYMISATION_KEY="e2e-web-" + secrets.token_urlsafe(32),
            INGEST_TOKENS=tokens(secret),
            INGEST_PORT=str(ports["ingest"]),
            INGEST_CLAUSES_URL=urls["clauses"],
            INGEST_RAW_TOPIC=f"e2e-web-raw-{run}",
            INGEST_DEAD_LETTER_TOPIC=f"e2e-web-dead-letter-{run}",
            INGEST_RAW_GROUP_ID=f"e2e-web-raw-{run}",
        ),
    }
    with serving(envs, urls, logs):
        yield WebStack(
            urls["ingest"],
            urls["clauses"],
            secret["facilitator"],
            secret["contractor"],
            secret["other_contractor"],
        )


@pytest.fixture(scope="module")
def web_stack(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    logs = tmp_path_factory.mktemp("web-logs")
    with (
        dedicated_kafka() as kafka,
        databases(postgres_url, "web_ingest", "web_clauses") as (ingest_db, clauses_db),
        running(kafka, ingest_db, clauses_db, logs) as stack,
    ):
        yield stack
