"""Every topic of shared/topics.py exists on the broker with its retention policy."""

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.kafka import ensure_topics
from shared.topics import ALL_TOPICS, CLAUSE_AGGREGATES, MONTHLY_HOURS


async def cleanup_policy(bootstrap: str, topic: str) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    [(_, _, _, _, entries)] = response.resources
    return {name: value for name, value, *_ in entries}


async def test_ensure_topics_creates_every_topic_and_can_run_twice(kafka_bootstrap: str) -> None:
    await ensure_topics(kafka_bootstrap)
    await ensure_topics(kafka_bootstrap)

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    existing = set(await admin.list_topics())
    await admin.close()
    assert {topic.name for topic in ALL_TOPICS} <= existing


async def test_aggregates_are_compacted_and_events_are_kept_forever(kafka_bootstrap: str) -> None:
    await ensure_topics(kafka_bootstrap)

    aggregates = await cleanup_policy(kafka_bootstrap, CLAUSE_AGGREGATES.name)
    hours = await cleanup_policy(kafka_bootstrap, MONTHLY_HOURS.name)

    assert aggregates["cleanup.policy"] == "compact"
    assert hours["cleanup.policy"] == "delete"
    assert hours["retention.ms"] == "-1"
    assert hours["retention.bytes"] == "-1"
