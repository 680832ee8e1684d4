"""Action 28 sentences: contracts by type, training hours, reserved markets."""

from services.indicators.report.french import MASKED, join, number, percent
from services.indicators.report.model import Lookup
from services.indicators.report.phrases import count, terms

CONTRACT_PHRASES = (("cdi", "CDI"), ("cdd", "CDD"), ("alternance", "contrats d'alternance"))


def _contract_part(lookup: Lookup, year: int, kind: str, noun: str) -> str:
    share = lookup.value(year, "social.contract_type_share", kind)
    signed = lookup.value(year, "social.contracts_by_type", kind)
    if share is None or signed is None:
        return f"{noun} : nombre {MASKED}"
    before = lookup.value(year - 1, "social.contract_type_share", kind)
    against = f" contre {percent(before)} en {year - 1}" if before is not None else ""
    return f"{number(signed)} {noun} soit {percent(share)}{against}"


def contracts_sentence(lookup: Lookup, year: int) -> str:
    """Contracts signed, and the CDI, CDD and alternance shares against the year before."""
    contracts = count(lookup.get(year, "social.contracts"), "contrats de travail")
    parts = [_contract_part(lookup, year, kind, noun) for kind, noun in CONTRACT_PHRASES]
    return f"Ainsi, en {year}, sur {contracts} signés avec le public en insertion, {join(parts)}."


def people_and_contracts_note(lookup: Lookup, year: int) -> str | None:
    """Why there are more contracts than people, when there are."""
    people = lookup.value(year, "social.beneficiaries")
    contracts = lookup.value(year, "social.contracts")
    if people is None or contracts is None or contracts <= people:
        return None
    return (
        f"Une même personne pouvant signer plusieurs contrats, les {number(contracts)} contrats "
        f"ont été signés par {number(people)} bénéficiaires."
    )


def training_sentence(lookup: Lookup, year: int) -> str:
    """Training hours and their share of insertion hours; hours in reserved markets."""
    share = lookup.get(year, "social.training_hours_share")
    training = lookup.value(year, "social.training_hours") or 0
    text = f"{number(training)} heures de formation ont été valorisées"
    if share is not None and share.value is not None:
        text += (
            f", soit {percent(share.value)} du total d'heures d'insertion réalisées "
            f"({terms(share)})"
        )
    before = lookup.value(year - 1, "social.training_hours")
    if before is not None:
        text += f", contre {number(before)} heures de formation en {year - 1}"
    reserved = lookup.value(year, "social.reserved_market_hours") or 0
    return text + (
        f". {number(reserved)} heures ont été réalisées dans le cadre des marchés réservés."
    )
