"""The read side of one market: its facts and the people with hours on it."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine

from services.clauses.overview import Person
from services.clauses.sql import storable, table_of
from services.clauses.tables import ContractRow, LineRow, MarketRow, ReportRow
from shared.events import InsertionCommitment


@dataclass(frozen=True, slots=True)
class MarketFacts:
    """What the ledger knows of a market."""

    market_id: str
    category: str
    notified: str
    duration_months: int
    commitment: InsertionCommitment | None


class MarketQueries:
    """Queries about one market over the ledger tables (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def market(self, market_id: str) -> MarketFacts | None:
        """The latest version of the market, or None when it was never notified."""
        if not storable(market_id):
            return None
        table = table_of(MarketRow)
        with self.engine.connect() as connection:
            row = connection.execute(select(table).where(table.c.market_id == market_id)).first()
        if row is None:
            return None
        commitment = (
            InsertionCommitment.model_validate_json(row.commitment) if row.commitment else None
        )
        return MarketFacts(
            row.market_id, row.category, row.notified, row.duration_months, commitment
        )

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
