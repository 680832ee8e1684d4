"""The freshness benchmark's matching: reports in 202 order against the totals polled."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.freshness_matching import Accepted, Observation, match, percentile


def test_the_nearest_rank_percentile_is_a_value_of_the_sample() -> None:
    values = [float(v) for v in range(1, 101)]

    assert (percentile(values, 0.5), percentile(values, 0.99), percentile(values, 1)) == (
        50.0,
        99.0,
        100.0,
    )


def test_a_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)


@given(st.lists(st.floats(-1e6, 1e6), min_size=1), st.floats(0.01, 1))
def test_at_least_the_fraction_of_the_values_are_at_most_the_percentile(
    values: list[float], fraction: float
) -> None:
    found = percentile(values, fraction)

    assert found in values
    assert sum(v <= found for v in values) >= fraction * len(values)


def test_a_report_is_visible_at_the_first_answer_whose_total_includes_every_earlier_202() -> None:
    accepted = [Accepted(at=1.0, cents=100), Accepted(at=2.0, cents=250)]
    polls = [
        Observation(sent=0.5, received=0.6, cents=1000),
        Observation(sent=1.1, received=1.2, cents=1000),
        Observation(sent=1.3, received=1.5, cents=1100),
        Observation(sent=2.1, received=2.2, cents=1100),
        Observation(sent=2.3, received=2.7, cents=1350),
    ]

    matched = match(1000, accepted, polls)

    assert matched.freshness == pytest.approx([0.5, 0.7])
    assert matched.not_a_prefix == 0


def test_a_total_seen_before_the_202_arrived_counts_only_from_the_next_poll() -> None:
    accepted = [Accepted(at=1.0, cents=100)]
    polls = [
        Observation(sent=0.9, received=1.05, cents=100),
        Observation(sent=1.1, received=1.2, cents=100),
    ]

    matched = match(0, accepted, polls)

    assert matched.freshness == pytest.approx([0.2])


def test_reports_are_ranked_by_their_202_not_by_the_order_given() -> None:
    accepted = [Accepted(at=2.0, cents=5), Accepted(at=1.0, cents=300)]
    polls = [
        Observation(sent=1.5, received=1.6, cents=300),
        Observation(sent=2.5, received=3.0, cents=305),
    ]

    matched = match(0, accepted, polls)

    assert matched.freshness == pytest.approx([0.6, 1.0])


def test_a_report_never_seen_has_no_freshness() -> None:
    accepted = [Accepted(at=1.0, cents=100), Accepted(at=1.5, cents=200)]
    polls = [Observation(sent=2.0, received=2.1, cents=100), Observation(2.2, 2.3, None)]

    matched = match(0, accepted, polls)

    assert matched.freshness[0] == pytest.approx(1.1)
    assert matched.freshness[1] is None


def test_a_total_that_no_prefix_of_the_202_order_explains_is_counted() -> None:
    accepted = [Accepted(at=1.0, cents=100), Accepted(at=1.1, cents=200)]
    polls = [
        Observation(sent=1.2, received=1.3, cents=200),
        Observation(sent=1.4, received=1.5, cents=300),
    ]

    matched = match(0, accepted, polls)

    assert matched.not_a_prefix == 1
    assert matched.freshness == pytest.approx([0.3, 0.4])


@given(st.lists(st.tuples(st.floats(0, 100), st.integers(1, 5000)), min_size=1, max_size=50))
def test_when_the_pipeline_applies_in_202_order_the_matching_finds_each_report_exactly(
    reports: list[tuple[float, int]],
) -> None:
    accepted = [Accepted(at, cents) for at, cents in sorted(reports)]
    polls, total = [], 0
    for report in accepted:  # one poll just after each 202, seeing it applied
        total += report.cents
        polls.append(Observation(sent=report.at, received=report.at + 0.25, cents=total))

    matched = match(0, accepted, polls)

    assert matched.not_a_prefix == 0
    assert matched.freshness == pytest.approx([0.25] * len(accepted))
