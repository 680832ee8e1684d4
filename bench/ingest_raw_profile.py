"""Where a raw batch's time goes: ingest in process on the real broker and PostgreSQL, the
raw topic filled with work contracts, then consumed with timing spans around each stage
(and optionally cProfile of the event loop's thread).

    KAFKA_BOOTSTRAP_SERVERS=... DATABASE_URL=... \\
        .venv/bin/python -m bench.ingest_raw_profile [--raw 20000] [--batch 1000] [--cprofile]
            [--floor]
"""

import argparse
import asyncio
import cProfile
import functools
import gc
import json
import os
import pstats
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaProducer

from bench.ingest_throughput import contracts_body
from harness.builders import TEST_PSEUDONYMISATION_KEY, TOKENS, a_market_submission
from services.ingest.application.ingestor import market_unit
from services.ingest.bootstrap import build_service, running
from services.ingest.domain.access import Principal, Role
from services.ingest.domain.versions import Conflict, Reservation, Versioner, dump_receipts
from services.ingest.settings import IngestSettings
from shared.kafka import ensure_topics
from shared.topics import Topic

SPANS: defaultdict[str, list[float]] = defaultdict(list)


def machine_busy_seconds() -> float:
    """CPU seconds every process of the machine spent busy since boot (/proc/stat)."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """The same function, its wall-clock time recorded under `name`."""
    if asyncio.iscoroutinefunction(function):

        @functools.wraps(function)
        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                SPANS[name].append(time.perf_counter() - started)

        return timed_async

    @functools.wraps(function)
    def timed_sync(*args: Any, **kwargs: Any) -> Any:
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            SPANS[name].append(time.perf_counter() - started)
            SPANS[f"{name} (CPU)"].append(time.thread_time() - cpu)

    return timed_sync


def stub_storage_and_broker(store: Any, ingestor: Any) -> None:
    """Versions decided, rows and receipts made as the store makes them, but kept nowhere;
    events encoded but not published."""

    def reserve(batch: Any) -> list[Reservation | Conflict]:
        versioner = Versioner({})
        reservations = [versioner.reserve(pending) for pending in batch]
        versioner.writes()
        rows, _ = Versioner.submission_rows(batch, reservations)
        for row in rows:
            dump_receipts(row["receipts"])
        return reservations

    async def publish(_events: Any) -> None:
        return None

    store.reserve = reserve
    store.mark_published = lambda *_args: None
    ingestor._publisher.publish = publish


async def fill(bootstrap: str, topic: str, market_id: str, count: int) -> None:
    await ensure_topics(bootstrap, [Topic(topic, "profile raw submissions")])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        token = [("authorization", b"Bearer facilitator-token")]
        futures = [
            await producer.send(
                topic,
                json.dumps({"type": "work_contract", **body}).encode(),
                key=market_id.encode(),
                headers=token,
            )
            for body in contracts_body(market_id, count)
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--raw", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=1000, help="INGEST_RAW_BATCH_SIZE")
    parser.add_argument("--switch", type=float, help="sys.setswitchinterval (s)")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="versions kept in memory and nothing published: what the Python path alone costs",
    )
    parser.add_argument(
        "--inline", action="store_true", help="run the store's calls on the loop's thread"
    )
    options = parser.parse_args()
    if options.inline:  # cProfile sees only the thread it runs in

        async def inline(function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
            return function(*args, **kwargs)

        asyncio.to_thread = inline
    bootstrap = os.environ["KAFKA_BOOTSTRAP_SERVERS"]
    suffix = uuid.uuid4().hex[:10]
    raw_topic = f"insertion.raw-submissions.v1.profile-{suffix}"
    settings = IngestSettings.model_validate(
        {
            "pseudonymisation_key": TEST_PSEUDONYMISATION_KEY,
            "kafka_bootstrap_servers": bootstrap,
            "database_url": os.environ["DATABASE_URL"],
            "tokens": json.dumps(TOKENS),
            "raw_topic": raw_topic,
            "dead_letter_topic": f"insertion.dead-letter.v1.profile-{suffix}",
            "raw_group_id": f"ingest-raw-profile-{suffix}",
            "raw_batch_size": options.batch,
        }
    )
    market_id = f"PROFILE-{suffix}"
    first = build_service(settings)
    async with running(first):  # the market known before any contract is read
        facilitator = Principal("profile-facilitator", "facilitateur", Role.FACILITATOR, None)
        market = a_market_submission(market_id=market_id)
        await first.ingestor.process([market_unit(facilitator, [market], "http")])
    await fill(bootstrap, raw_topic, market_id, options.raw)
    service = build_service(settings)
    store, ingestor = service.store, service.ingestor
    if options.floor:
        stub_storage_and_broker(store, ingestor)
    for name in ("reserve", "mark_published", "contracts"):  # the store's, in their thread
        setattr(store, name, timed(name, getattr(store, name)))
    publisher: Any = ingestor._publisher
    publisher.publish = timed("publish", publisher.publish)
    done = asyncio.Event()
    handled = 0
    started = cpu_started = busy_started = 0.0
    profile = cProfile.Profile() if options.cprofile else None
    original_judge = timed("judge", ingestor.judge)
    original_complete = timed("complete", ingestor.complete)

    async def starting(units: Any) -> Any:
        nonlocal started, cpu_started, busy_started
        if not started:
            cpu_started, started = time.process_time(), time.perf_counter()
            busy_started = machine_busy_seconds()
            if profile:
                profile.enable()
        return await original_judge(units)

    async def counting(judged: Any, **kwargs: Any) -> Any:
        nonlocal handled
        outcomes = await original_complete(judged, **kwargs)
        handled += len(outcomes)
        if handled >= options.raw:
            done.set()
        return outcomes

    ingestor.judge = starting  # type: ignore[method-assign]
    ingestor.complete = counting  # type: ignore[method-assign]
    if options.switch:
        sys.setswitchinterval(options.switch)
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    async with running(service):
        await asyncio.wait_for(done.wait(), 600)
        if profile:
            profile.disable()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        busy = machine_busy_seconds() - busy_started
    print(
        f"batches of {options.batch}: {options.raw} raw contracts in {seconds:.2f} s"
        f" = {options.raw / seconds:,.0f}/s;"
        f" process CPU {cpu:.2f} s ({cpu / options.raw * 1e6:.0f} us/event); "
        f"load {os.getloadavg()[0]:.2f}"
    )
    print(
        f"  machine busy {busy:.2f} CPU-s ({busy / options.raw * 1e6:.0f} us/event), of which"
        f" outside ingest {busy - cpu:.2f} s ({(busy - cpu) / options.raw * 1e6:.0f} us/event:"
        " broker, PostgreSQL, the rest)"
    )
    for name, spans in SPANS.items():
        total = sum(spans)
        print(
            f"  {name:<16} {len(spans):>4} calls, {total:6.2f} s, "
            f"{total / len(spans) * 1000:7.1f} ms/call, {total / seconds:5.0%} of wall"
        )
    for name in ("judge", "complete", "reserve", "mark_published"):
        spans = SPANS[name]
        tenth = max(len(spans) // 10, 1)
        early, late = sum(spans[:tenth]) / tenth, sum(spans[-tenth:]) / tenth
        print(f"  {name}: first tenth {early * 1000:.1f} ms/call, last tenth {late * 1000:.1f}")
    if profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    asyncio.run(main())
