"""What happened in the region, as plain frozen records, and their wire form both ways.

The records mirror the event contract (`shared/events.py`, whose `Holder` and
`InsertionCommitment` they use as they are) and ingest's input shapes, with one difference:
a beneficiary is known by the facilitator's RAW identifier, because the dataset enters the
system through ingest, which pseudonymises it. Amounts and hours are
Decimals with two places; a period is a month, "YYYY-MM". The wire form is the JSON ingest's
entry points take (raw identifiers); `to_wire` writes it, `from_wire` reads a valid one back.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeAlias, cast

from shared.codes import (
    ContractType,
    EligiblePublic,
    EnvironmentalConsideration,
    Gender,
    MarketCategory,
    Modality,
    SocialConsideration,
)
from shared.events import (
    Event,
    Holder,
    InsertionCommitment,
    InvoiceRecorded,
    MarketNotified,
    MonthlyHoursReported,
    WorkContractSigned,
)


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
    insertion_commitment: InsertionCommitment | None


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


EVENT_OF: dict[Kind, type[Event]] = {
    Kind.MARKET: MarketNotified,
    Kind.INVOICE: InvoiceRecorded,
    Kind.WORK_CONTRACT: WorkContractSigned,
    Kind.MONTHLY_HOURS: MonthlyHoursReported,
}  # the event each kind of submission becomes in ingest

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


Payload = dict[str, Json]


def money(value: Decimal | None) -> str | None:
    """A Decimal as a string with two places (hours or euros), or None."""
    return None if value is None else f"{value:.2f}"


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _commitment(value: InsertionCommitment | None) -> Json:
    if value is None:
        return None
    return {
        "hours_per_10k_eur_ht": money(value.hours_per_10k_eur_ht),
        "min_hours_per_year": money(value.min_hours_per_year),
        "fixed_total_hours": money(value.fixed_total_hours),
    }


def _market(market: Market) -> Payload:
    holders: list[Json] = [
        {"siret": h.siret, "name": h.name, "is_sme": h.is_sme, "in_territory": h.in_territory}
        for h in market.holders
    ]
    return {
        "market_id": market.market_id,
        "buyer": {"siret": market.buyer_siret, "name": market.buyer_name},
        "title": market.title,
        "category": market.category.value,
        "cpv_code": market.cpv_code,
        "amount_ht": money(market.amount_ht),
        "notification_date": market.notification_date.isoformat(),
        "duration_months": market.duration_months,
        "holders": holders,
        "social_considerations": [c.value for c in market.social_considerations],
        "environmental_considerations": [c.value for c in market.environmental_considerations],
        "insertion_commitment": _commitment(market.insertion_commitment),
    }


def _contract(contract: WorkContract) -> Payload:
    return {
        "contract_id": contract.contract_id,
        "beneficiary_id": contract.beneficiary_id,
        "gender": contract.gender.value,
        "contract_type": contract.contract_type.value,
        "eligible_public": contract.eligible_public.value,
        "modality": contract.modality.value,
        "employer_siret": contract.employer_siret,
        "market_id": contract.market_id,
        "start_date": contract.start_date.isoformat(),
        "end_date": _day(contract.end_date),
    }


def _hours(report: MonthlyHours) -> Payload:
    lines: list[Json] = [
        {
            "beneficiary_id": line.beneficiary_id,
            "contract_id": line.contract_id,
            "insertion_hours": money(line.insertion_hours),
            "training_hours": money(line.training_hours),
        }
        for line in report.lines
    ]
    return {
        "market_id": report.market_id,
        "employer_siret": report.employer_siret,
        "period": report.period,
        "lines": lines,
    }


def kind_of(record: Record) -> Kind:
    """The kind of submission that carries a record."""
    match record:
        case Market():
            return Kind.MARKET
        case Invoice():
            return Kind.INVOICE
        case WorkContract():
            return Kind.WORK_CONTRACT
        case MonthlyHours():
            return Kind.MONTHLY_HOURS


def to_wire(record: Record) -> Payload:
    """The JSON object a record is submitted as."""
    match record:
        case Market():
            return _market(record)
        case Invoice():
            return {
                "market_id": record.market_id,
                "holder_siret": record.holder_siret,
                "period": record.period,
                "amount_ht": money(record.amount_ht),
            }
        case WorkContract():
            return _contract(record)
        case MonthlyHours():
            return _hours(record)


def lines_of(payload: Payload) -> list[dict[str, Json]]:
    """The lines of a monthly report's payload."""
    lines = payload["lines"]
    assert isinstance(lines, list)
    return [line for line in lines if isinstance(line, dict)]


def identity(kind: Kind, payload: Payload) -> tuple[str, ...]:
    """The identity a later submission replaces (the events' IDENTITY)."""
    names = EVENT_OF[kind].IDENTITY
    return (kind.value, *(str(payload[name]) for name in names))


def records(dataset: Dataset) -> list[Record]:
    """Every record of a dataset, markets first, in a stable order."""
    return [*dataset.markets, *dataset.contracts, *dataset.invoices, *dataset.hours]


def assemble(seed: int, items: list[Record]) -> Dataset:
    """A dataset of these records, each kind in its canonical order."""
    return Dataset(
        seed=seed,
        markets=tuple(
            sorted((r for r in items if isinstance(r, Market)), key=lambda m: m.market_id)
        ),
        invoices=tuple(
            sorted(
                (r for r in items if isinstance(r, Invoice)),
                key=lambda i: (i.market_id, i.period, i.holder_siret),
            )
        ),
        contracts=tuple(
            sorted((r for r in items if isinstance(r, WorkContract)), key=lambda c: c.contract_id)
        ),
        hours=tuple(
            sorted(
                (r for r in items if isinstance(r, MonthlyHours)),
                key=lambda h: (h.period, h.market_id, h.employer_siret),
            )
        ),
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
        else InsertionCommitment(
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
