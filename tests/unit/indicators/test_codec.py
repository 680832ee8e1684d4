"""Records are checked at the edge: a bad one says why and is skipped, never half-applied."""

import pytest

from services.indicators.codec import RecordError, decode_aggregate, decode_market
from tests.builders import a_contract, a_market, an_aggregate_change, an_hours_cell


def test_an_aggregate_change_decodes_to_its_key_value_and_applied_time() -> None:
    change = an_aggregate_change()

    decoded = decode_aggregate(change.key.encode(), change.model_dump_json().encode())

    assert (decoded.key, decoded.aggregate, decoded.applied_at) == (
        change.key,
        change.aggregate,
        change.applied_at,
    )


def test_a_key_that_does_not_match_the_aggregate_is_refused_naming_both() -> None:
    change = an_aggregate_change()
    forged = change.model_copy(update={"key": "hours|elsewhere"})

    with pytest.raises(RecordError, match=r"key 'hours\|elsewhere' does not match"):
        decode_aggregate(None, forged.model_dump_json().encode())


def test_a_record_keyed_differently_from_its_aggregate_is_refused() -> None:
    change = an_aggregate_change()
    other = an_aggregate_change(an_hours_cell(period="2023-07"))

    with pytest.raises(RecordError, match="record key"):
        decode_aggregate(other.key.encode(), change.model_dump_json().encode())


def test_a_tombstone_deletes_its_key_and_needs_one() -> None:
    assert decode_aggregate(b"hours|x", None).aggregate is None
    with pytest.raises(RecordError, match="tombstone without a key"):
        decode_aggregate(None, None)


def test_the_markets_topic_yields_markets_and_skips_other_events() -> None:
    market = a_market()

    assert decode_market(market.model_dump_json().encode()) == market
    assert decode_market(a_contract().model_dump_json().encode()) is None
    with pytest.raises(RecordError, match="not an event of the contract"):
        decode_market(b'{"event_type": "MarketNotified"}')
