"""Kafka plumbing: events to their topic keyed by market, dead letters (the caller waits for
every acknowledgement), and the topic configuration ingest depends on."""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from faststream.kafka import KafkaBroker

from services.ingest.domain.raw_messages import DeadLetter
from services.ingest.domain.versions import Encoded
from shared.kafka import ensure_topics, topic_config
from shared.record_batches import JSON_HEADERS, Outgoing, RecordBatches
from shared.topics import ALL_TOPICS, DEAD_LETTER, RAW_SUBMISSIONS, Topic, topic_for


class BrokerPublisher:
    """Sends every event without waiting, then waits for all the acknowledgements at once."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def publish(self, events: Sequence[Encoded]) -> None:
        """Raises when any event was not acknowledged (acks=all, idempotent producer)."""
        pending: list[asyncio.Future[object]] = []
        for encoded in events:
            event = encoded.event
            sent = await self._broker.publish(
                encoded.value,
                topic=topic_for(event).name,
                key=event.key.encode(),
                headers={"content-type": "application/json"},
                no_confirm=True,
            )
            if isinstance(sent, asyncio.Future):
                pending.append(sent)
        if pending:
            await asyncio.gather(*pending)


class BrokerDeadLetters:
    """Dead letters on their topic, acknowledged before the raw offsets are committed."""

    def __init__(self, broker: KafkaBroker, topic: str) -> None:
        self._broker = broker
        self._topic = topic

    async def send(self, letters: Sequence[DeadLetter]) -> None:
        """Raises when any dead letter was not acknowledged."""
        pending: list[asyncio.Future[object]] = []
        for letter in letters:
            sent = await self._broker.publish(
                letter.value,
                topic=self._topic,
                key=letter.key,
                headers=letter.headers,
                no_confirm=True,
            )
            if isinstance(sent, asyncio.Future):
                pending.append(sent)
        if pending:
            await asyncio.gather(*pending)


class BatchPublisher:
    """Events appended into record batches (one per partition), all acknowledged on return."""

    def __init__(self, batches: RecordBatches) -> None:
        self._batches = batches

    async def publish(self, events: Sequence[Encoded]) -> None:
        """Raises when any event was not acknowledged (acks=all, idempotent producer)."""
        await self._batches.send(
            [
                Outgoing(
                    topic_for(encoded.event).name,
                    encoded.event.key.encode(),
                    encoded.value,
                    JSON_HEADERS,
                )
                for encoded in events
            ]
        )


class BatchDeadLetters:
    """Dead letters appended into record batches, acknowledged before the raw offsets move."""

    def __init__(self, batches: RecordBatches, topic: str) -> None:
        self._batches = batches
        self._topic = topic

    async def send(self, letters: Sequence[DeadLetter]) -> None:
        """Raises when any dead letter was not acknowledged."""
        await self._batches.send(
            [
                Outgoing(
                    self._topic,
                    letter.key,
                    letter.value,
                    [(name, value.encode()) for name, value in letter.headers.items()],
                )
                for letter in letters
            ]
        )


async def prepare_topics(
    bootstrap: str,
    *,
    raw_topic: str,
    dead_letter_topic: str,
    max_message_bytes: int,
    raw_retention_ms: int,
    dead_letter_retention_ms: int,
) -> None:
    """Create missing topics; let the raw and dead-letter topics take messages that big, and
    keep them only as long as configured (created so, and corrected on an existing topic).

    Without this the broker refuses a raw message above 1 MiB at produce time; and a
    dead-letter topic created by an earlier version (or another service) kept its records
    forever.
    """
    raw = Topic(raw_topic, RAW_SUBMISSIONS.description, retention_ms=raw_retention_ms)
    dead = Topic(dead_letter_topic, DEAD_LETTER.description, retention_ms=dead_letter_retention_ms)
    others = {topic for topic in ALL_TOPICS if topic.name not in {raw_topic, dead_letter_topic}}
    await ensure_topics(bootstrap, {*others, raw, dead})
    size = str(max_message_bytes)
    configs = {
        raw_topic: {**topic_config(raw), "max.message.bytes": size},
        dead_letter_topic: {**topic_config(dead), "max.message.bytes": size},
    }
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.alter_configs(
            [
                ConfigResource(ConfigResourceType.TOPIC, name, configs=c)
                for name, c in configs.items()
            ]
        )
    finally:
        await admin.close()


async def partitions_of(bootstrap: str, topics: Iterable[str]) -> dict[str, list[int]]:
    """The partitions of each topic (an unknown topic has none)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(list(topics))
    finally:
        await admin.close()
    return {
        item["topic"]: sorted(partition["partition"] for partition in item["partitions"])
        for item in described
    }


def end_offsets_of(
    consumer: AIOKafkaConsumer, topic: str, partitions: Iterable[int]
) -> Callable[[], Awaitable[dict[int, int]]]:
    """How far a topic goes, partition by partition (for the read model's lag)."""
    wanted = [TopicPartition(topic, partition) for partition in partitions]

    async def end_offsets() -> dict[int, int]:
        ends = await consumer.end_offsets(wanted)
        return {tp.partition: offset for tp, offset in ends.items()}

    return end_offsets
