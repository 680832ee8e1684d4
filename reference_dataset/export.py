"""The dataset as files (JSON lines of the final facts and of the submissions in arrival order)
and its figures, as JSON and as the table `python -m reference_dataset` prints."""

import json
from collections.abc import Callable
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

from reference_dataset.oracle import YearFigures, all_figures, percent
from reference_dataset.records import Dataset, Json, Submission, to_wire


def _line(value: Json) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def submission_json(submission: Submission) -> dict[str, Json]:
    """A submission with its envelope: order, arrival time, kind, what ingest must do, why."""
    return {
        "seq": submission.seq,
        "received_at": submission.received_at.isoformat(),
        "kind": submission.kind.value,
        "expected": submission.expected.value,
        "reason": submission.reason,
        "tags": [tag.value for tag in submission.tags],
        "payload": submission.payload,
    }


def files(dataset: Dataset, submissions: tuple[Submission, ...]) -> dict[str, str]:
    """Every file's name and text."""
    return {
        "markets.jsonl": "".join(_line(to_wire(m)) for m in dataset.markets),
        "work_contracts.jsonl": "".join(_line(to_wire(c)) for c in dataset.contracts),
        "invoices.jsonl": "".join(_line(to_wire(i)) for i in dataset.invoices),
        "monthly_hours.jsonl": "".join(_line(to_wire(h)) for h in dataset.hours),
        "submissions.jsonl": "".join(_line(submission_json(s)) for s in submissions),
        "figures.json": json.dumps(as_json(all_figures(dataset)), indent=2, ensure_ascii=False)
        + "\n",
    }


def write(directory: Path, texts: dict[str, str]) -> None:
    """Write the files into a directory (created when missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (directory / name).write_text(text, encoding="utf-8")


Cell = Callable[[YearFigures], str]
CATEGORY_ROWS = (
    ("works", "works"),
    ("public_service_delegation", "transport (DSP)"),
    ("services_and_supplies", "services and supplies"),
    ("intellectual_services", "intellectual services"),
)
VALUE_ROWS = (
    ("supplies", "supplies"),
    ("services", "services"),
    ("works", "works"),
    ("intellectual_services", "intellectual services (studies)"),
    ("public_service_delegation", "concessions (DSP)"),
)


def number(value: int | Decimal) -> str:
    """A count or a number of hours, thousands apart: 68 978, or 12.25 when not whole."""
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return f"{value:,.2f}".replace(",", " ")
    return f"{int(value):,}".replace(",", " ")


def _share(part: int | Decimal, whole: int | Decimal, places: int = 0) -> str:
    return f"{number(part)} ({percent(part, whole, places)} %)"


def _category(key: str) -> Cell:
    return lambda f: _share(f.hours_by_category.get(key, Decimal(0)), f.insertion_hours)


def _value(key: str) -> Cell:
    return lambda f: (
        f"{percent(f.value_above_15k.get(key, 0), sum(f.value_above_15k.values()), 2)} %"
    )


def _clauses(status: str) -> Cell:
    return lambda f: number(f.clauses[status])


def _others(f: YearFigures) -> str:
    return _share(f.contracts - f.cdi - f.cdd - f.alternance, f.contracts)


def _rows() -> list[tuple[str, Cell]]:
    rows: list[tuple[str, Cell]] = [
        ("insertion hours", lambda f: number(f.insertion_hours)),
        ("training hours", lambda f: _share(f.training_hours, f.insertion_hours, 2)),
        ("hours in reserved markets", lambda f: number(f.reserved_market_hours)),
    ]
    rows += [(f"  insertion hours: {label}", _category(key)) for key, label in CATEGORY_ROWS]
    rows += [
        ("beneficiaries", lambda f: number(f.beneficiaries)),
        ("  men", lambda f: _share(f.beneficiaries_by_gender.get("male", 0), f.beneficiaries)),
        ("  women", lambda f: _share(f.beneficiaries_by_gender.get("female", 0), f.beneficiaries)),
        ("work contracts", lambda f: number(f.contracts)),
        ("  CDI", lambda f: _share(f.cdi, f.contracts)),
        ("  CDD", lambda f: _share(f.cdd, f.contracts)),
        ("  alternance", lambda f: _share(f.alternance, f.contracts)),
        ("  other types", _others),
        ("markets with insertion hours", lambda f: number(f.markets_with_hours)),
        ("employers with hours", lambda f: number(f.employers)),
        ("  of which SMEs", lambda f: number(f.sme_employers)),
        ("markets notified > 40 000 EUR HT", lambda f: number(f.notified_above_40k)),
        (
            "  with a social consideration",
            lambda f: _share(f.notified_above_40k_social, f.notified_above_40k, 1),
        ),
        (
            "  with an environmental consideration",
            lambda f: _share(f.notified_above_40k_environmental, f.notified_above_40k, 1),
        ),
        ("markets notified > 15 000 EUR HT", lambda f: number(f.notified_above_15k)),
        (
            "  won by a company of the territory",
            lambda f: _share(f.notified_above_15k_in_territory, f.notified_above_15k),
        ),
    ]
    rows += [(f"  value share: {label}", _value(key)) for key, label in VALUE_ROWS]
    rows += [
        (f"clauses in December: {s}", _clauses(s)) for s in ("on_track", "behind", "no_report")
    ]
    return rows


def table(figures: dict[int, YearFigures]) -> str:
    """A plain-text table: one row per figure, one column per year."""
    years = sorted(figures)
    rows = [("figure", [str(y) for y in years])]
    rows += [(label, [cell(figures[y]) for y in years]) for label, cell in _rows()]
    first = max(len(label) for label, _ in rows)
    widths = [max(len(cells[i]) for _, cells in rows) for i in range(len(years))]
    lines = [
        "  ".join([label.ljust(first), *(c.rjust(w) for c, w in zip(cells, widths, strict=True))])
        for label, cells in rows
    ]
    return "\n".join(lines)


def _plain(value: object) -> Json:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, bool | int | str) or value is None:
        return value
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def as_json(figures: dict[int, YearFigures]) -> dict[str, Json]:
    """The figures of every year, Decimals as strings with two places."""
    return {str(year): _plain(asdict(f)) for year, f in figures.items()}
