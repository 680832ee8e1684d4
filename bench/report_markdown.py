"""The benchmark report as Markdown: the machine, each figure with its baseline, the goals.

Pure: the figures, goals and machine facts come in, a string goes out.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from bench.figures import Figure, Goal


@dataclass(frozen=True, slots=True)
class Machine:
    """Where and when the run happened."""

    cores: int
    ram_gb: float
    load_start: tuple[float, float, float]
    load_end: tuple[float, float, float]
    python: str
    kafka: str
    postgresql: str
    commit: str
    started: str  # ISO 8601, UTC
    minutes: float
    command: str
    quick: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    """One benchmark's figures, how long it took and what it ran with."""

    title: str
    seconds: float
    parameters: str
    figures: Sequence[Figure]
    error: str = ""


def number(value: float) -> str:
    """1 234 567, 12.3 or 0.123: thousands grouped, three significant digits under 100."""
    if abs(value) >= 100:
        return f"{value:,.0f}".replace(",", " ")
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _load(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def _machine(machine: Machine) -> list[str]:
    return [
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        f"| CPU cores | {machine.cores} |",
        f"| RAM | {machine.ram_gb:.1f} GB |",
        f"| load average (1/5/15 min) at start | {_load(machine.load_start)} |",
        f"| load average (1/5/15 min) at end | {_load(machine.load_end)} |",
        f"| Python | {machine.python} |",
        f"| Kafka | {machine.kafka} |",
        f"| PostgreSQL | {machine.postgresql} |",
        f"| git commit | `{machine.commit}` |",
        f"| started (UTC) | {machine.started} |",
        f"| duration | {machine.minutes:.1f} min |",
        f"| command | `{machine.command}` |",
        "",
    ]


def _figure_row(f: Figure) -> str:
    baseline = f"{number(f.baseline)} {f.unit} ({f.baseline_name})" if f.baseline else "—"
    ratio = f"{f.ratio:.3f}" if f.ratio is not None else "—"
    note = f" {f.note}" if f.note else ""
    return f"| {f.name}{note} | {number(f.value)} {f.unit} | {baseline} | {ratio} |"


def _section(section: Section) -> list[str]:
    lines = [
        f"## {section.title}",
        "",
        f"Ran in {section.seconds:.0f} s with {section.parameters}.",
        "",
    ]
    if section.error:
        lines += [f"**Failed**: `{section.error}`", ""]
    if section.figures:
        lines += ["| figure | value | baseline (same run) | ratio |", "| --- | --- | --- | --- |"]
        lines += [_figure_row(f) for f in section.figures]
        lines.append("")
    return lines


def _memory(sections: Sequence[Section]) -> list[str]:
    """Every resident-memory figure of the run, gathered in one table."""
    found = [f for s in sections for f in s.figures if f.key.startswith("memory.")]
    if not found:
        return []
    lines = ["## Resident memory per service", "", "| service (when) | VmRSS |", "| --- | --- |"]
    lines += [f"| {f.name} {f.note} | {number(f.value)} {f.unit} |" for f in found]
    return [*lines, ""]


def _goals(goals: Sequence[Goal]) -> list[str]:
    verdicts = {True: "met", False: "**not met**", None: "not measured"}
    lines = ["## Goals", "", "| issue | goal | verdict | figures |", "| --- | --- | --- | --- |"]
    lines += [f"| {g.issue} | {g.text} | {verdicts[g.met]} | {g.evidence} |" for g in goals]
    return [*lines, ""]


def render(machine: Machine, sections: Sequence[Section], goals: Sequence[Goal]) -> str:
    """The whole report."""
    lines = [
        "# Benchmark report",
        "",
        "Every figure is measured in this run, each with its baseline measured in the same "
        "run on the same broker; ratio = figure / baseline (for times: how many times "
        "longer). Written by `python -m bench.report`.",
        "",
        *(
            [
                "**Quick run** (`--quick`): everything small, a smoke test; the figures are not "
                "comparable with the goals.",
                "",
            ]
            if machine.quick
            else []
        ),
        *_machine(machine),
        *(line for section in sections for line in _section(section)),
        *_memory(sections),
        *_goals(goals),
        "## Durations",
        "",
        "| benchmark | seconds |",
        "| --- | --- |",
        *(f"| {s.title} | {s.seconds:.0f} |" for s in sections),
        "",
    ]
    return "\n".join(lines)
