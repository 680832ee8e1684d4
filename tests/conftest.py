"""Test tiers by folder, and the real servers the integration tier needs."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import kafka_server, postgres_server

TESTS = Path(__file__).parent
TIERS = ("unit", "component", "integration", "e2e", "chaos")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier: the first folder under tests/."""
    for item in items:
        tier = Path(str(item.path)).relative_to(TESTS).parts[0]
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """Bootstrap servers of a real Kafka broker."""
    with kafka_server() as bootstrap:
        yield bootstrap


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a real PostgreSQL database."""
    with postgres_server() as url:
        yield url
