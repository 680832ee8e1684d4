"""The same person always gets the same pseudonym; the raw identifier never shows."""

import hashlib
import hmac
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.ingest.pseudonym import Pseudonymiser, normalise_identifier
from tests.builders import RAW_BENEFICIARY, TEST_PSEUDONYMISATION_KEY

identifiers = st.from_regex(r"[A-Za-z0-9]{1,30}", fullmatch=True)


@given(identifiers, st.sampled_from([" ", "  ", "\t", "\u00a0"]))
def test_the_same_identifier_written_differently_gets_the_same_pseudonym(
    identifier: str, space: str
) -> None:
    pseudonymise = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)
    written_otherwise = space + space.join(identifier.lower()) + space

    assert pseudonymise(written_otherwise) == pseudonymise(identifier.upper())


@given(identifiers, identifiers)
def test_different_people_get_different_pseudonyms(first: str, second: str) -> None:
    pseudonymise = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)

    same_person = normalise_identifier(first) == normalise_identifier(second)

    assert (pseudonymise(first) == pseudonymise(second)) == same_person


def test_a_pseudonym_is_64_hex_characters_and_does_not_contain_the_identifier() -> None:
    pseudonym = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)(RAW_BENEFICIARY)

    assert len(pseudonym) == 64
    assert set(pseudonym) <= set("0123456789abcdef")
    assert RAW_BENEFICIARY not in pseudonym


def test_another_key_gives_another_pseudonym() -> None:
    first = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)(RAW_BENEFICIARY)

    second = Pseudonymiser(TEST_PSEUDONYMISATION_KEY + "x")(RAW_BENEFICIARY)

    assert first != second


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="32 characters"):
        Pseudonymiser("too-short")


def test_the_key_does_not_show_in_the_representation() -> None:
    shown = repr(Pseudonymiser(TEST_PSEUDONYMISATION_KEY))

    assert TEST_PSEUDONYMISATION_KEY not in shown


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
def test_the_ascii_shortcut_normalises_as_the_general_rule(raw: str) -> None:
    general = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)).upper()

    assert normalise_identifier(raw) == general


@given(st.text(min_size=1, max_size=40))
def test_a_pseudonym_is_the_hmac_sha256_of_the_normalised_identifier(raw: str) -> None:
    expected = hmac.new(
        TEST_PSEUDONYMISATION_KEY.encode(), normalise_identifier(raw).encode(), hashlib.sha256
    ).hexdigest()

    assert Pseudonymiser(TEST_PSEUDONYMISATION_KEY)(raw) == expected
