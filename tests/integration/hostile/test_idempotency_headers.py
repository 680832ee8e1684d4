"""Hostile Idempotency-Key and If-Match headers, and hostile replays (issue 14, case 8).

On HTTP: a malformed header is refused clearly (400) and nothing is stored; a key reused with
another request is refused (422) and a stale stated version gets 409 with the current one,
nothing published. On the raw topic: the same as dead letters."""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import text

from harness.builders import a_contract_submission, a_market_submission, an_hours_submission
from services.ingest.domain.raw_messages import keyed_digest
from shared.topics import MONTHLY_HOURS
from tests.component.ingest.conftest import FACILITATOR
from tests.integration.hostile.checks import (
    Refusal,
    assert_clear_refusal,
    assert_still_serving,
    tried,
)
from tests.integration.ingest.conftest import Live, TopicReader, keyed, unique_market

ENTRY_POINT = "HTTP Idempotency-Key / If-Match"
RAW_ENTRY_POINT = "raw topic idempotency-key"
H = "/v1/monthly-hours"
TOKEN = ("authorization", b"Bearer contractor-token")

BAD_KEYS: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("empty string", b'""'),
    ("seven characters", b'"1234567"'),
    ("129 characters", b'"' + b"k" * 129 + b'"'),
    ("a space inside", b'"8e03978e 40d5 43e8"'),
    ("SQL", b'"x\'; DROP TABLE ingest_idempotency_keys; --"'),
    ("an escape", b'"8e03978e\\"-40d5-43e8"'),
    ("unterminated", b'"8e03978e-40d5-43e8'),
    ("a list of two", b'"8e03978e-40d5-43e8", "0b7e1c2a-5d55-4e8f"'),
    ("latin-1 bytes", b'"cl\xe9-d-idempotence"'),
    ("UTF-8 letters", '"clé-d-idempotence"'.encode()),
    ("a zero-width space", '"8e03978e\u200b40d5"'.encode()),
    ("a semicolon parameter", b'"8e03978e-40d5-43e8";a=1'),
]
BAD_IF_MATCH: list[tuple[str, bytes]] = [
    ("not a tag", b"1"),
    ("a negative version", b'"-1"'),
    ("letters", b'"abc"'),
    ("eleven digits", b'"12345678901"'),
    ("two tags", b'"1", "2"'),
    ("a star", b"*"),
    ("a weak tag of letters", b'W/"v1"'),
]


def submissions_on(live: Live, market_id: str) -> int:
    """How many submissions ingest recorded on one market (the database is shared by other
    tests running at the same time: the whole table's count moves under them)."""
    with live.service.engine.connect() as connection:
        count: int = connection.execute(
            text("SELECT count(*) FROM ingest_submissions WHERE receipts LIKE :pattern"),
            {"pattern": f'%"{market_id}"%'},
        ).scalar_one()
    return count


def hours(market_id: str, contract_id: str, insertion: str = "35.00") -> dict[str, Any]:
    body = an_hours_submission(market_id=market_id).model_dump(mode="json")
    body["lines"][0].update(contract_id=contract_id, insertion_hours=insertion)
    return body


@pytest.fixture(scope="module")
async def month(live: Live) -> tuple[str, str]:
    """A market and a contract to report hours on."""
    market_id = unique_market()
    contract_id = f"C-{market_id}"
    market = a_market_submission(market_id=market_id).model_dump(mode="json")
    contract = a_contract_submission(market_id=market_id, contract_id=contract_id)
    for path, body in (
        ("/v1/markets", market),
        ("/v1/work-contracts", contract.model_dump(mode="json")),
    ):
        assert (await live.client.post(path, json=body, headers=FACILITATOR)).status_code == 202
    return market_id, contract_id


