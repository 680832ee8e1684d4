"""On the real broker: aggregate changes move the HTTP values and the gauges; suppression
hides a cell of 3 people; the snapshot topic carries the latest values."""

from decimal import Decimal

from harness.builders import a_market, an_aggregate_change, an_hours_cell, beneficiary_counts
from services.indicators.adapters.kafka import replay
from services.indicators.application.ports import Record
from shared.indicators import IndicatorSnapshot, indicator_snapshot_adapter
from tests.integration.indicators.conftest import Producer, Started, eventually


async def test_aggregate_changes_move_the_http_value_and_the_gauge(
    started: Started, producer: Producer
) -> None:
    topic = started.settings.aggregates_topic
    await producer.send(topic, *beneficiary_counts(female=44, male=234))
    await eventually(lambda: _share_is(started, 44, 278), what="44 women of 278 on /v1/indicators")

    await producer.send(topic, *beneficiary_counts(female=60, male=240))

    await eventually(lambda: _share_is(started, 60, 300), what="the corrected counts")
    gauge = 'insertion_indicator_women_share_ratio{axis="social",year="2023"} 0.2'
    assert gauge in await started.metrics()


async def _share_is(started: Started, numerator: int, denominator: int) -> bool:
    women = await started.value(2023, "social.women_share")
    return women is not None and (women["numerator"], women["denominator"]) == (
        numerator,
        denominator,
    )


async def test_a_cell_of_3_people_is_hidden_on_http_and_in_the_metrics(
    started: Started, producer: Producer
) -> None:
    await producer.send(started.settings.aggregates_topic, *beneficiary_counts(female=3, male=40))

    async def total_known() -> bool:
        total = await started.value(2023, "social.beneficiaries")
        return total is not None and total["value"] == 43

    await eventually(total_known, what="43 beneficiaries")
    women = await started.value(2023, "social.beneficiaries_by_gender", gender="female")
    share = await started.value(2023, "social.women_share")
    metrics = await started.metrics()
    assert women is not None
    assert share is not None
    assert (women["suppressed"], women["value"], women["numerator"]) == (True, None, None)
    assert (share["suppressed"], share["value"]) == (True, None)
    assert 'gender="female"' not in metrics
    assert 'insertion_indicator_beneficiaries{axis="social",year="2023"} 43.0' in metrics


async def test_markets_and_hours_move_the_market_level_indicators(
    started: Started, producer: Producer
) -> None:
    markets = [
        a_market(market_id="IT-1", amount_ht=Decimal("50000.00")),
        a_market(market_id="IT-2", amount_ht=Decimal("50000.00"), social_considerations=[]),
    ]
    cell = an_hours_cell(insertion_hours=Decimal("120.00"), training_hours=Decimal("6.00"))
    await producer.send(started.settings.markets_topic, *markets)
    await producer.send(started.settings.aggregates_topic, an_aggregate_change(cell))

    async def both_applied() -> bool:
        share = await started.value(2023, "social.social_consideration_share")
        training = await started.value(2023, "social.training_hours_share")
        return (
            share is not None
            and share["denominator"] == 2
            and training is not None
            and training["numerator"] == 6
        )

    await eventually(both_applied, what="the markets and the hours")
    share = await started.value(2023, "social.social_consideration_share")
    assert share is not None
    assert (share["numerator"], share["value"]) == (1, 0.5)


async def test_the_snapshot_topic_carries_the_latest_value_of_each_indicator(
    started: Started, producer: Producer
) -> None:
    topic = started.settings.aggregates_topic
    await producer.send(topic, *beneficiary_counts(female=10, male=90))
    await producer.send(topic, *beneficiary_counts(female=25, male=75))
    await eventually(lambda: _share_is(started, 25, 100), what="the latest counts")

    async def snapshots_current() -> bool:
        # the live values read afresh: records of one send may be applied in several batches
        live = {v.key: v for values in started.service.live.by_year().values() for v in values}
        latest = await _read_latest(started)
        return {k: s.indicator for k, s in latest.items() if s is not None} == live

    await eventually(snapshots_current, what="snapshots equal to the live values")
    latest = await _read_latest(started)
    women = latest["social.women_share|2023"]
    assert women is not None
    assert (women.indicator.numerator, women.indicator.denominator) == (25, 100)


async def _read_latest(started: Started) -> dict[str, IndicatorSnapshot | None]:
    """The latest value of each key on the snapshots topic, read from its first offset."""
    latest: dict[str, IndicatorSnapshot | None] = {}

    def keep(records: list[Record]) -> int:
        for record in records:
            assert record.key is not None
            value = record.value
            snapshot = indicator_snapshot_adapter.validate_json(value) if value else None
            latest[record.key.decode()] = snapshot
        return 0

    await replay(started.settings.kafka_bootstrap_servers, {started.settings.snapshots_topic: keep})
    return latest
