"""From the tally's keys and values to the published aggregates of shared.aggregates.

The values come from validated events, so the models are built without validating them
again (it was most of the cost of a batch); the one bound a sum could exceed, the
contract's 999 999.99 hours of a cell, is checked here.
"""

from collections.abc import Iterable
from decimal import Decimal

from services.clauses.domain.tally import CellKey, CountKey, Tally
from shared.aggregates import (
    ClauseStatus,
    ClauseStatusCode,
    CountedThing,
    DistinctCount,
    HoursCell,
    aggregate_key,
)
from shared.codes import ContractType, EligiblePublic, Gender, MarketCategory, Modality
from shared.hundredths import from_hundredths

MAX_CELL_HUNDREDTHS = 99_999_999  # shared.types.Hours: 8 digits, 2 of them decimals


def cell_key_text(key: CellKey) -> str:
    """The aggregate key of a cell (`shared.aggregates.aggregate_key` of its HoursCell)."""
    period, market_id, category, reserved, gender, contract_type, public, modality, employer = key
    reserved_text = "true" if reserved else "false"
    parts = [period, market_id, category, reserved_text, gender, contract_type, public, modality]
    return "|".join(["hours", *parts, employer])


def count_key_text(key: CountKey) -> str:
    """The aggregate key of a distinct count."""
    year, counted, breakdown, value = key
    return f"distinct_count|{year}|{counted}|{breakdown}|{value}"


def hours_cell(key: CellKey, value: tuple[int, int]) -> HoursCell:
    """The published form of a cell (zeros when it became empty)."""
    period, market_id, category, reserved, gender, contract_type, public, modality, employer = key
    if max(value) > MAX_CELL_HUNDREDTHS:
        raise ValueError(f"cell {key}: {value} hundredths of hours exceed what HoursCell carries")
    return HoursCell.model_construct(
        kind="hours",
        period=period,
        market_id=market_id,
        category=MarketCategory(category),
        reserved_market=reserved,
        gender=Gender(gender),
        contract_type=ContractType(contract_type),
        eligible_public=EligiblePublic(public),
        modality=Modality(modality),
        employer_siret=employer,
        insertion_hours=from_hundredths(value[0]),
        training_hours=from_hundredths(value[1]),
    )


def distinct_count(key: CountKey, value: int) -> DistinctCount:
    """The published form of a distinct count."""
    year, counted, breakdown, breakdown_value = key
    return DistinctCount.model_construct(
        kind="distinct_count",
        year=year,
        counted=CountedThing(counted),
        breakdown=breakdown,
        value=breakdown_value,
        count=value,
    )


def nothing_owed(previous: ClauseStatus) -> ClauseStatus:
    """What replaces the status of a market whose latest version has no commitment any more."""
    return previous.model_copy(
        update={"hours_owed": Decimal(0), "status": ClauseStatusCode.ON_TRACK}
    )


def snapshot(
    tally: Tally, statuses: Iterable[ClauseStatus]
) -> dict[str, HoursCell | DistinctCount | ClauseStatus]:
    """Every present aggregate by its key: what a consumer upserting by key ends with."""
    found: list[HoursCell | DistinctCount | ClauseStatus] = [
        hours_cell(key, value) for key, value in tally.cells.items()
    ]
    found += [distinct_count(key, value) for key, value in tally.all_counts()]
    found += statuses
    return {aggregate_key(aggregate): aggregate for aggregate in found}
