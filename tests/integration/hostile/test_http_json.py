"""Hostile JSON bodies on every JSON route: a clear refusal, or accepted verbatim."""

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from harness.builders import (
    a_contract_submission,
    a_market_submission,
    an_hours_submission,
    an_invoice_submission,
)
from shared.events import MarketNotified, decode_event
from shared.topics import MARKETS
from tests.component.ingest.conftest import FACILITATOR
from tests.integration.hostile.checks import (
    HOMOGLYPHS,
    INVISIBLES,
    Refusal,
    assert_clear_refusal,
    assert_still_serving,
    stored_submissions,
    tried,
)
from tests.integration.hostile.topics import every_output, keys_seen
from tests.integration.ingest.conftest import Live, TopicReader, keyed, unique_market

ENTRY_POINT = "HTTP JSON"
MiB = 1024 * 1024
SQL = "x'; DROP TABLE ingest_submissions; --"
FORMULA = "=CMD|' /C calc'!A0"
HTML = "<script>alert('x')</script><img src=x onerror=alert(1)>"
TRAVERSAL = "../../../etc/passwd"
RTL = "M-2023\u202e1000"
ARABIC_DIGITS = (
    "\u0663\u0665\u0666\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0664\u0668"
)
FULLWIDTH_DIGITS = "\uff13\uff15"
WRONG_KEY = "35600000000049"  # La Poste's head office, last digit changed: neither check holds
ABSURD = "9999999999999.99"  # EUR HT: the largest amount the event contract can carry


def market(market_id: str, /, **changes: Any) -> dict[str, Any]:
    return {**a_market_submission(market_id=market_id).model_dump(mode="json"), **changes}


def hours(market_id: str, /, **line: Any) -> dict[str, Any]:
    body = an_hours_submission(market_id=market_id).model_dump(mode="json")
    body["lines"][0].update(line)
    return body


def contract(market_id: str, /, **changes: Any) -> dict[str, Any]:
    fields = a_contract_submission(market_id=market_id, contract_id=f"C-{market_id}")
    return {**fields.model_dump(mode="json"), **changes}


def invoice(market_id: str, /, **changes: Any) -> dict[str, Any]:
    return {**an_invoice_submission(market_id=market_id).model_dump(mode="json"), **changes}


def contract_of(beneficiary_id: str) -> Callable[[str], dict[str, Any]]:
    return lambda market_id: contract(market_id, beneficiary_id=beneficiary_id)


def hours_of(beneficiary_id: str) -> Callable[[str], dict[str, Any]]:
    return lambda market_id: hours(market_id, beneficiary_id=beneficiary_id)


def as_json(make: Callable[[str], Any]) -> Callable[[str], bytes]:
    return lambda market_id: json.dumps(make(market_id)).encode()


def nested(depth: int) -> Callable[[str], bytes]:
    """A valid market with one more field holding objects nested `depth` deep."""

    def make(market_id: str) -> bytes:
        deep = b'{"a": ' * depth + b"1" + b"}" * depth
        return json.dumps(market(market_id)).encode()[:-1] + b', "notes": ' + deep + b"}"

    return make


@dataclass(frozen=True)
class Case:
    """One hostile body on one route, and the refusal expected."""

    name: str
    route: str
    body: Callable[[str], bytes]
    expected: Refusal


def refused(name: str, route: str, make: Callable[[str], Any], *expected: Any) -> Case:
    return Case(name, route, as_json(make), Refusal(*expected))


def raw(name: str, route: str, make: Callable[[str], bytes], *expected: Any) -> Case:
    return Case(name, route, make, Refusal(*expected))


