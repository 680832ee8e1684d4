"""The API docs of the three services in headless Chromium: Swagger UI renders every
operation from the service's own files, asks nothing of another origin, and its strict
Content-Security-Policy refuses nothing it needs (issue 14, case 11)."""

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import sync_playwright

from harness.builders import TEST_PSEUDONYMISATION_KEY
from services.clauses.bootstrap import build as build_clauses
from services.clauses.bootstrap import http_app
from services.clauses.settings import ClausesSettings
from services.indicators.bootstrap import build_service as build_indicators
from services.indicators.settings import IndicatorsSettings
from services.ingest.bootstrap import build_service, create_app
from services.ingest.settings import IngestSettings
from shared.http_server import guarded_h11
from tests.e2e.web.test_pages_in_chromium import CHROMIUM


def apps() -> dict[str, FastAPI]:
    """The three apps, wired but not started: the docs need neither Kafka nor a database."""
    ingest = IngestSettings(pseudonymisation_key=TEST_PSEUDONYMISATION_KEY)
    return {
        "ingest": create_app(build_service(ingest), manage_runtime=False),
        "clauses": http_app(build_clauses(ClausesSettings(database_url="sqlite://"))),
        "indicators": build_indicators(IndicatorsSettings()).http,
    }


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, str]]:
    """Each app served by uvicorn with the services' protocol, on a free port."""
    servers, urls = [], {}
    for name, app in apps().items():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            lifespan="off",
            log_level="warning",
            http=guarded_h11(head_timeout_s=10, body_timeout_s=60),
        )
        server = uvicorn.Server(config)
        threading.Thread(target=server.run, daemon=True).start()
        servers.append(server)
        urls[name] = f"http://127.0.0.1:{port}"
    for url in urls.values():
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{url}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    yield urls
    for server in servers:
        server.should_exit = True


@pytest.mark.parametrize("service", ["ingest", "clauses", "indicators"])
def test_swagger_ui_renders_from_the_services_own_files_under_its_policy(
    served: dict[str, str], service: str
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run deploy/chromium.sh (Debian's chromium)")
    url = served[service]
    operations = len(httpx.get(f"{url}/openapi.json").json()["paths"])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        console: list[str] = []
        requested: list[str] = []
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
        page.on("request", lambda request: requested.append(request.url))

        page.goto(f"{url}/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
        page.locator(".opblock-summary").first.click()
        page.wait_for_selector(".opblock-body", timeout=10_000)
        shown = page.locator(".opblock").count()
        browser.close()

    assert shown >= operations > 0
    assert all(r.startswith(f"{url}/") for r in requested), requested
    assert f"{url}/docs/static/swagger-ui-bundle.js" in requested
    assert console == []  # a refused script, style or image would be reported here
