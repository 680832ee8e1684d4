"""Refusals: a problem names the field (and the line), gives an English code and a French
message; our own JSON bodies of refusal, worded from the schema, never echoing the input."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from pydantic_core import ErrorDetails

from services.ingest.domain.plausibility import Plausible, siret_key_valid
from services.ingest.domain.pseudonym import latin_identifier, normalise_identifier


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


def _french_day(day: date) -> str:
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
        f"{what} {_french_day(value)} est invraisemblable : attendue entre le "
        f"{_french_day(bounds.earliest)} et le {_french_day(latest)}"
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


BENEFICIARY_SCRIPT = "beneficiary_id_script"
BENEFICIARY_SCRIPT_MESSAGE = (
    "identifiant du bénéficiaire refusé : il contient une lettre d'un autre alphabet que "
    "l'alphabet latin (cyrillique, grec, arménien…), qui peut ressembler à une lettre latine "
    "et compter une même personne deux fois ; attendu : lettres latines (accentuées ou non), "
    "chiffres 0 à 9 et séparateurs usuels (- . _ /)"
)


BENEFICIARY_EMPTY = "beneficiary_id_empty"
BENEFICIARY_EMPTY_MESSAGE = (
    "identifiant du bénéficiaire refusé : il ne contient que des espaces ou des caractères "
    "invisibles, et tous ceux-là désigneraient une même personne ; attendu : au moins une "
    "lettre latine ou un chiffre"
)


def beneficiary_id_problem(raw: str, *, line: int | None = None) -> Problem | None:
    """A beneficiary identifier that cannot name one person, never quoting it: nothing left
    once spaces and invisible characters are removed (every such identifier would get the
    same pseudonym), or a letter of another script than Latin (a homoglyph of a Latin one
    would give the same person another pseudonym)."""
    if not normalise_identifier(raw):
        return Problem(BENEFICIARY_EMPTY, "beneficiary_id", BENEFICIARY_EMPTY_MESSAGE, line)
    if latin_identifier(raw):
        return None
    return Problem(BENEFICIARY_SCRIPT, "beneficiary_id", BENEFICIARY_SCRIPT_MESSAGE, line)


class ErrorItem(BaseModel):
    """One reason for a refusal: an English code, a French message, and where."""

    code: str = Field(description="English code, e.g. negative_hours")
    message: str = Field(description="Explanation in French")
    field: str | None = Field(default=None, description="The field (or CSV column's field)")
    location: str | None = Field(default=None, description="Path in the JSON body")
    line: int | None = Field(default=None, description="CSV line as a spreadsheet shows it")
    column: str | None = Field(default=None, description="CSV column header as in the file")
    current_version: int | None = Field(
        default=None,
        description="409: the version now current (0: none yet), to restate the correction on",
    )


class ErrorBody(BaseModel):
    """Every refusal: what happened, and every reason at once."""

    code: str
    message: str
    errors: list[ErrorItem] = []
    markets_lag: int | None = Field(
        default=None, description="Markets not yet read from the markets topic, when relevant"
    )


SENSITIVE_FIELDS = frozenset({"beneficiary_id", "identifiant_bénéficiaire"})

_FRENCH: dict[str, str] = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu",
    "json_invalid": "JSON invalide",
    "json_type": "JSON attendu",
    "string_type": "texte attendu",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "decimal_parsing": "nombre attendu",
    "decimal_type": "nombre attendu",
    "decimal_max_places": "au plus {decimal_places} décimales",
    "decimal_max_digits": "au plus {max_digits} chiffres",
    "decimal_whole_digits": "nombre trop grand",
    "date_parsing": "date attendue au format AAAA-MM-JJ",
    "date_from_datetime_parsing": "date attendue au format AAAA-MM-JJ",
    "date_type": "date attendue au format AAAA-MM-JJ",
    "bool_type": "booléen attendu",
    "list_type": "liste attendue",
    "model_type": "objet attendu",
    "model_attributes_type": "objet attendu",
    "dict_type": "objet attendu",
    "enum": "valeur inconnue ; valeurs acceptées : {expected}",
    "literal_error": "valeur inconnue ; valeurs acceptées : {expected}",
    "string_too_short": "au moins {min_length} caractère(s)",
    "string_too_long": "au plus {max_length} caractères",
    "string_pattern_mismatch": "format invalide (attendu : {pattern})",
    "too_short": "au moins {min_length} élément(s)",
    "too_long": "au plus {max_length} éléments",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "less_than": "doit être inférieur à {lt}",
    "finite_number": "nombre fini attendu",
}


# the codes whose message is worded from the schema's constraints alone, never the input
WORDED_CODES = frozenset(_FRENCH)


def _french(error: ErrorDetails, sensitive: bool) -> str:
    template = _FRENCH.get(error["type"])
    if template is not None:
        try:
            return template.format(**error.get("ctx", {}))
        except (KeyError, IndexError):
            return template.split(" ;")[0]
    if sensitive:
        return "valeur invalide"
    # custom validators explain what they expected (SIRET, period...) in their message
    return f"valeur invalide : {error['msg'].removeprefix('Value error, ')}"


def path_of(loc: Iterable[int | str]) -> str:
    """`lines[3].insertion_hours`-style path of a location."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def validation_items(errors: Sequence[ErrorDetails], *, skip: int = 0) -> list[ErrorItem]:
    """Our items from pydantic errors, without ever echoing the input value."""
    items = []
    for error in errors:
        loc = list(error["loc"])[skip:]
        names = [part for part in loc if isinstance(part, str)]
        sensitive = any(name in SENSITIVE_FIELDS for name in names)
        items.append(
            ErrorItem(
                code=error["type"],
                message=_french(error, sensitive),
                field=names[-1] if names else None,
                location=path_of(loc) or None,
            )
        )
    return items


def invalid_body(error: ValidationError) -> ErrorBody:
    """The body does not have the expected shape."""
    items = validation_items(error.errors(include_input=False, include_url=False))
    return ErrorBody(
        code="invalid_body",
        message=f"La soumission est refusée : {len(items)} erreur(s) de forme.",
        errors=items,
    )


def problem_item(problem: Problem) -> ErrorItem:
    """A rule's problem located in a JSON body."""
    parts: list[int | str] = []
    if problem.item is not None:
        parts.append(problem.item)
    if problem.line is not None:
        parts.extend(["lines", problem.line])
    parts.append(problem.field)
    return ErrorItem(
        code=problem.code,
        message=problem.message,
        field=problem.field,
        location=path_of(parts),
        current_version=problem.current_version,
    )


def refused_body(status: int, problems: Sequence[Problem], lag: int | None) -> ErrorBody:
    """A refusal by the rules (422) or by the principal's scope (403)."""
    if status == 409:
        return ErrorBody(
            code="version_conflict",
            message=(
                f"La soumission est refusée : {len(problems)} élément(s) corrigent une version "
                "qui n'est plus la version actuelle ; rien n'a été publié."
            ),
            errors=[problem_item(p) for p in problems],
        )
    if status == 403:
        return ErrorBody(
            code="forbidden",
            message=problems[0].message if problems else "accès refusé",
            errors=[problem_item(p) for p in problems],
        )
    return ErrorBody(
        code="rules_broken",
        message=f"La soumission est refusée : {len(problems)} erreur(s).",
        errors=[problem_item(p) for p in problems],
        markets_lag=lag if any(p.code == "unknown_market" for p in problems) else None,
    )


def simple(code: str, message: str) -> dict[str, Any]:
    """A body with no item."""
    return ErrorBody(code=code, message=message).model_dump(mode="json")
