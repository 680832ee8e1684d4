"""Every figure of the 2023 assessment (DOMAIN.md table), computed from the seed's counts."""

import pytest

from shared.indicators import IndicatorValue
from tests import bilan_2023
from tests.unit.indicators.helpers import cell, fold, indicators


@pytest.fixture(scope="module")
def years() -> dict[int, list[IndicatorValue]]:
    state = fold(bilan_2023.aggregate_changes(), bilan_2023.markets_2023())
    return indicators(state)


def percent(value: IndicatorValue) -> float:
    assert value.value is not None
    return round(value.value * 100, 1)


def test_insertion_hours_are_68_978_against_36_722_the_year_before(
    years: dict[int, list[IndicatorValue]],
) -> None:
    hours = cell(years[2023], "social.insertion_hours")
    change = cell(years[2023], "social.insertion_hours_change")

    assert hours.value == 68_978
    assert cell(years[2022], "social.insertion_hours").value == 36_722
    assert (change.numerator, change.denominator) == (68_978 - 36_722, 36_722)
    assert percent(change) == 87.8


def test_44_of_278_beneficiaries_are_women_that_is_15_8_percent(
    years: dict[int, list[IndicatorValue]],
) -> None:
    women = cell(years[2023], "social.women_share")
    men = cell(years[2023], "social.men_share")

    assert (women.numerator, women.denominator, percent(women)) == (44, 278, 15.8)
    assert (men.numerator, men.denominator, percent(men)) == (234, 278, 84.2)
    assert cell(years[2023], "social.beneficiaries").value == 278
    assert cell(years[2023], "social.beneficiaries_by_gender", "female").value == 44


def test_the_share_of_women_was_11_percent_in_2020_and_8_percent_in_2021(
    years: dict[int, list[IndicatorValue]],
) -> None:
    assert percent(cell(years[2020], "social.women_share")) == 11.0
    assert percent(cell(years[2021], "social.women_share")) == 8.0


def test_136_markets_had_hours_split_28_43_23_6_percent_by_category(
    years: dict[int, list[IndicatorValue]],
) -> None:
    share = {
        category: percent(cell(years[2023], "social.hours_category_share", category))
        for category in ("works", "public_service_delegation", "intellectual_services")
    }
    services = cell(years[2023], "social.hours_category_share", "services")
    supplies = cell(years[2023], "social.hours_category_share", "supplies")
    assert services.numerator is not None
    assert supplies.numerator is not None

    assert cell(years[2023], "social.markets_with_hours").value == 136
    assert share == {"works": 28.0, "public_service_delegation": 43.0, "intellectual_services": 6.0}
    assert round((services.numerator + supplies.numerator) / 68_978 * 100) == 23


def test_149_of_847_markets_notified_have_a_social_consideration_that_is_17_6_percent(
    years: dict[int, list[IndicatorValue]],
) -> None:
    share = cell(years[2023], "social.social_consideration_share")

    assert cell(years[2023], "social.markets_notified_over_40k").value == 847
    assert (share.numerator, share.denominator, percent(share)) == (149, 847, 17.6)


def test_225_companies_are_engaged_of_which_20_smes(
    years: dict[int, list[IndicatorValue]],
) -> None:
    assert cell(years[2023], "social.companies_engaged").value == 225
    assert cell(years[2023], "social.smes_engaged").value == 20


def test_of_300_contracts_66_are_cdi_29_cdd_and_54_alternance(
    years: dict[int, list[IndicatorValue]],
) -> None:
    shares = {
        kind: cell(years[2023], "social.contract_type_share", kind)
        for kind in ("cdi", "cdd", "alternance")
    }

    assert cell(years[2023], "social.contracts").value == 300
    assert {k: (v.numerator, v.denominator) for k, v in shares.items()} == {
        "cdi": (66, 300),
        "cdd": (29, 300),
        "alternance": (54, 300),
    }
    assert {k: percent(v) for k, v in shares.items()} == {
        "cdi": 22.0,
        "cdd": 9.7,
        "alternance": 18.0,
    }


def test_the_2022_contract_shares_were_11_4_and_10_percent(
    years: dict[int, list[IndicatorValue]],
) -> None:
    shares = {
        kind: percent(cell(years[2022], "social.contract_type_share", kind))
        for kind in ("cdi", "cdd", "alternance")
    }

    assert shares == {"cdi": 11.0, "cdd": 4.0, "alternance": 10.0}


def test_3_043_training_hours_are_4_4_percent_of_68_978_not_the_printed_4_5(
    years: dict[int, list[IndicatorValue]],
) -> None:
    share = cell(years[2023], "social.training_hours_share")

    assert cell(years[2023], "social.training_hours").value == 3_043
    assert cell(years[2022], "social.training_hours").value == 2_157
    assert (share.numerator, share.denominator) == (3_043, 68_978)
    assert round(share.value or 0, 4) == 0.0441


def test_440_hours_were_realised_in_reserved_markets(
    years: dict[int, list[IndicatorValue]],
) -> None:
    assert cell(years[2023], "social.reserved_market_hours").value == 440


def test_1_014_markets_above_15_000_euros_73_percent_to_companies_of_the_territory(
    years: dict[int, list[IndicatorValue]],
) -> None:
    territory = cell(years[2023], "economic.territory_share")

    assert cell(years[2023], "economic.markets_notified_over_15k").value == 1_014
    assert (territory.numerator, territory.denominator, percent(territory)) == (740, 1_014, 73.0)


def test_purchases_by_value_are_7_92_supplies_53_59_services_21_56_works_16_93_studies(
    years: dict[int, list[IndicatorValue]],
) -> None:
    shares = {
        category: round(
            (cell(years[2023], "economic.category_value_share", category).value or 0) * 100, 2
        )
        for category in ("supplies", "services", "works", "intellectual_services")
    }

    assert shares == {
        "supplies": 7.92,
        "services": 53.59,
        "works": 21.56,
        "intellectual_services": 16.93,
    }
