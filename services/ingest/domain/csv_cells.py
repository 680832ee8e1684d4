"""Reading one CSV cell into a value, or a French reason (pure)."""

import functools
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from services.ingest.domain.plausibility import siret_key_valid
from shared.codes import LABELS_FR

E = TypeVar("E", bound=StrEnum)

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
def period(text: str) -> str:
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
def day(text: str) -> date:
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
def hours(text: str) -> Decimal:
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
def siret(text: str) -> str:
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
def identifier(text: str, what: str) -> str:
    """A reference: letters, digits and . _ / - (at most 64 characters)."""
    if not _IDENTIFIER.fullmatch(text):
        message = (
            f"{what} « {text[:70]} » invalide : lettres, chiffres et . _ / - "
            "(64 caractères au plus)"
        )
        raise CellError("invalid_identifier", message)
    return text


def code(text: str, simplified: str, vocabulary: Mapping[str, E], what: str) -> E:
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
