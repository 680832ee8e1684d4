"""Ingest's database (SQLite or PostgreSQL): its tables, the submissions, versions and contracts
(`SqlStore`), the idempotency keys and the web sessions (storage only: the tables never double
as events or API shapes)."""

import hashlib
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TypeVar

from psycopg.errors import UniqueViolation
from sqlalchemy import (
    Column,
    DateTime,
    Table,
    Text,
    bindparam,
    delete,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel, col

from services.ingest.application.ports import SubmissionRecord
from services.ingest.domain.idempotency import (
    KEY_LIFETIME,
    PROCESSING_LEASE,
    Busy,
    Claim,
    Fresh,
    Replay,
    Reused,
)
from services.ingest.domain.rules import ContractFacts
from services.ingest.domain.versions import (
    Conflict,
    Known,
    Pending,
    Reservation,
    Versioner,
    dump_receipts,
    identity_of,
    load_receipts,
)
from shared.events import WorkContractSigned
from shared.sql_bulk import among, bulk_insert, bulk_insert_else_upsert, is_postgresql


class SubmissionRow(SQLModel, table=True):
    """A submission that was accepted: whether its events reached Kafka, and which."""

    __tablename__ = "ingest_submissions"

    id: str = Field(primary_key=True, max_length=36)
    source: str = Field(max_length=16)
    kind: str = Field(max_length=32)
    principal: str = Field(max_length=100, index=True)  # the name, as the history shows it
    # what the submission is scoped by (services.ingest.domain.access.principal_id); NULL only for a
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


T = TypeVar("T")
CHUNK = 1000
VERSIONS: Table = EventVersionRow.__table__  # type: ignore[attr-defined]
SUBMISSIONS: Table = SubmissionRow.__table__  # type: ignore[attr-defined]
CONTRACTS: Table = ContractRow.__table__  # type: ignore[attr-defined]
c = VERSIONS.c
# Core statements: the ORM's per-row bookkeeping costs more than the rows themselves
UPDATE_VERSION = (
    update(VERSIONS)
    .where(c.identity == bindparam("key"))
    .values(
        version=bindparam("version"),
        content_hash=bindparam("content_hash"),
        event_id=bindparam("event_id"),
        submission_id=bindparam("submission_id"),
    )
)
# what is known of identities: their version reached Kafka when their submission is published
KNOWN_COLUMNS = (
    c.identity,
    c.version,
    c.content_hash,
    c.submission_id,
    SUBMISSIONS.c.status == "published",
)
KNOWN_FROM = VERSIONS.outerjoin(SUBMISSIONS, SUBMISSIONS.c.id == c.submission_id)
# the identities' rows are hot: at the default cost of a random read (4, spinning disks) the
# planner scans the whole table rather than probe the key 1 000 times
POSTGRESQL_SETTINGS = {"random_page_cost": "1.1"}


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Slices of at most `size` items (IN lists stay short)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SqlStore:
    """The store on a SQLAlchemy engine; each method is one transaction (call it off-loop)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def reserve(self, batch: Sequence[Pending]) -> list[Reservation | Conflict]:
        """Give every event its version; retried when another writer raced on an identity."""
        for attempt in range(3):
            try:
                return self._reserve(batch)
            except (IntegrityError, UniqueViolation):  # another writer took a new identity first
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _reserve(self, batch: Sequence[Pending]) -> list[Reservation | Conflict]:
        with Session(self._engine) as session:
            versioner = Versioner(self._known(session, batch))
            reservations = [versioner.reserve(pending) for pending in batch]
            inserts, updates = versioner.writes()
            bulk_insert(session, VERSIONS, inserts)
            if updates:
                session.execute(
                    UPDATE_VERSION, [{"key": row["identity"], **row} for row in updates]
                )
            new, replayed = versioner.submission_rows(batch, reservations)
            rows = [{**row, "receipts": dump_receipts(row["receipts"])} for row in new]
            bulk_insert(session, SUBMISSIONS, rows)
            for submission_id in replayed:
                session.execute(
                    update(SubmissionRow)
                    .where(col(SubmissionRow.id) == submission_id)
                    .where(col(SubmissionRow.status) != "published")
                    .values(status="pending")
                )
            session.commit()
        return reservations

    def _known(self, session: Session, batch: Sequence[Pending]) -> dict[str, Known]:
        identities = sorted({identity_of(event) for pending in batch for event in pending.events})
        found: dict[str, Known] = {}
        parts: Iterable[Sequence[str]] = (
            [identities] if is_postgresql(session) else chunks(identities)  # one array, one query
        )
        for part in parts:
            query = (
                select(*KNOWN_COLUMNS)
                .select_from(KNOWN_FROM)
                .where(among(session, c.identity, part))
                .with_for_update(of=VERSIONS)
            )
            for identity, version, digest, submission_id, published in session.execute(query):
                found[identity] = Known(version, digest, submission_id, bool(published))
        return found

    def mark_published(
        self, ids: Sequence[str], contracts: Sequence[WorkContractSigned], at: datetime
    ) -> None:
        """The broker acknowledged these submissions' events: record it, with the contracts."""
        with Session(self._engine) as session:
            for part in chunks(ids):
                session.execute(
                    update(SubmissionRow)
                    .where(col(SubmissionRow.id).in_(part))
                    .values(status="published", published_at=at)
                )
            if contracts:
                self._upsert_contracts(session, contracts)
            session.commit()

    def _upsert_contracts(self, session: Session, contracts: Sequence[WorkContractSigned]) -> None:
        rows = {
            c.contract_id: {
                "contract_id": c.contract_id,
                "market_id": c.market_id,
                "employer_siret": c.employer_siret,
                "beneficiary": c.beneficiary,
                "start_date": c.start_date,
            }
            for c in contracts
        }
        bulk_insert_else_upsert(session, CONTRACTS, list(rows.values()), key="contract_id")

    def mark_failed(self, ids: Sequence[str]) -> None:
        """The broker did not acknowledge: the submissions stay retriable, at the same versions."""
        with Session(self._engine) as session:
            for part in chunks(ids):
                session.execute(
                    update(SubmissionRow)
                    .where(col(SubmissionRow.id).in_(part))
                    .where(col(SubmissionRow.status) != "published")
                    .values(status="failed")
                )
            session.commit()

    def submission(self, submission_id: str) -> SubmissionRecord | None:
        """One submission, or None."""
        with Session(self._engine) as session:
            row = session.get(SubmissionRow, submission_id)
            return None if row is None else _record_of(row)

    def submissions(self, *, principal_id: str | None, limit: int) -> list[SubmissionRecord]:
        """The latest submissions, newest first: everyone's, or one principal's (by id)."""
        query = select(SubmissionRow).order_by(col(SubmissionRow.received_at).desc()).limit(limit)
        if principal_id is not None:
            query = query.where(col(SubmissionRow.principal_id) == principal_id)
        with Session(self._engine) as session:
            return [_record_of(row) for row in session.scalars(query)]

    def contracts(self, ids: Iterable[str]) -> dict[str, ContractFacts]:
        """The published contracts among these ids (with their owners: market and employer)."""
        wanted = sorted(set(ids))
        found: dict[str, ContractFacts] = {}
        with Session(self._engine) as session:
            parts: Iterable[Sequence[str]] = (
                [wanted] if is_postgresql(session) else chunks(wanted)  # one array, one query
            )
            for part in parts:
                query = select(
                    CONTRACTS.c.contract_id,
                    CONTRACTS.c.market_id,
                    CONTRACTS.c.employer_siret,
                    CONTRACTS.c.beneficiary,
                    CONTRACTS.c.start_date,
                ).where(among(session, CONTRACTS.c.contract_id, part))
                for contract_id, *facts in session.execute(query):
                    found[contract_id] = ContractFacts(*facts)
        return found


def _record_of(row: SubmissionRow) -> SubmissionRecord:
    return SubmissionRecord(
        id=row.id,
        source=row.source,
        kind=row.kind,
        principal=row.principal,
        principal_id=row.principal_id,
        status=row.status,
        received_at=row.received_at,
        published_at=row.published_at,
        receipts=load_receipts(row.receipts),
    )


PURGE_EVERY_SECONDS = 600.0


KEYS: Table = IdempotencyKeyRow.__table__  # type: ignore[attr-defined]


class SqlIdempotencyKeys:
    """Keys in ingest's database (table `ingest_idempotency_keys`; call off-loop)."""

    def __init__(self, engine: Engine, *, lifetime: timedelta = KEY_LIFETIME) -> None:
        self._engine = engine
        self._lifetime = lifetime
        self._purged = 0.0

    def claim(self, sender: str, key: str, fingerprint: str, now: datetime) -> Claim:
        """Take the key for this request, or say what its first request became."""
        self._purge(now)
        row = {
            "sender": sender,
            "key": key,
            "fingerprint": fingerprint,
            "state": "processing",
            "status": None,
            "response": None,
            "created_at": now,
            "expires_at": now + self._lifetime,
        }
        for _ in range(3):
            with Session(self._engine) as session:
                try:
                    session.execute(KEYS.insert().values(row))
                    session.commit()
                    return Fresh()
                except IntegrityError:
                    session.rollback()
                found = session.execute(
                    select(KEYS).where(KEYS.c.sender == sender, KEYS.c.key == key)
                ).first()
                if found is None:  # purged meanwhile
                    continue
                abandoned = found.state == "processing" and _aware(found.created_at, now.tzinfo) < (
                    now - PROCESSING_LEASE
                )
                if _aware(found.expires_at, now.tzinfo) <= now or abandoned:
                    session.execute(
                        delete(KEYS).where(
                            KEYS.c.sender == sender,
                            KEYS.c.key == key,
                            KEYS.c.created_at == found.created_at,
                        )
                    )
                    session.commit()
                    continue
                if found.fingerprint != fingerprint:
                    return Reused()
                if found.state == "processing":
                    return Busy()
                return Replay(int(found.status), str(found.response))
        return Busy()

    def complete(self, sender: str, key: str, status: int, body: str, now: datetime) -> None:
        """The key's request was accepted with this answer: replay it from now on."""
        with Session(self._engine) as session:
            session.execute(
                update(KEYS)
                .where(KEYS.c.sender == sender, KEYS.c.key == key)
                .values(state="done", status=status, response=body, expires_at=now + self._lifetime)
            )
            session.commit()

    def release(self, sender: str, key: str) -> None:
        """The key's request was refused or failed (nothing published): forget the key."""
        with Session(self._engine) as session:
            session.execute(
                delete(KEYS).where(
                    KEYS.c.sender == sender, KEYS.c.key == key, KEYS.c.state == "processing"
                )
            )
            session.commit()

    def seen(self, pairs: Iterable[tuple[str, str]], now: datetime) -> dict[tuple[str, str], str]:
        """The fingerprints of the (sender, key) pairs already remembered and not expired."""
        wanted = set(pairs)
        found: dict[tuple[str, str], str] = {}
        if not wanted:
            return found
        keys = sorted({key for _, key in wanted})
        with Session(self._engine) as session:
            for start in range(0, len(keys), 500):
                query = select(KEYS.c.sender, KEYS.c.key, KEYS.c.fingerprint, KEYS.c.expires_at)
                query = query.where(KEYS.c.key.in_(keys[start : start + 500]))
                for sender, key, print_, expires_at in session.execute(query):
                    if (sender, key) in wanted and _aware(expires_at, now.tzinfo) > now:
                        found[sender, key] = print_
        return found

    def remember(self, rows: Mapping[tuple[str, str], str], now: datetime) -> None:
        """Remember keys whose messages were published (raw topic): skipped if sent again."""
        if not rows:
            return
        self._purge(now)
        with Session(self._engine) as session:
            for (sender, key), print_ in rows.items():
                session.execute(
                    delete(KEYS).where(
                        KEYS.c.sender == sender, KEYS.c.key == key, KEYS.c.expires_at <= now
                    )
                )
                exists = session.execute(
                    select(KEYS.c.key).where(KEYS.c.sender == sender, KEYS.c.key == key)
                ).first()
                if exists is None:
                    session.execute(
                        KEYS.insert().values(
                            sender=sender,
                            key=key,
                            fingerprint=print_,
                            state="done",
                            status=202,
                            response="",
                            created_at=now,
                            expires_at=now + self._lifetime,
                        )
                    )
            session.commit()

    def _purge(self, now: datetime) -> None:
        if time.monotonic() - self._purged < PURGE_EVERY_SECONDS and self._purged:
            return
        self._purged = time.monotonic()
        with Session(self._engine) as session:
            session.execute(delete(KEYS).where(KEYS.c.expires_at <= now))
            session.commit()


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _aware(moment: datetime, zone: tzinfo | None = UTC) -> datetime:
    """SQLite gives back naive datetimes (stored in UTC): the moment in that zone."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


class SqlSessions:
    """Web sessions in ingest's database (one short transaction per call: call it off-loop)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def open(self, session_id: str, *, expires_at: float, now: float) -> None:
        """Record a new session; sessions expired long enough ago are forgotten meanwhile."""
        with Session(self._engine) as session:
            session.execute(delete(WebSessionRow).where(col(WebSessionRow.expires_at) < _at(now)))
            session.add(WebSessionRow(id_sha256=_key(session_id), expires_at=_at(expires_at)))
            session.commit()

    def is_open(self, session_id: str, *, now: float) -> bool:
        """Whether the session exists, was not ended, and has not expired."""
        with Session(self._engine) as session:
            row = session.get(WebSessionRow, _key(session_id))
            return row is not None and row.ended_at is None and _aware(row.expires_at) > _at(now)

    def end(self, session_id: str, *, now: float) -> None:
        """Sign out: the session's cookie opens nothing from now on."""
        with Session(self._engine) as session:
            session.execute(
                update(WebSessionRow)
                .where(col(WebSessionRow.id_sha256) == _key(session_id))
                .values(ended_at=_at(now))
            )
            session.commit()
