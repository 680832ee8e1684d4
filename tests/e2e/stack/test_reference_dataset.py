"""The reference dataset through ingest's entry points gives the assessment's figures.

The stack runs as processes on PostgreSQL and a broker of its own (see conftest.py); the
loader sends the 2020-2023 dataset through HTTP JSON, CSV files, DECP documents and the
raw topic; then `/v1/indicators` must give the figures of shared/DOMAIN.md, written here
as printed (counts exactly, percentages to the printed precision; 3 043 training hours are
4.41 % of 68 978, not the printed 4.5 %), and every figure of the oracle's figures.json.
"""

import json
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest

from deploy.stack.settle import Pipeline, settle
from deploy.stack.table import table
from reference_dataset.export import files
from reference_dataset.generator.generate import generate
from reference_dataset.loader.feed import LoadReport, LoadSettings, load
from reference_dataset.loader.plan import Channel
from reference_dataset.loader.raw_topic import RawTopic
from reference_dataset.records import Expected
from reference_dataset.stream import arrange
from tests.e2e.stack.conftest import Stack
from tests.e2e.stack.oracle import from_indicators, from_oracle
from tests.e2e.stack.reading import Indicators

SEED = 2023
YEARS = (2020, 2021, 2022, 2023)


@dataclass(frozen=True)
class Loaded:
    """What the loader reported, the oracle's figures, and the indicators of each year."""

    report: LoadReport
    figures: dict[str, Any]
    years: dict[int, Indicators]


@pytest.fixture(scope="module")
async def loaded(stack: Stack) -> Loaded:
    dataset = generate(SEED)
    submissions = arrange(dataset)
    figures = json.loads(files(dataset, submissions)["figures.json"])
    settings = LoadSettings(stack.ingest, stack.token, SEED, RawTopic(stack.kafka), progress=False)
    report = await load(settings, submissions)
    await settle(Pipeline(stack.kafka, stack.clauses, stack.indicators), within=300)
    years: dict[int, Indicators] = {}
    async with httpx.AsyncClient(base_url=stack.indicators, timeout=30) as client:
        for year in YEARS:
            response = await client.get("/v1/indicators", params={"year": year})
            response.raise_for_status()
            years[year] = Indicators(response.json())
    return Loaded(report, figures, years)


def test_every_submission_meets_its_expected_outcome_through_every_entry_point(
    loaded: Loaded,
) -> None:
    submissions = arrange(generate(SEED))
    refusals = Counter(str(s.reason) for s in submissions if s.expected is Expected.REFUSED)

    tally, feed = loaded.report.tally, loaded.report.feed

    assert tally.unexpected == []
    assert tally.refused == refusals
    assert tally.accepted + sum(refusals.values()) == len(submissions)
    assert {channel for channel, count in feed.channels.items() if count} == set(Channel)


def test_the_2023_social_figures_are_the_assessments(loaded: Loaded) -> None:
    y = loaded.years[2023]

    assert y.count("social.insertion_hours") == 68_978
    assert y.count("social.beneficiaries") == 278
    assert y.count("social.beneficiaries_by_gender", gender="male") == 234
    assert y.count("social.beneficiaries_by_gender", gender="female") == 44
    assert y.percent("social.men_share") == 84
    assert y.percent("social.women_share") == 16
    assert y.count("social.markets_with_hours") == 136
    assert y.percent("social.hours_category_share", category="works") == 28
    assert y.percent("social.hours_category_share", category="public_service_delegation") == 43
    assert y.percent("social.hours_category_share", category="intellectual_services") == 6
    assert services_and_supplies_percent(y) == 23
    assert y.count("social.markets_notified_over_40k") == 847
    assert y.count("social.markets_with_social_consideration") == 149
    assert y.percent("social.social_consideration_share", 1) == Decimal("17.6")
    assert y.count("social.companies_engaged") == 225
    assert y.count("social.smes_engaged") == 20
    assert y.count("social.contracts") == 300
    assert contracts(y) == {
        "cdi": (66, Decimal(22)),
        "cdd": (29, Decimal(10)),
        "alternance": (54, Decimal(18)),
    }
    assert y.count("social.training_hours") == 3_043
    assert y.percent("social.training_hours_share", 2) == Decimal("4.41")  # printed: 4.5 %
    assert y.count("social.reserved_market_hours") == 440


def test_the_2023_economic_figures_are_the_assessments(loaded: Loaded) -> None:
    y = loaded.years[2023]

    assert y.count("economic.markets_notified_over_15k") == 1_014
    assert y.percent("economic.territory_share") == 73
    assert {
        category: y.percent("economic.category_value_share", 2, category=category)
        for category in ("supplies", "services", "works", "intellectual_services")
    } == {
        "supplies": Decimal("7.92"),
        "services": Decimal("53.59"),
        "works": Decimal("21.56"),
        "intellectual_services": Decimal("16.93"),
    }


def test_the_earlier_years_figures_are_the_assessments(loaded: Loaded) -> None:
    y2022 = loaded.years[2022]

    assert y2022.count("social.insertion_hours") == 36_722
    assert y2022.count("social.training_hours") == 2_157
    assert {kind: share for kind, (_, share) in contracts(y2022).items()} == {
        "cdi": 11,
        "cdd": 4,
        "alternance": 10,
    }
    assert loaded.years[2021].percent("social.women_share") == 8
    assert loaded.years[2020].percent("social.women_share") == 11


def test_the_targets_of_the_scheme_come_with_their_indicators(loaded: Loaded) -> None:
    y = loaded.years[2023]

    women = y.item("social.women_share")["target"]
    social = y.item("social.social_consideration_share")["target"]

    assert (women["value"], women["deadline_year"]) == (0.20, 2028)  # 20 % of women in 2028
    assert (social["value"], social["deadline_year"]) == (0.30, 2025)  # national plan: 30 %


@pytest.mark.parametrize("year", YEARS)
def test_every_figure_of_the_oracle_is_the_indicators(loaded: Loaded, year: int) -> None:
    oracle, y = loaded.figures[str(year)], loaded.years[year]
    hidden = {
        item["breakdown"]["contract_type"]
        for item in y.page["indicators"]
        if item["id"] == "social.contracts_by_type" and item["suppressed"]
    }
    small = {kind for kind, count in oracle["contracts_by_type"].items() if 0 < count < 5}

    assert from_indicators(y, oracle, hidden) == from_oracle(oracle, hidden)
    assert small <= hidden  # a cell of 1 to 4 people is never published


def test_the_make_up_table_shows_the_2023_figures(loaded: Loaded) -> None:
    printed = table(loaded.years[2023].page)

    assert "68 978" in printed
    assert "44 of 278 (16 %)" in printed
    assert "66 (22 %) / 29 (10 %) / 54 (18 %) of 300" in printed
    assert "3 043 (4.41 % of insertion hours)" in printed
    assert "149 of 847 (17.6 %)" in printed
    assert "225 / 20" in printed


def services_and_supplies_percent(y: Indicators) -> Decimal:
    """The assessment's « services and supplies » row: two categories of the indicators."""
    supplies, whole = y.terms("social.hours_category_share", category="supplies")
    services, _ = y.terms("social.hours_category_share", category="services")
    return (100 * (supplies + services) / whole).quantize(Decimal(1))


def contracts(y: Indicators) -> dict[str, tuple[int, Decimal]]:
    """CDI, CDD and alternance: count and percentage of the contracts."""
    return {
        kind: (
            y.count("social.contracts_by_type", contract_type=kind),
            y.percent("social.contract_type_share", contract_type=kind),
        )
        for kind in ("cdi", "cdd", "alternance")
    }
