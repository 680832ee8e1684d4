"""Hostile messages on the raw topic: each is dead-lettered with its reason, the consumer
goes on, nothing of a refused message is published, and no dead letter carries the
beneficiary identifier, wherever and however the message holds it."""

import json
from typing import Any

from aiokafka import AIOKafkaProducer

from harness.builders import (
    HOLDER_SIRET,
    RAW_BENEFICIARY,
    a_contract_submission,
    a_market_submission,
    an_hours_submission,
    an_invoice_submission,
)
from services.ingest.domain.raw_messages import keyed_digest
from shared.events import WorkContractSigned, decode_event
from shared.topics import WORK_CONTRACTS
from tests.component.ingest.conftest import FACILITATOR
from tests.integration.hostile.checks import HOMOGLYPHS, INVISIBLES, assert_still_serving, tried
from tests.integration.ingest.conftest import Live, TopicReader, unique_market

ENTRY_POINT = "raw topic"
TOKEN = [("authorization", b"Bearer contractor-token")]
OTHER = [("authorization", b"Bearer other-contractor-token")]
MiB = 1024 * 1024


def contract(market_id: str, name: str, /, **changes: Any) -> dict[str, Any]:
    body = a_contract_submission(
        market_id=market_id, contract_id=f"C-{market_id}-{abs(hash(name)) % 10**8}"
    )
    return {"type": "work_contract", **body.model_dump(mode="json"), **changes}


def encoded(document: Any) -> bytes:
    return json.dumps(document).encode()


def escaped(text: str) -> str:
    """Every character as a JSON \\u escape."""
    return "".join(f"\\u{ord(char):04x}" for char in text)


