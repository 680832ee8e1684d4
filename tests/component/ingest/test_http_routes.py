"""Every JSON route: published (read back from its topic), recorded, answered 202."""

from pathlib import Path
from typing import Any

import httpx
from faststream.kafka import TestKafkaBroker

from harness.builders import (
    RAW_BENEFICIARY,
    TEST_PSEUDONYMISATION_KEY,
    a_contract_submission,
    a_market_submission,
    an_hours_submission,
    an_invoice_submission,
)
from services.ingest.bootstrap import build_service, create_app
from services.ingest.domain.pseudonym import Pseudonymiser
from shared.events import InvoiceRecorded, MarketNotified, MonthlyHoursReported, WorkContractSigned
from shared.kafka import make_broker
from shared.topics import INVOICES, MARKETS, MONTHLY_HOURS, WORK_CONTRACTS
from tests.component.ingest.conftest import FACILITATOR, NOW, Harness, capture, settings_for


def body(submission: Any) -> Any:
    return submission.model_dump(mode="json")


async def post(
    ingest: Harness, path: str, payload: Any, headers: dict[str, str] = FACILITATOR
) -> Any:
    return await ingest.client.post(path, json=payload, headers=headers)


async def with_market_and_contract(ingest: Harness) -> None:
    assert (await post(ingest, "/v1/markets", body(a_market_submission()))).status_code == 202
    assert (
        await post(ingest, "/v1/work-contracts", body(a_contract_submission()))
    ).status_code == 202


async def test_a_market_is_published_on_the_markets_topic_and_its_submission_says_so(
    ingest: Harness,
) -> None:
    response = await post(ingest, "/v1/markets", body(a_market_submission()))

    assert response.status_code == 202
    answer = response.json()
    [market] = ingest.events(MARKETS.name)
    assert isinstance(market, MarketNotified)
    assert (market.market_id, market.version) == ("2023-0042", 1)
    assert answer["events"] == [
        {
            "event_type": "MarketNotified",
            "event_id": market.event_id,
            "version": 1,
            "topic": MARKETS.name,
            "unchanged_since": None,
            "etag": '"1"',
        }
    ]
    status = await ingest.client.get(response.headers["location"], headers=FACILITATOR)
    assert status.json()["status"] == "published"
    assert status.json()["submission_id"] == answer["submission_id"]


async def test_a_list_of_markets_is_one_submission_with_every_market(ingest: Harness) -> None:
    markets = [body(a_market_submission(market_id=f"M-{n}")) for n in range(3)]

    response = await post(ingest, "/v1/markets", markets)

    assert response.status_code == 202
    assert response.json()["event_count"] == 3
    assert sorted(e.market_id for e in ingest.events(MARKETS.name)) == ["M-0", "M-1", "M-2"]


async def test_an_invoice_on_a_known_market_is_published(ingest: Harness) -> None:
    await post(ingest, "/v1/markets", body(a_market_submission()))

    response = await post(ingest, "/v1/invoices", body(an_invoice_submission()))

    assert response.status_code == 202
    [invoice] = ingest.events(INVOICES.name)
    assert isinstance(invoice, InvoiceRecorded)
    assert invoice.period == "2023-06"


async def test_a_contract_travels_with_the_pseudonym_and_the_raw_id_is_nowhere(
    ingest: Harness,
) -> None:
    await with_market_and_contract(ingest)

    [contract] = ingest.events(WORK_CONTRACTS.name)
    assert isinstance(contract, WorkContractSigned)
    assert contract.beneficiary == Pseudonymiser(TEST_PSEUDONYMISATION_KEY)(RAW_BENEFICIARY)
    assert all(RAW_BENEFICIARY.encode() not in raw for raw in ingest.topics[WORK_CONTRACTS.name])
    ingest.service.engine.dispose()
    assert RAW_BENEFICIARY.encode() not in ingest.database.read_bytes()


async def test_a_month_of_hours_is_published_once_its_contract_is_known(ingest: Harness) -> None:
    await with_market_and_contract(ingest)

    response = await post(ingest, "/v1/monthly-hours", body(an_hours_submission()))

    assert response.status_code == 202
    [report] = ingest.events(MONTHLY_HOURS.name)
    assert isinstance(report, MonthlyHoursReported)
    assert [line.contract_id for line in report.lines] == ["C-0001"]
    assert RAW_BENEFICIARY not in report.model_dump_json()


async def test_an_identical_resubmission_points_to_the_first_and_publishes_nothing(
    ingest: Harness,
) -> None:
    await with_market_and_contract(ingest)
    first = await post(ingest, "/v1/monthly-hours", body(an_hours_submission()))

    again = await post(ingest, "/v1/monthly-hours", body(an_hours_submission()))

    assert again.status_code == 202
    assert again.json()["replayed"] is True
    assert again.json()["submission_id"] == first.json()["submission_id"]
    assert again.json()["events"][0]["event_id"] == first.json()["events"][0]["event_id"]
    assert len(ingest.topics[MONTHLY_HOURS.name]) == 1


