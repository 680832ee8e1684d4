"""Who holds which market: folded from the markets topic and from what ingest publishes."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal

from shared.events import MarketNotified

EndOffsets = Callable[[], Awaitable[dict[int, int]]]


class MarketsView:
    """The latest version of each market's holders, and how far the fold has read."""

    def __init__(self, end_offsets: EndOffsets | None = None) -> None:
        self._holders: dict[str, frozenset[str]] = {}
        self._amounts: dict[str, Decimal] = {}
        self._buyers: dict[str, str] = {}
        self._versions: dict[str, int] = {}
        self._next_offsets: dict[int, int] = {}
        self.end_offsets = end_offsets

    @property
    def holders(self) -> Mapping[str, frozenset[str]]:
        """Market id -> SIRETs of its holders."""
        return self._holders

    @property
    def buyers(self) -> Mapping[str, str]:
        """Market id -> SIRET of the buyer that notified it (its latest version)."""
        return self._buyers

    @property
    def amounts(self) -> Mapping[str, Decimal]:
        """Market id -> amount (EUR HT) of its latest version."""
        return self._amounts

    def apply(self, market: MarketNotified) -> None:
        """Fold one market; an older version never replaces a newer one."""
        if self._versions.get(market.market_id, 0) > market.version:
            return
        self._versions[market.market_id] = market.version
        self._holders[market.market_id] = frozenset(holder.siret for holder in market.holders)
        self._amounts[market.market_id] = market.amount_ht
        self._buyers[market.market_id] = market.buyer.siret

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

    async def wait_caught_up(self, *, within: float, poll: float = 0.2) -> bool:
        """Wait (at most `within` seconds) until every market notified so far is folded."""
        deadline = asyncio.get_running_loop().time() + within
        while (lag := await self.lag()) != 0:
            if lag is None or asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(poll)
        return True
