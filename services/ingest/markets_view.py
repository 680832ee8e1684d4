"""Who holds which market: folded from the markets topic and from what ingest publishes."""

from collections.abc import Awaitable, Callable, Mapping

from shared.events import MarketNotified

EndOffsets = Callable[[], Awaitable[dict[int, int]]]


class MarketsView:
    """The latest version of each market's holders, and how far the fold has read."""

    def __init__(self, end_offsets: EndOffsets | None = None) -> None:
        self._holders: dict[str, frozenset[str]] = {}
        self._versions: dict[str, int] = {}
        self._next_offsets: dict[int, int] = {}
        self.end_offsets = end_offsets

    @property
    def holders(self) -> Mapping[str, frozenset[str]]:
        """Market id -> SIRETs of its holders."""
        return self._holders

    def apply(self, market: MarketNotified) -> None:
        """Fold one market; an older version never replaces a newer one."""
        if self._versions.get(market.market_id, 0) > market.version:
            return
        self._versions[market.market_id] = market.version
        self._holders[market.market_id] = frozenset(holder.siret for holder in market.holders)

    def consumed(self, partition: int, offset: int) -> None:
        """Record that the message at this offset of the markets topic has been folded."""
        self._next_offsets[partition] = max(self._next_offsets.get(partition, 0), offset + 1)

    async def lag(self) -> int | None:
        """Messages of the markets topic not folded yet, or None when it cannot be told."""
        if self.end_offsets is None:
            return None
        try:
            ends = await self.end_offsets()
        except Exception:  # the broker may be unreachable: say we cannot tell
            return None
        return sum(max(0, end - self._next_offsets.get(p, 0)) for p, end in ends.items())
