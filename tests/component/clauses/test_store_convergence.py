"""The convergence law through the store: batches, restarts, SQLite, then the same aggregates."""

import asyncio
import itertools
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry

from services.clauses.adapters.metrics import Metrics
from services.clauses.adapters.migrations import migrate
from services.clauses.adapters.queries import SqlReader
from services.clauses.adapters.storage import SqlStore
from services.clauses.application.apply_batches import Pipeline, Record
from services.clauses.application.ports import Published
from services.clauses.domain import Aggregate, fold
from shared.aggregates import AggregateChanged, ClauseStatus, DistinctCount, HoursCell
from shared.db import make_engine
from shared.events import Event
from shared.topics import topic_for
from tests.clauses_streams import AS_OF, deliveries, histories

CLOCK = datetime(2023, 2, 10, tzinfo=UTC)  # last closed month: AS_OF


def records_of(stream: Sequence[Event]) -> list[Record]:
    """The stream as Kafka would deliver it: one partition per topic, offsets in order."""
    next_offset: dict[str, int] = {}
    records = []
    for event in stream:
        topic = topic_for(event).name
        offset = next_offset.get(topic, 0)
        next_offset[topic] = offset + 1
        value = event.model_dump_json().encode()
        records.append(Record(topic, 0, offset, 1_676_000_000_000, value))
    return records


def present(aggregate: Aggregate) -> bool:
    """What a consumer upserting by key sees as non-empty."""
    match aggregate:
        case HoursCell():
            return bool(aggregate.insertion_hours or aggregate.training_hours)
        case DistinctCount():
            return aggregate.count > 0
        case ClauseStatus():
            return True


async def run_through_store(
    url: str, records: list[Record], cuts: set[int], restarts: set[int]
) -> tuple[dict[str, Aggregate], dict[str, Aggregate]]:
    """Apply the records batch by batch, restarting where told; the stored and published views."""
    engine = make_engine(url)
    store = SqlStore(engine)
    migrate(engine)
    consumer: dict[str, Aggregate] = {}

    async def publish(rows: Sequence[Published]) -> None:
        for key, payload in rows:
            consumer[key] = AggregateChanged.model_validate_json(payload).aggregate

    def started() -> Pipeline:
        metrics = Metrics(CollectorRegistry())
        return Pipeline(store=store, publish=publish, clock=lambda: CLOCK, metrics=metrics)

    pipeline = started()
    await pipeline.recover()
    bounds = [0, *sorted(cut for cut in cuts if 0 < cut < len(records)), len(records)]
    for number, (start, end) in enumerate(itertools.pairwise(bounds)):
        await pipeline.handle(records[start:end])
        if number in restarts:
            pipeline = started()
            await pipeline.recover()
    stored = SqlReader(engine).snapshot()
    engine.dispose()
    return stored, consumer


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), events=histories())
def test_batches_commits_and_restarts_on_sqlite_keep_the_aggregates_of_the_pure_fold(
    data: st.DataObject, events: list[Event]
) -> None:
    stream = data.draw(deliveries(events), label="delivery")
    cuts = data.draw(st.sets(st.integers(0, len(stream))), label="batch cuts")
    restarts = data.draw(st.sets(st.integers(0, len(cuts) + 1)), label="restarts after batch")

    with tempfile.TemporaryDirectory() as folder:
        stored, published = asyncio.run(
            run_through_store(f"sqlite:///{folder}/clauses.db", records_of(stream), cuts, restarts)
        )

    expected = fold(events, as_of=AS_OF).snapshot()
    assert stored == expected
    assert {k: a for k, a in published.items() if k in expected} == expected
    vanished = [a for k, a in published.items() if k not in expected and present(a)]
    assert all(isinstance(a, ClauseStatus) and not a.hours_owed for a in vanished)
