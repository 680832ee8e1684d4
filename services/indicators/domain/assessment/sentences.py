"""The assessment's sentences, worded as the 2023 assessment words them: action 22 (women),
action 27 (hours, categories, markets) and action 28 (contracts, training, reserved markets)."""

from services.indicators.domain.assessment.french_format import (
    MASKED,
    SPACE,
    STATUS_FR,
    capitalised,
    count,
    join,
    number,
    percent,
    signed_percent,
    terms,
)
from services.indicators.domain.assessment.lookup import Lookup

CATEGORY_PHRASES = (
    (("works",), "{} d'heures d'insertion sur les marchés de travaux"),
    (
        ("public_service_delegation",),
        "{} sur les marchés de transports (délégation de service public)",
    ),
    (("services", "supplies"), "{} sur les marchés de services et de fournitures"),
    (("intellectual_services",), "{} sur les marchés de prestations intellectuelles"),
)

CONTRACT_PHRASES = (("cdi", "CDI"), ("cdd", "CDD"), ("alternance", "contrats d'alternance"))


def women_sentence(lookup: Lookup, year: int) -> str:
    """Action 22: the share of women against the target and the earlier years."""
    women = lookup.get(year, "social.women_share")
    target = women.target if women else None
    lead = ""
    if target:
        lead = (
            f"L'objectif à atteindre étant de {percent(target.value, 0)} de femmes dans les "
            f"marchés clausés en {target.deadline_year}, "
        )
    if women is None or women.value is None or women.numerator is None:
        return capitalised(
            lead
            + f"la part des femmes embauchées en {year} n'est pas publiée (secret statistique)."
        )
    text = (
        f"{percent(women.value)} de femmes ({number(women.numerator)} sur "
        f"{number(women.denominator or 0)} bénéficiaires) sont embauchées dans les contrats "
        f"notifiés comportant une clause d'insertion en {year}"
    )
    before = [
        f"{percent(lookup.value(y, 'social.women_share') or 0)} en {y}"
        for y in reversed(lookup.earlier(year, "social.women_share"))
    ]
    text = capitalised(lead + text + (f" contre {join(before)}" if before else "") + ".")
    if target and women.progress is not None:
        text += (
            f" Au regard de l'objectif, l'indicateur est {STATUS_FR[women.status]} "
            f"({percent(women.progress, 0)} de la cible)."
        )
    return text


def hours_sentence(lookup: Lookup, year: int) -> str:
    """Action 27: hours against the year before, and beneficiaries by gender."""
    hours = lookup.value(year, "social.insertion_hours") or 0
    text = f"En {year}, {number(hours)} heures d'insertion ont été réalisées"
    change = lookup.value(year, "social.insertion_hours_change")
    previous = lookup.value(year - 1, "social.insertion_hours")
    if change is not None and previous:
        text += f" contre {number(previous)} heures en {year - 1} ({signed_percent(change)})"
    people = count(lookup.get(year, "social.beneficiaries"), "bénéficiaires")
    text += f", {people} d'un contrat de travail dans le cadre d'une clause d'insertion"
    parts = [
        _gender_part(lookup, year, gender, noun)
        for gender, noun in (("male", "hommes"), ("female", "femmes"))
    ]
    if None in parts:
        return text + ", dont la répartition par genre n'est pas publiée (secret statistique)."
    unknown = lookup.value(year, "social.beneficiaries_by_gender", "unspecified")
    if unknown:
        parts.append(f"{number(unknown)} dont le genre n'est pas renseigné")
    return text + ", dont " + join([part for part in parts if part]) + "."


def _gender_part(lookup: Lookup, year: int, gender: str, noun: str) -> str | None:
    people = lookup.value(year, "social.beneficiaries_by_gender", gender)
    share = lookup.value(year, "social.women_share" if gender == "female" else "social.men_share")
    if people is None or share is None:
        return None
    return f"{number(people)} {noun} ({percent(share)})"


def categories_sentence(lookup: Lookup, year: int) -> str:
    """Action 27: markets with hours, and how the hours split by market category."""
    markets = lookup.value(year, "social.markets_with_hours") or 0
    total = lookup.value(year, "social.insertion_hours") or 0
    text = f"{number(markets)} marchés sur lesquels les heures d'insertion ont été réalisées"
    parts = []
    for categories, phrase in CATEGORY_PHRASES:
        hours = sum(lookup.value(year, "social.hours_by_category", c) or 0 for c in categories)
        if hours and total:
            parts.append(phrase.format(percent(hours / total)))
    return text + (", dont " + join(parts) if parts else "") + "."


def markets_sentence(lookup: Lookup, year: int) -> str:
    """Action 27: markets notified with a social consideration, and companies engaged."""
    share = lookup.get(year, "social.social_consideration_share")
    notified = lookup.value(year, "social.markets_notified_over_40k") or 0
    text = f"Sur {number(notified)} marchés notifiés (supérieurs à 40{SPACE}000 euros HT), "
    if share is None or share.value is None:
        text += "aucun marché n'est encore connu."
    else:
        social = lookup.value(year, "social.markets_with_social_consideration") or 0
        text += (
            f"{number(social)} marchés ont intégré une considération sociale, "
            f"soit {percent(share.value)}."
        )
        if share.target is not None:
            text += (
                f" L'objectif est de {percent(share.target.value, 0)} en "
                f"{share.target.deadline_year} : {STATUS_FR[share.status]}."
            )
    smes = lookup.value(year, "social.smes_engaged") or 0
    companies = lookup.value(year, "social.companies_engaged") or 0
    return text + (
        f" Cela représente {number(smes)} PME/TPE et {number(companies)} entreprises engagées "
        "dans la clause d'insertion."
    )


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
