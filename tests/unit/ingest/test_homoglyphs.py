"""A beneficiary identifier holding a letter of another script than Latin is refused: a
Cyrillic A (U+0410) or a Greek O (U+039F) drawn like a Latin one would count one person twice."""

import hashlib
import hmac
import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from harness.builders import (
    TEST_PSEUDONYMISATION_KEY,
    a_contract_submission,
    a_rule_context,
    an_hours_submission,
)
from services.ingest.domain.hours_csv import parse_hours_csv
from services.ingest.domain.pseudonym import Pseudonymiser, latin_identifier
from services.ingest.domain.refusals import beneficiary_id_problem
from services.ingest.domain.rules import contract_event, hours_event
from shared.events import WorkContractSigned
from tests.unit.ingest.test_csv_import import FRENCH_HEADER, french_row

pseudonymise = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)
SCRIPTS = ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC", "GEORGIAN", "LISU", "HEBREW")
FOREIGN_LETTERS = [
    char
    for char in map(chr, range(0x80, 0x20000))
    if unicodedata.category(char).startswith("L") and unicodedata.name(char, "").startswith(SCRIPTS)
]
# Latin letters whose normalisation is not only Latin letters: Ŀ ŀ (L·, a middle dot), ŉ
# (N after U+02BC, a modifier apostrophe), ẚ (a modifier half ring), ↄ (upper case: a Roman numeral)
NOT_LATIN_ONCE_NORMALISED = frozenset("\u013f\u0140\u0149\u1e9a\u2184")
LATIN_LETTERS = [
    char
    for char in map(chr, range(0x80, 0x20000))
    if unicodedata.category(char).startswith("L")
    and unicodedata.name(char, "").startswith("LATIN ")
    and char not in NOT_LATIN_ONCE_NORMALISED
]
# combining accents; not U+034F (invisible) nor U+0345 (upper case: a Greek iota)
ACCENTS = [chr(c) for c in range(0x300, 0x370) if c not in (0x34F, 0x345)]
SEPARATORS = "-._/"
latin_letter = st.sampled_from([*"ABCXYZabcxyz", *LATIN_LETTERS])
unit = st.one_of(
    st.sampled_from([*"ABCXYZabcxyz0189", *SEPARATORS]),
    st.characters(min_codepoint=0x21, max_codepoint=0x7E),  # any visible ASCII
    latin_letter,
    st.tuples(latin_letter, st.sampled_from(ACCENTS)).map("".join),  # e + U+0301
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width: NFKC makes ASCII
)
accepted = st.lists(unit, min_size=1, max_size=20).map("".join)
foreign_letter = st.sampled_from(FOREIGN_LETTERS)


@st.composite
def with_a_foreign_letter(draw: st.DrawFn, alphabet: st.SearchStrategy[str] = accepted) -> str:
    """An accepted identifier with one letter of another script put anywhere in it."""
    identifier = draw(alphabet)
    at = draw(st.integers(0, len(identifier)))
    return identifier[:at] + draw(foreign_letter) + identifier[at:]


def hmac_of_earlier_rule(raw: str) -> str:
    """The pseudonym as computed before this rule (NFKC, no whitespace, upper case)."""
    normalised = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)).upper()
    key = TEST_PSEUDONYMISATION_KEY.encode()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


@given(with_a_foreign_letter())
def test_an_identifier_with_a_letter_of_another_script_is_refused(raw: str) -> None:
    problem = beneficiary_id_problem(raw, line=3)

    assert not latin_identifier(raw)
    assert problem is not None
    assert (problem.code, problem.field, problem.line) == (
        "beneficiary_id_script",
        "beneficiary_id",
        3,
    )
    assert raw not in problem.message


@given(accepted)
def test_an_identifier_in_the_accepted_alphabet_is_accepted(raw: str) -> None:
    assert latin_identifier(raw)
    assert beneficiary_id_problem(raw) is None


@given(accepted.map(str.strip).filter(bool))
def test_an_accepted_identifier_keeps_its_pseudonym_in_the_contract_event(raw: str) -> None:
    event = contract_event(
        a_contract_submission(beneficiary_id=raw), pseudonymise, a_rule_context()
    )

    assert isinstance(event, WorkContractSigned)
    assert event.beneficiary == hmac_of_earlier_rule(raw)


def test_the_homoglyphs_of_the_probe_are_refused_and_accents_are_not() -> None:
    refused = ["\u0410B12", "AB12\u039f", "\u0391B12", "A\u0392\u0031\u0032", "\u13aaB12"]
    kept = ["AB12", "Zoé-12", "ZOE\u0301-12", "Straße/4", "Œuvre_2", "Åsa.1", "\uff21B12"]

    assert [latin_identifier(raw) for raw in refused] == [False] * len(refused)
    assert [latin_identifier(raw) for raw in kept] == [True] * len(kept)


