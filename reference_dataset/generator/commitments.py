"""Each market with hours: its duration, insertion commitment, monthly invoices and amount.

Invoices follow the hours: a holder invoices when work is done. On a market with the example
clause (10 h per 10 000 EUR HT invoiced, at least 150 h a year) that is on track, every
month's invoice is worth less than 1 000 EUR per insertion hour realised; on a market behind
its clause, 1 300 to 2 000 EUR. The clause is checked as the clauses service does (hours
owed = max(10 x invoiced / 10 000, 150 x months elapsed since notification / 12)), as of
the market's last month with hours, which is also the end of its execution unless it still
runs in December 2023; so an on-track market is on track at its end, whatever the month.
"""

import random
from dataclasses import dataclass
from decimal import Decimal

from reference_dataset.generator.apportion import apportion
from reference_dataset.generator.drafts import DraftMarket
from reference_dataset.targets import Group
from shared.codes import MarketCategory, SocialConsideration
from shared.events import InsertionCommitment

LAST_PERIOD = (2023, 12)
BEHIND = 0.15  # share of clause markets behind their clause
EXAMPLE_RATE = Decimal(10)
FLOORS = (Decimal(150), Decimal(200))  # the example clause; 200 h when the holder offered it
TYPICAL_AMOUNT = {
    MarketCategory.WORKS: (200_000, 3_000_000),
    MarketCategory.SERVICES: (60_000, 900_000),
    MarketCategory.SUPPLIES: (50_000, 600_000),
    MarketCategory.INTELLECTUAL_SERVICES: (45_000, 400_000),
    MarketCategory.PUBLIC_SERVICE_DELEGATION: (20_000_000, 60_000_000),
}


@dataclass(frozen=True, slots=True)
class InvoiceDraft:
    """What one holder invoiced on one market for one month, in cents."""

    market: DraftMarket
    holder_siret: str
    period: tuple[int, int]
    cents: int


def month_index(period: tuple[int, int]) -> int:
    """Months since year 0, to subtract periods."""
    return period[0] * 12 + period[1] - 1


def _notified(market: DraftMarket) -> tuple[int, int]:
    return (market.notified.year, market.notified.month)


def typical_cents(rng: random.Random, category: MarketCategory) -> int:
    """A plausible amount for a market of this category, in cents."""
    low, high = TYPICAL_AMOUNT[category]
    return int(low * (high / low) ** rng.random()) * 100 + rng.randint(0, 99)


class Settler:
    """Settles the markets with hours once their hours are known."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self.invoices: list[InvoiceDraft] = []

    def settle(
        self, market: DraftMarket, realised: dict[tuple[int, int], int], last: tuple[int, int]
    ) -> None:
        """Duration, commitment, invoices and amount of a market; `realised` in quarter hours."""
        rng = self._rng
        elapsed = month_index(last) - month_index(_notified(market)) + 1
        market.duration_months = elapsed
        if last == LAST_PERIOD:
            longer = 84 if market.group is Group.DSP else elapsed + rng.randint(6, 30)
            market.duration_months = max(longer, elapsed + 6)
        before = len(self.invoices)
        if SocialConsideration.SOCIAL_CLAUSE in market.social:
            market.commitment, factor = self._commitment(market, sum(realised.values()), elapsed)
            if market.group is Group.DSP:
                self._dsp_invoices(market, last)
            else:
                for period, quarters in sorted(realised.items()):
                    cents = quarters * 25_000 * factor * rng.uniform(0.97, 1.0)
                    self._invoice(market, period, max(1, int(cents)))
        invoiced = sum(i.cents for i in self.invoices[before:])
        if invoiced:
            spread = invoiced * market.duration_months / elapsed * rng.uniform(1.02, 1.25)
            market.amount_cents = max(int(spread), 4_500_000 + rng.randint(0, 999_999))
        else:
            market.amount_cents = max(typical_cents(rng, market.category), 4_500_000)

    def _commitment(
        self, market: DraftMarket, quarters: int, elapsed: int
    ) -> tuple[InsertionCommitment, float]:
        rng = self._rng
        realised = Decimal(quarters) / 4
        if market.group is not Group.DSP and rng.random() < BEHIND:
            floor = FLOORS[0]
            return _example_clause(floor), rng.uniform(1.3, 2.0)
        floor = FLOORS[1] if rng.random() < 0.2 else FLOORS[0]
        if market.group is not Group.DSP and realised >= Decimal("1.15") * floor * elapsed / 12:
            return _example_clause(floor), rng.uniform(0.55, 0.9)
        per_month = realised / elapsed
        total = int(per_month * market.duration_months * Decimal(rng.uniform(0.75, 0.92)))
        return InsertionCommitment(fixed_total_hours=Decimal(max(total, 1))), rng.uniform(0.5, 1.5)

    def _dsp_invoices(self, market: DraftMarket, last: tuple[int, int]) -> None:
        """A concession's monthly compensation, from its notification to its last month."""
        first = month_index(_notified(market))
        for index in range(first, month_index(last) + 1):
            period = (index // 12, index % 12 + 1)
            self._invoice(market, period, self._rng.randint(25_000_000, 45_000_000))

    def _invoice(self, market: DraftMarket, period: tuple[int, int], cents: int) -> None:
        holders = market.holders
        if cents < len(holders):
            shares = [cents] + [0] * (len(holders) - 1)
        else:  # the lead holder of a group invoices the larger share
            weights = [2.0] + [1.0] * (len(holders) - 1)
            shares = apportion(cents, weights, floors=[1] * len(holders))
        for holder, share in zip(holders, shares, strict=True):
            if share > 0:
                self.invoices.append(InvoiceDraft(market, holder.siret, period, share))


def _example_clause(floor: Decimal) -> InsertionCommitment:
    """The example clause: 10 h per 10 000 EUR HT invoiced, at least `floor` hours a year."""
    return InsertionCommitment(hours_per_10k_eur_ht=EXAMPLE_RATE, min_hours_per_year=floor)


def period_text(period: tuple[int, int]) -> str:
    """A period as YYYY-MM."""
    return f"{period[0]:04d}-{period[1]:02d}"
