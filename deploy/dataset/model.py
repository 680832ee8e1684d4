"""What happened in the region, as plain frozen records.

The records mirror the event contract (`shared/events.py`) and ingest's input shapes, with
one difference: a beneficiary is known by the facilitator's RAW identifier, because the
dataset enters the system through ingest, which pseudonymises it. Amounts and hours are
Decimals with two places; a period is a month, "YYYY-MM".
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeAlias

from shared.codes import (
    ContractType,
    EligiblePublic,
    EnvironmentalConsideration,
    Gender,
    MarketCategory,
    Modality,
    SocialConsideration,
)


@dataclass(frozen=True, slots=True)
class Holder:
    """A company that holds (part of) a market."""

    siret: str
    name: str
    is_sme: bool | None
    in_territory: bool | None


@dataclass(frozen=True, slots=True)
class Commitment:
    """Hours owed: per 10 000 EUR HT invoiced with a yearly floor, or a fixed total."""

    hours_per_10k_eur_ht: Decimal | None = None
    min_hours_per_year: Decimal | None = None
    fixed_total_hours: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Market:
    """A market (or a concession, for `public_service_delegation`) notified by the buyer."""

    market_id: str
    buyer_siret: str
    buyer_name: str
    title: str
    category: MarketCategory
    cpv_code: str
    amount_ht: Decimal
    notification_date: date
    duration_months: int
    holders: tuple[Holder, ...]
    social_considerations: tuple[SocialConsideration, ...]
    environmental_considerations: tuple[EnvironmentalConsideration, ...]
    insertion_commitment: Commitment | None


@dataclass(frozen=True, slots=True)
class Invoice:
    """What one holder invoiced on one market for one month."""

    market_id: str
    holder_siret: str
    period: str
    amount_ht: Decimal


@dataclass(frozen=True, slots=True)
class WorkContract:
    """A work contract a beneficiary signed with an employer under a market's clause."""

    contract_id: str
    beneficiary_id: str
    gender: Gender
    contract_type: ContractType
    eligible_public: EligiblePublic
    modality: Modality
    employer_siret: str
    market_id: str
    start_date: date
    end_date: date | None


@dataclass(frozen=True, slots=True)
class HoursLine:
    """Hours one beneficiary worked in the month under one contract."""

    beneficiary_id: str
    contract_id: str
    insertion_hours: Decimal
    training_hours: Decimal


@dataclass(frozen=True, slots=True)
class MonthlyHours:
    """One employer's report of one month on one market: one line per contract."""

    market_id: str
    employer_siret: str
    period: str
    lines: tuple[HoursLine, ...]


Record: TypeAlias = Market | Invoice | WorkContract | MonthlyHours


@dataclass(frozen=True, slots=True)
class Dataset:
    """The final state of the facts: one record per identity, no mess."""

    seed: int
    markets: tuple[Market, ...]
    invoices: tuple[Invoice, ...]
    contracts: tuple[WorkContract, ...]
    hours: tuple[MonthlyHours, ...]


class Kind(StrEnum):
    """What a submission carries (and which entry point of ingest takes it)."""

    MARKET = "market"
    INVOICE = "invoice"
    WORK_CONTRACT = "work_contract"
    MONTHLY_HOURS = "monthly_hours"


class Expected(StrEnum):
    """What ingest must do with a submission."""

    ACCEPTED = "accepted"
    REFUSED = "refused"


class Tag(StrEnum):
    """Which mess of real life a submission shows."""

    LATE = "late"  # a month reported months after it ended
    DUPLICATE = "duplicate"  # the very same submission sent again
    SUPERSEDED = "superseded"  # a first version that a later submission replaces
    CORRECTION = "correction"  # the version that replaces an earlier one
    BEFORE_CONTRACT = "before_contract"  # hours sent before their work contract was declared
    RESENT = "resent"  # the same report sent again once its contract is known
    INVALID = "invalid"  # a row ingest must refuse; its corrected form follows


Json: TypeAlias = bool | int | str | list["Json"] | dict[str, "Json"] | None


@dataclass(frozen=True, slots=True)
class Submission:
    """One submission as it reaches ingest, in arrival order (`seq`), with what must happen."""

    seq: int
    received_at: datetime
    kind: Kind
    payload: dict[str, Json]
    expected: Expected
    reason: str | None
    tags: tuple[Tag, ...]
