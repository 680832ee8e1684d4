"""The stack read from the outside: started, settled, and what it stores, publishes and serves."""

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import httpx
from aiokafka.admin import AIOKafkaAdminClient

from harness.broker import end_offsets, wait_until
from services.clauses.adapters.queries import SqlReader
from services.clauses.adapters.storage import SqlStore
from services.indicators.adapters.kafka import replay
from services.indicators.application.ports import Record
from services.indicators.domain.decoding import decode_aggregate
from services.indicators.domain.governance import DATA_AGE
from shared.aggregates import Aggregate, ClauseStatus
from shared.db import make_engine
from shared.topics import CLAUSE_AGGREGATES, RAW_SUBMISSIONS
from tests.chaos.conftest import ChaosStack
from tests.chaos.oracle import EVENT_TOPICS, present, served_cells
from tests.servers import wait_until_up


async def start_and_wait(stack: ChaosStack) -> None:
    """Start the services and wait until each answers /health."""
    stack.supervisor.start()
    for name, service in stack.supervisor.services.items():
        assert service.process is not None
        url = f"{stack.urls[name]}/health"
        await asyncio.to_thread(wait_until_up, url, service.process, service.log, 90)


async def settled(stack: ChaosStack) -> None:
    """Ingest has handled the raw topic and clauses has consumed every event."""
    raw_end = await end_offsets(stack.kafka, [RAW_SUBMISSIONS.name])
    store = SqlStore(make_engine(stack.clauses_db))

    async def raw_handled() -> bool:
        admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka)
        await admin.start()
        try:
            committed = await admin.list_consumer_group_offsets("ingest-raw")
        finally:
            await admin.close()
        done = {(tp.topic, tp.partition): meta.offset for tp, meta in committed.items()}
        return all(done.get(partition, 0) >= end for partition, end in raw_end.items())

    async def clauses_consumed() -> bool:
        ends = await end_offsets(stack.kafka, list(EVENT_TOPICS))
        try:
            stored = await asyncio.to_thread(store.offsets)
        except Exception:  # the tables may not be there yet
            return False
        return all(stored.get(partition) == end for partition, end in ends.items())

    await wait_until(raw_handled, seconds=120, what="ingest to handle every raw submission")
    await wait_until(clauses_consumed, seconds=120, what="clauses to consume every event")


async def converged(
    stack: ChaosStack, aggregates: Mapping[str, Aggregate], cells: Mapping[str, Any]
) -> tuple[dict[str, Aggregate], dict[str, Aggregate], dict[str, Any]]:
    """What clauses stores and publishes and what the indicators serve, once equal to the
    oracle's (or as they are after a minute: the assertions then show the differences)."""
    reader = SqlReader(make_engine(stack.clauses_db))
    deadline = time.monotonic() + 60
    while True:
        stored = await asyncio.to_thread(reader.snapshot)
        published = await published_aggregates(stack.kafka)
        served = await served_indicators(stack.urls["indicators"])
        same = (stored, present(published), served) == (aggregates, present(aggregates), cells)
        if same or time.monotonic() > deadline:
            return stored, published, served
        await asyncio.sleep(1)


async def served_clauses(url: str, keys: Mapping[str, Any]) -> dict[str, ClauseStatus]:
    """The clause of every market the oracle has one for, from clauses' HTTP API."""
    found = {}
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for key in keys:
            response = await client.get(f"/v1/markets/{key.removeprefix('clause|')}/clause")
            found[key] = ClauseStatus.model_validate_json(response.raise_for_status().content)
    return found


async def published_aggregates(kafka: str) -> dict[str, Aggregate]:
    """The latest aggregate of every key on the aggregates topic (tombstones delete)."""
    latest: dict[str, Aggregate | None] = {}

    def collect(batch: list[Record]) -> int:
        for record in batch:
            change = decode_aggregate(record.key, record.value)
            latest[change.key] = change.aggregate
        return 0

    await replay(kafka, {CLAUSE_AGGREGATES.name: collect})
    return {key: aggregate for key, aggregate in latest.items() if aggregate is not None}


async def served_indicators(url: str) -> dict[str, Any]:
    """Every indicator cell of every year the indicators service serves."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        years = (await client.get("/v1/indicators/years")).raise_for_status().json()
        pages = [
            (await client.get("/v1/indicators", params={"year": y})).raise_for_status().json()
            for y in years
        ]
    return served_cells(pages, {DATA_AGE})
