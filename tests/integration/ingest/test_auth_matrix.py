"""401 without or with a bad token, 403 outside one's scope: the matrix on the real stack."""

from typing import Any

import pytest

from harness.builders import (
    HOLDER_SIRET,
    OTHER_SIRET,
    a_contract_submission,
    a_decp_document,
    a_decp_record,
    a_market_submission,
    an_hours_csv,
    an_hours_submission,
    an_invoice_submission,
)
from tests.component.ingest.conftest import CONTRACTOR, FACILITATOR, OTHER_CONTRACTOR
from tests.integration.ingest.conftest import Live, unique_market

NOBODY: dict[str, str] = {}
BAD = {"Authorization": "Bearer not-a-token"}
NOT_BEARER = {"Authorization": "Basic Y29udHJhY3Rvcg=="}


def routes(market_id: str, contract_id: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every submission route with a valid body for the market (content type, body)."""
    hours = an_hours_submission(market_id=market_id).model_dump(mode="json")
    hours["lines"][0]["contract_id"] = contract_id
    contract = a_contract_submission(market_id=market_id, contract_id=contract_id)
    return {
        "/v1/markets": (
            "json",
            a_market_submission(market_id=unique_market()).model_dump(mode="json"),
        ),
        "/v1/decp": ("bytes", {"content": a_decp_document(a_decp_record(unique_market()))}),
        "/v1/invoices": (
            "json",
            an_invoice_submission(market_id=market_id).model_dump(mode="json"),
        ),
        "/v1/work-contracts": ("json", contract.model_dump(mode="json")),
        "/v1/monthly-hours": ("json", hours),
        "/v1/monthly-hours/csv": ("bytes", {"content": an_hours_csv(market_id, 2)}),
    }


async def call(live: Live, path: str, shape: tuple[str, Any], headers: dict[str, str]) -> int:
    kind, body = shape
    if kind == "json":
        response = await live.client.post(path, json=body, headers=headers)
    else:
        response = await live.client.post(path, content=body["content"], headers=headers)
    return response.status_code


@pytest.fixture(scope="module")
async def markets(live: Live) -> tuple[str, str]:
    """A market held by the contractor, and one held by another holder."""
    own, other = unique_market(), unique_market()
    for market_id, holder in ((own, None), (other, OTHER_SIRET)):
        fields: dict[str, Any] = {"market_id": market_id}
        if holder:
            fields["holders"] = [{"siret": holder}]
        body = a_market_submission(**fields).model_dump(mode="json")
        assert (await live.client.post("/v1/markets", json=body, headers=FACILITATOR)).is_success
    return own, other


@pytest.mark.parametrize("headers", [NOBODY, BAD, NOT_BEARER], ids=["none", "unknown", "basic"])
@pytest.mark.parametrize(
    "path",
    [
        "/v1/markets",
        "/v1/decp",
        "/v1/invoices",
        "/v1/work-contracts",
        "/v1/monthly-hours",
        "/v1/monthly-hours/csv",
    ],
)
async def test_without_a_valid_token_every_route_answers_401(
    live: Live, path: str, headers: dict[str, str]
) -> None:
    response = await live.client.post(path, content=b"{}", headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthenticated"


async def test_reading_a_submission_needs_a_token_too(live: Live) -> None:
    response = await live.client.get("/v1/submissions/anything")

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("path", "facilitator", "contractor_own", "contractor_other"),
    [
        ("/v1/markets", 202, 403, 403),
        ("/v1/decp", 202, 403, 403),
        ("/v1/invoices", 202, 202, 403),
        ("/v1/work-contracts", 202, 202, 403),
        ("/v1/monthly-hours/csv", 202, 202, 403),
    ],
)
async def test_who_may_submit_what(
    live: Live,
    markets: tuple[str, str],
    path: str,
    facilitator: int,
    contractor_own: int,
    contractor_other: int,
) -> None:
    own, other = markets
    suffix = path.rsplit("/", 1)[-1]

    by_facilitator = await call(live, path, routes(own, f"C-{own}-f-{suffix}")[path], FACILITATOR)
    by_contractor = await call(live, path, routes(own, f"C-{own}-c-{suffix}")[path], CONTRACTOR)
    for_another_holder = await call(
        live, path, routes(other, f"C-{other}-c-{suffix}")[path], CONTRACTOR
    )

    assert (by_facilitator, by_contractor, for_another_holder) == (
        facilitator,
        contractor_own,
        contractor_other,
    )


async def test_a_contractor_reports_hours_on_its_market_but_not_on_another_holders(
    live: Live, markets: tuple[str, str]
) -> None:
    own, other = markets
    for market_id, employer in ((own, HOLDER_SIRET), (other, OTHER_SIRET)):
        contract = a_contract_submission(
            market_id=market_id, contract_id=f"C-{market_id}-h", employer_siret=employer
        )
        body = contract.model_dump(mode="json")
        assert (
            await live.client.post("/v1/work-contracts", json=body, headers=FACILITATOR)
        ).is_success

    on_own = await call(
        live, "/v1/monthly-hours", routes(own, f"C-{own}-h")["/v1/monthly-hours"], CONTRACTOR
    )
    on_other = await call(
        live, "/v1/monthly-hours", routes(other, f"C-{other}-h")["/v1/monthly-hours"], CONTRACTOR
    )
    kind, report = routes(other, f"C-{other}-h")["/v1/monthly-hours"]
    by_the_other_holder = await call(  # for itself: the employer is its own SIRET
        live,
        "/v1/monthly-hours",
        (kind, {**report, "employer_siret": OTHER_SIRET}),
        OTHER_CONTRACTOR,
    )

    assert (on_own, on_other, by_the_other_holder) == (202, 403, 202)


async def test_a_contractor_may_not_invoice_for_another_holder(
    live: Live, markets: tuple[str, str]
) -> None:
    own, _ = markets
    invoice = an_invoice_submission(market_id=own, holder_siret=OTHER_SIRET, period="2023-02")

    response = await live.client.post(
        "/v1/invoices", json=invoice.model_dump(mode="json"), headers=CONTRACTOR
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_a_contractor_cannot_read_another_principals_submission(
    live: Live, markets: tuple[str, str]
) -> None:
    own, _ = markets
    invoice = an_invoice_submission(market_id=own, period="2023-03").model_dump(mode="json")
    accepted = await live.client.post("/v1/invoices", json=invoice, headers=FACILITATOR)

    seen_by_owner = await live.client.get(accepted.headers["location"], headers=FACILITATOR)
    seen_by_contractor = await live.client.get(accepted.headers["location"], headers=CONTRACTOR)

    assert (seen_by_owner.status_code, seen_by_contractor.status_code) == (200, 404)
