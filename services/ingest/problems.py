"""A refusal names the field (and the line), gives an English code and a French message."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from services.ingest.plausibility import LENIENT, Plausible, siret_key_valid


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
    bounds: Plausible = LENIENT
    market_amounts: Mapping[str, Decimal] = field(default_factory=dict)


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


def contract_id_taken(contract_id: str, *, line: int | None = None) -> Problem:
    """A contract id already used for another market or employer: refused without saying
    whose (the market and employer of a contract never change from one version to the next)."""
    message = (
        f"la référence de contrat « {contract_id} » est déjà utilisée : choisissez-en une autre "
        "(le marché et l'employeur d'un contrat ne changent pas d'une version à l'autre)"
    )
    return Problem("contract_id_taken", "contract_id", message, line)


def taken_problem(
    contract_id: str,
    market_id: str,
    employer_siret: str,
    contracts: Mapping[str, ContractFacts],
    *,
    line: int | None = None,
) -> Problem | None:
    """`contract_id_taken` when a published contract of that id has another market or
    employer, whoever sends it (a facilitator corrects a contract, it does not move it)."""
    known = contracts.get(contract_id)
    if known is None or (known.market_id, known.employer_siret) == (market_id, employer_siret):
        return None
    return contract_id_taken(contract_id, line=line)


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


# Plausibility (issue 14): the window of dates and periods, the amounts' ceiling, SIRET keys


def _french(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def day_problem(
    value: date,
    name: str,
    what: str,
    bounds: Plausible,
    *,
    end: bool = False,
    line: int | None = None,
) -> Problem | None:
    """A day (contract start or end, notification) within the window; `what` names it in
    French (« la date de début du contrat »)."""
    latest = bounds.latest_end if end else bounds.latest
    if bounds.earliest <= value <= latest:
        return None
    message = (
        f"{what} {_french(value)} est invraisemblable : attendue entre le "
        f"{_french(bounds.earliest)} et le {_french(latest)}"
    )
    return Problem("implausible_date", name, message, line)


def period_window_problem(
    period: str, bounds: Plausible, *, line: int | None = None
) -> Problem | None:
    """A period (YYYY-MM, already well formed) within the window."""
    if bounds.first_period <= period <= bounds.last_period:
        return None
    message = (
        f"la période {period} est invraisemblable : attendue entre {bounds.first_period} "
        f"et {bounds.last_period}"
    )
    return Problem("implausible_period", "period", message, line)


def amount_problem(amount: Decimal, name: str, bounds: Plausible) -> Problem | None:
    """An amount (EUR HT) under the plausibility ceiling."""
    if amount <= bounds.max_amount:
        return None
    ceiling = f"{bounds.max_amount:,.0f}".replace(",", " ")
    message = f"montant invraisemblable : {amount} EUR HT dépasse le plafond de {ceiling} EUR HT"
    return Problem("implausible_amount", name, message)


def siret_problem(siret: str, name: str, *, line: int | None = None) -> Problem | None:
    """A SIRET (14 digits, already checked) whose key is wrong."""
    if siret_key_valid(siret):
        return None
    message = (
        "SIRET invalide : sa clé de contrôle est fausse (formule de Luhn sur les 14 chiffres ; "
        "somme des chiffres multiple de 5 pour les établissements de La Poste) ; "
        "vérifiez-le sur l'avis de situation SIRENE"
    )
    return Problem("invalid_siret", name, message, line)
