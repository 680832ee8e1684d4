"""Indicators: rebuild time from 1 000 000 aggregate changes, and freshness under steady load.

Usage: KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:29092 .venv/bin/python bench/indicators_freshness.py
       [--messages 1000000] [--keys 200000] [--rate 200] [--seconds 30]

1. Rebuild: writes N AggregateChanged messages (hours cells over K keys, each updated N/K
   times, plus distinct counts) to a topic of its own, then times, in the same run:
   - the baseline: a bare consume of the topic (no decoding, no state);
   - the rebuild command's path (`replay` into a fresh live view: decode, check, fold,
     then compute every indicator);
   - the service's own start (`python -m services.indicators` reading the log from the first
     offset until /health says caught_up).
2. Freshness: the service runs as a process; a producer sends a steady R aggregate changes
   per second; every 0.25 s one of them is a probe whose new value the bench waits for on
   GET /v1/indicators. It prints p50 and p99 from publish to the changed HTTP value.
   The end-to-end path from a monthly report accepted by ingest also goes through ingest and
   clauses (built in parallel): not measured here.
"""

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.figures import Figure  # noqa: E402
from harness.builders import a_distinct_count, an_aggregate_change, an_hours_cell  # noqa: E402
from services.indicators.adapters.kafka import replay  # noqa: E402
from services.indicators.adapters.targets_file import load_targets  # noqa: E402
from services.indicators.application.live_indicators import LiveIndicators  # noqa: E402
from services.indicators.settings import DEFAULT_TARGETS  # noqa: E402

CATEGORIES = ("works", "services", "supplies", "intellectual_services", "public_service_delegation")
GENDERS = ("female", "male")
CONTRACTS = ("cddi", "cdi", "cdd", "interim", "apprenticeship")


