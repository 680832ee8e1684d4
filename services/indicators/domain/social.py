"""Social-axis formulas: hours, people, contracts, markets and companies of one year."""

from decimal import Decimal

from services.indicators.domain.facts import SOCIAL_SCOPE_THRESHOLD_HT, YearFacts
from services.indicators.domain.measures import Measure, amount, change, ratio
from shared.aggregates import CountedThing
from shared.codes import ALTERNANCE, ContractType, Gender, MarketCategory, SocialConsideration

ALTERNANCE_ROLL_UP = "alternance"
"""The published cell of the alternance contracts (`shared.codes.ALTERNANCE`)."""
CONTRACT_ROLL_UPS: dict[str, tuple[ContractType, ...]] = {
    # in the order of ContractType: the set's own order changes with the hash seed
    ALTERNANCE_ROLL_UP: tuple(kind for kind in ContractType if kind in ALTERNANCE),
}
"""Roll-ups published beside the contract types, each the sum of its types (the relations
small-cell suppression protects, see compute.PARTITIONS)."""
CONTRACT_CELLS: tuple[str, ...] = (*ContractType, *CONTRACT_ROLL_UPS)
"""Contract types as published: every code, plus the roll-ups."""


def hours_measures(facts: YearFacts, previous: YearFacts | None) -> list[Measure]:
    """Insertion, training and reserved-market hours, by category and month."""
    total = facts.total_insertion_hours
    training = facts.total_training_hours
    measures = [
        amount("social.insertion_hours", total),
        amount("social.training_hours", training),
        ratio("social.training_hours_share", training, total),
        amount("social.reserved_market_hours", facts.reserved_insertion_hours),
        ratio("social.reserved_market_hours_share", facts.reserved_insertion_hours, total),
    ]
    if previous is not None:
        prior = previous.total_insertion_hours
        measures.append(change("social.insertion_hours_change", total, prior))
    for category in MarketCategory:
        hours = facts.insertion_hours.get(category, Decimal(0))
        measures.append(amount("social.hours_by_category", hours, cell=category))
        measures.append(ratio("social.hours_category_share", hours, total, cell=category))
    measures.extend(
        amount("social.monthly_insertion_hours", hours, cell=month)
        for month, hours in facts.monthly_insertion_hours.items()
    )
    return measures


def people_measures(facts: YearFacts) -> list[Measure]:
    """Beneficiaries by gender and the shares of women and men."""
    total = facts.count(CountedThing.BENEFICIARIES)
    by_gender = facts.breakdown(CountedThing.BENEFICIARIES, "gender")
    measures = [amount("social.beneficiaries", total)]
    for gender in Gender:
        count = by_gender.get(gender, 0)
        measures.append(amount("social.beneficiaries_by_gender", count, cell=gender))
    for indicator, gender in (
        ("social.women_share", Gender.FEMALE),
        ("social.men_share", Gender.MALE),
    ):
        cells = (("social.beneficiaries_by_gender", gender), ("social.beneficiaries", None))
        measures.append(ratio(indicator, by_gender.get(gender, 0), total, depends_on=cells))
    return measures


def contract_measures(facts: YearFacts) -> list[Measure]:
    """Work contracts signed, by type, and each type's share."""
    total = facts.count(CountedThing.CONTRACTS)
    by_type = facts.breakdown(CountedThing.CONTRACTS, "contract_type")
    for roll_up, kinds in CONTRACT_ROLL_UPS.items():
        if roll_up not in by_type:  # a contract has one type: the roll-up is a plain sum
            by_type[roll_up] = sum(by_type.get(kind, 0) for kind in kinds)
    measures = [amount("social.contracts", total)]
    for kind in CONTRACT_CELLS:
        count = by_type.get(kind, 0)
        cells = (("social.contracts_by_type", kind), ("social.contracts", None))
        measures.append(amount("social.contracts_by_type", count, cell=kind))
        measures.append(
            ratio("social.contract_type_share", count, total, cell=kind, depends_on=cells)
        )
    return measures


def market_measures(facts: YearFacts) -> list[Measure]:
    """Markets with hours; markets notified above the threshold and their social considerations."""
    scope = facts.markets_above(SOCIAL_SCOPE_THRESHOLD_HT)
    social = [market for market in scope if market.social]
    measures = [
        amount("social.markets_with_hours", facts.count(CountedThing.MARKETS_WITH_HOURS)),
        amount("social.markets_notified_over_40k", len(scope)),
        amount("social.markets_with_social_consideration", len(social)),
        ratio("social.social_consideration_share", len(social), len(scope)),
    ]
    for kind in SocialConsideration:
        count = sum(1 for market in scope if kind in market.social)
        measures.append(amount("social.markets_by_social_consideration", count, cell=kind))
    return measures


def company_measures(facts: YearFacts) -> list[Measure]:
    """Companies engaged in the clause (employers with hours) and how many are SMEs."""
    employers = facts.count(CountedThing.EMPLOYERS)
    smes = facts.count(CountedThing.EMPLOYERS, "is_sme", "true")
    return [
        amount("social.companies_engaged", employers),
        amount("social.smes_engaged", smes),
        ratio("social.sme_share", smes, employers),
    ]


def social_measures(facts: YearFacts, previous: YearFacts | None) -> list[Measure]:
    """Every social-axis figure of the year."""
    return [
        *hours_measures(facts, previous),
        *people_measures(facts),
        *contract_measures(facts),
        *market_measures(facts),
        *company_measures(facts),
    ]
