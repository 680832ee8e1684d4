"""Records are checked at the edge: a bad one says why and is skipped, never half-applied."""

import json
from datetime import UTC, datetime

import pytest

from harness.builders import (
    HOLDER_SIRET,
    a_clause_status,
    a_contract,
    a_market,
    an_aggregate_change,
    an_hours_cell,
)
from services.indicators.domain.decoding import (
    RecordError,
    YearOutOfRangeError,
    decode_aggregate,
    decode_market,
)
from shared.aggregates import AggregateChanged, CountedThing, DistinctCount, aggregate_key


def test_an_aggregate_change_decodes_to_its_key_value_and_applied_time() -> None:
    change = an_aggregate_change()

    decoded = decode_aggregate(change.key.encode(), change.model_dump_json().encode())

    assert (decoded.key, decoded.aggregate, decoded.applied_at) == (
        change.key,
        change.aggregate,
        change.applied_at,
    )


def test_a_key_that_does_not_match_the_aggregate_is_refused_without_quoting_either() -> None:
    change = an_aggregate_change()
    forged = change.model_copy(update={"key": "hours|elsewhere"})

    with pytest.raises(RecordError) as refused:
        decode_aggregate(None, forged.model_dump_json().encode())

    assert str(refused.value) == "key: does not match the aggregate's kind and dimensions"


def test_a_record_keyed_differently_from_its_aggregate_is_refused_without_quoting_it() -> None:
    change = an_aggregate_change()
    other = an_aggregate_change(an_hours_cell(period="2023-07"))

    with pytest.raises(RecordError) as refused:
        decode_aggregate(other.key.encode(), change.model_dump_json().encode())

    assert str(refused.value) == "record key: not the aggregate key of its value"


def test_a_refusal_names_the_fields_never_their_values() -> None:
    document = an_aggregate_change().model_dump(mode="json")
    document["aggregate"]["employer_siret"] = "3560000000004"  # 13 digits
    document["aggregate"]["market_id"] = "bad id with spaces"

    with pytest.raises(RecordError) as refused:
        decode_aggregate(None, json.dumps(document).encode())

    message = str(refused.value)
    assert "aggregate.hours.employer_siret: Value error, un SIRET de 14 chiffres" in message
    assert "aggregate.hours.market_id" in message
    assert "3560000000004" not in message
    assert "bad id with spaces" not in message


def test_a_key_that_is_not_utf8_is_refused_not_raised() -> None:
    with pytest.raises(RecordError, match="record key: not UTF-8"):
        decode_aggregate(b"\xff\xfe", None)
    with pytest.raises(RecordError, match="record key: not UTF-8"):
        decode_aggregate(b"\xff\xfe", an_aggregate_change().model_dump_json().encode())


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


def with_period(change: AggregateChanged, period: str) -> bytes:
    """The JSON of an hours-cell change moved to another month, however the contract's period
    type judges it (records are written straight to the topic, so nothing checked them)."""
    document = change.model_dump(mode="json")
    old = document["aggregate"]["period"]
    document["aggregate"]["period"] = period
    document["key"] = document["key"].replace(old, period)
    return json.dumps(document).encode()


@pytest.mark.parametrize("period", ["0001-01", "0000-01", "1999-12", "2101-01", "2999-12"])
def test_an_hours_cell_of_a_year_the_indicators_cannot_publish_is_refused(period: str) -> None:
    value = with_period(an_aggregate_change(), period)

    with pytest.raises(YearOutOfRangeError) as refused:
        decode_aggregate(None, value)

    assert refused.value.key == json.loads(value)["key"]
    message = str(refused.value)
    assert f"aggregate.period: year {int(period[:4])} outside the years published" in message
    assert "2000-2100" in message
    assert "2023-0042" not in message
    assert HOLDER_SIRET not in message


@pytest.mark.parametrize("period", ["2000-01", "2100-12"])
def test_the_first_and_last_publishable_years_are_accepted(period: str) -> None:
    value = with_period(an_aggregate_change(), period)

    assert decode_aggregate(None, value).aggregate is not None


def test_a_clause_status_or_a_count_of_another_year_is_refused() -> None:
    clause = an_aggregate_change(a_clause_status()).model_dump(mode="json")
    clause["aggregate"]["as_of_period"] = "0001-01"
    count = DistinctCount.model_construct(  # what clauses publishes for a report of 0001-01
        kind="distinct_count",
        year=1,
        counted=CountedThing.BENEFICIARIES,
        breakdown="all",
        value="all",
        count=1,
    )
    count_change = AggregateChanged.model_construct(
        key=aggregate_key(count), aggregate=count, applied_at=datetime(2023, 7, 3, tzinfo=UTC)
    )

    with pytest.raises(YearOutOfRangeError, match=r"aggregate\.as_of_period: year 1 "):
        decode_aggregate(None, json.dumps(clause).encode())
    with pytest.raises(RecordError, match="greater than or equal to 2000"):
        decode_aggregate(None, count_change.model_dump_json(warnings=False).encode())


def test_a_market_notified_in_a_year_the_indicators_cannot_publish_is_refused() -> None:
    market = a_market().model_dump(mode="json")
    market["notification_date"] = "0001-01-01"

    with pytest.raises(YearOutOfRangeError) as refused:
        decode_market(json.dumps(market).encode())

    assert str(refused.value) == (
        "notification_date: year 1 outside the years published (2000-2100)"
    )
