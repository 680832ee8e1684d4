"""Many records at once: appended straight into record batches, one request per partition.

`AIOKafkaProducer.send()` costs tens of microseconds per record and, with aiokafka's one
request in flight per broker, fills small batches one round trip after the other. Here the
records of a call are appended into `BatchBuilder`s (aiokafka's C record builder), one per
partition (another when it is full), sent with `send_batch`, and the call returns once the
broker acknowledged every batch. The producer stays idempotent with `acks=all`: sequence
numbers are given when the batches are drained, as for `send()`.
"""

import asyncio
import itertools
import random
import struct
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from aiokafka import AIOKafkaProducer

Headers = list[tuple[str, bytes]]  # a list: the C record builder takes nothing else
JSON_HEADERS: Headers = [("content-type", b"application/json")]
# ingest's keys are market ids: few, and each hash is still a few microseconds
_MAX_CACHED_KEYS = 100_000
_SEED, _M = 0x9747B28C, 0x5BD1E995
_MASK = 0xFFFFFFFF


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 hash (org.apache.kafka.common.utils.Utils.murmur2), unsigned; the
    same as aiokafka's pure-Python one (~15 us a key), several times faster."""
    length = len(data)
    words = length // 4
    h = _SEED ^ length
    for k in struct.unpack_from(f"<{words}I", data):
        k = (k * _M) & _MASK
        k ^= k >> 24
        h = ((h * _M) & _MASK) ^ ((k * _M) & _MASK)
    tail = data[words * 4 :]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    return h ^ (h >> 15)


def partition_of(key: bytes | None, all_partitions: Sequence[int], available: Sequence[int]) -> int:
    """aiokafka's DefaultPartitioner: murmur2 of the key, or any partition without a key
    (a key lands where any Kafka client puts it: compaction needs that)."""
    if key is None:
        return random.choice(available or all_partitions)
    return all_partitions[(murmur2(key) & 0x7FFFFFFF) % len(all_partitions)]


class Outgoing(NamedTuple):  # a tuple: one per record sent
    """One record to send."""

    topic: str
    key: bytes | None
    value: bytes
    headers: Headers


class RecordBatches:
    """Sends a list of records in as few batches as fit, and waits for every acknowledgement.

    Records of one key keep their order (same partition, appended in order). The partition
    of a key is the Java client's and aiokafka's default (murmur2), so a market's events land
    where `send()` would put them.
    """

    def __init__(self, make_producer: Callable[[], AIOKafkaProducer]) -> None:
        self._make_producer = make_producer  # aiokafka wants a running loop to create one
        self._started: AIOKafkaProducer | None = None
        self._partitions: dict[tuple[str, int, bytes], int] = {}
        self._spread = itertools.count()
        self._handing_over = asyncio.Lock()

    async def start(self) -> None:
        """Connect the producer."""
        producer = self._make_producer()
        await producer.start()
        self._started = producer

    async def stop(self) -> None:
        """Flush and close the producer."""
        if self._started is not None:
            await self._started.stop()
            self._started = None

    @property
    def _producer(self) -> AIOKafkaProducer:
        if self._started is None:
            raise RuntimeError("the record batches' producer is not started")
        return self._started

    async def send(self, records: Sequence[Outgoing]) -> None:
        """Raises when any record was not acknowledged (the whole call is to be retried)."""
        builders: dict[tuple[str, int], list[Any]] = {}
        known: dict[str, list[int]] = {}
        for record in records:
            if record.topic not in known:
                known[record.topic] = sorted(await self._producer.partitions_for(record.topic))
            partition = self._partition(record.topic, record.key, known[record.topic])
            chain = builders.setdefault((record.topic, partition), [])
            appended = None
            if chain:
                appended = chain[-1].append(
                    timestamp=None, key=record.key, value=record.value, headers=record.headers
                )
            if appended is None:  # the first batch of this partition, or the last one is full
                chain.append(self._producer.create_batch())
                chain[-1].append(
                    timestamp=None, key=record.key, value=record.value, headers=record.headers
                )
        acknowledged: list[asyncio.Future[Any]] = []
        async with self._handing_over:  # concurrent calls reach a partition in call order
            for (topic, partition), chain in builders.items():
                for batch in chain:
                    batch.close()
                    acknowledged.append(
                        await self._producer.send_batch(batch, topic, partition=partition)
                    )
        # wait for every batch, even after a failure: nothing of the call is left in flight
        outcomes = await asyncio.gather(*acknowledged, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    def _partition(self, topic: str, key: bytes | None, partitions: list[int]) -> int:
        if key is None:
            return partitions[next(self._spread) % len(partitions)]
        cached = (topic, len(partitions), key)
        found = self._partitions.get(cached)
        if found is None:
            if len(self._partitions) >= _MAX_CACHED_KEYS:
                self._partitions.clear()
            found = partition_of(key, partitions, partitions)
            self._partitions[cached] = found
        return found
