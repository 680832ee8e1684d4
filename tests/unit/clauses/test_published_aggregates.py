"""The bulk encoding of a batch's changes writes what the aggregate models would."""

from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.clauses.adapters.storage import AGGREGATE_TABLES, table_of
from services.clauses.domain import Change, Projector
from services.clauses.domain.published_aggregates import (
    MAX_CELL_HUNDREDTHS,
    Drained,
    encode,
    hours_cell,
    row_of,
)
from shared.aggregates import AggregateChanged, aggregate_key
from shared.codes import ContractType, EligiblePublic, Gender, MarketCategory, Modality
from shared.events import Event
from tests.clauses_streams import AS_OF, histories
from tests.strategies import identifiers, periods, sirets

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
cell_keys = st.tuples(
    periods,
    identifiers,
    st.sampled_from([c.value for c in MarketCategory]),
    st.booleans(),
    st.sampled_from([c.value for c in Gender]),
    st.sampled_from([c.value for c in ContractType]),
    st.sampled_from([c.value for c in EligiblePublic]),
    st.sampled_from([c.value for c in Modality]),
    sirets,
)
cell_values = st.tuples(
    st.integers(0, MAX_CELL_HUNDREDTHS), st.integers(0, MAX_CELL_HUNDREDTHS)
) | st.just((0, 0))


def by_models(
    changes: list[Change], applied_at: datetime
) -> tuple[list[tuple[str, AggregateChanged]], dict[str, tuple[list[Any], list[Any]]]]:
    """The messages and rows the aggregate models give."""
    messages = [
        (
            aggregate_key(c.aggregate),
            AggregateChanged(
                key=aggregate_key(c.aggregate), aggregate=c.aggregate, applied_at=applied_at
            ),
        )
        for c in changes
    ]
    rows: dict[str, tuple[list[Any], list[Any]]] = {}
    for change in changes:
        kind, values = change.aggregate.kind, row_of(change.aggregate)
        present, absent = rows.setdefault(kind, ([], []))
        if change.present:
            present.append(values)
        else:
            (column,) = table_of(AGGREGATE_TABLES[kind]).primary_key.columns
            absent.append(values[column.name])
    return messages, rows


def encoded_as_models(
    drained: Drained, applied_at: datetime
) -> tuple[list[tuple[str, AggregateChanged]], dict[str, tuple[list[Any], list[Any]]]]:
    encoded = encode(drained, applied_at)
    messages = [(k, AggregateChanged.model_validate_json(p)) for k, p in encoded.messages]
    rows = {kind: lists for kind, lists in encoded.rows.items() if lists != ([], [])}
    return messages, rows


@PROPERTY
@given(events=histories(), applied_at=instants)
def test_the_changes_of_any_history_encode_as_their_aggregate_models(
    events: list[Event], applied_at: datetime
) -> None:
    models, values = Projector(), Projector()
    for event in events:
        models.apply(event)
        values.apply(event)

    expected = by_models(models.drain(AS_OF), applied_at)
    found = encoded_as_models(values.drain_values(AS_OF), applied_at)

    assert found == expected


@PROPERTY
@given(cells=st.dictionaries(cell_keys, cell_values, max_size=5), applied_at=instants)
def test_any_identifiers_and_hours_of_a_cell_encode_as_its_model(
    cells: dict[Any, tuple[int, int]], applied_at: datetime
) -> None:
    drained = Drained(cells, {}, [])
    changes = [Change(hours_cell(k, v), present=v != (0, 0)) for k, v in cells.items()]

    found = encoded_as_models(drained, applied_at)

    assert found == by_models(changes, applied_at)
