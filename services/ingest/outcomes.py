"""What the use case gives back, stage by stage (plain values)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.ingest.plausibility import AMOUNT_CEILING, Plausible, plausible_for
from services.ingest.problems import Problem
from services.ingest.records import Receipt
from services.ingest.units import Unit
from shared.events import Event


@dataclass(frozen=True, slots=True)
class Accepted:
    """Published (acknowledged by the broker) and recorded."""

    submission_id: str
    replayed: bool
    receipts: list[Receipt]


@dataclass(frozen=True, slots=True)
class Refused:
    """Refused as a whole: 403 outside the principal's scope, 422 when a rule is broken."""

    status: int
    problems: list[Problem]
    markets_lag: int | None = None


Outcome = Accepted | Refused


class PublishError(Exception):
    """The broker did not acknowledge; nothing was answered as accepted."""


@dataclass(frozen=True, slots=True)
class Limits:
    """The configurable bounds of the rules."""

    monthly_ceiling: Decimal
    max_lines_per_report: int
    earliest_year: int = 2000
    latest_years_ahead: int = 1
    contract_end_years_ahead: int = 5
    max_amount_ht: Decimal = AMOUNT_CEILING

    def bounds(self, today: date) -> Plausible:
        """The plausible window on `today` (Europe/Paris) and the amounts' ceiling."""
        return plausible_for(
            today,
            earliest_year=self.earliest_year,
            years_ahead=self.latest_years_ahead,
            end_years_ahead=self.contract_end_years_ahead,
            max_amount=self.max_amount_ht,
        )


@dataclass(frozen=True, slots=True)
class Judged:
    """Units past authorisation and the rules: the refused ones, and the others' events."""

    units: list[Unit]
    outcomes: dict[int, Outcome]
    built: list[tuple[int, list[Event]]]
