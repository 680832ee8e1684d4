"""Kafka handlers: read both topics from the beginning (no consumer group) into the live view."""

import logging
from typing import Any

from faststream.kafka import KafkaRouter
from faststream.message import StreamMessage
from prometheus_client import CollectorRegistry, Counter

from services.indicators.live import LiveIndicators

log = logging.getLogger(__name__)


async def records_of(message: StreamMessage[Any]) -> list[Any]:
    """Hand the handler the batch's raw records: it decodes each one itself, so one bad
    record is rejected alone and the rest of the batch is applied."""
    return list(message.raw_message)


def make_router(
    live: LiveIndicators,
    *,
    aggregates_topic: str,
    markets_topic: str,
    registry: CollectorRegistry,
    max_records: int = 5_000,
) -> KafkaRouter:
    """Subscribers that apply every aggregate change and market event to the live view.

    Without a group id nothing is committed: each start reads both topics from the first
    offset, which rebuilds the in-memory state from the log.
    """
    applied = Counter(
        "insertion_indicators_applied_records",
        "Records applied to the indicators state, by topic",
        ["topic"],
        registry=registry,
    )
    rejected = Counter(
        "insertion_indicators_rejected_records",
        "Records skipped: not a valid message of their topic, or of a year not published",
        ["topic"],
        registry=registry,
    )
    router = KafkaRouter()

    @router.subscriber(
        aggregates_topic,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=50,
        auto_offset_reset="earliest",
        decoder=records_of,
    )
    async def on_aggregate_changes(records: list[Any]) -> None:
        failed = live.apply_aggregates(records)
        _count(aggregates_topic, len(records), failed)

    @router.subscriber(
        markets_topic,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=50,
        auto_offset_reset="earliest",
        decoder=records_of,
    )
    async def on_markets(records: list[Any]) -> None:
        failed = live.apply_markets(records)
        _count(markets_topic, len(records), failed)

    def _count(topic: str, received: int, failed: int) -> None:
        applied.labels(topic).inc(received - failed)
        if failed:
            rejected.labels(topic).inc(failed)
            log.warning("%s: %d record(s) rejected, latest: %s", topic, failed, live.rejected[-1])

    return router
