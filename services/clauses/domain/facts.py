"""Compact facts kept from each event: only what the aggregates need, hours in hundredths.

Hours carry two decimals at most (`shared.types.Hours`), so an integer number of
hundredths is exact, small and fast to add.
"""

import sys
from dataclasses import dataclass

from shared.codes import ALTERNANCE, SocialConsideration
from shared.events import (
    InsertionCommitment,
    InvoiceRecorded,
    MarketNotified,
    MonthlyHoursReported,
    WorkContractSigned,
)
from shared.hundredths import to_hundredths

ReportKey = tuple[str, str, str]  # market_id, employer_siret, period
InvoiceKey = tuple[str, str, str]  # market_id, holder_siret, period
Line = tuple[str, int, int]  # contract_id, insertion and training hours in hundredths
Breakdowns = tuple[tuple[str, str], ...]  # (breakdown, value) pairs a counted entity has

_ALTERNANCE = frozenset(str(code) for code in ALTERNANCE)
_intern = sys.intern  # identifiers repeat across events: keep one copy of each


@dataclass(frozen=True, slots=True)
class MarketFacts:
    """A market as the aggregation sees it."""

    version: int
    category: str
    reserved: bool
    sme_holders: frozenset[str]
    notified: str  # the month of notification, YYYY-MM
    duration_months: int
    commitment: InsertionCommitment | None
    breakdowns: Breakdowns  # how a market with hours is counted

    @classmethod
    def of(
        cls,
        *,
        version: int,
        category: str,
        reserved: bool,
        sme_holders: frozenset[str],
        notified: str,
        duration_months: int,
        commitment: InsertionCommitment | None,
    ) -> "MarketFacts":
        """Facts from their values (the breakdowns follow)."""
        breakdowns = (
            ("all", "all"),
            ("category", category),
            ("reserved_market", "true" if reserved else "false"),
        )
        return cls(
            version,
            category,
            reserved,
            sme_holders,
            notified,
            duration_months,
            commitment,
            breakdowns,
        )


@dataclass(frozen=True, slots=True)
class ContractFacts:
    """A work contract as the aggregation sees it."""

    version: int
    beneficiary: str
    gender: str
    contract_type: str
    eligible_public: str
    modality: str
    breakdowns: Breakdowns  # how a counted contract (and its beneficiary) is counted

    @classmethod
    def of(
        cls,
        *,
        version: int,
        beneficiary: str,
        gender: str,
        contract_type: str,
        eligible_public: str,
        modality: str,
    ) -> "ContractFacts":
        """Facts from their values (the breakdowns follow, `alternance` included)."""
        breakdowns = [
            ("all", "all"),
            ("gender", gender),
            ("contract_type", contract_type),
            ("eligible_public", eligible_public),
            ("modality", modality),
        ]
        if contract_type in _ALTERNANCE:
            breakdowns.append(("contract_type", "alternance"))
        return cls(
            version,
            _intern(beneficiary),
            gender,
            contract_type,
            eligible_public,
            modality,
            tuple(breakdowns),
        )


@dataclass(frozen=True, slots=True)
class Report:
    """The latest version of one employer's month on one market."""

    version: int
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Invoice:
    """The latest version of one holder's invoiced amount for a month, in cents."""

    version: int
    cents: int


def market_facts(event: MarketNotified) -> MarketFacts:
    """What the aggregation keeps of a market."""
    return MarketFacts.of(
        version=event.version,
        category=str(event.category),
        reserved=SocialConsideration.RESERVED_MARKET in event.social_considerations,
        sme_holders=frozenset(_intern(h.siret) for h in event.holders if h.is_sme),
        notified=event.notification_date.strftime("%Y-%m"),
        duration_months=event.duration_months,
        commitment=event.insertion_commitment,
    )


def contract_facts(event: WorkContractSigned) -> ContractFacts:
    """What the aggregation keeps of a work contract."""
    return ContractFacts.of(
        version=event.version,
        beneficiary=event.beneficiary,
        gender=str(event.gender),
        contract_type=str(event.contract_type),
        eligible_public=str(event.eligible_public),
        modality=str(event.modality),
    )


def report_of(event: MonthlyHoursReported) -> tuple[ReportKey, Report]:
    """The identity of a monthly report and what the aggregation keeps of it."""
    lines = tuple(
        (
            _intern(line.contract_id),
            to_hundredths(line.insertion_hours),
            to_hundredths(line.training_hours),
        )
        for line in event.lines
    )
    key = (_intern(event.market_id), _intern(event.employer_siret), _intern(event.period))
    return key, Report(version=event.version, lines=lines)


def invoice_of(event: InvoiceRecorded) -> tuple[InvoiceKey, Invoice]:
    """The identity of an invoice and its amount in cents."""
    key = (_intern(event.market_id), _intern(event.holder_siret), _intern(event.period))
    return key, Invoice(version=event.version, cents=to_hundredths(event.amount_ht))
