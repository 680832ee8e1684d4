"""What the use cases need from the outside, as Protocols the adapters implement."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.indicators import IndicatorSnapshot

Clock = Callable[[], datetime]
"""The current time (UTC)."""

SnapshotPublish = Callable[[IndicatorSnapshot | None, str], Awaitable[None]]
"""Publish a snapshot (None: a tombstone) under a key."""


class Record(Protocol):
    """What the service reads of a Kafka record (aiokafka's ConsumerRecord has it)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


class RecordCounts(Protocol):
    """Counts the records of each topic applied to the state and those rejected."""

    def count(self, topic: str, *, applied: int, rejected: int) -> None:
        """Add one batch's applied and rejected records."""


@dataclass(frozen=True, slots=True)
class ReplayStats:
    """What a replay of the log read and how long it took."""

    records: int
    seconds: float
