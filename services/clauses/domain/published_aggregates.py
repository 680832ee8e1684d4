"""The tally's changes in their published form: aggregate models, row values, outbox messages.

From the tally's keys and values to the aggregates of `shared.aggregates`. The values
come from validated events, so the models are built without validating them again (it was
most of the cost of a batch); the one bound a sum could exceed, the contract's
999 999.99 hours of a cell, is checked here.

A batch changes about two hours cells per event. Building each as a pydantic HoursCell,
then an AggregateChanged, then its JSON and its row cost more than folding the event;
`encode` therefore writes cells and counts straight from the tally's keys and values
(clause statuses, a few per batch, still go through the models). The JSON is the one
`AggregateChanged.model_dump_json` writes: every string in it is a code, an identifier
(letters, digits and `._/-`), a SIRET or a month, none of which JSON escapes
(`tests/unit/clauses/test_published_aggregates.py` checks it against the models). Rows
are plain values by aggregate kind (hours in integer hundredths), written in bulk by
the storage.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter

from services.clauses.domain.tally import CellKey, CountKey, Tally
from shared.aggregates import (
    AggregateChanged,
    ClauseStatus,
    ClauseStatusCode,
    CountedThing,
    DistinctCount,
    HoursCell,
    aggregate_key,
)
from shared.codes import ContractType, EligiblePublic, Gender, MarketCategory, Modality
from shared.hundredths import from_hundredths, to_hundredths

Aggregate = HoursCell | DistinctCount | ClauseStatus
Published = tuple[str, str]  # key and payload of an aggregate change
RowValues = dict[str, Any]
MAX_CELL_HUNDREDTHS = 99_999_999  # shared.types.Hours: 8 digits, 2 of them decimals
_INSTANT = TypeAdapter(datetime)


@dataclass(frozen=True, slots=True)
class Change:
    """The new value of an aggregate; `present` is False when it became empty (zeros)."""

    aggregate: Aggregate
    present: bool


@dataclass(frozen=True, slots=True)
class Drained:
    """What changed since the last drain, as the tally's values (cheap to encode in bulk)."""

    cells: dict[CellKey, tuple[int, int]]  # (0, 0): the cell became empty
    counts: dict[CountKey, int]  # 0: the count became empty
    statuses: list[Change]


def cell_key_text(key: CellKey) -> str:
    """The aggregate key of a cell (`shared.aggregates.aggregate_key` of its HoursCell)."""
    period, market_id, category, reserved, gender, contract_type, public, modality, employer = key
    reserved_text = "true" if reserved else "false"
    parts = [period, market_id, category, reserved_text, gender, contract_type, public, modality]
    return "|".join(["hours", *parts, employer])


def count_key_text(key: CountKey) -> str:
    """The aggregate key of a distinct count."""
    year, counted, breakdown, value = key
    return f"distinct_count|{year}|{counted}|{breakdown}|{value}"


def hours_cell(key: CellKey, value: tuple[int, int]) -> HoursCell:
    """The published form of a cell (zeros when it became empty)."""
    period, market_id, category, reserved, gender, contract_type, public, modality, employer = key
    if max(value) > MAX_CELL_HUNDREDTHS:
        raise ValueError(f"cell {key}: {value} hundredths of hours exceed what HoursCell carries")
    return HoursCell.model_construct(
        kind="hours",
        period=period,
        market_id=market_id,
        category=MarketCategory(category),
        reserved_market=reserved,
        gender=Gender(gender),
        contract_type=ContractType(contract_type),
        eligible_public=EligiblePublic(public),
        modality=Modality(modality),
        employer_siret=employer,
        insertion_hours=from_hundredths(value[0]),
        training_hours=from_hundredths(value[1]),
    )


def distinct_count(key: CountKey, value: int) -> DistinctCount:
    """The published form of a distinct count."""
    year, counted, breakdown, breakdown_value = key
    return DistinctCount.model_construct(
        kind="distinct_count",
        year=year,
        counted=CountedThing(counted),
        breakdown=breakdown,
        value=breakdown_value,
        count=value,
    )


def nothing_owed(previous: ClauseStatus) -> ClauseStatus:
    """What replaces the status of a market whose latest version has no commitment any more."""
    return previous.model_copy(
        update={"hours_owed": Decimal(0), "status": ClauseStatusCode.ON_TRACK}
    )


def snapshot(tally: Tally, statuses: Iterable[ClauseStatus]) -> dict[str, Aggregate]:
    """Every present aggregate by its key: what a consumer upserting by key ends with."""
    found: list[Aggregate] = [hours_cell(key, value) for key, value in tally.cells.items()]
    found += [distinct_count(key, value) for key, value in tally.all_counts()]
    found += statuses
    return {aggregate_key(aggregate): aggregate for aggregate in found}


