"""The indicators service as a process (`python -m services.indicators`) on topics of its own."""

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.ports import free_port
from harness.processes import stop
from services.indicators.settings import IndicatorsSettings
from tests.integration.indicators.conftest import unique_settings
from tests.servers import wait_until_up

REPO = Path(__file__).resolve().parents[3]


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
