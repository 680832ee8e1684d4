"""Topic configuration ingest depends on: big raw submissions must reach the dead letters."""

from collections.abc import Awaitable, Callable, Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.kafka import ensure_topics, topic_config
from shared.topics import ALL_TOPICS, DEAD_LETTER, RAW_SUBMISSIONS, Topic


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
