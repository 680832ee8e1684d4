"""The materialised state: every aggregate and market folded into per-year sums, incrementally.

Aggregate values are absolute and keyed: applying a value replaces the key's previous
contribution, so duplicates and replays change nothing and the order of distinct keys does
not matter. Hours are kept as integer hundredths (the contract allows two decimals), which
keeps the sums exact and the fold fast.

Readers never read the state being folded: `view()` publishes an immutable `StateView`
(the per-year sums as of one revision), built after each applied batch by copying only the
tables the batch changed (small: hours by month and category, distinct counts, clauses,
markets; never the per-key cells), and handed to readers by swapping one reference.
"""

import sys
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from services.indicators.domain.facts import ClauseFacts, CountKey, NotifiedMarket, YearFacts
from shared.aggregates import Aggregate, ClauseStatus, DistinctCount, HoursCell
from shared.codes import MarketCategory
from shared.events import MarketNotified
from shared.hundredths import from_hundredths, to_hundredths

_HoursSlot = tuple[str, MarketCategory, bool]
"""Month, market category and whether the market is reserved."""


def _flag(values: list[bool | None]) -> bool | None:
    """True when any holder has the flag, False when every holder lacks it, else unknown."""
    if any(values):
        return True
    return False if values and all(v is False for v in values) else None


def notified_market(event: MarketNotified) -> NotifiedMarket:
    """The facts the indicators need of a notified market."""
    return NotifiedMarket(
        market_id=event.market_id,
        year=event.notification_date.year,
        amount_ht=event.amount_ht,
        category=event.category,
        social=frozenset(event.social_considerations),
        environmental=bool(event.environmental_considerations),
        in_territory=_flag([holder.in_territory for holder in event.holders]),
        is_sme=_flag([holder.is_sme for holder in event.holders]),
    )


@dataclass(frozen=True, slots=True)
class StateView:
    """The state as of one revision; never changed once built, so any thread may read it."""

    revision: int
    latest_applied_at: datetime | None
    hours: Mapping[_HoursSlot, tuple[int, int]]
    """Per month, category and reserved flag: insertion and training hundredths."""
    counts: Mapping[str, tuple[int, CountKey, int]]
    clauses: Mapping[str, ClauseFacts]
    markets: Mapping[str, tuple[int, NotifiedMarket]]

    def years(self) -> list[int]:
        """Every year some figure is known for, in order."""
        years = {int(period[:4]) for period, _, _ in self.hours}
        years.update(year for year, _, _ in self.counts.values())
        years.update(int(c.as_of_period[:4]) for c in self.clauses.values())
        years.update(facts.year for _, facts in self.markets.values())
        return sorted(years)

    def facts(self, year: int) -> YearFacts:
        """The figures of one year, as an immutable value for the formulas."""
        prefix = f"{year:04d}-"
        insertion: defaultdict[MarketCategory, int] = defaultdict(int)
        training: defaultdict[MarketCategory, int] = defaultdict(int)
        monthly: defaultdict[str, int] = defaultdict(int)
        reserved = 0
        for (period, category, is_reserved), (hours, train) in self.hours.items():
            if period.startswith(prefix):
                insertion[category] += hours
                training[category] += train
                monthly[period] += hours
                reserved += hours if is_reserved else 0
        return YearFacts(
            year=year,
            insertion_hours={c: from_hundredths(n) for c, n in insertion.items()},
            training_hours={c: from_hundredths(n) for c, n in training.items()},
            reserved_insertion_hours=from_hundredths(reserved),
            monthly_insertion_hours={p: from_hundredths(n) for p, n in sorted(monthly.items())},
            counts={ck: n for y, ck, n in self.counts.values() if y == year},
            markets=tuple(
                sorted(
                    (f for _, f in self.markets.values() if f.year == year),
                    key=lambda market: market.market_id,
                )
            ),
            clauses=tuple(
                sorted(
                    (c for c in self.clauses.values() if c.as_of_period.startswith(prefix)),
                    key=lambda clause: clause.market_id,
                )
            ),
        )


EMPTY_VIEW = StateView(0, None, {}, {}, {}, {})


