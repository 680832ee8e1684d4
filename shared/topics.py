"""Every Kafka topic of the system, named in one place."""

from dataclasses import dataclass

from shared.events import (
    Event,
    InvoiceRecorded,
    MarketNotified,
    MonthlyHoursReported,
    WorkContractSigned,
)


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic, how many partitions it has, whether it is compacted and how long a record is
    kept when it is not (-1: forever)."""

    name: str
    description: str
    partitions: int = 3
    compacted: bool = False
    retention_ms: int = -1


MARKETS = Topic("insertion.markets.v1", "Markets notified (MarketNotified), keyed by market id")
INVOICES = Topic("insertion.invoices.v1", "Amounts invoiced (InvoiceRecorded), keyed by market id")
WORK_CONTRACTS = Topic(
    "insertion.work-contracts.v1", "Work contracts signed (WorkContractSigned), keyed by market id"
)
MONTHLY_HOURS = Topic(
    "insertion.monthly-hours.v1", "Monthly hours reports (MonthlyHoursReported), keyed by market id"
)
RAW_SUBMISSIONS = Topic(
    "insertion.raw-submissions.v1", "Events posted straight to Kafka by contractors, unvalidated"
)
DEAD_LETTER = Topic(
    "insertion.dead-letter.v1",
    "Refused raw submissions: the reason and the redacted shape, never the values",
    retention_ms=30 * 24 * 3600 * 1000,  # an operator's month to look; ingest may set another
)
CLAUSE_AGGREGATES = Topic(
    "insertion.clause-aggregates.v1", "Aggregate changes, keyed by aggregate key", compacted=True
)
INDICATOR_SNAPSHOTS = Topic(
    "insertion.indicator-snapshots.v1", "Indicator snapshots, keyed by indicator", compacted=True
)

ALL_TOPICS: tuple[Topic, ...] = (
    MARKETS,
    INVOICES,
    WORK_CONTRACTS,
    MONTHLY_HOURS,
    RAW_SUBMISSIONS,
    DEAD_LETTER,
    CLAUSE_AGGREGATES,
    INDICATOR_SNAPSHOTS,
)

TOPIC_OF_EVENT: dict[type[Event], Topic] = {
    MarketNotified: MARKETS,
    InvoiceRecorded: INVOICES,
    WorkContractSigned: WORK_CONTRACTS,
    MonthlyHoursReported: MONTHLY_HOURS,
}


def topic_for(event: Event) -> Topic:
    """The topic an event of this type is published on."""
    return TOPIC_OF_EVENT[type(event)]
