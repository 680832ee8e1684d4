"""A small client of the clauses service's HTTP API: what the market page shows.

Ingest holds no clause figures: the page reads `GET /v1/markets/{id}/overview` of the
clauses service (hours owed, realised, status, months, people with small cells hidden).
"""

from decimal import Decimal
from typing import Protocol
from urllib.parse import quote

import httpx
from pydantic import BaseModel


class ClausesUnavailableError(Exception):
    """The clauses service did not answer (or answered an error)."""


class Commitment(BaseModel):
    hours_per_10k_eur_ht: Decimal | None = None
    min_hours_per_year: Decimal | None = None
    fixed_total_hours: Decimal | None = None


class Clause(BaseModel):
    as_of_period: str
    hours_owed: Decimal
    hours_realised: Decimal
    status: str


class Month(BaseModel):
    period: str
    insertion_hours: Decimal
    training_hours: Decimal


class Count(BaseModel):
    value: str
    count: int | None
    suppressed: bool


class People(BaseModel):
    threshold: int
    total: Count
    by_gender: list[Count]
    by_contract_type: list[Count]


class Overview(BaseModel):
    """The clauses service's view of one market."""

    market_id: str
    category: str
    notified: str
    duration_months: int
    commitment: Commitment | None
    clause: Clause | None
    months: list[Month]
    beneficiaries: People


class MarketSource(Protocol):
    """Where the market page gets its figures (the HTTP client, or a fake in tests)."""

    async def overview(self, market_id: str) -> Overview | None: ...


class ClausesClient:
    """`GET {base}/v1/markets/{id}/overview` over httpx, with a short timeout."""

    def __init__(self, base_url: str, *, timeout_s: float = 5.0) -> None:
        self._base = base_url.rstrip("/")
        self._timeout = timeout_s

    async def overview(self, market_id: str) -> Overview | None:
        """The overview, None when clauses does not know the market."""
        url = f"{self._base}/v1/markets/{quote(market_id, safe='')}/overview"
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                answer = await client.get(url)
        except httpx.HTTPError as error:
            raise ClausesUnavailableError(type(error).__name__) from error
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise ClausesUnavailableError(f"HTTP {answer.status_code}")
        return Overview.model_validate_json(answer.content)
