"""The catalogue of exported metrics is read from the services' registries."""

from prometheus_client import CollectorRegistry, Counter, Histogram

from services.indicators.domain.catalogue import SPECS
from tests.unit.deploy.exported import Family, families_of, series_by_job


def test_a_labelled_metric_never_used_is_read_with_its_labels_and_its_series_names() -> None:
    registry = CollectorRegistry()
    Counter("demo_dead_letters", "d", ["reason"], registry=registry)
    Histogram("demo_latency_seconds", "l", registry=registry)

    families = families_of(registry)

    assert families == [
        Family("demo_dead_letters", "counter", frozenset({"reason"})),
        Family("demo_latency_seconds", "histogram", frozenset()),
    ]
    assert set(families[0].series()) == {"demo_dead_letters_total", "demo_dead_letters_created"}
    assert families[1].series()["demo_latency_seconds_bucket"] >= {"le", "job", "instance"}


def test_the_indicators_registry_gives_every_indicator_family_and_the_pipeline_metrics() -> None:
    indicators = series_by_job()["indicators"]

    assert {spec.metric for spec in SPECS} <= set(indicators)
    assert indicators["insertion_indicator_target"] >= {"indicator", "axis", "deadline_year"}
    assert "faststream_received_processed_messages_total" in indicators
    assert indicators["insertion_indicators_applied_records_total"] >= {"topic"}
