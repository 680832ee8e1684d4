"""The poison list on the real broker: each lands in the dead letters, the next one passes."""

import json
import uuid
from typing import Any

from aiokafka import AIOKafkaProducer

from harness.builders import (
    RAW_BENEFICIARY,
    TEST_PSEUDONYMISATION_KEY,
    a_contract_submission,
    a_market_submission,
)
from services.ingest.domain.pseudonym import Pseudonymiser
from services.ingest.domain.raw_messages import keyed_digest
from shared.events import WorkContractSigned, decode_event
from shared.topics import WORK_CONTRACTS
from tests.component.ingest.conftest import FACILITATOR
from tests.integration.ingest.conftest import Live, TopicReader, unique_market

GOOD_TOKEN = [("authorization", b"Bearer contractor-token")]
pseudonymise = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)


def contract(market_id: str, **changes: Any) -> dict[str, Any]:
    body = a_contract_submission(market_id=market_id, contract_id=f"C-{uuid.uuid4().hex[:12]}")
    return {"type": "work_contract", **body.model_dump(mode="json"), **changes}


async def test_every_poison_message_is_dead_lettered_and_the_consumer_goes_on(live: Live) -> None:
    market_id = unique_market()
    market = a_market_submission(market_id=market_id).model_dump(mode="json")
    assert (await live.client.post("/v1/markets", json=market, headers=FACILITATOR)).is_success
    valid = json.dumps(contract(market_id)).encode()
    five_mb = json.dumps(contract(market_id, notes="x" * (5 * 1024 * 1024))).encode()
    poison: list[tuple[str, bytes, list[tuple[str, bytes]]]] = [
        ("not_json", b"hours: 35", GOOD_TOKEN),
        ("truncated_json", valid[: len(valid) // 2], GOOD_TOKEN),
        (
            "invalid_submission",
            json.dumps(contract(market_id, start_date=[1])).encode(),
            GOOD_TOKEN,
        ),
        (
            "unknown_code",
            json.dumps(contract(market_id, contract_type="cdi_forever")).encode(),
            GOOD_TOKEN,
        ),
        (
            "unknown_schema_version",
            json.dumps(contract(market_id, schema_version=9)).encode(),
            GOOD_TOKEN,
        ),
        ("missing_token", valid, []),
        ("unknown_token", valid, [("authorization", b"Bearer \xff\xfe")]),
        ("too_large", five_mb, GOOD_TOKEN),
    ]
    producer = AIOKafkaProducer(
        bootstrap_servers=live.bootstrap, max_request_size=6 * 1024 * 1024, acks="all"
    )
    await producer.start()
    topics = [live.settings.dead_letter_topic, WORK_CONTRACTS.name]
    try:
        async with TopicReader(live.bootstrap, topics) as reader:
            sent = {}
            for reason, value, headers in poison:
                key = f"{market_id}:{reason}".encode()
                meta = await producer.send_and_wait(
                    live.settings.raw_topic, value, key=key, headers=headers
                )
                # dead letters are keyed by the keyed digest of the refused message's key
                sent[keyed_digest(key, pseudonymise).encode()] = (
                    reason,
                    meta.partition,
                    meta.offset,
                    value,
                )
            await producer.send_and_wait(
                live.settings.raw_topic, valid, key=market_id.encode(), headers=GOOD_TOKEN
            )
            records = await reader.collect(
                lambda r: r.key in sent or r.key == market_id.encode(),
                count=len(poison) + 1,
                within=120,
            )
    finally:
        await producer.stop()

    letters = [r for r in records if r.topic == live.settings.dead_letter_topic]
    events = [decode_event(r.value) for r in records if r.topic == WORK_CONTRACTS.name]
    assert [type(event) for event in events] == [WorkContractSigned]
    assert len(letters) == len(poison)
    for letter in letters:
        found = {name: raw.decode() for name, raw in letter.headers}
        reason, partition, offset, value = sent[letter.key]
        assert found["dead-letter-reason"] == reason
        assert found["source-topic"] == live.settings.raw_topic
        assert (int(found["source-partition"]), int(found["source-offset"])) == (
            partition,
            offset,
        )
        assert "authorization" not in found
        assert RAW_BENEFICIARY.encode() not in letter.value
        shown = json.loads(letter.value)
        assert (shown["reason"], shown["size"]) == (reason, len(value))
        assert shown["digest"] == keyed_digest(value, pseudonymise)
