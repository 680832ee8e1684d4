"""Hostile messages on the raw topic: each is dead-lettered with its reason, the consumer
goes on, and nothing of a refused message is published."""

import json
from typing import Any

from aiokafka import AIOKafkaProducer

from shared.events import WorkContractSigned, decode_event
from shared.topics import WORK_CONTRACTS
from tests.builders import RAW_BENEFICIARY, a_contract_submission, a_market_submission
from tests.component.ingest.conftest import FACILITATOR
from tests.integration.hostile.checks import assert_still_serving, tried
from tests.integration.ingest.conftest import Live, TopicReader, unique_market

ENTRY_POINT = "raw topic"
TOKEN = [("authorization", b"Bearer contractor-token")]
OTHER = [("authorization", b"Bearer other-contractor-token")]
MiB = 1024 * 1024


def contract(market_id: str, name: str, /, **changes: Any) -> dict[str, Any]:
    body = a_contract_submission(
        market_id=market_id, contract_id=f"C-{market_id}-{abs(hash(name)) % 10**8}"
    )
    return {"type": "work_contract", **body.model_dump(mode="json"), **changes}


def encoded(document: Any) -> bytes:
    return json.dumps(document).encode()


def corpus(m: str) -> list[tuple[str, bytes | None, list[tuple[str, bytes]], str]]:
    """(name, value, headers, the dead-letter reason expected), on market m."""
    valid = encoded(contract(m, "valid"))
    return [
        ("not JSON", b"type=work_contract&hours=35", TOKEN, "not_json"),
        ("YAML", b"type: work_contract\nhours: 35\n", TOKEN, "not_json"),
        ("truncated", valid[: len(valid) // 3], TOKEN, "truncated_json"),
        (
            "truncated literal",
            valid[: valid.rindex(b"null") + 2],  # cut inside the last literal
            TOKEN,
            "truncated_json",
        ),
        (
            "latin-1",
            valid.replace(b"Construction", "Léon".encode("latin-1")) + b"\xe9",
            TOKEN,
            "not_utf8",
        ),
        ("UTF-16", json.dumps(contract(m, "utf16")).encode("utf-16"), TOKEN, "not_utf8"),
        ("tombstone", None, TOKEN, "empty"),
        ("empty bytes", b"", TOKEN, "empty"),
        ("a JSON list", encoded([contract(m, "list")]), TOKEN, "not_an_object"),
        ("a JSON string", encoded("work_contract"), TOKEN, "not_an_object"),
        ("JSON null", b"null", TOKEN, "not_an_object"),
        (
            "schema version 2",
            encoded(contract(m, "v2", schema_version=2)),
            TOKEN,
            "unknown_schema_version",
        ),
        (
            "schema version 10^100",
            encoded(contract(m, "v100", schema_version=10**100)),
            TOKEN,
            "unknown_schema_version",
        ),
        (
            "schema version as text",
            encoded(contract(m, "vtext", schema_version="1")),
            TOKEN,
            "unknown_schema_version",
        ),
        ("unknown type", encoded(contract(m, "type", type="payslip")), TOKEN, "unknown_type"),
        (
            "no type",
            encoded({k: v for k, v in contract(m, "notype").items() if k != "type"}),
            TOKEN,
            "unknown_type",
        ),
        (
            "start date as a list",
            encoded(contract(m, "dates", start_date=[1])),
            TOKEN,
            "invalid_submission",
        ),
        (
            "gender as a number",
            encoded(contract(m, "gender", gender=1)),
            TOKEN,
            "unknown_code",
        ),
        (
            "unknown contract type",
            encoded(contract(m, "code", contract_type="cdi_forever")),
            TOKEN,
            "unknown_code",
        ),
        ("unknown field", encoded(contract(m, "extra", nom="Dupont")), TOKEN, "invalid_submission"),
        (
            "NUL in the contract id",
            encoded(contract(m, "nul", contract_id="C\x00")),
            TOKEN,
            "invalid_submission",
        ),
        (
            "SQL in the market id",
            encoded(contract(m, "sql", market_id="x';DROP TABLE t;--")),
            TOKEN,
            "invalid_submission",
        ),
        (
            "full-width SIRET",
            encoded(contract(m, "fw", employer_siret="\uff13" * 14)),
            TOKEN,
            "invalid_submission",
        ),
        ("2 MiB", encoded(contract(m, "big", notes="x" * 2 * MiB)), TOKEN, "too_large"),
        ("nested 10 000 deep", b"[" * 10_000 + b"]" * 10_000, TOKEN, "not_json"),
        (
            "object nested 10 000 deep",
            valid[:-1] + b', "notes": ' + b'{"a": ' * 10_000 + b"1" + b"}" * 10_001,
            TOKEN,
            "not_json",
        ),
        ("no token", valid, [], "missing_token"),
        ("Basic auth", valid, [("authorization", b"Basic Y29udHJhY3Rvcg==")], "missing_token"),
        ("unknown token", valid, [("authorization", b"Bearer guessed")], "unknown_token"),
        ("binary token", valid, [("authorization", b"Bearer \xff\xfe\x00")], "unknown_token"),
        ("another holder's market", encoded(contract(m, "other-holder")), OTHER, "forbidden"),
        (
            "a contract on a market never notified",
            encoded(contract(m, "unknown-market", market_id=unique_market())),
            TOKEN,
            "rules_broken",
        ),
    ]


async def test_every_hostile_message_is_dead_lettered_with_its_reason_and_the_next_passes(
    live: Live,
) -> None:
    market_id = unique_market()
    market = a_market_submission(market_id=market_id).model_dump(mode="json")
    assert (await live.client.post("/v1/markets", json=market, headers=FACILITATOR)).is_success
    poison = corpus(market_id)
    valid = encoded(contract(market_id, "the valid one after"))
    producer = AIOKafkaProducer(
        bootstrap_servers=live.bootstrap, max_request_size=4 * MiB, acks="all"
    )
    await producer.start()
    topics = [live.settings.dead_letter_topic, WORK_CONTRACTS.name]
    try:
        async with TopicReader(live.bootstrap, topics) as reader:
            for name, value, headers, _ in poison:
                key = f"{market_id}:{name}".encode()
                await producer.send_and_wait(
                    live.settings.raw_topic, value, key=key, headers=headers
                )
            tried(ENTRY_POINT, len(poison) + 1)
            await producer.send_and_wait(
                live.settings.raw_topic, valid, key=market_id.encode(), headers=TOKEN
            )
            records = await reader.collect(
                lambda r: r.key is not None and r.key.startswith(market_id.encode()),
                count=len(poison) + 1,
                within=120,
            )
            await reader.drain(quiet_ms=1000)
    finally:
        await producer.stop()

    letters = {
        r.key.decode().split(":", 1)[1]: dict(r.headers)
        for r in reader.seen
        if r.topic == live.settings.dead_letter_topic and r.key.startswith(market_id.encode())
    }
    events = [decode_event(r.value) for r in records if r.topic == WORK_CONTRACTS.name]
    reasons = {
        name: letters.get(name, {}).get("dead-letter-reason", b"").decode() for name, *_ in poison
    }
    assert reasons == {name: reason for name, _, _, reason in poison}
    for found in letters.values():
        detail = json.loads(found["dead-letter-detail"])
        assert detail
        assert all(item["message"].strip() for item in detail)
        assert "authorization" not in found
    assert [type(event) for event in events] == [WorkContractSigned]
    assert all(RAW_BENEFICIARY.encode() not in r.value for r in reader.seen if r.value)
    await assert_still_serving(live)
