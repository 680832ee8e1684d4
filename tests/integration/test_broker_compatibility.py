"""aiokafka 0.14 really works with the pinned broker (Kafka 4 removed old protocol versions)."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic


async def read(consumer: AIOKafkaConsumer, expected: int) -> list[str]:
    """Values read until `expected` arrived, then a short settle to catch extras."""
    values: list[str] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while len(values) < expected and loop.time() < deadline:
        for batch in (await consumer.getmany(timeout_ms=500)).values():
            values.extend(record.value.decode() for record in batch)
    for batch in (await consumer.getmany(timeout_ms=1000)).values():
        values.extend(record.value.decode() for record in batch)
    return sorted(values)


@pytest.fixture
async def topic(kafka_bootstrap: str) -> AsyncIterator[str]:
    """A fresh three-partition topic, deleted afterwards."""
    name = f"compat-{uuid.uuid4().hex[:10]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(name, num_partitions=3, replication_factor=1)])
    yield name
    await admin.delete_topics([name])
    await admin.close()


def a_consumer(bootstrap: str, topic: str, **options: object) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **options,
    )


async def test_a_group_consumer_resumes_after_the_offsets_it_committed(
    kafka_bootstrap: str, topic: str
) -> None:
    group = f"compat-{uuid.uuid4().hex}"
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    first = a_consumer(kafka_bootstrap, topic, group_id=group)

    for i in range(6):
        await producer.send_and_wait(topic, f"a{i}".encode(), key=str(i).encode())
    await first.start()
    first_read = await read(first, 6)
    await first.commit()
    await first.stop()
    for i in range(4):
        await producer.send_and_wait(topic, f"b{i}".encode(), key=str(i).encode())
    second = a_consumer(kafka_bootstrap, topic, group_id=group)
    await second.start()
    second_read = await read(second, 4)
    await second.stop()
    await producer.stop()

    assert first_read == [f"a{i}" for i in range(6)]
    assert second_read == [f"b{i}" for i in range(4)]


async def test_a_read_committed_consumer_sees_committed_transactions_only(
    kafka_bootstrap: str, topic: str
) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap, transactional_id=f"compat-{uuid.uuid4().hex}"
    )
    await producer.start()
    consumer = a_consumer(kafka_bootstrap, topic, isolation_level="read_committed")

    async with producer.transaction():
        for i in range(3):
            await producer.send(topic, f"kept{i}".encode())
    await producer.begin_transaction()
    await producer.send(topic, b"aborted")
    await producer.abort_transaction()
    await producer.stop()
    await consumer.start()
    seen = await read(consumer, 3)
    await consumer.stop()

    assert seen == ["kept0", "kept1", "kept2"]
