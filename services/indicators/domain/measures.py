"""A measure is one computed figure before privacy and targets are applied."""

from dataclasses import dataclass
from decimal import Decimal

Cell = tuple[str, str | None]
"""A published cell: an indicator id and its breakdown value (None for a total)."""


@dataclass(frozen=True, slots=True)
class Measure:
    """One figure of one indicator: an amount, or a ratio that keeps its two terms."""

    indicator: str
    cell: str | None
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    depends_on: tuple[Cell, ...] = ()

    @property
    def ref(self) -> Cell:
        """The cell this measure publishes."""
        return (self.indicator, self.cell)


def amount(indicator: str, value: Decimal | int, *, cell: str | None = None) -> Measure:
    """A plain figure (hours, a count, euros), which depends on its own cell only."""
    return Measure(indicator, cell, Decimal(value), depends_on=((indicator, cell),))


def ratio(
    indicator: str,
    numerator: Decimal | int,
    denominator: Decimal | int,
    *,
    cell: str | None = None,
    depends_on: tuple[Cell, ...] = (),
) -> Measure:
    """A ratio numerator / denominator; undefined (None) when the denominator is zero."""
    top, bottom = Decimal(numerator), Decimal(denominator)
    value = top / bottom if bottom else None
    return Measure(indicator, cell, value, top, bottom, depends_on)


def change(indicator: str, current: Decimal, previous: Decimal) -> Measure:
    """The relative change of a figure on the previous year: (current - previous) / previous."""
    return ratio(indicator, current - previous, previous)
