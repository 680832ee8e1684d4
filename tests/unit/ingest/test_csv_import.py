"""Facilitators' CSV files are read as they are kept: French or English, ; or , and commas."""

from datetime import date
from decimal import Decimal

import pytest

from harness.builders import HOLDER_SIRET, TEST_PSEUDONYMISATION_KEY
from services.ingest.domain.hours_csv import parse_hours_csv
from services.ingest.domain.pseudonym import Pseudonymiser
from shared.codes import ContractType, EligiblePublic, Gender, Modality

pseudonymise = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)
FRENCH_HEADER = (
    "marché;siret_employeur;période;identifiant_bénéficiaire;sexe;type_contrat;"
    "public_éligible;modalité;date_début_contrat;date_fin_contrat;heures_insertion;"
    "heures_formation;référence_contrat"
)
ENGLISH_HEADER = (
    "market_id,employer_siret,period,beneficiary_id,gender,contract_type,eligible_public,"
    "modality,contract_start,contract_end,insertion_hours,training_hours,contract_id"
)


def french_row(**cells: str) -> str:
    values = {
        "market": "2023-0042",
        "siret": "356 000 000 00048",
        "period": "06/2023",
        "beneficiary": "ab 123",
        "gender": "F",
        "type": "CDDI",
        "public": "Bénéficiaire du RSA",
        "modality": "Embauche directe",
        "start": "01/04/2023",
        "end": "",
        "insertion": "151,67",
        "training": "7",
        "contract": "C-0001",
    }
    values.update(cells)
    return ";".join(values.values())


def test_a_french_file_with_bom_semicolons_and_decimal_commas_is_read() -> None:
    document = ("\ufeff" + FRENCH_HEADER + "\r\n" + french_row() + "\r\n").encode()

    result = parse_hours_csv(document, pseudonymise)

    assert result.problems == []
    [row] = result.rows
    assert (row.line, row.period, row.insertion_hours, row.training_hours) == (
        2,
        "2023-06",
        Decimal("151.67"),
        Decimal("7.00"),
    )
    terms = row.contract
    assert terms.beneficiary == pseudonymise("AB123")
    assert (terms.gender, terms.contract_type, terms.eligible_public, terms.modality) == (
        Gender.FEMALE,
        ContractType.CDDI,
        EligiblePublic.RSA,
        Modality.DIRECT_HIRE,
    )
    assert (terms.employer_siret, terms.start_date, terms.end_date) == (
        HOLDER_SIRET,
        date(2023, 4, 1),
        None,
    )


def test_an_english_file_with_commas_and_iso_dates_is_read() -> None:
    row = (
        f"2023-0042,{HOLDER_SIRET},2023-06,ab123,female,cddi,rsa,direct_hire,2023-04-01,,151.67,0,"
    )
    document = f"{ENGLISH_HEADER}\n{row}\n".encode()

    result = parse_hours_csv(document, pseudonymise)

    assert result.problems == []
    assert result.rows[0].contract.beneficiary == pseudonymise("AB 123")


def test_without_a_contract_reference_the_id_is_derived_and_stable() -> None:
    document = f"{FRENCH_HEADER}\n{french_row(contract='')}\n".encode()

    first = parse_hours_csv(document, pseudonymise).rows[0].contract.contract_id
    again = parse_hours_csv(document, pseudonymise).rows[0].contract.contract_id

    assert first == again
    assert first.startswith("CTR-")


@pytest.mark.parametrize(
    ("cells", "field", "code"),
    [
        ({"period": "13/2023"}, "period", "invalid_period"),
        ({"period": "juin 2023"}, "period", "invalid_period"),
        ({"siret": "123"}, "employer_siret", "invalid_siret"),
        ({"gender": "X"}, "gender", "unknown_code"),
        ({"type": "CDI à vie"}, "contract_type", "unknown_code"),
        ({"start": "31/02/2023"}, "start_date", "invalid_date"),
        ({"insertion": "dix"}, "insertion_hours", "invalid_number"),
        ({"insertion": "1,234"}, "insertion_hours", "too_many_decimals"),
        ({"insertion": ""}, "insertion_hours", "missing_value"),
        ({"market": "M 42"}, "market_id", "invalid_identifier"),
    ],
)
def test_a_bad_cell_is_reported_with_its_line_field_and_code(
    cells: dict[str, str], field: str, code: str
) -> None:
    document = f"{FRENCH_HEADER}\n{french_row()}\n{french_row(**cells)}\n".encode()

    result = parse_hours_csv(document, pseudonymise)

    assert [(p.line, p.field, p.code) for p in result.problems] == [(3, field, code)]
    assert result.headers[field]
    assert len(result.rows) == 1


def test_every_bad_row_is_reported_not_only_the_first() -> None:
    rows = [french_row(gender="?"), french_row(), french_row(period="x"), french_row(siret="1")]
    document = (FRENCH_HEADER + "\n" + "\n".join(rows) + "\n").encode()

    result = parse_hours_csv(document, pseudonymise)

    assert [p.line for p in result.problems] == [2, 4, 5]


def test_the_raw_identifier_never_appears_in_a_problem() -> None:
    document = f"{FRENCH_HEADER}\n{french_row(beneficiary='SECRET-' + 'x' * 70)}\n".encode()

    result = parse_hours_csv(document, pseudonymise)

    assert [p.code for p in result.problems] == ["invalid_identifier"]
    assert all("SECRET" not in p.message for p in result.problems)


def test_a_file_not_in_utf8_is_refused_saying_so_and_where() -> None:
    document = f"{FRENCH_HEADER}\n{french_row()}\n".encode("cp1252")

    result = parse_hours_csv(document, pseudonymise)

    assert [(p.code, p.line) for p in result.problems] == [("encoding_not_utf8", 1)]
    assert "UTF-8" in result.problems[0].message


def test_missing_columns_are_named() -> None:
    result = parse_hours_csv(b"market_id;period\n2023-0042;2023-06\n", pseudonymise)

    assert [p.code for p in result.problems] == ["missing_columns"]
    assert "employer_siret" in result.problems[0].message


def test_an_empty_file_is_refused() -> None:
    result = parse_hours_csv(b"\xef\xbb\xbf\n", pseudonymise)

    assert [p.code for p in result.problems] == ["empty_file"]


def test_blank_lines_are_skipped_but_still_counted() -> None:
    document = f"{FRENCH_HEADER}\n\n;;;\n{french_row(gender='?')}\n".encode()

    result = parse_hours_csv(document, pseudonymise)

    assert [p.line for p in result.problems] == [4]


def test_a_file_the_csv_reader_cannot_read_is_refused_not_crashed() -> None:
    huge_cell = b'"' + b"x" * (1024 * 1024 + 1) + b'"'

    result = parse_hours_csv(FRENCH_HEADER.encode() + b"\n" + huge_cell + b"\n", pseudonymise)

    assert [p.code for p in result.problems] == ["unreadable_csv"]


def test_an_unknown_code_lists_the_french_labels_a_facilitator_can_type() -> None:
    document = f"{FRENCH_HEADER}\n{french_row(gender='X')}\n".encode()

    result = parse_hours_csv(document, pseudonymise)

    assert result.problems[0].message.endswith(
        "valeurs acceptées : Femmes (female) ; Hommes (male) ; Non renseigné (unspecified)"
    )
