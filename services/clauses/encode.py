"""A batch's changes as table rows and outbox messages, without building a model per cell.

A batch changes about two hours cells per event. Building each as a pydantic HoursCell,
then an AggregateChanged, then its JSON and its row cost more than folding the event;
cells and counts are therefore written here straight from the tally's keys and values
(clause statuses, a few per batch, still go through the models). The JSON is the one
`AggregateChanged.model_dump_json` writes: every string in it is a code, an identifier
(letters, digits and `._/-`), a SIRET or a month, none of which JSON escapes
(`tests/unit/clauses/test_encode.py` checks it against the models).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlmodel import SQLModel

from services.clauses.domain import Change
from services.clauses.domain.outputs import MAX_CELL_HUNDREDTHS, count_key_text
from services.clauses.domain.projector import Drained
from services.clauses.rows import row_of
from services.clauses.sql import RowValues
from services.clauses.store import Published
from services.clauses.tables import ClauseStatusRow, DistinctCountRow, HoursCellRow
from shared.aggregates import AggregateChanged, ClauseStatus, aggregate_key

_INSTANT = TypeAdapter(datetime)


@dataclass(slots=True)
class Encoded:
    """Rows to upsert and keys to delete by table, and the messages to publish."""

    rows: dict[type[SQLModel], tuple[list[RowValues], list[Any]]] = field(
        default_factory=lambda: {m: ([], []) for m in (HoursCellRow, DistinctCountRow)}
    )
    messages: list[Published] = field(default_factory=list)
    statuses_changed: bool = False


def _hours(hundredths: int) -> str:
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def encode(drained: Drained, applied_at: datetime) -> Encoded:
    """The rows and messages of what a batch changed."""
    at = _INSTANT.dump_json(applied_at).decode()
    encoded = Encoded()
    present, absent = encoded.rows[HoursCellRow]
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
    present, absent = encoded.rows[DistinctCountRow]
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
    present, absent = encoded.rows.setdefault(ClauseStatusRow, ([], []))
    for change in changes:
        status = change.aggregate
        assert isinstance(status, ClauseStatus)
        key = aggregate_key(status)
        message = AggregateChanged.model_construct(
            schema_version=1, key=key, aggregate=status, applied_at=applied_at
        )
        encoded.messages.append((key, message.model_dump_json()))
        if change.present:
            present.append(row_of(status)[1])
        else:
            absent.append(status.market_id)
        encoded.statuses_changed = True
