"""Hostile CSV files of monthly hours: refused whole with the line and column, or accepted
whole."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest

from harness.builders import CSV_HEADER, a_market_submission, an_hours_csv
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
from tests.integration.ingest.conftest import Live, TopicReader, unique_market

ENTRY_POINT = "HTTP CSV"
CSV = {**FACILITATOR, "Content-Type": "text/csv"}
FORMULA = "=CMD|' /C calc'!A0"


def text_of(market_id: str, rows: int = 2, *, insertion: str = "35,5") -> str:
    """The builder's file as text, without its BOM."""
    return an_hours_csv(market_id, rows, insertion=insertion).decode("utf-8-sig")


def bad_row(**cells: str) -> Callable[[str], bytes]:
    """Two good rows and a third one with the given cells (line 4)."""
    return lambda m: an_hours_csv(m, 3, bad={2: cells})


def without_column(name: str) -> Callable[[str], bytes]:
    def make(market_id: str) -> bytes:
        rows = [line.split(";") for line in text_of(market_id).splitlines()]
        index = rows[0].index(name)
        return "\n".join(";".join(r[:index] + r[index + 1 :]) for r in rows).encode()

    return make


def duplicated_column(market_id: str) -> bytes:
    rows = [line.split(";") for line in text_of(market_id).splitlines()]
    rows[0].append("heures insertion")
    return "\n".join(";".join([*r, "1"] if i else r) for i, r in enumerate(rows)).encode()


@dataclass(frozen=True)
class Case:
    """One hostile file and the refusal expected."""

    name: str
    file: Callable[[str], bytes]
    expected: Refusal
    content_type: str = "text/csv"


def refused(name: str, file: Callable[[str], bytes], code: str, where: str | int) -> Case:
    return Case(name, file, Refusal(422, code, where))


CORPUS = [
    # encodings
    refused("latin-1", lambda m: text_of(m).encode("latin-1"), "invalid_file", 1),
    refused("UTF-16 with BOM", lambda m: text_of(m).encode("utf-16"), "invalid_file", 1),
    refused("UTF-16-LE without BOM", lambda m: text_of(m).encode("utf-16-le"), "invalid_file", 1),
    refused("binary (PNG)", lambda m: b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "invalid_file", 1),
    refused("empty file", lambda m: b"", "invalid_file", 1),
    refused("BOM only", lambda m: b"\xef\xbb\xbf", "invalid_file", 1),
    refused("header only", lambda m: CSV_HEADER.encode(), "invalid_file", 2),
    # columns
    refused("missing hours column", without_column("heures_insertion"), "invalid_file", 1),
    refused("missing market column", without_column("marché"), "invalid_file", 1),
    refused("duplicated column", duplicated_column, "invalid_file", 1),
    refused(
        "rows with commas under a semicolon header",
        lambda m: text_of(m).replace(";", ",").replace(",", ";", 12).encode(),
        "invalid_file",
        2,
    ),
    refused("short row", lambda m: (text_of(m) + f"{m};123\r\n").encode(), "invalid_file", 4),
    # formulas and injections in cells
    refused("formula as hours", bad_row(insertion="=1+1"), "invalid_file", 4),
    refused("formula as market", bad_row(market=FORMULA), "invalid_file", 4),
    refused("formula as contract reference", bad_row(contract="=HYPERLINK(x)"), "invalid_file", 4),
    refused("SQL as gender", bad_row(gender="F'; DROP TABLE x;--"), "invalid_file", 4),
    refused("HTML as contract type", bad_row(type="<script>x</script>"), "invalid_file", 4),
    refused("path traversal as market", bad_row(market="../../etc/passwd"), "invalid_file", 4),
    refused("NUL in a market", bad_row(market="M\x00X"), "invalid_file", 4),
    refused("RTL override in a SIRET", bad_row(siret="\u202e35600000000048"), "invalid_file", 4),
    refused("2 MB cell", bad_row(beneficiary="9" * 2_000_000), "invalid_file", 4),
    refused("unclosed quote", lambda m: (text_of(m) + '"' + "x" * 100).encode(), "invalid_file", 4),
    # homoglyph digits
    refused(
        "Arabic-Indic period",
        bad_row(period="\u0660\u0666/\u0662\u0660\u0662\u0663"),
        "invalid_file",
        4,
    ),
    refused("full-width SIRET", bad_row(siret="\uff13" * 14), "invalid_file", 4),
    refused("Arabic-Indic hours", bad_row(insertion="\u0663\u0665"), "invalid_file", 4),
    refused(
        "Arabic-Indic date",
        bad_row(start="\u0660\u0661/\u0660\u0664/\u0662\u0660\u0662\u0663"),
        "invalid_file",
        4,
    ),
    # homoglyph letters in the beneficiary identifier: one person would be counted twice
    *(
        refused(f"{name} in a beneficiary", bad_row(beneficiary=raw), "invalid_file", 4)
        for name, raw in HOMOGLYPHS.items()
    ),
    # a beneficiary of invisible characters only: all of them would be one person
    *(
        refused(f"{name} as a beneficiary", bad_row(beneficiary=raw), "invalid_file", 4)
        for name, raw in INVISIBLES.items()
    ),
    # implausible values (issue 14): outside the window, a SIRET's wrong key
    refused("contract starting 01/01/0001", bad_row(start="01/01/0001"), "invalid_file", 4),
    refused("contract starting 31/12/2999", bad_row(start="31/12/2999"), "invalid_file", 4),
    refused("contract ending 01/01/3000", bad_row(end="01/01/3000"), "invalid_file", 4),
    refused("period 01/0001", bad_row(period="01/0001"), "invalid_file", 4),
    refused("period 0000-01", bad_row(period="0000-01"), "invalid_file", 4),
    refused("period 1900-01", bad_row(period="1900-01"), "invalid_file", 4),
    refused("SIRET with a wrong key", bad_row(siret="35600000000049"), "invalid_file", 4),
    # size: one report of 100 000 lines is refused whole (at most 5 000 per report)
    refused("100 000 rows", lambda m: an_hours_csv(m, 100_000), "invalid_file", 5_002),
    # over the declared limit (INGEST_MAX_BODY_BYTES, 20 MiB): refused before being read
    Case(
        "21 MiB file",
        lambda m: an_hours_csv(m, 1) + b"x" * (21 * 1024 * 1024),
        Refusal(413, "body_too_large"),
    ),
    Case(
        "a form without the file field",
        lambda m: b'--B\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n--B--\r\n',
        Refusal(422, "missing_file"),
        "multipart/form-data; boundary=B",
    ),
    Case(
        "a form whose file is latin-1",
        lambda m: (
            b'--B\r\nContent-Disposition: form-data; name="file"; filename="h.csv"\r\n'
            b"Content-Type: text/csv\r\n\r\n" + text_of(m).encode("latin-1") + b"\r\n--B--\r\n"
        ),
        Refusal(422, "invalid_file", 1),
        "multipart/form-data; boundary=B",
    ),
]
ACCEPTED: list[tuple[str, Callable[[str], bytes]]] = [
    (
        "accented, decomposed and full-width identifiers",
        lambda m: an_hours_csv(
            m,
            3,
            bad={
                0: {"beneficiary": "ZOE\u0301-\u00c5sa"},
                1: {"beneficiary": "Stra\u00dfe/\u0152uvre"},
                2: {"beneficiary": "\uff21\uff22\uff11\uff12"},
            },
        ),
    ),
    ("UTF-8 with BOM, semicolons, CRLF", lambda m: an_hours_csv(m, 3)),
    ("UTF-8 without BOM, LF", lambda m: text_of(m, 3).replace("\r\n", "\n").encode()),
    ("commas", lambda m: text_of(m, 3, insertion="35.5").replace(";", ",").encode()),
    ("tabs", lambda m: text_of(m, 3).replace(";", "\t").encode()),
    (
        "an extra column of names, ignored",
        lambda m: (
            text_of(m, 3).replace("\r\n", ";nom\r\n", 1).replace("\r\n", ";=CMD()\r\n").encode()
        ),
    ),
]
REFUSED_MARKETS: list[str] = []


