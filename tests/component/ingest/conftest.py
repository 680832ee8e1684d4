"""Ingest in memory: TestKafkaBroker, SQLite in a temporary folder, a fixed clock."""

import json
import re
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from harness.builders import TEST_PSEUDONYMISATION_KEY, TOKENS
from services.ingest.adapters.kafka import BrokerPublisher
from services.ingest.adapters.migrations import migrate
from services.ingest.application.ports import Overview
from services.ingest.bootstrap import IngestService, build_service, create_app
from services.ingest.domain.versions import Encoded
from services.ingest.entrypoints.kafka_handlers import raw_body
from services.ingest.settings import IngestSettings
from shared.events import Event, decode_event
from shared.kafka import make_broker
from shared.topics import INVOICES, MARKETS, MONTHLY_HOURS, WORK_CONTRACTS

NOW = datetime(2023, 7, 15, 10, 0, tzinfo=UTC)
FACILITATOR = {"Authorization": "Bearer facilitator-token"}
CONTRACTOR = {"Authorization": "Bearer contractor-token"}
OTHER_CONTRACTOR = {"Authorization": "Bearer other-contractor-token"}


class FlakyPublisher:
    """Publishes through the broker, or fails while `failing` is set."""

    def __init__(self, broker: KafkaBroker) -> None:
        self.inner = BrokerPublisher(broker)
        self.failing = False

    async def publish(self, events: Sequence[Encoded]) -> None:
        if self.failing:
            raise ConnectionError("broker down")
        await self.inner.publish(events)


@dataclass
class Harness:
    """The HTTP client, what reached each topic, and the wired service."""

    client: httpx.AsyncClient
    service: IngestService
    publisher: FlakyPublisher
    database: Path
    topics: dict[str, list[bytes]] = field(default_factory=lambda: defaultdict(list))
    dead_letters: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)

    def events(self, topic: str) -> list[Event]:
        return [decode_event(raw) for raw in self.topics[topic]]


def settings_for(tmp_path: Path, **overrides: Any) -> IngestSettings:
    fields: dict[str, Any] = {
        "pseudonymisation_key": TEST_PSEUDONYMISATION_KEY,
        "database_url": f"sqlite:///{tmp_path / 'ingest.db'}",
        "tokens": json.dumps(TOKENS),
        "kafka_bootstrap_servers": "in-memory:9092",
    }
    return IngestSettings.model_validate({**fields, **overrides})


def capture(broker: KafkaBroker, topic: str, into: list[bytes]) -> None:
    @broker.subscriber(topic, decoder=raw_body)
    async def captured(body: bytes) -> None:
        into.append(body)


def capture_dead_letters(
    broker: KafkaBroker, topic: str, into: list[tuple[bytes, dict[str, str]]]
) -> None:
    @broker.subscriber(topic, decoder=raw_body)
    async def captured(body: bytes, message: KafkaMessage) -> None:
        into.append((body, dict(message.headers)))


@pytest.fixture
async def ingest(tmp_path: Path) -> AsyncIterator[Harness]:
    settings = settings_for(tmp_path)
    broker = make_broker(settings.kafka_bootstrap_servers, client_id="ingest-component")
    publisher = FlakyPublisher(broker)
    service = build_service(settings, clock=lambda: NOW, broker=broker, publisher=publisher)
    migrate(service.engine)

    async def no_lag() -> dict[int, int]:
        return {}

    service.markets.end_offsets = no_lag
    app = create_app(service, manage_runtime=False)
    harness_topics: dict[str, list[bytes]] = defaultdict(list)
    for topic in (MARKETS, INVOICES, WORK_CONTRACTS, MONTHLY_HOURS):
        capture(broker, topic.name, harness_topics[topic.name])
    dead_letters: list[tuple[bytes, dict[str, str]]] = []
    capture_dead_letters(broker, settings.dead_letter_topic, dead_letters)
    async with TestKafkaBroker(broker):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ingest") as client:
            yield Harness(
                client, service, publisher, tmp_path / "ingest.db", harness_topics, dead_letters
            )
    service.engine.dispose()


class FakeClauses:
    """The clauses service's market overviews, as the web pages read them."""

    def __init__(self) -> None:
        self.overviews: dict[str, Overview] = {}

    async def overview(self, market_id: str) -> Overview | None:
        return self.overviews.get(market_id)


@dataclass
class Web:
    """A browser-like client (HTTPS, so Secure cookies travel) of ingest's pages."""

    client: httpx.AsyncClient
    api: httpx.AsyncClient
    service: IngestService
    clauses: FakeClauses
    topics: dict[str, list[bytes]]

    async def sign_in(self, token: str) -> httpx.Response:
        page = await self.client.get("/ui/connexion")
        csrf = form_csrf(page.text)
        return await self.client.post("/ui/connexion", data={"jeton": token, "csrf": csrf})

    async def csrf(self, path: str = "/ui/depot") -> str:
        return form_csrf((await self.client.get(path)).text)


def form_csrf(html: str) -> str:
    """The CSRF value of the first form of a page."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "the page has no CSRF field"
    return found.group(1)


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[Web]:
    settings = settings_for(tmp_path)
    broker = make_broker(settings.kafka_bootstrap_servers, client_id="ingest-web-component")
    clauses = FakeClauses()
    service = build_service(
        settings,
        clock=lambda: NOW,
        broker=broker,
        publisher=BrokerPublisher(broker),
        clauses=clauses,
    )
    migrate(service.engine)

    async def no_lag() -> dict[int, int]:
        return {}

    service.markets.end_offsets = no_lag
    app = create_app(service, manage_runtime=False)
    topics: dict[str, list[bytes]] = defaultdict(list)
    for topic in (MARKETS, WORK_CONTRACTS, MONTHLY_HOURS):
        capture(broker, topic.name, topics[topic.name])
    async with TestKafkaBroker(broker):
        transport = httpx.ASGITransport(app=app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="https://ingest") as client,
            httpx.AsyncClient(transport=transport, base_url="https://ingest") as api,
        ):
            yield Web(client, api, service, clauses, topics)
    service.engine.dispose()
