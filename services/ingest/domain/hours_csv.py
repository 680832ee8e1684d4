"""A facilitator's CSV of monthly hours (pure): its columns and the words facilitators use in
their spreadsheets (French or English), reading one cell into a value or a French reason, and
the file into rows, or every bad row with its column.

Line numbers are those a spreadsheet shows: the header is line 1. The beneficiary's
identifier is pseudonymised as soon as it is read and never appears in a message."""

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from services.ingest.domain.hours_rows import ContractTerms, HoursRow, derive_contract_id
from services.ingest.domain.plausibility import siret_key_valid
from services.ingest.domain.refusals import Problem, beneficiary_id_problem
from shared.codes import LABELS_FR, ContractType, EligiblePublic, Gender, Modality

E = TypeVar("E", bound=StrEnum)


@functools.lru_cache(maxsize=4096)
def simplify(text: str) -> str:
    """Lower case, no accents, words joined by `_`: « Période » and "periode" match."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    for separator in (" ", "-", "'", "\u2019", "."):
        bare = bare.replace(separator, "_")
    return "_".join(part for part in bare.split("_") if part)


# canonical field -> accepted headers (French first)
COLUMNS: dict[str, tuple[str, ...]] = {
    "market_id": ("marché", "marche_id", "id_marché", "référence_marché", "market_id", "market"),
    "employer_siret": ("siret_employeur", "siret", "employeur", "employer_siret"),
    "period": ("période", "mois", "period", "month"),
    "beneficiary_id": ("identifiant_bénéficiaire", "bénéficiaire", "beneficiary_id"),
    "gender": ("sexe", "genre", "gender", "sex"),
    "contract_type": ("type_contrat", "type_de_contrat", "contract_type"),
    "eligible_public": ("public_éligible", "public", "critère_éligibilité", "eligible_public"),
    "modality": ("modalité", "modalité_de_mise_en_œuvre", "modality"),
    "start_date": ("date_début_contrat", "début_contrat", "date_début", "contract_start"),
    "end_date": ("date_fin_contrat", "fin_contrat", "date_fin", "contract_end"),
    "insertion_hours": ("heures_insertion", "heures_d_insertion", "heures", "insertion_hours"),
    "training_hours": ("heures_formation", "heures_de_formation", "training_hours"),
    "contract_id": ("référence_contrat", "id_contrat", "contrat", "contract_id"),
}
REQUIRED = (
    "market_id",
    "employer_siret",
    "period",
    "beneficiary_id",
    "gender",
    "contract_type",
    "eligible_public",
    "modality",
    "start_date",
    "insertion_hours",
)
HEADER_OF: dict[str, str] = {
    simplify(alias): field for field, aliases in COLUMNS.items() for alias in aliases
}


def _words(code: E, extra: Iterable[str] = ()) -> dict[str, E]:
    label = LABELS_FR.get(code)
    words = [code.value, *([label] if label else []), *extra]
    return {simplify(word): code for word in words}


def _vocabulary(*parts: dict[str, E]) -> dict[str, E]:
    merged: dict[str, E] = {}
    for part in parts:
        merged.update(part)
    return merged


GENDERS = _vocabulary(
    _words(Gender.FEMALE, ("f", "femme", "féminin", "w", "woman")),
    _words(Gender.MALE, ("h", "homme", "m", "masculin", "man")),
    _words(Gender.UNSPECIFIED, ("nr", "non renseigné", "inconnu", "autre")),
)
CONTRACT_TYPES = _vocabulary(
    *(_words(code) for code in ContractType),
    _words(ContractType.INTERIM, ("intérim", "interim", "mission d'intérim")),
    _words(ContractType.APPRENTICESHIP, ("apprentissage",)),
    _words(ContractType.PROFESSIONALISATION, ("professionnalisation", "contrat pro")),
    _words(ContractType.OTHER, ("autre",)),
)
ELIGIBLE_PUBLICS = _vocabulary(
    *(_words(code) for code in EligiblePublic),
    _words(EligiblePublic.RSA, ("brsa", "allocataire du rsa")),
    _words(EligiblePublic.YOUTH_UNDER_26, ("jeune", "jeune de moins de 26 ans", "-26 ans")),
    _words(EligiblePublic.RQTH, ("th", "travailleur handicapé", "boeth")),
    _words(EligiblePublic.SENIOR_OVER_50, ("senior", "+50 ans", "plus de 50 ans")),
    _words(EligiblePublic.SIAE_EMPLOYEE, ("salarié siae", "siae")),
    _words(EligiblePublic.OTHER_VALIDATED, ("autre",)),
)
MODALITIES = _vocabulary(
    *(_words(code) for code in Modality),
    _words(Modality.TEMPORARY_INSERTION, ("etti", "intérim d'insertion")),
    _words(Modality.STAFF_PROVISION, ("mise à disposition", "geiq", "ai", "mad")),
    _words(Modality.SIAE_SUBCONTRACTING, ("sous-traitance", "cotraitance")),
    _words(Modality.DIRECT_HIRE, ("embauche", "embauche directe")),
    _words(Modality.TRAINING, ("formation",)),
)


_PERIOD_ISO = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)
_PERIOD_FR = re.compile(r"(\d{1,2})[/-](\d{4})", re.ASCII)
_DATE_FR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
# digits 0-9 only: Decimal and int() also read Arabic-Indic or full-width digits
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)", re.ASCII)


class CellError(ValueError):
    """A cell that cannot be read; the message (French) says what was expected."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@functools.lru_cache(maxsize=4096)  # cells repeat from row to row
