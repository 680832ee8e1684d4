"""Readers of DECP 2.x field values: each returns the value, or None after recording why not.

Pure functions over decoded JSON (numbers arrive as Decimal). Messages are in French for the
facilitator who fixes the file; codes stay English.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import TypeVar

from services.ingest.domain.plausibility import LENIENT, Plausible, siret_key_valid
from shared.codes import EnvironmentalConsideration, MarketCategory, SocialConsideration

AMOUNT_FLOOR = Decimal(1)  # the DECP schema's minimum for montant and valeurGlobale
MAX_MONTHS = 600  # the event contract's ceiling for duration_months
PRESTATIONS_INTELLECTUELLES = "prestations intellectuelles"

_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")
_SIRET = re.compile(r"[0-9]{14}")
_CPV = re.compile(r"[0-9]{8}(-[0-9])?")
_DATE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
_CCAG = (
    "Travaux",
    "Maitrise d'œuvre",
    "Fournitures courantes et services",
    "Marchés industriels",
    "Prestations intellectuelles",
    "Techniques de l'information et de la communication",
    "Pas de CCAG",
)


class DefectCode(StrEnum):
    """Why a DECP record (or the whole document) was not imported."""

    NO_RECORDS = "no_records"
    MISSING_FIELD = "missing_field"
    WRONG_TYPE = "wrong_type"
    NOT_A_NUMBER = "not_a_number"
    NOT_AN_INTEGER = "not_an_integer"
    OUT_OF_RANGE = "out_of_range"
    ABSURD_AMOUNT = "absurd_amount"
    INVALID_FORMAT = "invalid_format"
    IMPOSSIBLE_DATE = "impossible_date"
    INVALID_TEXT = "invalid_text"
    INVALID_IDENTIFIER = "invalid_identifier"
    INVALID_SIRET = "invalid_siret"
    UNSUPPORTED_IDENTIFIER = "unsupported_identifier"
    UNKNOWN_VALUE = "unknown_value"
    CONTRADICTORY_VALUES = "contradictory_values"
    DUPLICATE_ID = "duplicate_id"
    CONTRACT_VIOLATION = "contract_violation"


@dataclass
class Issues:
    """The defects found in one record: (DECP field path, code, French message)."""

    found: list[tuple[str | None, DefectCode, str]] = field(default_factory=list)

    def add(self, path: str | None, code: DefectCode, message: str) -> None:
        """Record one defect."""
        self.found.append((path, code, message))


def shown(value: object) -> str:
    """A short French rendering of a received value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un objet"
    text = str(value).encode("utf-8", "replace").decode("utf-8")
    return f"« {text[:40]}… »" if len(text) > 40 else f"« {text} »"


def fold(text: str) -> str:
    """Comparison key: case, accents, œ and typographic apostrophes do not matter."""
    text = text.strip().casefold().replace("œ", "oe").replace("\u2019", "'")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def require(value: object, path: str, issues: Issues) -> bool:
    if value is None:
        issues.add(path, DefectCode.MISSING_FIELD, "champ obligatoire absent ou null")
        return False
    return True


def read_text(value: object, path: str, issues: Issues) -> str | None:
    """A non-empty string, trimmed, that can be written as UTF-8."""
    if not require(value, path, issues):
        return None
    if not isinstance(value, str):
        issues.add(path, DefectCode.WRONG_TYPE, f"texte attendu, reçu {shown(value)}")
        return None
    text = value.strip()
    if not text:
        issues.add(path, DefectCode.MISSING_FIELD, "texte attendu, reçu une chaîne vide")
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        issues.add(path, DefectCode.INVALID_TEXT, "texte illisible (caractère Unicode invalide)")
        return None
    return text


def read_identifier(value: object, path: str, issues: Issues) -> str | None:
    """A market reference the event contract accepts, taken as written (trimmed)."""
    text = read_text(value, path, issues)
    if text is not None and not _IDENTIFIER.fullmatch(text):
        issues.add(
            path,
            DefectCode.INVALID_IDENTIFIER,
            "identifiant de 1 à 64 caractères attendu (lettres et chiffres sans accent, "
            f". _ / -, commençant par une lettre ou un chiffre), reçu {shown(text)}",
        )
        return None
    return text


