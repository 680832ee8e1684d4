"""Kafka handlers of ingest: the markets fold, and the raw topic contractors post on."""

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage
from pydantic import ValidationError

from services.ingest.application.markets_view import MarketsView
from services.ingest.application.raw_intake import RawIntake
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


def _readable_headers(record: Any) -> Any:
    """Header values that FastStream can decode: a poison header must not stop the consumer."""
    headers = [
        (name, (value or b"").decode("utf-8", errors="replace").encode())
        for name, value in record.headers
    ]
    return dataclasses.replace(record, headers=headers)


async def safe_batch_parser(
    records: tuple[Any, ...], original: Callable[[tuple[Any, ...]], Awaitable[Any]]
) -> Any:
    """FastStream's batch message, without decoding every record's headers (the intake reads
    the records): FastStream parses the first one, whose headers always decode, and the
    message carries the whole batch (what is committed, or rewound on failure)."""
    batch = tuple(records)  # the test broker passes a list
    message = await original((_readable_headers(batch[0]),))
    message.raw_message = batch
    return message


async def no_decoding(_message: StreamMessage[Any]) -> Any:
    """The intake reads the records itself."""
    return None


def raw_router(
    intake: RawIntake,
    *,
    topic: str,
    group_id: str,
    batch_size: int,
    max_message_bytes: int,
) -> KafkaRouter:
    """Batches of the raw topic; offsets are committed once every record is published or
    dead-lettered (acknowledged), and rewound when the broker fails (at least once)."""
    router = KafkaRouter()

    @router.subscriber(
        topic,
        batch=True,
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        max_records=batch_size,
        max_partition_fetch_bytes=max_message_bytes + 64 * 1024,
        parser=safe_batch_parser,
        decoder=no_decoding,
    )
    async def on_raw(_body: Any, message: KafkaMessage) -> None:
        records = message.raw_message
        try:
            await intake.handle(records if isinstance(records, tuple) else (records,))
        except Exception:  # broker or database down: the batch is read again, after a pause
            log.exception("raw batch not processed: it will be read again")
            await asyncio.sleep(1)
            raise

    return router