H, C, M, INV = "/v1/monthly-hours", "/v1/work-contracts", "/v1/markets", "/v1/invoices"
CORPUS = [
    # wrong types
    refused(
        "hours as text",
        H,
        lambda m: hours(m, insertion_hours="beaucoup"),
        422,
        "invalid_body",
        "lines[0].insertion_hours",
    ),
    refused(
        "hours as a list",
        H,
        lambda m: hours(m, insertion_hours=[35]),
        422,
        "invalid_body",
        "lines[0].insertion_hours",
    ),
    refused(
        "hours as true",
        H,
        lambda m: hours(m, training_hours=True),
        422,
        "invalid_body",
        "lines[0].training_hours",
    ),
    refused(
        "lines as an object",
        H,
        lambda m: {**hours(m), "lines": {"0": 1}},
        422,
        "invalid_body",
        "lines",
    ),
    refused(
        "period as a number",
        INV,
        lambda m: invoice(m, period=202306),
        422,
        "invalid_body",
        "period",
    ),
    refused(
        "amount as an object",
        INV,
        lambda m: invoice(m, amount_ht={"v": 1}),
        422,
        "invalid_body",
        "amount_ht",
    ),
    refused(
        "duration as a float",
        M,
        lambda m: market(m, duration_months=1.5),
        422,
        "invalid_body",
        "duration_months",
    ),
    refused(
        "duration of 10^30 months",
        M,
        lambda m: market(m, duration_months=10**30),
        422,
        "invalid_body",
        "duration_months",
    ),
    refused(
        "amount 1e17", M, lambda m: market(m, amount_ht="1e17"), 422, "invalid_body", "amount_ht"
    ),
    refused(
        "hours NaN",
        H,
        lambda m: hours(m, insertion_hours="NaN"),
        422,
        "invalid_body",
        "lines[0].insertion_hours",
    ),
    refused(
        "hours Infinity",
        H,
        lambda m: hours(m, insertion_hours="Infinity"),
        422,
        "invalid_body",
        "lines[0].insertion_hours",
    ),
    refused("a JSON string", M, lambda m: "bonjour", 422, "invalid_body"),
    refused("a JSON number", C, lambda m: 42, 422, "invalid_body"),
    refused("JSON null", INV, lambda m: None, 422, "invalid_body"),
    refused("an empty list", H, lambda m: [], 422, "invalid_body"),
    refused("a list with one bad item", C, lambda m: [contract(m), 7], 422, "invalid_body", "[1]"),
    raw("an empty body", M, lambda m: b"", 422, "invalid_body"),
    raw("not JSON", H, lambda m: b"market_id=1&hours=35", 422, "invalid_body"),
    raw("truncated JSON", C, lambda m: json.dumps(contract(m)).encode()[:80], 422, "invalid_body"),
    raw(
        "invalid UTF-8",
        M,
        lambda m: json.dumps(market(m)).encode()[:-2] + b'\xff"}',
        422,
        "invalid_body",
    ),
    # sizes and depth
    raw(
        "21 MiB body",
        M,
        lambda m: b'{"title": "' + b"x" * (21 * MiB) + b'"}',
        413,
        "body_too_large",
    ),
    raw("21 MiB list", C, lambda m: b"[" + b"1," * (11 * MiB) + b"1]", 413, "body_too_large"),
    raw("list nested 10 000 deep", H, lambda m: b"[" * 10_000 + b"]" * 10_000, 422, "invalid_body"),
    raw("object nested 10 000 deep", M, nested(10_000), 422, "invalid_body"),
    refused(
        "5 001 lines in one report",
        H,
        lambda m: {**hours(m), "lines": hours(m)["lines"] * 5_001},
        422,
        "rules_broken",
    ),
    # unknown fields
    refused(
        "unknown field with a name",
        C,
        lambda m: contract(m, nom="Dupont"),
        422,
        "invalid_body",
        "nom",
    ),
    refused(
        "unknown field in a line",
        H,
        lambda m: hours(m, commentaire="x"),
        422,
        "invalid_body",
        "lines[0].commentaire",
    ),
    refused(
        "unknown nested field",
        M,
        lambda m: market(m, buyer={"siret": "35600000000048", "iban": "FR76"}),
        422,
        "invalid_body",
        "buyer.iban",
    ),
    # injection strings in constrained fields
    refused(
        "SQL in a market id",
        INV,
        lambda m: invoice(m, market_id=SQL),
        422,
        "invalid_body",
        "market_id",
    ),
    refused(
        "formula in a contract id",
        C,
        lambda m: contract(m, contract_id=FORMULA),
        422,
        "invalid_body",
        "contract_id",
    ),
    refused(
        "HTML in a contract id",
        H,
        lambda m: hours(m, contract_id=HTML),
        422,
        "invalid_body",
        "lines[0].contract_id",
    ),
    refused(
        "path traversal in a market id",
        M,
        lambda m: market(m, market_id=TRAVERSAL),
        422,
        "invalid_body",
        "market_id",
    ),
    refused(
        "NUL in a market id",
        C,
        lambda m: contract(m, market_id=f"{m}\x00"),
        422,
        "invalid_body",
        "market_id",
    ),
    refused(
        "RTL override in a market id",
        INV,
        lambda m: invoice(m, market_id=RTL),
        422,
        "invalid_body",
        "market_id",
    ),
    refused("SQL as a gender", C, lambda m: contract(m, gender=SQL), 422, "invalid_body", "gender"),
    refused(
        "100 000-character title",
        M,
        lambda m: market(m, title="é" * 100_000),
        422,
        "invalid_body",
        "title",
    ),
    refused(
        "100 000-character beneficiary",
        C,
        lambda m: contract(m, beneficiary_id="1850578006084" * 8_000),
        422,
        "invalid_body",
        "beneficiary_id",
    ),
    # unicode homoglyph digits
    refused(
        "Arabic-Indic SIRET",
        INV,
        lambda m: invoice(m, holder_siret=ARABIC_DIGITS),
        422,
        "invalid_body",
        "holder_siret",
    ),
    refused(
        "Arabic-Indic CPV code",
        M,
        lambda m: market(m, cpv_code="\u0664\u0665\u0662\u0661\u0664\u0662\u0662\u0660"),
        422,
        "invalid_body",
        "cpv_code",
    ),
    refused(
        "full-width hours",
        H,
        lambda m: hours(m, insertion_hours=FULLWIDTH_DIGITS),
        422,
        "invalid_body",
        "lines[0].insertion_hours",
    ),
    refused(
        "Arabic-Indic amount",
        INV,
        lambda m: invoice(m, amount_ht="\u0661\u0660\u0660\u0660"),
        422,
        "invalid_body",
        "amount_ht",
    ),
    refused(
        "full-width period",
        INV,
        lambda m: invoice(m, period="\uff12\uff10\uff12\uff13-06"),
        422,
        "invalid_body",
        "period",
    ),
    # homoglyph letters in the beneficiary identifier: one person would be counted twice
    *(
        refused(
            f"{name} in a contract's beneficiary",
            C,
            contract_of(raw),
            422,
            "rules_broken",
            "beneficiary_id",
        )
        for name, raw in HOMOGLYPHS.items()
    ),
    *(
        refused(
            f"{name} in an hours line's beneficiary",
            H,
            hours_of(raw),
            422,
            "rules_broken",
            "lines[0].beneficiary_id",
        )
        for name, raw in HOMOGLYPHS.items()
    ),
    # a beneficiary of invisible characters only: all of them would be one person
    *(
        refused(
            f"{name} as a contract's beneficiary",
            C,
            contract_of(raw),
            422,
            "rules_broken",
            "beneficiary_id",
        )
        for name, raw in INVISIBLES.items()
    ),
    *(
        refused(
            f"{name} as an hours line's beneficiary",
            H,
            hours_of(raw),
            422,
            "rules_broken",
            "lines[0].beneficiary_id",
        )
        for name, raw in INVISIBLES.items()
    ),
    # implausible values (issue 14): outside the window, absurd amounts, a SIRET's wrong key
    refused(
        "contract starting 0001-01-01",
        C,
        lambda m: contract(m, start_date="0001-01-01"),
        422,
        "rules_broken",
        "start_date",
    ),
    refused(
        "contract starting 2999-12-31",
        C,
        lambda m: contract(m, start_date="2999-12-31"),
        422,
        "rules_broken",
        "start_date",
    ),
    refused(
        "contract ending 9999-12-31",
        C,
        lambda m: contract(m, end_date="9999-12-31"),
        422,
        "rules_broken",
        "end_date",
    ),
    refused(
        "report for period 0001-01",
        H,
        lambda m: {**hours(m), "period": "0001-01"},
        422,
        "rules_broken",
        "period",
    ),
    refused(
        "invoice for period 0000-01",
        INV,
        lambda m: invoice(m, period="0000-01"),
        422,
        "rules_broken",
        "period",
    ),
    refused(
        "invoice for period 1900-01",
        INV,
        lambda m: invoice(m, period="1900-01"),
        422,
        "rules_broken",
        "period",
    ),
    refused(
        "invoice of 9 999 999 999 999.99 EUR",
        INV,
        lambda m: invoice(m, amount_ht=ABSURD),
        422,
        "rules_broken",
        "amount_ht",
    ),
    refused(
        "market of 9 999 999 999 999.99 EUR",
        M,
        lambda m: market(m, amount_ht=ABSURD),
        422,
        "rules_broken",
        "amount_ht",
    ),
    refused(
        "market notified 0001-01-01",
        M,
        lambda m: market(m, notification_date="0001-01-01"),
        422,
        "rules_broken",
        "notification_date",
    ),
    refused(
        "buyer SIRET with a wrong key",
        M,
        lambda m: market(m, buyer={"siret": WRONG_KEY, "name": "Acheteur"}),
        422,
        "rules_broken",
        "buyer.siret",
    ),
    refused(
        "holder SIRET with a wrong key",
        M,
        lambda m: market(m, holders=[{"siret": WRONG_KEY, "is_sme": True, "in_territory": True}]),
        422,
        "rules_broken",
        "holders[0].siret",
    ),
    refused(
        "employer SIRET with a wrong key",
        C,
        lambda m: contract(m, employer_siret=WRONG_KEY),
        422,
        "rules_broken",
        "employer_siret",
    ),
    refused(
        "report's employer SIRET with a wrong key",
        H,
        lambda m: {**hours(m), "employer_siret": WRONG_KEY},
        422,
        "rules_broken",
        "employer_siret",
    ),
    refused(
        "invoicing SIRET with a wrong key",
        INV,
        lambda m: invoice(m, holder_siret=WRONG_KEY),
        422,
        "rules_broken",
        "holder_siret",
    ),
]
# free text is data: these are published exactly as sent, never interpreted
VERBATIM_TITLES = [SQL, FORMULA, HTML, TRAVERSAL, RTL, "a\x00b", "\u202eeuqilbup", "é" * 500]


