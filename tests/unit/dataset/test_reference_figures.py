"""The generated region adds up to the 2023 assessment's figures (shared/DOMAIN.md), any seed."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from reference_dataset.generator.generate import generate
from reference_dataset.oracle import YearFigures, all_figures, percent
from tests.unit.dataset import cached

# The assessment's figures, as printed (shared/DOMAIN.md, seed document).
HOURS_2023, TRAINING_2023, RESERVED_2023 = Decimal(68978), Decimal(3043), Decimal(440)
HOURS_2022, TRAINING_2022 = Decimal(36722), Decimal(2157)
CATEGORY_PERCENTS_2023 = {
    "works": 28,
    "public_service_delegation": 43,
    "services_and_supplies": 23,
    "intellectual_services": 6,
}
VALUE_PERCENTS_2023 = {
    "supplies": Decimal("7.92"),
    "services": Decimal("53.59"),
    "works": Decimal("21.56"),
    "intellectual_services": Decimal("16.93"),
}


def assert_2023_social_figures(f: YearFigures) -> None:
    assert (f.insertion_hours, f.training_hours) == (HOURS_2023, TRAINING_2023)
    assert f.reserved_market_hours == RESERVED_2023
    assert (f.beneficiaries, f.beneficiaries_by_gender) == (278, {"female": 44, "male": 234})
    assert (f.contracts, f.cdi, f.cdd, f.alternance) == (300, 66, 29, 54)
    assert f.contracts_by_type.get("cdi_inclusion", 0) == 0
    assert (f.markets_with_hours, f.employers, f.sme_employers) == (136, 225, 20)
    shares = {k: percent(v, f.insertion_hours) for k, v in f.hours_by_category.items()}
    assert shares == CATEGORY_PERCENTS_2023
    all_hours = f.insertion_hours + f.training_hours
    with_training = {
        k: percent(v + f.training_by_category[k], all_hours) for k, v in f.hours_by_category.items()
    }
    assert with_training == CATEGORY_PERCENTS_2023
    assert sum(f.hours_by_category.values()) == f.insertion_hours


def assert_2023_notice_figures(f: YearFigures) -> None:
    assert (f.notified_above_40k, f.notified_above_40k_social) == (847, 149)
    assert percent(f.notified_above_40k_social, f.notified_above_40k, 1) == Decimal("17.6")
    assert (f.notified_above_15k, f.notified_above_15k_in_territory) == (1014, 740)
    assert percent(f.notified_above_15k_in_territory, f.notified_above_15k) == 73
    whole = sum(f.value_above_15k.values())
    shares = {k: percent(v, whole, 2) for k, v in f.value_above_15k.items()}
    assert shares == VALUE_PERCENTS_2023


def assert_2022_and_earlier(figures: dict[int, YearFigures]) -> None:
    f = figures[2022]
    assert (f.insertion_hours, f.training_hours) == (HOURS_2022, TRAINING_2022)
    contract_shares = [percent(n, f.contracts) for n in (f.cdi, f.cdd, f.alternance)]
    assert contract_shares == [11, 4, 10]
    women = [
        percent(figures[y].beneficiaries_by_gender.get("female", 0), figures[y].beneficiaries)
        for y in (2020, 2021)
    ]
    assert women == [11, 8]


def test_the_reference_seed_gives_every_2023_social_figure_exactly() -> None:
    figures = cached.figures()

    assert_2023_social_figures(figures[2023])


def test_the_reference_seed_gives_every_2023_notice_figure_exactly() -> None:
    figures = cached.figures()

    assert_2023_notice_figures(figures[2023])


def test_the_reference_seed_gives_the_2022_figures_and_the_earlier_share_of_women() -> None:
    figures = cached.figures()

    assert_2022_and_earlier(figures)


def test_earlier_years_are_smaller_and_no_year_has_unspecified_gender() -> None:
    figures = cached.figures()

    hours = [figures[y].insertion_hours for y in (2020, 2021, 2022, 2023)]
    assert hours == sorted(hours)
    assert all(set(f.beneficiaries_by_gender) == {"female", "male"} for f in figures.values())


def test_most_clauses_are_on_track_in_december_2023_and_some_are_behind() -> None:
    clauses = cached.figures()[2023].clauses

    assert clauses["on_track"] > 3 * clauses["behind"] > 0


def test_no_concession_is_notified_in_2023_so_the_value_split_has_four_categories() -> None:
    f = cached.figures()[2023]

    assert set(f.value_above_15k) == set(VALUE_PERCENTS_2023)


@settings(max_examples=6, deadline=None, derandomize=True)
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_any_seed_gives_the_same_reference_figures(seed: int) -> None:
    figures = all_figures(generate(seed))

    assert_2023_social_figures(figures[2023])
    assert_2023_notice_figures(figures[2023])
    assert_2022_and_earlier(figures)
