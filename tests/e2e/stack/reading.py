"""Reading the figures out of a `/v1/indicators` page: counts, hours, shares at a precision."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from deploy.stack.table import values_of


@dataclass(frozen=True)
class Indicators:
    """One year's page, read by indicator id and breakdown."""

    page: Mapping[str, Any]

    def item(self, indicator: str, **breakdown: str) -> Mapping[str, Any]:
        """The indicator's cell (fails the test when it is missing)."""
        key = (indicator, tuple(sorted(breakdown.items())))
        found = values_of(self.page).get(key)
        assert found is not None, f"{indicator} {breakdown} missing from year {self.page['year']}"
        assert not found.get("suppressed"), f"{indicator} {breakdown} is suppressed"
        return found

    def count(self, indicator: str, **breakdown: str) -> int:
        """A count (or a whole number of hours)."""
        value = Decimal(str(self.item(indicator, **breakdown)["value"]))
        assert value == value.to_integral_value(), f"{indicator}: {value} is not whole"
        return int(value)

    def amount(self, indicator: str, **breakdown: str) -> Decimal:
        """Hours or euros, to the cent."""
        return Decimal(str(self.item(indicator, **breakdown)["value"])).quantize(Decimal("0.01"))

    def terms(self, indicator: str, **breakdown: str) -> tuple[Decimal, Decimal]:
        """A ratio's numerator and denominator."""
        item = self.item(indicator, **breakdown)
        return Decimal(str(item["numerator"])), Decimal(str(item["denominator"]))

    def percent(self, indicator: str, places: int = 0, **breakdown: str) -> Decimal:
        """A ratio as a percentage rounded as printed (half up), from its own terms."""
        numerator, denominator = self.terms(indicator, **breakdown)
        value = Decimal(str(self.item(indicator, **breakdown)["value"]))
        assert abs(value - numerator / denominator) < Decimal("1e-9"), indicator
        return rounded(100 * numerator / denominator, places)


def rounded(value: Decimal, places: int) -> Decimal:
    """Rounded half up to the places, as a printed figure."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
