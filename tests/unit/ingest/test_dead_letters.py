"""A dead letter says why a raw message was refused and what shape it had, and never carries
a beneficiary identifier (nor any other value), whatever the message's shape."""

import copy
import hashlib
import json
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.builders import TEST_PSEUDONYMISATION_KEY, a_contract_submission, an_hours_submission
from services.ingest.adapters.tokens import load_tokens
from services.ingest.domain.access import hash_token
from services.ingest.domain.pseudonym import Pseudonymiser
from services.ingest.domain.raw_messages import (
    DeadLetter,
    Refusal,
    dead_letter,
    keyed_digest,
    read_raw,
)
from services.ingest.domain.refusals import (
    Problem,
    hours_problems,
    period_problem,
    problem_item,
    unknown_market,
)

TOKENS = load_tokens(
    None, json.dumps([{"name": "f", "role": "facilitator", "sha256": hash_token("t")}])
)
AUTH = [("authorization", b"Bearer t")]
PSEUDONYMISER = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)
NIR = "2850512345678"
BEN = "BEN-7QX2K9ZL"
CONTRACT = {"type": "work_contract", **a_contract_submission().model_dump(mode="json")}
HOURS = {"type": "monthly_hours", **an_hours_submission().model_dump(mode="json")}


def encoded(document: Any, **options: Any) -> bytes:
    return json.dumps(document, **options).encode()


def letter_of(value: bytes, *, key: bytes | None = b"M-1", headers: Any = AUTH) -> DeadLetter:
    """The dead letter ingest writes for a raw message it refuses."""
    read = read_raw(value, headers, TOKENS, 1024 * 1024)
    assert isinstance(read, Refusal), "the message was accepted"
    return letter_for(read, value, key=key)


def letter_for(refusal: Refusal, value: bytes, *, key: bytes | None = b"M-1") -> DeadLetter:
    record = SimpleNamespace(
        value=value, key=key, topic="raw", partition=2, offset=41, timestamp=1_700_000_000_000
    )
    return dead_letter(record, refusal, PSEUDONYMISER)


def texts_of(letter: DeadLetter) -> list[str]:
    """Everything a dead letter shows, as bytes read and as JSON decoded (escapes undone)."""
    shown = [(letter.key or b"").decode(), letter.value.decode(), *letter.headers.values()]
    shown += [json.dumps(json.loads(letter.value), ensure_ascii=False)]
    shown += [json.dumps(json.loads(letter.headers["dead-letter-detail"]), ensure_ascii=False)]
    return shown


def carries(letter: DeadLetter, identifier: str) -> bool:
    return any(
        identifier in text or identifier.lower() in text.lower() for text in texts_of(letter)
    )


def body(letter: DeadLetter) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(letter.value)
    return loaded


def escaped(text: str) -> str:
    """Every character as a JSON \\u escape."""
    return "".join(f"\\u{ord(char):04x}" for char in text)


HOSTILE = [
    ("identifier as a JSON number", encoded({**CONTRACT, "beneficiary_id": int(NIR)})),
    ("identifier in a list", encoded({**CONTRACT, "beneficiary_id": [NIR, BEN]})),
    (
        "key written with a JSON escape",
        encoded({**CONTRACT, "beneficiary_id": NIR, "gender": "robot"}).replace(
            b'"beneficiary_id"', b'"beneficiary\\u005fid"'
        ),
    ),
    (
        "identifier written with JSON escapes",
        encoded({**CONTRACT, "gender": "robot"}).replace(
            json.dumps(CONTRACT["beneficiary_id"]).encode(), f'"{escaped(NIR)}"'.encode()
        ),
    ),
    ("identifier in free text", encoded({**CONTRACT, "notes": f"Mme Durand, NIR {NIR} ({BEN})"})),
    ("identifier in an unknown field", encoded({**CONTRACT, "nir": NIR, "ben": BEN})),
    ("identifier as an unknown key", encoded({**CONTRACT, NIR: True, BEN: None})),
    (
        "identifier nested in objects and lists",
        encoded({**CONTRACT, "extra": {"people": [{"id": NIR, "refs": [[BEN]]}]}}),
    ),
    (
        "identifier in a report's line",
        encoded({**HOURS, "lines": [{**HOURS["lines"][0], "beneficiary_id": [NIR], "note": BEN}]}),
    ),
    ("identifier as the schema version", encoded({**CONTRACT, "schema_version": NIR})),
    ("identifier as the type", encoded({**CONTRACT, "type": BEN})),
    ("identifier as a code", encoded({**CONTRACT, "gender": NIR, "contract_type": BEN})),
    ("identifier as a date", encoded({**CONTRACT, "start_date": NIR, "end_date": BEN})),
    ("identifier as a SIRET", encoded({**CONTRACT, "employer_siret": NIR})),
    ("identifier as a bare number", NIR.encode()),
    ("identifier as a bare string", encoded(BEN)),
    ("identifier in a list of documents", encoded([{**CONTRACT, "beneficiary_id": NIR}, BEN])),
    ("not JSON with an identifier", f"beneficiary={NIR}&ref={BEN}".encode()),
    ("truncated JSON with an identifier", encoded({**CONTRACT, "beneficiary_id": NIR})[:-30]),
    ("truncated in the identifier", encoded({**CONTRACT, "notes": BEN + NIR})[:-8]),
    ("latin-1 with an identifier", f'{{"beneficiary_id": "{NIR}é"}}'.encode("latin-1")),
    ("duplicate keys", encoded(CONTRACT)[:-1] + f', "beneficiary_id": [{NIR}]}}'.encode()),
]