def corpus(m: str) -> list[tuple[str, bytes | None, list[tuple[str, bytes]], str]]:
    """(name, value, headers, the dead-letter reason expected), on market m."""
    valid = encoded(contract(m, "valid"))
    person = RAW_BENEFICIARY
    return [
        (
            "identifier as a JSON number",
            encoded(contract(m, "id-number", beneficiary_id=int(person))),
            TOKEN,
            "invalid_submission",
        ),
        (
            "identifier in a list",
            encoded(contract(m, "id-list", beneficiary_id=[person])),
            TOKEN,
            "invalid_submission",
        ),
        (
            "key written with JSON escapes",
            encoded(contract(m, "id-escaped-key", gender="robot")).replace(
                b'"beneficiary_id"', f'"{escaped("beneficiary_id")}"'.encode()
            ),
            TOKEN,
            "unknown_code",
        ),
        (
            "identifier in free text",
            encoded(contract(m, "id-text", notes=f"Mme Durand (NIR {person}), voir dossier")),
            TOKEN,
            "invalid_submission",
        ),
        (
            "identifier in an unknown field",
            encoded(contract(m, "id-unknown", nir=person)),
            TOKEN,
            "invalid_submission",
        ),
        (
            "identifier as a key",
            encoded({**contract(m, "id-key"), person: True}),
            TOKEN,
            "invalid_submission",
        ),
        (
            "identifier nested in objects and lists",
            encoded(contract(m, "id-nested", extra={"people": [{"refs": [[person]]}]})),
            TOKEN,
            "invalid_submission",
        ),
        (
            "identifier as the schema version",
            encoded(contract(m, "id-version", schema_version=person)),
            TOKEN,
            "unknown_schema_version",
        ),
        (
            "identifier as the market",
            encoded(contract(m, "id-market", market_id=person)),
            TOKEN,
            "rules_broken",
        ),
        ("not JSON with an identifier", f"beneficiary={person}".encode(), TOKEN, "not_json"),
        (f"keyed by the person {person}", b"id=" + person.encode(), TOKEN, "not_json"),
        (
            "truncated after the identifier",
            valid[: valid.index(person.encode()) + len(person)],
            TOKEN,
            "truncated_json",
        ),
        ("not JSON", b"type=work_contract&hours=35", TOKEN, "not_json"),
        ("YAML", b"type: work_contract\nhours: 35\n", TOKEN, "not_json"),
        ("truncated", valid[: len(valid) // 3], TOKEN, "truncated_json"),
        (
            "truncated literal",
            valid[: valid.rindex(b"null") + 2],  # cut inside the last literal
            TOKEN,
            "truncated_json",
        ),
        (
            "latin-1",
            valid.replace(b"Construction", "Léon".encode("latin-1")) + b"\xe9",
            TOKEN,
            "not_utf8",
        ),
        ("UTF-16", json.dumps(contract(m, "utf16")).encode("utf-16"), TOKEN, "not_utf8"),
        ("tombstone", None, TOKEN, "empty"),
        ("empty bytes", b"", TOKEN, "empty"),
        ("a JSON list", encoded([contract(m, "list")]), TOKEN, "not_an_object"),
        ("a JSON string", encoded("work_contract"), TOKEN, "not_an_object"),
        ("JSON null", b"null", TOKEN, "not_an_object"),
        (
            "schema version 2",
            encoded(contract(m, "v2", schema_version=2)),
            TOKEN,
            "unknown_schema_version",
        ),
        (
            "schema version 10^100",
            encoded(contract(m, "v100", schema_version=10**100)),
            TOKEN,
            "unknown_schema_version",
        ),
        (
            "schema version as text",
            encoded(contract(m, "vtext", schema_version="1")),
            TOKEN,
            "unknown_schema_version",
        ),
        ("unknown type", encoded(contract(m, "type", type="payslip")), TOKEN, "unknown_type"),
        (
            "no type",
            encoded({k: v for k, v in contract(m, "notype").items() if k != "type"}),
            TOKEN,
            "unknown_type",
        ),
        (
            "start date as a list",
            encoded(contract(m, "dates", start_date=[1])),
            TOKEN,
            "invalid_submission",
        ),
        (
            "gender as a number",
            encoded(contract(m, "gender", gender=1)),
            TOKEN,
            "unknown_code",
        ),
        (
            "unknown contract type",
            encoded(contract(m, "code", contract_type="cdi_forever")),
            TOKEN,
            "unknown_code",
        ),
        ("unknown field", encoded(contract(m, "extra", nom="Dupont")), TOKEN, "invalid_submission"),
        (
            "NUL in the contract id",
            encoded(contract(m, "nul", contract_id="C\x00")),
            TOKEN,
            "invalid_submission",
        ),
        (
            "SQL in the market id",
            encoded(contract(m, "sql", market_id="x';DROP TABLE t;--")),
            TOKEN,
            "invalid_submission",
        ),
        (
            "full-width SIRET",
            encoded(contract(m, "fw", employer_siret="\uff13" * 14)),
            TOKEN,
            "invalid_submission",
        ),
        ("2 MiB", encoded(contract(m, "big", notes="x" * 2 * MiB)), TOKEN, "too_large"),
        ("nested 10 000 deep", b"[" * 10_000 + b"]" * 10_000, TOKEN, "not_json"),
        (
            "object nested 10 000 deep",
            valid[:-1] + b', "notes": ' + b'{"a": ' * 10_000 + b"1" + b"}" * 10_001,
            TOKEN,
            "not_json",
        ),
        ("no token", valid, [], "missing_token"),
        ("Basic auth", valid, [("authorization", b"Basic Y29udHJhY3Rvcg==")], "missing_token"),
        ("unknown token", valid, [("authorization", b"Bearer guessed")], "unknown_token"),
        ("binary token", valid, [("authorization", b"Bearer \xff\xfe\x00")], "unknown_token"),
        ("another holder's market", encoded(contract(m, "other-holder")), OTHER, "forbidden"),
        (
            "a contract on a market never notified",
            encoded(contract(m, "unknown-market", market_id=unique_market())),
            TOKEN,
            "rules_broken",
        ),
    ]


async def test_every_hostile_message_is_dead_lettered_with_its_reason_and_the_next_passes(
    live: Live,
) -> None:
    market_id = unique_market()
    market = a_market_submission(market_id=market_id).model_dump(mode="json")
    assert (await live.client.post("/v1/markets", json=market, headers=FACILITATOR)).is_success
    poison = corpus(market_id)
    valid = encoded(contract(market_id, "the valid one after"))
    producer = AIOKafkaProducer(
        bootstrap_servers=live.bootstrap, max_request_size=4 * MiB, acks="all"
    )
    await producer.start()
    topics = [live.settings.dead_letter_topic, WORK_CONTRACTS.name]
    # dead letters are keyed by the keyed digest of the refused message's key
    name_of = {
        keyed_digest(f"{market_id}:{name}".encode(), live.service.pseudonymise).encode(): name
        for name, *_ in poison
    }
    try:
        async with TopicReader(live.bootstrap, topics) as reader:
            for name, value, headers, _ in poison:
                key = f"{market_id}:{name}".encode()
                await producer.send_and_wait(
                    live.settings.raw_topic, value, key=key, headers=headers
                )
            tried(ENTRY_POINT, len(poison) + 1)
            await producer.send_and_wait(
                live.settings.raw_topic, valid, key=market_id.encode(), headers=TOKEN
            )
            records = await reader.collect(
                lambda r: r.key in name_of or r.key == market_id.encode(),
                count=len(poison) + 1,
                within=120,
            )
            await reader.drain(quiet_ms=1000)
    finally:
        await producer.stop()

    dead = [r for r in reader.seen if r.topic == live.settings.dead_letter_topic]
    letters = {name_of[r.key]: dict(r.headers) for r in dead if r.key in name_of}
    events = [decode_event(r.value) for r in records if r.topic == WORK_CONTRACTS.name]
    reasons = {
        name: letters.get(name, {}).get("dead-letter-reason", b"").decode() for name, *_ in poison
    }
    assert reasons == {name: reason for name, _, _, reason in poison}
    for found in letters.values():
        detail = json.loads(found["dead-letter-detail"])
        assert detail
        assert all(item["message"].strip() for item in detail)
        assert "authorization" not in found
    assert [type(event) for event in events] == [WorkContractSigned]
    shown = [
        b"\n".join([r.key or b"", r.value or b"", *(value or b"" for _, value in r.headers)])
        for r in reader.seen
    ]
    assert [blob for blob in shown if RAW_BENEFICIARY.encode() in blob] == []
    await assert_still_serving(live)


WRONG_KEY = "35600000000049"  # La Poste's head office, last digit changed: neither check holds


def report(market_id: str, /, **changes: Any) -> dict[str, Any]:
    body = an_hours_submission(market_id=market_id, lines=[]).model_dump(mode="json")
    return {"type": "monthly_hours", **body, **changes}


def invoice(market_id: str, /, **changes: Any) -> dict[str, Any]:
    body = an_invoice_submission(market_id=market_id, holder_siret=HOLDER_SIRET)
    return {"type": "invoice", **body.model_dump(mode="json"), **changes}


def implausible(m: str) -> list[tuple[str, dict[str, Any], str, str]]:
    """(name, document, the problem's code, its field), on market m (issue 14)."""
    return [
        (
            "contract starting 0001-01-01",
            contract(m, "year-1", start_date="0001-01-01"),
            "implausible_date",
            "start_date",
        ),
        (
            "contract starting 2999-12-31",
            contract(m, "year-2999", start_date="2999-12-31"),
            "implausible_date",
            "start_date",
        ),
        (
            # a contractor names only its own SIRET: another one is out of its scope first
            "employer SIRET with a wrong key",
            contract(m, "key", employer_siret=WRONG_KEY),
            "forbidden",
            "employer_siret",
        ),
        ("report for 0001-01", report(m, period="0001-01"), "implausible_period", "period"),
        ("invoice for 0000-01", invoice(m, period="0000-01"), "implausible_period", "period"),
        ("invoice for 1900-01", invoice(m, period="1900-01"), "implausible_period", "period"),
        (
            "invoice of 9 999 999 999 999.99 EUR",
            invoice(m, amount_ht="9999999999999.99"),
            "invoice_above_market_amount",
            "amount_ht",
        ),
    ]


def homoglyphs(m: str) -> list[tuple[str, dict[str, Any], str, str]]:
    """(name, document, the problem's code, its field): a beneficiary identifier with a letter
    of another script, in a contract and in a report's line; one of invisible characters only."""
    line = {"beneficiary_id": HOMOGLYPHS["Cyrillic A"], "contract_id": "C-0", "insertion_hours": 1}
    documents = [
        *(
            (f"{name} in a contract", contract(m, f"glyph-{name}", beneficiary_id=raw))
            for name, raw in HOMOGLYPHS.items()
        ),
        ("Cyrillic A in a report's line", report(m, lines=[line])),
    ]
    empty = [
        (f"{name} as a contract's beneficiary", contract(m, f"void-{n}", beneficiary_id=raw))
        for n, (name, raw) in enumerate(INVISIBLES.items())
    ]
    return [
        (name, document, "beneficiary_id_script", "beneficiary_id") for name, document in documents
    ] + [(name, document, "beneficiary_id_empty", "beneficiary_id") for name, document in empty]


async def test_every_implausible_message_is_dead_lettered_naming_the_field(live: Live) -> None:
    market_id = unique_market()
    market = a_market_submission(market_id=market_id).model_dump(mode="json")
    assert (await live.client.post("/v1/markets", json=market, headers=FACILITATOR)).is_success
    poison = implausible(market_id) + homoglyphs(market_id)
    producer = AIOKafkaProducer(bootstrap_servers=live.bootstrap, acks="all")
    await producer.start()
    try:
        async with TopicReader(live.bootstrap, [live.settings.dead_letter_topic]) as reader:
            # dead letters are keyed by the keyed digest of the refused message's key
            names: dict[bytes, str] = {}
            for name, document, _, _ in poison:
                key = f"{market_id}:{name}".encode()
                names[keyed_digest(key, live.service.pseudonymise).encode()] = name
                await producer.send_and_wait(
                    live.settings.raw_topic, encoded(document), key=key, headers=TOKEN
                )
            tried(ENTRY_POINT, len(poison))
            records = await reader.collect(lambda r: r.key in names, count=len(poison), within=120)
    finally:
        await producer.stop()

    letters = {names[r.key]: dict(r.headers) for r in records if r.key}
    assert set(letters) == {name for name, *_ in poison}
    for name, _, code, field in poison:
        reason = b"forbidden" if code == "forbidden" else b"rules_broken"
        assert letters[name]["dead-letter-reason"] == reason, name
        detail = json.loads(letters[name]["dead-letter-detail"])
        assert (code, field) in {(item["code"], item["field"]) for item in detail}, (name, detail)
        assert all(item["message"].strip() for item in detail)
    for record in records:
        for raw in HOMOGLYPHS.values():  # nor its escapes, in the value and every header
            blob = b"\n".join([record.value or b"", *(v or b"" for _, v in record.headers)])
            assert raw.encode() not in blob
            assert json.dumps(raw)[1:-1].encode() not in blob
    await assert_still_serving(live)
