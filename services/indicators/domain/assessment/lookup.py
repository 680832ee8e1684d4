"""A lookup of the published indicators of every year, by id and breakdown value."""

from collections.abc import Mapping, Sequence

from shared.indicators import IndicatorValue


class Lookup:
    """The published indicators of every year, by id and breakdown value."""

    def __init__(self, by_year: Mapping[int, Sequence[IndicatorValue]]) -> None:
        self._values: dict[tuple[int, str, str | None], IndicatorValue] = {}
        for year, values in by_year.items():
            for value in values:
                cell = next(iter(value.breakdown.values()), None)
                self._values[(year, value.id, cell)] = value
        self.years = sorted(by_year)

    def get(self, year: int, indicator: str, cell: str | None = None) -> IndicatorValue | None:
        """The indicator cell of a year, if published."""
        return self._values.get((year, indicator, cell))

    def all(self, year: int) -> list[IndicatorValue]:
        """Every published indicator cell of a year, in catalogue order."""
        return [v for (y, _, _), v in self._values.items() if y == year]

    def value(self, year: int, indicator: str, cell: str | None = None) -> float | None:
        """The figure of an indicator cell, None when absent, undefined or suppressed."""
        found = self.get(year, indicator, cell)
        return None if found is None else found.value

    def earlier(self, year: int, indicator: str, cell: str | None = None) -> list[int]:
        """Earlier years where the indicator has a figure, most recent first."""
        return [
            y
            for y in reversed(self.years)
            if y < year and self.value(y, indicator, cell) is not None
        ]
