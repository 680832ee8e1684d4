"""The hostile corpus on ingest in process, on the real broker and PostgreSQL.

Each module is one entry point; its corpus is data (name, input, what is expected), so a
new hostile input is one line. The count of inputs tried per entry point is printed in the
terminal summary (visible in CI's output).
"""

import uuid
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from _pytest.terminal import TerminalReporter

from harness.databases import fresh_database
from services.clauses.bootstrap import build as build_clauses
from services.clauses.bootstrap import http_app
from services.clauses.settings import ClausesSettings
from services.indicators.bootstrap import build_service as build_indicators
from tests.integration.hostile.checks import TRIED
from tests.integration.indicators.conftest import delete_topics, unique_settings
from tests.integration.ingest.conftest import live

__all__ = ["live"]


@pytest.fixture(scope="module")
async def clauses(kafka_bootstrap: str, postgres_url: str) -> AsyncIterator[httpx.AsyncClient]:
    with fresh_database(postgres_url, stem="hostile_clauses") as database_url:
        settings = ClausesSettings(
            kafka_bootstrap_servers=kafka_bootstrap,
            database_url=database_url,
            topic_prefix=f"hostile-{uuid.uuid4().hex[:8]}.",
            group_id=f"hostile-clauses-{uuid.uuid4().hex[:8]}",
        )
        service = build_clauses(settings)
        app = http_app(service)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://c") as client:
                yield client
        service.engine.dispose()


@pytest.fixture(scope="module")
async def indicators(kafka_bootstrap: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = unique_settings(kafka_bootstrap)
    service = build_indicators(settings)
    await service.start()
    transport = httpx.ASGITransport(app=service.http)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://i") as client:
            yield client
    finally:
        await service.stop()
        await delete_topics(kafka_bootstrap, settings)


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    """How many hostile inputs each entry point was given."""
    if not TRIED:
        return
    terminalreporter.section("hostile inputs tried")
    for entry_point, count in sorted(Counter(TRIED).items()):
        terminalreporter.write_line(f"{entry_point:<40} {count:>6}")
    terminalreporter.write_line(f"{'total':<40} {sum(TRIED.values()):>6}")
