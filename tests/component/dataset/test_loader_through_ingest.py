"""The loader against ingest in memory (TestKafkaBroker, SQLite): outcomes and facts.

The raw topic needs a real broker (the end-to-end test covers it); here what the plan sends
raw goes as JSON.
"""

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from faststream.kafka import TestKafkaBroker

from reference_dataset.loader.answers import Tally
from reference_dataset.loader.feed import Feed
from reference_dataset.loader.ingest_http import IngestHttp
from reference_dataset.loader.plan import Channel, steps
from reference_dataset.records import Submission
from reference_dataset.stream import replay
from services.ingest.adapters.migrations import migrate
from services.ingest.bootstrap import build_service, create_app
from shared.events import Event, MonthlyHoursReported, decode_event
from shared.kafka import make_broker
from shared.topics import ALL_TOPICS
from tests.component.ingest.conftest import FACILITATOR, capture, settings_for
from tests.unit.dataset import cached

NOW = datetime(2024, 6, 15, 10, 0, tzinfo=UTC)
UNTIL = datetime(2021, 7, 1)  # a year and a half of the stream, its mess included


@pytest.fixture
async def ingest_client(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, list[bytes]]]:
    settings = settings_for(tmp_path)
    broker = make_broker(settings.kafka_bootstrap_servers, client_id="loader-component")
    service = build_service(settings, clock=lambda: NOW, broker=broker)
    migrate(service.engine)

    async def no_lag() -> dict[int, int]:
        return {}

    service.markets.end_offsets = no_lag
    published: list[bytes] = []
    for topic in ALL_TOPICS[:4]:
        capture(broker, topic.name, published)
    async with TestKafkaBroker(broker):
        transport = httpx.ASGITransport(app=create_app(service, manage_runtime=False))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://ingest", headers=FACILITATOR
        ) as client:
            yield client, published
    service.engine.dispose()


def latest(published: list[bytes]) -> dict[tuple[str, ...], Event]:
    """The highest version of each identity that reached the topics."""
    found: dict[tuple[str, ...], Event] = {}
    for raw in published:
        event = decode_event(raw)
        key = (type(event).__name__, *(str(getattr(event, n)) for n in event.IDENTITY))
        if key not in found or found[key].version < event.version:
            found[key] = event
    return found


async def test_every_outcome_is_the_expected_one_and_the_latest_facts_are_the_datasets(
    ingest_client: tuple[httpx.AsyncClient, list[bytes]],
) -> None:
    client, published = ingest_client
    part: list[Submission] = [s for s in cached.submissions() if s.received_at < UNTIL]
    feed = Feed(IngestHttp(client), raw=None)

    await feed.run(steps(part))

    tally = Tally()
    for submission in part:
        tally.add(submission, feed.outcomes[submission.seq])
    facts = replay(tuple(part), cached.REFERENCE_SEED)
    events = latest(published).values()
    reports = [e for e in events if isinstance(e, MonthlyHoursReported)]
    kinds = Counter(type(e).__name__ for e in events)
    assert tally.unexpected == []
    assert sum(tally.refused.values()) >= 5
    assert {Channel.JSON, Channel.CSV, Channel.DECP} <= set(feed.channels)
    assert kinds == {
        "MarketNotified": len(facts.markets),
        "WorkContractSigned": len(facts.contracts),
        "InvoiceRecorded": len(facts.invoices),
        "MonthlyHoursReported": len(facts.hours),
    }
    assert sum(line.insertion_hours for r in reports for line in r.lines) == sum(
        (line.insertion_hours for r in facts.hours for line in r.lines), Decimal(0)
    )
