"""The assessment's tables: hours by category, contracts by type, targets, years compared."""

from services.indicators.domain.assessment.blocks import Table
from services.indicators.domain.assessment.french_format import (
    MASKED,
    STATUS_FR,
    number,
    percent,
    terms,
)
from services.indicators.domain.assessment.lookup import Lookup
from services.indicators.domain.catalogue import cell_label
from shared.indicators import Axis, IndicatorValue, Unit

CATEGORIES = ("works", "public_service_delegation", "services", "supplies", "intellectual_services")
CONTRACT_TYPES = (
    "cdi", "cdi_inclusion", "cdd", "cddi", "interim", "ctti", "alternance",
    "apprenticeship", "professionalisation", "other",
)  # fmt: skip
TREND_ROWS = (
    ("social.insertion_hours", None),
    ("social.training_hours", None),
    ("social.training_hours_share", None),
    ("social.reserved_market_hours", None),
    ("social.beneficiaries", None),
    ("social.women_share", None),
    ("social.contracts", None),
    ("social.contract_type_share", "cdi"),
    ("social.contract_type_share", "cdd"),
    ("social.contract_type_share", "alternance"),
    ("social.markets_with_hours", None),
    ("social.markets_notified_over_40k", None),
    ("social.social_consideration_share", None),
    ("social.companies_engaged", None),
    ("social.smes_engaged", None),
)


def shown(value: IndicatorValue | None) -> str:
    """An indicator's figure as printed, « masqué » when suppressed, « n.d. » when absent."""
    if value is None or (value.value is None and not value.suppressed):
        return "n.d."
    if value.value is None:
        return MASKED
    if value.unit is Unit.RATIO:
        return percent(value.value)
    return number(value.value)


def categories_table(lookup: Lookup, year: int) -> Table:
    """Insertion hours and their share by market category."""
    rows = tuple(
        (
            cell_label(category),
            shown(lookup.get(year, "social.hours_by_category", category)),
            shown(lookup.get(year, "social.hours_category_share", category)),
        )
        for category in CATEGORIES
    )
    total = ("Total", shown(lookup.get(year, "social.insertion_hours")), percent(1.0))
    return Table(
        f"Heures d'insertion par catégorie de marché en {year}",
        ("Catégorie de marché", "Heures d'insertion", "Part"),
        (*rows, total),
    )


def _present(value: IndicatorValue | None) -> bool:
    return value is not None and (value.suppressed or bool(value.value))


def contracts_table(lookup: Lookup, year: int) -> Table:
    """Contracts by type, their share, and the share the year before."""
    rows = tuple(
        (
            cell_label(kind),
            shown(lookup.get(year, "social.contracts_by_type", kind)),
            shown(lookup.get(year, "social.contract_type_share", kind)),
            shown(lookup.get(year - 1, "social.contract_type_share", kind)),
        )
        for kind in CONTRACT_TYPES
        if (lookup.value(year, "social.contracts_by_type", kind) or 0) > 0
        or ((found := lookup.get(year, "social.contracts_by_type", kind)) and found.suppressed)
    )
    total = ("Total", shown(lookup.get(year, "social.contracts")), percent(1.0), "")
    return Table(
        f"Contrats de travail signés par le public en insertion en {year}, par type",
        ("Type de contrat", "Contrats", f"Part {year}", f"Part {year - 1}"),
        (*rows, total),
    )


def targets_table(lookup: Lookup, year: int) -> Table:
    """Every social indicator with a target: value, terms, target, progress and status."""
    rows = []
    for value in lookup.all(year):
        if value.target is None or value.axis is not Axis.SOCIAL:
            continue
        progress = "" if value.progress is None else percent(value.progress, 0)
        rows.append(
            (
                value.label,
                shown(value),
                terms(value),
                f"{percent(value.target.value, 0)} en {value.target.deadline_year}",
                progress,
                STATUS_FR[value.status],
            )
        )
    return Table(
        f"Indicateurs de l'axe social et objectifs cibles en {year}",
        ("Indicateur", "Valeur", "Calcul", "Objectif", "Progression", "Statut"),
        tuple(rows),
    )


def trend_table(lookup: Lookup, year: int) -> Table:
    """The main figures of every year up to this one, side by side."""
    years = [y for y in lookup.years if y <= year]
    rows = []
    for indicator, cell in TREND_ROWS:
        first = next(
            (lookup.get(y, indicator, cell) for y in years if lookup.get(y, indicator, cell)), None
        )
        if first is None:
            continue
        label = first.label + (f" : {cell_label(cell)}" if cell else "")
        rows.append((label, *(shown(lookup.get(y, indicator, cell)) for y in years)))
    return Table(
        "Évolution des indicateurs de l'axe social",
        ("Indicateur", *(str(y) for y in years)),
        tuple(rows),
    )
