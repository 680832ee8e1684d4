"""Publish each indicator cell whose value changed on the compacted snapshots topic."""

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime

from services.indicators.application.live_indicators import LiveIndicators
from services.indicators.application.ports import Clock, SnapshotPublish
from shared.indicators import IndicatorSnapshot, IndicatorValue


def snapshot_diff(
    published: Mapping[str, IndicatorValue], current: Mapping[str, IndicatorValue]
) -> tuple[list[IndicatorValue], list[str]]:
    """Cells that are new or changed, and keys that no longer exist."""
    changed = [value for key, value in current.items() if published.get(key) != value]
    removed = [key for key in published if key not in current]
    return changed, removed


class SnapshotPublisher:
    """Remembers what it published and publishes only the differences."""

    def __init__(
        self,
        live: LiveIndicators,
        publish: SnapshotPublish,
        *,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self._live = live
        self._publish = publish
        self._clock = clock
        self._published: dict[str, IndicatorValue] = {}
        self._revision = -1

    async def publish_changes(self) -> int:
        """Publish what changed since the last call; returns how many messages were sent."""
        view = self._live.view
        revision = view.revision
        if revision == self._revision:
            return 0
        current = {v.key: v for values in self._live.by_year(view).values() for v in values}
        changed, removed = snapshot_diff(self._published, current)
        now = self._clock()
        sends = [
            self._publish(
                IndicatorSnapshot(
                    key=value.key,
                    indicator=value,
                    targets_version=self._live.targets.version,
                    computed_at=now,
                    data_applied_at=view.latest_applied_at,
                ),
                value.key,
            )
            for value in changed
        ]
        sends.extend(self._publish(None, key) for key in removed)
        await asyncio.gather(*sends)
        self._published, self._revision = current, revision
        return len(sends)

    async def run(self, interval: float) -> None:
        """Publish the changes every `interval` seconds once the state has caught up."""
        while True:
            if self._live.caught_up:
                await self.publish_changes()
            await asyncio.sleep(interval)
