"""The independent oracle: the pure domain folds over the events the topics actually hold.

The clauses fold (services.clauses.domain.fold) over every event of the four event topics
gives the aggregates; the indicators' pure state and computation over those aggregates and
the markets give every indicator of every year. Neither runs through a service's store,
consumer or cache.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from services.clauses.domain import fold, last_closed_month
from services.indicators.adapters.kafka import replay
from services.indicators.adapters.targets_file import load_targets
from services.indicators.application.ports import Record
from services.indicators.domain.compute import compute_years, volatile_indicators
from services.indicators.domain.state import IndicatorState
from services.indicators.settings import IndicatorsSettings
from shared.aggregates import Aggregate, DistinctCount, HoursCell
from shared.events import (
    Event,
    InvoiceRecorded,
    MarketNotified,
    MonthlyHoursReported,
    WorkContractSigned,
    decode_event,
)
from shared.indicators import indicator_key
from shared.topics import INVOICES, MARKETS, MONTHLY_HOURS, WORK_CONTRACTS

EVENT_TOPICS = (MARKETS.name, INVOICES.name, WORK_CONTRACTS.name, MONTHLY_HOURS.name)


async def events_on_topics(kafka: str) -> list[Event]:
    """Every event the four event topics hold now."""
    records: list[Record] = []

    def collect(batch: list[Record]) -> int:
        records.extend(batch)
        return 0

    await replay(kafka, dict.fromkeys(EVENT_TOPICS, collect))
    return [decode_event(record.value) for record in records if record.value is not None]


def aggregates_of(events: Sequence[Event]) -> dict[str, Aggregate]:
    """The clauses fold: every aggregate by key, clause statuses as of the last closed month."""
    return fold(events, as_of=last_closed_month(date.today())).snapshot()


def present(aggregates: Mapping[str, Aggregate]) -> dict[str, Aggregate]:
    """The aggregates that are not empty: clauses publishes an emptied aggregate as zeros
    (services.clauses.domain.published_aggregates.Change), which a consumer holds as absent."""
    return {key: a for key, a in aggregates.items() if not empty(a)}


def empty(aggregate: Aggregate) -> bool:
    """A count of zero, or a cell of zero hours of both kinds."""
    if isinstance(aggregate, DistinctCount):
        return aggregate.count == 0
    if isinstance(aggregate, HoursCell):
        return aggregate.insertion_hours == aggregate.training_hours == 0
    return False


def indicator_cells(
    aggregates: Mapping[str, Aggregate], events: Sequence[Event]
) -> dict[str, dict[str, Any]]:
    """Every published indicator cell (clock-dependent ones left out), as the API's JSON."""
    settings = IndicatorsSettings()
    targets = load_targets(settings.targets_file)
    state = IndicatorState()
    for key, aggregate in aggregates.items():
        state.apply_aggregate(key, aggregate)
    for event in events:
        if isinstance(event, MarketNotified):
            state.apply_market(event)
    facts = {year: state.facts(year) for year in state.years()}
    computed = compute_years(facts, targets=targets, threshold=settings.suppression_threshold)
    clocked = {v.id for v in volatile_indicators(None, now=datetime.now(UTC), targets=targets)}
    return {
        value.key: value.model_dump(mode="json")
        for values in computed.values()
        for value in values
        if value.id not in clocked
    }


def served_cells(pages: Sequence[Mapping[str, Any]], clocked: set[str]) -> dict[str, Any]:
    """The cells of the API's pages, by the same key."""
    return {
        indicator_key(item["id"], item["year"], item["breakdown"]): item
        for page in pages
        for item in page["indicators"]
        if item["id"] not in clocked
    }


@dataclass(frozen=True)
class Door:
    """What the topics hold: the latest version of each identity, and every event id."""

    markets: set[str]
    contracts: set[str]
    invoices: dict[tuple[str, str], Decimal]
    hours: dict[tuple[str, str], Decimal]
    event_ids: set[str]


def at_the_door(events: Sequence[Event]) -> Door:
    """The latest content of every identity on the topics."""
    latest: dict[tuple[str, ...], tuple[int, Event]] = {}
    for event in events:
        identity = identity_of(event)
        if identity not in latest or latest[identity][0] < event.version:
            latest[identity] = (event.version, event)
    hours: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    invoices: dict[tuple[str, str], Decimal] = {}
    markets, contracts = set(), set()
    for _, event in latest.values():
        if isinstance(event, MarketNotified):
            markets.add(event.market_id)
        elif isinstance(event, WorkContractSigned):
            contracts.add(event.contract_id)
        elif isinstance(event, InvoiceRecorded):
            invoices[(event.market_id, event.period)] = event.amount_ht
        elif isinstance(event, MonthlyHoursReported):
            key = (event.market_id, event.period)
            hours[key] += sum((line.insertion_hours for line in event.lines), Decimal(0))
    return Door(markets, contracts, invoices, dict(hours), {e.event_id for e in events})


def identity_of(event: Event) -> tuple[str, ...]:
    """The identity a version counts within (README: the event contract)."""
    if isinstance(event, MarketNotified):
        return ("market", event.market_id)
    if isinstance(event, WorkContractSigned):
        return ("contract", event.contract_id)
    if isinstance(event, InvoiceRecorded):
        return ("invoice", event.market_id, event.holder_siret, event.period)
    assert isinstance(event, MonthlyHoursReported)
    return ("hours", event.market_id, event.employer_siret, event.period)


def differences(expected: Mapping[str, Any], actual: Mapping[str, Any], limit: int = 20) -> str:
    """The keys that differ, missing or extra, for the failure message."""
    keys = sorted(k for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k))
    lines = [f"  {k}: expected {expected.get(k)!r}, got {actual.get(k)!r}" for k in keys[:limit]]
    more = f"\n  ... and {len(keys) - limit} more" if len(keys) > limit else ""
    return f"{len(keys)} keys differ:\n" + "\n".join(lines) + more
