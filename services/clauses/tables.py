"""The clauses service's tables; hours are exact integers of hundredths on every database."""

from sqlalchemy import BigInteger, Column, LargeBinary, Text
from sqlmodel import Field, SQLModel


class MarketRow(SQLModel, table=True):
    """The latest version of a market, as the aggregation sees it."""

    __tablename__ = "clauses_market"

    market_id: str = Field(primary_key=True, max_length=64)
    version: int
    category: str = Field(max_length=40)
    reserved: bool
    sme_holders: str = Field(sa_column=Column(Text, nullable=False))  # SIRETs, comma-separated
    notified: str = Field(max_length=7)
    duration_months: int
    commitment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON


class ContractRow(SQLModel, table=True):
    """The latest version of a work contract, as the aggregation sees it."""

    __tablename__ = "clauses_contract"

    contract_id: str = Field(primary_key=True, max_length=64)
    version: int
    beneficiary: str = Field(max_length=64)
    gender: str = Field(max_length=20)
    contract_type: str = Field(max_length=40)
    eligible_public: str = Field(max_length=40)
    modality: str = Field(max_length=40)


class InvoiceRow(SQLModel, table=True):
    """The latest version of one holder's invoice for a month (key: market|holder|month)."""

    __tablename__ = "clauses_invoice"

    invoice_key: str = Field(primary_key=True, max_length=100)
    market_id: str = Field(index=True, max_length=64)
    holder_siret: str = Field(max_length=14)
    period: str = Field(max_length=7)
    version: int
    cents: int = Field(sa_column=Column(BigInteger, nullable=False))


class ReportRow(SQLModel, table=True):
    """The latest version of an employer's month on a market (key: market|employer|month)."""

    __tablename__ = "clauses_report"

    report_key: str = Field(primary_key=True, max_length=100)
    market_id: str = Field(index=True, max_length=64)
    employer_siret: str = Field(max_length=14)
    period: str = Field(max_length=7)
    version: int


class LineRow(SQLModel, table=True):
    """One line of the latest version of a report."""

    __tablename__ = "clauses_line"

    report_key: str = Field(primary_key=True, max_length=100)
    contract_id: str = Field(primary_key=True, index=True, max_length=64)
    insertion_hundredths: int = Field(sa_column=Column(BigInteger, nullable=False))
    training_hundredths: int = Field(sa_column=Column(BigInteger, nullable=False))


class ReferenceRow(SQLModel, table=True):
    """Lines with hours of a contract, market or employer in a year (key: kind|year|entity)."""

    __tablename__ = "clauses_reference"

    ref: str = Field(primary_key=True, max_length=120)
    count: int = Field(sa_column=Column(BigInteger, nullable=False))


class PersonRow(SQLModel, table=True):
    """The breakdowns of each counted contract of a person in a year (key: year|pseudonym)."""

    __tablename__ = "clauses_person"

    person: str = Field(primary_key=True, max_length=80)
    held: str = Field(sa_column=Column(Text, nullable=False))  # JSON


class HoursCellRow(SQLModel, table=True):
    """One non-empty hours cell (an empty cell has no row)."""

    __tablename__ = "clauses_hours_cell"

    key: str = Field(primary_key=True, max_length=400)
    period: str = Field(index=True, max_length=7)
    market_id: str = Field(index=True, max_length=64)
    category: str = Field(max_length=40)
    reserved_market: bool
    gender: str = Field(max_length=20)
    contract_type: str = Field(max_length=40)
    eligible_public: str = Field(max_length=40)
    modality: str = Field(max_length=40)
    employer_siret: str = Field(max_length=14)
    insertion_hundredths: int = Field(sa_column=Column(BigInteger, nullable=False))
    training_hundredths: int = Field(sa_column=Column(BigInteger, nullable=False))


class DistinctCountRow(SQLModel, table=True):
    """One non-zero distinct count of a year."""

    __tablename__ = "clauses_distinct_count"

    key: str = Field(primary_key=True, max_length=200)
    year: int = Field(index=True)
    counted: str = Field(max_length=40)
    breakdown: str = Field(max_length=40)
    value: str = Field(max_length=40)
    count: int


class ClauseStatusRow(SQLModel, table=True):
    """The clause status of one market with an insertion commitment."""

    __tablename__ = "clauses_clause_status"

    market_id: str = Field(primary_key=True, max_length=64)
    as_of_period: str = Field(max_length=7)
    owed_hundredths: int = Field(sa_column=Column(BigInteger, nullable=False))
    realised_hundredths: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = Field(max_length=20)


class ConsumedOffset(SQLModel, table=True):
    """The next offset to consume of a partition, committed with the changes it caused."""

    __tablename__ = "clauses_consumed_offset"

    topic: str = Field(primary_key=True, max_length=255)
    partition: int = Field(primary_key=True)
    next_offset: int = Field(sa_column=Column(BigInteger, nullable=False))


class OutboxRow(SQLModel, table=True):
    """The aggregate changes of a committed batch, maybe not yet published.

    One row per batch: a batch changes thousands of aggregates, and a row each cost more
    to write and delete than the aggregates. `messages` is zlib-compressed text, a line
    per change: its key, a tab, its JSON (neither holds a tab or a line break).
    """

    __tablename__ = "clauses_outbox_batch"

    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    messages: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
