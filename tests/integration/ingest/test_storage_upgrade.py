"""A database written by the earlier schema (a `published` flag on every version row) is
upgraded in place by the first migration at start, and what it knew still holds."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from harness.builders import an_invoice
from services.ingest.adapters.migrations import migrate
from services.ingest.adapters.storage import SqlStore
from services.ingest.domain.versions import Pending, Reservation, content_hash, identity_of
from shared.db import make_engine
from tests.migrated_databases import own_database

EARLIER_SCHEMA = (
    "CREATE TABLE ingest_event_versions (identity VARCHAR(255) NOT NULL, version INTEGER NOT"
    " NULL, content_hash VARCHAR(64) NOT NULL, event_id VARCHAR(36) NOT NULL, submission_id"
    " VARCHAR(36) NOT NULL, published BOOLEAN NOT NULL, PRIMARY KEY (identity))",
    "CREATE INDEX ix_ingest_event_versions_submission_id ON ingest_event_versions (submission_id)",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_url: str
) -> Iterator[str]:
    """The URL of a database of its own, empty."""
    with own_database(request.param, folder=tmp_path, postgres_url=postgres_url) as url:
        yield url


def test_an_earlier_database_is_upgraded_and_a_published_version_stays_published(
    empty_database: str,
) -> None:
    engine = make_engine(empty_database)
    invoice = an_invoice(market_id=f"UP-{uuid.uuid4().hex[:12]}")
    with engine.begin() as connection:
        for statement in EARLIER_SCHEMA:
            connection.execute(text(statement))
        connection.execute(
            text(
                "INSERT INTO ingest_event_versions VALUES (:identity, 1, :digest, :event_id,"
                " 'earlier-submission', TRUE)"
            ),
            {
                "identity": identity_of(invoice),
                "digest": content_hash(invoice),
                "event_id": invoice.event_id,
            },
        )
    store = SqlStore(engine)

    migrate(engine)
    migrate(engine)  # a second start finds nothing left to upgrade
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO ingest_submissions (id, source, kind, principal, status,"
                " received_at, published_at, receipts) VALUES ('earlier-submission', 'http',"
                " 'invoice', 'facilitateur', 'published', :at, :at, '[]')"
            ),
            {"at": datetime.now(UTC)},
        )
    pending = Pending(
        "retry", "http", "invoice", "facilitateur", "f-id", datetime.now(UTC), [invoice]
    )
    [reservation] = store.reserve([pending])
    assert isinstance(reservation, Reservation)

    tables = inspect(engine)
    assert "published" not in {
        column["name"] for column in tables.get_columns("ingest_event_versions")
    }
    assert tables.get_indexes("ingest_event_versions") == []
    assert reservation.to_publish == []
    assert reservation.receipts[0].unchanged_since == "earlier-submission"
    engine.dispose()


# ingest_submissions as the release before principal ids wrote it (scoped by the token's name)
NAME_SCOPED_SCHEMA = (
    "CREATE TABLE ingest_submissions (id VARCHAR(36) NOT NULL, source VARCHAR(16) NOT NULL,"
    " kind VARCHAR(32) NOT NULL, principal VARCHAR(100) NOT NULL, status VARCHAR(16) NOT NULL,"
    " received_at TIMESTAMP WITH TIME ZONE NOT NULL, published_at TIMESTAMP WITH TIME ZONE,"
    " receipts TEXT NOT NULL, PRIMARY KEY (id))",
    "CREATE INDEX ix_ingest_submissions_principal ON ingest_submissions (principal)",
)


def test_submissions_stored_by_name_stay_their_owners_and_a_later_namesake_gets_none(
    empty_database: str,
) -> None:
    engine = make_engine(empty_database)
    with engine.begin() as connection:
        for statement in NAME_SCOPED_SCHEMA:
            connection.execute(text(statement))
        for submission_id, name in (("by-acme", "acme"), ("by-gone", "gone")):
            connection.execute(
                text(
                    "INSERT INTO ingest_submissions VALUES (:id, 'http', 'invoice', :name,"
                    " 'published', :at, :at, '[]')"
                ),
                {"id": submission_id, "name": name, "at": "2023-07-15 10:00:00.000000"},
            )
    store = SqlStore(engine)

    migrate(engine, {"acme": "token:acme-id"})  # "gone" has no token any more
    migrate(engine, {"acme": "token:acme-id", "gone": "token:newcomer"})  # a namesake

    assert [r.id for r in store.submissions(principal_id="token:acme-id", limit=10)] == ["by-acme"]
    assert store.submissions(principal_id="token:newcomer", limit=10) == []
    everyone = {r.id: r.principal_id for r in store.submissions(principal_id=None, limit=10)}
    assert everyone == {"by-acme": "token:acme-id", "by-gone": None}
    record = store.submission("by-acme")
    assert record is not None
    assert record.principal == "acme"
    engine.dispose()