@pytest.fixture(scope="module")
async def reader(live: Live) -> AsyncIterator[TopicReader]:
    async with every_output(live) as reader:
        yield reader


async def notified(live: Live) -> str:
    market_id = unique_market()
    body = a_market_submission(market_id=market_id).model_dump(mode="json")
    assert (await live.client.post("/v1/markets", json=body, headers=FACILITATOR)).is_success
    return market_id


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
async def test_a_hostile_file_is_refused_whole_naming_the_line_and_the_service_goes_on(
    live: Live, reader: TopicReader, case: Case
) -> None:
    market_id = await notified(live)
    REFUSED_MARKETS.append(market_id)
    before = stored_submissions(live)
    tried(ENTRY_POINT)

    response = await live.client.post(
        "/v1/monthly-hours/csv",
        content=case.file(market_id),
        headers={**CSV, "Content-Type": case.content_type},
    )

    assert_clear_refusal(response, case.expected)
    assert stored_submissions(live) == before
    await assert_still_serving(live)
    valid = await live.client.post(
        "/v1/monthly-hours/csv", content=an_hours_csv(market_id, 1), headers=CSV
    )
    assert valid.status_code == 202, valid.text


@pytest.mark.parametrize(("name", "file"), ACCEPTED, ids=[name for name, _ in ACCEPTED])
async def test_a_file_in_any_accepted_shape_is_accepted_whole(
    live: Live, name: str, file: Callable[[str], bytes]
) -> None:
    market_id = await notified(live)
    tried(ENTRY_POINT)

    response = await live.client.post("/v1/monthly-hours/csv", content=file(market_id), headers=CSV)

    assert response.status_code == 202, response.text
    assert response.json()["event_count"] == 4  # three contracts and one report


async def test_a_refused_file_left_nothing_on_any_topic_but_the_valid_one_sent_after(
    reader: TopicReader,
) -> None:
    await reader.drain()

    per_market = [sum(1 for r in reader.seen if r.key == m.encode()) for m in REFUSED_MARKETS]

    assert len(REFUSED_MARKETS) == len(CORPUS)
    assert keys_seen(reader) >= {m.encode() for m in REFUSED_MARKETS}
    # the market itself, then the valid file's contract and report: nothing of the hostile one
    assert set(per_market) == {3}


async def test_implausible_cells_are_refused_naming_the_line_and_the_column(live: Live) -> None:
    market_id = await notified(live)
    document = an_hours_csv(
        market_id,
        4,
        bad={
            1: {"start": "01/01/0001", "period": "01/0001"},
            2: {"siret": "35600000000049"},
            3: {"end": "01/01/3000"},
        },
    )
    tried(ENTRY_POINT)

    response = await live.client.post("/v1/monthly-hours/csv", content=document, headers=CSV)

    body = assert_clear_refusal(response, Refusal(422, "invalid_file"))
    found = {(e["line"], e["column"], e["code"]) for e in body["errors"]}
    assert found == {
        (3, "date_début_contrat", "implausible_date"),
        (3, "période", "implausible_period"),
        (4, "siret_employeur", "invalid_siret"),
        (5, "date_fin_contrat", "implausible_date"),
    }
