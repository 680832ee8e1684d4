"""The dataset as files: JSON lines of the final facts and of the submissions in arrival order."""

import json
from pathlib import Path

from deploy.dataset.figures import all_figures
from deploy.dataset.model import Dataset, Json, Submission
from deploy.dataset.report import as_json
from deploy.dataset.wire import to_wire


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
