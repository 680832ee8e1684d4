"""The chaos tier's stack: its own broker and PostgreSQL (both restarted by the test), the
three services under a supervisor. Never the session's shared broker or database."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.ports import free_port_pair, stable_port
from tests.chaos.postgres import OwnPostgres, own_postgres
from tests.processes import Service, Supervisor
from tests.servers import kafka_script, local_kafka
from tests.stack_env import SERVICES, TOKEN, databases, stack_envs


@dataclass(frozen=True)
class ChaosStack:
    """Where everything is, and the handles to break it."""

    kafka_port: int
    postgres: OwnPostgres
    clauses_db: str
    supervisor: Supervisor
    urls: dict[str, str]
    logs: Path
    token: str = TOKEN

    @property
    def kafka(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    def restart_broker(self) -> None:
        """Stop the broker and start it again on the same data (kafka.sh restart)."""
        done = kafka_script("restart", self.kafka_port)
        assert done.returncode == 0, f"kafka.sh restart failed: {done.stdout}{done.stderr}"


@pytest.fixture(scope="module")
def chaos_stack(request: pytest.FixtureRequest) -> Iterator[ChaosStack]:
    """The stack; its logs (/tmp/chaos-logs-*) are kept on failure or with CHAOS_KEEP_LOGS."""
    logs, failed = Path(tempfile.mkdtemp(prefix="chaos-logs-")), request.session.testsfailed
    port = free_port_pair()
    with (
        local_kafka(port) as kafka,
        own_postgres() as postgres,
        databases(postgres.url, "ingest", "clauses") as (ingest_db, clauses_db),
    ):
        ports = {name: stable_port() for name in SERVICES}
        envs = stack_envs(kafka, ingest_db, clauses_db, ports)
        supervisor = Supervisor(
            {name: Service(name, envs[name], logs / f"{name}.log") for name in SERVICES}
        )
        urls = {name: f"http://127.0.0.1:{p}" for name, p in ports.items()}
        try:
            yield ChaosStack(port, postgres, clauses_db, supervisor, urls, logs)
        finally:
            supervisor.stop()
    if request.session.testsfailed == failed and not os.environ.get("CHAOS_KEEP_LOGS"):
        shutil.rmtree(logs, ignore_errors=True)
