"""Roles, principals, bearer tokens' hashes, and who may submit for which market (pure)."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """A facilitator (the buyer's side) acts on every market; a contractor on those it holds."""

    FACILITATOR = "facilitator"
    CONTRACTOR = "contractor"


class SubmissionKind(StrEnum):
    """What a submission declares."""

    MARKET = "market"
    INVOICE = "invoice"
    WORK_CONTRACT = "work_contract"
    MONTHLY_HOURS = "monthly_hours"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is submitting: a unique id (what their submissions are scoped by), a name to show,
    never the token."""

    id: str
    name: str
    role: Role
    siret: str | None = None


def principal_id(principal: Principal) -> str:
    """The unique, stable key of a principal: what submissions, the history and any other
    per-caller state are scoped by (names need not stay unique over time; this does)."""
    return principal.id


def hash_token(token: str) -> str:
    """The hash under which a token is configured."""
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if there is one."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def forbidden(
    principal: Principal,
    kind: SubmissionKind,
    market_id: str,
    holders: Mapping[str, frozenset[str]],
    *,
    holder_siret: str | None = None,
) -> str | None:
    """Why the principal may not submit this (in French), or None when it may."""
    if principal.role is Role.FACILITATOR:
        return None
    if kind is SubmissionKind.MARKET:
        return "un titulaire ne peut pas notifier de marché"
    held_by = holders.get(market_id)
    if held_by is not None and principal.siret not in held_by:
        return f"le marché « {market_id} » n'est pas détenu par le SIRET {principal.siret}"
    return not_for_itself(principal, kind, holder_siret)


# the field naming the SIRET a submission is made for: a contractor's own, always
OWN_SIRET_FIELD = {
    SubmissionKind.INVOICE: "holder_siret",
    SubmissionKind.WORK_CONTRACT: "employer_siret",
    SubmissionKind.MONTHLY_HOURS: "employer_siret",
}


def not_for_itself(principal: Principal, kind: SubmissionKind, siret: str | None) -> str | None:
    """Why a contractor's invoice, contract or month names another SIRET than its own as
    holder or employer (in French), or None. A facilitator acts for every employer."""
    if principal.role is Role.FACILITATOR or siret is None or siret == principal.siret:
        return None
    if kind is SubmissionKind.INVOICE:
        return f"un titulaire ne peut facturer que pour lui-même (SIRET {principal.siret})"
    return (
        "un titulaire ne déclare que ses propres contrats et heures : l'employeur doit être "
        f"son SIRET {principal.siret}"
    )
