"""One record of a year the indicators cannot publish is refused alone; the rest is served.

The records are written by hand (as a producer writing straight to the topic would), so
that nothing upstream has checked them.
"""

from decimal import Decimal
from typing import Any

from harness.builders import (
    HOLDER_SIRET,
    a_clause_status,
    a_market,
    an_aggregate_change,
    an_hours_cell,
    beneficiary_counts,
)
from services.indicators.application.live_indicators import LiveIndicators
from services.indicators.domain.targets import Targets
from tests.component.indicators.records import records


def live_view() -> LiveIndicators:
    return LiveIndicators(targets=Targets(version=1), threshold=5)


def moved(change: dict[str, Any], field: str, value: str) -> dict[str, Any]:
    """An aggregate change document with one field of its aggregate (and its key) changed."""
    old = change["aggregate"][field]
    aggregate = {**change["aggregate"], field: value}
    return {**change, "aggregate": aggregate, "key": change["key"].replace(old, value)}


def a_change(**overrides: Any) -> dict[str, Any]:
    return an_aggregate_change(an_hours_cell(**overrides)).model_dump(mode="json")


def test_an_hours_cell_of_year_0001_is_rejected_alone_and_never_becomes_a_year() -> None:
    live = live_view()
    good = [an_aggregate_change(an_hours_cell(insertion_hours=Decimal("100.00")))]
    bad = moved(a_change(), "period", "0001-01")
    empty_correction = moved(a_change(insertion_hours="0.00"), "period", "0001-01")

    rejected = live.apply_aggregates(
        records("aggregates", *good, bad, *beneficiary_counts(female=10, male=30))
    )
    rejected += live.apply_aggregates(records("aggregates", empty_correction))

    assert rejected == 2
    assert list(live.by_year()) == [2023]
    assert live.years() == [2023]
    (hours,) = (v for v in live.by_year()[2023] if v.id == "social.insertion_hours")
    assert hours.value == 100
    assert len(live.latest_rejected) == 2
    for line in live.latest_rejected:
        assert "aggregate.period: year 1 outside the years published (2000-2100)" in line
        assert "2023-0042" not in line
        assert HOLDER_SIRET not in line


def test_a_clause_status_moved_to_an_unpublishable_month_takes_its_previous_value_away() -> None:
    live = live_view()
    status = an_aggregate_change(a_clause_status()).model_dump(mode="json")
    live.apply_aggregates(records("aggregates", status))
    assert list(live.by_year()) == [2023]

    rejected = live.apply_aggregates(
        records(
            "aggregates",
            {**status, "aggregate": {**status["aggregate"], "as_of_period": "2999-12"}},
        )
    )

    # what a rebuild of the compacted topic, holding only the latest value, also gives
    assert rejected == 1
    assert list(live.by_year()) == []


def test_a_market_notified_in_year_0001_is_rejected_and_its_previous_version_kept() -> None:
    live = live_view()
    first = a_market(amount_ht=Decimal("50000.00"))
    second = {**a_market(version=2).model_dump(mode="json"), "notification_date": "0001-01-01"}

    rejected = live.apply_markets(records("markets", first, second))

    assert rejected == 1
    assert live.years() == [2023]
    (scope,) = (v for v in live.by_year()[2023] if v.id == "social.markets_notified_over_40k")
    assert scope.value == 1