@pytest.fixture(scope="module")
async def reader(live: Live) -> AsyncIterator[TopicReader]:
    async with every_output(live) as reader:
        yield reader


@pytest.fixture(scope="module")
async def valid_market(live: Live) -> dict[str, Any]:
    body = market(unique_market())
    assert (await live.client.post(M, json=body, headers=FACILITATOR)).status_code == 202
    return body


REFUSED_MARKETS: list[str] = []


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
async def test_a_hostile_body_is_refused_clearly_and_the_service_goes_on(
    live: Live, reader: TopicReader, valid_market: dict[str, Any], case: Case
) -> None:
    market_id = unique_market()
    REFUSED_MARKETS.append(market_id)
    before = stored_submissions(live)
    tried(ENTRY_POINT)

    response = await live.client.post(
        case.route,
        content=case.body(market_id),
        headers={**FACILITATOR, "Content-Type": "application/json"},
    )

    assert_clear_refusal(response, case.expected)
    assert stored_submissions(live) == before
    await assert_still_serving(live)
    again = await live.client.post(M, json=valid_market, headers=FACILITATOR)
    assert again.status_code == 202


@pytest.mark.parametrize("title", VERBATIM_TITLES, ids=range(len(VERBATIM_TITLES)))
async def test_hostile_free_text_is_published_exactly_as_sent(live: Live, title: str) -> None:
    market_id = unique_market()
    tried(ENTRY_POINT)

    async with TopicReader(live.bootstrap, [MARKETS.name]) as markets:
        response = await live.client.post(
            M, json=market(market_id, title=title), headers=FACILITATOR
        )
        [record] = await markets.collect(keyed(market_id), count=1)

    assert response.status_code == 202
    event = decode_event(record.value)
    assert isinstance(event, MarketNotified)
    assert event.title == title


