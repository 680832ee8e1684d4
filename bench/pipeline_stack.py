"""The pipeline as processes for a benchmark: its own broker, databases, the three services.

As deploy/up.sh and tests/e2e/stack/conftest.py run them: `deploy/kafka/kafka.sh` on a port
of its own (so the production topic names are the run's alone), then
`python -m services.ingest|clauses|indicators` on free ports of 127.0.0.1.
"""

import asyncio
import functools
import hashlib
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.figures import Figure
from harness.ports import free_port, port_free
from harness.processes import KAFKA_SCRIPT, REPO

SERVICE_PREFIXES = ("INGEST_", "CLAUSES_", "INDICATORS_", "DATABASE_URL", "KAFKA_")


@contextmanager
def own_broker(port: int) -> Iterator[str]:
    """deploy/kafka/kafka.sh on the port, for this run only; stopped (data deleted) at the end."""
    env = {**os.environ, "KAFKA_PORT": str(port)}
    if not (port_free(port) and port_free(port + 1)):
        raise SystemExit(f"port {port} or {port + 1} is taken: choose another --kafka-port")
    script = ["bash", str(KAFKA_SCRIPT)]
    started = subprocess.run([*script, "start"], env=env, capture_output=True, text=True)
    if started.returncode != 0:
        raise SystemExit(f"kafka.sh start failed:\n{started.stdout}{started.stderr}")
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([*script, "stop"], env=env, capture_output=True, check=False)


@contextmanager
def postgres_databases(server: str, names: Sequence[str]) -> Iterator[list[str]]:
    """The named databases on the server, dropped and created empty (they are the bench's)."""
    base = make_url(server)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    yield [base.set(database=name).render_as_string(hide_password=False) for name in names]


def service_env(kafka: str, **settings: str) -> dict[str, str]:
    """Our environment minus any service or broker setting, plus these."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(SERVICE_PREFIXES)}
    return {**inherited, "KAFKA_BOOTSTRAP_SERVERS": kafka, **settings}


@dataclass
class Services:
    """The three processes and their base URLs."""

    urls: dict[str, str]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def memory(self, section: str, when: str) -> list[Figure]:
        """Each running service's resident memory (VmRSS) and its peak (VmHWM), in MB."""
        return [
            memory_figure(f"memory.{name}", section, name, process.pid, when)
            for name, process in self.processes.items()
            if process.poll() is None
        ]

    def stop(self) -> None:
        """Terminate each process this bench started, by its handle."""
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, in MB (from /proc/<pid>/status)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


@functools.cache
def import_floor_mb(service: str) -> float:
    """The resident memory of a Python process that only imported the service's code, in MB.

    The baseline of a service's memory: what its interpreter and libraries cost before any
    state (the process waits on its stdin, which is then closed).
    """
    code = f"import sys, services.{service}.__main__; print('ready', flush=True); sys.stdin.read()"
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        if process.stdout.readline().strip() != b"ready":
            raise RuntimeError(f"importing services.{service} failed")
        return memory_mb(process.pid)[0]
    finally:
        process.stdin.close()
        process.wait(timeout=30)


def memory_figure(key: str, section: str, service: str, pid: int, when: str) -> Figure:
    """A service process's resident memory as a figure, against its import floor."""
    rss, peak = memory_mb(pid)
    return Figure(key, section, f"{service} resident memory", rss, "MB",
                  import_floor_mb(service), "the same imports, no state",
                  f"({when}; peak {peak:.0f} MB)")  # fmt: skip


def start_services(kafka: str, dbs: tuple[str, str], token: str, logs: Path) -> Services:
    """`python -m services.<name>` for the three services, as deploy/up.sh starts them."""
    ports = {name: free_port() for name in ("ingest", "clauses", "indicators")}
    digest = hashlib.sha256(token.encode()).hexdigest()
    envs = {
        "ingest": service_env(
            kafka,
            DATABASE_URL=dbs[0],
            INGEST_PSEUDONYMISATION_KEY="bench-" + secrets.token_urlsafe(32),
            INGEST_TOKENS=f'[{{"name": "bench", "role": "facilitator", "sha256": "{digest}"}}]',
            INGEST_PORT=str(ports["ingest"]),
        ),
        "clauses": service_env(
            kafka, CLAUSES_DATABASE_URL=dbs[1], CLAUSES_HTTP_PORT=str(ports["clauses"])
        ),
        "indicators": service_env(kafka, INDICATORS_PORT=str(ports["indicators"])),
    }
    services = Services({name: f"http://127.0.0.1:{port}" for name, port in ports.items()})
    for name, env in envs.items():
        with (logs / f"{name}.log").open("wb") as output:
            services.processes[name] = subprocess.Popen(
                [sys.executable, "-m", f"services.{name}"],
                cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
    return services


async def wait_healthy(services: Services, logs: Path, within: float = 120) -> None:
    """Every service answers /health with 200 (indicators: and has caught up)."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=2) as client:
        for name, url in services.urls.items():
            while True:
                if services.processes[name].poll() is not None:
                    tail = (logs / f"{name}.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"{name} exited during startup:\n{tail}")
                try:
                    response = await client.get(f"{url}/health")
                    if response.status_code == 200 and response.json().get("caught_up", True):
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{name} not healthy within {within} s (see {logs})")
                await asyncio.sleep(0.2)
