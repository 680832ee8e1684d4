"""`python -m reference_dataset --seed 2023 --out DIR` writes the files and prints the figures."""

import json
from pathlib import Path

import pytest

from reference_dataset.__main__ import main


def test_the_command_writes_json_lines_and_prints_the_2023_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--seed", "2023", "--out", str(tmp_path)])

    printed = capsys.readouterr().out
    written = sorted(p.name for p in tmp_path.iterdir())
    first = json.loads((tmp_path / "submissions.jsonl").read_text().splitlines()[0])
    assert written == [
        "figures.json",
        "invoices.jsonl",
        "markets.jsonl",
        "monthly_hours.jsonl",
        "submissions.jsonl",
        "work_contracts.jsonl",
    ]
    assert "68 978" in printed
    assert "149 (17.6 %)" in printed
    assert set(first) == {"seq", "received_at", "kind", "expected", "reason", "tags", "payload"}
