"""The clauses service wired on a SQLite file, with a fixed clock (last closed month 2023-06)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.clauses.bootstrap import Clauses, build
from services.clauses.settings import ClausesSettings

NOW = datetime(2023, 7, 10, 9, 30, tzinfo=UTC)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh SQLite database."""
    return f"sqlite:///{tmp_path}/clauses.db"


@pytest.fixture
def clauses(database_url: str) -> Clauses:
    """The service, wired but not started."""
    return build(ClausesSettings(database_url=database_url), clock=lambda: NOW)
