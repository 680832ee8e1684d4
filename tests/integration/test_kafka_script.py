"""deploy/kafka/kafka.sh starts a broker, says when one runs, restarts it on the same data,
stops it and leaves nothing."""

import os
import socket
import subprocess
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from harness.ports import free_port_pair, stable_port
from harness.processes import KAFKA_SCRIPT
from tests.servers import kafka_script, local_kafka

# below the ephemeral range: a fixed port there was once taken by an outgoing connection
PORT = str(stable_port(2))


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


async def test_a_restart_keeps_the_brokers_records_and_its_port() -> None:
    port = free_port_pair()
    with local_kafka(port) as bootstrap:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
        await producer.start()
        try:
            await producer.send_and_wait("kept", b"before the restart", key=b"k")
        finally:
            await producer.stop()

        restarted = kafka_script("restart", port)
        kept = await read_all(bootstrap, "kept")

    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    assert "on the same data" in restarted.stdout
    assert kept == [b"before the restart"]


async def read_all(bootstrap: str, topic: str) -> list[bytes]:
    """Every value of the topic, from its first offset."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=10_000)
    finally:
        await consumer.stop()
    return [record.value for records in batches.values() for record in records if record.value]
