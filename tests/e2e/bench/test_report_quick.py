"""`python -m bench.report --quick` end to end: every benchmark runs and the report has them all.

The report runs on a broker of its own (deploy/kafka/kafka.sh on a free port) and fresh
databases on the test PostgreSQL server; figures are never asserted, only that each one is
there and is a number.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from harness.processes import REPO

SECTIONS = [
    "## Machine",
    "## Pipeline freshness (ingest -> clauses -> indicators)",
    "## Ingest throughput",
    "## Clauses throughput",
    "## Indicators: rebuild from aggregate changes, freshness from an aggregate change",
    "## Rebuild from scratch (clauses, then indicators)",
    "## Resident memory per service",
    "## Goals",
    "## Durations",
]
FIGURES = [
    "freshness p50, report 202 -> indicator",
    "freshness p99, report 202 -> indicator",
    "JSON batches (4 reports/request)",
    "CSV, 1st file (new contracts)",
    "CSV, next file (known contracts)",
    "raw topic (work contracts)",
    "exactly-once, postgresql",
    "at-least-once, postgresql",
    "exactly-once, sqlite",
    "at-least-once, sqlite",
    "rebuild command path (replay + fold)",
    "clauses (exactly-once, PostgreSQL) applied all",
    "indicators caught up from the aggregates",
    "ingest resident memory",
    "clauses resident memory",
    "indicators resident memory",
]
NUMBER = r"[0-9][0-9 ]*(\.[0-9]+)?"


def test_the_quick_report_has_every_section_and_a_number_for_every_figure(
    postgres_url: str, tmp_path: Path
) -> None:
    output, as_json = tmp_path / "REPORT.md", tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}

    ran = subprocess.run(
        [sys.executable, "-m", "bench.report", "--quick", "--output", str(output),
         "--json", str(as_json), "--postgres", postgres_url],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip

    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    report = output.read_text(encoding="utf-8")
    assert [s for s in SECTIONS if s not in report] == []
    assert "**Failed**" not in report
    rows = {line.split(" | ")[0].lstrip("| "): line for line in report.splitlines()}
    for figure in FIGURES:
        row = next((line for name, line in rows.items() if name.startswith(figure)), "")
        assert re.search(rf"\| {NUMBER} (ms|s|MB|lines/s|events/s) \|", row), (figure, row)
    assert re.search(r"\| CPU cores \| [1-9][0-9]* \|", report)
    assert re.search(r"\| git commit \| `[0-9a-f]{12}", report)
    document = json.loads(as_json.read_text(encoding="utf-8"))
    assert len(document["sections"]) == 5
    assert all(f["value"] >= 0 for s in document["sections"] for f in s["figures"])
    assert len(document["goals"]) == 11