def row_of(aggregate: Aggregate) -> RowValues:
    """The row of an aggregate, as plain values (its kind names its table)."""
    match aggregate:
        case HoursCell():
            return {
                "key": aggregate_key(aggregate),
                "period": aggregate.period,
                "market_id": aggregate.market_id,
                "category": aggregate.category.value,
                "reserved_market": aggregate.reserved_market,
                "gender": aggregate.gender.value,
                "contract_type": aggregate.contract_type.value,
                "eligible_public": aggregate.eligible_public.value,
                "modality": aggregate.modality.value,
                "employer_siret": aggregate.employer_siret,
                "insertion_hundredths": to_hundredths(aggregate.insertion_hours),
                "training_hundredths": to_hundredths(aggregate.training_hours),
            }
        case DistinctCount():
            return {
                "key": aggregate_key(aggregate),
                "year": aggregate.year,
                "counted": aggregate.counted.value,
                "breakdown": aggregate.breakdown,
                "value": aggregate.value,
                "count": aggregate.count,
            }
        case ClauseStatus():
            return {
                "market_id": aggregate.market_id,
                "as_of_period": aggregate.as_of_period,
                "owed_hundredths": to_hundredths(aggregate.hours_owed),
                "realised_hundredths": to_hundredths(aggregate.hours_realised),
                "status": aggregate.status.value,
            }


@dataclass(slots=True)
class Encoded:
    """Rows to upsert and keys to delete by aggregate kind, and the messages to publish."""

    rows: dict[str, tuple[list[RowValues], list[Any]]] = field(
        default_factory=lambda: {kind: ([], []) for kind in ("hours", "distinct_count")}
    )
    messages: list[Published] = field(default_factory=list)
    statuses_changed: bool = False


def _hours(hundredths: int) -> str:
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def encode(drained: Drained, applied_at: datetime) -> Encoded:
    """The rows and messages of what a batch changed."""
    at = _INSTANT.dump_json(applied_at).decode()
    encoded = Encoded()
    present, absent = encoded.rows["hours"]
    messages = encoded.messages
    for cell, (insertion, training) in drained.cells.items():
        if max(insertion, training) > MAX_CELL_HUNDREDTHS:
            raise ValueError(f"cell {cell}: hundredths of hours exceed what HoursCell carries")
        period, market, category, reserved, gender, kind, public, modality, employer = cell
        flag = "true" if reserved else "false"
        key = (
            f"hours|{period}|{market}|{category}|{flag}|{gender}|{kind}|{public}|{modality}|"
            f"{employer}"
        )
        messages.append(
            (
                key,
                f'{{"schema_version":1,"key":"{key}","aggregate":{{"kind":"hours",'
                f'"period":"{period}","market_id":"{market}","category":"{category}",'
                f'"reserved_market":{flag},"gender":"{gender}","contract_type":"{kind}",'
                f'"eligible_public":"{public}","modality":"{modality}",'
                f'"employer_siret":"{employer}","insertion_hours":"{_hours(insertion)}",'
                f'"training_hours":"{_hours(training)}"}},"applied_at":{at}}}',
            )
        )
        if insertion or training:
            present.append(
                {
                    "key": key,
                    "period": period,
                    "market_id": market,
                    "category": category,
                    "reserved_market": reserved,
                    "gender": gender,
                    "contract_type": kind,
                    "eligible_public": public,
                    "modality": modality,
                    "employer_siret": employer,
                    "insertion_hundredths": insertion,
                    "training_hundredths": training,
                }
            )
        else:
            absent.append(key)
    present, absent = encoded.rows["distinct_count"]
    for (year, counted, breakdown, value), count in drained.counts.items():
        key = count_key_text((year, counted, breakdown, value))
        messages.append(
            (
                key,
                f'{{"schema_version":1,"key":"{key}","aggregate":{{"kind":"distinct_count",'
                f'"year":{year},"counted":"{counted}","breakdown":"{breakdown}",'
                f'"value":"{value}","count":{count}}},"applied_at":{at}}}',
            )
        )
        if count:
            present.append(
                {
                    "key": key,
                    "year": year,
                    "counted": counted,
                    "breakdown": breakdown,
                    "value": value,
                    "count": count,
                }
            )
        else:
            absent.append(key)
    _statuses(encoded, drained.statuses, applied_at)
    return encoded


def _statuses(encoded: Encoded, changes: Sequence[Change], applied_at: datetime) -> None:
    """Clause statuses, through their models (a few per batch)."""
    present, absent = encoded.rows.setdefault("clause", ([], []))
    for change in changes:
        status = change.aggregate
        assert isinstance(status, ClauseStatus)
        key = aggregate_key(status)
        message = AggregateChanged.model_construct(
            schema_version=1, key=key, aggregate=status, applied_at=applied_at
        )
        encoded.messages.append((key, message.model_dump_json()))
        if change.present:
            present.append(row_of(status))
        else:
            absent.append(status.market_id)
        encoded.statuses_changed = True
