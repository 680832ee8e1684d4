"""Topic configuration ingest depends on: big raw submissions must reach the dead letters."""

from collections.abc import Awaitable, Callable

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


def end_offsets_of(
    consumer: AIOKafkaConsumer, topic: str
) -> Callable[[], Awaitable[dict[int, int]]]:
    """How far a topic goes, partition by partition (for the read model's lag)."""

    async def end_offsets() -> dict[int, int]:
        partitions = consumer.partitions_for_topic(topic)
        if partitions is None:
            await consumer.topics()  # fetches the metadata the consumer lacks
            partitions = consumer.partitions_for_topic(topic) or set()
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in partitions])
        return {tp.partition: offset for tp, offset in ends.items()}

    return end_offsets
