"""Tokens are kept hashed; a facilitator acts on the markets of the buyers it serves, a
contractor on its own."""

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
    outside_perimeter,
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


REGION, DEPARTEMENT = "23440003400026", "22440002800011"
BUYER_OF = {"M-1": REGION, "M-2": DEPARTEMENT}
FOR_REGION = Principal(
    "f-region", "facilitateur région", Role.FACILITATOR, None, frozenset({REGION})
)


def test_a_facilitator_tokens_buyers_become_its_perimeter(tmp_path: Path) -> None:
    entry = {"name": "f", "role": "facilitator", "buyers": [REGION], "sha256": hash_token("s")}
    file = tmp_path / "tokens.json"
    file.write_text(json.dumps([entry]))

    principal = load_tokens(file, "").authenticate("s")

    assert principal is not None
    assert principal.buyers == frozenset({REGION})


@pytest.mark.parametrize(
    "fields",
    [
        {"role": "contractor", "siret": HOLDER_SIRET, "buyers": [REGION]},
        {"role": "facilitator", "buyers": []},
        {"role": "facilitator", "buyers": ["2344000340002"]},  # 13 digits: not a SIRET
    ],
)
def test_a_perimeter_is_refused_when_it_is_empty_invalid_or_not_a_facilitators(
    tmp_path: Path, fields: dict[str, object]
) -> None:
    file = tmp_path / "tokens.json"
    file.write_text(json.dumps([{"name": "t", "sha256": hash_token("s"), **fields}]))

    with pytest.raises(ValidationError):
        load_tokens(file, "")


def test_a_facilitator_notifies_markets_only_for_the_buyers_it_serves() -> None:
    market = SubmissionKind.MARKET

    assert outside_perimeter(FOR_REGION, market, "M-9", BUYER_OF, buyer_siret=REGION) is None
    assert outside_perimeter(FOR_REGION, market, "M-9", BUYER_OF, buyer_siret=DEPARTEMENT) == (
        "buyer.siret",
        f"l'acheteur (SIRET {DEPARTEMENT}) n'est pas dans le périmètre de ce jeton",
    )
    # a market id another buyer notified stays that buyer's, even named for the region
    taken = outside_perimeter(FOR_REGION, market, "M-2", BUYER_OF, buyer_siret=REGION)
    assert taken is not None
    assert taken[0] == "market_id"


@pytest.mark.parametrize(
    "kind",
    [SubmissionKind.INVOICE, SubmissionKind.WORK_CONTRACT, SubmissionKind.MONTHLY_HOURS],
)
def test_a_facilitator_submits_only_on_the_markets_of_the_buyers_it_serves(
    kind: SubmissionKind,
) -> None:
    assert outside_perimeter(FOR_REGION, kind, "M-1", BUYER_OF) is None
    assert outside_perimeter(FOR_REGION, kind, "M-2", BUYER_OF) == (
        "market_id",
        "le marché « M-2 » relève d'un acheteur hors du périmètre de ce jeton",
    )
    # not notified yet: no buyer to judge by, the rules refuse an unknown market
    assert outside_perimeter(FOR_REGION, kind, "M-3", BUYER_OF) is None


def test_a_facilitator_without_perimeter_and_a_contractor_are_not_judged_by_perimeter() -> None:
    contractor = SubmissionKind.INVOICE
    assert outside_perimeter(FACILITATOR, contractor, "M-2", BUYER_OF) is None
    assert outside_perimeter(CONTRACTOR, contractor, "M-2", BUYER_OF) is None
