"""GET /v1/markets/{id}/overview: commitment, clause, months, people with small cells hidden."""

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from harness.builders import a_contract, a_market, an_hours_report, an_invoice, pseudonym
from services.clauses.bootstrap import Clauses, http_app
from shared.events import Event
from tests.component.clauses.test_consumer import deliver


def a_line(person: int, hours: str = "20") -> dict[str, Any]:
    return {
        "beneficiary": pseudonym(f"b-{person}"),
        "contract_id": f"C-{person:04d}",
        "insertion_hours": hours,
    }


@pytest.fixture
async def client(clauses: Clauses) -> TestClient:
    """Five women and one man worked in June 2023, the first woman in May too."""
    people = [
        a_contract(
            contract_id=f"C-{n:04d}",
            beneficiary=pseudonym(f"b-{n}"),
            gender="male" if n == 5 else "female",
        )
        for n in range(6)
    ]
    june = an_hours_report(lines=[a_line(n) for n in range(6)])
    may = an_hours_report(period="2023-05", lines=[a_line(0, "10")])
    events: list[Event] = [a_market(), *people, an_invoice(), june, may]
    await deliver(clauses, events)
    app = http_app(clauses)  # the lifespan is not entered: no broker is started
    return TestClient(app)


def test_the_overview_gives_the_commitment_the_clause_and_the_hours_by_month(
    client: TestClient,
) -> None:
    answer = client.get("/v1/markets/2023-0042/overview")

    assert answer.status_code == 200
    body = answer.json()
    assert Decimal(body["commitment"]["min_hours_per_year"]) == Decimal(150)
    assert body["clause"]["as_of_period"] == "2023-06"
    assert Decimal(body["clause"]["hours_realised"]) == Decimal(130)
    months = {m["period"]: Decimal(m["insertion_hours"]) for m in body["months"]}
    assert months == {"2023-05": Decimal(10), "2023-06": Decimal(120)}


def test_one_man_among_six_people_hides_both_genders_but_not_the_total(
    client: TestClient,
) -> None:
    answer = client.get("/v1/markets/2023-0042/overview")

    people = answer.json()["beneficiaries"]
    assert people["total"] == {"value": "all", "count": 6, "suppressed": False}
    assert people["by_gender"] == [
        {"value": "female", "count": None, "suppressed": True},
        {"value": "male", "count": None, "suppressed": True},
    ]
    assert people["by_contract_type"] == [{"value": "cddi", "count": 6, "suppressed": False}]


def test_a_market_the_ledger_never_saw_is_404_in_french(client: TestClient) -> None:
    answer = client.get("/v1/markets/never-notified/overview")

    assert answer.status_code == 404
    assert "inconnu" in answer.json()["detail"]
