"""The whole pipeline keeps every hour exactly once through SIGKILLs and server restarts.

A stream goes through ingest (HTTP JSON, CSV files, the raw topic) while ingest, clauses and
the indicators are each SIGKILLed at random moments and restarted, the broker is restarted
once and PostgreSQL once. Afterwards: every identity on the topics holds what the client
last sent, every event ingest acknowledged is there, no valid submission was dead-lettered,
and the aggregates (stored and published by clauses) and the indicators served equal the
pure domain folds over the events the topics hold. Seed: CHAOS_SEED (printed).
"""

import asyncio
import os
import random
import time

import pytest

from harness.broker import end_offsets
from shared.aggregates import ClauseStatus
from shared.topics import DEAD_LETTER
from tests.chaos.conftest import ChaosStack
from tests.chaos.faults import inject, schedule, supervise
from tests.chaos.feeder import Feeder
from tests.chaos.oracle import (
    aggregates_of,
    at_the_door,
    differences,
    events_on_topics,
    indicator_cells,
    present,
)
from tests.chaos.reading import converged, served_clauses, settled, start_and_wait
from tests.chaos.stream import stream

SEED = int(os.environ.get("CHAOS_SEED", str(int(time.time()))))
WINDOW = 60.0  # seconds of faults; the stream is spread over most of it
KILLS_EACH = 4
MARKETS, PEOPLE = 30, 6


async def test_the_pipeline_keeps_every_hour_exactly_once_through_kills_and_restarts(
    chaos_stack: ChaosStack, capsys: pytest.CaptureFixture[str]
) -> None:
    stack, rng = chaos_stack, random.Random(SEED)
    items, expected = stream(SEED, MARKETS, PEOPLE)
    faults = schedule(rng, WINDOW, KILLS_EACH)
    feeder = Feeder(stack.urls["ingest"], stack.kafka, stack.token)
    await start_and_wait(stack)
    stop = asyncio.Event()
    supervisor = asyncio.create_task(supervise(stack, stop))

    feeding = asyncio.create_task(feeder.feed(items, WINDOW * 0.8))
    injected = await inject(stack, faults)
    await feeding
    await settled(stack)
    events = await events_on_topics(stack.kafka)
    aggregates = aggregates_of(events)
    cells = indicator_cells(aggregates, events)
    stored, published, served = await converged(stack, aggregates, cells)
    statuses = {key: a for key, a in aggregates.items() if isinstance(a, ClauseStatus)}
    answered = await served_clauses(stack.urls["clauses"], statuses)
    stop.set()
    await supervisor
    letters = sum((await end_offsets(stack.kafka, [DEAD_LETTER.name])).values())
    door = at_the_door(events)

    with capsys.disabled():
        print(
            f"\nchaos: seed {SEED}; {sum(injected.values())} faults injected: "
            + ", ".join(f"{kind} x{n}" for kind, n in sorted(injected.items()))
            + f"; exits seen by the supervisor: {dict(stack.supervisor.exits) or 'none'}"
            + f"\nchaos: {sum(feeder.sent.values())} submissions sent {dict(feeder.sent)}, "
            f"retries {dict(feeder.retries)}; {len(events)} events "
            f"({len(events) - len(door.event_ids)} repeating an event id), {len(aggregates)} "
            f"aggregates, {len(statuses)} clauses over HTTP and {len(cells)} indicator cells "
            "checked against the oracle; "
            f"logs in {stack.logs} (kept when a test fails)"
        )
    assert sum(stack.supervisor.kills.values()) >= 10
    assert min(stack.supervisor.kills[name] for name in stack.urls) >= 3
    assert injected["restart broker"] == injected["restart postgres"] == 1
    assert letters == 0, "a valid raw submission was dead-lettered"
    assert feeder.answered <= door.event_ids, "ingest acknowledged events the topics lack"
    assert door.markets == expected.markets
    assert door.contracts == expected.contracts
    assert door.invoices == expected.invoices
    assert door.hours == expected.hours
    assert stored == aggregates, differences(aggregates, stored)
    assert present(published) == present(aggregates), differences(
        present(aggregates), present(published)
    )
    assert answered == statuses, differences(statuses, answered)
    assert served == cells, differences(cells, served)
