"""Records to and from their wire form: the JSON ingest's entry points take (raw identifiers)."""

from datetime import date
from decimal import Decimal

from deploy.dataset.model import (
    Commitment,
    Dataset,
    Invoice,
    Json,
    Kind,
    Market,
    MonthlyHours,
    Record,
    WorkContract,
)

Payload = dict[str, Json]


def money(value: Decimal | None) -> str | None:
    """A Decimal as a string with two places (hours or euros), or None."""
    return None if value is None else f"{value:.2f}"


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _commitment(value: Commitment | None) -> Json:
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


def identity(kind: Kind, payload: Payload) -> tuple[str, ...]:
    """The identity a later submission replaces (the events' IDENTITY)."""
    names = {
        Kind.MARKET: ("market_id",),
        Kind.INVOICE: ("market_id", "holder_siret", "period"),
        Kind.WORK_CONTRACT: ("contract_id",),
        Kind.MONTHLY_HOURS: ("market_id", "employer_siret", "period"),
    }[kind]
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
