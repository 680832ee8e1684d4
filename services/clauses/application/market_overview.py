"""One market at a glance, for the facilitators' pages: commitment, clause, months, people.

The people are counted with small cells hidden (`services.clauses.domain.people_counts`).
"""

from decimal import Decimal

from pydantic import BaseModel

from services.clauses.application.ports import AggregateReader, MarketReader
from services.clauses.domain.people_counts import Beneficiaries, beneficiaries
from shared.aggregates import ClauseStatus
from shared.events import InsertionCommitment


class MonthHours(BaseModel):
    """Hours reported on the market for one month."""

    period: str
    insertion_hours: Decimal
    training_hours: Decimal


class MarketOverview(BaseModel):
    """What the market page shows."""

    market_id: str
    category: str
    notified: str
    duration_months: int
    commitment: InsertionCommitment | None
    clause: ClauseStatus | None
    months: list[MonthHours]
    beneficiaries: Beneficiaries


class MarketOverviews:
    """The overview of any market, from the aggregates and the ledger's markets."""

    def __init__(
        self, aggregates: AggregateReader, markets: MarketReader, *, threshold: int
    ) -> None:
        self.aggregates, self.markets, self.threshold = aggregates, markets, threshold

    def of(self, market_id: str) -> MarketOverview | None:
        """Commitment, clause status, hours by month, people by gender and contract type;
        None for a market never notified."""
        facts = self.markets.market(market_id)
        if facts is None:
            return None
        months = [
            MonthHours(
                period=str(row["group"]["period"]),
                insertion_hours=Decimal(row["insertion_hours"]),
                training_hours=Decimal(row["training_hours"]),
            )
            for row in self.aggregates.hours(["period"], market_id=market_id)
        ]
        return MarketOverview(
            market_id=market_id,
            category=facts.category,
            notified=facts.notified,
            duration_months=facts.duration_months,
            commitment=facts.commitment,
            clause=self.aggregates.clause(market_id),
            months=months,
            beneficiaries=beneficiaries(self.markets.people(market_id), threshold=self.threshold),
        )
