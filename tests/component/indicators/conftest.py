"""The indicators service in memory: TestKafkaBroker and the ASGI app without a server."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from faststream.kafka import TestKafkaBroker
from faststream.message import StreamMessage

from services.indicators.bootstrap import IndicatorsService, build_service
from services.indicators.settings import IndicatorsSettings
from shared.aggregates import AggregateChanged
from shared.events import MarketNotified
from shared.indicators import IndicatorSnapshot, indicator_snapshot_adapter


class Running:
    """The service under test, a client of its HTTP app and the snapshots it published."""

    def __init__(self, service: IndicatorsService, client: httpx.AsyncClient) -> None:
        self.service = service
        self.client = client
        self.snapshots: list[tuple[str, IndicatorSnapshot | None]] = []

    async def change(self, *changes: AggregateChanged) -> None:
        for change in changes:
            await self.service.broker.publish(
                change, self.service.settings.aggregates_topic, key=change.key.encode()
            )

    async def market(self, *markets: MarketNotified) -> None:
        for market in markets:
            await self.service.broker.publish(
                market, self.service.settings.markets_topic, key=market.key.encode()
            )

    async def indicators(self, year: int) -> list[dict[str, object]]:
        response = await self.client.get("/v1/indicators", params={"year": year})
        assert response.status_code == 200, response.text
        values: list[dict[str, object]] = response.json()["indicators"]
        return values

    async def metrics(self) -> str:
        response = await self.client.get("/metrics")
        assert response.status_code == 200
        return response.text


@pytest.fixture
async def running() -> AsyncIterator[Running]:
    service = build_service(IndicatorsSettings(kafka_bootstrap_servers="localhost:9092"))
    transport = httpx.ASGITransport(app=service.http)
    published: list[tuple[str, IndicatorSnapshot | None]] = []

    @service.broker.subscriber(service.settings.snapshots_topic, decoder=record_of)
    async def capture(record: Any) -> None:
        value = record.value
        snapshot = indicator_snapshot_adapter.validate_json(value) if value else None
        published.append((record.key.decode(), snapshot))

    async with (
        TestKafkaBroker(service.broker),
        httpx.AsyncClient(transport=transport, base_url="http://indicators") as client,
    ):
        running = Running(service, client)
        running.snapshots = published
        yield running


async def record_of(message: StreamMessage[Any]) -> Any:
    """The raw Kafka record, to see keys and tombstones as a consumer of the topic would."""
    return message.raw_message


def find(values: list[dict[str, object]], indicator: str, **breakdown: str) -> dict[str, object]:
    """The one value of an indicator cell in an HTTP answer."""
    found = [v for v in values if v["id"] == indicator and v["breakdown"] == breakdown]
    assert len(found) == 1, f"{indicator} {breakdown}: {len(found)}"
    return found[0]
