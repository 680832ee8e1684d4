"""Between published aggregates and their table rows (hours as integer hundredths)."""

from typing import Any

from services.clauses.tables import ClauseStatusRow, DistinctCountRow, HoursCellRow
from shared.aggregates import (
    ClauseStatus,
    ClauseStatusCode,
    CountedThing,
    DistinctCount,
    HoursCell,
    aggregate_key,
)
from shared.hundredths import from_hundredths, to_hundredths

AnyRow = HoursCellRow | DistinctCountRow | ClauseStatusRow
RowValues = dict[str, Any]


def row_of(aggregate: HoursCell | DistinctCount | ClauseStatus) -> tuple[type[AnyRow], RowValues]:
    """The table of an aggregate and its row, as plain values (rows are written in bulk)."""
    match aggregate:
        case HoursCell():
            return HoursCellRow, {
                "key": aggregate_key(aggregate),
                "period": aggregate.period,
                "market_id": aggregate.market_id,
                "category": aggregate.category.value,
                "reserved_market": aggregate.reserved_market,
                "gender": aggregate.gender.value,
                "contract_type": aggregate.contract_type.value,
                "eligible_public": aggregate.eligible_public.value,
                "modality": aggregate.modality.value,
                "employer_siret": aggregate.employer_siret,
                "insertion_hundredths": to_hundredths(aggregate.insertion_hours),
                "training_hundredths": to_hundredths(aggregate.training_hours),
            }
        case DistinctCount():
            return DistinctCountRow, {
                "key": aggregate_key(aggregate),
                "year": aggregate.year,
                "counted": aggregate.counted.value,
                "breakdown": aggregate.breakdown,
                "value": aggregate.value,
                "count": aggregate.count,
            }
        case ClauseStatus():
            return ClauseStatusRow, {
                "market_id": aggregate.market_id,
                "as_of_period": aggregate.as_of_period,
                "owed_hundredths": to_hundredths(aggregate.hours_owed),
                "realised_hundredths": to_hundredths(aggregate.hours_realised),
                "status": aggregate.status.value,
            }


def aggregate_of(row: AnyRow) -> HoursCell | DistinctCount | ClauseStatus:
    """The aggregate a table row holds."""
    match row:
        case HoursCellRow():
            fields = row.model_dump(exclude={"key", "insertion_hundredths", "training_hundredths"})
            return HoursCell(
                insertion_hours=from_hundredths(row.insertion_hundredths),
                training_hours=from_hundredths(row.training_hundredths),
                **fields,
            )
        case DistinctCountRow():
            return DistinctCount(
                year=row.year,
                counted=CountedThing(row.counted),
                breakdown=row.breakdown,
                value=row.value,
                count=row.count,
            )
        case ClauseStatusRow():
            return ClauseStatus(
                market_id=row.market_id,
                as_of_period=row.as_of_period,
                hours_owed=from_hundredths(row.owed_hundredths),
                hours_realised=from_hundredths(row.realised_hundredths),
                status=ClauseStatusCode(row.status),
            )
