"""Submissions, versions and contracts in SQL (SQLite or PostgreSQL) behind a small port."""

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from psycopg.errors import UniqueViolation
from sqlalchemy import Table, bindparam, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import SQLModel, col

from services.ingest.problems import ContractFacts
from services.ingest.records import (
    Pending,
    Reservation,
    SubmissionRecord,
    dump_receipts,
    load_receipts,
)
from services.ingest.sql_bulk import among, bulk_insert, bulk_upsert, is_postgresql
from services.ingest.tables import TABLES, ContractRow, EventVersionRow, SubmissionRow
from services.ingest.versioning import Versioner
from services.ingest.versions import Known, identity_of
from shared.events import WorkContractSigned

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
        published=bindparam("published"),
    )
)


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Slices of at most `size` items (IN lists stay short)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Store(Protocol):
    """What the use case needs from storage."""

    def reserve(self, batch: Sequence[Pending]) -> list[Reservation]: ...
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

    def create_tables(self) -> None:
        """Create ingest's tables when missing."""
        SQLModel.metadata.create_all(self._engine, tables=TABLES)
        if self._engine.dialect.name == "postgresql":
            # a version row is written, then flagged published once the broker acknowledged:
            # with room left on its page that update is HOT (no index entries), 3x cheaper
            with self._engine.begin() as connection:
                connection.execute(text(f"ALTER TABLE {VERSIONS.name} SET (fillfactor = 50)"))

    def reserve(self, batch: Sequence[Pending]) -> list[Reservation]:
        """Give every event its version; retried when another writer raced on an identity."""
        for attempt in range(3):
            try:
                return self._reserve(batch)
            except (IntegrityError, UniqueViolation):  # another writer took a new identity first
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _reserve(self, batch: Sequence[Pending]) -> list[Reservation]:
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
        columns = (c.identity, c.version, c.content_hash, c.submission_id, c.published)
        if is_postgresql(session):
            # the rows are hot: at the default cost of a random read (4, spinning disks) the
            # planner scans the whole table rather than probe the key 1 000 times
            session.execute(text("SET LOCAL random_page_cost = 1.1"))
            parts: Iterable[Sequence[str]] = [identities]  # one array, one statement
        else:
            parts = chunks(identities)
        for part in parts:
            query = select(*columns).where(among(session, c.identity, part)).with_for_update()
            for identity, version, digest, submission_id, published in session.execute(query):
                found[identity] = Known(version, digest, submission_id, published)
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
                session.execute(
                    update(EventVersionRow)
                    .where(col(EventVersionRow.submission_id).in_(part))
                    .where(col(EventVersionRow.published).is_(False))
                    .values(published=True)
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
        bulk_upsert(session, CONTRACTS, list(rows.values()), key="contract_id")

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

    def submissions(self, *, principal: str | None, limit: int) -> list[SubmissionRecord]:
        """The latest submissions, newest first: everyone's, or one principal's."""
        query = select(SubmissionRow).order_by(col(SubmissionRow.received_at).desc()).limit(limit)
        if principal is not None:
            query = query.where(col(SubmissionRow.principal) == principal)
        with Session(self._engine) as session:
            return [_record_of(row) for row in session.scalars(query)]

    def contracts(self, ids: Iterable[str]) -> dict[str, ContractFacts]:
        """The published contracts among these ids."""
        wanted = sorted(set(ids))
        found: dict[str, ContractFacts] = {}
        with Session(self._engine) as session:
            for part in chunks(wanted):
                query = select(ContractRow).where(col(ContractRow.contract_id).in_(part))
                for row in session.scalars(query):
                    found[row.contract_id] = ContractFacts(
                        row.market_id, row.employer_siret, row.beneficiary, row.start_date
                    )
        return found


def _record_of(row: SubmissionRow) -> SubmissionRecord:
    return SubmissionRecord(
        id=row.id,
        source=row.source,
        kind=row.kind,
        principal=row.principal,
        status=row.status,
        received_at=row.received_at,
        published_at=row.published_at,
        receipts=load_receipts(row.receipts),
    )
