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
) -> None:
    """Create missing topics; let the raw and dead-letter topics take messages that big.

    Without this the broker refuses a raw message above 1 MiB at produce time, and the
    dead letter of an oversized submission could not carry its original bytes.
    """
    raw = Topic(raw_topic, RAW_SUBMISSIONS.description)
    dead = Topic(dead_letter_topic, DEAD_LETTER.description)
    await ensure_topics(bootstrap, {*ALL_TOPICS, raw, dead})
    size = str(max_message_bytes)
    configs = {
        raw_topic: {
            **topic_config(raw),
            "max.message.bytes": size,
            "retention.ms": str(raw_retention_ms),
        },
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
