"""Ingest's tables as release 21de2e8 created them: the first revision.

Written out, not derived from the table classes, so that it stays what it is when they
change. On a database written before migrations (no version table) the tables found are
kept with their rows and brought to this shape, which start-time code did until then: the
`published` flag of version rows retired, submissions scoped by principal id.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import context, op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ingest's tables, or bring those an earlier release left to this shape."""
    found = set(sa.inspect(op.get_bind()).get_table_names())
    if "ingest_submissions" in found:
        _scope_submissions_by_principal_id()
    else:
        _create_submissions()
    if "ingest_event_versions" in found:
        _retire_the_published_flag()
    else:
        _create_event_versions()
    if "ingest_contracts" not in found:
        _create_contracts()
    if "ingest_web_sessions" not in found:
        _create_web_sessions()
    if "ingest_idempotency_keys" not in found:
        _create_idempotency_keys()
    if op.get_bind().dialect.name == "postgresql":
        # a raw batch's receipts make one large value: lz4 compresses it 5x faster
        op.execute("ALTER TABLE ingest_submissions ALTER COLUMN receipts SET COMPRESSION lz4")


def downgrade() -> None:
    """None: the first revision is where ingest's history starts."""
    raise NotImplementedError("ingest's first revision has no downgrade")


def _create_submissions() -> None:
    op.create_table(
        "ingest_submissions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("principal", sa.String(length=100), nullable=False),
        sa.Column("principal_id", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("receipts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ingest_submissions_principal", "ingest_submissions", ["principal"])
    op.create_index("ix_ingest_submissions_principal_id", "ingest_submissions", ["principal_id"])


def _create_event_versions() -> None:
    op.create_table(
        "ingest_event_versions",
        sa.Column("identity", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("identity"),
    )


def _create_contracts() -> None:
    op.create_table(
        "ingest_contracts",
        sa.Column("contract_id", sa.String(length=64), nullable=False),
        sa.Column("market_id", sa.String(length=64), nullable=False),
        sa.Column("employer_siret", sa.String(length=14), nullable=False),
        sa.Column("beneficiary", sa.String(length=64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("contract_id"),
    )


def _create_web_sessions() -> None:
    op.create_table(
        "ingest_web_sessions",
        sa.Column("id_sha256", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id_sha256"),
    )


def _create_idempotency_keys() -> None:
    op.create_table(
        "ingest_idempotency_keys",
        sa.Column("sender", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender", "key"),
    )
    op.create_index(
        "ix_ingest_idempotency_keys_expires_at", "ingest_idempotency_keys", ["expires_at"]
    )


def _retire_the_published_flag() -> None:
    # each version row carried a `published` flag, flipped once the broker acknowledged (a
    # second write of every row), and an index on submission_id to find them; the
    # submission's status says it now
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("ingest_event_versions")}
    if "published" in columns:
        op.execute("ALTER TABLE ingest_event_versions DROP COLUMN published")
        op.execute("DROP INDEX IF EXISTS ix_ingest_event_versions_submission_id")


def _scope_submissions_by_principal_id() -> None:
    # submissions were scoped by the token's name, which need not be unique: they are scoped
    # by the principal id (services.ingest.auth.principal_id); those stored by name go to the
    # token of that name configured now, the others keep NULL
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("ingest_submissions")}
    if "principal_id" in columns:
        return
    op.execute("ALTER TABLE ingest_submissions ADD COLUMN principal_id VARCHAR(100)")
    op.execute(
        "CREATE INDEX ix_ingest_submissions_principal_id ON ingest_submissions (principal_id)"
    )
    principal_ids: dict[str, str] = context.config.attributes.get("principal_ids", {})
    pairs = [{"b_name": name, "b_id": id_} for name, id_ in principal_ids.items()]
    if pairs:
        op.get_bind().execute(
            sa.text(
                "UPDATE ingest_submissions SET principal_id = :b_id"
                " WHERE principal = :b_name AND principal_id IS NULL"
            ),
            pairs,
        )
