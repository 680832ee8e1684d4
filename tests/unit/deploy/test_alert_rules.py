"""The alert rules: English names, French annotations, the four kinds the operators need,
each unit-tested, and every expression naming only what the services export."""

import re
from typing import Any

import pytest

from tests.unit.deploy.checks import problems
from tests.unit.deploy.exported import series_by_job
from tests.unit.deploy.files import ALERT_RULES, ALERT_TESTS, load_yaml

FRENCH_WORDS = re.compile(
    r"\b(le|la|les|des|du|de|sur|leur|en|est|sont|depuis|une?|pour|aucune?)\b", re.IGNORECASE
)
ENGLISH_WORDS = re.compile(r"\b(the|is|are|of|and|has|since)\b", re.IGNORECASE)


def alerts() -> list[dict[str, Any]]:
    return [
        rule
        for group in load_yaml(ALERT_RULES)["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def test_the_alerts_cover_clauses_behind_dead_letters_consumer_lag_and_stale_data() -> None:
    names = {rule["alert"] for rule in alerts()}

    assert {
        "ClauseBehindTarget",
        "DeadLettersGrowing",
        "ClausesConsumerLagHigh",
        "InsertionDataStale",
    } <= names


@pytest.mark.parametrize("rule", alerts(), ids=[rule["alert"] for rule in alerts()])
def test_every_alert_has_an_english_name_a_severity_and_french_annotations(
    rule: dict[str, Any],
) -> None:
    annotations = rule["annotations"]

    assert re.fullmatch(r"(?:[A-Z][a-z]+)+", rule["alert"]), rule["alert"]
    assert rule["labels"]["severity"] in {"critical", "warning", "info"}
    assert set(annotations) == {"summary", "description"}
    assert FRENCH_WORDS.search(annotations["summary"]), annotations["summary"]
    assert len(FRENCH_WORDS.findall(annotations["description"])) >= 3
    assert not ENGLISH_WORDS.search(" ".join(annotations.values()))


@pytest.mark.parametrize("rule", alerts(), ids=[rule["alert"] for rule in alerts()])
def test_every_alert_expression_names_only_metrics_and_labels_the_services_export(
    rule: dict[str, Any],
) -> None:
    shown = " ".join(rule["annotations"].values())
    legend = " ".join(f"{{{{{label}}}}}" for label in re.findall(r"\$labels\.(\w+)", shown))

    found = problems(rule["expr"], series_by_job(), legend=legend)

    assert found == []


def test_every_alert_is_unit_tested_firing_in_alerts_test() -> None:
    fired = {
        case["alertname"]
        for test in load_yaml(ALERT_TESTS)["tests"]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }

    assert {rule["alert"] for rule in alerts()} - fired == set()
