"""Tokens expire and are revoked; a revocation in the tokens file needs no restart."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from services.ingest.adapters import tokens as token_registry
from services.ingest.adapters.tokens import DuplicateTokenError, load_tokens
from services.ingest.domain.access import Principal, Role, hash_token, principal_id

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def entry(token: str, **changes: Any) -> dict[str, Any]:
    return {"name": token, "role": "facilitator", "sha256": hash_token(token), **changes}


def write(file: Path, *entries: dict[str, Any]) -> None:
    file.write_text(json.dumps({"tokens": list(entries)}), encoding="utf-8")


def test_a_token_is_refused_from_its_expiry_on_and_accepted_before() -> None:
    expiry = NOW.isoformat()
    tokens = json.dumps([entry("t", expires_at=expiry)])
    before = load_tokens(None, tokens, clock=lambda: NOW - timedelta(seconds=1))
    at_expiry = load_tokens(None, tokens, clock=lambda: NOW)

    accepted, refused = before.authenticate("t"), at_expiry.authenticate("t")

    assert accepted == Principal(f"token:{hash_token('t')}", "t", Role.FACILITATOR)
    assert refused is None
    assert at_expiry.refusal("t") == f"Jeton d'accès « t » expiré le {expiry}."


def test_a_revoked_token_is_refused_saying_so() -> None:
    registry = load_tokens(None, json.dumps([entry("t", revoked=True)]), clock=lambda: NOW)

    principal = registry.authenticate("t")

    assert principal is None
    assert registry.refusal("t") == "Jeton d'accès « t » révoqué."


def test_an_expiry_without_a_time_zone_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="expires_at needs a time zone"):
        load_tokens(None, json.dumps([entry("t", expires_at="2030-01-01T00:00:00")]))


def test_revoking_in_the_tokens_file_takes_effect_without_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(token_registry, "RECHECK_SECONDS", 0.0)
    file = tmp_path / "tokens.json"
    write(file, entry("kept"), entry("revoked-later"))
    registry = load_tokens(file, "", clock=lambda: NOW)
    before = registry.authenticate("revoked-later")

    write(file, entry("kept"), entry("revoked-later", revoked=True), entry("added"))

    assert before is not None
    assert registry.authenticate("revoked-later") is None
    assert registry.authenticate("kept") is not None
    assert registry.authenticate("added") is not None


def test_a_broken_tokens_file_keeps_the_tokens_read_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(token_registry, "RECHECK_SECONDS", 0.0)
    file = tmp_path / "tokens.json"
    write(file, entry("t"))
    registry = load_tokens(file, "", clock=lambda: NOW)

    file.write_text('{"tokens": [', encoding="utf-8")

    assert registry.authenticate("t") == Principal(
        f"token:{hash_token('t')}", "t", Role.FACILITATOR
    )


def test_a_web_session_of_a_revoked_or_expired_token_is_refused_by_its_hash() -> None:
    tokens = json.dumps(
        [
            entry("valid"),
            entry("revoked", revoked=True),
            entry("expired", expires_at="2020-01-01T00:00:00Z"),
        ]
    )
    registry = load_tokens(None, tokens, clock=lambda: NOW)

    found = [registry.by_hash(hash_token(name)) for name in ("valid", "revoked", "expired")]

    assert found == [
        Principal(f"token:{hash_token('valid')}", "valid", Role.FACILITATOR),
        None,
        None,
    ]


def test_two_tokens_with_one_name_are_refused_at_start_naming_it_in_french_and_english() -> None:
    tokens = json.dumps([entry("acme"), {**entry("other"), "name": "acme"}])

    with pytest.raises(DuplicateTokenError) as refused:
        load_tokens(None, tokens)

    assert "Deux jetons portent le même nom « acme »" in str(refused.value)
    assert "Two tokens share the name 'acme'" in str(refused.value)


def test_a_name_in_the_file_and_again_inline_is_a_duplicate_too(tmp_path: Path) -> None:
    file = tmp_path / "tokens.json"
    write(file, entry("acme"))

    with pytest.raises(DuplicateTokenError, match="acme"):
        load_tokens(file, json.dumps([{**entry("other"), "name": "acme"}]))


def test_a_tokens_file_rewritten_with_a_duplicate_name_keeps_the_tokens_read_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(token_registry, "RECHECK_SECONDS", 0.0)
    file = tmp_path / "tokens.json"
    write(file, entry("t"))
    registry = load_tokens(file, "", clock=lambda: NOW)

    write(file, entry("t"), {**entry("intruder"), "name": "t"})

    assert registry.authenticate("t") is not None
    assert registry.authenticate("intruder") is None


def test_each_token_is_its_own_principal_by_id_and_a_configured_id_is_kept() -> None:
    tokens = json.dumps([entry("old"), entry("new"), entry("rotated", id="acme-2026")])
    registry = load_tokens(None, tokens, clock=lambda: NOW)

    old, new, rotated = (registry.authenticate(name) for name in ("old", "new", "rotated"))

    assert old is not None
    assert new is not None
    assert rotated is not None
    assert principal_id(old) != principal_id(new)
    assert principal_id(old) == f"token:{hash_token('old')}"
    assert principal_id(rotated) == "acme-2026"
    assert registry.ids_by_name() == {
        "old": principal_id(old),
        "new": principal_id(new),
        "rotated": "acme-2026",
    }


def test_two_tokens_given_one_id_are_refused() -> None:
    tokens = json.dumps([entry("a", id="same"), entry("b", id="same")])

    with pytest.raises(DuplicateTokenError, match="identifiant « same »"):
        load_tokens(None, tokens)
