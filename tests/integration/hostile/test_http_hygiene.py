"""HTTP hygiene of the three services (issue 14, case 11).

Every response of every route carries the security headers; the API docs load nothing from
another origin; a token in a query string never reaches a log line; a client that sends
nothing, or its request's head or body a byte at a time, is disconnected within the
configured time (a real `python -m services.ingest` process and real sockets).
"""

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from harness.ports import free_port
from harness.processes import REPO, served_ingest, stop
from shared.http_security import source_hash
from tests.integration.hostile.checks import tried
from tests.integration.hostile.test_authorisation_matrix import POLICY, PUBLIC_SAMPLES
from tests.integration.indicators.conftest import delete_topics, unique_settings
from tests.integration.ingest.conftest import Live
from tests.servers import wait_until_up

HEAD_TIMEOUT_S = 1.5
BODY_TIMEOUT_S = 2.0
KEEP_ALIVE_S = 1
# how long past the configured timeout a connection may stay open
GRACE_S = 2.5
SECRET = f"s3cr3t-{uuid.uuid4().hex}"


def sample(path: str) -> str:
    """A concrete URL for a route."""
    path = PUBLIC_SAMPLES.get(path, path)
    return (
        path.replace("{submission_id}", str(uuid.uuid4()))
        .replace("{market_id}", "M-1")
        .replace("{year}", "2023")
    )


def assert_secure_headers(response: httpx.Response, where: str) -> None:
    headers = response.headers
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("x-frame-options") == "DENY", where
    assert headers.get("referrer-policy") == "no-referrer", where
    policy = headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy, (where, policy)
    assert not re.search(r"https?:|\*|//", policy), (where, policy)


@pytest.mark.parametrize("service", ["ingest", "clauses", "indicators"])
async def test_every_response_of_every_route_carries_the_security_headers(
    service: str, live: Live, clauses: httpx.AsyncClient, indicators: httpx.AsyncClient
) -> None:
    client = {"ingest": live.client, "clauses": clauses, "indicators": indicators}[service]
    routes = sorted(POLICY[service])
    tried("http hygiene", len(routes) + 2)

    responses = {
        f"{method} {path}": await client.request(method, sample(path), content=b"")
        for method, path in routes
    }
    responses["unknown route"] = await client.get("/no/such/route")
    responses["bad parameter"] = await client.get("/openapi.json", params={"x": "\x00"})

    for where, response in responses.items():
        assert_secure_headers(response, where)


@pytest.mark.parametrize("service", ["ingest", "clauses", "indicators"])
async def test_the_api_docs_load_only_the_services_own_files(
    service: str, live: Live, clauses: httpx.AsyncClient, indicators: httpx.AsyncClient
) -> None:
    client = {"ingest": live.client, "clauses": clauses, "indicators": indicators}[service]
    tried("http hygiene")

    page = await client.get("/docs")
    loaded = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assets = [await client.get(url) for url in loaded]
    scripts = re.findall(r"<script>(.*?)</script>", page.text, flags=re.S)
    policy = page.headers["content-security-policy"]
    swagger_js = await client.get("/docs/static/swagger-ui-bundle.js")
    elsewhere = await client.get("/docs/static/..%2F..%2F__init__.py")

    assert page.status_code == 200
    assert loaded
    assert all(url.startswith("/") and not url.startswith("//") for url in loaded), loaded
    assert [a.status_code for a in assets] == [200] * len(loaded)
    assert "cdn" not in page.text.lower()
    assert scripts
    assert all(source_hash(script) in policy for script in scripts)
    assert "script-src 'self' 'sha256-" in policy
    assert "'unsafe-eval'" not in policy
    assert swagger_js.status_code == 200
    assert swagger_js.headers["content-type"].startswith("text/javascript")
    assert elsewhere.status_code == 404


@dataclass(frozen=True)
class Served:
    """A served ingest process, and the file its output goes to."""

    url: str
    log: Path

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.url.removeprefix("http://").split(":")
        return host, int(port)


