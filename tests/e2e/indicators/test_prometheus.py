"""Debian's Prometheus scrapes the running service; a PromQL query returns the share of women."""

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.builders import beneficiary_counts
from harness.ports import free_port
from harness.processes import stop
from tests.e2e.indicators.conftest import ServiceProcess
from tests.integration.indicators.conftest import Producer, delete_topics, eventually
from tests.servers import unavailable, wait_until_up

QUERY = 'insertion_indicator_women_share_ratio{axis="social",year="2023"}'


@pytest.fixture
def prometheus(service_process: ServiceProcess, tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("prometheus") or "/usr/bin/prometheus"
    if not Path(binary).is_file():
        unavailable("prometheus", "install Debian's package: bash deploy/prometheus.sh")
    target = service_process.url.removeprefix("http://")
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: indicators\n    static_configs:\n"
        f"      - targets: ['{target}']\n"
    )
    port = free_port()
    log = tmp_path / "prometheus.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/-/ready", process, log, within=60)
        yield url
    finally:
        stop(process)


def promql(prometheus_url: str, query: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{prometheus_url}/api/v1/query", params={"query": query}, timeout=5)
    response.raise_for_status()
    body = response.json()
    assert body["status"] == "success", body
    result: list[dict[str, Any]] = body["data"]["result"]
    return result


async def test_a_promql_query_to_debians_prometheus_returns_the_share_of_women(
    service_process: ServiceProcess, prometheus: str, kafka_bootstrap: str
) -> None:
    settings = service_process.settings
    producer = Producer(kafka_bootstrap)
    async with producer.broker:
        await producer.broker.start()
        await producer.send(settings.aggregates_topic, *beneficiary_counts(female=44, male=234))
    try:

        async def scraped() -> bool:
            return bool(promql(prometheus, QUERY))

        await eventually(scraped, within=60, what=f"Prometheus to return {QUERY}")
        (sample,) = promql(prometheus, QUERY)
        share = promql(prometheus, f"round({QUERY} * 1000) / 10")
        assert float(sample["value"][1]) == pytest.approx(44 / 278)
        assert sample["metric"]["job"] == "indicators"
        assert float(share[0]["value"][1]) == 15.8
    finally:
        await delete_topics(kafka_bootstrap, settings)
