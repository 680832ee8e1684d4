"""The whole stack as processes: its own broker, two PostgreSQL databases, the three services.

The broker is dedicated to this module (deploy/kafka/kafka.sh on a free port, or a
container where Docker answers), not the session's shared one. The dataset has fixed market
ids and the services publish and read the production topic names (ingest takes no topic
prefix for the events it publishes), so on a shared broker other tests' markets would count
in the figures and a second run would find the first one's events. A broker of its own
makes the figures exact and the test repeatable, at the cost of a few seconds of startup.
"""

import os
import secrets
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from services.ingest.auth import hash_token
from tests.e2e.indicators.conftest import free_port, stop, wait_until_up
from tests.servers import KAFKA_IMAGE, KAFKA_SCRIPT, REPO, docker_answers, unavailable

TOKEN = "e2e-stack-" + secrets.token_urlsafe(16)
SERVICE_PREFIXES = ("INGEST_", "CLAUSES_", "INDICATORS_")


def free_port_pair() -> int:
    """A port whose next one is free too (Kafka's client and controller listeners)."""
    for _ in range(50):
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free ports")


@contextmanager
def dedicated_kafka() -> Iterator[str]:
    """A broker for this module only."""
    if docker_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer(KAFKA_IMAGE).with_kraft() as container:
            yield container.get_bootstrap_server()
        return
    port = free_port_pair()
    env = {**os.environ, "KAFKA_PORT": str(port)}
    started = subprocess.run(
        ["bash", str(KAFKA_SCRIPT), "start"], env=env, capture_output=True, text=True, check=False
    )
    if started.returncode != 0:
        unavailable("Kafka", f"{KAFKA_SCRIPT.name} start failed:\n{started.stdout}{started.stderr}")
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run(["bash", str(KAFKA_SCRIPT), "stop"], env=env, check=False)


@contextmanager
def databases(server_url: str, *names: str) -> Iterator[list[str]]:
    """Fresh databases on the server of the given URL, dropped afterwards."""
    base = make_url(server_url)
    suffix = uuid.uuid4().hex[:8]
    wanted = [f"stack_e2e_{name}_{suffix}" for name in names]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
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


@dataclass(frozen=True)
class Stack:
    """The running services' base URLs, the broker and the token ingest accepts."""

    kafka: str
    ingest: str
    clauses: str
    indicators: str
    token: str


def service_env(kafka: str, **settings: str) -> dict[str, str]:
    """The environment of a service process: ours, minus any service setting, plus these."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(SERVICE_PREFIXES)}
    return {**inherited, "KAFKA_BOOTSTRAP_SERVERS": kafka, **settings}


@contextmanager
def running_stack(kafka: str, ingest_db: str, clauses_db: str, logs: Path) -> Iterator[Stack]:
    """The three services as `python -m services.<name>` processes, until the block ends."""
    ports = {name: free_port() for name in ("ingest", "clauses", "indicators")}
    tokens = f'[{{"name": "e2e", "role": "facilitator", "sha256": "{hash_token(TOKEN)}"}}]'
    envs = {
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
