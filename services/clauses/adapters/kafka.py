"""Publishing the outbox on the compacted topic: through record batches of its own (the
running service), or through the broker's FastStream publisher (where there is no real
broker, as under `TestKafkaBroker`).

A batch publishes about two aggregate changes per event; through FastStream's publisher
(command object, middlewares, codec) each message cost ~150 µs, more than applying the
event. The running service therefore appends them into record batches
(`shared.record_batches`: one chain per partition, the partition any Kafka client would
choose for the key), sent by its own idempotent acks=all producer, and waits for every
acknowledgement.
"""

import asyncio
import inspect
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker

from services.clauses.application.ports import Publish, Published
from shared.record_batches import JSON_HEADERS, Outgoing, RecordBatches, partition_of

JSON = {"content-type": "application/json"}


def outbox_batches(bootstrap_servers: str) -> RecordBatches:
    """The record batches of the aggregate changes (as idempotent and durable as the broker's
    producer)."""
    return RecordBatches(
        lambda: AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers,
            client_id="clauses-outbox",
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            max_batch_size=256 * 1024,  # per partition and request; under max_request_size
            partitioner=partition_of,
        )
    )


def direct_publisher(batches: RecordBatches, topic: str) -> Publish:
    """Send the outbox rows keyed by aggregate key and wait for every acknowledgement."""

    async def publish(rows: Sequence[Published]) -> None:
        await batches.send(
            [Outgoing(topic, key.encode(), payload.encode(), JSON_HEADERS) for key, payload in rows]
        )

    return publish


def publisher_of(broker: KafkaBroker, topic: str) -> Publish:
    """Publish outbox rows keyed by aggregate key, then wait for every acknowledgement."""
    publisher = broker.publisher(topic)

    async def publish(rows: Sequence[Published]) -> None:
        sent = [
            await publisher.publish(
                payload.encode(), key=key.encode(), headers=JSON, no_confirm=True
            )
            for key, payload in rows
        ]
        await asyncio.gather(*(future for future in sent if inspect.isawaitable(future)))

    return publish
