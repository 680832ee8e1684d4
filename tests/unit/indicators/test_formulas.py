"""The formulas on hand-built facts: shares keep their terms and are computed, never copied."""

import dataclasses
from decimal import Decimal
from typing import Any

from harness.builders import a_market
from services.indicators.domain.facts import NotifiedMarket, YearFacts
from services.indicators.domain.market_axes import economic_measures
from services.indicators.domain.measures import Measure, ratio
from services.indicators.domain.social import (
    contract_measures,
    hours_measures,
    market_measures,
    people_measures,
)
from services.indicators.domain.state import notified_market
from shared.aggregates import CountedThing
from shared.codes import MarketCategory


def find(measures: list[Measure], indicator: str, cell: str | None = None) -> Measure:
    return next(m for m in measures if m.indicator == indicator and m.cell == cell)


def market(index: int, **overrides: Any) -> NotifiedMarket:
    facts = notified_market(a_market(market_id=f"M-{index}", social_considerations=[]))
    return dataclasses.replace(facts, **overrides)


def test_the_share_of_women_is_44_of_278_that_is_15_8_percent() -> None:
    facts = YearFacts(
        year=2023,
        counts={
            (CountedThing.BENEFICIARIES, "all", "all"): 278,
            (CountedThing.BENEFICIARIES, "gender", "female"): 44,
        },
    )

    women = find(people_measures(facts), "social.women_share")

    assert (women.numerator, women.denominator) == (Decimal(44), Decimal(278))
    assert women.value is not None
    assert round(women.value, 3) == Decimal("0.158")


def test_the_social_consideration_share_is_149_of_847_that_is_17_6_percent() -> None:
    markets = tuple(market(i, social=frozenset({"social_clause"})) for i in range(149)) + tuple(
        market(i) for i in range(149, 847)
    )

    share = find(
        market_measures(YearFacts(year=2023, markets=markets)), "social.social_consideration_share"
    )

    assert (share.numerator, share.denominator) == (Decimal(149), Decimal(847))
    assert share.value is not None
    assert round(share.value, 3) == Decimal("0.176")


def test_the_training_share_is_3_043_of_68_978_that_is_4_4_percent() -> None:
    facts = YearFacts(
        year=2023,
        insertion_hours={MarketCategory.WORKS: Decimal("68978")},
        training_hours={MarketCategory.WORKS: Decimal("3043")},
    )

    share = find(hours_measures(facts, None), "social.training_hours_share")

    assert (share.numerator, share.denominator) == (Decimal(3043), Decimal(68978))
    assert share.value is not None
    assert round(share.value, 3) == Decimal("0.044")


def test_a_ratio_over_nothing_has_no_value_but_keeps_its_terms() -> None:
    share = ratio("social.women_share", 0, 0)

    assert share.value is None
    assert (share.numerator, share.denominator) == (Decimal(0), Decimal(0))


def test_only_markets_above_40_000_euros_are_in_the_social_scope() -> None:
    markets = (market(1, amount_ht=Decimal(40_000)), market(2, amount_ht=Decimal("40000.01")))

    notified = find(
        market_measures(YearFacts(year=2023, markets=markets)), "social.markets_notified_over_40k"
    )

    assert notified.value == 1


def test_alternance_adds_apprenticeship_and_professionalisation_when_not_given() -> None:
    facts = YearFacts(
        year=2023,
        counts={
            (CountedThing.CONTRACTS, "all", "all"): 10,
            (CountedThing.CONTRACTS, "contract_type", "apprenticeship"): 3,
            (CountedThing.CONTRACTS, "contract_type", "professionalisation"): 4,
        },
    )

    alternance = find(contract_measures(facts), "social.contract_type_share", "alternance")

    assert (alternance.numerator, alternance.denominator) == (Decimal(7), Decimal(10))


def test_the_territory_share_leaves_out_markets_whose_holder_location_is_unknown() -> None:
    markets = (
        market(1, in_territory=True),
        market(2, in_territory=False),
        market(3, in_territory=None),
    )

    measures = economic_measures(YearFacts(year=2023, markets=markets))

    share = find(measures, "economic.territory_share")
    assert (share.numerator, share.denominator) == (Decimal(1), Decimal(2))
    assert find(measures, "economic.territory_unknown_markets").value == 1


def test_a_market_is_won_by_the_territory_when_any_holder_is_established_there() -> None:
    holders = [
        {"siret": "11111111111111", "in_territory": False},
        {"siret": "22222222222222", "in_territory": True},
    ]
    unknown = [
        {"siret": "11111111111111", "in_territory": False},
        {"siret": "22222222222222"},
    ]

    assert notified_market(a_market(holders=holders)).in_territory is True
    assert notified_market(a_market(holders=unknown)).in_territory is None


def test_the_change_on_the_previous_year_is_absent_without_a_previous_year() -> None:
    facts = YearFacts(year=2023, insertion_hours={MarketCategory.WORKS: Decimal(10)})

    measures = hours_measures(facts, None)

    assert all(m.indicator != "social.insertion_hours_change" for m in measures)
