"""Where the tests find real servers: environment first, then Docker, then the local scripts."""

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
KAFKA_SCRIPT = REPO / "deploy" / "kafka" / "kafka.sh"
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
    port = os.environ.get("TEST_KAFKA_PORT", "19092")
    env = {**os.environ, "KAFKA_PORT": port}
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
