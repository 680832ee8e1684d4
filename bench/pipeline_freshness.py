"""End-to-end freshness: a monthly report accepted by ingest -> the changed value on /v1/indicators.

Usage (from the repository root):
    .venv/bin/python -m bench.pipeline_freshness [--rate 200] [--seconds 30] [--batch 10]
        [--kafka-port 39292] [--poll-ms 5] [--year 2025] [--keep-logs]
        [--postgres postgresql+psycopg://insertion:insertion@127.0.0.1:5432/postgres]

What runs: a broker of its own (deploy/kafka/kafka.sh on --kafka-port, refused if that port
or the next is taken; stopped, its data deleted, at the end), the topics, and the three
services as processes (`python -m services.ingest|clauses|indicators`, as deploy/up.sh
starts them) on SQLite files in a temporary directory, or with --postgres on two databases
of that server (--databases, default fresh_ingest,fresh_clauses) which the bench DROPS and
creates again at start: the clauses ledger keeps its Kafka offsets in its database, so it
must start as empty as the broker. All traffic is on 127.0.0.1. Everything stops by itself:
the load is a fixed count, the poller stops once a poll sent after the last 202 sees every
accepted report or --settle seconds after the load.

Set-up, through ingest's HTTP API with a facilitator token: M markets notified in December
of the year before --year, each with an insertion clause and 100 holders, and one work
contract per (market, holder); M is the smallest that gives every report of the run an
identity of its own (market, employer, month of --year: 12 x 100 per market), so each
report adds its hours (nothing is replaced). 20 warm-up reports go through the whole
pipeline and are seen on the indicators before the clock starts.

Load: an open loop; request r is due at t0 + r * batch / rate whatever the earlier answers
(at most --in-flight requests await an answer; a request past that waits, which shows as
time behind schedule, and "NOT steady" is printed when a request started over 1 s late).
--batch N posts lists of N reports (`POST /v1/monthly-hours`, all or nothing), still `rate`
reports per second; the default, 10, is 20 POSTs a second. --batch 1 posts each report
alone: on the 2-core development machine ingest then takes about 50 POSTs a second, so the
load is not steady at 200/s and the figures are those of a saturated ingest. Each report
is one line of a known number of hours (1.00 to 19.99, varied to the cent). A poller asks
`GET /v1/indicators?year=YEAR&axis=social` one request at a time, --poll-ms after the
previous answer, and records the total `social.insertion_hours`.

What is measured (bench/freshness_matching.match): reports are ranked by the arrival of
their 202. Report k is visible at the answer of the first poll *sent after its 202
arrived* whose total is at least the warm-up total plus the hours of reports 1..k (in 202
order). Its freshness is that answer's time minus the 202's time, on one monotonic clock.
Ingest answers 202 once the broker acknowledged (acks=all), so this is the time for clauses
(consume, fold in a database transaction, publish the aggregate change) and the indicators
(consume, fold, recompute on read), plus the poll's own round trip and cadence: a report
already visible at its 202 is found one poll later (the resolution is the poll gap
printed). When the pipeline applies reports in another order than their 202s arrived (they
are concurrent), the ranking pairs the k-th 202 with the first moment k reports' worth of
hours are visible; the bench prints how many polls saw a total that is no prefix sum of
the 202 order, so that this is seen, not assumed.

Baselines measured in the same run: ingest alone (POST -> 202 of the same requests), and a
bare Kafka hop on the same broker (produce with acks=all -> consumed, at the same rate,
after the load). The ratios printed are freshness / baseline.
"""

import argparse
import asyncio
import math
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from bench.figures import Figure
from bench.freshness_matching import Accepted, Observation, match, percentile
from bench.freshness_plan import HOLDERS, Plan
from bench.pipeline_stack import (
    Services,
    own_broker,
    postgres_databases,
    service_env,
    start_services,
    wait_healthy,
)
from harness.processes import REPO

INDICATOR = "social.insertion_hours"
WARMUP = 20


async def post(client: httpx.AsyncClient, path: str, body: Any) -> None:
    response = await client.post(path, json=body)
    if response.status_code != 202:
        raise RuntimeError(f"{path}: HTTP {response.status_code} {response.text[:500]}")


async def set_up(client: httpx.AsyncClient, plan: Plan) -> None:
    """Markets, then one contract per (market, holder), through ingest's HTTP API."""
    await post(client, "/v1/markets", [plan.market(m) for m in range(plan.markets)])
    for m in range(plan.markets):
        await post(client, "/v1/work-contracts", [plan.contract(m, h) for h in range(HOLDERS)])


