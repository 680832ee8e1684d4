"""The PromQL reader finds every metric and label a query names, and nothing else."""

import pytest

from tests.unit.deploy.checks import problems
from tests.unit.deploy.promql import label_values, legend_labels, names

EXPORTED = {
    "ingest": {
        "ingest_dead_letters_total": frozenset({"reason", "job", "instance"}),
        "ingest_publish_latency_seconds_bucket": frozenset({"le", "job", "instance"}),
    },
    "clauses": {"clauses_consumer_lag_messages": frozenset({"topic", "partition", "job"})},
}


@pytest.mark.parametrize(
    ("query", "metrics"),
    [
        (
            'insertion_indicator_women_share_ratio{year="$year"}',
            {"insertion_indicator_women_share_ratio"},
        ),
        (
            "histogram_quantile(0.95, sum by (le) "
            "(rate(ingest_publish_latency_seconds_bucket[$__rate_interval])))",
            {"ingest_publish_latency_seconds_bucket"},
        ),
        (
            "sum by (job, reason) (increase(ingest_dead_letters_total[15m])) > 0 or "
            "sum by (job, reason) (ingest_dead_letters_total unless "
            "ingest_dead_letters_total offset 15m)",
            {"ingest_dead_letters_total"},
        ),
        ("max by (job) (a_seconds) > 35 * 24 * 3600 or b > bool 1e3", {"a_seconds", "b"}),
        ('count(ALERTS{alertstate="firing"}) or vector(0)', {"ALERTS"}),
        ('up{job=~"ingest|clauses"} == 0', {"up"}),
        ("x / on (job) group_left (topic) y[5m:1m] offset -1h", {"x", "y"}),
        ('label_replace(m{a="b"}, "dst", "$1", "src", "(.*)")', {"m"}),
        ("sum without (instance) (rate(c_total[${__rate_interval}]))", {"c_total"}),
    ],
)
def test_the_metrics_of_a_query_are_the_identifiers_that_are_not_functions_or_keywords(
    query: str, metrics: set[str]
) -> None:
    found = names(query)

    assert found.metrics == metrics


def test_matched_and_grouping_labels_are_found_and_strings_are_not_taken_for_names() -> None:
    found = names('sum by (topic, job) (lag{partition="0", topic=~"insertion.markets.v1|x"}) > 0')

    assert found.metrics == {"lag"}
    assert found.matched == {"lag": {"partition", "topic"}}
    assert found.grouping == {"topic", "job"}


def test_legend_labels_and_label_values_queries_are_read() -> None:
    assert legend_labels("{{event_type}} ({{ source }})") == {"event_type", "source"}
    assert label_values("label_values(insertion_indicator_insertion_hours, year)") == (
        "insertion_indicator_insertion_hours",
        "year",
    )
    assert label_values("label_values(job)") == (None, "job")
    assert label_values("up") is None


def test_a_misspelled_metric_is_reported() -> None:
    found = problems("rate(ingest_dead_letter_total[5m])", EXPORTED)

    assert found == ["metric ingest_dead_letter_total is exported by no service"]


def test_a_label_the_metric_does_not_have_is_reported_in_a_matcher_a_grouping_or_a_legend() -> None:
    matcher = problems('ingest_dead_letters_total{topic="x"}', EXPORTED)
    grouping = problems("sum by (event_type) (ingest_dead_letters_total)", EXPORTED)
    legend = problems("clauses_consumer_lag_messages", EXPORTED, legend="{{reason}}")

    assert matcher == [
        "ingest_dead_letters_total has no label topic (it has ['instance', 'job', 'reason'])"
    ]
    assert grouping == ["label event_type belongs to none of ['ingest_dead_letters_total']"]
    assert legend == ["label reason belongs to none of ['clauses_consumer_lag_messages']"]


def test_a_query_of_exported_series_with_their_labels_has_no_problem() -> None:
    query = (
        "histogram_quantile(0.99, sum by (le, job) "
        "(rate(ingest_publish_latency_seconds_bucket[5m])))"
    )

    assert problems(query, EXPORTED, legend="{{job}}") == []
    assert problems('ALERTS{alertstate="firing", anything="x"}', EXPORTED) == []


def test_a_query_without_any_metric_is_reported() -> None:
    assert problems("vector(1)", EXPORTED) == ["names no metric: vector(1)"]
