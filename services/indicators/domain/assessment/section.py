"""The social-axis section of the assessment for a year, as blocks (text, tables, charts)."""

from collections.abc import Mapping, Sequence
from datetime import datetime

from services.indicators.domain.assessment import charts, sentences, tables
from services.indicators.domain.assessment.blocks import Block, Heading, Paragraph
from services.indicators.domain.assessment.lookup import Lookup
from services.indicators.domain.assessment.render import html, markdown
from shared.indicators import IndicatorValue

INTRO = (
    "L'axe 3 « Un achat public au service de l'inclusion » fait des achats de la collectivité "
    "un levier pour l'emploi, l'insertion professionnelle et/ou sociale des publics en "
    "difficulté. Les chiffres de cette section sont calculés à partir des déclarations "
    "mensuelles d'heures, des contrats de travail et des marchés notifiés ; chaque part est "
    "donnée avec les effectifs dont elle est issue."
)


def _method(threshold: int, generated_at: datetime, applied: datetime | None) -> list[Block]:
    data = (
        f"Données appliquées jusqu'au {applied.strftime('%d/%m/%Y à %H:%M UTC')}"
        if applied
        else "Aucune donnée horodatée appliquée"
    )
    return [
        Heading(3, "Méthode et confidentialité"),
        Paragraph(
            "Chaque chiffre est calculé à partir des événements reçus, jamais recopié : un "
            "pourcentage est toujours accompagné du nombre dont il est issu. Les marchés "
            "notifiés sont comptés dans leur dernière version, l'année de leur notification."
        ),
        Paragraph(
            f"Secret statistique : aucune répartition de personnes ne publie une case de moins "
            f"de {threshold} personnes ; une telle case est masquée, ainsi que toute case qui "
            "permettrait de la retrouver par différence, y compris en combinant les totaux et "
            "les sous-totaux publiés (comme l'alternance)."
        ),
        Paragraph(f"{data} ; section générée le {generated_at.strftime('%d/%m/%Y à %H:%M UTC')}."),
    ]


def social_section(
    by_year: Mapping[int, Sequence[IndicatorValue]],
    *,
    year: int,
    generated_at: datetime,
    data_applied_at: datetime | None,
    threshold: int,
) -> list[Block]:
    """The section « Axe social » of the assessment of a year, with earlier-year comparisons."""
    lookup = Lookup(by_year)
    note = sentences.people_and_contracts_note(lookup, year)
    return [
        Heading(1, f"Bilan {year} du SPASER : axe social"),
        Heading(2, "Axe social : protéger, intensifier, agir"),
        Paragraph(INTRO),
        Heading(3, "Action 22 : Encourager la féminisation de certains métiers"),
        Paragraph(sentences.women_sentence(lookup, year)),
        *charts.women_chart(lookup, year),
        Heading(
            3,
            "Action 27 : Diversifier et élargir les achats comportant une clause "
            "d'insertion socio-professionnelle",
        ),
        Paragraph(sentences.hours_sentence(lookup, year)),
        Paragraph(sentences.categories_sentence(lookup, year)),
        Paragraph(sentences.markets_sentence(lookup, year)),
        tables.categories_table(lookup, year),
        *charts.hours_charts(lookup, year),
        Heading(3, "Action 28 : Favoriser la montée en compétence du public en insertion"),
        Paragraph(sentences.contracts_sentence(lookup, year)),
        *([Paragraph(note)] if note else []),
        Paragraph(sentences.training_sentence(lookup, year)),
        tables.contracts_table(lookup, year),
        *charts.contracts_chart(lookup, year),
        Heading(3, "Indicateurs et objectifs cibles"),
        tables.targets_table(lookup, year),
        Heading(3, "Comparaison avec les années précédentes"),
        tables.trend_table(lookup, year),
        *_method(threshold, generated_at, data_applied_at),
    ]


def documents(
    by_year: Mapping[int, Sequence[IndicatorValue]],
    *,
    year: int,
    generated_at: datetime,
    data_applied_at: datetime | None,
    threshold: int,
) -> tuple[str, str]:
    """The section as Markdown and as one self-contained HTML page."""
    blocks = social_section(
        by_year,
        year=year,
        generated_at=generated_at,
        data_applied_at=data_applied_at,
        threshold=threshold,
    )
    return markdown(blocks), html(blocks, title=f"Bilan {year} du SPASER : axe social")
