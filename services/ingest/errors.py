"""Refusals as JSON bodies of our own: codes in English, messages in French, never the input."""

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from services.ingest.problems import Problem
from services.ingest.responses import ErrorBody, ErrorItem

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
