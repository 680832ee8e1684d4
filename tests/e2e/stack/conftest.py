"""The whole stack as processes: its own broker, two PostgreSQL databases, the three services.

The broker is dedicated to this module (deploy/kafka/kafka.sh on a free port, or a
container where Docker answers), not the session's shared one. The dataset has fixed market
ids and the services publish and read the production topic names (ingest takes no topic
prefix for the events it publishes), so on a shared broker other tests' markets would count
in the figures and a second run would find the first one's events. A broker of its own
makes the figures exact and the test repeatable, at the cost of a few seconds of startup.
"""

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import REPO, dedicated_kafka, free_port, stop, wait_until_up
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
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, env in envs.items():
            with (logs / f"{name}.log").open("wb") as output:
                processes[name] = subprocess.Popen(
                    [sys.executable, "-m", f"services.{name}"],
                    cwd=REPO,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        for name, process in processes.items():
            wait_until_up(f"{urls[name]}/health", process, logs / f"{name}.log", within=90)
        yield Stack(kafka, urls["ingest"], urls["clauses"], urls["indicators"], TOKEN)
    finally:
        for process in processes.values():
            stop(process)


@pytest.fixture(scope="module")
def stack(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    logs = tmp_path_factory.mktemp("stack-logs")
    with (
        dedicated_kafka() as kafka,
        databases(postgres_url, "ingest", "clauses") as (ingest_db, clauses_db),
        running_stack(kafka, ingest_db, clauses_db, logs) as running,
    ):
        yield running
