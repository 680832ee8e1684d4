"""HTTP: the indicators of a year, the years known, health and the Prometheus metrics."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from pydantic import BaseModel

from services.indicators.application.live_indicators import LiveIndicators
from services.indicators.domain.assessment.render import CSS
from shared.http_security import html_csp
from shared.indicators import Axis, IndicatorValue


class IndicatorsPage(BaseModel):
    """The indicators of one year, and how current they are."""

    year: int
    targets_version: int
    suppression_threshold: int
    data_applied_at: datetime | None
    caught_up: bool
    indicators: list[IndicatorValue]


class Health(BaseModel):
    """Whether the service has applied every record present at start."""

    status: str
    caught_up: bool
    revision: int
    years: list[int]
    latest_rejected: list[str]


def _no_data(year: int | None, by_year: Mapping[int, object]) -> HTTPException:
    return HTTPException(404, f"no data for year {year}; years with data: {sorted(by_year)}")


# the assessment page is self-contained: its one inline stylesheet, nothing else
ASSESSMENT_CSP = html_csp(styles=[CSS])


def make_api(live: LiveIndicators, registry: CollectorRegistry) -> APIRouter:
    """The HTTP routes over the live view."""
    router = APIRouter()

    not_found: dict[int | str, dict[str, Any]] = {404: {"description": "No data for the year"}}

    @router.get("/v1/indicators", response_model=IndicatorsPage, responses=not_found)
    def indicators(
        year: int | None = Query(default=None, ge=2000, le=2100, description="Default: latest"),
        axis: Axis | None = None,
    ) -> IndicatorsPage:
        """Each indicator of the year: id, French label, value, unit, terms, target, status."""
        view = live.view  # one snapshot for the whole answer
        by_year = live.by_year(view)
        chosen = year if year is not None else max(by_year, default=None)
        if chosen is None or chosen not in by_year:
            raise _no_data(chosen, by_year)
        values = [*by_year[chosen], *live.volatile(view)]
        return IndicatorsPage(
            year=chosen,
            targets_version=live.targets.version,
            suppression_threshold=live.threshold,
            data_applied_at=view.latest_applied_at,
            caught_up=live.caught_up,
            indicators=[v for v in values if axis is None or v.axis == axis],
        )

    @router.get("/v1/indicators/years")
    def years() -> list[int]:
        """Every year some figure is known for."""
        return sorted(live.by_year())

    @router.get(
        "/v1/assessment/{year}",
        response_class=Response,
        responses={
            **not_found,
            200: {"content": {"text/html": {}, "text/markdown": {}}, "description": "The section"},
        },
    )
    def assessment(year: int, format: Literal["html", "markdown"] = "html") -> Response:
        """The social-axis section of the assessment of a year (HTML page or Markdown)."""
        view = live.view
        by_year = live.by_year(view)
        if year not in by_year:
            raise _no_data(year, by_year)
        text_md, text_html = live.assessment(year, view)
        if format == "markdown":
            return Response(text_md, media_type="text/markdown; charset=utf-8")
        return Response(
            text_html,
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": ASSESSMENT_CSP},
        )

    @router.get("/health", response_model=Health)
    def health() -> Health:
        """Liveness, and whether the state has caught up with the log."""
        view = live.view
        return Health(
            status="ok",
            caught_up=live.caught_up,
            revision=view.revision,
            years=live.years(view),
            latest_rejected=list(live.latest_rejected),
        )

    @router.get(
        "/metrics",
        response_class=Response,
        responses={200: {"content": {"text/plain": {}}, "description": "Prometheus exposition"}},
    )
    def metrics() -> Response:
        """Prometheus exposition of the explicit registry."""
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
