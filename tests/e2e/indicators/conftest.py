"""The indicators service as a process (`python -m services.indicators`) on topics of its own."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from services.indicators.settings import IndicatorsSettings
from tests.integration.indicators.conftest import unique_settings

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


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


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process this test started, by its pid."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@dataclass(frozen=True)
class ServiceProcess:
    """The running service: its settings and base URL."""

    settings: IndicatorsSettings
    url: str


@pytest.fixture
def service_process(kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceProcess]:
    port = free_port()
    settings = unique_settings(kafka_bootstrap, port=port)
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "INDICATORS_PORT": str(port),
        "INDICATORS_AGGREGATES_TOPIC": settings.aggregates_topic,
        "INDICATORS_MARKETS_TOPIC": settings.markets_topic,
        "INDICATORS_SNAPSHOTS_TOPIC": settings.snapshots_topic,
    }
    log = tmp_path / "indicators.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.indicators"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/health", process, log, within=60)
        yield ServiceProcess(settings, url)
    finally:
        stop(process)
