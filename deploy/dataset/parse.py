"""Records from their wire form (the JSON of a valid submission)."""

from datetime import date
from decimal import Decimal
from typing import cast

from deploy.dataset.model import (
    Commitment,
    Holder,
    HoursLine,
    Invoice,
    Json,
    Kind,
    Market,
    MonthlyHours,
    Record,
    WorkContract,
)
from deploy.dataset.wire import Payload
from shared.codes import (
    ContractType,
    EligiblePublic,
    EnvironmentalConsideration,
    Gender,
    MarketCategory,
    Modality,
    SocialConsideration,
)


def _text(payload: Payload, name: str) -> str:
    return str(payload[name])


def _decimal(payload: Payload, name: str) -> Decimal | None:
    value = payload.get(name)
    return None if value is None else Decimal(str(value))


def _required_decimal(payload: Payload, name: str) -> Decimal:
    return Decimal(_text(payload, name))


def _optional_day(payload: Payload, name: str) -> date | None:
    value = payload.get(name)
    return None if value is None else date.fromisoformat(str(value))


def _objects(payload: Payload, name: str) -> list[Payload]:
    return cast(list[Payload], payload[name])


def _market_from(payload: Payload) -> Market:
    buyer = cast(Payload, payload["buyer"])
    commitment = cast(Payload | None, payload["insertion_commitment"])
    return Market(
        market_id=_text(payload, "market_id"),
        buyer_siret=_text(buyer, "siret"),
        buyer_name=_text(buyer, "name"),
        title=_text(payload, "title"),
        category=MarketCategory(_text(payload, "category")),
        cpv_code=_text(payload, "cpv_code"),
        amount_ht=_required_decimal(payload, "amount_ht"),
        notification_date=date.fromisoformat(_text(payload, "notification_date")),
        duration_months=int(cast(int, payload["duration_months"])),
        holders=tuple(
            Holder(
                siret=_text(h, "siret"),
                name=_text(h, "name"),
                is_sme=cast(bool | None, h["is_sme"]),
                in_territory=cast(bool | None, h["in_territory"]),
            )
            for h in _objects(payload, "holders")
        ),
        social_considerations=tuple(
            SocialConsideration(str(c)) for c in cast(list[Json], payload["social_considerations"])
        ),
        environmental_considerations=tuple(
            EnvironmentalConsideration(str(c))
            for c in cast(list[Json], payload["environmental_considerations"])
        ),
        insertion_commitment=None
        if commitment is None
        else Commitment(
            hours_per_10k_eur_ht=_decimal(commitment, "hours_per_10k_eur_ht"),
            min_hours_per_year=_decimal(commitment, "min_hours_per_year"),
            fixed_total_hours=_decimal(commitment, "fixed_total_hours"),
        ),
    )


def _contract_from(payload: Payload) -> WorkContract:
    return WorkContract(
        contract_id=_text(payload, "contract_id"),
        beneficiary_id=_text(payload, "beneficiary_id"),
        gender=Gender(_text(payload, "gender")),
        contract_type=ContractType(_text(payload, "contract_type")),
        eligible_public=EligiblePublic(_text(payload, "eligible_public")),
        modality=Modality(_text(payload, "modality")),
        employer_siret=_text(payload, "employer_siret"),
        market_id=_text(payload, "market_id"),
        start_date=date.fromisoformat(_text(payload, "start_date")),
        end_date=_optional_day(payload, "end_date"),
    )


def _hours_from(payload: Payload) -> MonthlyHours:
    return MonthlyHours(
        market_id=_text(payload, "market_id"),
        employer_siret=_text(payload, "employer_siret"),
        period=_text(payload, "period"),
        lines=tuple(
            HoursLine(
                beneficiary_id=_text(line, "beneficiary_id"),
                contract_id=_text(line, "contract_id"),
                insertion_hours=_required_decimal(line, "insertion_hours"),
                training_hours=_required_decimal(line, "training_hours"),
            )
            for line in _objects(payload, "lines")
        ),
    )


def from_wire(kind: Kind, payload: Payload) -> Record:
    """The record a (valid) submission carries."""
    match kind:
        case Kind.MARKET:
            return _market_from(payload)
        case Kind.INVOICE:
            return Invoice(
                market_id=_text(payload, "market_id"),
                holder_siret=_text(payload, "holder_siret"),
                period=_text(payload, "period"),
                amount_ht=_required_decimal(payload, "amount_ht"),
            )
        case Kind.WORK_CONTRACT:
            return _contract_from(payload)
        case Kind.MONTHLY_HOURS:
            return _hours_from(payload)
