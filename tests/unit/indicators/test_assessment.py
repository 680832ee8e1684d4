"""The assessment renders in the seed's wording, and every figure it prints is an indicator's."""

import html
import re
from datetime import UTC, datetime

import pytest

from harness.builders import beneficiary_counts
from services.indicators.adapters.targets_file import load_targets
from services.indicators.domain.assessment.section import documents
from services.indicators.settings import DEFAULT_TARGETS
from shared.indicators import IndicatorValue
from tests import bilan_2023
from tests.unit.indicators.helpers import cell, fold, indicators

N = r"(\d[\d ]*)"  # a French integer, thousands separated by spaces
P = r"(\d+,\d) %"  # a French percentage with one decimal
GENERATED = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)


def plain(text: str) -> str:
    return text.replace("\u00a0", " ")


def integer(text: str) -> int:
    return int(text.replace(" ", ""))


def pct(value: IndicatorValue | None) -> str:
    assert value is not None
    assert value.value is not None
    return f"{round(value.value * 100, 1):.1f}".replace(".", ",")


@pytest.fixture(scope="module")
def years() -> dict[int, list[IndicatorValue]]:
    state = fold(bilan_2023.aggregate_changes(), bilan_2023.markets_2023())
    return indicators(state, targets=load_targets(DEFAULT_TARGETS))


@pytest.fixture(scope="module")
def rendered(years: dict[int, list[IndicatorValue]]) -> tuple[str, str]:
    text_md, text_html = documents(
        years, year=2023, generated_at=GENERATED, data_applied_at=None, threshold=5
    )
    return plain(text_md), text_html


def find(pattern: str, text: str) -> tuple[str, ...]:
    match = re.search(pattern, text)
    assert match, f"not found: {pattern}"
    return match.groups()


def test_action_22_gives_the_share_of_women_against_the_target_and_earlier_years(
    years: dict[int, list[IndicatorValue]], rendered: tuple[str, str]
) -> None:
    women = cell(years[2023], "social.women_share")
    assert women.target is not None

    share, count, total, y2020, y2021 = find(
        rf"L'objectif à atteindre étant de 20 % de femmes dans les marchés clausés en 2028, "
        rf"{P} de femmes \({N} sur {N} bénéficiaires\) sont embauchées dans les contrats "
        rf"notifiés comportant une clause d'insertion en 2023 contre {P} en 2020, {P} en 2021",
        rendered[0],
    )

    assert (integer(count), integer(total)) == (women.numerator, women.denominator)
    assert share == pct(women)
    assert y2020 == pct(cell(years[2020], "social.women_share"))
    assert y2021 == pct(cell(years[2021], "social.women_share"))


def test_action_27_gives_hours_people_markets_and_companies_as_the_indicators_say(
    years: dict[int, list[IndicatorValue]], rendered: tuple[str, str]
) -> None:
    this, last = years[2023], years[2022]
    text = rendered[0]

    hours, before, people, men, men_share, women, women_share = find(
        rf"En 2023, {N} heures d'insertion ont été réalisées contre {N} heures en 2022 "
        rf"\([^)]*\), {N} bénéficiaires d'un contrat de travail dans le cadre d'une clause "
        rf"d'insertion, dont {N} hommes \({P}\) et {N} femmes \({P}\)",
        text,
    )
    markets, works, transport = find(
        rf"{N} marchés sur lesquels les heures d'insertion ont été réalisées, dont {P} "
        rf"d'heures d'insertion sur les marchés de travaux, {P} sur les marchés de transports",
        text,
    )
    notified, social, share = find(
        rf"Sur {N} marchés notifiés [^,]*, {N} marchés ont intégré une considération sociale, "
        rf"soit {P}",
        text,
    )
    smes, companies = find(
        rf"Cela représente {N} PME/TPE et {N} entreprises engagées dans la clause d'insertion",
        text,
    )

    assert integer(hours) == cell(this, "social.insertion_hours").value
    assert integer(before) == cell(last, "social.insertion_hours").value
    assert integer(people) == cell(this, "social.beneficiaries").value
    assert integer(men) == cell(this, "social.beneficiaries_by_gender", "male").value
    assert integer(women) == cell(this, "social.beneficiaries_by_gender", "female").value
    assert men_share == pct(cell(this, "social.men_share"))
    assert women_share == pct(cell(this, "social.women_share"))
    assert integer(markets) == cell(this, "social.markets_with_hours").value
    assert works == pct(cell(this, "social.hours_category_share", "works"))
    assert transport == pct(cell(this, "social.hours_category_share", "public_service_delegation"))
    assert integer(notified) == cell(this, "social.markets_notified_over_40k").value
    assert integer(social) == cell(this, "social.markets_with_social_consideration").value
    assert share == pct(cell(this, "social.social_consideration_share"))
    assert integer(smes) == cell(this, "social.smes_engaged").value
    assert integer(companies) == cell(this, "social.companies_engaged").value


