"""The Grafana dashboards: valid, on the provisioned datasource, and every query names only
metrics and labels the services really export."""

from functools import cache
from typing import Any

import pytest

from services.indicators.domain.catalogue import SPECS
from shared.indicators import Axis
from tests.unit.deploy.checks import Exported, problems
from tests.unit.deploy.exported import series_by_job
from tests.unit.deploy.files import DATASOURCES, dashboards, load_yaml, panels
from tests.unit.deploy.promql import label_values, names

SOCIAL = "axe-social.json"
PIPELINE = "sante-pipeline.json"


@cache
def exported() -> Exported:
    return series_by_job()


def queries() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (file, panel["title"], target)
        for file, board in dashboards().items()
        for panel in panels(board)
        for target in panel.get("targets", [])
    ]


def read_metrics(file: str) -> set[str]:
    return {
        metric
        for name, _, target in queries()
        if name == file
        for metric in names(target["expr"]).metrics
    }


def test_the_two_dashboards_have_french_titles_and_distinct_uids() -> None:
    boards = dashboards()

    assert {board["title"] for board in boards.values()} == {"Axe social", "Santé du pipeline"}
    assert len({board["uid"] for board in boards.values()}) == len(boards)
    assert set(boards) == {SOCIAL, PIPELINE}


@pytest.mark.parametrize(
    ("file", "title", "target"),
    queries(),
    ids=[f"{file}:{title}:{target['refId']}" for file, title, target in queries()],
)
def test_every_panel_query_names_only_metrics_and_labels_the_services_export(
    file: str, title: str, target: dict[str, Any]
) -> None:
    legend = target.get("legendFormat", "")

    found = problems(target["expr"], exported(), legend=legend)

    assert found == [], f"{file} / {title} / {target['expr']}"


def test_every_template_variable_reads_an_exported_label() -> None:
    checked = 0
    for board in dashboards().values():
        for variable in board.get("templating", {}).get("list", []):
            query = variable["query"]
            parsed = label_values(query if isinstance(query, str) else query["query"])
            assert parsed is not None, f"unexpected variable query {query!r}"
            selector, label = parsed

            assert selector is not None
            assert problems(f"sum by ({label}) ({selector})", exported()) == []
            checked += 1
    assert checked > 0


def test_every_panel_and_query_reads_the_provisioned_prometheus() -> None:
    (source,) = load_yaml(DATASOURCES)["datasources"]
    expected = {"type": source["type"], "uid": source["uid"]}

    for board in dashboards().values():
        for panel in panels(board):
            if panel["type"] == "row":
                continue
            assert panel["datasource"] == expected, panel["title"]
            assert panel["targets"], f"{panel['title']} has no query"
            for target in panel["targets"]:
                assert target["datasource"] == expected, panel["title"]


def test_every_panel_is_a_core_grafana_panel_needing_no_plugin() -> None:
    core = {"row", "stat", "gauge", "bargauge", "piechart", "timeseries", "table", "text"}

    types = {panel["type"] for board in dashboards().values() for panel in panels(board)}

    assert types <= core


def test_panels_have_titles_distinct_ids_and_do_not_overlap_on_the_grid() -> None:
    for file, board in dashboards().items():
        all_panels = panels(board)
        cells: dict[tuple[int, int], str] = {}

        assert len({panel["id"] for panel in all_panels}) == len(all_panels), file
        for panel in all_panels:
            assert panel["title"].strip(), f"{file}: panel {panel['id']} has no title"
            grid = panel["gridPos"]
            assert grid["x"] >= 0, panel["title"]
            assert grid["x"] + grid["w"] <= 24, panel["title"]
            for x in range(grid["x"], grid["x"] + grid["w"]):
                for y in range(grid["y"], grid["y"] + grid["h"]):
                    assert (x, y) not in cells, f"{panel['title']} overlaps {cells[(x, y)]}"
                    cells[(x, y)] = panel["title"]


def test_the_social_dashboard_shows_every_indicator_of_the_social_axis_and_its_targets() -> None:
    social = {spec.metric for spec in SPECS if spec.axis is Axis.SOCIAL}

    shown = read_metrics(SOCIAL)

    assert social - shown == set()
    assert "insertion_indicator_target" in shown


def test_the_pipeline_dashboard_shows_each_stage_of_the_pipeline() -> None:
    stages = {
        "ingest accepted": "ingest_events_accepted_total",
        "ingest rejected": "ingest_submissions_rejected_total",
        "dead letters": "ingest_dead_letters_total",
        "publish latency": "ingest_publish_latency_seconds_bucket",
        "clauses lag": "clauses_consumer_lag_messages",
        "events applied": "clauses_events_applied_total",
        "events ignored": "clauses_events_ignored_total",
        "age of the last event": "clauses_last_applied_event_age_seconds",
        "indicators caught up": "insertion_indicators_caught_up",
    }

    shown = read_metrics(PIPELINE)

    assert {stage for stage, metric in stages.items() if metric not in shown} == set()