async def test_a_corrected_month_gets_the_next_version_and_a_new_event_id(ingest: Harness) -> None:
    await with_market_and_contract(ingest)
    first = await post(ingest, "/v1/monthly-hours", body(an_hours_submission()))
    corrected = body(an_hours_submission())
    corrected["lines"][0]["insertion_hours"] = "120.00"

    second = await post(ingest, "/v1/monthly-hours", corrected)

    assert second.status_code == 202
    assert second.json()["events"][0]["version"] == 2
    assert second.json()["events"][0]["event_id"] != first.json()["events"][0]["event_id"]
    reports = ingest.events(MONTHLY_HOURS.name)
    assert [r.version for r in reports] == [1, 2]


async def test_hours_on_an_unknown_market_are_refused_saying_the_read_model_is_current(
    ingest: Harness,
) -> None:
    response = await post(ingest, "/v1/monthly-hours", body(an_hours_submission(market_id="M-404")))

    assert response.status_code == 422
    answer = response.json()
    assert answer["markets_lag"] == 0
    assert {"code": "unknown_market", "location": "market_id"}.items() <= answer["errors"][
        0
    ].items()
    assert ingest.topics[MONTHLY_HOURS.name] == []


async def test_every_broken_rule_is_listed_with_its_location(ingest: Harness) -> None:
    await with_market_and_contract(ingest)
    report = body(an_hours_submission(period="2023-08"))
    report["lines"][0]["insertion_hours"] = "-3"

    response = await post(ingest, "/v1/monthly-hours", report)

    assert response.status_code == 422
    found = {(e["code"], e["location"]) for e in response.json()["errors"]}
    assert found == {("period_in_future", "period"), ("negative_hours", "lines[0].insertion_hours")}


async def test_a_malformed_body_lists_every_field_without_echoing_the_identifier(
    ingest: Harness,
) -> None:
    secret = "S" * 65
    contract = body(a_contract_submission())
    contract["beneficiary_id"] = secret
    contract["gender"] = "robot"
    del contract["employer_siret"]

    response = await post(ingest, "/v1/work-contracts", contract)

    assert response.status_code == 422
    errors = {e["location"]: e["code"] for e in response.json()["errors"]}
    assert errors == {
        "beneficiary_id": "string_too_long",
        "gender": "enum",
        "employer_siret": "missing",
    }
    assert secret not in response.text
    assert "valeurs acceptées" in response.text


async def test_a_body_that_is_not_json_is_refused_with_422(ingest: Harness) -> None:
    response = await ingest.client.post("/v1/invoices", content=b"{oops", headers=FACILITATOR)

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "json_invalid"


async def test_a_body_over_the_limit_is_refused_with_413(ingest: Harness) -> None:
    oversized = b"[" + b" " * ingest.service.settings.max_body_bytes + b"]"

    response = await ingest.client.post("/v1/markets", content=oversized, headers=FACILITATOR)

    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


async def test_when_the_broker_fails_nothing_is_accepted_and_a_retry_keeps_the_version(
    ingest: Harness,
) -> None:
    await with_market_and_contract(ingest)
    ingest.publisher.failing = True

    failed = await post(ingest, "/v1/monthly-hours", body(an_hours_submission()))
    ingest.publisher.failing = False
    retried = await post(ingest, "/v1/monthly-hours", body(an_hours_submission()))

    assert failed.status_code == 503
    assert retried.status_code == 202
    [report] = ingest.events(MONTHLY_HOURS.name)
    assert report.version == 1
    status = await ingest.client.get(retried.headers["location"], headers=FACILITATOR)
    assert status.json()["status"] == "published"


async def test_metrics_count_accepted_and_rejected_submissions(ingest: Harness) -> None:
    await post(ingest, "/v1/markets", body(a_market_submission()))
    await post(ingest, "/v1/invoices", body(an_invoice_submission(market_id="M-404")))

    metrics = (await ingest.client.get("/metrics")).text

    assert 'ingest_events_accepted_total{event_type="MarketNotified",source="http"} 1.0' in metrics
    assert (
        'ingest_submissions_rejected_total{event_type="InvoiceRecorded",reason="unknown_market",'
        'source="http"} 1.0'
    ) in metrics
    assert "ingest_publish_latency_seconds_count 1.0" in metrics
    assert "ingest_markets_read_model_lag_messages 0.0" in metrics


async def test_when_the_database_is_down_the_answer_is_503_and_nothing_is_published(
    tmp_path: Path,
) -> None:
    settings = settings_for(tmp_path, database_url="postgresql+psycopg://u:p@127.0.0.1:1/none")
    broker = make_broker(settings.kafka_bootstrap_servers, client_id="ingest-db-down")
    published: list[bytes] = []
    capture(broker, MARKETS.name, published)
    app = create_app(
        build_service(settings, clock=lambda: NOW, broker=broker), manage_runtime=False
    )

    async with TestKafkaBroker(broker):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ingest") as client:
            response = await client.post(
                "/v1/markets", json=body(a_market_submission()), headers=FACILITATOR
            )

    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert published == []
