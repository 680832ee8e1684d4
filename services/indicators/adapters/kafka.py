"""Kafka beyond the FastStream subscribers: read topics from their first offset with a fresh
consumer (no group, nothing committed), and publish snapshots through a FastStream publisher."""

import time
from collections.abc import Callable, Iterable, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from faststream.kafka import KafkaBroker

from services.indicators.application.live_indicators import LiveIndicators
from services.indicators.application.ports import Record, ReplayStats, SnapshotPublish
from shared.indicators import IndicatorSnapshot


def _consumer(bootstrap_servers: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=16 * 1024 * 1024,
    )


async def _partitions(consumer: AIOKafkaConsumer, topics: Iterable[str]) -> list[TopicPartition]:
    # the public partitions_for_topic() only knows topics already in the client's metadata
    cluster = await consumer._client.fetch_all_metadata()
    found: list[TopicPartition] = []
    for topic in topics:
        partitions = cluster.partitions_for_topic(topic) or set()
        found.extend(TopicPartition(topic, p) for p in sorted(partitions))
    return found


async def end_offsets(bootstrap_servers: str, topics: Sequence[str]) -> dict[tuple[str, int], int]:
    """The offset after the last record of every partition of the topics, now."""
    consumer = _consumer(bootstrap_servers)
    await consumer.start()
    try:
        partitions = await _partitions(consumer, topics)
        ends = await consumer.end_offsets(partitions) if partitions else {}
        return {(tp.topic, tp.partition): offset for tp, offset in ends.items()}
    finally:
        await consumer.stop()


async def replay(
    bootstrap_servers: str,
    handlers: dict[str, Callable[[list[Record]], int]],
    *,
    batch: int = 10_000,
) -> ReplayStats:
    """Apply every record of the topics, from the first offset to the end as of now."""
    started = time.perf_counter()
    consumer = _consumer(bootstrap_servers)
    await consumer.start()
    records = 0
    try:
        partitions = await _partitions(consumer, handlers)
        ends = await consumer.end_offsets(partitions) if partitions else {}
        pending = {tp for tp, end in ends.items() if end > 0}
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        while pending:
            fetched = await consumer.getmany(*pending, timeout_ms=1_000, max_records=batch)
            for tp, batch_records in fetched.items():
                handlers[tp.topic](batch_records)
                records += len(batch_records)
            for tp in list(pending):
                if await consumer.position(tp) >= ends[tp]:
                    pending.discard(tp)
    finally:
        await consumer.stop()
    return ReplayStats(records, time.perf_counter() - started)


async def rebuild(
    live: LiveIndicators, bootstrap_servers: str, *, aggregates_topic: str, markets_topic: str
) -> ReplayStats:
    """Rebuild the live view from scratch from both topics."""
    return await replay(
        bootstrap_servers,
        {aggregates_topic: live.apply_aggregates, markets_topic: live.apply_markets},
    )


def snapshot_sink(broker: KafkaBroker, topic: str, *, title: str | None = None) -> SnapshotPublish:
    """Publish snapshots on the topic through the broker, keyed by the cell's key."""
    publisher = broker.publisher(topic, title=title)

    async def publish(snapshot: IndicatorSnapshot | None, key: str) -> None:
        await publisher.publish(snapshot, key=key.encode())

    return publish
