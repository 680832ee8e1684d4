"""A raw message is read into a submission, or refused with a precise reason."""

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from harness.builders import a_contract_submission
from services.ingest.adapters.tokens import load_tokens
from services.ingest.domain.access import hash_token
from services.ingest.domain.raw_messages import (
    RawWorkContract,
    Refusal,
    read_raw,
    redacted_document,
)

TOKENS = load_tokens(
    None, json.dumps([{"name": "f", "role": "facilitator", "sha256": hash_token("t")}])
)
AUTH = [("Authorization", b"Bearer t")]
MESSAGE = json.dumps(
    {"type": "work_contract", **a_contract_submission().model_dump(mode="json")}
).encode()


def reason(value: bytes, headers: Any = AUTH) -> str:
    read = read_raw(value, headers, TOKENS, 10_000)
    return read.reason if isinstance(read, Refusal) else "accepted"


def test_a_valid_message_with_a_known_token_is_read() -> None:
    read = read_raw(MESSAGE, AUTH, TOKENS, 10_000)

    assert not isinstance(read, Refusal)
    assert isinstance(read[1], RawWorkContract)
    assert read[0].name == "f"


@given(st.integers(min_value=1, max_value=len(MESSAGE) - 1))
def test_any_cut_of_a_valid_message_is_recognised_as_truncated(length: int) -> None:
    assert reason(MESSAGE[:length]) == "truncated_json"


def test_the_token_is_checked_before_the_content() -> None:
    assert reason(b"garbage", []) == "missing_token"
    assert reason(b"garbage", [("authorization", None)]) == "missing_token"
    assert reason(b"garbage", [("authorization", b"Bearer wrong")]) == "unknown_token"


def test_within_a_batch_each_authorization_is_checked_once_with_the_same_answers() -> None:
    headers = [
        AUTH,
        [("authorization", b"Bearer wrong")],
        [],
        AUTH,
        [("authorization", b"Bearer wrong")],
    ]
    senders: dict[Any, Any] = {}
    checked: list[str] = []
    counting = CountingTokens(checked)

    reads = [read_raw(MESSAGE, each, counting, 10_000, senders) for each in headers]
    alone = [read_raw(MESSAGE, each, TOKENS, 10_000) for each in headers]

    assert [r.reason if isinstance(r, Refusal) else r[0].name for r in reads] == [
        r.reason if isinstance(r, Refusal) else r[0].name for r in alone
    ]
    assert sorted(checked) == ["t", "wrong"]


class CountingTokens:
    """The test tokens, noting every token it is asked about."""

    def __init__(self, checked: list[str]) -> None:
        self.checked = checked

    def authenticate(self, token: str | None) -> Any:
        self.checked.append(token or "")
        return TOKENS.authenticate(token)


def test_a_message_over_the_limit_is_refused_before_being_parsed() -> None:
    assert reason(b" " * 10_001) == "too_large"


@given(st.text(min_size=1, max_size=40))
def test_redaction_keeps_the_shape_and_replaces_every_identifier(identifier: str) -> None:
    document = {
        "type": "monthly_hours",
        "lines": [{"beneficiary_id": identifier, "h": "2"}],
        "beneficiary_id": identifier,
    }
    value = json.dumps(document, ensure_ascii=False).encode()

    restored = redacted_document(value)

    hidden = f"<texte de {len(identifier)} caractère(s)>"
    assert restored == {
        "type": "monthly_hours",
        "lines": [{"beneficiary_id": hidden, "<champ inconnu 1>": "<texte de 1 caractère(s)>"}],
        "beneficiary_id": hidden,
    }