async def total_cents(client: httpx.AsyncClient, url: str, year: int) -> int | None:
    """The year's total insertion hours in hundredths, None when there is no page yet."""
    response = await client.get(f"{url}/v1/indicators", params={"year": year, "axis": "social"})
    if response.status_code == 404:
        return None
    response.raise_for_status()
    for item in response.json()["indicators"]:
        if item["id"] == INDICATOR and not item.get("breakdown") and item["value"] is not None:
            return round(float(item["value"]) * 100)
    return None


@dataclass
class Run:
    """What the load and the poller record."""

    accepted: list[Accepted] = field(default_factory=list)
    answer_latency: list[float] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    polls: list[Observation] = field(default_factory=list)
    late: float = 0.0  # the most a send started after its scheduled time
    sending_done: float | None = None  # when the last answer arrived


async def load(client: httpx.AsyncClient, plan: Plan, run: Run, first: int, count: int,
               rate: float, batch: int = 1, in_flight: int = 64) -> float:  # fmt: skip
    """Send reports first..first+count-1 at `rate` per second, `batch` per request; seconds.

    Open loop: request r is due at t0 + r * batch / rate whatever the earlier answers, at
    most `in_flight` requests wait for an answer at once (a request past that waits its
    turn here, which shows as time behind schedule, not as ingest's latency).
    """
    gate = asyncio.Semaphore(in_flight)

    async def send(indexes: range, due: float) -> None:
        async with gate:
            sent = time.perf_counter()
            run.late = max(run.late, sent - due)
            body = [plan.report(i) for i in indexes]
            try:
                response = await client.post("/v1/monthly-hours", json=body)
            except httpx.TransportError:  # e.g. a kept-alive connection the server closed
                try:  # the same body again is safe: ingest answers a replay with 202
                    response = await client.post("/v1/monthly-hours", json=body)
                except httpx.HTTPError as error:
                    run.refused.append(f"reports {indexes}: {type(error).__name__} {error}")
                    return
        answered = time.perf_counter()
        if response.status_code == 202:
            run.accepted.extend(Accepted(answered, plan.cents(i)) for i in indexes)
            run.answer_latency.append(answered - sent)
        else:
            said = f"HTTP {response.status_code} {response.text[:300]}"
            run.refused.extend(f"report {i}: {said}" for i in indexes)

    tasks: list[asyncio.Task[None]] = []
    t0 = time.perf_counter() + 0.05
    for r, start in enumerate(range(first, first + count, batch)):
        due = t0 + r * batch / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        indexes = range(start, min(start + batch, first + count))
        tasks.append(asyncio.create_task(send(indexes, due)))
    await asyncio.gather(*tasks)
    run.sending_done = time.perf_counter()
    return run.sending_done - t0


async def poll(client: httpx.AsyncClient, url: str, plan: Plan, run: Run, base: int,
               gap: float, settle: float) -> None:  # fmt: skip
    """Read the total until every accepted report is visible, or `settle` s after the load."""
    settle_deadline: float | None = None
    while True:
        sent = time.perf_counter()
        cents = await total_cents(client, url, plan.year)
        run.polls.append(Observation(sent, time.perf_counter(), cents))
        if run.sending_done is not None and sent > run.sending_done:
            wanted = base + sum(report.cents for report in run.accepted)
            if cents is not None and cents >= wanted:
                return
            settle_deadline = settle_deadline or time.perf_counter() + settle
            if time.perf_counter() > settle_deadline:
                return
        await asyncio.sleep(gap)


async def kafka_hop(bootstrap: str, rate: float, seconds: float) -> list[float]:
    """Bare Kafka on the same broker: produce (acks=all) -> consumed, at `rate` per second."""
    topic = f"bench.freshness-hop.{uuid.uuid4().hex[:8]}"
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 3, 1)])
    finally:
        await admin.close()
    await asyncio.sleep(1)  # the partitions' leaders become known
    await producer.start()
    await consumer.start()
    sent_at: dict[bytes, float] = {}
    hops: list[float] = []
    count = int(rate * seconds)

    async def consume() -> None:
        while len(hops) < count:
            batches = await consumer.getmany(timeout_ms=100)
            now = time.perf_counter()
            for records in batches.values():
                hops.extend(now - sent_at[r.value] for r in records if r.value in sent_at)

    try:
        await consumer.getmany(timeout_ms=1000)  # joined, positioned
        reader = asyncio.create_task(asyncio.wait_for(consume(), seconds + 30))
        t0 = time.perf_counter()
        for k in range(count):
            await asyncio.sleep(max(0.0, t0 + k / rate - time.perf_counter()))
            value = f"hop-{k}".encode()
            sent_at[value] = time.perf_counter()
            await producer.send(topic, value, key=str(k % 16).encode())
        with suppress(TimeoutError):
            await reader
    finally:
        await producer.stop()
        await consumer.stop()
    return hops


