"""Hostile query parameters on the clauses and indicators read APIs (their real apps, on
the real broker and PostgreSQL): a 4xx naming the parameter, never a server error."""

from dataclasses import dataclass

import httpx
import pytest

from tests.integration.hostile.checks import tried

NUL, RTL = "\x00", "\u202e"
# the services' own 422s, and malformed requests (shared/http_errors.py)
FRENCH = ("Requête refusée", "group_by : dimension", "from (")
SQL = "2023' OR '1'='1"
HUGE = "9" * 30_000


@dataclass(frozen=True)
class Case:
    """A GET with hostile parameters, the status expected and the parameter it must name."""

    name: str
    path: str
    params: dict[str, str]
    status: int
    names: str | None = None


CLAUSES = [
    Case("unknown group_by", "/v1/aggregates/hours", {"group_by": "salary"}, 422, "group_by"),
    Case("SQL in group_by", "/v1/aggregates/hours", {"group_by": f"gender,{SQL}"}, 422, "group_by"),
    Case("huge group_by", "/v1/aggregates/hours", {"group_by": "x" * 30_000}, 422, "group_by"),
    Case(
        "group_by repeated 4 000 times",
        "/v1/aggregates/hours",
        {"group_by": ",".join(["gender"] * 4_000)},
        200,
    ),
    Case("month 13", "/v1/aggregates/hours", {"from": "2023-13"}, 422, "from"),
    Case("period with SQL", "/v1/aggregates/hours", {"to": SQL}, 422, "to"),
    Case(
        "full-width period",
        "/v1/aggregates/hours",
        {"from": "\uff12\uff10\uff12\uff13-01"},
        422,
        "from",
    ),
    Case(
        "from after to", "/v1/aggregates/hours", {"from": "2023-06", "to": "2023-01"}, 422, "from"
    ),
    Case("SQL in market_id", "/v1/aggregates/hours", {"market_id": SQL}, 422, "market_id"),
    Case("NUL in market_id", "/v1/aggregates/hours", {"market_id": f"M{NUL}1"}, 422, "market_id"),
    Case(
        "RTL override in market_id",
        "/v1/aggregates/hours",
        {"market_id": f"M{RTL}1"},
        422,
        "market_id",
    ),
    Case("huge market_id", "/v1/aggregates/hours", {"market_id": HUGE}, 422, "market_id"),
    Case("year as text", "/v1/aggregates/counts", {"year": "deux-mille"}, 422, "year"),
    Case("year 10^100000", "/v1/aggregates/counts", {"year": HUGE}, 422, "year"),
    Case("year 1999", "/v1/aggregates/counts", {"year": "1999"}, 422, "year"),
    Case(
        "Arabic-Indic year",
        "/v1/aggregates/counts",
        {"year": "\u0662\u0660\u0662\u0663"},
        422,
        "year",
    ),
    Case("unknown counted", "/v1/aggregates/counts", {"counted": "salaries"}, 422, "counted"),
    Case("SQL in breakdown", "/v1/aggregates/counts", {"breakdown": SQL}, 200),
    Case("NUL in breakdown", "/v1/aggregates/counts", {"breakdown": NUL}, 422, "breakdown"),
    Case("path traversal as market", "/v1/markets/..%2F..%2Fetc%2Fpasswd/clause", {}, 404),
    Case("NUL as market", "/v1/markets/M%001/clause", {}, 404),
    Case("huge market", f"/v1/markets/{HUGE}/clause", {}, 404),
    Case("overview of a NUL market", "/v1/markets/M%001/overview", {}, 404),
    Case("overview of a huge market", f"/v1/markets/{HUGE}/overview", {}, 404),
    Case("overview of a traversal", "/v1/markets/..%2F..%2Fetc%2Fpasswd/overview", {}, 404),
    Case("overview of an HTML market", "/v1/markets/%3Cscript%3E/overview", {}, 404),
]
INDICATORS = [
    Case("year as text", "/v1/indicators", {"year": "last"}, 422, "year"),
    Case("year 10^100000", "/v1/indicators", {"year": HUGE}, 422, "year"),
    Case("year 2101", "/v1/indicators", {"year": "2101"}, 422, "year"),
    Case("negative year", "/v1/indicators", {"year": "-2023"}, 422, "year"),
    Case("Arabic-Indic year", "/v1/indicators", {"year": "\u0662\u0660\u0662\u0663"}, 422, "year"),
    Case("unknown axis", "/v1/indicators", {"axis": "financial"}, 422, "axis"),
    Case("SQL as axis", "/v1/indicators", {"axis": SQL}, 422, "axis"),
    Case("a year without data", "/v1/indicators", {"year": "2001"}, 404),
    Case("assessment of a text year", "/v1/assessment/deux-mille", {}, 422, "year"),
    Case("assessment of a huge year", f"/v1/assessment/{HUGE}", {}, 422, "year"),
    Case("assessment as PDF", "/v1/assessment/2023", {"format": "pdf"}, 422, "format"),
    Case("assessment with HTML format", "/v1/assessment/2023", {"format": "<b>"}, 422, "format"),
    Case("assessment of a NUL year", "/v1/assessment/%00", {}, 422, "year"),
]


async def check(client: httpx.AsyncClient, case: Case, entry_point: str) -> None:
    tried(entry_point)

    response = await client.get(case.path, params=case.params)

    assert response.status_code == case.status, response.text[:500]
    if case.names is not None:
        detail = response.json()["detail"]
        assert case.names in detail, detail[:500]
        assert detail.startswith(FRENCH), detail[:500]
    assert (await client.get("/health")).status_code == 200


@pytest.mark.parametrize("case", CLAUSES, ids=[case.name for case in CLAUSES])
async def test_clauses_answers_a_hostile_query_without_a_server_error(
    clauses: httpx.AsyncClient, case: Case
) -> None:
    await check(clauses, case, "clauses query parameters")


@pytest.mark.parametrize("case", INDICATORS, ids=[case.name for case in INDICATORS])
async def test_indicators_answers_a_hostile_query_without_a_server_error(
    indicators: httpx.AsyncClient, case: Case
) -> None:
    await check(indicators, case, "indicators query parameters")
