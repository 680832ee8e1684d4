"""Ingest's tables (storage only: they never double as events or API shapes)."""

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Text
from sqlmodel import Field, SQLModel


class SubmissionRow(SQLModel, table=True):
    """A submission that was accepted: whether its events reached Kafka, and which."""

    __tablename__ = "ingest_submissions"

    id: str = Field(primary_key=True, max_length=36)
    source: str = Field(max_length=16)
    kind: str = Field(max_length=32)
    principal: str = Field(max_length=100, index=True)
    status: str = Field(max_length=16)
    received_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    published_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    receipts: str = Field(sa_column=Column(Text, nullable=False))


class EventVersionRow(SQLModel, table=True):
    """The latest version ingest assigned to one identity, with its content's digest; it
    reached Kafka when the submission it names is published."""

    __tablename__ = "ingest_event_versions"

    identity: str = Field(primary_key=True, max_length=255)
    version: int
    content_hash: str = Field(max_length=64)
    event_id: str = Field(max_length=36)
    submission_id: str = Field(max_length=36)


class ContractRow(SQLModel, table=True):
    """A work contract ingest published: what hours lines are checked against."""

    __tablename__ = "ingest_contracts"

    contract_id: str = Field(primary_key=True, max_length=64)
    market_id: str = Field(max_length=64)
    employer_siret: str = Field(max_length=14)
    beneficiary: str = Field(max_length=64)
    start_date: date


class IdempotencyKeyRow(SQLModel, table=True):
    """An Idempotency-Key a sender used: its request's fingerprint and, once accepted, the
    answer it got (replayed to a retry); forgotten after `expires_at`."""

    __tablename__ = "ingest_idempotency_keys"

    sender: str = Field(primary_key=True, max_length=100)
    key: str = Field(primary_key=True, max_length=128)
    fingerprint: str = Field(max_length=64)
    state: str = Field(max_length=16)  # processing | done
    status: int | None = None
    response: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )


TABLES = [
    SubmissionRow.__table__,  # type: ignore[attr-defined]
    EventVersionRow.__table__,  # type: ignore[attr-defined]
    ContractRow.__table__,  # type: ignore[attr-defined]
    IdempotencyKeyRow.__table__,  # type: ignore[attr-defined]
]
