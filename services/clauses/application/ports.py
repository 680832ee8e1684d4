"""What the use cases need of the outside: storage, reads, publishing, metrics (Protocols).

The adapters implement them (`services.clauses.adapters`); tests may pass fakes.
"""

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from services.clauses.domain.facts import MarketFacts
from services.clauses.domain.people_counts import Person
from services.clauses.domain.published_aggregates import Published, RowValues
from services.clauses.domain.working_set import WorkingSet
from shared.aggregates import ClauseStatus, DistinctCount
from shared.events import Event

TopicPartition = tuple[str, int]
Publish = Callable[[Sequence[Published]], Awaitable[None]]
HOURS_DIMENSIONS = (
    "year",
    "period",
    "market_id",
    "category",
    "reserved_market",
    "gender",
    "contract_type",
    "eligible_public",
    "modality",
    "employer_siret",
)  # what hours can be grouped by

__all__ = [
    "HOURS_DIMENSIONS",
    "AggregateReader",
    "Batch",
    "LedgerMetrics",
    "LedgerStore",
    "MarketReader",
    "Pending",
    "Publish",
    "Published",
    "TopicPartition",
]


class Pending(NamedTuple):
    """An outbox row: a committed change and the sequence number of its batch."""

    key: str
    payload: str
    seq: int


@dataclass(frozen=True, slots=True)
class Batch:
    """Everything one batch changed, to commit at once."""

    seq: int
    working: WorkingSet | None = None
    rows: Mapping[str, tuple[Sequence[RowValues], Sequence[Any]]] = field(
        default_factory=dict
    )  # by aggregate kind: rows to upsert and primary keys of emptied aggregates
    outbox: Sequence[Published] = ()
    published_until: int = 0  # outbox rows of batches up to this one are published
    offsets: Mapping[TopicPartition, int] = field(default_factory=dict)


class LedgerStore(Protocol):
    """Where the ledger keeps its state."""

    def working_set(self, events: Sequence[Event], markets: Iterable[str] = ()) -> WorkingSet:
        """What folding these events (and refreshing these markets' statuses) can touch."""
        ...

    def market_ids(self) -> list[str]:
        """Every market known."""
        ...

    def statuses_behind(self, as_of: str) -> bool:
        """Whether a clause status is as of another month than this one."""
        ...

    def offsets(self) -> dict[TopicPartition, int]:
        """The next offset to consume of every partition read so far."""
        ...

    def status_counts(self) -> dict[str, int]:
        """How many markets have each clause status."""
        ...

    def outbox(self) -> list[Pending]:
        """Committed changes that may not have been published yet, oldest batch first."""
        ...

    def commit(self, batch: Batch) -> None:
        """Write the whole batch in one transaction, or nothing."""
        ...


class AggregateReader(Protocol):
    """What the HTTP API reads of the aggregates (the SQL reader, or a fake)."""

    def hours(
        self,
        group_by: list[str],
        *,
        period_from: str | None = None,
        period_to: str | None = None,
        market_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Insertion and training hours summed by dimensions (`HOURS_DIMENSIONS`)."""
        ...

    def counts(
        self, *, year: int | None, counted: str | None, breakdown: str | None
    ) -> list[DistinctCount]:
        """Distinct counts, filtered by year, thing counted and breakdown."""
        ...

    def clause(self, market_id: str) -> ClauseStatus | None:
        """One market's clause status, if it has a commitment."""
        ...


class MarketReader(Protocol):
    """What the market overview reads of the ledger."""

    def market(self, market_id: str) -> MarketFacts | None:
        """The latest version of the market, or None when it was never notified."""
        ...

    def people(self, market_id: str) -> list[Person]:
        """Each contract with hours on the market, with its person."""
        ...


class LedgerMetrics(Protocol):
    """What the ledger counts and times (the Prometheus metrics, or a fake)."""

    def event_applied(self, event_type: str, timestamp_ms: int) -> None:
        """Count an applied event and remember how recent it is."""
        ...

    def event_ignored(self, event_type: str, reason: str) -> None:
        """Count an ignored event and why."""
        ...

    def clause_statuses(self, by_status: Mapping[str, int]) -> None:
        """Gauge the markets by status."""
        ...

    def aggregates_published(self, count: int) -> None:
        """Count aggregate changes published."""
        ...

    def timing_commit(self) -> AbstractContextManager[object]:
        """Time one batch's commit (a context manager)."""
        ...

    def consumer_lag(self, topic: str, partition: int, messages: int) -> None:
        """Gauge the messages of a partition after the last one applied."""
        ...
