"""Ingest throughput: hour-lines/s through the JSON batch and CSV routes, events/s through
the raw topic, each with the ratio to a bare aiokafka producer sending the same events
(acks=all, idempotent) in the same run.

Runs `python -m services.ingest` as a process against the broker and database of the
environment (KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL):

    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 DATABASE_URL=postgresql://... \\
        .venv/bin/python -m bench.ingest_throughput [--people 1000] [--raw 20000]
            [--only-raw] [--rounds 3] [--baseline-tree PATH]

With `--baseline-tree` (another version's source tree, e.g. `git archive main | tar -x -C
/tmp/main`) the raw topic is also measured with that version, interleaved round by round
with this one (best of the rounds, each with the load average).
"""

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from bench.figures import Figure
from harness.builders import CSV_HEADER, HOLDER_SIRET, a_csv_row, a_market_submission
from harness.processes import REPO, served_ingest
from services.ingest.adapters.kafka import partitions_of
from services.ingest.domain.access import hash_token
from shared.kafka import ensure_topics
from shared.topics import MONTHLY_HOURS, WORK_CONTRACTS, Topic

TOKEN = secrets.token_urlsafe(24)
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class Tail:
    """Records appended to topics from now on."""

    def __init__(self, bootstrap: str, topics: list[str]) -> None:
        self.bootstrap, self.topics = bootstrap, topics
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_bytes=64 << 20
        )

    async def __aenter__(self) -> "Tail":
        await self.consumer.start()
        known = await partitions_of(self.bootstrap, self.topics)
        partitions = [TopicPartition(t, p) for t in self.topics for p in known[t]]
        self.consumer.assign(partitions)
        for partition, offset in (await self.consumer.end_offsets(partitions)).items():
            self.consumer.seek(partition, offset)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.consumer.stop()

    async def take(self, keys: bytes | set[bytes], count: int) -> list[Any]:
        """The next `count` records with this key (or these keys)."""
        wanted = {keys} if isinstance(keys, bytes) else keys
        found: list[Any] = []
        async with asyncio.timeout(600):
            while len(found) < count:
                batches = await self.consumer.getmany(timeout_ms=500, max_records=5000)
                found += [r for rs in batches.values() for r in rs if r.key in wanted]
        return found


async def bare_producer(bootstrap: str, records: list[Any]) -> float:
    """Seconds for a bare idempotent aiokafka producer to send the same records."""
    topic = f"bench.baseline-{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [Topic(topic, "bench baseline")])
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, max_request_size=8 << 20
    )
    await producer.start()
    try:
        for partition in await producer.partitions_for(topic):  # leaders elected before timing
            await producer.send_and_wait(topic, b"warm-up", partition=partition)
        started = time.perf_counter()
        futures = [await producer.send(topic, r.value, key=r.key) for r in records]
        await asyncio.gather(*futures)
        return time.perf_counter() - started
    finally:
        await producer.stop()


SECTION = "Ingest throughput"


def report(key: str, name: str, unit: str, amount: int, seconds: float, baseline: float) -> Figure:
    """Print the figure and return it."""
    rate, bare = amount / seconds, amount / baseline
    print(
        f"{name:<34} {amount:>7} {unit} in {seconds:6.2f} s = {rate:>9,.0f} {unit}/s"
        f" | bare aiokafka {bare:>9,.0f}/s | ratio {rate / bare:5.2f}"
    )
    return Figure(
        key, SECTION, name, rate, f"{unit}/s", bare, "bare idempotent aiokafka producer",
        f"({amount} {unit})",
    )  # fmt: skip


def contracts_body(market_id: str, people: int) -> list[dict[str, Any]]:
    return [
        {
            "contract_id": f"C-{market_id}-{n}",
            "beneficiary_id": f"B-{market_id}-{n}",
            "gender": "female" if n % 3 == 0 else "male",
            "contract_type": "cddi",
            "eligible_public": "rsa",
            "modality": "direct_hire",
            "employer_siret": HOLDER_SIRET,
            "market_id": market_id,
            "start_date": "2019-01-01",
        }
        for n in range(people)
    ]


def hours_body(market_id: str, people: int, periods: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "market_id": market_id,
            "employer_siret": HOLDER_SIRET,
            "period": period,
            "lines": [
                {
                    "beneficiary_id": f"B-{market_id}-{n}",
                    "contract_id": f"C-{market_id}-{n}",
                    "insertion_hours": "35.50",
                    "training_hours": "2",
                }
                for n in range(people)
            ],
        }
        for period in periods
    ]


PERIODS = [f"{year}-{month:02d}" for year in (2020, 2021, 2022) for month in range(1, 13)]


