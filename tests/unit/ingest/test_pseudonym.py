"""The same person always gets the same pseudonym; the raw identifier never shows."""

import hashlib
import hmac
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.builders import RAW_BENEFICIARY, TEST_PSEUDONYMISATION_KEY
from services.ingest.domain.pseudonym import Pseudonymiser, normalise_identifier, normalise_unicode

identifiers = st.from_regex(r"[A-Za-z0-9]{1,30}", fullmatch=True)
# what an identifier may be written with: ASCII, accented, decomposed and full-width letters
written = st.lists(
    st.sampled_from([*"ABCXYZabcxyz0189-._éÉèçßŒÅ１２Ａｂ", "e\u0301", "A\u030a"]),
    min_size=1,
    max_size=20,
).map("".join)
# drawn as nothing: format characters (Cf), other default-ignorable code points, controls,
# every kind of space
INVISIBLE = [
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u00ad", "\u2060", "\u2061",
    "\u2062", "\u2063", "\u2064", "\u2066", "\u2069", "\u202a", "\u202e", "\ufeff",
    "\u061c", "\u180e", "\u034f", "\u115f", "\u1160", "\u3164", "\uffa0", "\u17b4",
    "\u180b", "\ufe00", "\ufe0f", "\U000e0001", "\U000e0041", "\U000e0100", "\U0001d173",
    "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\u00a0", "\u202f", "\u2007",
    "\u3000", "\u2028", " ", "\t", "\n",
]  # fmt: skip
# the default-ignorable code points that are not format characters (Cf)
IGNORABLE_NOT_CF = [
    "\u034f", "\u115f", "\u1160", "\u17b4", "\u17b5", "\u180b", "\u180c", "\u180d",
    "\u180f", "\u3164", "\uffa0", *map(chr, range(0xFE00, 0xFE10)),
    *map(chr, range(0xE0100, 0xE01F0)),
]  # fmt: skip
without_invisible = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cf", "Cc", "Cs", "Cn"), blacklist_characters=IGNORABLE_NOT_CF
    )
)


def earlier_rule(raw: str) -> str:
    """The normalisation before invisible characters were removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)).upper()


@given(written, st.lists(st.tuples(st.integers(0, 40), st.sampled_from(INVISIBLE)), max_size=6))
def test_an_identifier_with_invisible_characters_inserted_anywhere_gets_the_same_pseudonym(
    identifier: str, insertions: list[tuple[int, str]]
) -> None:
    pseudonymise = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)
    looks_the_same = identifier
    for position, invisible in insertions:
        at = position % (len(looks_the_same) + 1)
        if invisible.isspace() and unicodedata.combining(looks_the_same[at : at + 1] or "a"):
            # a space before a combining accent is not invisible: the accent sits on it ("e ́"),
            # and such a text keeps the pseudonym it always had (the earlier rule, below)
            continue
        looks_the_same = looks_the_same[:at] + invisible + looks_the_same[at:]

    assert pseudonymise(looks_the_same) == pseudonymise(identifier)


@pytest.mark.parametrize("invisible", INVISIBLE)
def test_each_invisible_character_is_removed_before_the_keyed_hash(invisible: str) -> None:
    assert normalise_identifier(f"AB{invisible}12") == "AB12"
    assert normalise_identifier(f"Zoé{invisible}12") == "ZOÉ12"


@given(without_invisible)
def test_an_identifier_without_invisible_characters_is_normalised_as_before(raw: str) -> None:
    assert normalise_identifier(raw) == earlier_rule(raw)


def test_an_ordinary_identifier_keeps_the_pseudonym_it_had() -> None:
    pseudonymise = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)

    # computed by the normalisation released before invisible characters were removed
    assert pseudonymise(RAW_BENEFICIARY) == (
        "47c63c8f5bb75c7e38216236bcbb18934cb75d88b923c3958f37bcf382d3841e"
    )
    assert pseudonymise("Zoé-12") == (
        "33d8d46e1316204aba7dcaf3fb9ae36da35542717526efd9fedf17630782e6db"
    )


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
    assert normalise_identifier(raw) == normalise_unicode(raw)


@given(st.text(min_size=1, max_size=40))
def test_a_pseudonym_is_the_hmac_sha256_of_the_normalised_identifier(raw: str) -> None:
    expected = hmac.new(
        TEST_PSEUDONYMISATION_KEY.encode(), normalise_identifier(raw).encode(), hashlib.sha256
    ).hexdigest()

    assert Pseudonymiser(TEST_PSEUDONYMISATION_KEY)(raw) == expected