class IndicatorState:
    """Per-year sums of every aggregate and market seen; `revision` grows on each change.

    Only one thread folds into it (the consumer's); readers use `view()`'s result.
    """

    def __init__(self) -> None:
        self._cells: dict[str, tuple[_HoursSlot, int, int]] = {}
        # per slot: insertion and training hundredths, and how many cells add to them
        self._hours: defaultdict[_HoursSlot, list[int]] = defaultdict(lambda: [0, 0, 0])
        self._counts: dict[str, tuple[int, CountKey, int]] = {}
        self._clauses: dict[str, ClauseFacts] = {}
        self._markets: dict[str, tuple[int, NotifiedMarket]] = {}
        self.latest_applied_at: datetime | None = None
        self.revision = 0
        self._view = EMPTY_VIEW
        # which tables changed since the last view (each is copied at most once per view)
        self._hours_changed = self._counts_changed = False
        self._clauses_changed = self._markets_changed = False

    def view(self) -> StateView:
        """An immutable copy of the sums as of now (the previous one when nothing changed)."""
        view = self._view
        if view.revision == self.revision and view.latest_applied_at == self.latest_applied_at:
            return view
        view = StateView(
            revision=self.revision,
            latest_applied_at=self.latest_applied_at,
            hours=(
                {slot: (sums[0], sums[1]) for slot, sums in self._hours.items()}
                if self._hours_changed
                else view.hours
            ),
            counts=self._counts.copy() if self._counts_changed else view.counts,
            clauses=self._clauses.copy() if self._clauses_changed else view.clauses,
            markets=self._markets.copy() if self._markets_changed else view.markets,
        )
        self._hours_changed = self._counts_changed = False
        self._clauses_changed = self._markets_changed = False
        self._view = view
        return view

    def apply_aggregate(self, key: str, aggregate: Aggregate | None) -> None:
        """Upsert the aggregate under its key; None (a tombstone) removes the key."""
        self._remove(key)
        match aggregate:
            case HoursCell():
                self._hours_changed = True
                slot = (sys.intern(aggregate.period), aggregate.category, aggregate.reserved_market)
                insertion, training = (
                    to_hundredths(aggregate.insertion_hours),
                    to_hundredths(aggregate.training_hours),
                )
                self._cells[key] = (slot, insertion, training)
                sums = self._hours[slot]
                sums[0] += insertion
                sums[1] += training
                sums[2] += 1
            case DistinctCount():
                count_key = (aggregate.counted, aggregate.breakdown, aggregate.value)
                self._counts[key] = (aggregate.year, count_key, aggregate.count)
                self._counts_changed = True
            case ClauseStatus():
                self._clauses_changed = True
                self._clauses[key] = ClauseFacts(
                    aggregate.market_id, aggregate.as_of_period, aggregate.status
                )
        self.revision += 1

    def note_applied_at(self, applied_at: datetime) -> None:
        """Remember the most recent time the clauses service applied an event."""
        if self.latest_applied_at is None or applied_at > self.latest_applied_at:
            self.latest_applied_at = applied_at

    def apply_market(self, event: MarketNotified) -> bool:
        """Keep the market's highest version; a lower or equal version changes nothing."""
        current = self._markets.get(event.market_id)
        if current is not None and current[0] >= event.version:
            return False
        self._markets[event.market_id] = (event.version, notified_market(event))
        self._markets_changed = True
        self.revision += 1
        return True

    def _remove(self, key: str) -> None:
        if (cell := self._cells.pop(key, None)) is not None:
            slot, insertion, training = cell
            sums = self._hours[slot]
            sums[0] -= insertion
            sums[1] -= training
            sums[2] -= 1
            if sums[2] == 0:
                del self._hours[slot]
            self._hours_changed = True
            return
        if self._counts.pop(key, None) is not None:
            self._counts_changed = True
        elif self._clauses.pop(key, None) is not None:
            self._clauses_changed = True

    def years(self) -> list[int]:
        """Every year some figure is known for, in order (of the current view)."""
        return self.view().years()

    def facts(self, year: int) -> YearFacts:
        """The figures of one year (of the current view)."""
        return self.view().facts(year)
