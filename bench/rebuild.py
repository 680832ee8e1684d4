"""Rebuild from scratch: the event topics filled with N events, both services from empty state.

Usage (from the repository root, with the broker and PostgreSQL of the tests):

    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:29092 DATABASE_URL=postgresql+psycopg://... \\
        .venv/bin/python -m bench.rebuild [--events 1000000]

The stream of bench/clauses_throughput.py (harness.large_streams: corrections, duplicates, late
contracts) is produced on fresh prefixed topics. Then, timed:

1. clauses, exactly-once into a fresh PostgreSQL database (`python -m services.clauses`, as
   bench/clauses_throughput.py runs it), from its consumer started to its last event applied;
   its aggregate changes go to the prefixed aggregates topic;
2. indicators (`python -m services.indicators`) from its process start (interpreter included)
   until /health says caught_up on that aggregates topic and the markets topic.

Baselines in the same run: a bare aiokafka consume of the same input topics (phase 1) and of
the aggregates and markets topics (phase 2). The resident memory of each service is read from
/proc at the end of its phase. The prefixed topics are deleted at the end.
"""

import argparse
import asyncio
import dataclasses
import os
import uuid
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from bench.clauses_throughput import consume_all, measure, produce_stream
from bench.figures import Figure
from bench.indicators_freshness import start_service, wait_caught_up
from bench.pipeline_stack import import_floor_mb, memory_figure
from harness.ports import free_port
from harness.processes import stop
from services.clauses.bootstrap import INPUT_TOPICS
from shared.topics import CLAUSE_AGGREGATES, INDICATOR_SNAPSHOTS, MARKETS

SECTION = "Rebuild from scratch (clauses, then indicators)"


@dataclasses.dataclass(frozen=True)
class Phase:
    """One timed phase and its bare-consume baseline."""

    seconds: float
    baseline: float
    records: int


async def delete_topics(bootstrap: str, names: list[str]) -> None:
    """Delete those of the topics that exist."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        if present := [name for name in names if name in existing]:
            await admin.delete_topics(present)
    finally:
        await admin.close()


async def indicators_phase(bootstrap: str, prefix: str) -> tuple[Phase, Figure]:
    """Indicators from its start until caught up on the prefixed aggregates; its memory."""
    topics = [prefix + CLAUSE_AGGREGATES.name, prefix + MARKETS.name]
    records, baseline = await consume_all(bootstrap, topics, decode=False)
    port = free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "INDICATORS_PORT": str(port),
        "INDICATORS_AGGREGATES_TOPIC": topics[0],
        "INDICATORS_MARKETS_TOPIC": topics[1],
        "INDICATORS_SNAPSHOTS_TOPIC": prefix + INDICATOR_SNAPSHOTS.name,
    }
    process = start_service(env, Path(f"/tmp/{prefix}indicators.log"))
    try:
        seconds = await wait_caught_up(f"http://127.0.0.1:{port}", process, within=1800)
        memory = memory_figure(
            "memory.indicators-rebuild", SECTION, "indicators", process.pid, "once caught up"
        )
    finally:
        stop(process)
    return Phase(seconds, baseline, records), memory


def run(bootstrap: str, postgres_url: str, events: int = 1_000_000) -> list[Figure]:
    """Produce, rebuild both phases, print and return the figures."""
    prefix = f"bench-rebuild-{uuid.uuid4().hex[:8]}."
    try:
        kinds = asyncio.run(produce_stream(bootstrap, prefix, events))
        total = sum(kinds.values())
        inputs = [prefix + topic.name for topic in INPUT_TOPICS]
        records, bare = asyncio.run(consume_all(bootstrap, inputs, decode=False))
        print(f"stream: {total} events; bare consume {records} records in {bare:.1f} s")
        clauses = measure("eo-postgresql", total, bootstrap=bootstrap, prefix=prefix,
                          postgres_url=postgres_url)  # fmt: skip
        print(
            f"clauses applied {total} events in {clauses.seconds:.1f} s "
            f"(RSS {clauses.rss_mb:.0f} MB, peak {clauses.peak_mb:.0f} MB)",
            flush=True,
        )
        phase, indicators_memory = asyncio.run(indicators_phase(bootstrap, prefix))
        print(
            f"indicators caught up on {phase.records} records in {phase.seconds:.1f} s "
            f"(bare consume {phase.baseline:.1f} s)",
            flush=True,
        )
    finally:
        topics = [prefix + t.name for t in (*INPUT_TOPICS, CLAUSE_AGGREGATES, INDICATOR_SNAPSHOTS)]
        asyncio.run(delete_topics(bootstrap, topics))
    bare_name = "bare aiokafka consume of the same topics"
    return [
        Figure("rebuild.events", SECTION, "events in the topics", total, "events"),
        Figure("rebuild.clauses", SECTION, "clauses (exactly-once, PostgreSQL) applied all",
               clauses.seconds, "s", bare, bare_name, "(from its consumer started)"),
        Figure("rebuild.indicators", SECTION, "indicators caught up from the aggregates",
               phase.seconds, "s", phase.baseline, bare_name,
               f"({phase.records} records; from its process start)"),
        Figure("rebuild.total", SECTION, "total", clauses.seconds + phase.seconds, "s",
               bare + phase.baseline, bare_name),
        Figure("memory.clauses-rebuild", SECTION, "clauses resident memory", clauses.rss_mb,
               "MB", import_floor_mb("clauses"), "the same imports, no state",
               f"(after {total} events; peak {clauses.peak_mb:.0f} MB)"),
        indicators_memory,
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    arguments = parser.parse_args()
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    run(bootstrap, os.environ["DATABASE_URL"], arguments.events)


if __name__ == "__main__":
    main()