async def new_market(client: httpx.AsyncClient) -> str:
    market_id = f"BENCH-{uuid.uuid4().hex[:12]}"
    market = a_market_submission(market_id=market_id).model_dump(mode="json")
    (await client.post("/v1/markets", json=market, headers=AUTH)).raise_for_status()
    return market_id


async def json_batches(client: httpx.AsyncClient, bootstrap: str, people: int) -> Figure:
    market_id = await new_market(client)
    contracts = contracts_body(market_id, people)
    (await client.post("/v1/work-contracts", json=contracts, headers=AUTH)).raise_for_status()
    requests = [hours_body(market_id, people, PERIODS[i : i + 4]) for i in range(0, 32, 4)]
    async with Tail(bootstrap, [MONTHLY_HOURS.name]) as tail:
        started = time.perf_counter()
        for body in requests:
            (await client.post("/v1/monthly-hours", json=body, headers=AUTH)).raise_for_status()
        seconds = time.perf_counter() - started
        records = await tail.take(market_id.encode(), 32)
    baseline = await bare_producer(bootstrap, records)
    return report(
        "ingest.json", "JSON batches (4 reports/request)", "lines", 32 * people, seconds, baseline
    )


def csv_of(market_id: str, people: int, periods: list[str]) -> bytes:
    """One row per person and month, contract details on the row (as facilitators keep it)."""
    rows = [
        a_csv_row(market_id, n, period=f"{p[5:]}/{p[:4]}", start="01/01/2019")
        for p in periods
        for n in range(people)
    ]
    return ("\ufeff" + CSV_HEADER + "\r\n" + "\r\n".join(rows) + "\r\n").encode()


async def csv_files(client: httpx.AsyncClient, bootstrap: str, people: int) -> list[Figure]:
    market_id = await new_market(client)
    headers = {**AUTH, "Content-Type": "text/csv"}
    runs = [
        ("first", "CSV, 1st file (new contracts)", csv_of(market_id, people, PERIODS[:12])),
        ("next", "CSV, next file (known contracts)", csv_of(market_id, people, PERIODS[12:24])),
    ]
    figures = []
    for key, label, document in runs:
        async with Tail(bootstrap, [MONTHLY_HOURS.name, WORK_CONTRACTS.name]) as tail:
            started = time.perf_counter()
            response = await client.post("/v1/monthly-hours/csv", content=document, headers=headers)
            seconds = time.perf_counter() - started
            response.raise_for_status()
            published = [e for e in response.json()["events"] if not e["unchanged_since"]]
            records = await tail.take(market_id.encode(), len(published))
        baseline = await bare_producer(bootstrap, records)
        figures.append(report(f"ingest.csv-{key}", label, "lines", 12 * people, seconds, baseline))
    return figures


