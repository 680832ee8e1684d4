"""Plausible values (pure): the window of dates and periods, the amounts' ceiling, SIRET keys.

The window is computed from the date the use case passes in (Europe/Paris), never read
here; the problems these bounds raise are built in `refusals.py`.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shared.types import luhn_valid

# 100 bn EUR HT: above any real public contract's value (also the DECP importer's ceiling)
AMOUNT_CEILING = Decimal(100_000_000_000)
LA_POSTE_SIREN = "356000000"


@dataclass(frozen=True, slots=True)
class Plausible:
    """The bounds of plausible values: days from `earliest` to `latest` (periods, contract
    starts, notifications), contract ends up to `latest_end`, amounts up to `max_amount`."""

    earliest: date
    latest: date
    latest_end: date
    max_amount: Decimal = AMOUNT_CEILING

    @property
    def first_period(self) -> str:
        """The earliest month accepted, YYYY-MM."""
        return f"{self.earliest.year:04d}-{self.earliest.month:02d}"

    @property
    def last_period(self) -> str:
        """The latest month accepted, YYYY-MM."""
        return f"{self.latest.year:04d}-{self.latest.month:02d}"


def plausible_for(
    today: date,
    *,
    earliest_year: int,
    years_ahead: int,
    end_years_ahead: int,
    max_amount: Decimal = AMOUNT_CEILING,
) -> Plausible:
    """From 1 January of `earliest_year` to 31 December `years_ahead` years after today's."""
    return Plausible(
        earliest=date(earliest_year, 1, 1),
        latest=date(today.year + years_ahead, 12, 31),
        latest_end=date(today.year + end_years_ahead, 12, 31),
        max_amount=max_amount,
    )


# Used where no clock is at hand (the pure DECP parser's default, tests): 2000 to 2099.
LENIENT = Plausible(date(2000, 1, 1), date(2099, 12, 31), date(2099, 12, 31))


def siret_key_valid(siret: str) -> bool:
    """Whether a 14-digit SIRET's key is right: the Luhn check on the 14 digits, except for
    La Poste's establishments (SIREN 356 000 000), numbered beyond what Luhn allows, whose
    14 digits add up to a multiple of 5 (the head office 356 000 000 00048 passes Luhn).
    INSEE's definition of the SIRET; the exception is described in the French Wikipedia
    article « Système d'identification du répertoire des établissements », « Exceptions
    pour le groupe La Poste », which cites INSEE."""
    if luhn_valid(siret):
        return True
    return siret.startswith(LA_POSTE_SIREN) and sum(int(char) for char in siret) % 5 == 0
