"""What facilitators and contractors send: the input shapes, distinct from the events.

Contract and hours submissions carry the raw beneficiary identifier; it is replaced by its
pseudonym before any event is built, and never appears in an error message.
"""

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shared.codes import (
    ContractType,
    EligiblePublic,
    EnvironmentalConsideration,
    Gender,
    MarketCategory,
    Modality,
    SocialConsideration,
)
from shared.events import Buyer, Holder, InsertionCommitment
from shared.types import AmountHT, Identifier, Period, Siret

_SPECIAL = {"nan", "inf", "infinity", "snan"}
_ASCII_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)


def _ascii_number(value: Any) -> Any:
    """Refuse numbers written with other digits than 0-9 (Decimal reads Arabic-Indic or
    full-width digits as if they were ASCII ones); NaN and infinities are left to the type."""
    text = value.strip() if isinstance(value, str) else ""
    if text and not _ASCII_NUMBER.fullmatch(text) and text.lower().lstrip("+-") not in _SPECIAL:
        raise ValueError("nombre attendu, écrit avec les chiffres 0 à 9 et un point décimal")
    return value


AsciiNumber = BeforeValidator(_ascii_number)
AmountInput = Annotated[AmountHT, AsciiNumber]
BeneficiaryId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        description="The beneficiary's identifier at the facilitator's; pseudonymised on entry",
    ),
]
HoursInput = Annotated[
    Decimal,
    AsciiNumber,
    Field(
        max_digits=8,
        decimal_places=2,
        description="A number of hours (at most two decimals); checked against the ceiling",
    ),
]


class Submission(BaseModel):
    """An input shape: unknown fields are an error, strings are stripped."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


ReplacesVersion = Annotated[
    int | None,
    Field(
        strict=True,  # a version is a number: "2" is refused, not read as 2
        ge=0,
        le=2**31 - 1,
        description="The version this item corrects (the `version` of its receipt; 0: the "
        "first one, nothing may exist yet); when another version is current it is refused "
        "with 409 and nothing is published",
    ),
]


class MarketSubmission(Submission):
    """A market notified by a buyer (facilitators only)."""

    market_id: Identifier
    buyer: Buyer
    title: str = Field(min_length=1, max_length=500)
    category: MarketCategory
    cpv_code: str | None = Field(default=None, pattern=r"^[0-9]{8}(-[0-9])?$")
    amount_ht: AmountInput
    notification_date: date
    duration_months: int = Field(gt=0, le=600)
    holders: list[Holder] = Field(min_length=1, max_length=100)
    social_considerations: list[SocialConsideration] = Field(default=[], max_length=3)
    environmental_considerations: list[EnvironmentalConsideration] = Field(default=[], max_length=2)
    insertion_commitment: InsertionCommitment | None = None
    replaces_version: ReplacesVersion = None


class InvoiceSubmission(Submission):
    """An amount a holder invoiced on a market for a month."""

    market_id: Identifier
    holder_siret: Siret
    period: Period
    amount_ht: AmountInput
    replaces_version: ReplacesVersion = None


class WorkContractSubmission(Submission):
    """A work contract a beneficiary signed with an employer under a market's clause."""

    contract_id: Identifier
    beneficiary_id: BeneficiaryId
    gender: Gender
    contract_type: ContractType
    eligible_public: EligiblePublic
    modality: Modality
    employer_siret: Siret
    market_id: Identifier
    start_date: date
    end_date: date | None = None
    replaces_version: ReplacesVersion = None


class HoursLineSubmission(Submission):
    """Hours one beneficiary worked in the month under one (already submitted) contract."""

    beneficiary_id: BeneficiaryId
    contract_id: Identifier
    insertion_hours: HoursInput
    training_hours: HoursInput = Decimal(0)


class MonthlyHoursSubmission(Submission):
    """One month's report of one employer on one market; a resubmission replaces it whole."""

    market_id: Identifier
    employer_siret: Siret
    period: Period
    lines: list[HoursLineSubmission] = Field(default=[], max_length=10_000)
    replaces_version: ReplacesVersion = None
