"""Targets: the versioned file, and where a value stands against its goal."""

from decimal import Decimal
from pathlib import Path

import pytest

from services.indicators.domain.catalogue import SPEC_BY_ID
from services.indicators.domain.targets import (
    TargetRule,
    TargetsError,
    assess,
    targets_from_toml,
)
from shared.indicators import IndicatorStatus
from tests import bilan_2023
from tests.unit.indicators.helpers import cell, fold, indicators

SHIPPED = Path(__file__).parents[3] / "services" / "indicators" / "domain" / "targets.toml"
WOMEN = TargetRule(
    indicator="social.women_share",
    value=0.20,
    deadline_year=2028,
    baseline_year=2020,
    label="20 % de femmes dans les marchés clausés en 2028",
)


def test_15_8_percent_of_women_in_2023_is_on_track_from_11_percent_in_2020_to_20_in_2028() -> None:
    progress, status = assess(Decimal(44) / 278, WOMEN, year=2023, baseline=Decimal("0.11"))

    assert status is IndicatorStatus.ON_TRACK
    assert progress is not None
    assert round(progress, 3) == Decimal("0.791")


def test_8_percent_of_women_in_2021_is_behind_the_trajectory() -> None:
    _, status = assess(Decimal("0.08"), WOMEN, year=2021, baseline=Decimal("0.11"))

    assert status is IndicatorStatus.BEHIND


def test_a_value_at_or_beyond_the_target_is_met_and_short_of_it_after_the_deadline_is_missed() -> (
    None
):
    _, reached = assess(Decimal("0.20"), WOMEN, year=2026, baseline=None)
    _, missed = assess(Decimal("0.19"), WOMEN, year=2028, baseline=Decimal("0.11"))

    assert reached is IndicatorStatus.MET
    assert missed is IndicatorStatus.MISSED


def test_no_target_and_no_value_have_their_own_status() -> None:
    assert assess(Decimal(1), None, year=2023, baseline=None) == (None, IndicatorStatus.NO_TARGET)
    assert assess(None, WOMEN, year=2023, baseline=None) == (None, IndicatorStatus.NO_DATA)


def test_the_shipped_targets_file_is_versioned_and_names_known_indicators() -> None:
    targets = targets_from_toml(SHIPPED.read_text(), known=set(SPEC_BY_ID))

    assert targets.version >= 1
    assert {rule.indicator for rule in targets.targets} >= {
        "social.women_share",
        "social.social_consideration_share",
    }


def test_an_unknown_indicator_in_the_targets_file_is_named_in_the_error() -> None:
    text = 'version = 1\n[[targets]]\nindicator = "social.womens_share"\nvalue = 0.2\n'
    text += 'deadline_year = 2028\nlabel = "x"\n'

    with pytest.raises(TargetsError, match=r"targets\[0\]\.indicator.*social\.womens_share"):
        targets_from_toml(text, known=set(SPEC_BY_ID))


def test_a_targets_file_without_version_is_refused() -> None:
    with pytest.raises(TargetsError, match="version"):
        targets_from_toml("[[targets]]\n", known=set(SPEC_BY_ID))


def test_the_2023_indicators_carry_their_target_progress_and_status() -> None:
    targets = targets_from_toml(SHIPPED.read_text(), known=set(SPEC_BY_ID))
    state = fold(bilan_2023.aggregate_changes(), bilan_2023.markets_2023())

    values = indicators(state, targets=targets)[2023]

    women = cell(values, "social.women_share")
    social = cell(values, "social.social_consideration_share")
    assert women.target is not None
    assert (women.target.value, women.target.deadline_year) == (0.20, 2028)
    assert women.status is IndicatorStatus.ON_TRACK
    assert social.status is IndicatorStatus.BEHIND
    assert cell(values, "social.insertion_hours").status is IndicatorStatus.NO_TARGET
