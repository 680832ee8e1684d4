"""A beneficiary identifier with a letter of another script (a Cyrillic A drawn like a Latin
one) is refused on every entry point that carries one, naming the field, never the value."""

import json
from typing import Any

import pytest

from harness.builders import (
    TEST_PSEUDONYMISATION_KEY,
    a_contract_submission,
    a_market_submission,
    an_hours_csv,
    an_hours_submission,
)
from services.ingest.domain.pseudonym import Pseudonymiser
from shared.events import WorkContractSigned
from shared.topics import MONTHLY_HOURS, WORK_CONTRACTS
from tests.component.ingest.conftest import CONTRACTOR, FACILITATOR, Harness, Web
from tests.component.ingest.html_tables import table_rows
from tests.component.ingest.test_raw_topic import CONTRACT, send, token
from tests.component.ingest.test_web_pages import MARKET, upload
from tests.component.ingest.test_web_pages import with_market as with_market_on_the_web

CYRILLIC_A = "\u0410B12-7788"  # a Cyrillic capital A, then Latin letters and digits
GREEK_O = "ZOE-\u039f12"  # a Greek capital omicron in place of the Latin O
HOMOGLYPHS = [CYRILLIC_A, GREEK_O, "\u0531B12", "\u13aaB12"]  # Armenian, Cherokee


def not_echoed(raw: str, text: str) -> bool:
    """Neither the value nor its JSON escapes are in the text."""
    return raw not in text and json.dumps(raw)[1:-1] not in text


async def with_market(ingest: Harness) -> None:
    market = a_market_submission().model_dump(mode="json")
    assert (await ingest.client.post("/v1/markets", json=market, headers=FACILITATOR)).is_success


def contract(**changes: Any) -> dict[str, Any]:
    return {**a_contract_submission().model_dump(mode="json"), **changes}


@pytest.mark.parametrize("raw", HOMOGLYPHS)
async def test_a_work_contract_with_a_homoglyph_identifier_is_refused_naming_the_field(
    ingest: Harness, raw: str
) -> None:
    await with_market(ingest)

    response = await ingest.client.post(
        "/v1/work-contracts", json=contract(beneficiary_id=raw), headers=FACILITATOR
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "rules_broken"
    [error] = body["errors"]
    assert (error["code"], error["field"], error["location"]) == (
        "beneficiary_id_script",
        "beneficiary_id",
        "beneficiary_id",
    )
    assert "lettres latines" in error["message"]
    assert not_echoed(raw, response.text)
    assert ingest.topics[WORK_CONTRACTS.name] == []


async def test_an_hours_line_with_a_homoglyph_identifier_is_refused_naming_its_line(
    ingest: Harness,
) -> None:
    await with_market(ingest)
    assert (
        await ingest.client.post("/v1/work-contracts", json=contract(), headers=FACILITATOR)
    ).is_success
    report = an_hours_submission().model_dump(mode="json")
    report["lines"][0]["beneficiary_id"] = CYRILLIC_A

    response = await ingest.client.post("/v1/monthly-hours", json=report, headers=FACILITATOR)

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["code"], error["location"]) == (
        "beneficiary_id_script",
        "lines[0].beneficiary_id",
    )
    assert not_echoed(CYRILLIC_A, response.text)
    assert ingest.topics[MONTHLY_HOURS.name] == []


async def test_an_accented_identifier_is_accepted_with_the_pseudonym_it_always_had(
    ingest: Harness,
) -> None:
    await with_market(ingest)

    response = await ingest.client.post(
        "/v1/work-contracts", json=contract(beneficiary_id="Zoe\u0301-Œ12"), headers=FACILITATOR
    )

    assert response.status_code == 202
    [event] = ingest.events(WORK_CONTRACTS.name)
    assert isinstance(event, WorkContractSigned)
    assert event.beneficiary == Pseudonymiser(TEST_PSEUDONYMISATION_KEY)("ZOÉ-Œ12")


async def test_a_csv_row_with_a_homoglyph_identifier_is_refused_naming_its_line_and_column(
    ingest: Harness,
) -> None:
    await with_market(ingest)
    document = an_hours_csv("2023-0042", 4, bad={2: {"beneficiary": CYRILLIC_A}})

    response = await ingest.client.post(
        "/v1/monthly-hours/csv",
        content=document,
        headers={**FACILITATOR, "Content-Type": "text/csv"},
    )

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["code"], error["field"], error["line"], error["column"]) == (
        "beneficiary_id_script",
        "beneficiary_id",
        4,
        "identifiant_bénéficiaire",
    )
    assert not_echoed(CYRILLIC_A, response.text)
    assert ingest.topics[WORK_CONTRACTS.name] == []
    assert ingest.topics[MONTHLY_HOURS.name] == []


async def test_the_web_upload_lists_the_homoglyph_row_and_publishes_nothing(web: Web) -> None:
    await with_market_on_the_web(web)
    await web.sign_in("facilitator-token")

    response = await upload(web, an_hours_csv(MARKET, 3, bad={1: {"beneficiary": GREEK_O}}))

    assert response.status_code == 422
    [row] = table_rows(response.text, "refus")
    assert row[:2] == ["3", "identifiant_bénéficiaire"]
    assert "lettres latines" in row[2]
    assert not_echoed(GREEK_O, response.text)
    assert web.topics[WORK_CONTRACTS.name] == []


async def test_a_raw_message_with_a_homoglyph_identifier_is_dead_lettered_with_the_fixed_message(
    ingest: Harness,
) -> None:
    await with_market(ingest)
    value = json.dumps({**CONTRACT, "beneficiary_id": CYRILLIC_A}).encode()

    await send(ingest, value, token(CONTRACTOR))

    [(letter, headers)] = ingest.dead_letters
    assert headers["dead-letter-reason"] == "rules_broken"
    [item] = json.loads(headers["dead-letter-detail"])
    assert (item["code"], item["field"]) == ("beneficiary_id_script", "beneficiary_id")
    assert "lettres latines" in item["message"]
    blob = b"\n".join([letter, *(v.encode() for v in headers.values())])
    assert CYRILLIC_A.encode() not in blob
    assert json.dumps(CYRILLIC_A)[1:-1].encode() not in blob
    assert ingest.events(WORK_CONTRACTS.name) == []