@pytest.mark.parametrize(
    ("header", "value", "code"),
    [("Idempotency-Key", v, "invalid_idempotency_key") for _, v in BAD_KEYS]
    + [("If-Match", v, "invalid_precondition") for _, v in BAD_IF_MATCH],
    ids=[f"key {name}" for name, _ in BAD_KEYS] + [f"if-match {name}" for name, _ in BAD_IF_MATCH],
)
async def test_a_malformed_header_is_refused_with_400_and_nothing_is_stored(
    live: Live, month: tuple[str, str], header: str, value: bytes, code: str
) -> None:
    before = submissions_on(live, month[0])
    tried(ENTRY_POINT)

    response = await live.client.post(
        H,
        content=json.dumps(hours(*month, insertion="11.00")).encode(),
        headers=[
            (b"Authorization", FACILITATOR["Authorization"].encode()),
            (b"Content-Type", b"application/json"),
            (header.encode(), value),
        ],
    )

    body = assert_clear_refusal(response, Refusal(400, code))
    assert "attendu" in body["message"] or "caractères" in body["message"]
    assert submissions_on(live, month[0]) == before
    await assert_still_serving(live)


@dataclass(frozen=True)
class Replay:
    """A first request accepted, then a hostile second one, and the refusal expected."""

    name: str
    second: Callable[[str, str, str], tuple[str, dict[str, Any] | list[Any], dict[str, str]]]
    expected: Refusal


def key(k: str) -> dict[str, str]:
    return {**FACILITATOR, "Idempotency-Key": f'"{k}"'}


REPLAYS = [
    Replay(
        "the same key with other hours",
        lambda m, c, k: (H, hours(m, c, "36.00"), key(k)),
        Refusal(422, "idempotency_key_reused"),
    ),
    Replay(
        "the same key on another route",
        lambda m, c, k: (
            "/v1/invoices",
            {
                "market_id": m,
                "holder_siret": "35600000000048",
                "period": "2023-06",
                "amount_ht": "1.00",
            },
            key(k),
        ),
        Refusal(422, "idempotency_key_reused"),
    ),
    Replay(
        "a correction stating version 0 after version 1",
        lambda m, c, _: (H, {**hours(m, c, "37.00"), "replaces_version": 0}, FACILITATOR),
        Refusal(409, "version_conflict", "replaces_version"),
    ),
    Replay(
        "a correction of a version not yet reached",
        lambda m, c, _: (H, hours(m, c, "38.00"), {**FACILITATOR, "If-Match": '"7"'}),
        Refusal(409, "version_conflict", "replaces_version"),
    ),
    Replay(
        "a negative replaces_version",
        lambda m, c, _: (H, {**hours(m, c, "39.00"), "replaces_version": -1}, FACILITATOR),
        Refusal(422, "invalid_body", "replaces_version"),
    ),
    Replay(
        "replaces_version as text",
        lambda m, c, _: (H, {**hours(m, c, "39.00"), "replaces_version": "2"}, FACILITATOR),
        Refusal(422, "invalid_body", "replaces_version"),
    ),
    Replay(
        "If-Match and replaces_version that disagree",
        lambda m, c, _: (
            H,
            {**hours(m, c, "39.50"), "replaces_version": 1},
            {**FACILITATOR, "If-Match": '"2"'},
        ),
        Refusal(400, "invalid_precondition"),
    ),
]


@pytest.mark.parametrize("case", REPLAYS, ids=[case.name for case in REPLAYS])
async def test_a_hostile_retry_is_refused_and_publishes_nothing(live: Live, case: Replay) -> None:
    market_id = unique_market()
    contract_id = f"C-{market_id}"
    market = a_market_submission(market_id=market_id).model_dump(mode="json")
    contract = a_contract_submission(market_id=market_id, contract_id=contract_id)
    for path, body in (
        ("/v1/markets", market),
        ("/v1/work-contracts", contract.model_dump(mode="json")),
    ):
        assert (await live.client.post(path, json=body, headers=FACILITATOR)).status_code == 202
    k = str(uuid.uuid4())
    first = await live.client.post(H, json=hours(market_id, contract_id), headers=key(k))
    assert first.status_code == 202
    tried(ENTRY_POINT)

    async with TopicReader(live.bootstrap, [MONTHLY_HOURS.name, "insertion.invoices.v1"]) as r:
        before = submissions_on(live, market_id)
        path, payload, headers = case.second(market_id, contract_id, k)
        response = await live.client.post(path, json=payload, headers=headers)
        published = [x for x in await r.drain(quiet_ms=500) if keyed(market_id)(x)]

    body = assert_clear_refusal(response, case.expected)
    if case.expected.status == 409:
        assert body["errors"][0]["current_version"] == 1
    assert submissions_on(live, market_id) == before
    assert published == []
    await assert_still_serving(live)


