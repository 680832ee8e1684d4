"""The CSV of monthly hours is all or nothing; DECP documents publish their valid markets."""

import httpx

from harness.builders import (
    a_decp_document,
    a_decp_record,
    a_market_submission,
    an_hours_csv,
)
from shared.events import MarketNotified, MonthlyHoursReported, WorkContractSigned
from shared.topics import MARKETS, MONTHLY_HOURS, WORK_CONTRACTS
from tests.component.ingest.conftest import CONTRACTOR, FACILITATOR, OTHER_CONTRACTOR, Harness

CSV = {"Content-Type": "text/csv; charset=utf-8"}


async def with_market(ingest: Harness, market_id: str = "2023-0042") -> None:
    market = a_market_submission(market_id=market_id).model_dump(mode="json")
    response = await ingest.client.post("/v1/markets", json=market, headers=FACILITATOR)
    assert response.status_code == 202


async def upload(
    ingest: Harness, document: bytes, headers: dict[str, str] = FACILITATOR
) -> httpx.Response:
    return await ingest.client.post(
        "/v1/monthly-hours/csv", content=document, headers={**headers, **CSV}
    )


async def test_a_csv_publishes_its_contracts_and_one_report_per_market_employer_month(
    ingest: Harness,
) -> None:
    await with_market(ingest)

    response = await upload(ingest, an_hours_csv("2023-0042", 20))

    assert response.status_code == 202
    contracts = ingest.events(WORK_CONTRACTS.name)
    [report] = ingest.events(MONTHLY_HOURS.name)
    assert len(contracts) == 20
    assert all(isinstance(c, WorkContractSigned) for c in contracts)
    assert isinstance(report, MonthlyHoursReported)
    assert len(report.lines) == 20
    assert {line.contract_id for line in report.lines} == {
        c.contract_id for c in contracts if isinstance(c, WorkContractSigned)
    }


async def test_a_csv_with_bad_rows_lists_each_with_its_column_and_publishes_nothing(
    ingest: Harness,
) -> None:
    await with_market(ingest)
    bad = {4: {"insertion": "-2"}, 9: {"gender": "X"}, 15: {"period": "12/2099"}}

    response = await upload(ingest, an_hours_csv("2023-0042", 20, bad=bad))

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert sorted((e["line"], e["column"], e["code"]) for e in errors) == [
        (6, "heures_insertion", "negative_hours"),
        (11, "sexe", "unknown_code"),
        (17, "période", "period_in_future"),
    ]
    assert ingest.topics[WORK_CONTRACTS.name] == []
    assert ingest.topics[MONTHLY_HOURS.name] == []


async def test_a_csv_sent_as_a_multipart_form_is_read_the_same(ingest: Harness) -> None:
    await with_market(ingest)

    response = await ingest.client.post(
        "/v1/monthly-hours/csv",
        files={"file": ("heures.csv", an_hours_csv("2023-0042", 3), "text/csv")},
        headers=FACILITATOR,
    )

    assert response.status_code == 202
    assert len(ingest.events(WORK_CONTRACTS.name)) == 3


async def test_a_csv_not_in_utf8_is_refused_saying_so(ingest: Harness) -> None:
    document = an_hours_csv("2023-0042", 2).decode().encode("cp1252", errors="replace")
    document = document.replace(b"\xef\xbb\xbf", b"").replace(b"march", b"march\xe9", 1)

    response = await upload(ingest, document)

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "encoding_not_utf8"


async def test_the_same_file_twice_is_a_replay_and_the_next_month_publishes_only_hours(
    ingest: Harness,
) -> None:
    await with_market(ingest)
    june = an_hours_csv("2023-0042", 10)
    first = await upload(ingest, june)

    again = await upload(ingest, june)
    july = await upload(ingest, an_hours_csv("2023-0042", 10, period="07/2023", insertion="20"))

    assert again.json()["replayed"] is True
    assert again.json()["submission_id"] == first.json()["submission_id"]
    assert july.status_code == 202
    assert len(ingest.topics[WORK_CONTRACTS.name]) == 10
    reports = ingest.events(MONTHLY_HOURS.name)
    assert [r.period for r in reports if isinstance(r, MonthlyHoursReported)] == [
        "2023-06",
        "2023-07",
    ]


async def test_a_contractor_uploads_for_its_market_but_not_for_another_holders(
    ingest: Harness,
) -> None:
    await with_market(ingest)

    own = await upload(ingest, an_hours_csv("2023-0042", 2), CONTRACTOR)
    other = await upload(ingest, an_hours_csv("2023-0042", 2, period="05/2023"), OTHER_CONTRACTOR)

    assert own.status_code == 202
    assert other.status_code == 403


async def test_a_decp_document_publishes_its_valid_markets_and_lists_the_defects(
    ingest: Harness,
) -> None:
    document = a_decp_document(
        a_decp_record("DECP-1"),
        a_decp_record(
            "DECP-BAD", titulaires=[{"titulaire": {"typeIdentifiant": "SIRET", "id": "123"}}]
        ),
        a_decp_record("DECP-2"),
    )

    response = await ingest.client.post("/v1/decp", content=document, headers=FACILITATOR)

    assert response.status_code == 202
    published = ingest.events(MARKETS.name)
    assert all(isinstance(m, MarketNotified) for m in published)
    assert {m.market_id for m in published} == {"DECP-1", "DECP-2"}
    assert {e["event_id"] for e in response.json()["events"]} == {m.event_id for m in published}
    assert [(d["record_index"], d["code"]) for d in response.json()["defects"]] == [
        (1, "invalid_siret")
    ]


async def test_a_decp_document_that_is_not_json_is_refused(ingest: Harness) -> None:
    response = await ingest.client.post("/v1/decp", content=b"<xml/>", headers=FACILITATOR)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_decp"