async def produce_raw(bootstrap: str, raw: str, market_ids: list[str], count: int) -> None:
    """Contractors' messages, on the raw topic before ingest reads it: one partition per
    market, the messages dealt to the markets in turn."""
    await ensure_topics(bootstrap, [Topic(raw, "bench raw submissions", len(market_ids))])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        token = [("authorization", f"Bearer {TOKEN}".encode())]
        bodies = [contracts_body(market_id, count) for market_id in market_ids]
        futures = [
            await producer.send(
                raw,
                json.dumps({"type": "work_contract", **bodies[n % len(market_ids)][n]}).encode(),
                key=market_ids[n % len(market_ids)].encode(),
                partition=n % len(market_ids),
                headers=token,
            )
            for n in range(count)
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def raw_seconds(
    bootstrap: str,
    database: str,
    env: dict[str, str],
    count: int,
    tree: Path = REPO,
    instances: int = 1,
) -> tuple[float, float]:
    """Seconds for ingest (run from `tree`, `instances` processes in one consumer group, one
    market per instance on a partition of its own) to publish `count` raw contracts, from
    the first event's timestamp to the last (`busy_seconds`), and for a bare producer to
    send the same records."""
    suffix = uuid.uuid4().hex[:8]
    raw = f"insertion.raw-submissions.v1.bench-{suffix}"
    with served_ingest(bootstrap, database, env, tree) as url:
        async with httpx.AsyncClient(base_url=url, timeout=600) as client:
            market_ids = [await new_market(client) for _ in range(instances)]
    await produce_raw(bootstrap, raw, market_ids, count)
    group = {"INGEST_RAW_TOPIC": raw, "INGEST_RAW_GROUP_ID": f"ingest-raw-bench-{suffix}"}
    async with Tail(bootstrap, [WORK_CONTRACTS.name]) as tail:
        with contextlib.ExitStack() as running:
            for _ in range(instances):
                running.enter_context(served_ingest(bootstrap, database, {**env, **group}, tree))
            records = await tail.take({m.encode() for m in market_ids}, count)
    return busy_seconds(records), await bare_producer(bootstrap, records)


def busy_seconds(records: list[Any]) -> float:
    """Seconds to publish these records at the rate seen while every key (one per ingest
    process) was being published: between the last first timestamp and the first last one.
    A process that joins the consumer group later (a rebalance) does not count as slow."""
    by_key: dict[bytes, list[int]] = {}
    for record in records:
        by_key.setdefault(record.key, []).append(record.timestamp)
    start = max(min(stamps) for stamps in by_key.values())
    end = min(max(stamps) for stamps in by_key.values())
    inside = sum(start <= record.timestamp <= end for record in records)
    seconds: float = len(records) * max(end - start, 1) / 1000 / max(inside, 1)
    return seconds


async def raw_topic(bootstrap: str, database: str, env: dict[str, str], count: int) -> list[Figure]:
    """The raw topic: `count` events; five times as many (each batch's first steps fall
    before the first event's timestamp: the longer run weighs that less); and that long run
    shared by two ingest processes (two markets, a partition each)."""
    figures = []
    for key, label, events, instances in [
        ("ingest.raw", "raw topic (work contracts)", count, 1),
        ("ingest.raw-long", "raw topic, 5x longer run", 5 * count, 1),
        ("ingest.raw-2", "raw topic, 5x, 2 ingest processes", 5 * count, 2),
    ]:
        seconds, baseline = await raw_seconds(bootstrap, database, env, events, instances=instances)
        figures.append(report(key, label, "events", events, seconds, baseline))
    return figures


async def raw_rounds(
    bootstrap: str, database: str, env: dict[str, str], count: int, options: argparse.Namespace
) -> None:
    """The raw topic only, best of the rounds; with a baseline tree, both versions in turn."""
    trees = [("this version", REPO, database)]
    if options.baseline_tree:
        trees.append(("baseline", options.baseline_tree, options.baseline_database or database))
    best: dict[str, tuple[float, float]] = {}
    for round_ in range(options.rounds):
        for name, tree, url in trees if round_ % 2 == 0 else trees[::-1]:
            seconds, baseline = await raw_seconds(
                bootstrap, url, env, count, tree, options.instances
            )
            load = os.getloadavg()[0]
            report("ingest.raw", f"raw, {name}, round {round_ + 1}, load {load:.1f}", "events",
                   count, seconds, baseline)  # fmt: skip
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, baseline)
    for name, (seconds, baseline) in best.items():
        report("ingest.raw", f"raw, {name}, best", "events", count, seconds, baseline)
    if len(best) == 2:
        ratio = best["baseline"][0] / best["this version"][0]
        print(f"raw topic: this version / baseline = {ratio:.2f}")


def env_of_bench() -> dict[str, str]:
    """Ingest's settings for the benchmark: one facilitator token."""
    tokens = json.dumps([{"name": "bench", "role": "facilitator", "sha256": hash_token(TOKEN)}])
    return {"INGEST_TOKENS": tokens}


async def run(bootstrap: str, database: str, people: int = 1000, raw: int = 20000) -> list[Figure]:
    """Every figure of this benchmark (printed as it goes), against ingest on that database."""
    env = env_of_bench()
    print(f"ingest throughput, {os.cpu_count()} CPU(s); broker {bootstrap}")
    with served_ingest(bootstrap, database, env) as url:
        async with httpx.AsyncClient(base_url=url, timeout=600) as client:
            figures = [await json_batches(client, bootstrap, people)]
            figures += await csv_files(client, bootstrap, people)
    return [*figures, *await raw_topic(bootstrap, database, env, raw)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--raw", type=int, default=20000)
    parser.add_argument("--only-raw", action="store_true", help="the raw topic, best of rounds")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--instances", type=int, default=1, help="ingest processes, one market each (raw only)"
    )
    parser.add_argument(
        "--baseline-tree", type=lambda path: Path(path).resolve(), help="another version's tree"
    )
    parser.add_argument(
        "--baseline-database", help="the baseline's database URL, when its schema differs"
    )
    options = parser.parse_args()
    bootstrap = os.environ["KAFKA_BOOTSTRAP_SERVERS"]
    database = os.environ["DATABASE_URL"]
    if options.only_raw or options.baseline_tree or options.instances > 1:
        asyncio.run(raw_rounds(bootstrap, database, env_of_bench(), options.raw, options))
    else:
        asyncio.run(run(bootstrap, database, options.people, options.raw))


if __name__ == "__main__":
    main()