def read_siret(value: object, path: str, issues: Issues) -> str | None:
    """A SIRET: exactly 14 ASCII digits, with a right key (Luhn; La Poste's exception)."""
    text = read_text(value, path, issues)
    if text is not None and not _SIRET.fullmatch(text):
        issues.add(
            path, DefectCode.INVALID_SIRET, f"SIRET de 14 chiffres attendu, reçu {shown(text)}"
        )
        return None
    if text is not None and not siret_key_valid(text):
        issues.add(
            path,
            DefectCode.INVALID_SIRET,
            f"SIRET {shown(text)} invalide : sa clé de contrôle est fausse (formule de Luhn sur "
            "les 14 chiffres ; somme des chiffres multiple de 5 pour La Poste)",
        )
        return None
    return text


def read_cpv(value: object, path: str, issues: Issues) -> str | None:
    """A CPV code: 8 digits, optionally followed by its check digit (45000000-7)."""
    text = read_text(value, path, issues)
    if text is not None and not _CPV.fullmatch(text):
        issues.add(
            path, DefectCode.INVALID_FORMAT, f"code CPV à 8 chiffres attendu, reçu {shown(text)}"
        )
        return None
    return text


def read_ccag(value: object, path: str, issues: Issues) -> str | None:
    """One of the schema's CCAG labels, returned as its comparison key."""
    text = read_text(value, path, issues)
    if text is not None and fold(text) not in {fold(label) for label in _CCAG}:
        expected = ", ".join(f"« {label} »" for label in _CCAG)
        issues.add(
            path, DefectCode.UNKNOWN_VALUE, f"CCAG inconnu {shown(text)} ; attendu : {expected}"
        )
        return None
    return None if text is None else fold(text)


def category_of(cpv: str, ccag: str) -> MarketCategory:
    """Works, supplies or services from the CPV division; the CCAG marks intellectual services."""
    if ccag == PRESTATIONS_INTELLECTUELLES:
        return MarketCategory.INTELLECTUAL_SERVICES
    division = int(cpv[:2])
    if division == 45:
        return MarketCategory.WORKS
    if 3 <= division <= 44 or division == 48:
        return MarketCategory.SUPPLIES
    return MarketCategory.SERVICES


def read_number(value: object, path: str, issues: Issues) -> Decimal | None:
    """A finite JSON number (a string such as "NC" is not one)."""
    if not require(value, path, issues):
        return None
    if isinstance(value, str):
        issues.add(path, DefectCode.NOT_A_NUMBER, f"nombre attendu, reçu le texte {shown(value)}")
        return None
    if not isinstance(value, Decimal):
        issues.add(path, DefectCode.WRONG_TYPE, f"nombre attendu, reçu {shown(value)}")
        return None
    if not value.is_finite():
        issues.add(path, DefectCode.NOT_A_NUMBER, f"nombre fini attendu, reçu {value}")
        return None
    return value


def read_amount(
    value: object, path: str, issues: Issues, bounds: Plausible = LENIENT
) -> Decimal | None:
    """An amount in EUR HT between the schema's floor and a plausibility ceiling, in cents."""
    number = read_number(value, path, issues)
    if number is None:
        return None
    if number < AMOUNT_FLOOR:
        issues.add(
            path, DefectCode.OUT_OF_RANGE, f"montant d'au moins 1 EUR HT attendu, reçu {number}"
        )
        return None
    if number > bounds.max_amount:
        ceiling = f"{bounds.max_amount:,.0f}".replace(",", " ")
        issues.add(
            path,
            DefectCode.ABSURD_AMOUNT,
            f"montant invraisemblable : {shown(number)} EUR HT dépasse le plafond "
            f"de {ceiling} EUR HT",
        )
        return None
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def read_months(value: object, path: str, issues: Issues) -> int | None:
    """A whole number of months from 1 to the contract's ceiling."""
    number = read_number(value, path, issues)
    if number is None:
        return None
    if not 1 <= number <= MAX_MONTHS:
        issues.add(
            path,
            DefectCode.OUT_OF_RANGE,
            f"durée de 1 à {MAX_MONTHS} mois attendue, reçu {shown(number)}",
        )
        return None
    if number != number.to_integral_value():
        issues.add(path, DefectCode.NOT_AN_INTEGER, f"nombre entier de mois attendu, reçu {number}")
        return None
    return int(number)


