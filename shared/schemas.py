"""Export the JSON Schemas of the events and the AsyncAPI document; check they are current.

Usage: python -m shared.schemas write | check
"""

import json
import sys
from pathlib import Path
from typing import Any

from shared.aggregates import AggregateChanged
from shared.contract import contract_app
from shared.events import EVENT_TYPES
from shared.indicators import IndicatorSnapshot

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"


def _render(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def expected_files() -> dict[Path, str]:
    """Every committed schema file and the text it must hold."""
    files: dict[Path, str] = {}
    for event_type in EVENT_TYPES:
        version = event_type.model_fields["schema_version"].default
        path = SCHEMA_DIR / "events" / f"{event_type.__name__}.v{version}.json"
        files[path] = _render(event_type.model_json_schema(mode="validation"))
    aggregates = SCHEMA_DIR / "events" / "AggregateChanged.v1.json"
    files[aggregates] = _render(AggregateChanged.model_json_schema(mode="validation"))
    snapshots = SCHEMA_DIR / "events" / "IndicatorSnapshot.v1.json"
    files[snapshots] = _render(IndicatorSnapshot.model_json_schema(mode="validation"))
    asyncapi = contract_app().schema.to_specification().to_jsonable()
    files[SCHEMA_DIR / "asyncapi.json"] = _render(asyncapi)
    return files


def stale_files() -> list[Path]:
    """Files that are missing, differ from the models, or should not be there."""
    expected = expected_files()
    stale = [
        path for path, text in expected.items() if not path.is_file() or path.read_text() != text
    ]
    extra = [p for p in SCHEMA_DIR.rglob("*.json") if p not in expected]
    return sorted(stale + extra)


def write() -> None:
    """Write every schema file, removing those no model produces any more."""
    expected = expected_files()
    for path in SCHEMA_DIR.rglob("*.json"):
        if path not in expected:
            path.unlink()
    for path, text in expected.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def main(argv: list[str]) -> int:
    """Entry point: `write` regenerates, `check` exits 1 when a committed file is stale."""
    if argv == ["write"]:
        write()
        return 0
    if argv == ["check"]:
        stale = stale_files()
        for path in stale:
            relative = path.relative_to(SCHEMA_DIR.parent)
            print(f"stale: {relative} (run: python -m shared.schemas write)")
        return 1 if stale else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
