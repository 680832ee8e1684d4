"""The targets file (TOML), read from disk and validated against the catalogue."""

from pathlib import Path

from services.indicators.domain.catalogue import SPEC_BY_ID
from services.indicators.domain.targets import Targets, targets_from_toml


def load_targets(path: Path) -> Targets:
    """The targets file, validated against the catalogue."""
    return targets_from_toml(path.read_text(encoding="utf-8"), known=set(SPEC_BY_ID))
