"""Kafka handlers: read both topics from the beginning (no consumer group) into the live view."""

import logging
from collections.abc import Callable, Iterable
from typing import Any

from faststream.kafka import KafkaRouter
from faststream.message import StreamMessage

from services.indicators.application.live_indicators import LiveIndicators
from services.indicators.application.ports import Record, RecordCounts

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
    counts: RecordCounts,
    max_records: int = 5_000,
) -> KafkaRouter:
    """Subscribers that apply every aggregate change and market event to the live view.

    Without a group id nothing is committed: each start reads both topics from the first
    offset, which rebuilds the in-memory state from the log.
    """
    router = KafkaRouter()

    def subscriber(topic: str) -> Callable[[Callable[..., Any]], Any]:
        return router.subscriber(
            topic,
            batch=True,
            max_records=max_records,
            batch_timeout_ms=50,
            auto_offset_reset="earliest",
            decoder=records_of,
        )

    def apply(topic: str, fold: Callable[[Iterable[Record]], int], records: list[Any]) -> None:
        failed = fold(records)
        counts.count(topic, applied=len(records) - failed, rejected=failed)
        if failed:
            log.warning("%s: %d record(s) rejected, latest: %s", topic, failed, live.rejected[-1])

    @subscriber(aggregates_topic)
    async def on_aggregate_changes(records: list[Any]) -> None:
        apply(aggregates_topic, live.apply_aggregates, records)

    @subscriber(markets_topic)
    async def on_markets(records: list[Any]) -> None:
        apply(markets_topic, live.apply_markets, records)

    return router
