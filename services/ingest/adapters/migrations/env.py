"""Alembic's entry into ingest's revisions (run by `shared.migrations.upgrade`)."""

from services.ingest.adapters.migrations import metadata
from shared.migrations import run_migrations

run_migrations(metadata())
