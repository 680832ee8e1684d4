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
    principal: str = Field(max_length=100, index=True)  # the name, as the history shows it
    # what the submission is scoped by (services.ingest.auth.principal_id); NULL only for a
    # submission stored before it whose name no configured token has
    principal_id: str | None = Field(default=None, max_length=100, index=True)
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


class WebSessionRow(SQLModel, table=True):
    """A web session: open until it expires or its person signs out (shared by every ingest
    instance on the database, so signing out on one ends it on all)."""

    __tablename__ = "ingest_web_sessions"

    # SHA-256 of the session id the signed cookie carries (the table alone opens nothing)
    id_sha256: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    ended_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


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
    WebSessionRow.__table__,  # type: ignore[attr-defined]
    IdempotencyKeyRow.__table__,  # type: ignore[attr-defined]
]
