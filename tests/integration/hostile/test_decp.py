"""Hostile DECP documents: the real defects of published files, not-JSON, wrong shapes.

A defective record is listed with its field and never published, next to a valid record
that is; a document without any importable record is refused whole.
"""

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from harness.builders import a_decp_document, a_decp_record
from tests.component.ingest.conftest import FACILITATOR
from tests.integration.hostile.checks import (
    Refusal,
    assert_clear_refusal,
    assert_still_serving,
    stored_submissions,
    tried,
)
from tests.integration.hostile.topics import every_output, keys_seen
from tests.integration.ingest.conftest import Live, TopicReader, unique_market

ENTRY_POINT = "HTTP DECP"
DECP = {**FACILITATOR, "Content-Type": "application/json"}
# (name, changes to a valid record, the field its defect must name)
DEFECTIVE_RECORDS: list[tuple[str, dict[str, Any], str]] = [
    ("NC as amount", {"montant": "NC"}, "montant"),
    ("absurd amount 1e17", {"montant": 1e17}, "montant"),
    ("negative amount", {"montant": -5}, "montant"),
    ("NC as duration", {"dureeMois": "NC"}, "dureeMois"),
    ("impossible year 0222", {"dateNotification": "0222-04-29"}, "dateNotification"),
    ("30 February", {"dateNotification": "2024-02-30"}, "dateNotification"),
    ("NC as notification date", {"dateNotification": "NC"}, "dateNotification"),
    ("NC as CPV code", {"codeCPV": "NC"}, "codeCPV"),
    (
        "Arabic-Indic CPV code",
        {"codeCPV": "\u0664\u0665\u0662\u0661\u0664\u0662\u0662\u0660"},
        "codeCPV",
    ),
    ("no holder", {"titulaires": []}, "titulaires"),
    (
        "holder SIRET NC",
        {"titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "NC"}}]},
        "titulaires",
    ),
    ("buyer SIRET in full-width digits", {"acheteur": {"id": "\uff12" * 14}}, "acheteur"),
    ("SQL as id", {"id": "1'; DROP TABLE ingest_submissions;--"}, "id"),
    ("path traversal as id", {"id": "../../etc/passwd"}, "id"),
    (
        "unknown social consideration",
        {"considerationsSociales": {"considerationSociale": ["<script>alert(1)</script>"]}},
        "considerationsSociales",
    ),
    ("amount as an object", {"montant": {"valeur": 1}}, "montant"),
    # implausible values (issue 14): outside the window, a SIRET's wrong key
    ("notified 1999-12-31", {"dateNotification": "1999-12-31"}, "dateNotification"),
    (
        "notified 2999-12-31",
        {"dateNotification": "2999-12-31", "datePublicationDonnees": "2999-12-31"},
        "dateNotification",
    ),
    ("buyer SIRET with a wrong key", {"acheteur": {"id": "12345678901234"}}, "acheteur"),
    (
        "holder SIRET with a wrong key",
        {"titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "35600000000049"}}]},
        "titulaires",
    ),
]
# (name, document, the refusal)
REFUSED_DOCUMENTS: list[tuple[str, bytes, Refusal]] = [
    ("not JSON", b"<marches><marche/></marches>", Refusal(422, "invalid_decp")),
    ("truncated", a_decp_document(a_decp_record("X-1"))[:60], Refusal(422, "invalid_decp")),
    ("empty", b"", Refusal(422, "invalid_decp")),
    ("latin-1 bytes", '{"marches": "\xe9"}'.encode("latin-1"), Refusal(422, "invalid_decp")),
    (
        "nested 10 000 deep",
        b'{"marches": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
        Refusal(422, "invalid_decp"),
    ),
    ("a list", b"[1, 2, 3]", Refusal(422, "no_valid_record")),
    ("marches as a number", b'{"marches": 5}', Refusal(422, "no_valid_record")),
    (
        "another schema",
        json.dumps({"releases": [{"ocid": "x"}]}).encode(),
        Refusal(422, "no_valid_record"),
    ),
    (
        "records as strings",
        json.dumps({"marches": {"marche": ["a", "b"]}}).encode(),
        Refusal(422, "no_valid_record"),
    ),
    (
        "21 MiB",
        b'{"marches": "' + b"x" * (21 * 1024 * 1024) + b'"}',
        Refusal(413, "body_too_large"),
    ),
]
NEVER_PUBLISHED: list[str] = []


@pytest.fixture(scope="module")
async def reader(live: Live) -> AsyncIterator[TopicReader]:
    async with every_output(live) as reader:
        yield reader


@pytest.mark.parametrize(
    ("name", "changes", "field"), DEFECTIVE_RECORDS, ids=[c[0] for c in DEFECTIVE_RECORDS]
)
async def test_a_defective_record_is_listed_by_field_and_left_out_beside_a_valid_one(
    live: Live, reader: TopicReader, name: str, changes: dict[str, Any], field: str
) -> None:
    good, bad = unique_market(), unique_market()
    NEVER_PUBLISHED.append(bad)
    document = a_decp_document(a_decp_record(good), {**a_decp_record(bad), **changes})
    tried(ENTRY_POINT)

    response = await live.client.post("/v1/decp", content=document, headers=DECP)

    assert response.status_code == 202, response.text
    body = response.json()
    assert body["event_count"] == 1
    defects = [d for d in body["defects"] if d["record_index"] == 1]
    assert defects, body
    assert all(d["message"].strip() for d in defects)
    assert field in {d["field"].split(".")[0].split("[")[0] for d in defects if d["field"]}, body
    await assert_still_serving(live)


@pytest.mark.parametrize(
    ("name", "changes", "field"), DEFECTIVE_RECORDS, ids=[c[0] for c in DEFECTIVE_RECORDS]
)
async def test_a_document_of_defective_records_only_is_refused_whole(
    live: Live, reader: TopicReader, name: str, changes: dict[str, Any], field: str
) -> None:
    bad = unique_market()
    NEVER_PUBLISHED.append(bad)
    before = stored_submissions(live)
    tried(ENTRY_POINT)

    response = await live.client.post(
        "/v1/decp", content=a_decp_document({**a_decp_record(bad), **changes}), headers=DECP
    )

    assert_clear_refusal(response, Refusal(422, "no_valid_record"))
    assert stored_submissions(live) == before
    await assert_still_serving(live)


@pytest.mark.parametrize(
    ("name", "document", "expected"), REFUSED_DOCUMENTS, ids=[c[0] for c in REFUSED_DOCUMENTS]
)
async def test_a_document_that_is_not_decp_is_refused_and_a_valid_one_passes_after(
    live: Live, name: str, document: bytes, expected: Refusal
) -> None:
    before = stored_submissions(live)
    tried(ENTRY_POINT)

    response = await live.client.post("/v1/decp", content=document, headers=DECP)

    assert_clear_refusal(response, expected)
    assert stored_submissions(live) == before
    await assert_still_serving(live)
    valid = a_decp_document(a_decp_record(unique_market()))
    assert (await live.client.post("/v1/decp", content=valid, headers=DECP)).status_code == 202


async def test_no_defective_record_reached_any_topic(reader: TopicReader) -> None:
    await reader.drain()

    leaked = keys_seen(reader) & {market_id.encode() for market_id in NEVER_PUBLISHED}

    assert len(NEVER_PUBLISHED) == 2 * len(DEFECTIVE_RECORDS)
    assert leaked == set()
