"""The live view: the state the Kafka handlers update, and the indicators computed from it on
read (the HTTP routes, the metrics, the snapshot publisher and the assessment).

The consumer folds records into the state on the event loop's thread; HTTP routes run in
worker threads. Readers never touch the state: after each applied batch the consumer
publishes the state's immutable `StateView` by swapping one reference, and a reader takes
that reference once (`view`) and computes everything it answers from it.
"""

import logging
from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime

from services.indicators.application.ports import Clock, Record
from services.indicators.domain.assessment.section import documents
from services.indicators.domain.compute import compute_years, volatile_indicators
from services.indicators.domain.decoding import (
    PUBLISHABLE_YEARS,
    RecordError,
    YearOutOfRangeError,
    decode_aggregate,
    decode_market,
)
from services.indicators.domain.measures import Cell
from services.indicators.domain.state import IndicatorState, StateView
from services.indicators.domain.targets import Targets
from shared.indicators import IndicatorValue

log = logging.getLogger(__name__)

TopicPartition = tuple[str, int]


class LiveIndicators:
    """Applies records to the state; computes indicators once per state revision."""

    def __init__(
        self,
        *,
        targets: Targets,
        threshold: int,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self.state = IndicatorState()
        self.targets = targets
        self.threshold = threshold
        self._clock = clock
        self._view: StateView = self.state.view()
        self._cache: tuple[StateView, dict[int, list[IndicatorValue]]] | None = None
        self.left_out: tuple[tuple[int, Cell], ...] = ()  # cells of the latest computation
        self.positions: dict[TopicPartition, int] = {}
        self._applied: dict[TopicPartition, int] = {}  # the positions of the published view
        self.ends: dict[TopicPartition, int] = {}
        self.rejected: deque[str] = deque(maxlen=100)  # the latest, for the logs and /health
        self.latest_rejected: tuple[str, ...] = ()  # the same, as readers may take it

    def apply_aggregates(self, records: Iterable[Record]) -> int:
        """Apply a batch of aggregate-change records, then publish the view; returns how many
        were rejected."""
        rejected = 0
        for record in records:
            try:
                change = decode_aggregate(record.key, record.value)
            except YearOutOfRangeError as error:
                # the key's latest value cannot be shown: the one before it is gone too, as
                # after a compaction of the topic (a rebuild then gives the same state)
                if error.key is not None:
                    self.state.apply_aggregate(error.key, None)
                rejected += self._reject(record, error)
            except RecordError as error:
                rejected += self._reject(record, error)
            else:
                self.state.apply_aggregate(change.key, change.aggregate)
                if change.applied_at is not None:
                    self.state.note_applied_at(change.applied_at)
            self._advance(record)
        self._publish(rejected)
        return rejected

    def apply_markets(self, records: Iterable[Record]) -> int:
        """Apply a batch of markets-topic records (other event types are skipped), then publish
        the view; returns the rejected."""
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
        self._publish(rejected)
        return rejected

    def _reject(self, record: Record, error: RecordError) -> int:
        self.rejected.append(f"{record.topic}[{record.partition}]@{record.offset}: {error}")
        return 1

    def _publish(self, rejected: int) -> None:
        """Hand readers the state as of the end of the batch (one reference swapped)."""
        if rejected:
            self.latest_rejected = tuple(self.rejected)[-5:]
        self._view = self.state.view()
        self._applied = self.positions.copy()

    @property
    def view(self) -> StateView:
        """The state as of the latest applied batch; take it once per answer."""
        return self._view

    def _advance(self, record: Record) -> None:
        self.positions[(record.topic, record.partition)] = record.offset + 1

    @property
    def caught_up(self) -> bool:
        """True once every record that existed at start has been applied and is in the view."""
        applied = self._applied
        return all(applied.get(tp, 0) >= end for tp, end in self.ends.items())

    def years(self, view: StateView | None = None) -> list[int]:
        """The publishable years some figure is known for (the keys of `by_year`), cheaply."""
        view = view if view is not None else self._view
        return [year for year in view.years() if year in PUBLISHABLE_YEARS]

    def by_year(self, view: StateView | None = None) -> dict[int, list[IndicatorValue]]:
        """Every indicator of every publishable year of a view (the latest by default), cached
        until the view changes; readers must not change the answer."""
        view = view if view is not None else self._view
        cache = self._cache
        if cache is not None and cache[0] is view:
            return cache[1]
        facts = {year: view.facts(year) for year in self.years(view)}
        left_out: list[tuple[int, Cell]] = []
        computed = compute_years(
            facts, targets=self.targets, threshold=self.threshold, left_out=left_out
        )
        if left_out:
            log.warning("%d indicator cell(s) left out, first: %s", len(left_out), left_out[0])
        if view is self._view:
            self._cache, self.left_out = (view, computed), tuple(left_out)
        return computed

    def assessment(self, year: int, view: StateView | None = None) -> tuple[str, str]:
        """The social-axis section of the assessment of a year, as Markdown and HTML."""
        view = view if view is not None else self._view
        return documents(
            self.by_year(view),
            year=year,
            generated_at=self._clock(),
            data_applied_at=view.latest_applied_at,
            threshold=self.threshold,
        )

    def volatile(self, view: StateView | None = None) -> list[IndicatorValue]:
        """Indicators that depend on the clock, as of now."""
        latest = (view if view is not None else self._view).latest_applied_at
        return volatile_indicators(latest, now=self._clock(), targets=self.targets)
