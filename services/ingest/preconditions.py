"""Corrections that state the version they replace: `If-Match` or `replaces_version`.

An event's entity-tag is its version as a strong tag, `"3"` (a weak `W/"3"` names the same
version). A submission item may state, in its body field `replaces_version` or (for a body of
one item) in `If-Match`, the version it corrects; 0 says it is the first one. When another
version is current, the whole submission is refused with 409 and the current version, and
nothing is published. Content identical to the current version is never stale: it is the
retry of the correction that made it, answered as a replay.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from services.ingest.outcomes import Refused
from services.ingest.problems import Problem
from services.ingest.records import Conflict

IF_MATCH = "If-Match"
ETAG = re.compile(r'(?:W/)?"([0-9]{1,10})"')
ETAG_RULE = (
    'attendu : une seule étiquette de version, par ex. If-Match: "3" (la version du reçu à '
    "corriger)"
)


OPENAPI_PARAMETER: dict[str, Any] = {
    "name": IF_MATCH,
    "in": "header",
    "required": False,
    "description": 'The entity-tag of the version a body of one item corrects (`"3"`, the '
    "`etag` of its receipt); 409 with the current version when it is no longer current",
    "schema": {"type": "string", "maxLength": 24},
}


class InvalidPreconditionError(ValueError):
    """An If-Match (or its use) that cannot be honoured (message in French)."""


def etag(version: int) -> str:
    """The entity-tag of an event's version."""
    return f'"{version}"'


def parse_if_match(values: Iterable[str]) -> int | None:
    """The version an If-Match field names, None without one; raises InvalidPreconditionError."""
    found = [value.strip() for value in values]
    if not found:
        return None
    match = ETAG.fullmatch(found[0]) if len(found) == 1 else None
    if match is None:
        raise InvalidPreconditionError(f"en-tête {IF_MATCH} invalide : {ETAG_RULE}")
    return int(match.group(1))


def expected_versions(items: Sequence[Any], if_match: int | None) -> list[int | None]:
    """The version each item states it replaces (its own field, or the If-Match of a body of
    one item); raises InvalidPreconditionError when If-Match cannot apply."""
    stated: list[int | None] = [getattr(item, "replaces_version", None) for item in items]
    if if_match is None:
        return stated
    if len(items) != 1:
        raise InvalidPreconditionError(
            f"{IF_MATCH} ne vaut que pour une soumission d'un seul élément : indiquez "
            "« replaces_version » sur chaque élément de la liste"
        )
    if stated[0] is not None and stated[0] != if_match:
        raise InvalidPreconditionError(
            f"{IF_MATCH} ({if_match}) et « replaces_version » ({stated[0]}) se contredisent"
        )
    return [if_match]


def stale_refusal(conflict: Conflict) -> Refused:
    """409: which items correct a version that is no longer current, and the current one."""
    problems = [
        Problem(
            "stale_version",
            "replaces_version",
            f"{_stated(stale.stated)}, mais {_current(stale.current)} : rien n'a été publié ; "
            "partez de la version actuelle pour la corriger",
            item=stale.position if conflict.events > 1 else None,
            current_version=stale.current,
        )
        for stale in conflict.stale
    ]
    return Refused(409, problems)


def _stated(version: int) -> str:
    if version == 0:
        return "cet élément se présente comme la première version"
    return f"cet élément corrige la version {version}"


def _current(version: int) -> str:
    return f"la version actuelle est la {version}" if version else "aucune version n'existe encore"
