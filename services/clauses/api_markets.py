"""GET /v1/markets/{market_id}/overview: one market at a glance (the facilitators' page)."""

from decimal import Decimal

from fastapi import APIRouter, HTTPException

from services.clauses.api import Reader
from services.clauses.market_queries import MarketQueries
from services.clauses.overview import MarketOverview, MonthHours, beneficiaries


def overview_router(reader: Reader, markets: MarketQueries, *, threshold: int) -> APIRouter:
    """The market overview route, over the aggregates reader and the market queries."""
    router = APIRouter()

    @router.get("/v1/markets/{market_id}/overview")
    def overview(market_id: str) -> MarketOverview:
        """Commitment, clause status, hours by month, people by gender and contract type.

        People counts go through small-cell suppression (a hidden cell has no figure)."""
        facts = markets.market(market_id)
        if facts is None:
            raise HTTPException(404, f"marché {market_id} : inconnu du suivi des clauses")
        months = [
            MonthHours(
                period=str(row["group"]["period"]),
                insertion_hours=Decimal(row["insertion_hours"]),
                training_hours=Decimal(row["training_hours"]),
            )
            for row in reader.hours(["period"], market_id=market_id)
        ]
        return MarketOverview(
            market_id=facts.market_id,
            category=facts.category,
            notified=facts.notified,
            duration_months=facts.duration_months,
            commitment=facts.commitment,
            clause=reader.clause(market_id),
            months=months,
            beneficiaries=beneficiaries(markets.people(market_id), threshold=threshold),
        )

    return router
