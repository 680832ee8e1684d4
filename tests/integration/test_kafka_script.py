"""deploy/kafka/kafka.sh starts a broker, says when one runs, stops it and leaves nothing."""

import os
import socket
import subprocess
from pathlib import Path

from tests.servers import KAFKA_SCRIPT

PORT = "39492"


def script(command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KAFKA_PORT": PORT}
    return subprocess.run(
        ["bash", str(KAFKA_SCRIPT), command], env=env, capture_output=True, text=True, check=False
    )


def accepts_connections() -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", int(PORT))) == 0


def test_the_script_starts_stops_and_starts_again_leaving_nothing_behind() -> None:
    version = script("version").stdout.strip()

    first = script("start")
    again = script("start")
    stopped = script("stop")
    after_stop = accepts_connections()
    restarted = script("start")
    final_stop = script("stop")

    assert first.returncode == 0, first.stdout + first.stderr
    assert f"Kafka {version} ready on 127.0.0.1:{PORT}" in first.stdout
    assert "already running" in again.stdout, again.stdout + again.stderr
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert not after_stop
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    assert final_stop.returncode == 0, final_stop.stdout + final_stop.stderr
    assert not Path(f"/tmp/insertion-hours-kafka-{PORT}").exists()
    assert script("status").returncode == 1
