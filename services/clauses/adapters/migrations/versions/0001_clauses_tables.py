"""The clauses service's tables as release 21de2e8 created them: the first revision.

Written out, not derived from the table classes, so that it stays what it is when they
change. On a database written before migrations (no version table) the tables found are
kept with their rows; the missing ones are created, as start-time code did until then.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the clauses service's tables that do not exist yet."""
    found = set(sa.inspect(op.get_bind()).get_table_names())
    if "clauses_market" not in found:
        op.create_table(
            "clauses_market",
            sa.Column("market_id", sa.String(length=64), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("category", sa.String(length=40), nullable=False),
            sa.Column("reserved", sa.Boolean(), nullable=False),
            sa.Column("sme_holders", sa.Text(), nullable=False),
            sa.Column("notified", sa.String(length=7), nullable=False),
            sa.Column("duration_months", sa.Integer(), nullable=False),
            sa.Column("commitment", sa.Text(), nullable=True),
            sa.PrimaryKeyConstraint("market_id"),
        )
    if "clauses_contract" not in found:
        op.create_table(
            "clauses_contract",
            sa.Column("contract_id", sa.String(length=64), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("beneficiary", sa.String(length=64), nullable=False),
            sa.Column("gender", sa.String(length=20), nullable=False),
            sa.Column("contract_type", sa.String(length=40), nullable=False),
            sa.Column("eligible_public", sa.String(length=40), nullable=False),
            sa.Column("modality", sa.String(length=40), nullable=False),
            sa.PrimaryKeyConstraint("contract_id"),
        )
    if "clauses_invoice" not in found:
        op.create_table(
            "clauses_invoice",
            sa.Column("invoice_key", sa.String(length=100), nullable=False),
            sa.Column("market_id", sa.String(length=64), nullable=False),
            sa.Column("holder_siret", sa.String(length=14), nullable=False),
            sa.Column("period", sa.String(length=7), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("cents", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("invoice_key"),
        )
        op.create_index("ix_clauses_invoice_market_id", "clauses_invoice", ["market_id"])
    if "clauses_report" not in found:
        op.create_table(
            "clauses_report",
            sa.Column("report_key", sa.String(length=100), nullable=False),
            sa.Column("market_id", sa.String(length=64), nullable=False),
            sa.Column("employer_siret", sa.String(length=14), nullable=False),
            sa.Column("period", sa.String(length=7), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("report_key"),
        )
        op.create_index("ix_clauses_report_market_id", "clauses_report", ["market_id"])
    if "clauses_line" not in found:
        op.create_table(
            "clauses_line",
            sa.Column("report_key", sa.String(length=100), nullable=False),
            sa.Column("contract_id", sa.String(length=64), nullable=False),
            sa.Column("insertion_hundredths", sa.BigInteger(), nullable=False),
            sa.Column("training_hundredths", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("report_key", "contract_id"),
        )
        op.create_index("ix_clauses_line_contract_id", "clauses_line", ["contract_id"])
    if "clauses_reference" not in found:
        op.create_table(
            "clauses_reference",
            sa.Column("ref", sa.String(length=120), nullable=False),
            sa.Column("count", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("ref"),
        )
    if "clauses_person" not in found:
        op.create_table(
            "clauses_person",
            sa.Column("person", sa.String(length=80), nullable=False),
            sa.Column("held", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("person"),
        )
    if "clauses_hours_cell" not in found:
        op.create_table(
            "clauses_hours_cell",
            sa.Column("key", sa.String(length=400), nullable=False),
            sa.Column("period", sa.String(length=7), nullable=False),
            sa.Column("market_id", sa.String(length=64), nullable=False),
            sa.Column("category", sa.String(length=40), nullable=False),
            sa.Column("reserved_market", sa.Boolean(), nullable=False),
            sa.Column("gender", sa.String(length=20), nullable=False),
            sa.Column("contract_type", sa.String(length=40), nullable=False),
            sa.Column("eligible_public", sa.String(length=40), nullable=False),
            sa.Column("modality", sa.String(length=40), nullable=False),
            sa.Column("employer_siret", sa.String(length=14), nullable=False),
            sa.Column("insertion_hundredths", sa.BigInteger(), nullable=False),
            sa.Column("training_hundredths", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )
        op.create_index("ix_clauses_hours_cell_market_id", "clauses_hours_cell", ["market_id"])
        op.create_index("ix_clauses_hours_cell_period", "clauses_hours_cell", ["period"])
    if "clauses_distinct_count" not in found:
        op.create_table(
            "clauses_distinct_count",
            sa.Column("key", sa.String(length=200), nullable=False),
            sa.Column("year", sa.Integer(), nullable=False),
            sa.Column("counted", sa.String(length=40), nullable=False),
            sa.Column("breakdown", sa.String(length=40), nullable=False),
            sa.Column("value", sa.String(length=40), nullable=False),
            sa.Column("count", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )
        op.create_index("ix_clauses_distinct_count_year", "clauses_distinct_count", ["year"])
    if "clauses_clause_status" not in found:
        op.create_table(
            "clauses_clause_status",
            sa.Column("market_id", sa.String(length=64), nullable=False),
            sa.Column("as_of_period", sa.String(length=7), nullable=False),
            sa.Column("owed_hundredths", sa.BigInteger(), nullable=False),
            sa.Column("realised_hundredths", sa.BigInteger(), nullable=False),
            sa.Column("status", sa.String(length=20), nullable=False),
            sa.PrimaryKeyConstraint("market_id"),
        )
    if "clauses_consumed_offset" not in found:
        op.create_table(
            "clauses_consumed_offset",
            sa.Column("topic", sa.String(length=255), nullable=False),
            sa.Column("partition", sa.Integer(), nullable=False),
            sa.Column("next_offset", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("topic", "partition"),
        )
    if "clauses_outbox_batch" not in found:
        op.create_table(
            "clauses_outbox_batch",
            sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
            sa.Column("messages", sa.LargeBinary(), nullable=False),
            sa.PrimaryKeyConstraint("seq"),
        )


def downgrade() -> None:
    """None: the first revision is where the clauses service's history starts."""
    raise NotImplementedError("the clauses service's first revision has no downgrade")
