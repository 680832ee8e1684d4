"""Submissions, versions and contracts in SQL (SQLite or PostgreSQL) behind a small port."""

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from psycopg.errors import UniqueViolation
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from services.ingest.problems import ContractFacts
from services.ingest.records import (
    Conflict,
    Pending,
    Reservation,
    SubmissionRecord,
    dump_receipts,
    load_receipts,
)
from services.ingest.tables import ContractRow, EventVersionRow, SubmissionRow
from services.ingest.versioning import Versioner
from services.ingest.versions import Known, identity_of
from shared.events import WorkContractSigned
from shared.sql_bulk import among, bulk_insert, bulk_insert_else_upsert, is_postgresql

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


class Store(Protocol):
    """What the use case needs from storage."""

    def reserve(self, batch: Sequence[Pending]) -> list[Reservation | Conflict]: ...
    def mark_published(
        self, ids: Sequence[str], contracts: Sequence[WorkContractSigned], at: datetime
    ) -> None: ...
    def mark_failed(self, ids: Sequence[str]) -> None: ...
    def submission(self, submission_id: str) -> SubmissionRecord | None: ...
    def contracts(self, ids: Iterable[str]) -> dict[str, ContractFacts]: ...


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
