"""The committed JSON Schemas and AsyncAPI document match the models."""

from shared.schemas import stale_files


def test_committed_schemas_are_current() -> None:
    stale = stale_files()

    assert stale == [], "run: python -m shared.schemas write"