@pytest.mark.parametrize(("name", "value"), HOSTILE, ids=[name for name, _ in HOSTILE])
def test_a_dead_letter_carries_no_identifier_whatever_the_shape_of_the_message(
    name: str, value: bytes
) -> None:
    assert NIR.encode() in value or BEN.encode() in value or escaped(NIR).encode() in value

    letter = letter_of(value)

    assert not carries(letter, NIR), texts_of(letter)
    assert not carries(letter, BEN), texts_of(letter)


@pytest.mark.parametrize("headers", [[], [("authorization", b"Bearer guessed")]])
def test_a_refused_sender_s_message_carries_no_identifier_either(headers: Any) -> None:
    letter = letter_of(encoded({**CONTRACT, "beneficiary_id": NIR, "note": BEN}), headers=headers)

    assert not carries(letter, NIR)
    assert not carries(letter, BEN)


def test_the_key_of_a_message_keyed_by_person_is_not_copied() -> None:
    letter = letter_of(b"not json", key=NIR.encode())

    assert letter.key == keyed_digest(NIR.encode(), PSEUDONYMISER).encode()
    assert not carries(letter, NIR)


@pytest.mark.parametrize(
    "problem",
    [
        unknown_market(NIR, 0),
        unknown_market(BEN, 3),
        period_problem("2999-01", date(2024, 1, 1)),
        *hours_problems(Decimal("-1234567890123"), Decimal(0), Decimal(208)),
        Problem("contract_other_market", "contract_id", f"le contrat « {BEN} » relève de {NIR}"),
        Problem("a_rule_added_later", "contract_id", f"le contrat « {BEN} » de {NIR}", line=2),
        Problem("forbidden", "market_id", f"le marché « {NIR} » n'est pas détenu par {BEN}"),
    ],
)
def test_a_broken_rule_is_explained_without_the_values_its_message_quotes(
    problem: Problem | None,
) -> None:
    assert problem is not None
    items = [problem_item(problem).model_dump(exclude_none=True)]
    value = encoded({**CONTRACT, "market_id": NIR, "contract_id": BEN})

    letter = letter_for(Refusal("rules_broken", items), value)

    [item] = json.loads(letter.headers["dead-letter-detail"])
    assert item["code"] == problem.code
    assert item["field"] == problem.field
    assert item["message"].strip()
    assert not carries(letter, NIR)
    assert not carries(letter, BEN)
    assert "1234567890123" not in item["message"]
    assert "2999-01" not in item["message"]


def test_a_detail_names_only_the_schema_s_fields_and_list_positions() -> None:
    items = [
        {"code": "extra_forbidden", "message": "champ inconnu", "field": NIR, "location": NIR},
        {
            "code": "string_type",
            "message": "texte attendu",
            "field": "beneficiary_id",
            "location": f"lines[3].{BEN}[{NIR}].beneficiary_id",
        },
        {"code": f"x{NIR}", "message": f"valeur {BEN}"},
    ]

    letter = letter_for(Refusal("invalid_submission", items), b"{}")

    detail = json.loads(letter.headers["dead-letter-detail"])
    assert [item.get("field") for item in detail] == ["<champ inconnu>", "beneficiary_id", None]
    assert detail[1]["location"] == "lines[3].<champ inconnu>[<champ inconnu>].beneficiary_id"
    assert detail[2]["code"] == "invalid"
    assert not carries(letter, NIR)
    assert not carries(letter, BEN)


def test_an_operator_sees_the_reason_the_size_the_digest_the_shape_and_where_it_came_from() -> None:
    original = encoded({**CONTRACT, "gender": "robot", "nom": "Dupont", "beneficiary_id": NIR})

    letter = letter_of(original)

    shown = body(letter)
    assert shown["dead_letter_version"] == 2
    assert shown["reason"] == letter.headers["dead-letter-reason"] == "unknown_code"
    assert shown["size"] == len(original)
    assert shown["digest"] == keyed_digest(original, PSEUDONYMISER)
    document = shown["document"]
    assert document["type"] == "work_contract"
    assert document["contract_type"] == CONTRACT["contract_type"]  # a code of a closed list
    assert document["start_date"] == CONTRACT["start_date"]
    assert document["gender"] == "<texte de 5 caractère(s)>"  # not one of the codes
    assert document["beneficiary_id"] == f"<texte de {len(NIR)} caractère(s)>"
    assert document["<champ inconnu 1>"] == "<texte de 6 caractère(s)>"
    assert "nom" not in document
    assert {k: v for k, v in letter.headers.items() if k.startswith("source-")} == {
        "source-topic": "raw",
        "source-partition": "2",
        "source-offset": "41",
        "source-timestamp": "1700000000000",
    }
    detail = json.loads(letter.headers["dead-letter-detail"])
    assert [(item["code"], item.get("location")) for item in detail] == [
        ("enum", "gender"),
        ("extra_forbidden", "<champ inconnu>"),
    ]


