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
    # a facilitator's perimeter: the SIRETs of the buyers it serves; None: every buyer (a
    # facilitator token configured without `buyers`, as before perimeters existed)
    buyers: frozenset[str] | None = None


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


def reads_every_submission(principal: Principal) -> bool:
    """A facilitator serving every buyer reads every submission; any other caller, its own
    (a facilitator with a perimeter included: submissions do not record their buyers)."""
    return principal.role is Role.FACILITATOR and principal.buyers is None


def outside_perimeter(
    principal: Principal,
    kind: SubmissionKind,
    market_id: str,
    buyer_of: Mapping[str, str],
    *,
    buyer_siret: str | None = None,
) -> tuple[str, str] | None:
    """The field and the reason (in French) when a facilitator submits for a buyer outside
    its perimeter, or None. A market names its buyer (`buyer.siret`); an invoice, a contract
    or a month names its market, whose buyer is the one that notified it (`buyer_of`: market
    id -> buyer SIRET). A market not notified yet has no buyer: the rules refuse it."""
    if principal.role is not Role.FACILITATOR or principal.buyers is None:
        return None
    if (
        kind is SubmissionKind.MARKET
        and buyer_siret is not None
        and buyer_siret not in principal.buyers
    ):
        return (
            "buyer.siret",
            f"l'acheteur (SIRET {buyer_siret}) n'est pas dans le périmètre de ce jeton",
        )
    # a market id already notified by a buyer outside the perimeter is that buyer's: neither
    # its invoices, contracts and months nor a new version of it (market ids are unique on
    # the platform until events name their buyer)
    buyer = buyer_of.get(market_id)
    if buyer is not None and buyer not in principal.buyers:
        return (
            "market_id",
            f"le marché « {market_id} » relève d'un acheteur hors du périmètre de ce jeton",
        )
    return None


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