def test_a_mark_that_upper_case_makes_a_greek_letter_is_refused() -> None:
    # U+0345 on a Latin letter: upper case turns it into the Greek capital iota
    assert not latin_identifier("a\u0345")
    assert not latin_identifier("1\u0301")  # an accent on a digit is no Latin letter


@given(with_a_foreign_letter())
def test_a_work_contract_with_a_homoglyph_is_refused_naming_the_field(raw: str) -> None:
    result = contract_event(
        a_contract_submission(beneficiary_id=raw), pseudonymise, a_rule_context()
    )

    assert isinstance(result, list)
    assert [(p.code, p.field) for p in result] == [("beneficiary_id_script", "beneficiary_id")]
    assert all(raw not in problem.message for problem in result)


@given(with_a_foreign_letter())
def test_an_hours_line_with_a_homoglyph_is_refused_naming_its_line_only_for_the_script(
    raw: str,
) -> None:
    submission = an_hours_submission()
    line = submission.lines[0].model_copy(update={"beneficiary_id": raw})

    result = hours_event(
        submission.model_copy(update={"lines": [submission.lines[0], line]}),
        pseudonymise,
        a_rule_context(),
    )

    assert isinstance(result, list)
    # the duplicate line is told too, but not that the line names another person
    assert ("beneficiary_id_script", "beneficiary_id", 1) in {
        (p.code, p.field, p.line) for p in result
    }
    assert "beneficiary_mismatch" not in {p.code for p in result}


csv_cell = st.lists(
    st.one_of(st.sampled_from([*"ABCabc0189", *SEPARATORS]), latin_letter), min_size=1, max_size=20
).map("".join)


@given(with_a_foreign_letter(csv_cell))
def test_a_csv_row_with_a_homoglyph_is_refused_naming_its_line_and_field(raw: str) -> None:
    document = f"{FRENCH_HEADER}\n{french_row()}\n{french_row(beneficiary=raw)}\n".encode()

    result = parse_hours_csv(document, pseudonymise)

    assert [(p.code, p.field, p.line) for p in result.problems] == [
        ("beneficiary_id_script", "beneficiary_id", 3)
    ]
    assert all(raw not in problem.message for problem in result.problems)


@given(csv_cell)
def test_a_csv_row_in_the_accepted_alphabet_keeps_its_pseudonym(raw: str) -> None:
    document = f"{FRENCH_HEADER}\n{french_row(beneficiary=raw)}\n".encode()

    result = parse_hours_csv(document, pseudonymise)

    assert result.problems == []
    assert result.rows[0].contract.beneficiary == hmac_of_earlier_rule(raw)


# invisible characters a pydantic string of length 1 or more lets through (not ASCII spaces)
ONLY_INVISIBLE = st.lists(
    st.sampled_from(["\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u3164", "\U000e0041"]),
    min_size=1,
    max_size=8,
).map("".join)


@given(ONLY_INVISIBLE)
def test_an_identifier_of_invisible_characters_only_is_refused_not_merged_into_one_person(
    raw: str,
) -> None:
    result = contract_event(
        a_contract_submission(beneficiary_id=raw), pseudonymise, a_rule_context()
    )

    assert isinstance(result, list)
    assert [(p.code, p.field) for p in result] == [("beneficiary_id_empty", "beneficiary_id")]
    assert all(raw not in problem.message for problem in result)


@given(ONLY_INVISIBLE)
def test_an_hours_line_of_an_invisible_identifier_is_refused_naming_its_line(raw: str) -> None:
    submission = an_hours_submission()
    line = submission.lines[0].model_copy(update={"beneficiary_id": raw})

    result = hours_event(
        submission.model_copy(update={"lines": [line]}), pseudonymise, a_rule_context()
    )

    assert isinstance(result, list)
    assert ("beneficiary_id_empty", "beneficiary_id", 0) in {
        (p.code, p.field, p.line) for p in result
    }
    assert "beneficiary_mismatch" not in {p.code for p in result}


@given(ONLY_INVISIBLE)
def test_a_csv_row_of_an_invisible_identifier_is_refused_naming_its_line(raw: str) -> None:
    document = f"{FRENCH_HEADER}\n{french_row(beneficiary=raw)}\n".encode()

    result = parse_hours_csv(document, pseudonymise)

    assert [(p.code, p.field, p.line) for p in result.problems] == [
        ("beneficiary_id_empty", "beneficiary_id", 2)
    ]
