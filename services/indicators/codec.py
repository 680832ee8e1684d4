"""Decode the records the service reads; a record that fails says why, and is skipped."""

from dataclasses import dataclass
from datetime import datetime

from shared.aggregates import Aggregate, aggregate_changed_adapter, aggregate_key
from shared.events import MarketNotified, decode_event


class RecordError(ValueError):
    """A record that is not a valid message of its topic."""


@dataclass(frozen=True, slots=True)
class KeyedAggregate:
    """An aggregate's key and new value (None: the key was deleted), and when it was applied."""

    key: str
    aggregate: Aggregate | None
    applied_at: datetime | None = None


def decode_aggregate(key: bytes | None, value: bytes | None) -> KeyedAggregate:
    """The aggregate key and its new value (None for a tombstone), checked against each other."""
    if value is None:
        if not key:
            raise RecordError("tombstone without a key: expected the aggregate key")
        return KeyedAggregate(key.decode(), None)
    try:
        change = aggregate_changed_adapter.validate_json(value)
    except ValueError as error:
        raise RecordError(f"not an AggregateChanged: {error}") from error
    expected = aggregate_key(change.aggregate)
    if change.key != expected:
        raise RecordError(f"key {change.key!r} does not match the aggregate: {expected!r}")
    if key and key.decode() != expected:
        raise RecordError(f"record key {key.decode()!r} is not the aggregate key {expected!r}")
    return KeyedAggregate(expected, change.aggregate, change.applied_at)


def decode_market(value: bytes | None) -> MarketNotified | None:
    """The market event of a markets-topic record; None for another event type."""
    if value is None:
        raise RecordError("empty record on the markets topic: expected a MarketNotified")
    try:
        event = decode_event(value)
    except ValueError as error:
        raise RecordError(f"not an event of the contract: {error}") from error
    return event if isinstance(event, MarketNotified) else None