def read_period(text: str) -> str:
    """YYYY-MM from `2023-06`, `06/2023` or `6/2023`."""
    if match := _PERIOD_ISO.fullmatch(text):
        year, month = match.group(1), match.group(2)
    elif match := _PERIOD_FR.fullmatch(text):
        month, year = match.group(1), match.group(2)
    else:
        raise CellError(
            "invalid_period", f"période « {text} » illisible : attendu MM/AAAA ou AAAA-MM"
        )
    if not 1 <= int(month) <= 12:
        raise CellError("invalid_period", f"période « {text} » : le mois doit aller de 01 à 12")
    return f"{year}-{int(month):02d}"


@functools.lru_cache(maxsize=4096)  # cells repeat from row to row
def read_day(text: str) -> date:
    """A date from `JJ/MM/AAAA` or `AAAA-MM-JJ`."""
    if match := _DATE_FR.fullmatch(text):
        dd, mm, yyyy = match.groups()
    elif match := _DATE_ISO.fullmatch(text):
        yyyy, mm, dd = match.groups()
    else:
        raise CellError("invalid_date", f"date « {text} » illisible : attendu JJ/MM/AAAA")
    try:
        value = date(int(yyyy), int(mm), int(dd))
    except ValueError:
        raise CellError("invalid_date", f"la date « {text} » n'existe pas") from None
    return value  # the rows' rules check it is within the plausible window


@functools.lru_cache(maxsize=4096)  # cells repeat from row to row
def read_hours(text: str) -> Decimal:
    """Hours with a decimal comma or point, at most two decimals."""
    cleaned = _SPACES.sub("", text).replace(",", ".")
    if not _NUMBER.fullmatch(cleaned):
        raise CellError("invalid_number", f"nombre d'heures « {text} » illisible")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError("invalid_number", f"nombre d'heures « {text} » illisible") from None
    if not value.is_finite() or abs(value) >= 1_000_000:
        raise CellError("invalid_number", f"nombre d'heures « {text} » illisible")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise CellError("too_many_decimals", f"« {text} » : au plus deux décimales")
    return value.quantize(Decimal("0.01"))


