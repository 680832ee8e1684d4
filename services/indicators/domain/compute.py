"""From facts to published indicators: formulas, then suppression, then targets."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from services.indicators.domain.catalogue import SPEC_BY_ID, cell_label
from services.indicators.domain.facts import YearFacts
from services.indicators.domain.governance import data_age, governance_measures
from services.indicators.domain.market_axes import economic_measures, environmental_measures
from services.indicators.domain.measures import Cell, Measure
from services.indicators.domain.social import CONTRACT_ROLL_UPS, social_measures
from services.indicators.domain.targets import Targets, assess
from shared.codes import ContractType, Gender
from shared.indicators import IndicatorValue
from shared.privacy import Partition, suppressed_cells


def _roll_up(roll_up: str, kinds: tuple[ContractType, ...]) -> Partition[Cell]:
    """A declared contract-type roll-up as the relation suppression protects."""
    parts: tuple[Cell, ...] = tuple(("social.contracts_by_type", kind) for kind in kinds)
    return Partition(("social.contracts_by_type", roll_up), parts)


PARTITIONS: tuple[Partition[Cell], ...] = (
    Partition(
        ("social.beneficiaries", None),
        tuple(("social.beneficiaries_by_gender", gender) for gender in Gender),
    ),
    Partition(
        ("social.contracts", None),
        tuple(("social.contracts_by_type", kind) for kind in ContractType),
    ),
    *(_roll_up(roll_up, kinds) for roll_up, kinds in CONTRACT_ROLL_UPS.items()),
)
"""Every linear relation between published counts of people: each breakdown adds up to its
total and each declared roll-up to its parts; suppression hides what they would reveal."""


def measures_of(facts: YearFacts, previous: YearFacts | None) -> list[Measure]:
    """Every figure of a year, on every axis, before privacy and targets."""
    return [
        *social_measures(facts, previous),
        *economic_measures(facts),
        *environmental_measures(facts),
        *governance_measures(facts),
    ]


def _hidden(measures: list[Measure], threshold: int) -> list[tuple[Measure, bool]]:
    """Each measure and whether small-cell suppression hides it."""
    counts = {
        m.ref: int(m.value)
        for m in measures
        if SPEC_BY_ID[m.indicator].people and m.value is not None and m.numerator is None
    }
    hidden = suppressed_cells(counts, PARTITIONS, threshold=threshold)
    return [(m, any(ref in hidden for ref in m.depends_on)) for m in measures]


def _number(value: Decimal | None, suppressed: bool) -> float | None:
    return None if value is None or suppressed else float(value)


def _publish(
    measure: Measure, suppressed: bool, *, year: int, targets: Targets, baseline: Decimal | None
) -> IndicatorValue:
    spec = SPEC_BY_ID[measure.indicator]
    rule = targets.for_indicator(spec.id) if measure.cell is None else None
    shown = None if suppressed else measure.value
    progress, status = assess(shown, rule, year=year, baseline=baseline)
    return IndicatorValue(
        id=spec.id,
        axis=spec.axis,
        year=year,
        label=spec.label,
        unit=spec.unit,
        breakdown={spec.dimension: measure.cell} if spec.dimension and measure.cell else {},
        breakdown_label=cell_label(measure.cell) if measure.cell else None,
        value=_number(measure.value, suppressed),
        numerator=_number(measure.numerator, suppressed),
        denominator=_number(measure.denominator, suppressed),
        suppressed=suppressed,
        target=rule.public() if rule else None,
        progress=_number(progress, False),
        status=status,
    )


def _baseline(measures: list[tuple[Measure, bool]], indicator: str) -> Decimal | None:
    """The published total of an indicator in a list of measures, if any."""
    for measure, hidden in measures:
        if measure.ref == (indicator, None) and not hidden:
            return measure.value
    return None


def _publish_each(
    measures: list[tuple[Measure, bool]],
    *,
    year: int,
    targets: Targets,
    baselines: Mapping[str, Decimal | None],
    left_out: list[tuple[int, Cell]],
) -> list[IndicatorValue]:
    """Each cell of a year; one the contract cannot carry is left out alone, never the rest."""
    values: list[IndicatorValue] = []
    for measure, hidden in measures:
        baseline = baselines.get(measure.indicator)
        try:
            values.append(_publish(measure, hidden, year=year, targets=targets, baseline=baseline))
        except (ValueError, ArithmeticError):
            left_out.append((year, measure.ref))
    return values


def compute_years(
    facts_by_year: Mapping[int, YearFacts],
    *,
    targets: Targets,
    threshold: int,
    left_out: list[tuple[int, Cell]] | None = None,
) -> dict[int, list[IndicatorValue]]:
    """Every published indicator of every year; targets compare with a baseline year's value.

    A cell that cannot be published (a figure outside the contract) is left out and noted
    in `left_out`; the other cells of its year and every other year are still published.
    """
    shown: dict[int, list[tuple[Measure, bool]]] = {
        year: _hidden(measures_of(facts, facts_by_year.get(year - 1)), threshold)
        for year, facts in facts_by_year.items()
    }

    baselines = {
        rule.indicator: _baseline(shown.get(rule.baseline_year, []), rule.indicator)
        for rule in targets.targets
        if rule.baseline_year is not None
    }

    noted = left_out if left_out is not None else []
    return {
        year: _publish_each(
            measures, year=year, targets=targets, baselines=baselines, left_out=noted
        )
        for year, measures in sorted(shown.items())
    }


def volatile_indicators(
    latest_applied_at: datetime | None, *, now: datetime, targets: Targets
) -> list[IndicatorValue]:
    """Indicators that depend on the clock (computed at read time, never snapshotted)."""
    age = data_age(latest_applied_at, now)
    return [_publish(age, False, year=now.year, targets=targets, baseline=None)]
