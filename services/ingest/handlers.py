"""Kafka handlers of ingest: the markets fold (and the raw-topic entry, see raw_handler)."""

import logging
from typing import Any

from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage
from pydantic import ValidationError

from services.ingest.markets_view import MarketsView
from shared.events import MarketNotified, decode_event

log = logging.getLogger(__name__)


async def raw_body(message: StreamMessage[Any]) -> Any:
    """Keep the bytes: the handler decodes (and survives) whatever is on the topic."""
    return message.body


def markets_router(view: MarketsView, topic: str) -> KafkaRouter:
    """Folds the whole markets topic (no consumer group: every instance reads it all)."""
    router = KafkaRouter()

    @router.subscriber(topic, auto_offset_reset="earliest", decoder=raw_body)
    async def on_market(body: bytes, message: KafkaMessage) -> None:
        record: Any = message.raw_message
        try:
            event = decode_event(body)
        except ValidationError:
            log.warning(
                "markets topic: message %s:%s is not an event", record.partition, record.offset
            )
        else:
            if isinstance(event, MarketNotified):
                view.apply(event)
        view.consumed(record.partition, record.offset)

    return router