@functools.lru_cache(maxsize=4096)  # cells repeat from row to row
def read_siret(text: str) -> str:
    """14 digits, spaces allowed between them."""
    digits = _SPACES.sub("", text)
    if not (len(digits) == 14 and digits.isascii() and digits.isdigit()):
        raise CellError("invalid_siret", f"SIRET « {text} » invalide : attendu 14 chiffres")
    if not siret_key_valid(digits):
        message = (
            f"SIRET « {text} » invalide : sa clé de contrôle est fausse (formule de Luhn ; "
            "somme des chiffres multiple de 5 pour La Poste)"
        )
        raise CellError("invalid_siret", message)
    return digits


@functools.lru_cache(maxsize=4096)  # cells repeat from row to row
def read_identifier(text: str, what: str) -> str:
    """A reference: letters, digits and . _ / - (at most 64 characters)."""
    if not _IDENTIFIER.fullmatch(text):
        message = (
            f"{what} « {text[:70]} » invalide : lettres, chiffres et . _ / - "
            "(64 caractères au plus)"
        )
        raise CellError("invalid_identifier", message)
    return text


def read_code(text: str, simplified: str, vocabulary: Mapping[str, E], what: str) -> E:
    """A code from its English value or its French label."""
    found = vocabulary.get(simplified)
    if found is None:
        accepted = " ; ".join(
            f"{LABELS_FR.get(value, value.value)} ({value.value})"
            for value in sorted(set(vocabulary.values()), key=lambda value: value.value)
        )
        raise CellError(
            "unknown_code", f"{what} « {text[:40]} » inconnu ; valeurs acceptées : {accepted}"
        )
    return found


T = TypeVar("T")


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
        raise CellError("encoding_not_utf8", message) from None


def _delimiter(header_line: str) -> str:
    counts = {separator: header_line.count(separator) for separator in (";", ",", "\t")}
    return max(counts, key=lambda separator: counts[separator])


def parse_hours_csv(document: bytes, pseudonymise: Callable[[str], str]) -> CsvImport:
    """Read every row; a problem names its line and field (the header is line 1)."""
    result = CsvImport()
    try:
        text = _text(document)
    except CellError as error:
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
        except CellError as error:
            self.problems.append(Problem(error.code, name, error.message, self.line))
            return None


def _coded(vocabulary: Mapping[str, E], what: str) -> Callable[[str], E]:
    return lambda raw: read_code(raw, simplify(raw), vocabulary, what)


def _beneficiary(pseudonymise: Callable[[str], str]) -> Callable[[str], str]:
    known: dict[str, str] = {}  # one person appears on many rows (one per month)

    def read(raw: str) -> str:
        if len(raw) > 64:
            message = "identifiant trop long (64 caractères au plus)"
            raise CellError("invalid_identifier", message)
        if raw not in known:
            if problem := beneficiary_id_problem(raw):
                raise CellError(problem.code, problem.message)
            known[raw] = pseudonymise(raw)
        return known[raw]

    return read


def _read_row(
    line: int, values: dict[str, str], pseudonymise: Callable[[str], str], result: CsvImport
) -> None:
    row = _Cells(line, values)
    market_id = row.read("market_id", lambda raw: read_identifier(raw, "marché"))
    employer = row.read("employer_siret", read_siret)
    period = row.read("period", read_period)
    beneficiary = row.read("beneficiary_id", pseudonymise)
    gender = row.read("gender", _coded(GENDERS, "sexe"))
    contract_type = row.read("contract_type", _coded(CONTRACT_TYPES, "type de contrat"))
    public = row.read("eligible_public", _coded(ELIGIBLE_PUBLICS, "public éligible"))
    modality = row.read("modality", _coded(MODALITIES, "modalité"))
    start = row.read("start_date", read_day)
    end = row.read("end_date", read_day, optional=True)
    insertion = row.read("insertion_hours", read_hours)
    training = row.read("training_hours", read_hours, optional=True)
    reference = row.read(
        "contract_id", lambda raw: read_identifier(raw, "référence de contrat"), optional=True
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
