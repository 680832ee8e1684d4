"""A small client of the clauses service's HTTP API: what the market page shows.

Ingest holds no clause figures: the page reads `GET /v1/markets/{id}/overview` of the
clauses service (hours owed, realised, status, months, people with small cells hidden).
"""

from urllib.parse import quote

import httpx

from services.ingest.application.ports import ClausesUnavailableError, Overview


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
