"""Builders of valid events; a test overrides only what it is about."""

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from shared.aggregates import (
    AggregateChanged,
    ClauseStatus,
    DistinctCount,
    HoursCell,
    aggregate_key,
)
from shared.events import (
    InvoiceRecorded,
    MarketNotified,
    MonthlyHoursReported,
    WorkContractSigned,
)

BUYER_SIRET = "23440003400026"
HOLDER_SIRET = "35600000000048"


def pseudonym(name: str) -> str:
    """A stand-in pseudonym for a test person (tests never need the real keyed hash)."""
    return hashlib.sha256(name.encode()).hexdigest()


def a_market(**overrides: Any) -> MarketNotified:
    """A works market with a proportional insertion clause."""
    fields: dict[str, Any] = {
        "market_id": "2023-0042",
        "buyer": {"siret": BUYER_SIRET, "name": "Région des Pays de la Loire"},
        "title": "Construction du lycée de Nort-sur-Erdre",
        "category": "works",
        "cpv_code": "45214220",
        "amount_ht": Decimal("1250000.00"),
        "notification_date": date(2023, 3, 14),
        "duration_months": 24,
        "holders": [{"siret": HOLDER_SIRET, "is_sme": True, "in_territory": True}],
        "social_considerations": ["social_clause"],
        "insertion_commitment": {"hours_per_10k_eur_ht": 10, "min_hours_per_year": 150},
    }
    return MarketNotified.model_validate({**fields, **overrides})


def an_invoice(**overrides: Any) -> InvoiceRecorded:
    """An invoice on the default market."""
    fields: dict[str, Any] = {
        "market_id": "2023-0042",
        "holder_siret": HOLDER_SIRET,
        "period": "2023-06",
        "amount_ht": Decimal("85000.00"),
    }
    return InvoiceRecorded.model_validate({**fields, **overrides})


def a_contract(**overrides: Any) -> WorkContractSigned:
    """A CDDI signed by a woman on the default market."""
    fields: dict[str, Any] = {
        "contract_id": "C-0001",
        "beneficiary": pseudonym("beneficiary-1"),
        "gender": "female",
        "contract_type": "cddi",
        "eligible_public": "rsa",
        "modality": "direct_hire",
        "employer_siret": HOLDER_SIRET,
        "market_id": "2023-0042",
        "start_date": date(2023, 4, 1),
    }
    return WorkContractSigned.model_validate({**fields, **overrides})


def an_hours_report(**overrides: Any) -> MonthlyHoursReported:
    """One month of hours for one beneficiary on the default market."""
    fields: dict[str, Any] = {
        "market_id": "2023-0042",
        "employer_siret": HOLDER_SIRET,
        "period": "2023-06",
        "lines": [
            {
                "beneficiary": pseudonym("beneficiary-1"),
                "contract_id": "C-0001",
                "insertion_hours": Decimal("151.67"),
                "training_hours": Decimal("7.00"),
            }
        ],
    }
    return MonthlyHoursReported.model_validate({**fields, **overrides})


def an_hours_cell(**overrides: Any) -> HoursCell:
    """A month of hours on the default works market, one woman in a CDDI hired directly."""
    fields: dict[str, Any] = {
        "period": "2023-06",
        "market_id": "2023-0042",
        "category": "works",
        "reserved_market": False,
        "gender": "female",
        "contract_type": "cddi",
        "eligible_public": "rsa",
        "modality": "direct_hire",
        "employer_siret": HOLDER_SIRET,
        "insertion_hours": Decimal("151.67"),
        "training_hours": Decimal("7.00"),
    }
    return HoursCell.model_validate({**fields, **overrides})


def a_distinct_count(**overrides: Any) -> DistinctCount:
    """The number of beneficiaries with hours in 2023, all of them."""
    fields: dict[str, Any] = {
        "year": 2023,
        "counted": "beneficiaries",
        "breakdown": "all",
        "value": "all",
        "count": 1,
    }
    return DistinctCount.model_validate({**fields, **overrides})


def a_clause_status(**overrides: Any) -> ClauseStatus:
    """The default market's clause, on track as of June 2023."""
    fields: dict[str, Any] = {
        "market_id": "2023-0042",
        "as_of_period": "2023-06",
        "hours_owed": Decimal("150.00"),
        "hours_realised": Decimal("151.67"),
        "status": "on_track",
    }
    return ClauseStatus.model_validate({**fields, **overrides})


def an_aggregate_change(
    aggregate: HoursCell | DistinctCount | ClauseStatus | None = None, **overrides: Any
) -> AggregateChanged:
    """The change the clauses service publishes for an aggregate (an hours cell by default)."""
    value = aggregate if aggregate is not None else an_hours_cell()
    fields: dict[str, Any] = {
        "key": aggregate_key(value),
        "aggregate": value,
        "applied_at": datetime(2023, 7, 3, 9, 30, tzinfo=UTC),
    }
    return AggregateChanged.model_validate({**fields, **overrides})


def beneficiary_counts(*, female: int, male: int, year: int = 2023) -> list[AggregateChanged]:
    """The distinct counts of beneficiaries of a year: the total and by gender."""
    return [
        an_aggregate_change(a_distinct_count(year=year, count=female + male)),
        an_aggregate_change(
            a_distinct_count(year=year, breakdown="gender", value="female", count=female)
        ),
        an_aggregate_change(
            a_distinct_count(year=year, breakdown="gender", value="male", count=male)
        ),
    ]
