"""Hostile records on the topics the indicators service reads (the aggregates and markets
topics), written straight to the real broker: each is rejected alone, and every read
endpoint still answers 200 with the figures of the good data (issue 14, case 1)."""

import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest

from harness.builders import (
    HOLDER_SIRET,
    a_clause_status,
    a_market,
    an_aggregate_change,
    an_hours_cell,
    beneficiary_counts,
)
from services.indicators.bootstrap import build_service
from tests.integration.hostile.checks import tried
from tests.integration.indicators.conftest import (
    Producer,
    Started,
    delete_topics,
    eventually,
    unique_settings,
)

ENTRY_POINT = "indicators: aggregates and markets topics"
MARKET = "HOSTILE-1"

Document = dict[str, Any]


def _cell(**changes: Any) -> Document:
    return an_aggregate_change(an_hours_cell(market_id=MARKET, **changes)).model_dump(mode="json")


def _moved(document: Document, field: str, value: Any) -> Document:
    """A change with one field of its aggregate (and its key) set by hand, unchecked."""
    old = document["aggregate"][field]
    aggregate = {**document["aggregate"], field: value}
    return {
        **document,
        "aggregate": aggregate,
        "key": document["key"].replace(str(old), str(value), 1),
    }


def _valued(document: Document, field: str, value: Any) -> Document:
    """A change with one value of its aggregate (not in its key) set by hand, unchecked."""
    return {**document, "aggregate": {**document["aggregate"], field: value}}


def _clause() -> Document:
    return an_aggregate_change(a_clause_status(market_id=MARKET)).model_dump(mode="json")


def _count() -> Document:
    return beneficiary_counts(female=1, male=0, year=2023)[0].model_dump(mode="json")


def _market(**changes: Any) -> Document:
    return {**a_market(market_id=MARKET).model_dump(mode="json"), **changes}


@dataclass(frozen=True)
class Case:
    """One hostile record: on which topic, its key and its value (None: a tombstone)."""

    name: str
    topic: str  # "aggregates" or "markets"
    record: Callable[[], tuple[bytes | None, bytes | None]]


def keyed(document: Document) -> Callable[[], tuple[bytes | None, bytes | None]]:
    key = document.get("key") or document["market_id"]
    return lambda: (key.encode(), json.dumps(document).encode())


def raw(key: bytes | None, value: bytes | None) -> Callable[[], tuple[bytes | None, bytes | None]]:
    return lambda: (key, value)


CORPUS = [
    *(
        Case(f"hours of {period}", "aggregates", keyed(_moved(_cell(), "period", period)))
        for period in ("0001-01", "0000-01", "1900-01", "1999-12", "2101-01", "2999-12", "9999-12")
    ),
    Case(
        "empty correction of 0001-01",
        "aggregates",
        keyed(_moved(_cell(insertion_hours="0.00"), "period", "0001-01")),
    ),
    Case("clause as of 0001-01", "aggregates", keyed(_moved(_clause(), "as_of_period", "0001-01"))),
    Case("clause as of 2999-12", "aggregates", keyed(_moved(_clause(), "as_of_period", "2999-12"))),
    Case("count of year 1", "aggregates", keyed(_moved(_count(), "year", 1))),
    Case("count of year 9999", "aggregates", keyed(_moved(_count(), "year", 9999))),
    Case("count below zero", "aggregates", keyed(_valued(_count(), "count", -3))),
    Case(
        "hours over the contract", "aggregates", keyed(_valued(_cell(), "insertion_hours", "1e30"))
    ),
    Case("hours not a number", "aggregates", keyed(_valued(_cell(), "insertion_hours", "NaN"))),
    Case("period month 13", "aggregates", keyed(_moved(_cell(), "period", "2023-13"))),
    Case("unknown kind", "aggregates", keyed(_moved(_count(), "kind", "salary"))),
    Case("not JSON", "aggregates", raw(b"hours|x", b"\xff\xfe not json")),
    Case("key field forged", "aggregates", keyed({**_cell(), "key": "hours|elsewhere"})),
    Case(
        "record key not its value's",
        "aggregates",
        raw(b"hours|other", json.dumps(_cell()).encode()),
    ),
    Case("record key not UTF-8", "aggregates", raw(b"\xff\xfe", json.dumps(_cell()).encode())),
    Case("tombstone key not UTF-8", "aggregates", raw(b"\xff\xfe", None)),
    Case(
        "SIRET of 13 digits",
        "aggregates",
        keyed(_valued(_cell(), "employer_siret", HOLDER_SIRET[:-1])),
    ),
    Case("JSON null", "aggregates", raw(b"hours|x", b"null")),
    Case("market notified 0001-01-01", "markets", keyed(_market(notification_date="0001-01-01"))),
    Case("market notified 2999-12-31", "markets", keyed(_market(notification_date="2999-12-31"))),
    Case("market amount over the contract", "markets", keyed(_market(amount_ht="1e40"))),
    Case("market not JSON", "markets", raw(MARKET.encode(), b"{")),
    Case("market empty", "markets", raw(MARKET.encode(), None)),
]

