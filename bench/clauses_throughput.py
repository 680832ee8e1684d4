"""Clauses ledger throughput: exactly-once vs at-least-once vs a bare aiokafka loop.

Run from the repository root, with the broker and PostgreSQL of the tests:

    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:29092 DATABASE_URL=postgresql+psycopg://... \\
        .venv/bin/python -m bench.clauses_throughput --events 1000000

The stream (harness.large_streams: corrections, duplicates, late contracts) is produced once
on fresh topics; every mode then reads the same topics. The service runs as its own
process (`python -m services.clauses`), timed from its first to its last applied event
from the moment it serves HTTP (its consumer started) to its last applied event, through
its /metrics; its resident memory is read from /proc at the end. With `--baseline DIR`
(another checkout of the repository, e.g. `git archive main | tar -x -C DIR`) every mode
is also run with that checkout's service, interleaved, on the same topics.
"""

import argparse
import asyncio
import contextlib
import dataclasses
import itertools
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from prometheus_client.parser import text_string_to_metric_families

from bench.figures import Figure
from bench.pipeline_stack import memory_mb
from harness.broker import PARTITIONS, produce
from harness.databases import fresh_database
from harness.large_streams import event_chunks
from harness.ports import free_port
from harness.processes import REPO
from services.clauses.bootstrap import INPUT_TOPICS
from shared.events import decode_event
from shared.kafka import ensure_topics
from shared.topics import CLAUSE_AGGREGATES


async def consume_all(bootstrap: str, topics: list[str], *, decode: bool) -> tuple[int, float]:
    """A bare aiokafka loop over every partition from the beginning to the end offsets at
    start; records and seconds."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=4 << 20,
        fetch_max_bytes=64 << 20,
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in range(PARTITIONS)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        count, started = 0, time.perf_counter()
        # up to each partition's end offset, not a count: a compacted topic has gaps
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            for records in (await consumer.getmany(timeout_ms=1000, max_records=5000)).values():
                count += len(records)
                if decode:
                    for record in records:
                        decode_event(record.value)
        return count, time.perf_counter() - started
    finally:
        await consumer.stop()


def applied(port: int) -> float:
    """Events applied or ignored so far, from the service's /metrics (0 while it starts)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
            text = answer.read().decode()
    except OSError:
        return 0.0
    names = {"clauses_events_applied", "clauses_events_ignored"}
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name in names
        for sample in family.samples
        if sample.name.endswith("_total")
    )


