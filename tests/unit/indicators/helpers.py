"""Fold messages into a state and read one indicator cell, for the unit tests."""

from collections.abc import Iterable

from services.indicators.domain.compute import compute_years
from services.indicators.domain.state import IndicatorState
from services.indicators.domain.targets import Targets
from shared.aggregates import AggregateChanged
from shared.events import MarketNotified
from shared.indicators import IndicatorValue

NO_TARGETS = Targets(version=1)


def fold(
    changes: Iterable[AggregateChanged], markets: Iterable[MarketNotified] = ()
) -> IndicatorState:
    """A state that has applied every change and market, in order."""
    state = IndicatorState()
    for change in changes:
        state.apply_aggregate(change.key, change.aggregate)
    for market in markets:
        state.apply_market(market)
    return state


def indicators(
    state: IndicatorState, *, targets: Targets = NO_TARGETS, threshold: int = 5
) -> dict[int, list[IndicatorValue]]:
    """Every published indicator of every year of the state."""
    facts = {year: state.facts(year) for year in state.years()}
    return compute_years(facts, targets=targets, threshold=threshold)


def _is(value: IndicatorValue, indicator: str, breakdown: str | None) -> bool:
    if value.id != indicator:
        return False
    return not value.breakdown if breakdown is None else breakdown in value.breakdown.values()


def cell(
    values: list[IndicatorValue], indicator: str, breakdown: str | None = None
) -> IndicatorValue:
    """The one published value of an indicator (and breakdown value) in a list."""
    found = [value for value in values if _is(value, indicator, breakdown)]
    assert len(found) == 1, f"{indicator} {breakdown}: {len(found)} values"
    return found[0]
