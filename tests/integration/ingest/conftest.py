"""Ingest in process against the real broker and the real PostgreSQL."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from harness.builders import TEST_PSEUDONYMISATION_KEY, TOKENS
from services.ingest.adapters.kafka import partitions_of
from services.ingest.bootstrap import IngestService, build_service, create_app
from services.ingest.settings import IngestSettings


@dataclass
class Live:
    """The HTTP client of a running ingest, its settings and the broker's address."""

    client: httpx.AsyncClient
    service: IngestService
    settings: IngestSettings
    bootstrap: str


@pytest.fixture(scope="session")
async def live(kafka_bootstrap: str, postgres_url: str) -> AsyncIterator[Live]:
    """One ingest for the session, with its own raw and dead-letter topics and group."""
    suffix = uuid.uuid4().hex[:10]
    settings = IngestSettings.model_validate(
        {
            "pseudonymisation_key": TEST_PSEUDONYMISATION_KEY,
            "kafka_bootstrap_servers": kafka_bootstrap,
            "database_url": postgres_url,
            "tokens": json.dumps(TOKENS),
            "raw_topic": f"insertion.raw-submissions.v1.it-{suffix}",
            "dead_letter_topic": f"insertion.dead-letter.v1.it-{suffix}",
            "raw_group_id": f"ingest-raw-it-{suffix}",
        }
    )
    service = build_service(settings)
    app = create_app(service)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://ingest", timeout=120
        ) as client:
            yield Live(client, service, settings, kafka_bootstrap)


class TopicReader:
    """Reads topics from where they ended when the reader was opened (no consumer group)."""

    def __init__(self, bootstrap: str, topics: Iterable[str]) -> None:
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            enable_auto_commit=False,
            max_partition_fetch_bytes=16 * 1024 * 1024,
            fetch_max_bytes=64 * 1024 * 1024,
        )
        self._topics = list(topics)
        self._bootstrap = bootstrap
        self.seen: list[ConsumerRecord[Any, Any]] = []

    async def __aenter__(self) -> "TopicReader":
        await self._consumer.start()
        known = await partitions_of(self._bootstrap, self._topics)
        partitions = [TopicPartition(t, p) for t in self._topics for p in known.get(t, [])]
        assert partitions, f"no partition found for {self._topics}"
        self._consumer.assign(partitions)
        ends = await self._consumer.end_offsets(partitions)
        for partition, offset in ends.items():
            self._consumer.seek(partition, offset)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._consumer.stop()

    async def collect(
        self,
        wanted: Callable[[ConsumerRecord[Any, Any]], bool],
        *,
        count: int,
        within: float = 60,
    ) -> list[ConsumerRecord[Any, Any]]:
        """The first `count` records that match (fails after `within` seconds)."""
        found: list[ConsumerRecord[Any, Any]] = []
        try:
            async with asyncio.timeout(within):
                while len(found) < count:
                    batches = await self._consumer.getmany(timeout_ms=500)
                    for records in batches.values():
                        self.seen.extend(records)
                        found.extend(record for record in records if wanted(record))
        except TimeoutError:
            raise AssertionError(f"{len(found)} of {count} records after {within} s") from None
        return found

    async def drain(self, *, quiet_ms: int = 2000) -> list[ConsumerRecord[Any, Any]]:
        """What was read from here on, up to the current end of the topics."""
        start = len(self.seen)
        while batches := await self._consumer.getmany(timeout_ms=quiet_ms):
            for records in batches.values():
                self.seen.extend(records)
        return self.seen[start:]


def keyed(market_id: str) -> Callable[[ConsumerRecord[Any, Any]], bool]:
    """Records of one market (every event is keyed by its market id)."""
    key = market_id.encode()
    return lambda record: record.key == key


def unique_market() -> str:
    """A market id no other test (or engineer) uses."""
    return f"IT-{uuid.uuid4().hex[:16]}"
