"""Alembic's entry into the clauses service's revisions (run by `shared.migrations.upgrade`)."""

from services.clauses.adapters.migrations import metadata
from shared.migrations import run_migrations

run_migrations(metadata())
