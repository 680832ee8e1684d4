"""The ledger as a real process, killed with SIGKILL at random moments and restarted.

Afterwards the stored and the published aggregates must equal the pure fold of the same
events: nothing lost, nothing counted twice.
"""

import asyncio
import contextlib
import dataclasses
import functools
import os
import random
import time
import urllib.request
import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from harness.broker import end_offsets, latest_by_key, produce, wait_until
from harness.large_streams import event_stream
from harness.ports import free_port
from services.clauses.adapters.queries import SqlReader
from services.clauses.adapters.storage import SqlStore
from services.clauses.bootstrap import INPUT_TOPICS
from services.clauses.domain import fold, last_closed_month
from shared.aggregates import ClauseStatus
from shared.db import make_engine
from shared.events import Event
from shared.kafka import ensure_topics
from shared.topics import CLAUSE_AGGREGATES
from tests.processes import Service

EVENTS = 50_000
KILLS = 6


def consumed(store: SqlStore) -> int:
    """Records committed so far (0 before the service made its tables)."""
    with contextlib.suppress(DBAPIError):
        return sum(store.offsets().values())
    return 0


def read_clause(port: str, market_id: str) -> ClauseStatus:
    """A market's clause from the running service's HTTP API."""
    url = f"http://127.0.0.1:{port}/v1/markets/{market_id}/clause"
    with urllib.request.urlopen(url, timeout=10) as answer:
        return ClauseStatus.model_validate_json(answer.read())


async def moved_beyond(store: SqlStore, mark: int) -> bool:
    """Whether the service committed past a number of records."""
    return await asyncio.to_thread(consumed, store) > mark


async def produce_slowly(bootstrap: str, events: Sequence[Event], prefix: str) -> None:
    """The rest of the stream arrives while the service is being killed."""
    for start in range(0, len(events), 2500):
        await produce(bootstrap, events[start : start + 2500], prefix=prefix)
        await asyncio.sleep(1)


async def test_a_ledger_killed_at_random_moments_ends_with_exactly_the_pure_fold(
    kafka_bootstrap: str, clauses_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = int(time.time())
    rng = random.Random(seed)
    prefix = f"crash-{uuid.uuid4().hex[:10]}."
    events = event_stream(EVENTS, prefix=prefix)
    topics = [topic.name for topic in INPUT_TOPICS]
    await ensure_topics(
        kafka_bootstrap,
        [dataclasses.replace(t, name=prefix + t.name) for t in (*INPUT_TOPICS, CLAUSE_AGGREGATES)],
    )
    env = {
        **os.environ,
        "CLAUSES_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "CLAUSES_DATABASE_URL": clauses_database,
        "CLAUSES_TOPIC_PREFIX": prefix,
        "CLAUSES_GROUP_ID": f"{prefix}clauses",
        "CLAUSES_MAX_BATCH": "1000",
        "CLAUSES_HTTP_PORT": str(free_port()),
    }
    store = SqlStore(make_engine(clauses_database))
    service = Service("clauses", env, tmp_path / "clauses.log")
    await produce(kafka_bootstrap, events[: EVENTS // 2], prefix=prefix)
    late = asyncio.create_task(produce_slowly(kafka_bootstrap, events[EVENTS // 2 :], prefix))

    kills, killed_while_consuming = 0, 0
    service.start()
    while kills < KILLS:
        if kills % 2 == 0:  # a random moment while batches are being committed
            await wait_until(
                functools.partial(moved_beyond, store, consumed(store)),
                seconds=120,
                what="the restarted ledger to commit a batch",
            )
            await asyncio.sleep(rng.uniform(0, 1.5))
            killed_while_consuming += 1
        else:  # a random moment, maybe while it rebuilds its state or joins the group
            await asyncio.sleep(rng.uniform(0.2, 4))
        service.kill()
        kills += 1
        service.start()
    await late
    inputs = [prefix + name for name in topics]

    async def caught_up() -> bool:
        ends = await end_offsets(kafka_bootstrap, inputs)
        stored = await asyncio.to_thread(store.offsets)
        return all(stored.get(partition) == end for partition, end in ends.items())

    await wait_until(caught_up, seconds=300, what="the ledger to consume every event")
    clause = await asyncio.to_thread(read_clause, env["CLAUSES_HTTP_PORT"], f"{prefix}M000001")
    assert service.shut_down_cleanly()

    expected = fold(events, as_of=last_closed_month(date.today())).snapshot()
    stored = SqlReader(store.engine).snapshot()
    published = await latest_by_key(kafka_bootstrap, prefix + CLAUSE_AGGREGATES.name)
    with capsys.disabled():
        print(
            f"\ncrash test: {kills} SIGKILLs ({killed_while_consuming} while committing), "
            f"{len(events)} events, {len(expected)} aggregates checked, seed {seed}"
        )
    assert stored == expected
    assert {key: m.aggregate for key, m in published.items() if key in expected} == expected
    assert clause == expected[f"clause|{prefix}M000001"]
