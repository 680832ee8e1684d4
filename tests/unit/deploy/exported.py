"""The metrics each service really exports, read from its registry built in-process.

Each service's composition root builds its registry without connecting anything; the
families and their label names are read from it, so the dashboards and alerts are checked
against the code, not against a list.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from prometheus_client import CollectorRegistry
from prometheus_client.metrics import MetricWrapperBase

# Series Prometheus makes itself: `up` for each target, ALERTS for each active alert.
PROMETHEUS_SERIES: dict[str, frozenset[str] | None] = {
    "up": frozenset({"job", "instance"}),
    "ALERTS": None,  # the labels of every alert: any
}
TARGET_LABELS = frozenset({"job", "instance"})


@dataclass(frozen=True, slots=True)
class Family:
    """A metric family: its name without suffix, its type and its label names."""

    name: str
    type: str
    labels: frozenset[str]

    def series(self) -> dict[str, frozenset[str]]:
        """The series names Prometheus stores for the family, with their labels."""
        plain = self.labels | TARGET_LABELS
        if self.type == "counter":
            return {f"{self.name}_total": plain, f"{self.name}_created": plain}
        if self.type == "histogram":
            return {
                f"{self.name}_bucket": plain | {"le"},
                f"{self.name}_sum": plain,
                f"{self.name}_count": plain,
                f"{self.name}_created": plain,
            }
        if self.type == "summary":
            return {
                self.name: plain | {"quantile"},
                f"{self.name}_sum": plain,
                f"{self.name}_count": plain,
                f"{self.name}_created": plain,
            }
        if self.type == "info":
            return {f"{self.name}_info": plain}
        return {self.name: plain}


def families_of(registry: CollectorRegistry) -> list[Family]:
    """Every family registered, samples or not (a labelled metric has none until used).

    Label names are not part of prometheus_client's public API: they are read from the
    metric objects (`_labelnames`), as FastStream itself reads `_names_to_collectors`.
    """
    return [
        family for collector in registry._collector_to_names for family in _described(collector)
    ]


def _described(collector: Any) -> list[Family]:
    if isinstance(collector, MetricWrapperBase):
        labels = frozenset(collector._labelnames)
        return [Family(collector._name, str(collector._type), labels)]
    return [
        Family(family.name, family.type, frozenset(getattr(family, "_labelnames", ())))
        for family in collector.describe()
    ]


@dataclass(frozen=True, slots=True)
class Service:
    """A service of the stack: its Prometheus job (= compose service) and how it is built."""

    job: str
    module: str  # its composition root
    settings: str  # "module:Class" of its pydantic settings
    host_field: str
    port_field: str
    registry: Callable[[], CollectorRegistry]

    def settings_class(self) -> Any:
        """The settings class of the service."""
        module, name = self.settings.split(":")
        return getattr(importlib.import_module(module), name)


def _indicators() -> CollectorRegistry:
    app = importlib.import_module("services.indicators.bootstrap")
    settings = importlib.import_module("services.indicators.settings").IndicatorsSettings()
    return cast(CollectorRegistry, app.build_service(settings).registry)


def _ingest() -> CollectorRegistry:
    app = importlib.import_module("services.ingest.bootstrap")
    settings = importlib.import_module("services.ingest.settings").IngestSettings(
        pseudonymisation_key="k" * 32, database_url="sqlite://"
    )
    return cast(CollectorRegistry, app.build_service(settings).metrics.registry)


def _clauses() -> CollectorRegistry:
    app = importlib.import_module("services.clauses.bootstrap")
    settings = importlib.import_module("services.clauses.settings").ClausesSettings(
        database_url="sqlite://"
    )
    return cast(CollectorRegistry, app.build(settings).registry)


SERVICES: tuple[Service, ...] = (
    Service(
        "ingest",
        "services.ingest.bootstrap",
        "services.ingest.settings:IngestSettings",
        "host",
        "port",
        _ingest,
    ),
    Service(
        "clauses",
        "services.clauses.bootstrap",
        "services.clauses.settings:ClausesSettings",
        "http_host",
        "http_port",
        _clauses,
    ),
    Service(
        "indicators",
        "services.indicators.bootstrap",
        "services.indicators.settings:IndicatorsSettings",
        "host",
        "port",
        _indicators,
    ),
)
SERVICE_BY_JOB = {service.job: service for service in SERVICES}


def exported_by(service: Service) -> list[Family]:
    """The families a service exports, read from its registry."""
    return families_of(service.registry())


def series_by_job() -> dict[str, dict[str, frozenset[str]]]:
    """For each job, every series name it exports and the labels of each."""
    by_job: dict[str, dict[str, frozenset[str]]] = {}
    for service in SERVICES:
        series: dict[str, frozenset[str]] = {}
        for family in exported_by(service):
            series.update(family.series())
        by_job[service.job] = series
    return by_job
