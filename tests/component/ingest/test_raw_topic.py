"""Contractors' raw messages take the same path; every refusal becomes a dead letter."""

import json
from typing import Any

import pytest

from harness.builders import (
    RAW_BENEFICIARY,
    a_contract_submission,
    a_market_submission,
    an_hours_submission,
)
from services.ingest.domain.raw_messages import keyed_digest
from shared.events import MonthlyHoursReported, WorkContractSigned
from shared.topics import MONTHLY_HOURS, WORK_CONTRACTS
from tests.component.ingest.conftest import CONTRACTOR, FACILITATOR, OTHER_CONTRACTOR, Harness

CONTRACT = {"type": "work_contract", **a_contract_submission().model_dump(mode="json")}
HOURS = {"type": "monthly_hours", **an_hours_submission().model_dump(mode="json")}


async def send(
    ingest: Harness, value: bytes, headers: dict[str, str] | None = CONTRACTOR, key: bytes = b"k"
) -> None:
    topic = ingest.service.settings.raw_topic
    await ingest.service.broker.publish(value, topic=topic, key=key, headers=headers or {})


async def with_market(ingest: Harness) -> None:
    market = a_market_submission().model_dump(mode="json")
    assert (await ingest.client.post("/v1/markets", json=market, headers=FACILITATOR)).is_success


def token(headers: dict[str, str]) -> dict[str, str]:
    return {"authorization": headers["Authorization"]}


async def test_a_contract_then_its_hours_posted_raw_are_published(ingest: Harness) -> None:
    await with_market(ingest)

    await send(ingest, json.dumps(CONTRACT).encode(), token(CONTRACTOR))
    await send(ingest, json.dumps(HOURS).encode(), token(CONTRACTOR))

    assert [type(e) for e in ingest.events(WORK_CONTRACTS.name)] == [WorkContractSigned]
    assert [type(e) for e in ingest.events(MONTHLY_HOURS.name)] == [MonthlyHoursReported]
    assert ingest.dead_letters == []


def poison(**changes: Any) -> bytes:
    return json.dumps({**CONTRACT, **changes}).encode()


@pytest.mark.parametrize(
    ("value", "headers", "reason"),
    [
        (b"not json at all", token(CONTRACTOR), "not_json"),
        (json.dumps(CONTRACT).encode()[:40], token(CONTRACTOR), "truncated_json"),
        (b"\xff\xfe{}", token(CONTRACTOR), "not_utf8"),
        (b"[1, 2]", token(CONTRACTOR), "not_an_object"),
        (poison(start_date=12, employer_siret=True), token(CONTRACTOR), "invalid_submission"),
        (poison(gender="robot"), token(CONTRACTOR), "unknown_code"),
        (poison(schema_version=2), token(CONTRACTOR), "unknown_schema_version"),
        (poison(type="salary"), token(CONTRACTOR), "unknown_type"),
        (json.dumps(CONTRACT).encode(), {}, "missing_token"),
        (json.dumps(CONTRACT).encode(), {"authorization": "Bearer nope"}, "unknown_token"),
        (json.dumps(CONTRACT).encode(), token(OTHER_CONTRACTOR), "forbidden"),
        (poison(market_id="M-404"), token(CONTRACTOR), "rules_broken"),
        (b" " * (1024 * 1024 + 1), token(CONTRACTOR), "too_large"),
    ],
)
async def test_a_poison_message_is_dead_lettered_with_its_reason_and_the_next_goes_through(
    ingest: Harness, value: bytes, headers: dict[str, str], reason: str
) -> None:
    await with_market(ingest)

    await send(ingest, value, headers)
    await send(ingest, json.dumps(CONTRACT).encode(), token(CONTRACTOR))

    [(letter, letter_headers)] = ingest.dead_letters
    assert letter_headers["dead-letter-reason"] == reason
    assert letter_headers["source-topic"] == ingest.service.settings.raw_topic
    assert {"source-partition", "source-offset", "dead-letter-detail"} <= set(letter_headers)
    assert "authorization" not in {name.lower() for name in letter_headers}
    assert RAW_BENEFICIARY.encode() not in letter
    assert len(ingest.events(WORK_CONTRACTS.name)) == 1


async def test_a_dead_letter_keeps_the_shape_and_the_codes_but_no_value(ingest: Harness) -> None:
    await with_market(ingest)
    original = poison(gender="robot", beneficiary_id=[RAW_BENEFICIARY], note=RAW_BENEFICIARY)

    await send(ingest, original, token(CONTRACTOR), key=RAW_BENEFICIARY.encode())

    [(letter, headers)] = ingest.dead_letters
    assert RAW_BENEFICIARY.encode() not in letter
    restored = json.loads(letter)
    assert restored["reason"] == "unknown_code"
    assert restored["size"] == len(original)
    assert restored["digest"] == keyed_digest(original, ingest.service.pseudonymise)
    shape = restored["document"]
    assert set(shape) == {*json.loads(original)} - {"note"} | {"<champ inconnu 1>"}
    assert shape["beneficiary_id"] == [f"<texte de {len(RAW_BENEFICIARY)} caractère(s)>"]
    assert shape["contract_type"] == CONTRACT["contract_type"]
    assert shape["gender"] == "<texte de 5 caractère(s)>"
    assert "dead-letter-redacted" not in headers
    detail = json.loads(headers["dead-letter-detail"])
    assert [(item["code"], item["location"]) for item in detail] == [
        ("string_type", "beneficiary_id"),
        ("enum", "gender"),
        ("extra_forbidden", "<champ inconnu>"),
    ]
