"""Prometheus: the service's explicit registry, one gauge family per indicator (labelled by
axis, year and breakdown), the state's gauges and the records counted by topic.

A collector reads the live view at scrape time, so a gauge is never stale and a cell that
becomes suppressed disappears instead of keeping its last figure.
"""

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from services.indicators.application.live_indicators import LiveIndicators
from services.indicators.domain.catalogue import SPECS, Spec
from shared.indicators import IndicatorValue


def _labels(spec: Spec) -> list[str]:
    return ["axis", "year", *([spec.dimension] if spec.dimension else [])]


def _family(spec: Spec) -> GaugeMetricFamily:
    return GaugeMetricFamily(spec.metric, f"{spec.label} ({spec.id})", labels=_labels(spec))


class IndicatorCollector(Collector):
    """Exports the published value of every indicator cell that has one."""

    def __init__(self, live: LiveIndicators) -> None:
        self._live = live

    def describe(self) -> Iterator[GaugeMetricFamily]:
        """The families, without samples (lets the registry check names on registration)."""
        for spec in SPECS:
            yield _family(spec)
        yield self._targets()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Every family with its current samples."""
        view = self._live.view  # one snapshot for the whole scrape
        values: list[IndicatorValue] = [
            value for year_values in self._live.by_year(view).values() for value in year_values
        ]
        values.extend(self._live.volatile(view))
        families = {spec.id: _family(spec) for spec in SPECS}
        for value in values:
            if value.value is not None:
                labels = [value.axis.value, str(value.year), *value.breakdown.values()]
                families[value.id].add_metric(labels, value.value)
        yield from families.values()
        yield self._targets()

    def _targets(self) -> GaugeMetricFamily:
        family = GaugeMetricFamily(
            "insertion_indicator_target",
            "Target value of an indicator, to reach by the end of the deadline year",
            labels=["indicator", "axis", "deadline_year"],
        )
        for rule in self._live.targets.targets:
            axis = rule.indicator.split(".")[0]
            family.add_metric([rule.indicator, axis, str(rule.deadline_year)], rule.value)
        return family


def make_registry(live: LiveIndicators) -> CollectorRegistry:
    """An explicit registry (never the global one) holding the indicator families."""
    registry = CollectorRegistry()
    registry.register(IndicatorCollector(live))
    caught_up = Gauge(
        "insertion_indicators_caught_up",
        "1 once every record present at start has been applied",
        registry=registry,
    )
    caught_up.set_function(lambda: float(live.caught_up))
    revision = Gauge(
        "insertion_indicators_state_revision",
        "Changes applied to the indicators state since start",
        registry=registry,
    )
    revision.set_function(lambda: float(live.view.revision))
    left_out = Gauge(
        "insertion_indicators_left_out_cells",
        "Indicator cells left out of the latest computation: a figure the contract cannot carry",
        registry=registry,
    )
    left_out.set_function(lambda: float(len(live.left_out)))
    return registry


class RecordCounters:
    """The records applied to the state and those rejected, by topic (`RecordCounts`)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._applied = Counter(
            "insertion_indicators_applied_records",
            "Records applied to the indicators state, by topic",
            ["topic"],
            registry=registry,
        )
        self._rejected = Counter(
            "insertion_indicators_rejected_records",
            "Records skipped: not a valid message of their topic, or of a year not published",
            ["topic"],
            registry=registry,
        )

    def count(self, topic: str, *, applied: int, rejected: int) -> None:
        """Add one batch's applied and rejected records."""
        self._applied.labels(topic).inc(applied)
        if rejected:
            self._rejected.labels(topic).inc(rejected)
