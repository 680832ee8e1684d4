"""End-to-end freshness: a monthly report accepted by ingest -> the changed value on /v1/indicators.

Usage (from the repository root):
    .venv/bin/python -m bench.pipeline_freshness [--rate 200] [--seconds 30] [--kafka-port 39292]
        [--poll-ms 5] [--postgres postgresql+psycopg://insertion:insertion@127.0.0.1:5432/postgres]

What runs: a broker of its own (deploy/kafka/kafka.sh on --kafka-port, refused if one already
runs there; stopped and deleted at the end), the topics, and the three services as processes
(`python -m services.ingest|clauses|indicators`, as deploy/up.sh starts them) on SQLite files
in a temporary directory, or with --postgres on two databases of that server (default
fresh_ingest and fresh_clauses) which the bench DROPS and creates again at start, since the
clauses ledger keeps its Kafka offsets in its database and must start as empty as the broker.
All traffic is on 127.0.0.1.

Set-up, through ingest's HTTP API with a facilitator token: M markets notified in 2024 with
an insertion clause, 100 holders each, one work contract per (market, holder), so that
every report of the run has an identity of its own (market, employer, month of YEAR): M is
the smallest that gives enough identities (12 months x 100 holders per market). A few
warm-up reports go through the whole pipeline before the clock starts.

Load: an open loop sends report i at t0 + i / rate, each in its own task (a slow answer
never delays the next send), each one line of a known number of hours (1.00 to 19.99, with
cents, so that totals identify sets of reports better than equal hours would). A poller
asks `GET /v1/indicators?year=YEAR&axis=social` one request at a time, every --poll-ms
after the previous answer, and records the total `social.insertion_hours` it sees.

What is measured (bench/freshness_matching.match): reports are ranked by the arrival of
their 202. Report k is visible at the answer of the first poll sent after its 202 arrived
whose total is at least the warm-up total plus the hours of reports 1..k (in 202 order). Its
freshness is that answer's time minus the 202's time, on one monotonic clock. So it
includes the publication is already acknowledged (ingest answers 202 after acks=all), clauses
(consume, fold in a database transaction, publish the aggregate change), the indicators
(consume, fold, recompute on read) and the poll's own round trip and cadence (a report
already visible is found one poll after its 202: the resolution is the poll gap printed).
When the pipeline applies reports in another order than their 202s arrived, the ranking
pairs the k-th 202 with the moment k reports' worth of hours were visible; the bench counts
the polls whose total is no prefix sum of the 202 order, so that this is seen, not assumed.

Baselines measured in the same run: ingest alone (POST -> 202 of the same reports), and a
bare Kafka hop on the same broker (produce with acks=all -> consumed, at the same rate,
after the load). The ratios printed are freshness / baseline.
"""

import argparse
import asyncio
import hashlib
import math
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.freshness_matching import Accepted, Observation, match, percentile

REPO = Path(__file__).resolve().parents[1]
KAFKA_SCRIPT = REPO / "deploy" / "kafka" / "kafka.sh"
HOLDERS = 100  # a market lists at most 100 holders
INDICATOR = "social.insertion_hours"
WARMUP = 20
SERVICE_PREFIXES = ("INGEST_", "CLAUSES_", "INDICATORS_", "DATABASE_URL", "KAFKA_")


def free_port(pair: bool = False) -> int:
    """A free TCP port on 127.0.0.1 (and the next one too, for Kafka's controller)."""
    for _ in range(100):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port: int = probe.getsockname()[1]
        if not pair or port_free(port + 1):
            return port
    raise RuntimeError("no free port")


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextmanager
def own_broker(port: int) -> Iterator[str]:
    """deploy/kafka/kafka.sh on the port, for this run only; stopped (data deleted) at the end."""
    env = {**os.environ, "KAFKA_PORT": str(port)}
    if not (port_free(port) and port_free(port + 1)):
        raise SystemExit(f"port {port} or {port + 1} is taken: choose another --kafka-port")
    script = ["bash", str(KAFKA_SCRIPT)]
    started = subprocess.run([*script, "start"], env=env, capture_output=True, text=True)
    if started.returncode != 0:
        raise SystemExit(f"kafka.sh start failed:\n{started.stdout}{started.stderr}")
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([*script, "stop"], env=env, capture_output=True, check=False)


@contextmanager
def postgres_databases(server: str, names: Sequence[str]) -> Iterator[list[str]]:
    """The named databases on the server, dropped and created empty (they are the bench's)."""
    base = make_url(server)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    yield [base.set(database=name).render_as_string(hide_password=False) for name in names]