@pytest.fixture(scope="module")
def served(
    kafka_bootstrap: str, postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    log = tmp_path_factory.mktemp("served") / "ingest.log"
    timeouts = {
        "INGEST_HTTP_HEAD_TIMEOUT_S": str(HEAD_TIMEOUT_S),
        "INGEST_HTTP_BODY_TIMEOUT_S": str(BODY_TIMEOUT_S),
        "INGEST_HTTP_KEEP_ALIVE_S": str(KEEP_ALIVE_S),
    }
    with served_ingest(kafka_bootstrap, postgres_url, extra_env=timeouts, log=log) as url:
        yield Served(url, log)


QUERY_SECRETS = {
    "access_token": "/health?access_token={}",
    "token after another parameter": "/health?year=2023&token={}",
    "jeton on a page": "/ui/connexion?jeton={}&suite=/ui/depot",
    "api key percent-encoded": "/v1/submissions/x?api%5Fkey={}",
    "session, unknown route": "/nowhere?session={}",
}


def test_a_token_in_a_query_string_never_reaches_the_log(served: Served) -> None:
    tried("http hygiene", len(QUERY_SECRETS))

    for template in QUERY_SECRETS.values():
        httpx.get(served.url + template.format(SECRET), timeout=10)
    deadline = time.monotonic() + 10
    while served.log.read_text().count("[REDACTED]") < len(QUERY_SECRETS):
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    text = served.log.read_text(encoding="utf-8", errors="replace")

    assert SECRET not in text
    assert "GET /health?access_token=[REDACTED] HTTP/1.1" in text
    assert "/health?year=2023&token=[REDACTED]" in text
    assert "/ui/connexion?jeton=[REDACTED]&suite=/ui/depot" in text


def closed_within(sock: socket.socket, seconds: float, *, trickle: bytes = b"") -> float | None:
    """Seconds until the server closed the connection (None if still open after `seconds`),
    sending `trickle` one byte every 0.2 s meanwhile (a slowloris client)."""
    started = time.monotonic()
    sock.settimeout(0.2)
    sent = 0
    while time.monotonic() - started < seconds:
        try:
            data = sock.recv(65536)
        except TimeoutError:
            data = None
        except ConnectionError:
            return time.monotonic() - started
        if data == b"":
            return time.monotonic() - started
        if trickle:
            try:
                sock.send(trickle[sent % len(trickle) : sent % len(trickle) + 1])
            except (BrokenPipeError, ConnectionError):
                return time.monotonic() - started
            sent += 1
    return None


def test_a_connection_that_sends_nothing_is_closed(served: Served) -> None:
    tried("http hygiene")

    with socket.create_connection(served.address) as sock:
        closed = closed_within(sock, HEAD_TIMEOUT_S + GRACE_S)

    assert closed is not None, "an idle connection was held open"


def test_a_request_head_sent_a_byte_at_a_time_is_cut_off(served: Served) -> None:
    tried("http hygiene")

    with socket.create_connection(served.address) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: ingest\r\n")
        closed = closed_within(
            sock, HEAD_TIMEOUT_S + GRACE_S, trickle=b"X-Slow-Header: aaaaaaaaaaaaaaaaaaaa\r\n"
        )

    assert closed is not None, "a slowloris head was held open"
    assert closed < HEAD_TIMEOUT_S + GRACE_S


def test_a_request_body_sent_a_byte_at_a_time_is_cut_off(served: Served) -> None:
    tried("http hygiene")

    with socket.create_connection(served.address) as sock:
        sock.sendall(
            b"POST /v1/invoices HTTP/1.1\r\nHost: ingest\r\nAuthorization: Bearer facilitator-token"
            b"\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
        )
        closed = closed_within(sock, BODY_TIMEOUT_S + GRACE_S, trickle=b" ")

    assert closed is not None, "a slow body was held open"


def test_an_idle_keep_alive_connection_is_closed_after_its_answer(served: Served) -> None:
    tried("http hygiene")

    with socket.create_connection(served.address) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: ingest\r\n\r\n")
        first = sock.recv(65536)
        closed = closed_within(sock, KEEP_ALIVE_S + GRACE_S)

    assert first.startswith(b"HTTP/1.1 200")
    assert closed is not None


def test_a_prompt_client_is_served_as_before(served: Served) -> None:
    with httpx.Client(base_url=served.url, timeout=10) as client:
        answers = [client.get("/health").status_code for _ in range(3)]
        time.sleep(KEEP_ALIVE_S / 2)
        answers.append(client.get("/health").status_code)

    assert answers == [200, 200, 200, 200]


@pytest.fixture(scope="module", params=["clauses", "indicators"])
def other_served(
    request: pytest.FixtureRequest, kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """`python -m services.clauses` or `services.indicators` on topics of its own, with the
    same short timeouts and its access log on."""
    service, port = request.param, free_port()
    folder = tmp_path_factory.mktemp(service)
    log = folder / f"{service}.log"
    run = f"hygiene-{uuid.uuid4().hex[:10]}"
    prefix = service.upper()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        f"{prefix}_HTTP_HEAD_TIMEOUT_S": str(HEAD_TIMEOUT_S),
        f"{prefix}_HTTP_BODY_TIMEOUT_S": str(BODY_TIMEOUT_S),
        f"{prefix}_HTTP_KEEP_ALIVE_S": str(KEEP_ALIVE_S),
    }
    settings = unique_settings(kafka_bootstrap)
    if service == "clauses":
        env |= {
            "CLAUSES_HTTP_PORT": str(port),
            "CLAUSES_DATABASE_URL": f"sqlite:///{folder / 'clauses.db'}",
            "CLAUSES_TOPIC_PREFIX": f"{run}.",
            "CLAUSES_GROUP_ID": run,
        }
    else:
        env |= {
            "INDICATORS_PORT": str(port),
            "INDICATORS_ACCESS_LOG": "true",
            "INDICATORS_AGGREGATES_TOPIC": settings.aggregates_topic,
            "INDICATORS_MARKETS_TOPIC": settings.markets_topic,
            "INDICATORS_SNAPSHOTS_TOPIC": settings.snapshots_topic,
        }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", f"services.{service}"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/health", process, log, within=60)
        yield Served(url, log)
    finally:
        stop(process)
        if service == "indicators":
            asyncio.run(delete_topics(kafka_bootstrap, settings))


def test_clauses_and_indicators_cut_off_a_slow_head_and_keep_tokens_out_of_their_log(
    other_served: Served,
) -> None:
    tried("http hygiene", 2)

    httpx.get(f"{other_served.url}/health?access_token={SECRET}", timeout=10)
    with socket.create_connection(other_served.address) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        closed = closed_within(sock, HEAD_TIMEOUT_S + GRACE_S, trickle=b"X-Slow: aaaaaaaa\r\n")
    time.sleep(0.5)
    text = other_served.log.read_text(encoding="utf-8", errors="replace")

    assert closed is not None, "a slowloris head was held open"
    assert SECRET not in text
    assert "/health?access_token=[REDACTED]" in text
