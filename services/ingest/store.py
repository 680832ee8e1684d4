"""Submissions, versions and contracts in SQL (SQLite or PostgreSQL) behind a small port."""

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
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
from services.ingest.tables import TABLES, ContractRow, EventVersionRow, SubmissionRow
from services.ingest.versioning import Versioner
from services.ingest.versions import Known, identity_of
from shared.events import WorkContractSigned

T = TypeVar("T")
CHUNK = 1000


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

    def reserve(self, batch: Sequence[Pending]) -> list[Reservation]:
        """Give every event its version; retried when another writer raced on an identity."""
        for attempt in range(3):
            try:
                return self._reserve(batch)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _reserve(self, batch: Sequence[Pending]) -> list[Reservation]:
        with Session(self._engine) as session:
            versioner = Versioner(self._known(session, batch))
            reservations = [versioner.reserve(pending) for pending in batch]
            inserts, updates = versioner.writes()
            if inserts:
                session.execute(insert(EventVersionRow), inserts)
            if updates:
                session.execute(update(EventVersionRow), updates)
            new, replayed = versioner.submission_rows(batch, reservations)
            if new:
                rows = [{**row, "receipts": dump_receipts(row["receipts"])} for row in new]
                session.execute(insert(SubmissionRow), rows)
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
        for part in chunks(identities):
            query = select(EventVersionRow).where(col(EventVersionRow.identity).in_(part))
            for row in session.scalars(query.with_for_update()):
                found[row.identity] = Known(
                    row.version, row.content_hash, row.submission_id, row.published
                )
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
        dialect: Any = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(ContractRow)
        columns = ("market_id", "employer_siret", "beneficiary", "start_date")
        statement = statement.on_conflict_do_update(
            index_elements=["contract_id"],
            set_={name: statement.excluded[name] for name in columns},
        )
        for part in chunks(list(rows.values())):
            session.execute(statement, list(part))

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
            if row is None:
                return None
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