READS = [
    ("/v1/indicators", {}),
    ("/v1/indicators", {"year": "2023"}),
    ("/v1/indicators/years", {}),
    ("/v1/assessment/2023", {}),
    ("/v1/assessment/2023", {"format": "markdown"}),
    ("/metrics", {}),
    ("/health", {}),
]


@pytest.fixture(scope="module")
async def served(kafka_bootstrap: str) -> AsyncIterator[tuple[Started, Producer]]:
    """The indicators service on topics of its own, holding the good data of 2023."""
    settings = unique_settings(kafka_bootstrap)
    service = build_service(settings)
    await service.start()
    producer = Producer(kafka_bootstrap)
    transport = httpx.ASGITransport(app=service.http)
    try:
        async with (
            producer.broker,
            httpx.AsyncClient(transport=transport, base_url="http://i") as client,
        ):
            await producer.broker.start()
            started = Started(service, client)
            good = an_hours_cell(insertion_hours=Decimal("151.67"), training_hours=Decimal("7.00"))
            await producer.send(settings.aggregates_topic, an_aggregate_change(good))
            await producer.send(settings.aggregates_topic, *beneficiary_counts(female=44, male=234))
            await producer.send(settings.markets_topic, a_market(amount_ht=Decimal("50000.00")))
            await eventually(lambda: _good_figures(started), what="the good data")
            yield started, producer
    finally:
        await service.stop()
        await delete_topics(kafka_bootstrap, settings)


async def _good_figures(started: Started) -> bool:
    values = {v["id"]: v for v in await started.values(2023) if not v["breakdown"]}
    return (
        values.get("social.insertion_hours", {}).get("value") == 151.67
        and values.get("social.women_share", {}).get("numerator") == 44
        and values.get("social.markets_notified_over_40k", {}).get("value") == 1
    )


def _rejected(metrics: str, topic: str) -> float:
    pattern = rf'insertion_indicators_rejected_records_total\{{topic="{re.escape(topic)}"\}} (\S+)'
    found = re.search(pattern, metrics)
    return float(found.group(1)) if found else 0.0


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.name)
async def test_a_hostile_record_is_rejected_alone_and_every_read_still_answers(
    served: tuple[Started, Producer], case: Case
) -> None:
    started, producer = served
    tried(ENTRY_POINT)
    topic = {
        "aggregates": started.settings.aggregates_topic,
        "markets": started.settings.markets_topic,
    }[case.topic]
    before = _rejected(await started.metrics(), topic)
    key, value = case.record()

    await producer.broker.publish(value, topic, key=key)

    async def rejected_once() -> bool:
        return _rejected(await started.metrics(), topic) == before + 1

    await eventually(rejected_once, what=f"{case.name} rejected")
    answers = [await started.client.get(path, params=params) for path, params in READS]
    assert [r.status_code for r in answers] == [200] * len(READS), [r.text[:300] for r in answers]
    assert await _good_figures(started)
    assert (await started.client.get("/v1/indicators/years")).json() == [2023]
    health = (await started.client.get("/health")).json()
    lines = health["latest_rejected"]
    assert all(MARKET not in line and HOLDER_SIRET[:-1] not in line for line in lines), lines
