"""Where the tests find real servers: environment first, then Docker, then the local scripts."""

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from harness.ports import free_port_pair
from harness.processes import KAFKA_SCRIPT

KAFKA_IMAGE = "apache/kafka:4.4.0"  # the version deploy/kafka/kafka.sh pins
POSTGRES_IMAGE = "postgres:16"


def unavailable(server: str, reason: str) -> None:
    """Fail loudly in CI; elsewhere skip, saying why and how to provide the server."""
    message = f"{server} is required but could not be had: {reason}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def docker_answers() -> bool:
    """True when a Docker engine answers (the CLI alone is not enough)."""
    try:
        import docker

        docker.from_env().ping()
    except Exception:
        return False
    return True


@contextmanager
def kafka_server() -> Iterator[str]:
    """Bootstrap servers of a real broker for the whole test session."""
    if configured := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield configured
        return
    if docker_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer(KAFKA_IMAGE).with_kraft() as container:
            yield container.get_bootstrap_server()
        return
    with local_kafka(int(os.environ.get("TEST_KAFKA_PORT", "19092"))) as bootstrap:
        yield bootstrap


def kafka_script(command: str, port: int) -> subprocess.CompletedProcess[str]:
    """Run deploy/kafka/kafka.sh for the broker on this port."""
    env = {**os.environ, "KAFKA_PORT": str(port)}
    return subprocess.run(
        ["bash", str(KAFKA_SCRIPT), command], env=env, capture_output=True, text=True, check=False
    )


@contextmanager
def local_kafka(port: int) -> Iterator[str]:
    """A broker started by deploy/kafka/kafka.sh on this port, stopped (data deleted) after."""
    started = kafka_script("start", port)
    if started.returncode != 0:
        unavailable("Kafka", f"{KAFKA_SCRIPT.name} start failed:\n{started.stdout}{started.stderr}")
    try:
        yield f"127.0.0.1:{port}"
    finally:
        kafka_script("stop", port)


@contextmanager
def dedicated_kafka() -> Iterator[str]:
    """A broker of its own (for a module whose figures must be exact), stopped afterwards."""
    if docker_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer(KAFKA_IMAGE).with_kraft() as container:
            yield container.get_bootstrap_server()
        return
    with local_kafka(free_port_pair()) as bootstrap:
        yield bootstrap


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, within: float) -> None:
    """Poll the URL until it answers 200; fail with the process log if it dies or stays down."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url}: process exited {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {within} s:\n{log.read_text()[-3000:]}")


@contextmanager
def postgres_server() -> Iterator[str]:
    """A SQLAlchemy URL of a real PostgreSQL for the whole test session."""
    if configured := os.environ.get("DATABASE_URL"):
        if not configured.startswith("postgresql"):
            unavailable("PostgreSQL", f"DATABASE_URL is not a PostgreSQL URL: {configured!r}")
        yield configured
        return
    if docker_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer(POSTGRES_IMAGE, driver="psycopg") as container:
            yield container.get_connection_url()
        return
    unavailable("PostgreSQL", "set DATABASE_URL (bash deploy/postgres.sh start prints one)")
    yield ""  # unreachable: unavailable() raises
