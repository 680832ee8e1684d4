"""Drafts the generator fills in step by step before it freezes them into records."""

from dataclasses import dataclass, field
from datetime import date

from reference_dataset.generator.companies import Company
from reference_dataset.targets import Group
from shared.codes import (
    ALTERNANCE,
    ContractType,
    EligiblePublic,
    EnvironmentalConsideration,
    Gender,
    MarketCategory,
    Modality,
    SocialConsideration,
)
from shared.events import InsertionCommitment


@dataclass(eq=False)
class DraftMarket:
    """A market; `group` is set for markets with hours (None for the others)."""

    category: MarketCategory
    notified: date
    holders: list[Company]
    social: tuple[SocialConsideration, ...]
    environmental: tuple[EnvironmentalConsideration, ...]
    title: str
    cpv: str
    group: Group | None = None
    first_year: int = 0
    last_year: int = 0
    start_month: int = 1
    market_id: str = ""
    amount_cents: int = 0
    duration_months: int = 12
    commitment: InsertionCommitment | None = None

    def earliest_month(self, year: int) -> int:
        """The first month of `year` in which hours may be worked on the market."""
        return self.start_month if year == self.first_year else 1


@dataclass(eq=False)
class Person:
    """A beneficiary, by the facilitator's raw identifier."""

    raw_id: str
    gender: Gender
    public: EligiblePublic


@dataclass(eq=False)
class DraftContract:
    """A work contract and the months it has hours in, year by year."""

    contract_id: str
    employer: Company
    market: DraftMarket
    contract_type: ContractType
    modality: Modality
    planned_months: int
    person: Person | None = None
    public: EligiblePublic | None = None
    start_day: int = 1
    months: dict[int, list[int]] = field(default_factory=dict)
    training_only: set[tuple[int, int]] = field(default_factory=set)
    carried: bool = False

    def months_so_far(self) -> int:
        """How many months the contract has had hours in."""
        return sum(len(months) for months in self.months.values())

    @property
    def is_alternance(self) -> bool:
        """Apprenticeship or professionalisation."""
        return self.contract_type in ALTERNANCE
