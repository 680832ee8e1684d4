"""promtool (Debian's prometheus package) accepts the configuration, the alert rules, their
unit tests and every dashboard query. Without promtool the tests fail in CI, skip elsewhere."""

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.servers import unavailable
from tests.unit.deploy.files import (
    ALERT_RULES,
    ALERT_TESTS,
    PROMETHEUS_CONFIG,
    dashboards,
    panels,
)

# Values Grafana gives its variables when it runs a dashboard query.
GRAFANA_VARIABLES = {
    "${__rate_interval}": "1m",
    "$__rate_interval": "1m",
    "$__interval": "15s",
    "$__range": "6h",
    "$year": "2023",
}


@pytest.fixture(scope="module")
def promtool() -> str:
    binary = shutil.which("promtool") or "/usr/bin/promtool"
    if not Path(binary).is_file():
        unavailable("promtool", "install Debian's prometheus package: bash deploy/prometheus.sh")
    return binary


def run(promtool: str, *arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool, *map(str, arguments)], capture_output=True, text=True, timeout=60, check=False
    )


def test_promtool_accepts_the_prometheus_configuration_and_its_rule_files(promtool: str) -> None:
    result = run(promtool, "check", "config", PROMETHEUS_CONFIG)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_accepts_the_alert_rules(promtool: str) -> None:
    result = run(promtool, "check", "rules", ALERT_RULES)

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_alert_rules_pass_their_promtool_unit_tests(promtool: str) -> None:
    result = run(promtool, "test", "rules", ALERT_TESTS)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_fails_a_unit_test_whose_alert_would_not_fire(
    promtool: str, tmp_path: Path
) -> None:
    rules = tmp_path / "alerts.yml"
    rules.write_text(ALERT_RULES.read_text(encoding="utf-8").replace("> 10000", "> 20000"))
    tests = tmp_path / "alerts_test.yml"
    tests.write_text(ALERT_TESTS.read_text(encoding="utf-8"))

    result = run(promtool, "test", "rules", tests)

    assert result.returncode != 0
    assert "ClausesConsumerLagHigh" in result.stdout + result.stderr


def grafana_to_promql(expr: str) -> str:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    return expr


def test_every_dashboard_query_is_valid_promql(promtool: str, tmp_path: Path) -> None:
    rules: list[dict[str, Any]] = [
        {"record": f"dashboard:query_{index}", "expr": grafana_to_promql(target["expr"])}
        for index, target in enumerate(
            target
            for board in dashboards().values()
            for panel in panels(board)
            for target in panel.get("targets", [])
        )
    ]
    path = tmp_path / "dashboard_queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))

    result = run(promtool, "check", "rules", path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules)} rules found" in result.stdout
