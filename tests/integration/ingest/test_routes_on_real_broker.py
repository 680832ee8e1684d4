"""Every route's happy path on the real broker and PostgreSQL, read back from its topic."""

from typing import Any

from harness.builders import (
    RAW_BENEFICIARY,
    TEST_PSEUDONYMISATION_KEY,
    a_contract_submission,
    a_decp_document,
    a_decp_record,
    a_market_submission,
    an_hours_submission,
    an_invoice_submission,
)
from services.ingest.domain.pseudonym import Pseudonymiser
from shared.events import (
    InvoiceRecorded,
    MarketNotified,
    MonthlyHoursReported,
    WorkContractSigned,
    decode_event,
)
from shared.topics import INVOICES, MARKETS, MONTHLY_HOURS, WORK_CONTRACTS
from tests.component.ingest.conftest import FACILITATOR
from tests.integration.ingest.conftest import Live, TopicReader, keyed, unique_market

EVENT_TOPICS = [MARKETS.name, INVOICES.name, WORK_CONTRACTS.name, MONTHLY_HOURS.name]


def json_of(submission: Any) -> Any:
    return submission.model_dump(mode="json")


async def test_market_invoice_contract_and_hours_are_read_back_from_their_topics(
    live: Live,
) -> None:
    market_id = unique_market()
    contract_id = f"C-{market_id}"
    posts = [
        ("/v1/markets", a_market_submission(market_id=market_id)),
        ("/v1/invoices", an_invoice_submission(market_id=market_id)),
        ("/v1/work-contracts", a_contract_submission(market_id=market_id, contract_id=contract_id)),
    ]
    hours = json_of(an_hours_submission(market_id=market_id))
    hours["lines"][0]["contract_id"] = contract_id

    async with TopicReader(live.bootstrap, EVENT_TOPICS) as reader:
        answers = [
            await live.client.post(path, json=json_of(body), headers=FACILITATOR)
            for path, body in posts
        ]
        answers.append(await live.client.post("/v1/monthly-hours", json=hours, headers=FACILITATOR))
        records = await reader.collect(keyed(market_id), count=4)

    assert [answer.status_code for answer in answers] == [202, 202, 202, 202]
    events = {type(event): event for event in (decode_event(r.value) for r in records)}
    assert set(events) == {
        MarketNotified,
        InvoiceRecorded,
        WorkContractSigned,
        MonthlyHoursReported,
    }
    topics = {type(decode_event(r.value)).__name__: r.topic for r in records}
    assert topics == {
        "MarketNotified": MARKETS.name,
        "InvoiceRecorded": INVOICES.name,
        "WorkContractSigned": WORK_CONTRACTS.name,
        "MonthlyHoursReported": MONTHLY_HOURS.name,
    }
    pseudonym = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)(RAW_BENEFICIARY)
    contract = events[WorkContractSigned]
    assert isinstance(contract, WorkContractSigned)
    assert contract.beneficiary == pseudonym
    received_ids = {decode_event(r.value).event_id for r in records}
    answered_ids = {a.json()["events"][0]["event_id"] for a in answers}
    assert received_ids == answered_ids
    status = await live.client.get(answers[-1].headers["location"], headers=FACILITATOR)
    assert status.json()["status"] == "published"


async def test_a_decp_document_publishes_its_markets_on_the_real_broker(live: Live) -> None:
    market_ids = {unique_market(), unique_market()}
    broken = a_decp_record(unique_market(), montant="NC")
    document = a_decp_document(*(a_decp_record(market_id) for market_id in market_ids), broken)

    async with TopicReader(live.bootstrap, [MARKETS.name]) as reader:
        response = await live.client.post("/v1/decp", content=document, headers=FACILITATOR)
        records = await reader.collect(
            lambda r: r.key is not None and r.key.decode() in market_ids, count=2
        )

    assert response.status_code == 202
    assert {decode_event(r.value).market_id for r in records} == market_ids
    assert [d["record_id"] for d in response.json()["defects"]] == [broken["id"]]
