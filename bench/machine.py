"""The facts of the machine a benchmark report states: cores, memory, load, versions, commit."""

import os
import platform
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from harness.processes import KAFKA_SCRIPT, REPO


def ram_gb() -> float:
    """Total memory, from /proc/meminfo."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def load() -> tuple[float, float, float]:
    return os.getloadavg()


def python_version() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}"


def kafka_version() -> str:
    """The broker version deploy/kafka/kafka.sh runs."""
    answer = subprocess.run(
        ["bash", str(KAFKA_SCRIPT), "version"], capture_output=True, text=True, check=False
    )
    return answer.stdout.strip() or f"unknown ({answer.stderr.strip()[:100]})"


def postgresql_version(url: str) -> str:
    """The server's version (a postgresql:// URL is read with psycopg 3, as the tests do)."""
    address = make_url(url)
    if address.drivername == "postgresql":
        address = address.set(drivername="postgresql+psycopg")
    engine = create_engine(address)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar_one())
    finally:
        engine.dispose()


def git_commit() -> str:
    """The commit of the working tree, marked when it has uncommitted changes."""

    def git(*arguments: str) -> str:
        answer = subprocess.run(
            ["git", *arguments], cwd=REPO, capture_output=True, text=True, check=False
        )
        return answer.stdout.strip()

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    return f"{commit} + uncommitted changes" if git("status", "--porcelain") else commit
