"""Tokens are kept hashed; a facilitator acts on every market, a contractor on its own."""

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from harness.builders import HOLDER_SIRET
from services.ingest.adapters.tokens import load_tokens
from services.ingest.domain.access import (
    Principal,
    Role,
    SubmissionKind,
    bearer_token,
    forbidden,
    hash_token,
    not_for_itself,
)

OTHER_SIRET = "44306184100047"
HOLDERS = {"M-1": frozenset({HOLDER_SIRET}), "M-2": frozenset({OTHER_SIRET})}
FACILITATOR = Principal(f"token:{hash_token('f-secret')}", "facilitateur", Role.FACILITATOR)
CONTRACTOR = Principal("titulaire-id", "titulaire", Role.CONTRACTOR, HOLDER_SIRET)


def test_tokens_from_a_toml_file_and_from_json_are_both_recognised(tmp_path: Path) -> None:
    file = tmp_path / "tokens.toml"
    digest = hash_token("f-secret")
    file.write_text(
        f'[[tokens]]\nname = "facilitateur"\nrole = "facilitator"\nsha256 = "{digest}"\n'
    )
    inline = json.dumps(
        [{"name": "acme", "role": "contractor", "siret": HOLDER_SIRET, "sha256": hash_token("c")}]
    )

    registry = load_tokens(file, inline)

    assert registry.authenticate("f-secret") == FACILITATOR
    assert registry.authenticate("c") == Principal(
        f"token:{hash_token('c')}", "acme", Role.CONTRACTOR, HOLDER_SIRET
    )
    assert registry.authenticate("unknown") is None
    assert registry.authenticate(None) is None


def test_a_json_file_with_a_tokens_key_is_read(tmp_path: Path) -> None:
    file = tmp_path / "tokens.json"
    entry = {"name": "f", "role": "facilitator", "sha256": hash_token("s")}
    file.write_text(json.dumps({"tokens": [entry]}))

    registry = load_tokens(file, "")

    assert len(registry) == 1
    assert registry.authenticate("s") == Principal(
        f"token:{hash_token('s')}", "f", Role.FACILITATOR
    )


def test_a_contractor_token_without_siret_is_refused() -> None:
    entry = {"name": "acme", "role": "contractor", "sha256": hash_token("c")}

    with pytest.raises(ValidationError, match="needs its SIRET"):
        load_tokens(None, json.dumps([entry]))


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer  abc ", "abc"),
        ("Basic abc", None),
        ("Bearer", None),
        ("", None),
        (None, None),
    ],
)
def test_only_a_bearer_header_gives_a_token(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token


@pytest.mark.parametrize("kind", list(SubmissionKind))
def test_a_facilitator_may_submit_anything_on_any_market(kind: SubmissionKind) -> None:
    assert forbidden(FACILITATOR, kind, "M-2", HOLDERS) is None


def test_a_contractor_may_not_notify_a_market() -> None:
    assert forbidden(CONTRACTOR, SubmissionKind.MARKET, "M-1", HOLDERS) is not None


@pytest.mark.parametrize("kind", [SubmissionKind.WORK_CONTRACT, SubmissionKind.MONTHLY_HOURS])
def test_a_contractor_submits_only_for_the_markets_it_holds(kind: SubmissionKind) -> None:
    own = forbidden(CONTRACTOR, kind, "M-1", HOLDERS)

    other = forbidden(CONTRACTOR, kind, "M-2", HOLDERS)

    assert own is None
    assert other is not None
    assert "M-2" in other


def test_a_contractor_invoices_only_for_itself() -> None:
    refusal = forbidden(
        CONTRACTOR, SubmissionKind.INVOICE, "M-1", HOLDERS, holder_siret=OTHER_SIRET
    )

    assert refusal is not None
    assert (
        forbidden(CONTRACTOR, SubmissionKind.INVOICE, "M-1", HOLDERS, holder_siret=HOLDER_SIRET)
        is None
    )


@pytest.mark.parametrize("kind", [SubmissionKind.WORK_CONTRACT, SubmissionKind.MONTHLY_HOURS])
def test_a_contractor_declares_only_itself_as_employer_even_on_a_market_both_hold(
    kind: SubmissionKind,
) -> None:
    holders = {"M-3": frozenset({HOLDER_SIRET, OTHER_SIRET})}

    other = not_for_itself(CONTRACTOR, kind, OTHER_SIRET)

    assert forbidden(CONTRACTOR, kind, "M-3", holders, holder_siret=OTHER_SIRET) == other
    assert other is not None
    assert OTHER_SIRET not in other
    assert not_for_itself(CONTRACTOR, kind, HOLDER_SIRET) is None
    assert not_for_itself(FACILITATOR, kind, OTHER_SIRET) is None


def test_an_unknown_market_is_left_to_the_rules_which_say_the_market_is_unknown() -> None:
    assert forbidden(CONTRACTOR, SubmissionKind.MONTHLY_HOURS, "M-404", HOLDERS) is None