async def test_no_refused_body_left_anything_on_any_topic(reader: TopicReader) -> None:
    await reader.drain()

    leaked = keys_seen(reader) & {market_id.encode() for market_id in REFUSED_MARKETS}

    assert len(REFUSED_MARKETS) == len(CORPUS)
    assert leaked == set()


async def test_an_invoice_above_its_market_amount_is_refused_saying_so(live: Live) -> None:
    market_id = unique_market()
    body = market(market_id, amount_ht="100000.00")
    assert (await live.client.post(M, json=body, headers=FACILITATOR)).status_code == 202
    before = stored_submissions(live)
    tried(ENTRY_POINT, 3)

    absurd = await live.client.post(
        INV, json=invoice(market_id, amount_ht=ABSURD), headers=FACILITATOR
    )
    above = await live.client.post(
        INV, json=invoice(market_id, amount_ht="100000.01"), headers=FACILITATOR
    )
    whole = await live.client.post(
        INV, json=invoice(market_id, amount_ht="100000.00"), headers=FACILITATOR
    )

    absurd_body = assert_clear_refusal(absurd, Refusal(422, "rules_broken", "amount_ht"))
    assert {e["code"] for e in absurd_body["errors"]} == {
        "implausible_amount",
        "invoice_above_market_amount",
    }
    above_body = assert_clear_refusal(above, Refusal(422, "rules_broken", "amount_ht"))
    assert [e["code"] for e in above_body["errors"]] == ["invoice_above_market_amount"]
    assert "dépasse le montant du marché" in above_body["errors"][0]["message"]
    assert whole.status_code == 202, whole.text
    assert stored_submissions(live) == before + 1


async def test_a_contract_and_a_report_in_year_1_are_refused_naming_the_window(live: Live) -> None:
    market_id = unique_market()
    assert (await live.client.post(M, json=market(market_id), headers=FACILITATOR)).is_success
    before = stored_submissions(live)
    tried(ENTRY_POINT, 2)

    started = await live.client.post(
        C, json=contract(market_id, start_date="0001-01-01"), headers=FACILITATOR
    )
    report = await live.client.post(
        H, json={**hours(market_id), "period": "0001-01"}, headers=FACILITATOR
    )

    started_body = assert_clear_refusal(started, Refusal(422, "rules_broken", "start_date"))
    [start_error] = started_body["errors"]
    assert start_error["code"] == "implausible_date"
    assert start_error["message"].startswith(
        "la date de début 01/01/0001 est invraisemblable : attendue entre le 01/01/2000 et le "
    )
    report_body = assert_clear_refusal(report, Refusal(422, "rules_broken", "period"))
    assert "implausible_period" in {e["code"] for e in report_body["errors"]}
    assert stored_submissions(live) == before
