"""The project's processes, run from its source tree: where the repository and Kafka's script
are, ingest served as a process on a free port with its own raw topics, and stopping a
process started here."""

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from harness.builders import TEST_PSEUDONYMISATION_KEY, TOKENS
from harness.ports import free_port

REPO = Path(__file__).resolve().parents[1]
KAFKA_SCRIPT = REPO / "deploy" / "kafka" / "kafka.sh"


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process this test started, by its pid."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def served_ingest(
    bootstrap: str,
    database_url: str,
    extra_env: dict[str, str] | None = None,
    tree: Path = REPO,
    log: Path | None = None,
) -> Iterator[str]:
    """The base URL of a running ingest process (stopped, by its own pid, on exit); `tree`:
    the source tree it runs from (a benchmark may compare with another version); `log`: a
    file for its standard output and error (else discarded)."""
    port, suffix = free_port(), uuid.uuid4().hex[:10]
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "DATABASE_URL": database_url,
        "INGEST_PSEUDONYMISATION_KEY": TEST_PSEUDONYMISATION_KEY,
        "INGEST_TOKENS": json.dumps(TOKENS),
        "INGEST_PORT": str(port),
        "INGEST_RAW_TOPIC": f"insertion.raw-submissions.v1.served-{suffix}",
        "INGEST_DEAD_LETTER_TOPIC": f"insertion.dead-letter.v1.served-{suffix}",
        "INGEST_RAW_GROUP_ID": f"ingest-raw-served-{suffix}",
        **(extra_env or {}),
    }
    output = log.open("ab") if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "services.ingest"],
        cwd=tree,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if log is not None else subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"ingest did not start (exit code {process.poll()})")
            time.sleep(0.2)
        yield url
    finally:
        stop(process)
        if not isinstance(output, int):
            output.close()
