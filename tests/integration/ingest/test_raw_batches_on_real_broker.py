"""Raw batches on the real broker: offsets move only once every event and dead letter of the
batch is acknowledged; a publish that fails half-way leaves them where they were."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from harness.builders import (
    TEST_PSEUDONYMISATION_KEY,
    TOKENS,
    a_contract_submission,
    a_market_submission,
)
from services.ingest.bootstrap import IngestService, build_service, running
from services.ingest.domain.raw_messages import keyed_digest
from services.ingest.settings import IngestSettings
from shared.events import WorkContractSigned, decode_event
from shared.kafka import ensure_topics
from shared.record_batches import Outgoing, RecordBatches
from shared.topics import WORK_CONTRACTS, Topic
from tests.integration.ingest.conftest import TopicReader, unique_market

FACILITATOR = [("authorization", b"Bearer facilitator-token")]
Send = Callable[[Sequence[Outgoing]], Awaitable[None]]


@asynccontextmanager
async def own_ingest(bootstrap: str, database_url: str) -> AsyncIterator[IngestService]:
    """An ingest with its own raw and dead-letter topics and consumer group."""
    suffix = uuid.uuid4().hex[:10]
    settings = IngestSettings.model_validate(
        {
            "pseudonymisation_key": TEST_PSEUDONYMISATION_KEY,
            "kafka_bootstrap_servers": bootstrap,
            "database_url": database_url,
            "tokens": json.dumps(TOKENS),
            "raw_topic": f"insertion.raw-submissions.v1.batches-{suffix}",
            "dead_letter_topic": f"insertion.dead-letter.v1.batches-{suffix}",
            "raw_group_id": f"ingest-raw-batches-{suffix}",
        }
    )
    service = build_service(settings)
    async with running(service):
        yield service


def raw_batch(market_id: str, contracts: int) -> list[bytes]:
    """A market, its contracts, and poison in between (one batch, in this order)."""
    market = {"type": "market", **a_market_submission(market_id=market_id).model_dump(mode="json")}
    values = [json.dumps(market).encode()]
    for n in range(contracts):
        body = a_contract_submission(market_id=market_id, contract_id=f"C-{market_id}-{n}")
        values.append(
            json.dumps({"type": "work_contract", **body.model_dump(mode="json")}).encode()
        )
        if n % 10 == 0:
            values.append(b"not json")
    return values


async def produce_in_one_request(bootstrap: str, topic: str, key: str, values: list[bytes]) -> int:
    """Sends the values to partition 0 in one record batch; the offset after the last."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=200, max_batch_size=1024 * 1024
    )
    await producer.start()
    try:
        futures = [
            await producer.send(topic, value, key=key.encode(), partition=0, headers=FACILITATOR)
            for value in values
        ]
        last = await futures[-1]
        await producer.flush()
        return int(last.offset) + 1
    finally:
        await producer.stop()