def cell_template(index: int) -> tuple[bytes, bytes]:
    """The key and JSON of one hours cell, its hours left as a placeholder."""
    cell = an_hours_cell(
        period=f"{2021 + index % 3}-{1 + index % 12:02d}",
        market_id=f"BENCH-{index // 40:06d}",
        category=CATEGORIES[index % 5],
        reserved_market=index % 17 == 0,
        gender=GENDERS[index % 2],
        contract_type=CONTRACTS[(index // 2) % 5],
        insertion_hours=Decimal("1.00"),
        training_hours=Decimal("0.00"),
    )
    change = an_aggregate_change(cell)
    return change.key.encode(), change.model_dump_json().encode()


async def create_topic(bootstrap: str, name: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        # not compacted, so that all N messages stay to be read (compaction only shortens it)
        config = {"cleanup.policy": "delete", "retention.ms": "-1"}
        await admin.create_topics([NewTopic(name, 3, 1, topic_configs=config)])
    finally:
        await admin.close()


async def delete_topics(bootstrap: str, names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics(names)
    finally:
        await admin.close()


async def produce(bootstrap: str, topic: str, messages: int, keys: int) -> float:
    """Write the messages; returns the seconds it took."""
    templates = [cell_template(i) for i in range(keys)]
    placeholder = b'"insertion_hours":"1.00"'
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, linger_ms=20, max_batch_size=512 * 1024, acks=1
    )
    await producer.start()
    started = time.perf_counter()
    try:
        pending = []
        for n in range(messages):
            key, value = templates[n % keys]
            hours = f'"insertion_hours":"{1 + n // keys}.{n % 100:02d}"'.encode()
            pending.append(await producer.send(topic, value.replace(placeholder, hours), key=key))
            if len(pending) >= 20_000:
                await asyncio.gather(*pending)
                pending.clear()
        for year in (2021, 2022, 2023):
            change = an_aggregate_change(a_distinct_count(year=year, count=1000 + year))
            await producer.send(topic, change.model_dump_json().encode(), key=change.key.encode())
        await asyncio.gather(*pending)
        await producer.flush()
    finally:
        await producer.stop()
    return time.perf_counter() - started


async def bare_consume(bootstrap: str, topic: str) -> tuple[int, float]:
    """Read every record of the topic and do nothing with it: the baseline."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
        fetch_max_bytes=64 * 1024 * 1024, max_partition_fetch_bytes=16 * 1024 * 1024,
    )  # fmt: skip
    await consumer.start()
    try:
        cluster = await consumer._client.fetch_all_metadata()
        partitions = [TopicPartition(topic, p) for p in cluster.partitions_for_topic(topic)]
        started = time.perf_counter()
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records = 0
        while any([await consumer.position(tp) < end for tp, end in ends.items()]):
            for batch in (await consumer.getmany(timeout_ms=1000, max_records=10_000)).values():
                records += len(batch)
        return records, time.perf_counter() - started
    finally:
        await consumer.stop()


async def in_process_rebuild(bootstrap: str, topic: str) -> tuple[int, float, float, int]:
    """The rebuild command's path: records, seconds to fold, seconds to compute, cells."""
    live = LiveIndicators(targets=load_targets(DEFAULT_TARGETS), threshold=5)
    stats = await replay(bootstrap, {topic: live.apply_aggregates})
    started = time.perf_counter()
    cells = sum(len(values) for values in live.by_year().values())
    return stats.records, stats.seconds, time.perf_counter() - started, cells


def service_env(bootstrap: str, run: str, port: int, aggregates: str) -> dict[str, str]:
    return {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "INDICATORS_PORT": str(port),
        "INDICATORS_AGGREGATES_TOPIC": aggregates,
        "INDICATORS_MARKETS_TOPIC": f"{run}.markets",
        "INDICATORS_SNAPSHOTS_TOPIC": f"{run}.snapshots",
    }


def start_service(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "services.indicators"],
            cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip


async def wait_caught_up(url: str, process: subprocess.Popen[bytes], within: float) -> float:
    """Seconds from now until the service's /health says caught_up."""
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=2) as client:
        while time.perf_counter() - started < within:
            if process.poll() is not None:
                raise RuntimeError(f"the service exited with {process.returncode}")
            try:
                health = (await client.get(f"{url}/health")).json()
                if health["caught_up"]:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.05)
    raise TimeoutError(f"not caught up within {within} s")


async def steady_load(
    bootstrap: str, topic: str, url: str, rate: int, seconds: float
) -> list[float]:
    """Send `rate` changes a second; every 0.25 s one is a probe timed to its HTTP value."""
    templates = [cell_template(i) for i in range(2_000)]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=0, acks="all")
    await producer.start()
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds

    async def load() -> None:
        sent, started = 0, time.perf_counter()
        while time.perf_counter() < stop_at:
            key, value = templates[sent % len(templates)]
            await producer.send(topic, value, key=key)
            sent += 1
            await asyncio.sleep(max(0.0, started + sent / rate - time.perf_counter()))

    async def probe(client: httpx.AsyncClient) -> None:
        count = 0
        while time.perf_counter() < stop_at:
            tick = time.perf_counter()
            count += 1
            # counts of 5 and more: a smaller count of people would be suppressed
            change = an_aggregate_change(a_distinct_count(year=2030, count=1000 + count))
            sent = time.perf_counter()
            await producer.send(topic, change.model_dump_json().encode(), key=change.key.encode())
            while time.perf_counter() - sent < 10:
                page = await client.get(
                    f"{url}/v1/indicators", params={"year": 2030, "axis": "social"}
                )
                if page.status_code == 200 and any(
                    v["id"] == "social.beneficiaries" and v["value"] == 1000 + count
                    for v in page.json()["indicators"]
                ):
                    latencies.append(time.perf_counter() - sent)
                    break
                await asyncio.sleep(0.002)
            await asyncio.sleep(max(0.0, tick + 0.25 - time.perf_counter()))

    try:
        async with httpx.AsyncClient(timeout=5) as client:
            await asyncio.gather(load(), probe(client))
    finally:
        await producer.stop()
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