PAIRED = {"first with a key": "the same key, another body"}


async def test_hostile_raw_keys_and_replays_are_dead_lettered_with_their_reason(
    live: Live, month: tuple[str, str]
) -> None:
    market_id, contract_id = month
    # a version of the month is current before the raw messages come, whatever order their
    # partitions are read in: else "a stale replaces_version" (0, the first one) read before
    # "first with a key" would be the first version, and accepted
    current = await live.client.post(
        H, json=hours(market_id, contract_id, "11.00"), headers=FACILITATOR
    )
    assert current.status_code == 202
    reused = str(uuid.uuid4()).encode()
    cases: list[tuple[str, dict[str, Any], list[tuple[str, bytes]], str | None]] = [
        (
            f"key {name}",
            hours(market_id, contract_id, "12.00"),
            [TOKEN, ("idempotency-key", v)],
            "invalid_idempotency_key",
        )
        for name, v in BAD_KEYS
    ]
    cases += [
        (
            "two key headers",
            hours(market_id, contract_id, "12.50"),
            [TOKEN, ("idempotency-key", b"aaaaaaaaaa"), ("idempotency-key", b"bbbbbbbbbb")],
            "invalid_idempotency_key",
        ),
        (
            "first with a key",
            hours(market_id, contract_id, "13.00"),
            [TOKEN, ("idempotency-key", reused)],
            None,
        ),
        (
            "the same key, another body",
            hours(market_id, contract_id, "14.00"),
            [TOKEN, ("idempotency-key", reused)],
            "idempotency_key_reused",
        ),
        (
            "a stale replaces_version",
            {**hours(market_id, contract_id, "15.00"), "replaces_version": 0},
            [TOKEN],
            "stale_version",
        ),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=live.bootstrap, acks="all")
    await producer.start()
    # dead letters are keyed by the keyed digest of the refused message's key
    names = {
        keyed_digest(
            f"{market_id}:{PAIRED.get(name, name)}".encode(), live.service.pseudonymise
        ).encode(): PAIRED.get(name, name)
        for name, *_ in cases
    }
    try:
        async with TopicReader(live.bootstrap, [live.settings.dead_letter_topic]) as reader:
            for name, document, headers, _ in cases:
                value = json.dumps({"type": "monthly_hours", **document}).encode()
                # one idempotency key's messages share a message key (one partition, in order)
                partition_key = PAIRED.get(name, name)
                await producer.send_and_wait(
                    live.settings.raw_topic,
                    value,
                    key=f"{market_id}:{partition_key}".encode(),
                    headers=headers,
                )
            tried(RAW_ENTRY_POINT, len(cases))
            expected = [case for case in cases if case[3] is not None]
            letters = await reader.collect(
                lambda r: r.key in names, count=len(expected), within=120
            )
    finally:
        await producer.stop()

    reasons = {names[r.key]: dict(r.headers)["dead-letter-reason"].decode() for r in letters}
    assert reasons == {PAIRED.get(name, name): reason for name, _, _, reason in expected}
    # the first of the pair was published, only the second dead-lettered
    pair = PAIRED.get("the same key, another body", "the same key, another body")
    assert len([r for r in letters if names[r.key] == pair]) == 1
    for letter in letters:
        detail = json.loads(dict(letter.headers)["dead-letter-detail"])
        assert all(item["message"].strip() for item in detail)
    await assert_still_serving(live)