def service_env(kafka: str, **settings: str) -> dict[str, str]:
    """Our environment minus any service or broker setting, plus these."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(SERVICE_PREFIXES)}
    return {**inherited, "KAFKA_BOOTSTRAP_SERVERS": kafka, **settings}


@dataclass
class Services:
    """The three processes and their base URLs."""

    urls: dict[str, str]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def stop(self) -> None:
        """Terminate each process this bench started, by its handle."""
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def start_services(kafka: str, dbs: tuple[str, str], token: str, logs: Path) -> Services:
    """`python -m services.<name>` for the three services, as deploy/up.sh starts them."""
    ports = {name: free_port() for name in ("ingest", "clauses", "indicators")}
    digest = hashlib.sha256(token.encode()).hexdigest()
    envs = {
        "ingest": service_env(
            kafka,
            DATABASE_URL=dbs[0],
            INGEST_PSEUDONYMISATION_KEY="bench-" + secrets.token_urlsafe(32),
            INGEST_TOKENS=f'[{{"name": "bench", "role": "facilitator", "sha256": "{digest}"}}]',
            INGEST_PORT=str(ports["ingest"]),
        ),
        "clauses": service_env(
            kafka, CLAUSES_DATABASE_URL=dbs[1], CLAUSES_HTTP_PORT=str(ports["clauses"])
        ),
        "indicators": service_env(kafka, INDICATORS_PORT=str(ports["indicators"])),
    }
    services = Services({name: f"http://127.0.0.1:{port}" for name, port in ports.items()})
    for name, env in envs.items():
        with (logs / f"{name}.log").open("wb") as output:
            services.processes[name] = subprocess.Popen(
                [sys.executable, "-m", f"services.{name}"],
                cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
    return services


async def wait_healthy(services: Services, logs: Path, within: float = 120) -> None:
    """Every service answers /health with 200 (indicators: and has caught up)."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=2) as client:
        for name, url in services.urls.items():
            while True:
                if services.processes[name].poll() is not None:
                    tail = (logs / f"{name}.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"{name} exited during startup:\n{tail}")
                try:
                    response = await client.get(f"{url}/health")
                    if response.status_code == 200 and response.json().get("caught_up", True):
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{name} not healthy within {within} s (see {logs})")
                await asyncio.sleep(0.2)


@dataclass(frozen=True)
class Plan:
    """The identities of the run: markets, their holders, a contract per (market, holder)."""

    run: str
    year: int
    markets: int

    def market_id(self, m: int) -> str:
        return f"FRESH-{self.run}-{m:03d}"

    @staticmethod
    def siret(h: int) -> str:
        return f"{79000000000000 + h:014d}"

    def identity(self, i: int) -> tuple[int, int, int]:
        """Report i's market, holder and month: consecutive reports go to different markets."""
        rest, m = divmod(i, self.markets)
        month, h = divmod(rest, HOLDERS)
        return m, h, month + 1

    @staticmethod
    def cents(i: int) -> int:
        """Report i's hours in hundredths: 1.00 to 19.99, varied."""
        return 100 + (i * 7919) % 1900

    def market(self, m: int) -> dict[str, Any]:
        return {
            "market_id": self.market_id(m),
            "buyer": {"siret": "23440003400026", "name": "Acheteur du banc d'essai"},
            "title": f"Marché de mesure {m}",
            "category": "works",
            "amount_ht": "1250000.00",
            "notification_date": f"{self.year - 1}-12-01",
            "duration_months": 36,
            "holders": [
                {"siret": self.siret(h), "is_sme": True, "in_territory": True}
                for h in range(HOLDERS)
            ],
            "social_considerations": ["social_clause"],
            "insertion_commitment": {"hours_per_10k_eur_ht": 10, "min_hours_per_year": 150},
        }

    def contract(self, m: int, h: int) -> dict[str, Any]:
        return {
            "contract_id": f"C-{m:03d}-{h:03d}",
            "beneficiary_id": f"{self.run}-{m:03d}-{h:03d}",
            "gender": ("female", "male")[h % 2],
            "contract_type": "cddi",
            "eligible_public": "rsa",
            "modality": "direct_hire",
            "employer_siret": self.siret(h),
            "market_id": self.market_id(m),
            "start_date": f"{self.year}-01-01",
        }

    def report(self, i: int) -> dict[str, Any]:
        m, h, month = self.identity(i)
        cents = self.cents(i)
        line = {
            "beneficiary_id": f"{self.run}-{m:03d}-{h:03d}",
            "contract_id": f"C-{m:03d}-{h:03d}",
            "insertion_hours": f"{cents // 100}.{cents % 100:02d}",
        }
        return {
            "market_id": self.market_id(m),
            "employer_siret": self.siret(h),
            "period": f"{self.year}-{month:02d}",
            "lines": [line],
        }


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


def report(args: argparse.Namespace, run: Run, base: int, took: float, hops: list[float]) -> None:
    """Print the figures."""
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
        return
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


async def measure(args: argparse.Namespace, kafka: str, services: Services) -> None:
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
    report(args, run, base, took, hops)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rate", type=float, default=200, help="reports per second")
    parser.add_argument("--seconds", type=float, default=30, help="duration of the load")
    parser.add_argument("--kafka-port", type=int, default=39292, help="the bench's own broker")
    parser.add_argument("--batch", type=int, default=1, help="reports per POST (a JSON list)")
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
    work = Path(tempfile.mkdtemp(prefix="pipeline-freshness-"))
    try:
        if args.postgres:
            names = args.databases.split(",")
            with postgres_databases(args.postgres, names) as urls:
                dbs = (urls[0], urls[1])
        else:
            dbs = (f"sqlite:///{work}/ingest.db", f"sqlite:///{work}/clauses.db")
        with own_broker(args.kafka_port) as kafka:
            topics = subprocess.run(
                [sys.executable, "-m", "shared.topics_setup"],
                cwd=REPO, env=service_env(kafka), capture_output=True, text=True,
            )  # fmt: skip
            if topics.returncode != 0:
                raise RuntimeError(f"topics: {topics.stderr}")
            services = start_services(kafka, dbs, args.token, work)
            try:
                asyncio.run(wait_healthy(services, work))
                asyncio.run(measure(args, kafka, services))
            finally:
                services.stop()
    finally:
        if args.keep_logs:
            print(f"logs in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
