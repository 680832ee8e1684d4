"""A fresh PostgreSQL database per test."""

from collections.abc import Iterator

import pytest

from harness.databases import fresh_database


@pytest.fixture
def clauses_database(postgres_url: str) -> Iterator[str]:
    """The URL of an empty database of our own."""
    with fresh_database(postgres_url, stem="clauses_e2e") as url:
        yield url
