"""The benchmark report rendered as Markdown."""

import dataclasses
import re

from bench.figures import Figure, goals
from bench.report_markdown import Machine, Section, number, render

MACHINE = Machine(
    cores=2,
    ram_gb=23.5,
    load_start=(1.5, 1.25, 1.0),
    load_end=(3.0, 2.0, 1.0),
    python="CPython 3.11.7",
    kafka="4.4.0",
    postgresql="15.18",
    commit="fdec894fb039",
    started="2026-11-26 03:54:54",
    minutes=18.5,
    command="python -m bench.report",
)
RAW = Figure("ingest.raw", "Ingest", "raw topic", 12_345.6, "events/s", 36_000, "bare producer")
MEMORY = Figure("memory.clauses", "Pipeline", "clauses resident memory", 103.4, "MB", note="(end)")


def a_report(*sections: Section, quick: bool = False) -> str:
    figures = [f for s in sections for f in s.figures]
    return render(dataclasses.replace(MACHINE, quick=quick), sections, goals(figures))


def test_the_report_states_the_machine_it_ran_on() -> None:
    report = a_report()

    facts = [
        "| CPU cores | 2 |",
        "| RAM | 23.5 GB |",
        "| load average (1/5/15 min) at start | 1.50 / 1.25 / 1.00 |",
        "| load average (1/5/15 min) at end | 3.00 / 2.00 / 1.00 |",
        "| Python | CPython 3.11.7 |",
        "| Kafka | 4.4.0 |",
        "| PostgreSQL | 15.18 |",
        "| git commit | `fdec894fb039` |",
    ]
    assert [fact for fact in facts if fact not in report] == []


def test_a_figure_is_a_row_with_its_baseline_and_ratio() -> None:
    report = a_report(Section("Ingest throughput", 20.4, "1000 people", [RAW]))

    assert "## Ingest throughput" in report
    assert "Ran in 20 s with 1000 people." in report
    assert "| raw topic | 12 346 events/s | 36 000 events/s (bare producer) | 0.343 |" in report


def test_a_figure_without_baseline_shows_dashes() -> None:
    report = a_report(Section("Pipeline", 14, "20/s", [MEMORY]))

    assert "| clauses resident memory (end) | 103 MB | — | — |" in report


def test_memory_figures_are_gathered_in_one_table() -> None:
    report = a_report(Section("Pipeline", 14, "20/s", [RAW, MEMORY]))

    memory = report.split("## Resident memory per service")[1].split("##")[0]
    assert "clauses resident memory (end) | 103 MB" in memory
    assert "raw topic" not in memory


def test_each_goal_has_a_verdict_row() -> None:
    report = a_report(Section("Ingest throughput", 20, "1000 people", [RAW]))

    goals_part = report.split("## Goals")[1].split("## Durations")[0]
    rows = [line for line in goals_part.splitlines() if re.match(r"\| [345] \|", line)]
    assert len(rows) == 11
    assert "| 3 | >= 20 000 events/s through the raw topic | **not met** |" in goals_part


def test_a_failed_benchmark_is_said_so_and_still_listed_in_the_durations() -> None:
    report = a_report(Section("Rebuild", 3, "1000 events", [], error="TimeoutError: late"))

    assert "**Failed**: `TimeoutError: late`" in report
    assert "| Rebuild | 3 |" in report.split("## Durations")[1]


def test_a_quick_run_is_flagged_as_not_comparable() -> None:
    assert "**Quick run**" in a_report(quick=True)
    assert "**Quick run**" not in a_report()


def test_numbers_are_grouped_by_thousands_or_kept_to_three_digits() -> None:
    assert [number(v) for v in (1_234_567.0, 123.4, 12.34, 1.234, 0.01234)] == [
        "1 234 567",
        "123",
        "12.3",
        "1.23",
        "0.0123",
    ]