def figures(values: Sequence[float]) -> str:
    ms = [1000 * v for v in values]
    return (
        f"p50 {percentile(ms, 0.5):7.1f} ms   p99 {percentile(ms, 0.99):7.1f} ms   "
        f"max {max(ms):7.1f} ms   mean {statistics.mean(ms):7.1f} ms   (n={len(ms)})"
    )


def ratio(ours: Sequence[float], base: Sequence[float]) -> str:
    p50 = percentile(ours, 0.5) / percentile(base, 0.5)
    p99 = percentile(ours, 0.99) / percentile(base, 0.99)
    return f"freshness / baseline: p50 x{p50:.1f}, p99 x{p99:.1f}"


SECTION = "Pipeline freshness (ingest -> clauses -> indicators)"


def report(
    args: argparse.Namespace, run: Run, base: int, took: float, hops: list[float]
) -> list[Figure]:
    """Print the figures; return them."""
    matched = match(base, run.accepted, run.polls)
    seen = [f for f in matched.freshness if f is not None]
    gaps = [b.received - a.received for a, b in zip(run.polls, run.polls[1:], strict=False)]
    count = int(args.rate * args.seconds)
    print(
        f"\nPipeline freshness: monthly report 202 from ingest -> {INDICATOR} on "
        f"GET /v1/indicators?year={args.year}"
    )
    requests = math.ceil(count / args.batch)
    print(
        f"  load          {count} reports ({requests} POSTs of {args.batch}) in {took:.1f} s "
        f"({count / took:.1f} reports/s, asked {args.rate:g}/s; a POST started at most "
        f"{1000 * run.late:.0f} ms after its due time): {len(run.accepted)} accepted (202), "
        f"{len(run.refused)} refused or failed"
    )
    if run.late > 1:
        print("                NOT steady: ingest did not keep up with the rate asked")
    for line in run.refused[:3]:
        print(f"                {line}")
    print(
        f"  poller        {len(run.polls)} polls, gap between answers p50 "
        f"{1000 * percentile(gaps, 0.5):.1f} ms, p99 {1000 * percentile(gaps, 0.99):.1f} ms "
        f"(the resolution); {matched.not_a_prefix} polls saw a total that is no prefix of "
        f"the 202 order"
    )
    if not seen:
        print("  freshness     no report became visible")
        return []
    print(f"  FRESHNESS     {figures(seen)}")
    print(f"                {len(matched.freshness) - len(seen)} accepted reports never seen")
    print(f"  baseline 1    ingest alone, POST -> 202 of the same requests: "
          f"{figures(run.answer_latency)}")  # fmt: skip
    print(f"                {ratio(seen, run.answer_latency)}")
    if hops:
        print(f"  baseline 2    Kafka hop on the same broker, produce (acks=all) -> consumed, "
              f"{args.rate:g}/s for {args.hop_seconds:g} s: {figures(hops)}")  # fmt: skip
        print(f"                {ratio(seen, hops)}")
    verdict = "met" if percentile(seen, 0.99) < 1 else "NOT met"
    print(f"  goal          p99 under 1 s: {verdict}")
    return figures_of(args, seen, run.answer_latency, hops, len(matched.freshness) - len(seen))


def figures_of(args: argparse.Namespace, seen: list[float], answers: list[float],
               hops: list[float], unseen: int) -> list[Figure]:  # fmt: skip
    """Freshness and ingest's answer time, p50 and p99, against the Kafka hop's."""
    load = f"({len(seen)} reports at {args.rate:g}/s, batches of {args.batch}; {unseen} unseen)"
    hop_name = f"Kafka hop, produce (acks=all) -> consumed, {args.rate:g}/s"
    figures = []
    for name, fraction in (("p50", 0.5), ("p99", 0.99)):
        hop = 1000 * percentile(hops, fraction) if hops else None
        figures += [
            Figure(f"pipeline.{name}", SECTION, f"freshness {name}, report 202 -> indicator",
                   1000 * percentile(seen, fraction), "ms", hop, hop_name, load),
            Figure(f"pipeline.ingest-{name}", SECTION, f"ingest alone, POST -> 202, {name}",
                   1000 * percentile(answers, fraction), "ms", hop, hop_name),
        ]  # fmt: skip
    return figures


