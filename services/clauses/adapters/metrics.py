"""The service's Prometheus metrics, on a registry the composition root provides
(`services.clauses.application.ports.LedgerMetrics`)."""

import math
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from shared.aggregates import ClauseStatusCode


class Metrics:
    """Events applied and ignored, lag, clause statuses and freshness."""

    def __init__(
        self, registry: CollectorRegistry, *, wall_clock: Callable[[], float] = time.time
    ) -> None:
        self._wall_clock = wall_clock
        self._last_applied: float | None = None
        self.applied = Counter(
            "clauses_events_applied",
            "Events whose version was applied",
            ["event_type"],
            registry=registry,
        )
        self.ignored = Counter(
            "clauses_events_ignored",
            "Events ignored: duplicate (same version), stale_version (older), invalid",
            ["event_type", "reason"],
            registry=registry,
        )
        self.lag = Gauge(
            "clauses_consumer_lag_messages",
            "Messages in the partition after the last one applied",
            ["topic", "partition"],
            registry=registry,
        )
        self.statuses = Gauge(
            "clauses_markets_by_clause_status",
            "Markets by clause status",
            ["status"],
            registry=registry,
        )
        self.behind = Gauge(
            "clauses_markets_behind_clause",
            "Markets whose realised insertion hours are below the hours owed",
            registry=registry,
        )
        self.last_applied = Gauge(
            "clauses_last_applied_event_timestamp_seconds",
            "Kafka timestamp of the last applied event",
            registry=registry,
        )
        self.age = Gauge(
            "clauses_last_applied_event_age_seconds",
            "Seconds since the Kafka timestamp of the last applied event (NaN before any)",
            registry=registry,
        )
        self.age.set_function(self._age)
        self.published = Counter(
            "clauses_aggregates_published", "Aggregate changes published", registry=registry
        )
        self.commit_seconds = Histogram(
            "clauses_batch_commit_seconds", "Time to commit one batch", registry=registry
        )

    def event_applied(self, event_type: str, timestamp_ms: int) -> None:
        """Count an applied event and remember how recent it is."""
        self.applied.labels(event_type).inc()
        self._last_applied = timestamp_ms / 1000
        self.last_applied.set(self._last_applied)

    def event_ignored(self, event_type: str, reason: str) -> None:
        """Count an ignored event and why."""
        self.ignored.labels(event_type, reason).inc()

    def aggregates_published(self, count: int) -> None:
        """Count aggregate changes published."""
        self.published.inc(count)

    def timing_commit(self) -> AbstractContextManager[object]:
        """Time one batch's commit (a context manager)."""
        return self.commit_seconds.time()

    def consumer_lag(self, topic: str, partition: int, messages: int) -> None:
        """Gauge the messages of a partition after the last one applied."""
        self.lag.labels(topic, str(partition)).set(messages)

    def clause_statuses(self, by_status: Mapping[str, int]) -> None:
        """Gauge the markets by status."""
        for code in ClauseStatusCode:
            self.statuses.labels(code.value).set(by_status.get(code.value, 0))
        self.behind.set(by_status.get(ClauseStatusCode.BEHIND.value, 0))

    def _age(self) -> float:
        if self._last_applied is None:
            return math.nan
        return self._wall_clock() - self._last_applied
