"""The read side: aggregates as the HTTP API asks for them, and one market's facts and
people, straight from the tables (SQLite or PostgreSQL)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Table, func, select
from sqlalchemy.engine import Engine

from services.clauses.adapters.storage import (
    AnyRow,
    ClauseStatusRow,
    ContractRow,
    DistinctCountRow,
    HoursCellRow,
    LineRow,
    MarketRow,
    ReportRow,
    aggregate_of,
    market_of,
    table_of,
)
from services.clauses.domain.facts import MarketFacts
from services.clauses.domain.people_counts import Person
from services.clauses.domain.published_aggregates import Aggregate
from shared.aggregates import ClauseStatus, DistinctCount, aggregate_key
from shared.hundredths import from_hundredths


def storable(text: str) -> bool:
    """Whether a text can be stored at all: PostgreSQL text cannot hold NUL, so no row has a
    value with one (asking would be a server error)."""
    return "\x00" not in text


def _row_of_market(engine: Engine, table: Table, market_id: str) -> Row[Any] | None:
    """The row of a table keyed by market, or None (none has a market id with a NUL)."""
    if not storable(market_id):
        return None
    with engine.connect() as connection:
        return connection.execute(select(table).where(table.c.market_id == market_id)).first()


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
        row = _row_of_market(self.engine, table_of(ClauseStatusRow), market_id)
        if row is None:
            return None
        status = aggregate_of(ClauseStatusRow.model_validate(row._mapping))
        return status if isinstance(status, ClauseStatus) else None

    def snapshot(self) -> dict[str, Aggregate]:
        """Every stored aggregate by key (to compare with the pure fold)."""
        found: dict[str, Aggregate] = {}
        model: type[AnyRow]
        for model in (HoursCellRow, DistinctCountRow, ClauseStatusRow):
            with self.engine.connect() as connection:
                rows = connection.execute(select(table_of(model))).all()
            for row in rows:
                aggregate = aggregate_of(model.model_validate(row._mapping))
                found[aggregate_key(aggregate)] = aggregate
        return found


class MarketQueries:
    """Queries about one market over the ledger tables (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def market(self, market_id: str) -> MarketFacts | None:
        """The latest version of the market, or None when it was never notified."""
        row = _row_of_market(self.engine, table_of(MarketRow), market_id)
        return None if row is None else market_of(row)

    def people(self, market_id: str) -> list[Person]:
        """Each contract with hours (insertion or training) on the market, with its person."""
        lines, reports, contracts = (table_of(m) for m in (LineRow, ReportRow, ContractRow))
        query = (
            select(contracts.c.beneficiary, contracts.c.gender, contracts.c.contract_type)
            .select_from(lines)
            .join(reports, reports.c.report_key == lines.c.report_key)
            .join(contracts, contracts.c.contract_id == lines.c.contract_id)
            .where(reports.c.market_id == market_id)
            .where(lines.c.insertion_hundredths + lines.c.training_hundredths > 0)
            .distinct()
        )
        with self.engine.connect() as connection:
            return [Person(*row) for row in connection.execute(query)]
