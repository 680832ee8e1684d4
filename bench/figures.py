"""What a benchmark measured, in a machine-readable form: figures, their baselines, the goals.

Pure: no I/O, no clock. Each benchmark's `run...` function returns a list of `Figure`s (and
still prints its lines as before); `bench.report` renders them with `bench.report_markdown`.
"""

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured figure and, when there is one, the baseline measured in the same run.

    `key` is stable (e.g. "ingest.raw", "clauses.eo-postgresql"): the goals look figures up
    by it. `ratio` is value / baseline, whatever the unit (for times: how many times longer).
    """

    key: str
    section: str
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


@dataclass(frozen=True, slots=True)
class Goal:
    """A goal of an issue and whether this run's figures meet it (None: not measured)."""

    issue: int
    text: str
    met: bool | None
    evidence: str


def _find(figures: Sequence[Figure], key: str) -> Figure | None:
    return next((f for f in figures if f.key == key), None)


def _goal(
    figures: Sequence[Figure],
    issue: int,
    text: str,
    keys: Sequence[str],
    test: Callable[[list[Figure]], bool],
    show: Callable[[list[Figure]], str],
) -> Goal:
    found = [_find(figures, key) for key in keys]
    present = [f for f in found if f is not None]
    if len(present) < len(keys):
        return Goal(issue, text, None, "not measured in this run")
    return Goal(issue, text, test(present), show(present))


def _rate(f: list[Figure]) -> str:
    return f"{f[0].name}: {f[0].value:,.0f} {f[0].unit}"


def _vs_bare(f: list[Figure]) -> str:
    return f"{f[0].value:,.0f} events/s = {f[0].ratio or 0:.3f} x bare"


def _eo_vs_alo(f: list[Figure]) -> str:
    eo, alo = f[0].value, f[1].value
    return f"{eo:,.0f} vs {alo:,.0f} events/s: {1 - eo / alo:+.1%} slower"


def _ingest(figures: Sequence[Figure]) -> list[Goal]:
    routes = [
        ("hour-lines/s through JSON batches", "ingest.json"),
        ("hour-lines/s through CSV (1st file)", "ingest.csv-first"),
        ("hour-lines/s through CSV (next file)", "ingest.csv-next"),
        ("events/s through the raw topic", "ingest.raw"),
    ]
    return [
        _goal(figures, 3, f">= 20 000 {what}", [key], lambda f: f[0].value >= 20_000, _rate)
        for what, key in routes
    ]


def _clauses(figures: Sequence[Figure]) -> list[Goal]:
    result = []
    for kind in ("postgresql", "sqlite"):
        eo, alo = f"clauses.eo-{kind}", f"clauses.alo-{kind}"
        text = f"exactly-once ({kind}) >= 0.5 x the bare consume rate"
        result.append(_goal(figures, 4, text, [eo], lambda f: (f[0].ratio or 0) >= 0.5, _vs_bare))
        text = f"exactly-once ({kind}) at most 10 % slower than at-least-once"
        at_most = lambda f: f[0].value >= 0.9 * f[1].value  # noqa: E731
        result.append(_goal(figures, 4, text, [eo, alo], at_most, _eo_vs_alo))
    return result


def _at_scale(goal: Goal, events: Figure | None) -> Goal:
    """The goal, not measured when its figure was taken on fewer than 1 000 000 events."""
    if events is None or events.value >= 1_000_000 or goal.met is None:
        return goal
    return Goal(goal.issue, goal.text, None, f"{goal.evidence} after {events.value:,.0f} only")


def _full_size(figures: Sequence[Figure]) -> list[Goal]:
    """The goals stated for 1 000 000 events: not measured when the run had fewer."""
    memory = _goal(figures, 4, "clauses resident memory < 300 MB after 1 000 000 events",
                   ["memory.clauses-rebuild"], lambda f: f[0].value < 300,
                   lambda f: f"{f[0].value:.0f} MB")  # fmt: skip
    rebuild = _goal(figures, 5, "indicators rebuild from 1 000 000 aggregate changes under 60 s",
                    ["indicators.replay"], lambda f: f[0].value < 60,
                    lambda f: f"{f[0].value:.1f} s (the rebuild command's path)")  # fmt: skip
    return [
        _at_scale(memory, _find(figures, "rebuild.events")),
        _at_scale(rebuild, _find(figures, "indicators.changes")),
    ]


def goals(figures: Sequence[Figure]) -> list[Goal]:
    """The goals of issues 3, 4 and 5, each met or not by the figures (None when absent)."""
    freshness = _goal(figures, 5, "freshness p99 under 1 s (report 202 -> indicator)",
                      ["pipeline.p99"], lambda f: f[0].value < 1000,
                      lambda f: f"p99 {f[0].value:.0f} ms")  # fmt: skip
    return [*_ingest(figures), *_clauses(figures), freshness, *_full_size(figures)]
