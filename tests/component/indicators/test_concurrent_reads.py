"""Reads see a snapshot: HTTP routes run in worker threads while the consumer applies batches.

FastAPI runs the service's sync routes in a thread pool and the consumer applies records on
the event loop's thread, so a read may run in the middle of a batch. The writer below swaps
the state between two whole batches (every cell present, then every cell deleted); readers
call the very route functions the app serves and must see one side or the other, never a
state being changed (no `dictionary changed size during iteration`, no half-applied total).
"""

import sys
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi import HTTPException
from fastapi.routing import APIRoute

from harness.builders import an_aggregate_change, an_hours_cell
from services.indicators.adapters.metrics import make_registry
from services.indicators.application.live_indicators import LiveIndicators
from services.indicators.domain.targets import Targets
from services.indicators.entrypoints.http_api import make_api
from shared.codes import MarketCategory
from tests.component.indicators.records import FakeRecord

YEARS = (2021, 2022, 2023)
CELLS_PER_SLOT = 2
HOURS = Decimal("1.25")
RACE_SECONDS = 4
GIVE_UP_SECONDS = 120


def _whole_batches() -> tuple[list[FakeRecord], list[FakeRecord], Decimal]:
    """One batch that writes every cell, one that deletes them all, and a year's full total."""
    changes = [
        an_aggregate_change(
            an_hours_cell(
                period=f"{year}-{month:02d}",
                market_id=f"RACE-{n}",
                category=category,
                reserved_market=reserved,
                insertion_hours=HOURS,
            )
        )
        for year in YEARS
        for month in range(1, 13)
        for category in MarketCategory
        for reserved in (False, True)
        for n in range(CELLS_PER_SLOT)
    ]
    write = [
        FakeRecord("aggregates", 0, i, c.key.encode(), c.model_dump_json().encode())
        for i, c in enumerate(changes)
    ]
    delete = [FakeRecord("aggregates", 0, i, c.key.encode(), None) for i, c in enumerate(changes)]
    per_year = HOURS * len(changes) // len(YEARS)
    return write, delete, per_year


def _routes(live: LiveIndicators) -> dict[str, Callable[..., Any]]:
    registry = make_registry(live)
    router = make_api(live, registry)
    return {route.path: route.endpoint for route in router.routes if isinstance(route, APIRoute)}


@pytest.fixture
def fast_thread_switches() -> Iterator[None]:
    """Switch threads every few microseconds so that a read lands inside a batch."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


@pytest.mark.usefixtures("fast_thread_switches")
def test_readers_in_other_threads_see_whole_batches_while_the_consumer_applies_records() -> None:
    live = LiveIndicators(targets=Targets(version=1), threshold=5)
    write, delete, per_year = _whole_batches()
    routes = _routes(live)
    failures: list[str] = []
    seen: set[float] = set()
    stop = threading.Event()

    def apply() -> None:
        while not stop.is_set():
            live.apply_aggregates(write)
            live.apply_aggregates(delete)

    def read() -> None:
        while not stop.is_set() and not failures:
            try:
                years = routes["/v1/indicators/years"]()
                assert set(years) <= set(YEARS), years
                if 2023 in years:  # else the state is empty, between the two batches
                    total = _insertion_hours(routes["/v1/indicators"], 2023)
                    if total is not None:
                        seen.add(total)
                        assert total == float(per_year), f"half a batch: {total}"
                routes["/health"]()
                routes["/metrics"]()
            except Exception as error:  # any error of a read is the failure
                failures.append(f"{type(error).__name__}: {error}")

    writer = threading.Thread(target=apply)
    readers = [threading.Thread(target=read) for _ in range(3)]
    writer.start()
    for reader in readers:
        reader.start()
    # Race for at least RACE_SECONDS; on a loaded machine a reader may need longer to land a
    # read between the two batches, so the race goes on (up to GIVE_UP_SECONDS) until one has.
    started = time.monotonic()
    while not failures:
        elapsed = time.monotonic() - started
        if elapsed >= GIVE_UP_SECONDS or (elapsed >= RACE_SECONDS and seen):
            break
        time.sleep(0.05)
    stop.set()
    writer.join()
    for reader in readers:
        reader.join()

    assert failures == []
    assert seen == {float(per_year)}, "the readers never saw a whole batch"


def _insertion_hours(route: Callable[..., Any], year: int) -> float | None:
    """The year's insertion hours through the route; None when the year is gone meanwhile."""
    try:
        page = route(year=year, axis=None)
    except HTTPException as missing:
        if missing.status_code != 404:
            raise
        return None
    (total,) = (v.value for v in page.indicators if v.id == "social.insertion_hours")
    return float(total)
