"""The clauses service's tables; hours are exact integers of hundredths on every database."""

from sqlalchemy import BigInteger, Column, Text
from sqlmodel import Field, SQLModel


class StoredEvent(SQLModel, table=True):
    """The latest version of one identity, as received: the state is rebuilt from these."""

    __tablename__ = "clauses_event"

    identity: str = Field(primary_key=True, max_length=300)
    event_type: str = Field(max_length=40)
    version: int
    payload: str = Field(sa_column=Column(Text, nullable=False))


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
    """An aggregate change committed but maybe not yet published (latest value per key)."""

    __tablename__ = "clauses_outbox"

    key: str = Field(primary_key=True, max_length=400)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