def read_date(value: object, path: str, issues: Issues, bounds: Plausible = LENIENT) -> date | None:
    """A real calendar date (AAAA-MM-JJ, time zone tolerated) within the plausible window."""
    if not require(value, path, issues):
        return None
    if not isinstance(value, str):
        issues.add(path, DefectCode.WRONG_TYPE, f"date AAAA-MM-JJ attendue, reçu {shown(value)}")
        return None
    match = _DATE.fullmatch(value.strip())
    if match is None:
        issues.add(
            path, DefectCode.INVALID_FORMAT, f"date AAAA-MM-JJ attendue, reçu {shown(value)}"
        )
        return None
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        issues.add(path, DefectCode.IMPOSSIBLE_DATE, f"date inexistante : {shown(value)}")
        return None
    if not bounds.earliest <= day <= bounds.latest:
        issues.add(
            path,
            DefectCode.IMPOSSIBLE_DATE,
            f"date invraisemblable : {day.isoformat()} hors de la période "
            f"du {bounds.earliest.isoformat()} au {bounds.latest.isoformat()}",
        )
        return None
    return day


C = TypeVar("C", SocialConsideration, EnvironmentalConsideration)

SOCIAL: dict[str, SocialConsideration | None] = {
    "Clause sociale": SocialConsideration.SOCIAL_CLAUSE,
    "Critère social": SocialConsideration.SOCIAL_CRITERION,
    "Marché réservé": SocialConsideration.RESERVED_MARKET,
    "Concession réservée": SocialConsideration.RESERVED_MARKET,
    "Pas de considération sociale": None,
}
ENVIRONMENTAL: dict[str, EnvironmentalConsideration | None] = {
    "Clause environnementale": EnvironmentalConsideration.ENVIRONMENTAL_CLAUSE,
    "Critère environnemental": EnvironmentalConsideration.ENVIRONMENTAL_CRITERION,
    "Pas de considération environnementale": None,
}


def _labels(value: object, path: str, inner: str, issues: Issues) -> tuple[list[object], str]:
    """The label list under `inner`, or the flat list some publishers emit, with its path."""
    if isinstance(value, dict):
        value, path = value.get(inner), f"{path}.{inner}"
        if not require(value, path, issues):
            return [], path
    if isinstance(value, str):
        return [value], path
    if not isinstance(value, list):
        issues.add(path, DefectCode.WRONG_TYPE, f"liste de libellés attendue, reçu {shown(value)}")
        return [], path
    if not value:
        issues.add(
            path, DefectCode.MISSING_FIELD, "au moins un libellé attendu, reçu une liste vide"
        )
    return value, path


def read_considerations(
    value: object, path: str, *, inner: str, table: Mapping[str, C | None], issues: Issues
) -> tuple[C, ...]:
    """The considerations named by their DECP labels, in the code's order; "Pas de..." is none."""
    if not require(value, path, issues):
        return ()
    labels, path = _labels(value, path, inner, issues)
    keys = {fold(label): code for label, code in table.items()}
    found: list[C | None] = []
    for index, label in enumerate(labels):
        if not isinstance(label, str) or fold(label) not in keys:
            expected = ", ".join(f"« {known} »" for known in table)
            issues.add(
                f"{path}[{index}]",
                DefectCode.UNKNOWN_VALUE,
                f"libellé inconnu {shown(label)} ; attendu : {expected}",
            )
            continue
        found.append(keys[fold(label)])
    if None in found and any(code is not None for code in found):
        issues.add(
            path,
            DefectCode.CONTRADICTORY_VALUES,
            "« Pas de considération » ne peut pas être combiné avec une considération",
        )
    return tuple(
        code for code in dict.fromkeys(table.values()) if code is not None and code in found
    )
