"""The whole stack as processes: its own broker, two PostgreSQL databases, the three services.

The broker is dedicated to this module (deploy/kafka/kafka.sh on a free port, or a
container where Docker answers), not the session's shared one. The dataset has fixed market
ids and the services publish and read the production topic names (ingest takes no topic
prefix for the events it publishes), so on a shared broker other tests' markets would count
in the figures and a second run would find the first one's events. A broker of its own
makes the figures exact and the test repeatable, at the cost of a few seconds of startup.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.ports import free_port
from tests.processes import serving
from tests.servers import dedicated_kafka
from tests.stack_env import SERVICES, TOKEN, databases, stack_envs


@dataclass(frozen=True)
class Stack:
    """The running services' base URLs, the broker and the token ingest accepts."""

    kafka: str
    ingest: str
    clauses: str
    indicators: str
    token: str


@contextmanager
def running_stack(kafka: str, ingest_db: str, clauses_db: str, logs: Path) -> Iterator[Stack]:
    """The three services as `python -m services.<name>` processes, until the block ends."""
    ports = {name: free_port() for name in SERVICES}
    envs = stack_envs(kafka, ingest_db, clauses_db, ports)
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    with serving(envs, urls, logs):
        yield Stack(kafka, urls["ingest"], urls["clauses"], urls["indicators"], TOKEN)


@pytest.fixture(scope="module")
def stack(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    logs = tmp_path_factory.mktemp("stack-logs")
    with (
        dedicated_kafka() as kafka,
        databases(postgres_url, "ingest", "clauses") as (ingest_db, clauses_db),
        running_stack(kafka, ingest_db, clauses_db, logs) as running,
    ):
        yield running
