"""The indicators service as a process (`python -m services.indicators`) on topics of its own."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.ports import free_port
from services.indicators.settings import IndicatorsSettings
from tests.integration.indicators.conftest import unique_settings
from tests.processes import serving


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
    url = f"http://127.0.0.1:{port}"
    with serving({"indicators": env}, {"indicators": url}, tmp_path):
        yield ServiceProcess(settings, url)
