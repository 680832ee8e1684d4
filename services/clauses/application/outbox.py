"""Committed aggregate changes on their way to the compacted topic.

Publishing is after the commit, hence at least once; that is harmless because each
message holds the absolute value of an aggregate under its key (a consumer upserts by
key). A change is written to the outbox table in its batch's commit, under the batch's
sequence number, and removed by a later commit once published, so a crash between commit
and publish loses nothing: the outbox is published again on recovery.
"""

from collections.abc import Sequence

from services.clauses.application.ports import LedgerMetrics, Pending, Publish, Published


class Outbox:
    """Which batches are committed, which are published, and what is left to publish."""

    def __init__(self, publish: Publish, metrics: LedgerMetrics) -> None:
        self.publish, self.metrics = publish, metrics
        self.seq = 0  # sequence number of the last committed batch
        self.published_until = 0  # the changes of batches up to this one are published
        self._unconfirmed: list[Published] = []

    def restore(self, pending: Sequence[Pending]) -> None:
        """After a restart or a failure: what the outbox table still holds."""
        self.seq = max([self.seq, *(row.seq for row in pending)])
        self._unconfirmed = [(row.key, row.payload) for row in pending]
        self.published_until = 0

    async def committed(self, seq: int, published: Sequence[Published]) -> None:
        """A batch is committed: publish its changes (and any left by a failed publish)."""
        self.seq = seq
        await self.flush(published)

    async def flush(self, published: Sequence[Published] = ()) -> None:
        """Publish everything committed and not yet confirmed; the next commit forgets it."""
        self._unconfirmed += published
        if self._unconfirmed:
            await self.publish(self._unconfirmed)
            self.metrics.aggregates_published(len(self._unconfirmed))
            self._unconfirmed = []
        self.published_until = self.seq
