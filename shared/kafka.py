"""Broker and topic factories; nothing connects until a caller asks."""

import contextlib
from collections.abc import Iterable, Sequence
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream.kafka import KafkaBroker

from shared.topics import ALL_TOPICS, Topic


def make_broker(
    bootstrap_servers: str,
    *,
    client_id: str,
    middlewares: Sequence[Any] = (),
    max_request_size: int = 1024 * 1024,
) -> KafkaBroker:
    """A broker whose producer is idempotent and waits for every in-sync replica.

    `max_request_size` bounds what the producer sends in one request (aiokafka's default,
    1 MiB); raise it only with the topic's `max.message.bytes`.
    """
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        middlewares=tuple(middlewares),
        max_request_size=max_request_size,
    )


def topic_config(topic: Topic) -> dict[str, str]:
    """Broker-side configuration of a topic: event logs are kept forever (they are the truth),
    others as long as their topic says."""
    if topic.compacted:
        return {"cleanup.policy": "compact", "min.cleanable.dirty.ratio": "0.1"}
    return {
        "cleanup.policy": "delete",
        "retention.ms": str(topic.retention_ms),
        "retention.bytes": "-1",
    }


async def ensure_topics(bootstrap_servers: str, topics: Iterable[Topic] = ALL_TOPICS) -> None:
    """Create the topics that do not exist yet (replication factor 1 on a one-node cluster)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(
                name=topic.name,
                num_partitions=topic.partitions,
                replication_factor=1,
                topic_configs=topic_config(topic),
            )
            for topic in topics
            if topic.name not in existing
        ]
        if missing:
            # another service may create them first: that is the goal too
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        await admin.close()
