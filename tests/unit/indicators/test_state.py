"""The fold: values are absolute and keyed, so replays, duplicates and order change nothing."""

import random
from collections.abc import Sequence
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from harness.builders import a_clause_status, a_distinct_count, a_market, an_hours_cell
from services.indicators.domain.facts import YearFacts
from services.indicators.domain.state import IndicatorState
from shared.aggregates import Aggregate, ClauseStatus, DistinctCount, HoursCell, aggregate_key
from shared.codes import MarketCategory

hours = st.decimals(min_value=0, max_value=9_999, places=2, allow_nan=False)
hours_cells = st.builds(
    lambda period, market, category, gender, insertion, training: an_hours_cell(
        period=period,
        market_id=market,
        category=category,
        gender=gender,
        insertion_hours=insertion,
        training_hours=training,
    ),
    st.sampled_from(["2022-12", "2023-01", "2023-06"]),
    st.sampled_from(["M-1", "M-2"]),
    st.sampled_from(MarketCategory),
    st.sampled_from(["female", "male"]),
    hours,
    hours,
)
distinct_counts = st.builds(
    lambda year, value, count: a_distinct_count(
        year=year, breakdown="gender", value=value, count=count
    ),
    st.sampled_from([2022, 2023]),
    st.sampled_from(["female", "male"]),
    st.integers(0, 500),
)
clause_statuses = st.builds(
    lambda market, period, status: a_clause_status(
        market_id=market, as_of_period=period, status=status
    ),
    st.sampled_from(["M-1", "M-2"]),
    st.sampled_from(["2022-12", "2023-06"]),
    st.sampled_from(["on_track", "behind", "no_report"]),
)
aggregates = st.one_of(hours_cells, distinct_counts, clause_statuses)


def every_year(state: IndicatorState) -> dict[int, YearFacts]:
    return {year: state.facts(year) for year in state.years()}


def apply_all(changes: Sequence[tuple[str, Aggregate | None]]) -> IndicatorState:
    state = IndicatorState()
    for key, aggregate in changes:
        state.apply_aggregate(key, aggregate)
    return state


def latest_by_key(changes: list[tuple[str, Aggregate | None]]) -> dict[str, Aggregate | None]:
    return dict(changes)


@given(
    history=st.lists(aggregates, max_size=30),
    deletions=st.lists(st.integers(0, 29), max_size=5),
    order=st.randoms(use_true_random=False),
)
def test_any_history_gives_the_state_of_its_latest_values_applied_once_in_any_order(
    history: list[HoursCell | DistinctCount | ClauseStatus],
    deletions: list[int],
    order: random.Random,
) -> None:
    changes: list[tuple[str, Aggregate | None]] = [(aggregate_key(a), a) for a in history]
    for index in deletions:
        if index < len(changes):
            changes.append((changes[index][0], None))
    latest = [(key, value) for key, value in latest_by_key(changes).items() if value is not None]
    replayed = [*changes[: len(changes) // 2], *changes, *latest]  # a restart, then duplicates
    shuffled = list(latest)
    order.shuffle(shuffled)

    live = apply_all(replayed)
    rebuilt = apply_all(shuffled)

    assert every_year(live) == every_year(rebuilt)


def test_a_corrected_cell_replaces_its_hours_instead_of_adding_them() -> None:
    first = an_hours_cell(insertion_hours=Decimal("100.00"), training_hours=Decimal(0))
    corrected = an_hours_cell(insertion_hours=Decimal("80.50"), training_hours=Decimal(0))
    state = IndicatorState()

    state.apply_aggregate(aggregate_key(first), first)
    state.apply_aggregate(aggregate_key(corrected), corrected)

    assert state.facts(2023).total_insertion_hours == Decimal("80.50")


def test_a_tombstone_removes_the_aggregate() -> None:
    cell = an_hours_cell()
    state = IndicatorState()
    state.apply_aggregate(aggregate_key(cell), cell)

    state.apply_aggregate(aggregate_key(cell), None)

    assert state.facts(2023).total_insertion_hours == 0
    assert state.years() == []


@given(versions=st.permutations([1, 2, 3, 4]))
def test_the_highest_version_of_a_market_wins_whatever_the_order(versions: list[int]) -> None:
    state = IndicatorState()

    for version in versions:
        state.apply_market(a_market(version=version, amount_ht=Decimal(1000 * version)))

    (market,) = state.facts(2023).markets
    assert market.amount_ht == 4000


def test_a_market_moves_to_the_year_of_its_latest_notification_date() -> None:
    state = IndicatorState()
    state.apply_market(a_market(version=1))

    state.apply_market(a_market(version=2, notification_date="2024-01-05"))

    assert state.facts(2023).markets == ()
    assert [m.year for m in state.facts(2024).markets] == [2024]
