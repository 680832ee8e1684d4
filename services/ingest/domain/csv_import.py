"""A facilitator's CSV of monthly hours: rows, or every bad row with its column (pure).

Line numbers are those a spreadsheet shows: the header is line 1. The beneficiary's
identifier is pseudonymised as soon as it is read and never appears in a message.
"""

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from services.ingest.domain import csv_cells as cells
from services.ingest.domain.csv_columns import (
    CONTRACT_TYPES,
    ELIGIBLE_PUBLICS,
    GENDERS,
    HEADER_OF,
    MODALITIES,
    REQUIRED,
    simplify,
)
from services.ingest.domain.hours_rows import ContractTerms, HoursRow, derive_contract_id
from services.ingest.domain.refusals import Problem

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)
csv.field_size_limit(1024 * 1024)


@dataclass
class CsvImport:
    """The rows read, the problems found, and each field's header as the file spells it."""

    rows: list[HoursRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def _text(document: bytes) -> str:
    try:
        return document.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = document.count(b"\n", 0, error.start) + 1
        message = (
            f"le fichier n'est pas encodé en UTF-8 (octet invalide ligne {line}) : "
            "enregistrez-le au format « CSV UTF-8 »"
        )
        raise cells.CellError("encoding_not_utf8", message) from None


def _delimiter(header_line: str) -> str:
    counts = {separator: header_line.count(separator) for separator in (";", ",", "\t")}
    return max(counts, key=lambda separator: counts[separator])


def parse_hours_csv(document: bytes, pseudonymise: Callable[[str], str]) -> CsvImport:
    """Read every row; a problem names its line and field (the header is line 1)."""
    result = CsvImport()
    try:
        text = _text(document)
    except cells.CellError as error:
        result.problems.append(Problem(error.code, "file", error.message, 1))
        return result
    if not text.strip():
        result.problems.append(Problem("empty_file", "file", "le fichier est vide", 1))
        return result
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    try:
        _read_rows(reader, pseudonymise, result)
    except csv.Error as error:
        message = f"CSV illisible ligne {reader.line_num} : {error}"
        result.problems.append(Problem("unreadable_csv", "file", message, reader.line_num))
    return result


def _read_rows(
    reader: Iterator[list[str]], pseudonymise: Callable[[str], str], result: CsvImport
) -> None:
    columns = _columns(next(reader), result)
    if result.problems:
        return
    pseudonymise = _beneficiary(pseudonymise)
    for line, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        cells_of = {
            name: values[index].strip() if index < len(values) else ""
            for name, index in columns.items()
        }
        _read_row(line, cells_of, pseudonymise, result)
    if not result.rows and not result.problems:
        result.problems.append(
            Problem("empty_file", "file", "le fichier n'a aucune ligne de données", 2)
        )


def _columns(header: list[str], result: CsvImport) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        canonical = HEADER_OF.get(simplify(name))
        if canonical is None:
            continue  # other columns (names, notes...) are ignored and never kept
        if canonical in columns:
            first = result.headers[canonical]
            message = f"les colonnes « {first} » et « {name.strip()} » disent la même chose"
            result.problems.append(Problem("duplicate_column", canonical, message, 1))
        columns[canonical] = index
        result.headers.setdefault(canonical, name.strip())
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        message = "colonnes manquantes : " + ", ".join(missing) + " (en-têtes français ou anglais)"
        result.problems.append(Problem("missing_columns", "file", message, 1))
    return columns


class _Cells:
    """One row's cells, read field by field; problems pile up instead of stopping."""

    def __init__(self, line: int, values: dict[str, str]) -> None:
        self.line = line
        self.values = values
        self.problems: list[Problem] = []

    def read(self, name: str, parse: Callable[[str], T], *, optional: bool = False) -> T | None:
        raw = self.values.get(name, "")
        if not raw:
            if not optional:
                message = "valeur obligatoire manquante"
                self.problems.append(Problem("missing_value", name, message, self.line))
            return None
        try:
            return parse(raw)
        except cells.CellError as error:
            self.problems.append(Problem(error.code, name, error.message, self.line))
            return None


def _coded(vocabulary: Mapping[str, E], what: str) -> Callable[[str], E]:
    return lambda raw: cells.code(raw, simplify(raw), vocabulary, what)


def _beneficiary(pseudonymise: Callable[[str], str]) -> Callable[[str], str]:
    known: dict[str, str] = {}  # one person appears on many rows (one per month)

    def read(raw: str) -> str:
        if len(raw) > 64:
            message = "identifiant trop long (64 caractères au plus)"
            raise cells.CellError("invalid_identifier", message)
        if raw not in known:
            known[raw] = pseudonymise(raw)
        return known[raw]

    return read


def _read_row(
    line: int, values: dict[str, str], pseudonymise: Callable[[str], str], result: CsvImport
) -> None:
    row = _Cells(line, values)
    market_id = row.read("market_id", lambda raw: cells.identifier(raw, "marché"))
    employer = row.read("employer_siret", cells.siret)
    period = row.read("period", cells.period)
    beneficiary = row.read("beneficiary_id", pseudonymise)
    gender = row.read("gender", _coded(GENDERS, "sexe"))
    contract_type = row.read("contract_type", _coded(CONTRACT_TYPES, "type de contrat"))
    public = row.read("eligible_public", _coded(ELIGIBLE_PUBLICS, "public éligible"))
    modality = row.read("modality", _coded(MODALITIES, "modalité"))
    start = row.read("start_date", cells.day)
    end = row.read("end_date", cells.day, optional=True)
    insertion = row.read("insertion_hours", cells.hours)
    training = row.read("training_hours", cells.hours, optional=True)
    reference = row.read(
        "contract_id", lambda raw: cells.identifier(raw, "référence de contrat"), optional=True
    )
    if row.problems:
        result.problems.extend(row.problems)
        return
    # no problem: every required cell was read
    beneficiary, employer, market_id, start = (
        _read(beneficiary),
        _read(employer),
        _read(market_id),
        _read(start),
    )
    terms = ContractTerms(
        contract_id=reference or derive_contract_id(beneficiary, employer, market_id, start),
        beneficiary=beneficiary,
        gender=_read(gender),
        contract_type=_read(contract_type),
        eligible_public=_read(public),
        modality=_read(modality),
        employer_siret=employer,
        market_id=market_id,
        start_date=start,
        end_date=end,
    )
    no_training = Decimal("0.00")
    result.rows.append(
        HoursRow(line, _read(period), terms, _read(insertion), training or no_training)
    )


def _read(value: T | None) -> T:
    assert value is not None, "a required cell without a problem was read"
    return value
