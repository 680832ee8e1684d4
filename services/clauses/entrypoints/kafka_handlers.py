"""The Kafka entry point: one batch subscriber on the four event topics.

In exactly-once mode nothing is committed to Kafka: the offsets live in the database, and
on every partition assignment the consumer seeks to them (to the beginning of a partition
never read). In at-least-once mode (for comparison) Kafka's group offsets are committed
after each batch instead.
"""

from collections.abc import Callable, Mapping, Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy

from services.clauses.application.apply_batches import Pipeline, Record
from services.clauses.application.ports import LedgerMetrics
from services.clauses.application.ports import TopicPartition as StoredPartition

ConsumerOf = Callable[[], AIOKafkaConsumer | None]


class SeekToStoredOffsets(ConsumerRebalanceListener):  # type: ignore[misc]
    """On assignment, start each partition where the last committed batch stopped."""

    def __init__(self, pipeline: Pipeline, consumer_of: ConsumerOf) -> None:
        self.pipeline, self.consumer_of = pipeline, consumer_of

    async def on_partitions_revoked(self, revoked: Sequence[TopicPartition]) -> None:
        """Let the batch in flight commit (aiokafka rebalances beside the consumer's task)."""
        async with self.pipeline.paused():
            self.pipeline.fence(((tp.topic, tp.partition) for tp in revoked), fenced=False)

    async def on_partitions_assigned(self, assigned: Sequence[TopicPartition]) -> None:
        """Seek to the offsets stored in the database (once the batch in flight committed)."""
        async with self.pipeline.paused():
            await seek(self.consumer_of(), assigned, self.pipeline.offsets)
            self.pipeline.fence((tp.topic, tp.partition) for tp in assigned)


async def seek(
    consumer: AIOKafkaConsumer | None,
    partitions: Sequence[TopicPartition],
    offsets: Mapping[StoredPartition, int],
) -> None:
    """Move each partition to its stored offset, or to its beginning when there is none."""
    if not isinstance(consumer, AIOKafkaConsumer):
        return  # the in-memory test broker has no consumer to move
    for partition in partitions:
        offset = offsets.get((partition.topic, partition.partition))
        if offset is None:
            await consumer.seek_to_beginning(partition)
        else:
            consumer.seek(partition, offset)


def observe_lag(
    consumer: AIOKafkaConsumer | None,
    offsets: Mapping[StoredPartition, int],
    metrics: LedgerMetrics,
) -> None:
    """Messages in each assigned partition after the last one applied."""
    if not isinstance(consumer, AIOKafkaConsumer):
        return
    for partition in consumer.assignment():
        highwater = consumer.highwater(partition)
        if highwater is not None:
            applied = offsets.get((partition.topic, partition.partition), 0)
            metrics.consumer_lag(partition.topic, partition.partition, highwater - applied)


async def committed_offsets(
    consumer: AIOKafkaConsumer, partitions: Sequence[TopicPartition]
) -> dict[StoredPartition, int]:
    """The group offsets committed to Kafka (at-least-once mode)."""
    found = {(tp.topic, tp.partition): await consumer.committed(tp) for tp in partitions}
    return {tp: offset for tp, offset in found.items() if offset is not None}


def build_router(
    pipeline: Pipeline,
    *,
    topics: Sequence[str],
    group_id: str,
    max_records: int,
    metrics: LedgerMetrics,
) -> KafkaRouter:
    """The subscriber that feeds the pipeline, batch by batch."""
    router = KafkaRouter()
    exactly_once = pipeline.exactly_once
    listener = SeekToStoredOffsets(pipeline, lambda: subscriber.consumer)
    subscriber = router.subscriber(
        *topics,
        group_id=group_id,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=100,
        auto_offset_reset="earliest",
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
        listener=listener if exactly_once else None,
        ack_policy=AckPolicy.MANUAL if exactly_once else AckPolicy.NACK_ON_ERROR,
    )

    async def rewind(offsets: Mapping[StoredPartition, int]) -> None:
        consumer = subscriber.consumer
        if isinstance(consumer, AIOKafkaConsumer):
            assigned = list(consumer.assignment())
            if not exactly_once:
                offsets = await committed_offsets(consumer, assigned)
            await seek(consumer, assigned, offsets)
            pipeline.fence((tp.topic, tp.partition) for tp in assigned)

    pipeline.rewind = rewind

    @subscriber
    async def on_events(message: KafkaMessage) -> None:
        records = [
            Record(r.topic, r.partition, r.offset, r.timestamp, r.value)
            for r in message.raw_message
        ]
        await pipeline.handle(records)
        observe_lag(subscriber.consumer, pipeline.offsets, metrics)

    return router
