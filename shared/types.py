"""Constrained value types shared by the events (validated once, at the edge)."""

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

_PERIOD = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
_SIRET = re.compile(r"[0-9]{14}")
_PSEUDONYM = re.compile(r"[0-9a-f]{64}")


def _check_period(value: str) -> str:
    if not _PERIOD.fullmatch(value):
        # never the value: a beneficiary's identifier typed in the wrong field would be echoed
        raise ValueError("un mois AAAA-MM était attendu (mois de 01 à 12)")
    return value


def _check_siret(value: str) -> str:
    if not _SIRET.fullmatch(value):
        raise ValueError("un SIRET de 14 chiffres exactement était attendu")
    return value


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check of SIREN and SIRET: from the right, every second digit doubled
    (minus 9 above 9)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _check_pseudonym(value: str) -> str:
    if not _PSEUDONYM.fullmatch(value):
        raise ValueError(
            "expected a pseudonym (64 lowercase hexadecimal characters of an HMAC-SHA256), "
            "never a raw identifier"
        )
    return value


Period = Annotated[
    str,
    AfterValidator(_check_period),
    Field(description="A calendar month, YYYY-MM", examples=["2023-06"]),
]
Siret = Annotated[
    str,
    AfterValidator(_check_siret),
    Field(description="French establishment identifier: 14 digits", examples=["35600000000048"]),
]
Pseudonym = Annotated[
    str,
    AfterValidator(_check_pseudonym),
    Field(description="Keyed hash (HMAC-SHA256, hex) of the beneficiary identifier"),
]
Identifier = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
        description="A reference: letters, digits and . _ / - (at most 64 characters)",
    ),
]
AmountHT = Annotated[
    Decimal,
    Field(gt=0, max_digits=15, decimal_places=2, description="Amount in EUR, tax excluded (HT)"),
]
Hours = Annotated[
    Decimal,
    Field(ge=0, max_digits=8, decimal_places=2, description="A number of hours"),
]
Version = Annotated[
    int,
    Field(ge=1, description="Submission version: a higher version replaces a lower one"),
]
