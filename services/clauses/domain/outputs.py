"""From the tally's keys and values to the published aggregates of shared.aggregates."""

from collections.abc import Iterable
from decimal import Decimal

from services.clauses.domain.facts import from_hundredths
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


def hours_cell(key: CellKey, value: tuple[int, int]) -> HoursCell:
    """The published form of a cell (zeros when it became empty)."""
    period, market_id, category, reserved, gender, contract_type, public, modality, employer = key
    return HoursCell(
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
    return DistinctCount(
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
