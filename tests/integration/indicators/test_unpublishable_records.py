"""On the real broker: records of years the indicators cannot publish, written straight to
the aggregates and markets topics, are refused alone; every read endpoint still answers 200
with the figures of the good data (issue 14, case 1)."""

import json
import re
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from harness.builders import (
    HOLDER_SIRET,
    a_clause_status,
    a_market,
    an_aggregate_change,
    an_hours_cell,
    beneficiary_counts,
)
from tests.integration.indicators.conftest import Producer, Started, eventually


def moved(change: BaseModel, field: str, value: Any) -> dict[str, Any]:
    """A change's document with one field of its aggregate (and its key) set by hand."""
    document = change.model_dump(mode="json")
    old = document["aggregate"][field]
    document["aggregate"][field] = value
    document["key"] = document["key"].replace(str(old), str(value), 1)
    return document


def unpublishable_changes() -> list[dict[str, Any]]:
    """What the clauses service publishes for a report of 0001-01, and other such years."""
    cell = an_aggregate_change(an_hours_cell(market_id="POISON-1"))
    empty = an_aggregate_change(an_hours_cell(market_id="POISON-1", insertion_hours=0))
    clause = an_aggregate_change(a_clause_status(market_id="POISON-1"))
    count = beneficiary_counts(female=1, male=0)[0]
    return [
        moved(cell, "period", "0001-01"),
        moved(cell, "period", "2999-12"),
        moved(clause, "as_of_period", "0001-01"),
        moved(count, "year", 1),
        moved(empty, "period", "0001-01"),  # the later empty correction of that month
    ]


async def send_documents(producer: Producer, topic: str, *documents: dict[str, Any]) -> None:
    for document in documents:
        key = document.get("key") or document["market_id"]
        await producer.broker.publish(json.dumps(document).encode(), topic, key=key.encode())


def rejected(metrics: str, topic: str) -> float:
    found = re.search(
        rf'insertion_indicators_rejected_records_total\{{topic="{re.escape(topic)}"\}} (\S+)',
        metrics,
    )
    return float(found.group(1)) if found else 0.0


async def test_records_of_unpublishable_years_leave_every_read_endpoint_answering(
    started: Started, producer: Producer
) -> None:
    aggregates, markets = started.settings.aggregates_topic, started.settings.markets_topic
    market_0001 = {**a_market(market_id="POISON-1").model_dump(mode="json")}
    market_0001["notification_date"] = "0001-01-01"
    await send_documents(producer, aggregates, *unpublishable_changes())
    await send_documents(producer, markets, market_0001)
    good_cell = an_hours_cell(insertion_hours=Decimal("151.67"), training_hours=Decimal("7.00"))
    await producer.send(aggregates, an_aggregate_change(good_cell))
    await producer.send(aggregates, *beneficiary_counts(female=44, male=234))
    await producer.send(markets, a_market(amount_ht=Decimal("50000.00")))

    async def all_applied() -> bool:
        metrics = await started.metrics()
        women = await started.value(2023, "social.women_share")
        markets_2023 = await started.value(2023, "social.markets_notified_over_40k")
        return (
            rejected(metrics, aggregates) == 5
            and rejected(metrics, markets) == 1
            and women is not None
            and women["numerator"] == 44
            and markets_2023 is not None
            and markets_2023["value"] == 1
        )

    await eventually(all_applied, what="the good records applied and the 6 bad ones rejected")
    client = started.client
    answers = {
        "/v1/indicators": await client.get("/v1/indicators"),
        "/v1/indicators?year=2023": await client.get("/v1/indicators", params={"year": 2023}),
        "/v1/indicators/years": await client.get("/v1/indicators/years"),
        "/v1/assessment/2023": await client.get("/v1/assessment/2023"),
        "/v1/assessment/2023?format=markdown": await client.get(
            "/v1/assessment/2023", params={"format": "markdown"}
        ),
        "/metrics": await client.get("/metrics"),
        "/health": await client.get("/health"),
    }

    assert {path: r.status_code for path, r in answers.items()} == dict.fromkeys(answers, 200)
    assert answers["/v1/indicators/years"].json() == [2023]
    assert answers["/v1/indicators"].json()["year"] == 2023
    values = {
        v["id"]: v
        for v in answers["/v1/indicators?year=2023"].json()["indicators"]
        if not v["breakdown"]
    }
    assert values["social.insertion_hours"]["value"] == 151.67
    assert values["social.training_hours"]["value"] == 7
    assert (
        values["social.women_share"]["numerator"],
        values["social.women_share"]["denominator"],
    ) == (44, 278)
    assert values["governance.clauses_tracked"]["value"] == 0
    assert "Bilan 2023" in answers["/v1/assessment/2023?format=markdown"].text
    metrics = answers["/metrics"].text
    assert 'insertion_indicator_insertion_hours{axis="social",year="2023"} 151.67' in metrics
    assert 'year="1"' not in metrics
    assert 'year="2999"' not in metrics
    health = answers["/health"].json()
    assert health["years"] == [2023]
    assert health["latest_rejected"]
    for line in health["latest_rejected"]:
        assert "POISON-1" not in line
        assert HOLDER_SIRET not in line
