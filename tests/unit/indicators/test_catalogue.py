"""The catalogue: each figure has a French label and its own Prometheus family."""

import re

from services.indicators.domain.catalogue import SPEC_BY_ID, SPECS, cell_label
from services.indicators.domain.compute import measures_of
from services.indicators.domain.state import IndicatorState
from tests import bilan_2023
from tests.unit.indicators.helpers import fold

METRIC = re.compile(r"^insertion_indicator_[a-z0-9_]+$")


def test_every_indicator_has_one_prometheus_family_of_its_own() -> None:
    metrics = [spec.metric for spec in SPECS]

    assert len(set(metrics)) == len(metrics) == len(SPEC_BY_ID)
    assert all(METRIC.match(metric) for metric in metrics)
    assert SPEC_BY_ID["social.women_share"].metric == "insertion_indicator_women_share_ratio"


def test_every_computed_figure_is_in_the_catalogue_and_every_entry_is_computed() -> None:
    state: IndicatorState = fold(bilan_2023.aggregate_changes(), bilan_2023.markets_2023())

    computed = {m.indicator for m in measures_of(state.facts(2023), state.facts(2022))}

    assert computed == set(SPEC_BY_ID) - {"governance.data_age_seconds"}


def test_breakdown_values_and_months_read_in_french() -> None:
    assert cell_label("female") == "Femmes"
    assert cell_label("public_service_delegation") == "Délégation de service public"
    assert cell_label("2023-06") == "juin 2023"
    assert cell_label("alternance").startswith("Alternance")
