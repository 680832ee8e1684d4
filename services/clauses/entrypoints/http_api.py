"""The HTTP read API: hours by any breakdown and period, distinct counts, a market's clause
and its overview (the facilitators' page)."""

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from pydantic import BaseModel

from services.clauses.application.market_overview import MarketOverview, MarketOverviews
from services.clauses.application.ports import HOURS_DIMENSIONS, AggregateReader
from shared.aggregates import ClauseStatus, CountedThing, DistinctCount

# [0-9], not \d: the pattern is matched by a Unicode-aware engine (full-width digits pass \d)
PeriodQuery = Annotated[
    str | None, Query(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="A month, YYYY-MM")
]
MarketQuery = Annotated[
    str | None,
    Query(max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$", description="A market id"),
]
BreakdownQuery = Annotated[
    str | None, Query(max_length=200, pattern=r"^[^\x00]*$", description="A breakdown")
]


class HoursRow(BaseModel):
    """Hours of one group (its values of the group-by dimensions)."""

    group: dict[str, str | bool]
    insertion_hours: Decimal
    training_hours: Decimal


class HoursAnswer(BaseModel):
    """Hours grouped as asked."""

    group_by: list[str]
    period_from: str | None
    period_to: str | None
    rows: list[HoursRow]


def _group_by(raw: str) -> list[str]:
    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = [name for name in names if name not in HOURS_DIMENSIONS]
    if unknown:
        raise HTTPException(
            422,
            f"group_by : dimension(s) inconnue(s) {', '.join(unknown)} ; "
            f"attendu parmi {', '.join(HOURS_DIMENSIONS)}",
        )
    return list(dict.fromkeys(names))


def api_router(reader: AggregateReader, registry: CollectorRegistry) -> APIRouter:
    """The routes, over a reader and the service's metrics registry."""
    router = APIRouter()

    @router.get("/v1/aggregates/hours")
    def hours(
        group_by: Annotated[str, Query(description="Comma-separated dimensions")] = "",
        period_from: Annotated[PeriodQuery, Query(alias="from")] = None,
        period_to: Annotated[PeriodQuery, Query(alias="to")] = None,
        market_id: MarketQuery = None,
    ) -> HoursAnswer:
        """Insertion and training hours summed by dimensions, over months from..to included."""
        names = _group_by(group_by)
        if period_from and period_to and period_from > period_to:
            raise HTTPException(422, f"from ({period_from}) est après to ({period_to})")
        rows = reader.hours(
            names, period_from=period_from, period_to=period_to, market_id=market_id
        )
        return HoursAnswer(
            group_by=names,
            period_from=period_from,
            period_to=period_to,
            rows=[HoursRow.model_validate(row) for row in rows],
        )

    @router.get("/v1/aggregates/counts")
    def counts(
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        counted: CountedThing | None = None,
        breakdown: BreakdownQuery = None,
    ) -> list[DistinctCount]:
        """Distinct beneficiaries, contracts, markets with hours, employers, by breakdown."""
        return reader.counts(
            year=year, counted=counted.value if counted else None, breakdown=breakdown
        )

    @router.get("/v1/markets/{market_id}/clause")
    def clause(market_id: str) -> ClauseStatus:
        """Hours owed to date against hours realised, and the status, of one market."""
        status = reader.clause(market_id)
        if status is None:
            raise HTTPException(
                404,
                f"marché {market_id} : inconnu, ou sans engagement d'heures d'insertion",
            )
        return status

    @router.get("/metrics")
    def metrics() -> Response:
        """Prometheus exposition of the service's registry."""
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @router.get("/health")
    def health() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    return router


def overview_router(overviews: MarketOverviews) -> APIRouter:
    """The market overview route, over the use case that assembles it."""
    router = APIRouter()

    @router.get("/v1/markets/{market_id}/overview")
    def overview(market_id: str) -> MarketOverview:
        """Commitment, clause status, hours by month, people by gender and contract type.

        People counts go through small-cell suppression (a hidden cell has no figure)."""
        found = overviews.of(market_id)
        if found is None:
            raise HTTPException(404, f"marché {market_id} : inconnu du suivi des clauses")
        return found

    return router
