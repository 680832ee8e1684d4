"""Ingest's HTTP entry points as the loader uses them: JSON lists, CSV files, DECP documents."""

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx

from reference_dataset.loader.answers import Outcome, refused
from reference_dataset.records import Kind, Payload

ROUTES = {
    Kind.MARKET: "/v1/markets",
    Kind.INVOICE: "/v1/invoices",
    Kind.WORK_CONTRACT: "/v1/work-contracts",
    Kind.MONTHLY_HOURS: "/v1/monthly-hours",
}
RETRIES = 5  # 503: the broker did not acknowledge, nothing was accepted: send again


def _refusal(response: httpx.Response) -> Outcome:
    try:
        body: Any = response.json()
    except ValueError:
        return refused(f"HTTP {response.status_code}: {response.text[:200]}", [])
    if not isinstance(body, dict):
        return refused(f"HTTP {response.status_code}: {body}", [])
    items = [item for item in body.get("errors") or [] if isinstance(item, dict)]
    detail = "; ".join(f"{item.get('code')} ({item.get('field')})" for item in items[:5])
    said = f"HTTP {response.status_code} {body.get('code')}: {body.get('message')} {detail}"
    return refused(said.strip(), items)


class IngestHttp:
    """Posts to ingest with a bearer token; a 503 is retried, any other answer is an outcome."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def _post(self, path: str, **body: Any) -> httpx.Response:
        for attempt in range(RETRIES):
            response = await self._client.post(path, **body)
            if response.status_code != 503 or attempt == RETRIES - 1:
                return response
            await asyncio.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")

    async def submit(self, kind: Kind, payloads: Sequence[Payload]) -> Outcome:
        """One submission, or a list (all or nothing)."""
        body: Any = payloads[0] if len(payloads) == 1 else list(payloads)
        response = await self._post(ROUTES[kind], json=body)
        return Outcome(accepted=True) if response.status_code == 202 else _refusal(response)

    async def upload_csv(self, document: bytes, name: str) -> Outcome:
        """A CSV file of monthly hours, as a form upload (all or nothing)."""
        files = {"file": (name, document, "text/csv")}
        response = await self._post("/v1/monthly-hours/csv", files=files)
        return Outcome(accepted=True) if response.status_code == 202 else _refusal(response)

    async def upload_decp(self, document: bytes, market_ids: Sequence[str]) -> list[Outcome]:
        """A DECP document: each market is imported, or refused with its record's defects."""
        response = await self._post(
            "/v1/decp", content=document, headers={"content-type": "application/json"}
        )
        if response.status_code != 202:
            outcome = _refusal(response)
            return [outcome for _ in market_ids]
        defects: dict[str, list[dict[str, Any]]] = {}
        for defect in response.json().get("defects") or []:
            defects.setdefault(str(defect.get("record_id")), []).append(defect)
        return [
            refused(f"DECP defect: {defects[market_id]}", defects[market_id])
            if market_id in defects
            else Outcome(accepted=True)
            for market_id in market_ids
        ]
