"""The assessment's charts, drawn from the published indicators."""

from services.indicators.domain.assessment import svg_bars, tables
from services.indicators.domain.assessment.blocks import Block, Chart
from services.indicators.domain.assessment.french_format import number, percent
from services.indicators.domain.assessment.lookup import Lookup
from services.indicators.domain.catalogue import cell_label

MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def women_chart(lookup: Lookup, year: int) -> list[Block]:
    """Action 22: the share of women by year, with the target line."""
    years = [y for y in lookup.years if y <= year]
    women = [lookup.value(y, "social.women_share") for y in years]
    found = lookup.get(year, "social.women_share")
    target = None
    if found is not None and found.target is not None:
        target = (
            found.target.value,
            f"Objectif {found.target.deadline_year} : {percent(found.target.value, 0)}",
        )
    svg = svg_bars.bars(
        "Part des femmes parmi les bénéficiaires",
        [str(y) for y in years],
        women,
        percent,
        target=target,
    )
    return [Chart("Part des femmes parmi les bénéficiaires, par année", svg)]


def hours_charts(lookup: Lookup, year: int) -> list[Block]:
    """Action 27: hours by year, by category and by month."""
    years = [y for y in lookup.years if y <= year]
    hours = [lookup.value(y, "social.insertion_hours") for y in years]
    shares = [lookup.value(year, "social.hours_category_share", c) or 0 for c in tables.CATEGORIES]
    months = [v for v in lookup.all(year) if v.id == "social.monthly_insertion_hours"]
    blocks: list[Block] = [
        Chart(
            "Heures d'insertion réalisées, par année",
            svg_bars.bars("Heures d'insertion réalisées", [str(y) for y in years], hours, number),
        ),
        Chart(
            f"Répartition des heures d'insertion par catégorie de marché en {year}",
            svg_bars.horizontal_bars(
                "Part des heures d'insertion par catégorie",
                [cell_label(c) for c in tables.CATEGORIES],
                shares,
                percent,
            ),
        ),
    ]
    if months:
        labels = [MONTHS[int(v.breakdown.get("month", "0000-01")[5:]) - 1] for v in months]
        svg = svg_bars.bars(
            f"Heures d'insertion par mois en {year}", labels, [v.value for v in months], number
        )
        blocks.append(Chart(f"Heures d'insertion réalisées par mois en {year}", svg))
    return blocks


def contracts_chart(lookup: Lookup, year: int) -> list[Block]:
    """Action 28: CDI, CDD and alternance shares against the year before."""
    kinds = ("cdi", "cdd", "alternance")
    series = [
        (str(y), [lookup.value(y, "social.contract_type_share", k) for k in kinds])
        for y in (year - 1, year)
        if y in lookup.years
    ]
    svg = svg_bars.grouped_bars(
        "Part des CDI, CDD et contrats d'alternance", ["CDI", "CDD", "Alternance"], series, percent
    )
    return [Chart("Part des CDI, CDD et contrats d'alternance, comparée à l'année précédente", svg)]
