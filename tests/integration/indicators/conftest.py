"""The indicators service on the real broker, on topics of its own (the service takes the
topic names as settings), so that other tests on the shared broker do not move its figures."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from services.indicators.bootstrap import IndicatorsService, build_service
from services.indicators.settings import IndicatorsSettings
from shared.kafka import make_broker

Check = Callable[[], Awaitable[bool]]


def unique_settings(bootstrap: str, **overrides: Any) -> IndicatorsSettings:
    """Settings whose topics no other test uses."""
    run = f"it-indicators-{uuid.uuid4().hex[:10]}"
    return IndicatorsSettings(
        kafka_bootstrap_servers=bootstrap,
        aggregates_topic=f"{run}.aggregates",
        markets_topic=f"{run}.markets",
        snapshots_topic=f"{run}.snapshots",
        client_id=run,
        snapshot_interval_seconds=0.1,
        **overrides,
    )


async def eventually(check: Check, *, within: float = 30, what: str = "condition") -> None:
    """Wait until the check holds; fail saying what was awaited."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {within} s waiting for {what}")
        await asyncio.sleep(0.05)


class Producer:
    """Publishes messages the way the clauses and ingest services do (keyed, idempotent)."""

    def __init__(self, bootstrap: str) -> None:
        self.broker = make_broker(bootstrap, client_id="it-indicators-producer")

    async def send(self, topic: str, *messages: Any) -> None:
        for message in messages:  # events and aggregate changes both carry their key
            await self.broker.publish(message, topic, key=message.key.encode())

    async def tombstone(self, topic: str, key: str) -> None:
        await self.broker.publish(None, topic, key=key.encode())


@pytest.fixture
async def producer(kafka_bootstrap: str) -> AsyncIterator[Producer]:
    producer = Producer(kafka_bootstrap)
    async with producer.broker:
        await producer.broker.start()
        yield producer


async def delete_topics(bootstrap: str, settings: IndicatorsSettings) -> None:
    """Remove the test's topics from the shared broker."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = [settings.aggregates_topic, settings.markets_topic, settings.snapshots_topic]
        await admin.delete_topics(topics)
    finally:
        await admin.close()


class Started:
    """A started service and an HTTP client of its app."""

    def __init__(self, service: IndicatorsService, client: httpx.AsyncClient) -> None:
        self.service = service
        self.client = client
        self.settings = service.settings

    async def values(self, year: int) -> list[dict[str, Any]]:
        response = await self.client.get("/v1/indicators", params={"year": year})
        if response.status_code == 404:
            return []
        response.raise_for_status()
        values: list[dict[str, Any]] = response.json()["indicators"]
        return values

    async def value(self, year: int, indicator: str, **breakdown: str) -> dict[str, Any] | None:
        for value in await self.values(year):
            if value["id"] == indicator and value["breakdown"] == breakdown:
                return value
        return None

    async def metrics(self) -> str:
        return (await self.client.get("/metrics")).text


@pytest.fixture
async def started(kafka_bootstrap: str) -> AsyncIterator[Started]:
    settings = unique_settings(kafka_bootstrap)
    service = build_service(settings)
    await service.start()
    transport = httpx.ASGITransport(app=service.http)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://it") as client:
            yield Started(service, client)
    finally:
        await service.stop()
        await delete_topics(kafka_bootstrap, settings)
