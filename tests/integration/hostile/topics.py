"""Reading every topic ingest writes, to show a refused submission left nothing there."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from shared.topics import INVOICES, MARKETS, MONTHLY_HOURS, WORK_CONTRACTS
from tests.integration.ingest.conftest import Live, TopicReader


@asynccontextmanager
async def every_output(live: Live) -> AsyncIterator[TopicReader]:
    """A reader of the event topics and ingest's dead letters, from their current ends."""
    names = [t.name for t in (MARKETS, INVOICES, WORK_CONTRACTS, MONTHLY_HOURS)]
    async with TopicReader(live.bootstrap, [*names, live.settings.dead_letter_topic]) as reader:
        yield reader


def keys_seen(reader: TopicReader, *, topics: set[str] | None = None) -> set[bytes]:
    """The keys of every record read so far (of the given topics)."""
    return {
        record.key
        for record in reader.seen
        if record.key is not None and (topics is None or record.topic in topics)
    }
