"""The ledger's law: the aggregates depend only on the set of latest versions."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.clauses.domain import Projector, fold
from shared.aggregates import aggregate_key
from shared.events import Event
from tests.clauses_streams import AS_OF, deliveries, histories
from tests.unit.clauses.reference import reference_aggregates

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(data=st.data(), events=histories())
def test_any_order_and_any_duplication_give_the_aggregates_of_the_latest_versions(
    data: st.DataObject, events: list[Event]
) -> None:
    first = data.draw(deliveries(events), label="first delivery")
    second = data.draw(deliveries(events), label="second delivery")

    from_first = fold(first, as_of=AS_OF).snapshot()
    from_second = fold(second, as_of=AS_OF).snapshot()

    assert from_first == from_second
    assert from_first == reference_aggregates(events, as_of=AS_OF)


@PROPERTY
@given(data=st.data(), events=histories())
def test_a_consumer_upserting_every_published_change_ends_with_the_aggregates(
    data: st.DataObject, events: list[Event]
) -> None:
    stream = data.draw(deliveries(events), label="delivery")
    drain_after = data.draw(st.sets(st.integers(0, max(len(stream) - 1, 0))), label="drains")
    projector = Projector()
    consumer: dict[str, object] = {}

    for position, event in enumerate(stream):
        projector.apply(event)
        if position in drain_after or position == len(stream) - 1:
            for change in projector.drain(AS_OF):
                key = aggregate_key(change.aggregate)
                if change.present:
                    consumer[key] = change.aggregate
                else:
                    consumer.pop(key, None)

    assert consumer == projector.snapshot()
    assert consumer == reference_aggregates(events, as_of=AS_OF)
