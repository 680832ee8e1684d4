"""The HTTP read API over the stored aggregates."""

from decimal import Decimal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from harness.builders import a_contract, a_market, an_hours_report, an_invoice, pseudonym
from services.clauses.adapters.queries import SqlReader
from services.clauses.bootstrap import Clauses
from services.clauses.entrypoints.http_api import api_router
from shared.events import Event
from tests.component.clauses.test_consumer import deliver


@pytest.fixture
async def client(clauses: Clauses) -> TestClient:
    """A client of the API after a man's and a woman's hours over two months."""
    man = a_contract(contract_id="C-0002", beneficiary=pseudonym("b-2"), gender="male")
    woman_line = {"beneficiary": pseudonym("beneficiary-1"), "contract_id": "C-0001"}
    man_line = {"beneficiary": pseudonym("b-2"), "contract_id": "C-0002"}
    june = an_hours_report(
        lines=[{**woman_line, "insertion_hours": "100"}, {**man_line, "insertion_hours": "40.5"}]
    )
    may = an_hours_report(period="2023-05")
    events: list[Event] = [a_market(), a_contract(), man, an_invoice(), june, may]
    await deliver(clauses, events)
    http = FastAPI()
    http.include_router(api_router(SqlReader(clauses.engine), clauses.registry))
    return TestClient(http)


def test_hours_are_grouped_by_the_dimensions_asked_over_the_months_asked(
    client: TestClient,
) -> None:
    answer = client.get("/v1/aggregates/hours", params={"group_by": "gender", "from": "2023-06"})

    assert answer.status_code == 200
    rows = answer.json()["rows"]
    by_gender = {row["group"]["gender"]: Decimal(row["insertion_hours"]) for row in rows}
    assert by_gender == {"female": Decimal(100), "male": Decimal("40.5")}


def test_without_group_by_the_hours_are_one_total(client: TestClient) -> None:
    answer = client.get("/v1/aggregates/hours", params={"to": "2023-12"})

    (row,) = answer.json()["rows"]
    assert Decimal(row["insertion_hours"]) == Decimal("100") + Decimal("40.5") + Decimal("151.67")


def test_an_unknown_dimension_is_refused_with_the_dimensions_expected(client: TestClient) -> None:
    answer = client.get("/v1/aggregates/hours", params={"group_by": "gender,colour"})

    assert answer.status_code == 422
    assert "colour" in answer.json()["detail"]
    assert "contract_type" in answer.json()["detail"]


def test_a_malformed_month_is_refused(client: TestClient) -> None:
    answer = client.get("/v1/aggregates/hours", params={"from": "2023-13"})

    assert answer.status_code == 422


def test_distinct_counts_are_filtered_by_year_thing_and_breakdown(client: TestClient) -> None:
    answer = client.get(
        "/v1/aggregates/counts",
        params={"year": 2023, "counted": "beneficiaries", "breakdown": "gender"},
    )

    counts = {row["value"]: row["count"] for row in answer.json()}
    assert counts == {"female": 1, "male": 1}


def test_a_market_clause_gives_what_is_owed_and_realised(client: TestClient) -> None:
    answer = client.get("/v1/markets/2023-0042/clause")

    assert answer.status_code == 200
    body = answer.json()
    assert (body["as_of_period"], body["status"]) == ("2023-06", "on_track")
    assert Decimal(body["hours_realised"]) == Decimal("100") + Decimal("40.5") + Decimal("151.67")


def test_an_unknown_market_has_no_clause(client: TestClient) -> None:
    answer = client.get("/v1/markets/nope/clause")

    assert answer.status_code == 404
    assert "nope" in answer.json()["detail"]


def test_metrics_are_exposed_for_prometheus(client: TestClient) -> None:
    answer = client.get("/metrics")

    assert 'clauses_events_applied_total{event_type="MonthlyHoursReported"} 2.0' in answer.text
    assert "clauses_markets_behind_clause 0.0" in answer.text
    assert "clauses_last_applied_event_age_seconds" in answer.text
