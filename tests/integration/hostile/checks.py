"""What every hostile input must leave: a clear refusal, a serving service, nothing written."""

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import text

from harness.builders import RAW_BENEFICIARY
from tests.integration.ingest.conftest import Live

TRIED: Counter[str] = Counter()
# beneficiary identifiers drawn like Latin ones with a letter of another script: refused, and
# never echoed either
HOMOGLYPHS = {
    "Cyrillic A": "\u0410B12-7788",
    "Greek O": "ZOE-\u039f12",
    "Greek A and B": "\u0391\u039212",
    "Cyrillic e and o": "J\u0435an-D\u043e",
    "Armenian": "\u0531B12",
    "Cherokee": "\u13aaB12",
}
# beneficiary identifiers of invisible characters only: refused (every one would be the same
# person), and never echoed either
INVISIBLES = {
    "zero-width space": "\u200b",
    "Hangul filler": "\u3164",
    "a zero-width joiner between no-break spaces": "\u00a0\u200d\u00a0",
    "word joiner and BOM": "\u2060\ufeff",
}


@dataclass(frozen=True)
class Refusal:
    """What a refusal must say: its status, its code, and where (field, location or line)."""

    status: int
    code: str
    where: str | int | None = None


def tried(entry_point: str, count: int = 1) -> None:
    """Count inputs given to an entry point (printed in the terminal summary)."""
    TRIED[entry_point] += count


def stored_submissions(live: Live) -> int:
    """How many submissions ingest recorded."""
    with live.service.engine.connect() as connection:
        count: int = connection.execute(
            text("SELECT count(*) FROM ingest_submissions")
        ).scalar_one()
    return count


def places(body: dict[str, Any]) -> set[str | int]:
    """Every field, location and line a refusal names."""
    found: set[str | int] = set()
    for item in body.get("errors") or []:
        found |= {item[key] for key in ("field", "location", "line") if item.get(key) is not None}
    return found


def assert_clear_refusal(response: httpx.Response, expected: Refusal) -> dict[str, Any]:
    """Our own body, with a French message, naming where it went wrong, never echoing a
    beneficiary identifier."""
    assert response.status_code == expected.status, response.text[:2000]
    body: dict[str, Any] = response.json()
    assert body["code"] == expected.code, body
    assert body["message"].strip(), body
    if expected.where is not None:
        assert expected.where in places(body), body
    assert RAW_BENEFICIARY not in response.text
    for homoglyph in (*HOMOGLYPHS.values(), *INVISIBLES.values()):
        assert homoglyph not in response.text
        assert json.dumps(homoglyph)[1:-1] not in response.text  # nor its JSON escapes
    return body


async def assert_still_serving(live: Live) -> None:
    """Ingest answers its health check."""
    response = await live.client.get("/health")
    assert response.status_code == 200
