"""A refusal names the field (and the line), gives an English code and a French message."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason to refuse a submission.

    `line` is the position of a line of a report (or a CSV line), `item` the position of
    the submission in a list body.
    """

    code: str
    field: str
    message: str
    line: int | None = None
    item: int | None = None
    current_version: int | None = None  # a stale stated version: the current one


@dataclass(frozen=True, slots=True)
class ContractFacts:
    """What ingest knows of a work contract it has already published."""

    market_id: str
    employer_siret: str
    beneficiary: str
    start_date: date


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What the rules need besides the submission: the clock is passed in, never read."""

    today: date
    holders: Mapping[str, frozenset[str]]
    markets_lag: int | None
    contracts: Mapping[str, ContractFacts]
    monthly_ceiling: Decimal
    max_lines_per_report: int


def unknown_market(market_id: str, lag: int | None, *, line: int | None = None) -> Problem:
    """The market is not in the read model; say whether the read model may be behind."""
    if lag is None:
        why = "le référentiel des marchés est en cours de chargement : réessayez dans un instant"
    elif lag > 0:
        why = (
            f"le référentiel des marchés a {lag} message(s) de retard : si le marché vient "
            "d'être notifié, réessayez dans un instant"
        )
    else:
        why = "le référentiel des marchés est à jour : ce marché n'a jamais été notifié"
    return Problem("unknown_market", "market_id", f"marché inconnu « {market_id} » ; {why}", line)


def month_of(day: date) -> str:
    """The YYYY-MM period a day falls in."""
    return f"{day.year:04d}-{day.month:02d}"


def period_problem(period: str, today: date, *, line: int | None = None) -> Problem | None:
    """A period may not be in the future."""
    if period > month_of(today):
        message = f"la période {period} est dans le futur (mois en cours : {month_of(today)})"
        return Problem("period_in_future", "period", message, line)
    return None


def hours_problems(
    insertion: Decimal, training: Decimal, ceiling: Decimal, *, line: int | None = None
) -> list[Problem]:
    """Hours are never negative, and one person's month stays under the ceiling."""
    problems = [
        Problem(
            "negative_hours", name, f"le nombre d'heures doit être positif ou nul ({value})", line
        )
        for name, value in (("insertion_hours", insertion), ("training_hours", training))
        if value < 0
    ]
    if not problems and insertion + training > ceiling:
        message = (
            f"{insertion + training} heures dans le mois pour une personne : au-delà du plafond "
            f"mensuel de {ceiling:.2f} h"
        )
        problems.append(Problem("hours_above_ceiling", "insertion_hours", message, line))
    return problems
