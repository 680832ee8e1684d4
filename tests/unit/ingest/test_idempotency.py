"""Idempotency keys and stated versions: the pure rules (issue 14, case 8)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.builders import an_invoice
from services.ingest.domain.idempotency import InvalidKeyError, fingerprint, parse_key
from services.ingest.domain.versions import (
    Conflict,
    InvalidPreconditionError,
    Known,
    Pending,
    Reservation,
    Stale,
    Versioner,
    content_hash,
    etag,
    expected_versions,
    identity_of,
    parse_if_match,
)

NOW = datetime(2023, 7, 15, tzinfo=UTC)
KEY_CHARACTERS = st.sampled_from("ABCXYZabcxyz0123456789-_.:~+/=")


@given(st.text(KEY_CHARACTERS, min_size=8, max_size=128))
def test_a_key_reads_the_same_quoted_as_an_sf_string_or_bare(key: str) -> None:
    assert parse_key([f'"{key}"']) == key
    assert parse_key([key]) == key


@pytest.mark.parametrize(
    "value",
    ['""', '"short"', '"' + "k" * 129 + '"', '"a b c d e f g"', '"abc\\"defghij"', "clé-de-test"],
)
def test_a_malformed_key_is_refused_in_french(value: str) -> None:
    with pytest.raises(InvalidKeyError, match="caractères"):
        parse_key([value])


def test_two_key_fields_are_refused_and_none_is_no_key() -> None:
    with pytest.raises(InvalidKeyError, match="un seul"):
        parse_key(["aaaaaaaa", "bbbbbbbb"])
    assert parse_key([]) is None


@given(st.binary(), st.binary())
def test_the_fingerprint_tells_bodies_and_routes_apart(one: bytes, other: bytes) -> None:
    assert (fingerprint("POST /a", one) == fingerprint("POST /a", other)) == (one == other)
    assert fingerprint("POST /a", one) != fingerprint("POST /b", one)


@given(st.integers(min_value=0, max_value=9_999_999_999))
def test_an_etag_names_its_version_strong_or_weak(version: int) -> None:
    assert parse_if_match([etag(version)]) == version
    assert parse_if_match([f"W/{etag(version)}"]) == version


@pytest.mark.parametrize("value", ["3", '"-1"', "*", '"1", "2"', '"abc"'])
def test_a_malformed_if_match_is_refused_in_french(value: str) -> None:
    with pytest.raises(InvalidPreconditionError, match="attendu"):
        parse_if_match([value])


def pending(amount: str, expected: list[int | None]) -> Pending:
    event = an_invoice(amount_ht=Decimal(amount))
    return Pending("s", "http", "invoice", "t", "token:t", NOW, [event], expected)


def known_at(version: int, amount: str) -> dict[str, Known]:
    event = an_invoice(amount_ht=Decimal(amount))
    return {identity_of(event): Known(version, content_hash(event), "earlier", published=True)}


@given(
    st.integers(min_value=0, max_value=5),
    st.integers(min_value=0, max_value=5),
    st.booleans(),
)
def test_a_stated_version_is_honoured_only_when_current_or_the_content_is_unchanged(
    current: int, stated: int, unchanged: bool
) -> None:
    known = known_at(current, "100.00") if current else {}
    amount = "100.00" if unchanged and current else "200.00"
    versioner = Versioner(known)

    result = versioner.reserve(pending(amount, [stated]))

    if stated == current or (unchanged and current):
        assert isinstance(result, Reservation)
    else:
        assert result == Conflict([Stale(0, stated, current)], 1)
        assert versioner.writes() == ([], [])


def test_if_match_applies_to_a_body_of_one_item_only() -> None:
    class Item:
        replaces_version = None

    assert expected_versions([Item()], 3) == [3]
    assert expected_versions([Item(), Item()], None) == [None, None]
    with pytest.raises(InvalidPreconditionError, match="un seul élément"):
        expected_versions([Item(), Item()], 3)
