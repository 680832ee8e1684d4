"""What a PromQL query names: its metrics, and the labels it selects or groups on.

Not a parser: PromQL's lexical structure is simple enough that, once strings, label
matchers, durations and grouping clauses are taken out, every identifier not followed by `(`
and not a keyword is a metric name. Grafana variables are replaced first. `promtool`
checks the syntax itself (tests/e2e/deploy).
"""

import re
from dataclasses import dataclass, field

_GRAFANA_VARIABLE = re.compile(r"\$\{[^}]*\}|\[\[\w+\]\]|\$\w+")
_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
_SELECTOR = re.compile(r"(?P<metric>(?<![\w:.])[A-Za-z_:][\w:]*)?\s*\{(?P<matchers>[^{}]*)\}")
_MATCHER = re.compile(r"(?P<label>[A-Za-z_]\w*)\s*(?:=~|!~|!=|=)\s*\"\"")
_GROUPING = re.compile(
    r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\((?P<labels>[^()]*)\)", re.I
)
_RANGE = re.compile(r"\[[^\[\]]*\]")
_OFFSET = re.compile(r"\boffset\s+-?[\w.]+", re.I)
_IDENTIFIER = re.compile(r"(?<![\w:.])(?P<name>[A-Za-z_:][\w:]*)(?P<call>\s*\()?")
_KEYWORDS = frozenset(
    {"and", "or", "unless", "bool", "by", "without", "on", "ignoring", "group_left"}
    | {"group_right", "offset", "inf", "nan", "atan2"}
)
_LEGEND_LABEL = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_LABEL_VALUES = re.compile(r"^\s*label_values\((?:(?P<selector>.*),)?\s*(?P<label>\w+)\s*\)\s*$")


@dataclass
class Names:
    """The metrics a query reads, the labels matched on each, and the grouping labels."""

    metrics: set[str] = field(default_factory=set)
    matched: dict[str, set[str]] = field(default_factory=dict)
    grouping: set[str] = field(default_factory=set)


def names(query: str) -> Names:
    """The metric and label names a PromQL query (or Grafana target) uses."""
    found = Names()
    text = _GRAFANA_VARIABLE.sub("0", query)
    text = _STRING.sub('""', text)
    for selector in _SELECTOR.finditer(text):
        labels = {m["label"] for m in _MATCHER.finditer(selector["matchers"])}
        if selector["metric"]:
            found.matched.setdefault(selector["metric"], set()).update(labels)
    text = _SELECTOR.sub(lambda m: m["metric"] or "", text)
    for grouping in _GROUPING.finditer(text):
        found.grouping.update(label.strip() for label in grouping["labels"].split(",") if label)
    text = _GROUPING.sub(" ", text)
    text = _OFFSET.sub(" ", _RANGE.sub(" ", text))
    for identifier in _IDENTIFIER.finditer(text):
        name = identifier["name"]
        if identifier["call"] is None and name.lower() not in _KEYWORDS:
            found.metrics.add(name)
    found.grouping.discard("")
    return found


def legend_labels(legend: str) -> set[str]:
    """The labels a Grafana legend format shows (`{{job}}`)."""
    return set(_LEGEND_LABEL.findall(legend))


def label_values(query: str) -> tuple[str | None, str] | None:
    """(selector, label) of a Grafana `label_values(...)` variable query, None otherwise."""
    match = _LABEL_VALUES.match(query)
    if match is None:
        return None
    return match["selector"], match["label"]
