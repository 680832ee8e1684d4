"""What the formulas read: one year's materialised figures, as immutable values."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from shared.aggregates import ClauseStatusCode, CountedThing
from shared.codes import MarketCategory, SocialConsideration

CountKey = tuple[CountedThing, str, str]
"""What a distinct count counts, its breakdown and the breakdown's value."""

SOCIAL_SCOPE_THRESHOLD_HT = Decimal(40_000)
"""Markets counted for the social and environmental consideration shares (procedure threshold)."""
ECONOMIC_SCOPE_THRESHOLD_HT = Decimal(15_000)
"""Markets counted for the economic axis."""


@dataclass(frozen=True, slots=True)
class NotifiedMarket:
    """A notified market (its latest version) as the economic, environmental and social
    formulas read it: its year, amount, category, considerations and holders' flags."""

    market_id: str
    year: int
    amount_ht: Decimal
    category: MarketCategory
    social: frozenset[SocialConsideration]
    environmental: bool
    in_territory: bool | None
    is_sme: bool | None


@dataclass(frozen=True, slots=True)
class ClauseFacts:
    """Where one market's insertion clause stands as of its last closed month."""

    market_id: str
    as_of_period: str
    status: ClauseStatusCode


@dataclass(frozen=True, slots=True)
class YearFacts:
    """One year's figures: hours sums, distinct counts, notified markets and clause statuses."""

    year: int
    insertion_hours: Mapping[MarketCategory, Decimal] = field(default_factory=dict)
    training_hours: Mapping[MarketCategory, Decimal] = field(default_factory=dict)
    reserved_insertion_hours: Decimal = Decimal(0)
    monthly_insertion_hours: Mapping[str, Decimal] = field(default_factory=dict)
    counts: Mapping[CountKey, int] = field(default_factory=dict)
    markets: tuple[NotifiedMarket, ...] = ()
    clauses: tuple[ClauseFacts, ...] = ()

    @property
    def total_insertion_hours(self) -> Decimal:
        """Insertion hours of the year, every category."""
        return sum(self.insertion_hours.values(), Decimal(0))

    @property
    def total_training_hours(self) -> Decimal:
        """Training hours of the year, every category."""
        return sum(self.training_hours.values(), Decimal(0))

    def count(self, counted: CountedThing, breakdown: str = "all", value: str = "all") -> int:
        """A distinct count of the year; zero when the clauses service published none."""
        return self.counts.get((counted, breakdown, value), 0)

    def breakdown(self, counted: CountedThing, breakdown: str) -> dict[str, int]:
        """Every value of one breakdown of a distinct count."""
        return {v: n for (c, b, v), n in self.counts.items() if c == counted and b == breakdown}

    def markets_above(self, threshold_ht: Decimal) -> tuple[NotifiedMarket, ...]:
        """Markets notified this year above `threshold_ht` ("supérieurs à", as the bilan says)."""
        return tuple(m for m in self.markets if m.amount_ht > threshold_ht)
