"""The dead-letter topic keeps its records for a bounded time: created so, and corrected at
start on a topic an earlier version (or another service) created to keep them forever."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from harness.builders import TEST_PSEUDONYMISATION_KEY
from services.ingest.adapters.kafka import prepare_topics
from services.ingest.settings import IngestSettings
from shared.kafka import ensure_topics
from shared.topics import DEAD_LETTER, Topic

DAY_MS = 24 * 3600 * 1000


async def configs_of(bootstrap: str, topic: str) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    [(_, _, _, _, entries)] = response.resources
    return {name: value for name, value, *_ in entries}


async def settled_configs(bootstrap: str, topic: str, expected: dict[str, str]) -> dict[str, str]:
    """The topic's configuration once it shows what is expected (a change takes a moment to
    reach what the broker describes), or as it is after 15 s."""
    for _ in range(60):
        found = await configs_of(bootstrap, topic)
        if {name: found.get(name) for name in expected} == expected:
            break
        await asyncio.sleep(0.25)
    return {name: found.get(name, "") for name in expected}


@pytest.fixture
async def names(kafka_bootstrap: str) -> AsyncIterator[tuple[str, str]]:
    suffix = uuid.uuid4().hex[:10]
    raw, dead = f"retention-raw-{suffix}", f"retention-dead-letter-{suffix}"
    yield raw, dead
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.delete_topics([raw, dead])
    finally:
        await admin.close()


async def prepare(bootstrap: str, raw: str, dead: str, dead_letter_retention_ms: int) -> None:
    await prepare_topics(
        bootstrap,
        raw_topic=raw,
        dead_letter_topic=dead,
        max_message_bytes=8 * 1024 * 1024,
        raw_retention_ms=7 * DAY_MS,
        dead_letter_retention_ms=dead_letter_retention_ms,
    )


def test_dead_letters_are_kept_thirty_days_by_default_and_never_forever() -> None:
    settings = IngestSettings(pseudonymisation_key=TEST_PSEUDONYMISATION_KEY)

    assert settings.dead_letter_retention_ms == DEAD_LETTER.retention_ms == 30 * DAY_MS
    with pytest.raises(ValueError, match="greater than 0"):
        IngestSettings(
            pseudonymisation_key=TEST_PSEUDONYMISATION_KEY,
            dead_letter_retention_ms=-1,
        )


async def test_a_dead_letter_topic_is_created_with_its_bounded_retention(
    kafka_bootstrap: str, names: tuple[str, str]
) -> None:
    _, dead = names

    await ensure_topics(kafka_bootstrap, [Topic(dead, "test", retention_ms=30 * DAY_MS)])

    expected = {"retention.ms": str(30 * DAY_MS)}
    assert await settled_configs(kafka_bootstrap, dead, expected) == expected


async def test_ingest_creates_its_dead_letter_topic_with_the_configured_retention(
    kafka_bootstrap: str, names: tuple[str, str]
) -> None:
    raw, dead = names

    await prepare(kafka_bootstrap, raw, dead, 12 * DAY_MS)

    expected = {
        "retention.ms": str(12 * DAY_MS),
        "cleanup.policy": "delete",
        "max.message.bytes": str(8 * 1024 * 1024),
    }
    assert await settled_configs(kafka_bootstrap, dead, expected) == expected
    raw_expected = {"retention.ms": str(7 * DAY_MS)}
    assert await settled_configs(kafka_bootstrap, raw, raw_expected) == raw_expected


async def test_ingest_corrects_at_start_a_dead_letter_topic_that_kept_records_forever(
    kafka_bootstrap: str, names: tuple[str, str]
) -> None:
    raw, dead = names
    await ensure_topics(kafka_bootstrap, [Topic(dead, "as an earlier version created it")])
    forever = {"retention.ms": "-1"}
    assert await settled_configs(kafka_bootstrap, dead, forever) == forever

    await prepare(kafka_bootstrap, raw, dead, 30 * DAY_MS)

    expected = {"retention.ms": str(30 * DAY_MS)}
    assert await settled_configs(kafka_bootstrap, dead, expected) == expected