SECTION = "Indicators: rebuild from aggregate changes, freshness from an aggregate change"


async def main(arguments: argparse.Namespace) -> list[Figure]:
    """Every figure of this benchmark (printed as it goes), on KAFKA_BOOTSTRAP_SERVERS."""
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    run = f"bench-indicators-{uuid.uuid4().hex[:8]}"
    big, live_topic = f"{run}.aggregates", f"{run}.live-aggregates"
    await create_topic(bootstrap, big)
    await create_topic(bootstrap, live_topic)
    try:
        produced = await produce(bootstrap, big, arguments.messages, arguments.keys)
        print(
            f"produced {arguments.messages} messages over {arguments.keys} keys in {produced:.1f} s"
        )
        records, bare = await bare_consume(bootstrap, big)
        print(
            f"baseline, bare consume:      {records} records in {bare:6.2f} s "
            f"({records / bare:,.0f}/s)"
        )
        records, fold, compute, cells = await in_process_rebuild(bootstrap, big)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"rebuild (replay + fold):     {records} records in {fold:6.2f} s "
            f"({records / fold:,.0f}/s), ratio to baseline {fold / bare:.2f}; "
            f"then {cells} indicator cells computed in {compute * 1000:.0f} ms; "
            f"max RSS of this process {rss:.0f} MiB"
        )
        bare_name = "bare consume of the same topic"
        figures = [
            Figure("indicators.changes", SECTION, "aggregate changes in the topic", records,
                   "messages"),
            Figure("indicators.replay", SECTION, "rebuild command path (replay + fold)", fold,
                   "s", bare, bare_name, f"({records} aggregate changes)"),
            Figure("indicators.compute", SECTION, "then every indicator computed",
                   compute * 1000, "ms", note=f"({cells} cells)"),
        ]  # fmt: skip
        port = 18000 + os.getpid() % 1000
        url = f"http://127.0.0.1:{port}"
        process = start_service(service_env(bootstrap, run, port, big), Path(f"/tmp/{run}.log"))
        try:
            started = await wait_caught_up(url, process, within=600)
            print(
                f"service start to caught up: {started:6.2f} s (interpreter start included), "
                f"ratio to baseline {started / bare:.2f}"
            )
            figures.append(
                Figure("indicators.start", SECTION, "service start to caught up", started, "s",
                       bare, bare_name, "(interpreter start included)")
            )  # fmt: skip
        finally:
            process.terminate()
            process.wait(timeout=30)
        process = start_service(
            service_env(bootstrap, run, port, live_topic), Path(f"/tmp/{run}-live.log")
        )
        try:
            await wait_caught_up(url, process, within=60)
            latencies = await steady_load(
                bootstrap, live_topic, url, arguments.rate, arguments.seconds
            )
        finally:
            process.terminate()
            process.wait(timeout=30)
        print(
            f"freshness, AggregateChanged published -> changed value on GET /v1/indicators, "
            f"under {arguments.rate} changes/s for {arguments.seconds:.0f} s: "
            f"{len(latencies)} probes, p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms, mean {statistics.mean(latencies) * 1000:.0f} ms"
        )
        load = f"({len(latencies)} probes under {arguments.rate} changes/s)"
        for name, fraction in (("p50", 0.5), ("p99", 0.99)):
            figures.append(
                Figure(f"indicators.fresh-{name}", SECTION,
                       f"freshness {name}, AggregateChanged -> GET /v1/indicators",
                       percentile(latencies, fraction) * 1000, "ms", note=load)
            )  # fmt: skip
        return figures
    finally:
        await delete_topics(bootstrap, [big, live_topic, f"{run}.markets", f"{run}.snapshots"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--keys", type=int, default=200_000)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    asyncio.run(main(parser.parse_args()))
