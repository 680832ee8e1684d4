"""Readers read a view: the state's sums as of one revision, never changed afterwards; and a
cell the contract cannot carry is left out alone instead of failing every year."""

from decimal import Decimal

from harness.builders import a_clause_status, a_distinct_count, a_market, an_hours_cell
from services.indicators.domain.compute import compute_years
from services.indicators.domain.facts import YearFacts
from services.indicators.domain.state import IndicatorState
from shared.aggregates import aggregate_key
from shared.codes import MarketCategory
from tests.unit.indicators.helpers import NO_TARGETS


def test_a_view_keeps_its_figures_while_the_state_goes_on_changing() -> None:
    state = IndicatorState()
    cell = an_hours_cell(insertion_hours=Decimal("10.00"))
    state.apply_aggregate(aggregate_key(cell), cell)
    view = state.view()

    later = an_hours_cell(period="2023-07", insertion_hours=Decimal("5.00"))
    state.apply_aggregate(aggregate_key(later), later)
    state.apply_aggregate(aggregate_key(cell), None)
    count = a_distinct_count(count=7)
    state.apply_aggregate(aggregate_key(count), count)
    clause = a_clause_status()
    state.apply_aggregate(aggregate_key(clause), clause)
    state.apply_market(a_market())

    assert view.facts(2023).total_insertion_hours == Decimal("10.00")
    assert view.facts(2023).counts == {}
    assert (view.facts(2023).markets, view.facts(2023).clauses) == ((), ())
    now = state.view()
    assert now.revision > view.revision
    assert now.facts(2023).total_insertion_hours == Decimal("5.00")
    assert now.facts(2023).count(count.counted) == 7
    assert len(now.facts(2023).markets) == len(now.facts(2023).clauses) == 1


def test_a_state_that_did_not_change_hands_out_the_same_view() -> None:
    state = IndicatorState()
    cell = an_hours_cell()
    state.apply_aggregate(aggregate_key(cell), cell)

    assert state.view() is state.view()


def test_a_year_the_contract_cannot_carry_is_left_out_and_every_other_year_published() -> None:
    hours = {MarketCategory.WORKS: Decimal("12.00")}
    facts = {
        1: YearFacts(year=1, insertion_hours=hours),
        2023: YearFacts(year=2023, insertion_hours=hours),
    }
    left_out: list[tuple[int, tuple[str, str | None]]] = []

    computed = compute_years(facts, targets=NO_TARGETS, threshold=5, left_out=left_out)

    assert computed[1] == []
    assert (1, ("social.insertion_hours", None)) in left_out
    assert {year for year, _ in left_out} == {1}
    (total,) = (v for v in computed[2023] if v.id == "social.insertion_hours")
    assert total.value == 12
