"""The ledger on the real broker and PostgreSQL: exactly the pure fold, published and stored."""

import asyncio
import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal

from fastapi import FastAPI
from fastapi.testclient import TestClient

from harness.broker import end_offsets, latest_by_key, produce, wait_until
from harness.large_streams import event_stream
from services.clauses.adapters.queries import SqlReader
from services.clauses.bootstrap import Clauses, build, run
from services.clauses.domain import fold, last_closed_month
from services.clauses.entrypoints.http_api import api_router
from services.clauses.settings import ClausesSettings
from shared.aggregates import HoursCell
from shared.events import Event


def settings_for(bootstrap: str, database_url: str, prefix: str) -> ClausesSettings:
    return ClausesSettings(
        kafka_bootstrap_servers=bootstrap,
        database_url=database_url,
        topic_prefix=prefix,
        group_id=f"{prefix}clauses",
        max_batch=500,
    )


async def consume_everything(clauses: Clauses) -> None:
    """Run the service until its stored offsets reach the end of every input topic."""
    inputs = [topic.name for topic in clauses.topics[:-1]]
    bootstrap = clauses.settings.kafka_bootstrap_servers

    async def caught_up() -> bool:
        ends = await end_offsets(bootstrap, inputs)
        stored = await asyncio.to_thread(clauses.store.offsets)
        return all(stored.get(partition) == end for partition, end in ends.items())

    async with run(clauses):
        await wait_until(caught_up, seconds=180, what="the ledger to consume every event")


def events_read(clauses: Clauses) -> float:
    """Events applied or ignored as duplicate or stale (records skipped by offset excluded)."""
    total = 0.0
    for metric in clauses.registry.collect():
        if metric.name in ("clauses_events_applied", "clauses_events_ignored"):
            total += sum(
                s.value
                for s in metric.samples
                if s.name.endswith("_total") and s.labels.get("reason") != "already_consumed"
            )
    return total


async def test_every_event_on_the_real_broker_ends_stored_and_published_as_the_pure_fold(
    kafka_bootstrap: str, clauses_database: str
) -> None:
    prefix = f"it-{uuid.uuid4().hex[:10]}."
    events = event_stream(4000, prefix=prefix)
    clauses = build(settings_for(kafka_bootstrap, clauses_database, prefix))
    async with run(clauses):  # creates the topics
        pass
    await produce(kafka_bootstrap, events, prefix=prefix)

    await consume_everything(clauses)

    expected = fold(events, as_of=last_closed_month(date.today())).snapshot()
    assert SqlReader(clauses.engine).snapshot() == expected
    published = await latest_by_key(kafka_bootstrap, clauses.topics[-1].name)
    assert {key: m.aggregate for key, m in published.items() if key in expected} == expected


async def test_the_read_api_groups_the_hours_on_postgresql_as_the_fold_does(
    kafka_bootstrap: str, clauses_database: str
) -> None:
    prefix = f"it-{uuid.uuid4().hex[:10]}."
    events = event_stream(1500, prefix=prefix)
    clauses = build(settings_for(kafka_bootstrap, clauses_database, prefix))
    async with run(clauses):
        pass
    await produce(kafka_bootstrap, events, prefix=prefix)
    await consume_everything(clauses)
    http = FastAPI()
    http.include_router(api_router(SqlReader(clauses.engine), clauses.registry))

    answer = TestClient(http).get(
        "/v1/aggregates/hours", params={"group_by": "year,gender", "from": "2023-01"}
    )

    assert answer.status_code == 200
    got = {
        (row["group"]["year"], row["group"]["gender"]): Decimal(row["insertion_hours"])
        for row in answer.json()["rows"]
    }
    expected: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for cell in fold(events, as_of="2023-01").snapshot().values():
        if isinstance(cell, HoursCell) and cell.period >= "2023-01":
            expected[(cell.period[:4], cell.gender.value)] += cell.insertion_hours
    assert got == expected


async def test_a_restarted_ledger_resumes_at_its_stored_offsets_and_reads_nothing_twice(
    kafka_bootstrap: str, clauses_database: str
) -> None:
    prefix = f"it-{uuid.uuid4().hex[:10]}."
    events: list[Event] = event_stream(3000, prefix=prefix)
    first, second = events[:1800], events[1800:]
    settings = settings_for(kafka_bootstrap, clauses_database, prefix)
    before = build(settings)
    async with run(before):
        pass
    await produce(kafka_bootstrap, first, prefix=prefix)
    await consume_everything(before)
    await produce(kafka_bootstrap, second, prefix=prefix)
    after = build(settings)

    await consume_everything(after)

    assert events_read(before) == len(first)
    assert events_read(after) == len(second)
    expected = fold(events, as_of=last_closed_month(date.today())).snapshot()
    assert SqlReader(after.engine).snapshot() == expected
