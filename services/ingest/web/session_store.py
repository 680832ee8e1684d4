"""The server-side record of web sessions: a signed cookie is honoured only while its session
is open here, so signing out (on any ingest instance sharing the database) ends it."""

import hashlib
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from services.ingest.tables import WebSessionRow


class Sessions(Protocol):
    """Open, check and end web sessions by the id their cookie carries (times in seconds
    since the epoch)."""

    def open(self, session_id: str, *, expires_at: float, now: float) -> None: ...
    def is_open(self, session_id: str, *, now: float) -> bool: ...
    def end(self, session_id: str, *, now: float) -> None: ...


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _aware(value: datetime) -> datetime:
    # SQLite gives back naive datetimes (stored as UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


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