async def measure(args: argparse.Namespace, kafka: str, services: Services) -> list[Figure]:
    count = int(args.rate * args.seconds)
    markets = max(1, math.ceil((count + WARMUP) / (12 * HOLDERS)))
    plan = Plan(uuid.uuid4().hex[:6], args.year, markets)
    ingest, indicators = services.urls["ingest"], services.urls["indicators"]
    headers = {"Authorization": f"Bearer {args.token}"}
    limits = httpx.Limits(max_connections=args.in_flight, max_keepalive_connections=args.in_flight)
    async with (
        httpx.AsyncClient(base_url=ingest, headers=headers, timeout=30, limits=limits) as client,
        httpx.AsyncClient(timeout=10) as reader,
    ):
        await set_up(client, plan)
        warm = Run()
        await load(client, plan, warm, 0, WARMUP, 20)
        if warm.refused:
            raise RuntimeError(f"warm-up refused: {warm.refused[:3]}")
        base = sum(report.cents for report in warm.accepted)
        deadline = time.monotonic() + 60
        while (await total_cents(reader, indicators, plan.year) or 0) < base:
            if time.monotonic() > deadline:
                raise TimeoutError("the warm-up reports did not reach the indicators in 60 s")
            await asyncio.sleep(0.1)
        print(f"set up: {markets} markets x {HOLDERS} holders and contracts, {WARMUP} warm-up "
              f"reports visible; measuring {count} reports at {args.rate:g}/s")  # fmt: skip
        run = Run()
        poller = asyncio.create_task(
            poll(reader, indicators, plan, run, base, args.poll_ms / 1000, args.settle)
        )
        took = await load(client, plan, run, WARMUP, count, args.rate, args.batch, args.in_flight)
        await poller
    hops = await kafka_hop(kafka, args.rate, args.hop_seconds) if args.hop_seconds > 0 else []
    return report(args, run, base, took, hops)


def run_pipeline(
    args: argparse.Namespace, kafka: str, dbs: tuple[str, str], work: Path
) -> list[Figure]:
    """Topics, the three services, the measure, their memory at the end; every figure."""
    topics = subprocess.run(
        [sys.executable, "-m", "shared.topics_setup"],
        cwd=REPO, env=service_env(kafka), capture_output=True, text=True,
    )  # fmt: skip
    if topics.returncode != 0:
        raise RuntimeError(f"topics: {topics.stderr}")
    services = start_services(kafka, dbs, args.token, work)
    try:
        asyncio.run(wait_healthy(services, work))
        figures = asyncio.run(measure(args, kafka, services))
        return figures + services.memory(SECTION, "at the end of the pipeline run")
    finally:
        services.stop()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """The options (defaults: the full benchmark), with a fresh facilitator token."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rate", type=float, default=200, help="reports per second")
    parser.add_argument("--seconds", type=float, default=30, help="duration of the load")
    parser.add_argument("--kafka-port", type=int, default=39292, help="the bench's own broker")
    parser.add_argument("--batch", type=int, default=10, help="reports per POST (a list)")
    parser.add_argument("--in-flight", type=int, default=64, help="requests awaiting an answer")
    parser.add_argument("--poll-ms", type=float, default=5, help="pause between polls")
    parser.add_argument("--settle", type=float, default=30, help="wait after the load, at most")
    parser.add_argument("--year", type=int, default=time.gmtime().tm_year - 1)
    parser.add_argument("--hop-seconds", type=float, default=10, help="Kafka baseline (0: off)")
    parser.add_argument("--postgres", help="server URL: use PostgreSQL instead of SQLite")
    parser.add_argument("--databases", default="fresh_ingest,fresh_clauses",
                        help="with --postgres: the two databases, DROPPED and created")  # fmt: skip
    parser.add_argument("--keep-logs", action="store_true", help="keep the services' logs")
    args = parser.parse_args(argv)
    if args.rate * args.seconds + WARMUP > 12 * HOLDERS * 999:
        parser.error("too many reports for the identities of one year")
    args.token = "bench-" + secrets.token_urlsafe(24)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    work = Path(tempfile.mkdtemp(prefix="pipeline-freshness-"))
    try:
        if args.postgres:
            names = args.databases.split(",")
            with postgres_databases(args.postgres, names) as urls:
                dbs = (urls[0], urls[1])
        else:
            dbs = (f"sqlite:///{work}/ingest.db", f"sqlite:///{work}/clauses.db")
        with own_broker(args.kafka_port) as kafka:
            run_pipeline(args, kafka, dbs, work)
    finally:
        if args.keep_logs:
            print(f"logs in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
