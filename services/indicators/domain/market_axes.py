"""Economic and environmental formulas, over the markets notified in the year."""

from collections.abc import Callable, Sequence
from decimal import Decimal

from services.indicators.domain.facts import (
    ECONOMIC_SCOPE_THRESHOLD_HT,
    SOCIAL_SCOPE_THRESHOLD_HT,
    NotifiedMarket,
    YearFacts,
)
from services.indicators.domain.measures import Measure, amount, ratio
from shared.codes import MarketCategory


def _value(markets: Sequence[NotifiedMarket]) -> Decimal:
    return sum((market.amount_ht for market in markets), Decimal(0))


def _known_share(
    indicator: str, markets: Sequence[NotifiedMarket], flag: Callable[[NotifiedMarket], bool | None]
) -> Measure:
    """Share of markets whose flag is true, among those where it is known."""
    known = [market for market in markets if flag(market) is not None]
    return ratio(indicator, sum(1 for market in known if flag(market)), len(known))


def economic_measures(facts: YearFacts) -> list[Measure]:
    """Markets above 15 000 EUR HT: count, value, category shares, territory and SME shares."""
    scope = facts.markets_above(ECONOMIC_SCOPE_THRESHOLD_HT)
    total_value = _value(scope)
    measures = [
        amount("economic.markets_notified_over_15k", len(scope)),
        amount("economic.notified_amount", total_value),
        _known_share("economic.territory_share", scope, lambda m: m.in_territory),
        amount(
            "economic.territory_unknown_markets",
            sum(1 for market in scope if market.in_territory is None),
        ),
        _known_share("economic.sme_holder_share", scope, lambda m: m.is_sme),
    ]
    for category in MarketCategory:
        of_category = [market for market in scope if market.category == category]
        measures.append(
            ratio("economic.category_count_share", len(of_category), len(scope), cell=category)
        )
        measures.append(
            ratio("economic.category_value_share", _value(of_category), total_value, cell=category)
        )
    return measures


def environmental_measures(facts: YearFacts) -> list[Measure]:
    """Markets above 40 000 EUR HT with an environmental consideration, in count and value."""
    scope = facts.markets_above(SOCIAL_SCOPE_THRESHOLD_HT)
    green = [market for market in scope if market.environmental]
    return [
        amount("environmental.markets_with_environmental_consideration", len(green)),
        ratio("environmental.environmental_consideration_share", len(green), len(scope)),
        ratio(
            "environmental.environmental_consideration_value_share", _value(green), _value(scope)
        ),
    ]