def ready(port: int) -> bool:
    """Whether the service answers (it serves HTTP once its consumer is started)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5):
            return True
    except OSError:
        return False


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process used so far (robust to a shared machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclasses.dataclass(frozen=True)
class Run:
    """One service run: its rate and memory."""

    name: str
    rate: float
    rss_mb: float
    peak_mb: float
    cpu_rate: float  # events per CPU-second of the service process (the database's apart)
    seconds: float = 0.0


def run_service(name: str, env: dict[str, str], events: int, repo: Path = REPO) -> Run:
    """Start the service, wait for every event, measure, stop it."""
    port = free_port()
    env = {**env, "CLAUSES_HTTP_PORT": str(port)}
    log = Path(f"/tmp/bench-clauses-{''.join(c for c in name if c.isalnum() or c == '-')}.log")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.clauses"],
            cwd=repo,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        while not ready(port):  # the consumer has joined: the API is served after it
            time.sleep(0.05)
        started, cpu_started = time.perf_counter(), cpu_seconds(process.pid)
        while (done := applied(port)) < events:
            if process.poll() is not None:
                raise RuntimeError(f"{name}: the service stopped, see {log}")
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        cpu = cpu_seconds(process.pid) - cpu_started
        rss, peak = memory_mb(process.pid)
        return Run(name, done / seconds, rss, peak, done / cpu, seconds)
    finally:
        process.terminate()
        process.wait(timeout=60)


@contextlib.contextmanager
def database(kind: str, postgres_url: str) -> Iterator[str]:
    """A fresh database of the kind."""
    if kind == "postgresql":
        with fresh_database(postgres_url, stem="clauses_bench") as url:
            yield url
        return
    path = Path(f"/tmp/clauses-bench-{uuid.uuid4().hex[:8]}.db")
    try:
        yield f"sqlite:///{path}"
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def measure(
    mode: str, total: int, *, bootstrap: str, prefix: str, postgres_url: str, repo: Path = REPO
) -> Run:
    """One run of the service in a mode (eo|alo)-(postgresql|sqlite), on a fresh database."""
    delivery, kind = mode.split("-")
    with database(kind, postgres_url) as url:
        env = {
            **os.environ,
            "CLAUSES_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "CLAUSES_DATABASE_URL": url,
            "CLAUSES_TOPIC_PREFIX": prefix,
            "CLAUSES_GROUP_ID": f"{prefix}{mode}-{uuid.uuid4().hex[:6]}",
            "CLAUSES_EXACTLY_ONCE": str(delivery == "eo").lower(),
            "CLAUSES_MAX_BATCH": "5000",
        }
        name = mode if repo == REPO else f"{mode} (baseline)"
        return run_service(name, env, total, repo)


async def produce_stream(bootstrap: str, prefix: str, events: int) -> dict[str, int]:
    """Produce the stream on fresh topics; how many events of each type."""
    topics = [
        dataclasses.replace(t, name=prefix + t.name) for t in (*INPUT_TOPICS, CLAUSE_AGGREGATES)
    ]
    await ensure_topics(bootstrap, topics)
    kinds: dict[str, int] = {}
    for chunk in event_chunks(events, prefix=prefix, markets_per_chunk=200):
        for event in chunk:
            kinds[type(event).__name__] = kinds.get(type(event).__name__, 0) + 1
        await produce(bootstrap, chunk, prefix=prefix)
    return kinds


SECTION = "Clauses throughput"
MODES = "eo-postgresql,alo-postgresql,eo-sqlite,alo-sqlite"


def run(
    bootstrap: str,
    postgres_url: str,
    events: int,
    rounds: int = 1,
    modes: str = MODES,
    baseline_repo: Path | None = None,
) -> list[Figure]:
    """Produce, measure every mode, print the figures and their ratios; return the figures."""
    repos = [REPO] if baseline_repo is None else [baseline_repo.resolve(), REPO]
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    started = time.perf_counter()
    kinds = asyncio.run(produce_stream(bootstrap, prefix, events))
    total = sum(kinds.values())
    print(
        f"stream: {total} events {kinds}, produced in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    topics = [prefix + topic.name for topic in INPUT_TOPICS]
    count, seconds = asyncio.run(consume_all(bootstrap, topics, decode=False))
    bare = count / seconds
    print(f"bare aiokafka consume loop:          {bare:9.0f} events/s  (baseline)", flush=True)
    count, seconds = asyncio.run(consume_all(bootstrap, topics, decode=True))
    print(
        f"aiokafka loop + pydantic decoding:   {count / seconds:9.0f} events/s  "
        f"({count / seconds / bare:.3f} x bare)"
    )
    baseline = "bare aiokafka consume loop"
    figures = [
        Figure("clauses.decode", SECTION, "aiokafka loop + pydantic decoding",
               count / seconds, "events/s", bare, baseline, f"({count} events)"),
    ]  # fmt: skip
    runs: dict[str, Run] = {}
    for round_number in range(1, rounds + 1):
        for mode, repo in itertools.product(modes.split(","), repos):
            measured = measure(
                mode,
                total,
                bootstrap=bootstrap,
                prefix=prefix,
                postgres_url=postgres_url,
                repo=repo,
            )
            if measured.name not in runs or measured.rate > runs[measured.name].rate:
                runs[measured.name] = measured
            print(
                f"{measured.name:<36} {measured.rate:9.0f} events/s  "
                f"({measured.rate / bare:.3f} x bare)  "
                f"RSS after {total} events {measured.rss_mb:.0f} MB "
                f"(peak {measured.peak_mb:.0f} MB)  {measured.cpu_rate:6.0f} events/CPU-s  "
                f"load {os.getloadavg()[0]:.1f}  [round {round_number}]",
                flush=True,
            )
    for name, measured in runs.items():
        if name.endswith(" (baseline)") and name.removesuffix(" (baseline)") in runs:
            candidate = runs[name.removesuffix(" (baseline)")]
            ratio = candidate.rate / measured.rate
            cpu_ratio = candidate.cpu_rate / measured.cpu_rate
            print(
                f"best of {rounds}, {candidate.name}: {ratio:.2f} x baseline "
                f"(events/s), {cpu_ratio:.2f} x baseline (events per CPU-second)"
            )
    runs = {name: run for name, run in runs.items() if not name.endswith(" (baseline)")}
    for kind in ("postgresql", "sqlite"):
        if f"eo-{kind}" in runs and f"alo-{kind}" in runs:
            eo, alo = runs[f"eo-{kind}"].rate, runs[f"alo-{kind}"].rate
            print(
                f"best of {rounds}, {kind}: exactly-once {eo:.0f} events/s, "
                f"at-least-once {alo:.0f} events/s: exactly-once {1 - eo / alo:+.1%} slower"
            )
    names = {"eo": "exactly-once", "alo": "at-least-once"}
    for mode, best in runs.items():
        delivery, kind = mode.split("-")
        note = (
            f"({total} events, best of {rounds}; RSS {best.rss_mb:.0f} MB, "
            f"peak {best.peak_mb:.0f}; {best.cpu_rate:.0f} events per CPU-second of the service)"
        )
        figures.append(
            Figure(f"clauses.{mode}", SECTION, f"{names[delivery]}, {kind}", best.rate,
                   "events/s", bare, baseline, note)
        )  # fmt: skip
    return figures


def main() -> None:
    """Produce, measure every mode, print the figures and their ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the modes this many times, interleaved, and keep each mode's best rate "
        "(the machine may be shared: the best run is the least disturbed one)",
    )
    parser.add_argument(
        "--modes",
        default=MODES,
        help="comma-separated among eo-postgresql, alo-postgresql, eo-sqlite, alo-sqlite",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout whose service runs every mode too (the same venv), to compare",
    )
    arguments = parser.parse_args()
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    postgres_url = os.environ.get("DATABASE_URL", "")
    run(
        bootstrap,
        postgres_url,
        arguments.events,
        arguments.rounds,
        arguments.modes,
        arguments.baseline,
    )


if __name__ == "__main__":
    main()
