"""Decode the records the service reads; a record that fails says why, and is skipped.

Refusals name the field and what was expected, never the values: a record's key and fields
hold market ids and SIRETs. A record is also refused when its year is one the indicators
cannot publish (the years of `IndicatorValue`): applied, it would make every read fail.
"""

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from shared.aggregates import (
    Aggregate,
    DistinctCount,
    HoursCell,
    aggregate_changed_adapter,
    aggregate_key,
)
from shared.events import MarketNotified, decode_event
from shared.indicators import IndicatorValue


def _publishable_years() -> range:
    """The years an indicator can be published for, read from the output contract."""
    metadata = IndicatorValue.model_fields["year"].metadata
    low = next(int(m.ge) for m in metadata if hasattr(m, "ge"))
    high = next(int(m.le) for m in metadata if hasattr(m, "le"))
    return range(low, high + 1)


PUBLISHABLE_YEARS = _publishable_years()
"""2000 to 2100 today: a fact of another year could not be published, so it is refused."""


class RecordError(ValueError):
    """A record that is not a valid message of its topic."""


class YearOutOfRangeError(RecordError):
    """A valid message whose year the indicators cannot publish; `key` is the aggregate's."""

    def __init__(self, field: str, year: int, key: str | None = None) -> None:
        first, last = PUBLISHABLE_YEARS[0], PUBLISHABLE_YEARS[-1]
        super().__init__(f"{field}: year {year} outside the years published ({first}-{last})")
        self.key = key


_FIRST, _LAST = f"{PUBLISHABLE_YEARS[0]:04d}", f"{PUBLISHABLE_YEARS[-1]:04d}"


def _check_year(aggregate: Aggregate, key: str) -> None:
    """Refuse an aggregate of a year outside the published ones (on every record: kept cheap,
    a period's year compared as text)."""
    if isinstance(aggregate, DistinctCount):
        if aggregate.year not in PUBLISHABLE_YEARS:
            raise YearOutOfRangeError("aggregate.year", aggregate.year, key)
        return
    if isinstance(aggregate, HoursCell):
        field, period = "aggregate.period", aggregate.period
    else:
        field, period = "aggregate.as_of_period", aggregate.as_of_period
    if not _FIRST <= period[:4] <= _LAST:
        raise YearOutOfRangeError(field, int(period[:4]), key)


@dataclass(frozen=True, slots=True)
class KeyedAggregate:
    """An aggregate's key and new value (None: the key was deleted), and when it was applied."""

    key: str
    aggregate: Aggregate | None
    applied_at: datetime | None = None


def _reasons(error: ValueError) -> str:
    """What is wrong, by field, without the values (a record may hold a market id, a SIRET)."""
    if not isinstance(error, ValidationError):
        return type(error).__name__
    found = error.errors(include_url=False, include_input=False, include_context=False)
    # the contract's own checks end their message with ", got <the value>": cut it
    reasons = [
        f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg'].split(', got ')[0]}"
        for e in found
    ]
    more = f" (and {len(reasons) - 3} more)" if len(reasons) > 3 else ""
    return "; ".join(reasons[:3]) + more


def _text(key: bytes) -> str:
    try:
        return key.decode()
    except UnicodeDecodeError as error:
        raise RecordError("record key: not UTF-8 text, expected the aggregate key") from error


def decode_aggregate(key: bytes | None, value: bytes | None) -> KeyedAggregate:
    """The aggregate key and its new value (None for a tombstone), checked against each other."""
    if value is None:
        if not key:
            raise RecordError("tombstone without a key: expected the aggregate key")
        return KeyedAggregate(_text(key), None)
    try:
        change = aggregate_changed_adapter.validate_json(value)
    except ValueError as error:
        raise RecordError(f"not an AggregateChanged: {_reasons(error)}") from error
    expected = aggregate_key(change.aggregate)
    if change.key != expected:
        raise RecordError("key: does not match the aggregate's kind and dimensions")
    if key and _text(key) != expected:
        raise RecordError("record key: not the aggregate key of its value")
    _check_year(change.aggregate, expected)
    return KeyedAggregate(expected, change.aggregate, change.applied_at)


def decode_market(value: bytes | None) -> MarketNotified | None:
    """The market event of a markets-topic record; None for another event type."""
    if value is None:
        raise RecordError("empty record on the markets topic: expected a MarketNotified")
    try:
        event = decode_event(value)
    except ValueError as error:
        raise RecordError(f"not an event of the contract: {_reasons(error)}") from error
    if not isinstance(event, MarketNotified):
        return None
    if event.notification_date.year not in PUBLISHABLE_YEARS:
        raise YearOutOfRangeError("notification_date", event.notification_date.year)
    return event
