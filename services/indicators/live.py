"""The live view: the state the handlers update, and the indicators computed from it on read."""

from collections import deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Protocol

from services.indicators.codec import RecordError, decode_aggregate, decode_market
from services.indicators.domain.compute import compute_years, volatile_indicators
from services.indicators.domain.state import IndicatorState
from services.indicators.domain.targets import Targets
from services.indicators.report.assessment import documents
from shared.indicators import IndicatorValue

TopicPartition = tuple[str, int]


class Record(Protocol):
    """What the service reads of a Kafka record (aiokafka's ConsumerRecord has it)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


class LiveIndicators:
    """Applies records to the state; computes indicators once per state revision."""

    def __init__(
        self,
        *,
        targets: Targets,
        threshold: int,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.state = IndicatorState()
        self.targets = targets
        self.threshold = threshold
        self._clock = clock
        self._cache: tuple[int, dict[int, list[IndicatorValue]]] | None = None
        self.positions: dict[TopicPartition, int] = {}
        self.ends: dict[TopicPartition, int] = {}
        self.rejected: deque[str] = deque(maxlen=100)  # the latest, for the logs and /health

    def apply_aggregates(self, records: Iterable[Record]) -> int:
        """Apply aggregate-change records; returns how many were rejected."""
        rejected = 0
        for record in records:
            try:
                change = decode_aggregate(record.key, record.value)
            except RecordError as error:
                rejected += self._reject(record, error)
            else:
                self.state.apply_aggregate(change.key, change.aggregate)
                if change.applied_at is not None:
                    self.state.note_applied_at(change.applied_at)
            self._advance(record)
        return rejected

    def apply_markets(self, records: Iterable[Record]) -> int:
        """Apply markets-topic records (other event types are skipped); returns the rejected."""
        rejected = 0
        for record in records:
            try:
                market = decode_market(record.value)
            except RecordError as error:
                rejected += self._reject(record, error)
            else:
                if market is not None:
                    self.state.apply_market(market)
            self._advance(record)
        return rejected

    def _reject(self, record: Record, error: RecordError) -> int:
        self.rejected.append(f"{record.topic}[{record.partition}]@{record.offset}: {error}")
        return 1

    def _advance(self, record: Record) -> None:
        self.positions[(record.topic, record.partition)] = record.offset + 1

    @property
    def caught_up(self) -> bool:
        """True once every record that existed at start has been applied."""
        return all(self.positions.get(tp, 0) >= end for tp, end in self.ends.items())

    def by_year(self) -> dict[int, list[IndicatorValue]]:
        """Every indicator of every year (cached until the state changes)."""
        revision = self.state.revision
        if self._cache is None or self._cache[0] != revision:
            facts = {year: self.state.facts(year) for year in self.state.years()}
            computed = compute_years(facts, targets=self.targets, threshold=self.threshold)
            self._cache = (revision, computed)
        return self._cache[1]

    def assessment(self, year: int) -> tuple[str, str]:
        """The social-axis section of the assessment of a year, as Markdown and HTML."""
        return documents(
            self.by_year(),
            year=year,
            generated_at=self._clock(),
            data_applied_at=self.state.latest_applied_at,
            threshold=self.threshold,
        )

    def volatile(self) -> list[IndicatorValue]:
        """Indicators that depend on the clock, as of now."""
        latest = self.state.latest_applied_at
        return volatile_indicators(latest, now=self._clock(), targets=self.targets)
