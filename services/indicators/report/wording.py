"""Action 22 and action 27 sentences, worded as the 2023 assessment words them."""

from services.indicators.report.french import (
    SPACE,
    STATUS_FR,
    join,
    number,
    percent,
    signed_percent,
)
from services.indicators.report.model import Lookup
from services.indicators.report.phrases import capitalised, count

CATEGORY_PHRASES = (
    (("works",), "{} d'heures d'insertion sur les marchés de travaux"),
    (
        ("public_service_delegation",),
        "{} sur les marchés de transports (délégation de service public)",
    ),
    (("services", "supplies"), "{} sur les marchés de services et de fournitures"),
    (("intellectual_services",), "{} sur les marchés de prestations intellectuelles"),
)


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