@pytest.mark.parametrize(
    ("value", "reason"),
    [(b"not json", "not_json"), (encoded(CONTRACT)[:40], "truncated_json"), (b"", "empty")],
)
def test_a_message_that_could_not_be_read_keeps_no_body_but_its_reason_size_and_digest(
    value: bytes, reason: str
) -> None:
    shown = body(letter_of(value))

    assert shown == {
        "dead_letter_version": 2,
        "reason": reason,
        "size": len(value),
        "digest": keyed_digest(value, PSEUDONYMISER),
        "document": None,
    }


def test_the_digest_is_keyed_and_is_never_the_pseudonym_of_a_bare_identifier() -> None:
    value = NIR.encode()

    digest = body(letter_of(value))["digest"]

    assert digest != hashlib.sha256(value).hexdigest()  # could be found again from every NIR
    assert digest != PSEUDONYMISER(NIR)
    assert digest != keyed_digest(value, Pseudonymiser(TEST_PSEUDONYMISATION_KEY + "x"))


def test_a_huge_or_deep_document_gives_a_bounded_dead_letter() -> None:
    wide = encoded({**CONTRACT, "lines": [{"beneficiary_id": NIR}] * 20_000})
    deep = encoded({**CONTRACT, "notes": json.loads("[" * 500 + "1" + "]" * 500)})

    letters = [letter_of(wide), letter_of(deep)]

    assert all(len(letter.value) < 200_000 for letter in letters)
    assert '"<et 19980 autre(s) élément(s)>"' in letters[0].value.decode()
    assert not any(carries(letter, NIR) for letter in letters)


# --- property: any JSON document with an identifier planted anywhere ---------------------

identifiers = st.one_of(
    st.from_regex(r"[12][0-9]{12}", fullmatch=True),  # a NIR without its key
    st.from_regex(r"BEN-[A-Z0-9]{8,16}", fullmatch=True),
    st.from_regex(r"[a-z]{3,8}\.[a-z]{3,8}-[0-9]{4}", fullmatch=True),
)
known_keys = st.sampled_from(sorted(CONTRACT) + sorted(HOURS) + ["lines", "holders", "buyer"])
keys = known_keys | st.text(max_size=12)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=20,
)


def planted(document: Any, identifier: str, where: int, how: int) -> Any:
    """The document with the identifier put somewhere in it, in one of several forms."""
    document = copy.deepcopy(document)  # hypothesis's own value stays as it was drawn
    forms: list[Any] = [
        identifier,
        f"note : {identifier} (voir dossier)",
        [identifier],
        {"beneficiary_id": identifier},
        {identifier: 1},
        int(identifier) if identifier.isdigit() else identifier,
    ]
    form = forms[how % len(forms)]
    containers: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, (dict, list)):
            containers.append(node)
            for child in node.values() if isinstance(node, dict) else node:
                walk(child)

    walk(document)
    if not containers:
        return {**CONTRACT, "beneficiary_id": form, "extra": document}
    target = containers[where % len(containers)]
    if isinstance(target, dict):
        target[f"k{where}" if how % 2 else "beneficiary_id"] = form
    else:
        target.insert(where % (len(target) + 1), form)
    return document


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    documents,
    identifiers,
    st.integers(0, 1000),
    st.integers(0, 1000),
    st.booleans(),
    st.booleans(),
    st.one_of(st.none(), st.integers(1, 400)),
)
def test_any_document_with_an_identifier_planted_anywhere_gives_a_dead_letter_without_it(
    document: Any,
    identifier: str,
    where: int,
    how: int,
    as_contract: bool,
    ascii_only: bool,
    cut: int | None,
) -> None:
    if as_contract and isinstance(document, dict):
        document = {**CONTRACT, **document}
    value = encoded(planted(document, identifier, where, how), ensure_ascii=ascii_only)
    if cut is not None:
        value = value[: max(1, len(value) - cut)]
    read = read_raw(value, AUTH, TOKENS, 1024 * 1024)
    refusal = read if isinstance(read, Refusal) else Refusal("rules_broken", [])

    letter = letter_for(refusal, value, key=value[:40])

    assert not carries(letter, identifier), texts_of(letter)