def test_action_28_gives_contracts_training_and_reserved_hours_as_the_indicators_say(
    years: dict[int, list[IndicatorValue]], rendered: tuple[str, str]
) -> None:
    this, last = years[2023], years[2022]
    text = rendered[0]

    contracts, cdi, cdi_share, cdi_before = find(
        rf"Ainsi, en 2023, sur {N} contrats de travail signés avec le public en insertion, "
        rf"{N} CDI soit {P} contre {P} en 2022",
        text,
    )
    training, share, numerator, denominator, training_before = find(
        rf"{N} heures de formation ont été valorisées, soit {P} du total d'heures d'insertion "
        rf"réalisées \({N} / {N}\), contre {N} heures de formation en 2022",
        text,
    )
    (reserved,) = find(rf"{N} heures ont été réalisées dans le cadre des marchés réservés", text)

    training_share = cell(this, "social.training_hours_share")
    assert integer(contracts) == cell(this, "social.contracts").value
    assert integer(cdi) == cell(this, "social.contracts_by_type", "cdi").value
    assert cdi_share == pct(cell(this, "social.contract_type_share", "cdi"))
    assert cdi_before == pct(cell(last, "social.contract_type_share", "cdi"))
    assert integer(training) == cell(this, "social.training_hours").value
    assert share == pct(training_share)
    assert (integer(numerator), integer(denominator)) == (
        training_share.numerator,
        training_share.denominator,
    )
    assert integer(training_before) == cell(last, "social.training_hours").value
    assert integer(reserved) == cell(this, "social.reserved_market_hours").value


def test_the_html_page_is_self_contained_with_charts_and_says_what_the_markdown_says(
    rendered: tuple[str, str],
) -> None:
    text_md, text_html = rendered
    paragraphs = [plain(html.unescape(p)) for p in re.findall(r"<p>(.*?)</p>", text_html)]

    assert text_html.startswith("<!DOCTYPE html>")
    assert text_html.count("<svg") >= 4
    assert not re.search(r"<script|<link|<img|\bsrc=|\bhref=|url\(|@import", text_html)
    assert paragraphs
    assert all(paragraph in text_md for paragraph in paragraphs)


def test_a_cell_of_3_women_is_never_printed_in_the_assessment() -> None:
    state = fold(beneficiary_counts(female=3, male=40))
    by_year = indicators(state)

    text_md, text_html = documents(
        by_year, year=2023, generated_at=GENERATED, data_applied_at=None, threshold=5
    )

    assert "(secret statistique)" in plain(text_md)
    assert "masqué (secret statistique)" in plain(text_md)  # in the tables
    assert not re.search(r"\b3 femmes|\b40 hommes|\b3 sur 43", plain(text_md))
    assert not re.search(r"\b3 femmes|\b40 hommes", plain(html.unescape(text_html)))


def test_a_first_year_renders_without_comparisons() -> None:
    by_year = indicators(fold(beneficiary_counts(female=10, male=30, year=2021)))

    text_md, _ = documents(
        by_year, year=2021, generated_at=GENERATED, data_applied_at=None, threshold=5
    )

    assert "25,0 % de femmes (10 sur 40 bénéficiaires)" in plain(text_md)
    assert " en 2020" not in text_md