async def committed(bootstrap: str, group: str, topic: str) -> int | None:
    """The group's committed offset on partition 0 of the topic, if any."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    found = offsets.get(TopicPartition(topic, 0))
    return None if found is None or found.offset < 0 else int(found.offset)


def watch_sends(service: IngestService, around: Callable[[Send, Sequence[Outgoing]], Any]) -> None:
    """Every send of events and dead letters goes through `around(real_send, records)`."""
    batches = service.record_batches
    assert isinstance(batches, RecordBatches)
    real: Send = batches.send

    async def send(records: Sequence[Outgoing]) -> None:
        await around(real, records)

    batches.send = send  # type: ignore[method-assign]


async def test_a_batch_with_poison_commits_its_offsets_only_after_every_acknowledgement(
    kafka_bootstrap: str, postgres_url: str
) -> None:
    market_id, contracts = unique_market(), 40
    async with own_ingest(kafka_bootstrap, postgres_url) as service:
        settings = service.settings
        committed_at_acks: list[int | None] = []

        async def observe(real: Send, records: Sequence[Outgoing]) -> None:
            await real(records)
            committed_at_acks.append(
                await committed(kafka_bootstrap, settings.raw_group_id, settings.raw_topic)
            )

        watch_sends(service, observe)
        topics = [settings.dead_letter_topic, WORK_CONTRACTS.name]
        async with TopicReader(kafka_bootstrap, topics) as reader:
            end = await produce_in_one_request(
                kafka_bootstrap, settings.raw_topic, market_id, raw_batch(market_id, contracts)
            )
            # a dead letter is keyed by the keyed digest of the refused message's key
            letter_key = keyed_digest(market_id.encode(), service.pseudonymise).encode()
            records = await reader.collect(
                lambda r: r.key in {market_id.encode(), letter_key}, count=contracts + 4, within=90
            )
            letters = [r for r in records if r.topic == settings.dead_letter_topic]
            assert len(letters) == 4
            for _ in range(60):
                if await committed(kafka_bootstrap, settings.raw_group_id, settings.raw_topic):
                    break
                await asyncio.sleep(0.5)

        final = await committed(kafka_bootstrap, settings.raw_group_id, settings.raw_topic)

    assert committed_at_acks
    assert all(offset is None for offset in committed_at_acks)
    assert final == end


async def test_a_publish_failing_half_way_leaves_the_offsets_and_the_retry_keeps_the_versions(
    kafka_bootstrap: str, postgres_url: str
) -> None:
    market_id, contracts = unique_market(), 30
    async with own_ingest(kafka_bootstrap, postgres_url) as service:
        settings = service.settings
        failures: list[int | None] = []

        async def fail_once_half_way(real: Send, records: Sequence[Outgoing]) -> None:
            if failures or not any(r.topic == WORK_CONTRACTS.name for r in records):
                await real(records)
                return
            await real(records[: len(records) // 2])
            failures.append(
                await committed(kafka_bootstrap, settings.raw_group_id, settings.raw_topic)
            )
            raise ConnectionError("the broker went away")

        watch_sends(service, fail_once_half_way)
        async with TopicReader(kafka_bootstrap, [WORK_CONTRACTS.name]) as reader:
            end = await produce_in_one_request(
                kafka_bootstrap, settings.raw_topic, market_id, raw_batch(market_id, contracts)
            )
            records = await reader.collect(
                lambda r: r.key == market_id.encode(), count=contracts // 2 + contracts, within=90
            )
            for _ in range(60):
                if await committed(kafka_bootstrap, settings.raw_group_id, settings.raw_topic):
                    break
                await asyncio.sleep(0.5)
        final = await committed(kafka_bootstrap, settings.raw_group_id, settings.raw_topic)

    events = [
        e
        for e in map(decode_event, (r.value for r in records))
        if isinstance(e, WorkContractSigned)
    ]
    assert failures == [None]  # nothing was committed when the publish failed
    assert final == end
    assert len(events) == len(records)
    first_try, retry = events[: contracts // 2], events[contracts // 2 :]
    by_contract = {event.contract_id: event for event in retry}
    assert len(by_contract) == contracts
    for event in first_try:  # the same event, same version, same id: downstream dedupes
        assert by_contract[event.contract_id] == event
    assert {event.version for event in retry} == {1}


async def test_record_batches_keep_each_keys_order_on_the_default_partition(
    kafka_bootstrap: str,
) -> None:
    topic = f"insertion.test.record-batches-{uuid.uuid4().hex[:10]}"
    keys = [f"K-{uuid.uuid4().hex[:8]}".encode() for _ in range(3)]
    big = b"x" * 20_000  # 300 records of 20 kB: several record batches per partition
    records = [
        Outgoing(topic, keys[n % 3], b"%d:" % n + big, [("n", str(n).encode())]) for n in range(300)
    ]
    await ensure_topics(kafka_bootstrap, [Topic(topic, "record batches test")])
    reference = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    batches = RecordBatches(
        lambda: AIOKafkaProducer(
            bootstrap_servers=kafka_bootstrap,
            acks="all",
            enable_idempotence=True,
            max_batch_size=256 * 1024,
        )
    )
    await reference.start()
    await batches.start()
    try:
        expected = {
            key: (await reference.send_and_wait(topic, b"ref", key=key)).partition for key in keys
        }
        async with TopicReader(kafka_bootstrap, [topic]) as reader:
            await batches.send(records)
            read = await reader.collect(lambda r: r.value != b"ref", count=300, within=60)
    finally:
        await batches.stop()
        await reference.stop()

    for key in keys:
        mine = [r for r in read if r.key == key]
        numbers = [int(r.value.split(b":")[0]) for r in mine]
        assert numbers == sorted(numbers)
        assert len(numbers) == 100
        assert {r.partition for r in mine} == {expected[key]}
        assert all(
            dict(r.headers)["n"] == str(n).encode() for r, n in zip(mine, numbers, strict=True)
        )
