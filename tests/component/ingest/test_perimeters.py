"""A facilitator token lists the buyers it serves: it submits and sees only their markets.

Facilitator A serves the region (`BUYER_SIRET`, the default buyer), facilitator B the
département (`DEPARTEMENT_SIRET`); a facilitator token without `buyers` still serves every
buyer. Market ids are unique on the platform until events name their buyer (issue 15), so
a market id the region notified stays the region's for B, even in a new version.
"""

import json
from typing import Any

import httpx

from harness.builders import (
    BUYER_SIRET,
    DEPARTEMENT_SIRET,
    a_contract_submission,
    a_decp_document,
    a_decp_record,
    a_market_submission,
    an_hours_csv,
    an_invoice_submission,
)
from shared.events import MarketNotified
from shared.topics import INVOICES, MARKETS, WORK_CONTRACTS
from tests.component.ingest.conftest import FACILITATOR, Harness, Web

REGION = {"Authorization": "Bearer region-facilitator-token"}
DEPARTEMENT = {"Authorization": "Bearer departement-facilitator-token"}
DEPARTEMENT_BUYER = {"siret": DEPARTEMENT_SIRET, "name": "Département de Loire-Atlantique"}


def body(submission: Any) -> Any:
    return submission.model_dump(mode="json")


async def post(ingest: Harness, path: str, payload: Any, headers: dict[str, str]) -> Any:
    return await ingest.client.post(path, json=payload, headers=headers)


def forbidden_at(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 403, response.text
    return [(error["code"], error["location"]) for error in response.json()["errors"]]


async def test_a_market_of_a_buyer_outside_the_perimeter_is_refused_naming_the_buyer(
    ingest: Harness,
) -> None:
    refused = await post(ingest, "/v1/markets", body(a_market_submission()), DEPARTEMENT)
    accepted = await post(ingest, "/v1/markets", body(a_market_submission()), REGION)

    assert forbidden_at(refused) == [("forbidden", "buyer.siret")]
    assert "périmètre" in refused.json()["errors"][0]["message"]
    assert accepted.status_code == 202
    [market] = ingest.events(MARKETS.name)
    assert isinstance(market, MarketNotified)
    assert market.buyer.siret == BUYER_SIRET


async def test_invoices_and_contracts_on_another_buyers_market_are_refused_naming_the_market(
    ingest: Harness,
) -> None:
    assert (await post(ingest, "/v1/markets", body(a_market_submission()), REGION)).is_success

    invoice = await post(ingest, "/v1/invoices", body(an_invoice_submission()), DEPARTEMENT)
    contract = await post(ingest, "/v1/work-contracts", body(a_contract_submission()), DEPARTEMENT)
    own = await post(ingest, "/v1/invoices", body(an_invoice_submission()), REGION)

    assert forbidden_at(invoice) == [("forbidden", "market_id")]
    assert forbidden_at(contract) == [("forbidden", "market_id")]
    assert own.status_code == 202
    assert len(ingest.events(INVOICES.name)) == 1
    assert ingest.events(WORK_CONTRACTS.name) == []


async def test_another_buyers_market_id_cannot_be_taken_over_by_renotifying_it(
    ingest: Harness,
) -> None:
    assert (await post(ingest, "/v1/markets", body(a_market_submission()), REGION)).is_success
    takeover = a_market_submission(buyer=DEPARTEMENT_BUYER, title="Autre chose")

    refused = await post(ingest, "/v1/markets", body(takeover), DEPARTEMENT)

    assert forbidden_at(refused) == [("forbidden", "market_id")]
    assert [m.version for m in ingest.events(MARKETS.name)] == [1]


async def test_one_refused_market_of_a_list_refuses_the_list(ingest: Harness) -> None:
    markets = [
        body(a_market_submission(market_id="D-1", buyer=DEPARTEMENT_BUYER)),
        body(a_market_submission(market_id="R-1")),
    ]

    refused = await post(ingest, "/v1/markets", markets, DEPARTEMENT)

    assert forbidden_at(refused) == [("forbidden", "buyer.siret")]
    assert ingest.events(MARKETS.name) == []


async def test_a_decp_document_naming_a_buyer_outside_the_perimeter_is_refused(
    ingest: Harness,
) -> None:
    document = a_decp_document(
        a_decp_record("DECP-R"), a_decp_record("DECP-D", acheteur={"id": DEPARTEMENT_SIRET})
    )

    refused = await ingest.client.post("/v1/decp", content=document, headers=DEPARTEMENT)

    assert forbidden_at(refused) == [("forbidden", "buyer.siret")]
    assert ingest.events(MARKETS.name) == []


async def test_a_facilitator_without_a_perimeter_still_serves_every_buyer(
    ingest: Harness,
) -> None:
    department = a_market_submission(market_id="D-1", buyer=DEPARTEMENT_BUYER)

    responses = [
        await post(ingest, "/v1/markets", body(department), FACILITATOR),
        await post(ingest, "/v1/markets", body(a_market_submission()), FACILITATOR),
    ]

    assert [r.status_code for r in responses] == [202, 202]


async def test_a_csv_of_hours_on_another_buyers_market_is_refused(ingest: Harness) -> None:
    assert (await post(ingest, "/v1/markets", body(a_market_submission()), REGION)).is_success
    assert (
        await post(ingest, "/v1/work-contracts", body(a_contract_submission()), REGION)
    ).is_success

    refused = await ingest.client.post(
        "/v1/monthly-hours/csv",
        content=an_hours_csv("2023-0042", 1),
        headers={**DEPARTEMENT, "Content-Type": "text/csv"},
    )

    assert forbidden_at(refused) == [("forbidden", "market_id")]


async def test_a_raw_message_for_another_buyers_market_is_dead_lettered_as_forbidden(
    ingest: Harness,
) -> None:
    assert (await post(ingest, "/v1/markets", body(a_market_submission()), REGION)).is_success
    invoice = {"type": "invoice", **body(an_invoice_submission())}
    topic = ingest.service.settings.raw_topic

    await ingest.service.broker.publish(
        json.dumps(invoice).encode(),
        topic=topic,
        key=b"k",
        headers={"authorization": DEPARTEMENT["Authorization"]},
    )

    [(_, headers)] = ingest.dead_letters
    assert headers["dead-letter-reason"] == "forbidden"
    assert ingest.events(INVOICES.name) == []


async def test_the_market_pages_show_only_the_perimeters_markets(web: Web) -> None:
    for market in (
        a_market_submission(market_id="R-1"),
        a_market_submission(market_id="D-1", buyer=DEPARTEMENT_BUYER),
    ):
        answer = await web.api.post("/v1/markets", json=body(market), headers=FACILITATOR)
        assert answer.status_code == 202
    await web.sign_in("departement-facilitator-token")

    listing = await web.client.get("/ui/marches")
    refused = await web.client.get("/ui/marches/R-1")

    assert "D-1" in listing.text
    assert "R-1" not in listing.text
    assert refused.status_code == 403
