"""The read side: aggregates as the HTTP API asks for them, straight from the tables."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from services.clauses.rows import AnyRow, aggregate_of
from services.clauses.sql import storable, table_of
from services.clauses.tables import ClauseStatusRow, DistinctCountRow, HoursCellRow
from shared.aggregates import ClauseStatus, DistinctCount, HoursCell, aggregate_key
from shared.hundredths import from_hundredths

HOURS_DIMENSIONS = (
    "year",
    "period",
    "market_id",
    "category",
    "reserved_market",
    "gender",
    "contract_type",
    "eligible_public",
    "modality",
    "employer_siret",
)


class SqlReader:
    """Queries over the aggregate tables (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def hours(
        self,
        group_by: Sequence[str],
        *,
        period_from: str | None = None,
        period_to: str | None = None,
        market_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Insertion and training hours summed by the given dimensions over a period range."""
        table = table_of(HoursCellRow)
        columns = [
            func.substr(table.c.period, 1, 4).label("year") if name == "year" else table.c[name]
            for name in group_by
        ]
        query = select(
            *columns,
            # no group and no matching row: one row of NULL sums, read as zero hours
            func.coalesce(func.sum(table.c.insertion_hundredths), 0).label("insertion"),
            func.coalesce(func.sum(table.c.training_hundredths), 0).label("training"),
        ).group_by(*columns)
        if period_from is not None:
            query = query.where(table.c.period >= period_from)
        if period_to is not None:
            query = query.where(table.c.period <= period_to)
        if market_id is not None:
            query = query.where(table.c.market_id == market_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(*columns)).all()
        return [
            {
                "group": {name: row._mapping[name] for name in group_by},
                "insertion_hours": from_hundredths(int(row.insertion)),
                "training_hours": from_hundredths(int(row.training)),
            }
            for row in rows
        ]

    def counts(
        self, *, year: int | None, counted: str | None, breakdown: str | None
    ) -> list[DistinctCount]:
        """Distinct counts, filtered by year, thing counted and breakdown."""
        table = table_of(DistinctCountRow)
        query = select(table)
        for column, wanted in (("year", year), ("counted", counted), ("breakdown", breakdown)):
            if wanted is not None:
                query = query.where(table.c[column] == wanted)
        order = (table.c.year, table.c.counted, table.c.breakdown, table.c.value)
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(*order)).all()
        found = [aggregate_of(DistinctCountRow.model_validate(row._mapping)) for row in rows]
        return [count for count in found if isinstance(count, DistinctCount)]

    def clause(self, market_id: str) -> ClauseStatus | None:
        """One market's clause status, if it has a commitment."""
        if not storable(market_id):
            return None
        table = table_of(ClauseStatusRow)
        with self.engine.connect() as connection:
            row = connection.execute(select(table).where(table.c.market_id == market_id)).first()
        if row is None:
            return None
        status = aggregate_of(ClauseStatusRow.model_validate(row._mapping))
        return status if isinstance(status, ClauseStatus) else None

    def snapshot(self) -> dict[str, HoursCell | DistinctCount | ClauseStatus]:
        """Every stored aggregate by key (to compare with the pure fold)."""
        found: dict[str, HoursCell | DistinctCount | ClauseStatus] = {}
        model: type[AnyRow]
        for model in (HoursCellRow, DistinctCountRow, ClauseStatusRow):
            with self.engine.connect() as connection:
                rows = connection.execute(select(table_of(model))).all()
            for row in rows:
                aggregate = aggregate_of(model.model_validate(row._mapping))
                found[aggregate_key(aggregate)] = aggregate
        return found
