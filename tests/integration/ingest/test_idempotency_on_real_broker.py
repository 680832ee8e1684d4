"""Case 8 of issue 14 on the real broker and PostgreSQL: a late retry never reverts a correction."""

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer

from harness.builders import a_contract_submission, a_market_submission, an_hours_submission
from services.ingest.domain.idempotency import KEY_LIFETIME, Fresh, Replay, Reused
from services.ingest.domain.raw_messages import keyed_digest
from shared.events import MonthlyHoursReported, decode_event
from shared.topics import MONTHLY_HOURS
from tests.component.ingest.conftest import CONTRACTOR, FACILITATOR
from tests.integration.ingest.conftest import Live, TopicReader, keyed, unique_market


async def a_market_with_a_contract(live: Live) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A fresh market and contract; the first report of a month, and its correction."""
    market_id = unique_market()
    contract_id = f"C-{market_id}"
    market = a_market_submission(market_id=market_id).model_dump(mode="json")
    contract = a_contract_submission(market_id=market_id, contract_id=contract_id)
    for path, body in (
        ("/v1/markets", market),
        ("/v1/work-contracts", contract.model_dump(mode="json")),
    ):
        assert (await live.client.post(path, json=body, headers=FACILITATOR)).status_code == 202
    first = an_hours_submission(market_id=market_id).model_dump(mode="json")
    first["lines"][0]["contract_id"] = contract_id
    corrected = json.loads(json.dumps(first))
    corrected["lines"][0]["insertion_hours"] = "120.00"
    return market_id, first, corrected


def key_header(key: str, headers: dict[str, str] = FACILITATOR) -> dict[str, str]:
    return {**headers, "Idempotency-Key": f'"{key}"'}


def reports(records: list[Any]) -> list[int]:
    return [
        event.version
        for event in (decode_event(r.value) for r in records if r.topic == MONTHLY_HOURS.name)
        if isinstance(event, MonthlyHoursReported)
    ]


async def test_send_correct_then_retry_the_first_with_its_key_replays_and_version_2_stays(
    live: Live,
) -> None:
    market_id, first, corrected = await a_market_with_a_contract(live)
    key, other = str(uuid.uuid4()), str(uuid.uuid4())

    async with TopicReader(live.bootstrap, [MONTHLY_HOURS.name]) as reader:
        sent = await live.client.post("/v1/monthly-hours", json=first, headers=key_header(key))
        fixed = await live.client.post(
            "/v1/monthly-hours", json=corrected, headers=key_header(other)
        )
        retried = await live.client.post("/v1/monthly-hours", json=first, headers=key_header(key))
        reused = await live.client.post(
            "/v1/monthly-hours", json=corrected, headers=key_header(key)
        )
        records = await reader.drain()

    assert [a.status_code for a in (sent, fixed, retried, reused)] == [202, 202, 202, 422]
    assert retried.json() == sent.json()
    assert retried.headers["idempotent-replayed"] == "true"
    assert fixed.json()["events"][0]["version"] == 2
    assert reports([r for r in records if keyed(market_id)(r)]) == [1, 2]


async def test_two_simultaneous_posts_with_one_key_publish_one_event(live: Live) -> None:
    market_id, first, _ = await a_market_with_a_contract(live)
    key = str(uuid.uuid4())

    async with TopicReader(live.bootstrap, [MONTHLY_HOURS.name]) as reader:
        answers = await asyncio.gather(
            *(
                live.client.post("/v1/monthly-hours", json=first, headers=key_header(key))
                for _ in range(4)
            )
        )
        records = await reader.drain()

    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(202) >= 1
    assert set(statuses) <= {202, 409}
    assert (
        sum(1 for a in answers if a.status_code == 202 and "idempotent-replayed" not in a.headers)
        == 1
    )
    assert reports([r for r in records if keyed(market_id)(r)]) == [1]


async def test_a_stale_if_match_is_refused_with_409_and_the_current_version(live: Live) -> None:
    market_id, first, corrected = await a_market_with_a_contract(live)
    late = json.loads(json.dumps(first))
    late["lines"][0]["insertion_hours"] = "60.00"

    async with TopicReader(live.bootstrap, [MONTHLY_HOURS.name]) as reader:
        sent = await live.client.post("/v1/monthly-hours", json=first, headers=FACILITATOR)
        stated = {**FACILITATOR, "If-Match": sent.headers["etag"]}
        fixed = await live.client.post("/v1/monthly-hours", json=corrected, headers=stated)
        stale = await live.client.post("/v1/monthly-hours", json=late, headers=stated)
        records = await reader.drain()

    assert (sent.status_code, fixed.status_code, stale.status_code) == (202, 202, 409)
    assert stale.json()["errors"][0]["current_version"] == 2
    assert reports([r for r in records if keyed(market_id)(r)]) == [1, 2]


async def test_a_raw_retry_with_its_key_is_skipped_after_a_correction(live: Live) -> None:
    market_id, first, corrected = await a_market_with_a_contract(live)
    key = str(uuid.uuid4()).encode()
    headers = [("authorization", b"Bearer contractor-token"), ("idempotency-key", key)]
    raw_first = json.dumps({"type": "monthly_hours", **first}).encode()
    raw_other = json.dumps({"type": "monthly_hours", **corrected}).encode()
    producer = AIOKafkaProducer(bootstrap_servers=live.bootstrap, acks="all")
    await producer.start()
    topics = [MONTHLY_HOURS.name, live.settings.dead_letter_topic]
    try:
        async with TopicReader(live.bootstrap, topics) as reader:
            await producer.send_and_wait(
                live.settings.raw_topic, raw_first, key=market_id.encode(), headers=headers
            )
            await reader.collect(keyed(market_id), count=1)
            fixed = await live.client.post("/v1/monthly-hours", json=corrected, headers=CONTRACTOR)
            for value in (raw_first, raw_other):
                await producer.send_and_wait(
                    live.settings.raw_topic, value, key=market_id.encode(), headers=headers
                )
            # dead letters are keyed by the keyed digest of the refused message's key
            digest = keyed_digest(market_id.encode(), live.service.pseudonymise).encode()
            [letter] = await reader.collect(
                lambda r: r.topic == live.settings.dead_letter_topic and r.key == digest,
                count=1,
            )
            await reader.drain()
    finally:
        await producer.stop()

    assert fixed.status_code == 202
    assert dict(letter.headers)["dead-letter-reason"] == b"idempotency_key_reused"
    assert reports([r for r in reader.seen if keyed(market_id)(r)]) == [1, 2]


def test_a_key_is_kept_48_hours_then_forgotten_in_postgresql(live: Live) -> None:
    keys = live.service.keys
    assert keys is not None
    sender, key = f"test-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    now = datetime.now(UTC)
    assert keys.claim(sender, key, "print", now) == Fresh()
    keys.complete(sender, key, 202, '{"body": {}, "headers": {}}', now)

    within = keys.claim(sender, key, "print", now + KEY_LIFETIME - timedelta(minutes=1))
    other = keys.claim(sender, key, "other", now + timedelta(hours=1))
    after = keys.claim(sender, key, "other", now + KEY_LIFETIME + timedelta(minutes=1))

    assert timedelta(hours=48) == KEY_LIFETIME
    assert within == Replay(202, '{"body": {}, "headers": {}}')
    assert other == Reused()
    assert after == Fresh()
