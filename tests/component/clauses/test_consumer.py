"""The service in memory: TestKafkaBroker in front, SQLite behind."""

from collections.abc import Mapping, Sequence
from decimal import Decimal

import pytest
from faststream.kafka import TestKafkaBroker

from harness.builders import a_contract, a_market, an_hours_report, an_invoice
from services.clauses.adapters import storage
from services.clauses.adapters.queries import SqlReader
from services.clauses.application.apply_batches import Record
from services.clauses.bootstrap import Clauses, build, prepare
from services.clauses.settings import ClausesSettings
from shared.aggregates import AggregateChanged, ClauseStatusCode, HoursCell
from shared.events import Event
from shared.topics import CLAUSE_AGGREGATES, MARKETS, MONTHLY_HOURS, topic_for
from tests.component.clauses.conftest import NOW


async def deliver(
    clauses: Clauses, events: Sequence[Event], *, start: bool = True
) -> list[AggregateChanged]:
    """Publish the events on their topics through the test broker; return what came out.

    `start` does what the service does before consuming: rebuild the state from the
    database and publish what its outbox still holds.
    """
    published: list[AggregateChanged] = []

    @clauses.broker.subscriber(CLAUSE_AGGREGATES.name)
    async def collect(message: AggregateChanged) -> None:
        published.append(message)

    async with TestKafkaBroker(clauses.broker) as broker:
        if start:
            await prepare(clauses)
        for event in events:
            await broker.publish(event, topic=topic_for(event).name, key=event.key.encode())
    return published


def sample(clauses: Clauses, name: str, labels: dict[str, str]) -> float:
    value = clauses.registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


async def test_events_on_the_four_topics_become_stored_and_published_aggregates(
    clauses: Clauses,
) -> None:
    events: list[Event] = [a_market(), a_contract(), an_invoice(), an_hours_report()]

    published = await deliver(clauses, events)

    stored = SqlReader(clauses.engine).snapshot()
    latest = {message.key: message.aggregate for message in published}
    assert latest == stored
    cell = next(a for a in stored.values() if isinstance(a, HoursCell))
    assert (cell.insertion_hours, cell.training_hours) == (Decimal("151.67"), Decimal("7.00"))
    assert SqlReader(clauses.engine).clause("2023-0042") is not None


async def test_each_batch_commits_the_next_offset_of_the_partitions_it_read(
    clauses: Clauses,
) -> None:
    await deliver(clauses, [a_market(), an_hours_report()])

    offsets = clauses.store.offsets()

    assert offsets == {("insertion.markets.v1", 0): 1, ("insertion.monthly-hours.v1", 0): 1}


async def test_a_redelivered_or_older_version_changes_nothing_and_is_counted_as_ignored(
    clauses: Clauses,
) -> None:
    events: list[Event] = [a_market(), a_contract(), an_hours_report(version=2)]
    await deliver(clauses, events)
    before = SqlReader(clauses.engine).snapshot()

    again = await deliver(
        clauses, [an_hours_report(version=2), an_hours_report(version=1)], start=False
    )

    assert SqlReader(clauses.engine).snapshot() == before
    assert again == []
    ignored = "clauses_events_ignored_total"
    labels = {"event_type": "MonthlyHoursReported"}
    assert sample(clauses, ignored, {**labels, "reason": "duplicate"}) == 1
    assert sample(clauses, ignored, {**labels, "reason": "stale_version"}) == 1


async def test_an_invalid_message_is_skipped_counted_and_consumed(clauses: Clauses) -> None:
    async with TestKafkaBroker(clauses.broker) as broker:
        await prepare(clauses)
        await broker.publish(b'{"event_type": "MonthlyHoursReported"}', topic=MARKETS.name)

    labels = {"event_type": "unknown", "reason": "invalid"}
    assert sample(clauses, "clauses_events_ignored_total", labels) == 1
    assert clauses.store.offsets() == {("insertion.markets.v1", 0): 1}


async def test_a_commit_that_fails_writes_nothing_and_the_consumer_is_rewound_to_its_offsets(
    clauses: Clauses, monkeypatch: pytest.MonkeyPatch
) -> None:
    await deliver(clauses, [a_market(), a_contract()])
    before = (SqlReader(clauses.engine).snapshot(), clauses.store.offsets())
    rewound_to: list[dict[tuple[str, int], int]] = []

    async def rewind(offsets: Mapping[tuple[str, int], int]) -> None:
        rewound_to.append(dict(offsets))

    def broken(*_: object) -> None:
        raise RuntimeError("disk full")

    clauses.pipeline.rewind = rewind
    report = an_hours_report()
    record = Record(MONTHLY_HOURS.name, 0, 0, 0, report.model_dump_json().encode())
    async with TestKafkaBroker(clauses.broker):
        with monkeypatch.context() as patch:
            patch.setattr(storage, "delete_where", broken)  # fails inside the transaction
            with pytest.raises(RuntimeError, match="disk full"):
                await clauses.pipeline.handle([record])
        after_failure = (SqlReader(clauses.engine).snapshot(), clauses.store.offsets())
        await clauses.pipeline.handle([record])  # the next batch: rewind instead
        await clauses.pipeline.handle([record])  # the record again, from the committed offset

    assert after_failure == before
    assert rewound_to == [before[1]]
    cells = [a for a in SqlReader(clauses.engine).snapshot().values() if isinstance(a, HoursCell)]
    assert [cell.insertion_hours for cell in cells] == [Decimal("151.67")]


async def test_the_changes_of_a_crash_between_commit_and_publish_are_published_on_restart(
    clauses: Clauses, database_url: str
) -> None:
    lost: list[tuple[str, str]] = []

    async def broker_down(rows: Sequence[tuple[str, str]]) -> None:
        lost.extend(rows)
        raise ConnectionError("broker unreachable")

    await deliver(clauses, [])
    clauses.pipeline.outbox.publish = broker_down
    with pytest.raises(ConnectionError):
        await deliver(clauses, [a_market(), a_contract(), an_hours_report()], start=False)
    restarted = build(ClausesSettings(database_url=database_url), clock=lambda: NOW)

    published = await deliver(restarted, [])

    assert lost
    assert {message.key for message in published} == {key for key, _ in lost}
    assert {m.key: m.aggregate for m in published} == SqlReader(clauses.engine).snapshot()


async def test_a_new_closed_month_moves_the_clause_statuses_on_without_any_event(
    clauses: Clauses,
) -> None:
    await deliver(clauses, [a_market(), a_contract(), an_invoice(), an_hours_report()])
    before = SqlReader(clauses.engine).clause("2023-0042")

    clauses.pipeline.clock = lambda: NOW.replace(month=8)
    async with TestKafkaBroker(clauses.broker):
        await clauses.pipeline.tick()

    status = SqlReader(clauses.engine).clause("2023-0042")
    assert before is not None
    assert status is not None
    assert (before.as_of_period, before.status) == ("2023-06", ClauseStatusCode.ON_TRACK)
    assert (status.as_of_period, status.status) == ("2023-07", ClauseStatusCode.NO_REPORT)
