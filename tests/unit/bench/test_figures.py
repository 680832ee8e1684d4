"""The report's figures and the goals of issues 3, 4 and 5 computed from them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.figures import Figure, Goal, goals


def a_figure(key: str, value: float, baseline: float | None = None, unit: str = "/s") -> Figure:
    return Figure(key, "section", key, value, unit, baseline, "bare")


def verdict(found: list[Goal], text: str) -> bool | None:
    return next(g.met for g in found if text in g.text)


@given(st.floats(0.001, 1e9), st.floats(0.001, 1e9))
def test_the_ratio_is_the_figure_over_its_baseline(value: float, baseline: float) -> None:
    figure = a_figure("k", value, baseline)

    assert figure.ratio == pytest.approx(value / baseline)


def test_a_figure_without_a_baseline_has_no_ratio() -> None:
    assert (a_figure("k", 3.0).ratio, a_figure("k", 3.0, 0.0).ratio) == (None, None)


def test_every_goal_is_not_measured_when_the_run_has_no_figures() -> None:
    found = goals([])

    assert len(found) == 11
    assert {g.met for g in found} == {None}
    assert {g.issue for g in found} == {3, 4, 5}


@pytest.mark.parametrize(("rate", "met"), [(19_999.0, False), (20_000.0, True)])
def test_the_raw_topic_goal_is_twenty_thousand_events_a_second(rate: float, met: bool) -> None:
    found = goals([a_figure("ingest.raw", rate)])

    assert verdict(found, "raw topic") is met


def test_exactly_once_is_measured_against_half_the_bare_consume_rate() -> None:
    figures = [
        a_figure("clauses.eo-postgresql", 600, 1000),
        a_figure("clauses.eo-sqlite", 400, 1000),
    ]

    found = goals(figures)

    assert verdict(found, "exactly-once (postgresql) >= 0.5") is True
    assert verdict(found, "exactly-once (sqlite) >= 0.5") is False


@pytest.mark.parametrize(("eo", "met"), [(900.0, True), (899.0, False)])
def test_exactly_once_may_be_at_most_ten_percent_slower_than_at_least_once(
    eo: float, met: bool
) -> None:
    figures = [a_figure("clauses.eo-sqlite", eo, 5000), a_figure("clauses.alo-sqlite", 1000, 5000)]

    found = goals(figures)

    assert verdict(found, "exactly-once (sqlite) at most 10 %") is met


def test_the_freshness_goal_is_a_p99_under_one_second() -> None:
    found = goals([a_figure("pipeline.p99", 999.0, unit="ms")])

    assert verdict(found, "p99 under 1 s") is True


def test_the_memory_goal_counts_only_after_a_million_events() -> None:
    memory = a_figure("memory.clauses-rebuild", 200, unit="MB")

    small = goals([memory, a_figure("rebuild.events", 999_999, unit="events")])
    full = goals([memory, a_figure("rebuild.events", 1_000_000, unit="events")])

    assert (verdict(small, "memory"), verdict(full, "memory")) == (None, True)


def test_the_rebuild_goal_counts_only_from_a_million_aggregate_changes() -> None:
    replay = a_figure("indicators.replay", 30, unit="s")

    small = goals([replay, a_figure("indicators.changes", 5000, unit="messages")])
    full = goals([replay, a_figure("indicators.changes", 1_000_003, unit="messages")])

    assert (verdict(small, "rebuild"), verdict(full, "rebuild")) == (None, True)


def test_a_rebuild_over_a_minute_misses_its_goal() -> None:
    figures = [a_figure("indicators.replay", 61), a_figure("indicators.changes", 1_000_000)]

    assert verdict(goals(figures), "rebuild") is False
