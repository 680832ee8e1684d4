"""deploy/healthcheck.py, the containers' healthcheck, run as compose runs it: against the
real indicators service, a server that answers an error, and a port nobody listens on."""

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from harness.ports import free_port
from tests.e2e.indicators.conftest import ServiceProcess, service_process
from tests.unit.deploy.files import REPO

__all__ = ["service_process"]  # the fixture, shared with the indicators e2e tests

SCRIPT = REPO / "deploy" / "healthcheck.py"


def healthcheck(url: str) -> int:
    return subprocess.run(
        [sys.executable, str(SCRIPT), url], capture_output=True, timeout=30, check=False
    ).returncode


class Unavailable(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(503)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        return


@pytest.fixture
def failing_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/health"
    finally:
        server.shutdown()
        server.server_close()


def test_a_running_service_is_healthy(service_process: ServiceProcess) -> None:
    assert healthcheck(f"{service_process.url}/health") == 0


def test_a_service_answering_an_error_is_unhealthy(failing_server: str) -> None:
    assert healthcheck(failing_server) == 1


def test_a_service_nobody_listens_for_is_unhealthy() -> None:
    assert healthcheck(f"http://127.0.0.1:{free_port()}/health") == 1


def test_a_url_that_is_not_http_is_a_configuration_error() -> None:
    assert healthcheck("file:///etc/passwd") == 2
