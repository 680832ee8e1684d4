"""Does a PromQL query name only what the services export? The problems, in words."""

from tests.unit.deploy.exported import PROMETHEUS_SERIES
from tests.unit.deploy.promql import legend_labels, names

Exported = dict[str, dict[str, frozenset[str]]]  # job -> series name -> label names


def _labels_of(metric: str, exported: Exported) -> frozenset[str] | None:
    """The labels of a series across every job exporting it (None: any label)."""
    if metric in PROMETHEUS_SERIES:
        return PROMETHEUS_SERIES[metric]
    labels: set[str] = set()
    for series in exported.values():
        labels |= series.get(metric, frozenset())
    return frozenset(labels)


def problems(query: str, exported: Exported, *, legend: str = "") -> list[str]:
    """What the query names that no service exports: metrics, matched, grouped, shown labels."""
    found = names(query)
    if not found.metrics:
        return [f"names no metric: {query}"]
    known = {name for series in exported.values() for name in series} | set(PROMETHEUS_SERIES)
    wrong: list[str] = []
    available: set[str] = set()
    any_label = False
    for metric in sorted(found.metrics):
        labels = _labels_of(metric, exported)
        if labels is None:
            any_label = True
            continue
        if metric not in known:
            wrong.append(f"metric {metric} is exported by no service")
            continue
        available |= labels
        for label in sorted(found.matched.get(metric, set()) - labels):
            wrong.append(f"{metric} has no label {label} (it has {sorted(labels)})")
    if not any_label:
        for label in sorted((found.grouping | legend_labels(legend)) - available):
            wrong.append(f"label {label} belongs to none of {sorted(found.metrics)}")
    return wrong
