"""A 1 000-row CSV with 3 bad rows publishes nothing; corrected, its 1 000 lines go through."""

from harness.builders import a_market_submission, an_hours_csv
from shared.events import MonthlyHoursReported, WorkContractSigned, decode_event
from shared.topics import MONTHLY_HOURS, WORK_CONTRACTS
from tests.component.ingest.conftest import FACILITATOR
from tests.integration.ingest.conftest import Live, TopicReader, keyed, unique_market

CSV = {**FACILITATOR, "Content-Type": "text/csv"}
BAD_ROWS = {
    41: {"insertion": "-7,5"},
    502: {"type": "CDI à vie"},
    998: {"start": "01/09/2023"},
}


async def test_a_thousand_rows_with_three_bad_ones_then_corrected(live: Live) -> None:
    market_id = unique_market()
    market = a_market_submission(market_id=market_id).model_dump(mode="json")
    assert (await live.client.post("/v1/markets", json=market, headers=FACILITATOR)).is_success

    async with TopicReader(live.bootstrap, [WORK_CONTRACTS.name, MONTHLY_HOURS.name]) as reader:
        refused = await live.client.post(
            "/v1/monthly-hours/csv",
            content=an_hours_csv(market_id, 1000, bad=BAD_ROWS),
            headers=CSV,
        )
        nothing = await reader.drain()
        accepted = await live.client.post(
            "/v1/monthly-hours/csv", content=an_hours_csv(market_id, 1000), headers=CSV
        )
        records = await reader.collect(keyed(market_id), count=1001)

    assert refused.status_code == 422
    assert sorted((e["line"], e["column"], e["code"]) for e in refused.json()["errors"]) == [
        (43, "heures_insertion", "negative_hours"),
        (504, "type_contrat", "unknown_code"),
        (1000, "période", "period_before_contract_start"),
    ]
    assert [r for r in nothing if r.key == market_id.encode()] == []
    assert accepted.status_code == 202
    events = [decode_event(r.value) for r in records]
    reports = [e for e in events if isinstance(e, MonthlyHoursReported)]
    contracts = [e for e in events if isinstance(e, WorkContractSigned)]
    assert len(contracts) == 1000
    [report] = reports
    assert len(report.lines) == 1000
    assert report.version == 1
    assert accepted.json()["event_count"] == 1001
