"""The real clock: the one place ingest reads the time (the rules get the date passed in)."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current instant, in UTC."""
    return datetime.now(UTC)
