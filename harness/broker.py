"""Real-broker helpers for the ledger's integration, crash and bench runs."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.aggregates import AggregateChanged
from shared.events import Event
from shared.topics import topic_for

PARTITIONS = 3  # shared.topics: every topic has three partitions


async def produce(
    bootstrap: str, events: Iterable[Event], *, prefix: str, chunk: int = 5000
) -> int:
    """Publish events on their (prefixed) topics keyed by market, as ingest does."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=10
    )
    await producer.start()
    sent = 0
    try:
        pending = []
        for event in events:
            topic = prefix + topic_for(event).name
            value = event.model_dump_json().encode()
            pending.append(await producer.send(topic, value, key=event.key.encode()))
            if len(pending) >= chunk:
                sent += len(await asyncio.gather(*pending))
                pending = []
        sent += len(await asyncio.gather(*pending))
    finally:
        await producer.stop()
    return sent


async def end_offsets(bootstrap: str, topics: Sequence[str]) -> dict[tuple[str, int], int]:
    """The end offset of every non-empty partition of the topics."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in range(PARTITIONS)]
        ends = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    return {(tp.topic, tp.partition): end for tp, end in ends.items() if end}


async def latest_by_key(bootstrap: str, topic: str) -> dict[str, AggregateChanged]:
    """The last message of every key on a (compacted) topic, read from its beginning."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    latest: dict[str, AggregateChanged] = {}
    try:
        partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        await consumer.seek_to_beginning(*partitions)
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    message = AggregateChanged.model_validate_json(record.value)
                    latest[message.key] = message
    finally:
        await consumer.stop()
    return latest


async def wait_until(
    condition: Callable[[], Awaitable[bool]], *, seconds: float, what: str
) -> None:
    """Poll until the condition holds, or fail saying what was awaited."""
    deadline = time.monotonic() + seconds
    while not await condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {seconds} s waiting for {what}")
        await asyncio.sleep(0.5)
