"""The other markets notified each year, so that the year's notice figures come out exact.

The markets with hours notified in a year are all above 40 000 EUR HT, carry a social
consideration and have their amounts already; the other markets complete them to the exact
counts above 40 000 and above 15 000 EUR HT, the count with a social consideration, the count
won by companies of the territory (every holder of a market has the same flag) and the value
split by category. Concessions (DSP) are not markets: none is among these counts, and none
is notified in 2023. In 2023 a market of exactly 40 000.00 and one of exactly 15 000.00 EUR
HT test the thresholds ("above" is strictly above), and one of 40 000.01 is just above.
"""

import random
from datetime import date, timedelta

from reference_dataset.generator.apportion import apportion
from reference_dataset.generator.catalog import title_and_cpv
from reference_dataset.generator.companies import Company, CompanyKind, Registry
from reference_dataset.generator.drafts import DraftMarket
from reference_dataset.generator.engage import GenerationError
from reference_dataset.generator.hours_markets import environmental
from reference_dataset.targets import NoticeTargets
from shared.codes import MarketCategory, SocialConsideration

ABOVE_40K = 4_000_001  # cents: the least amount strictly above 40 000 EUR
ABOVE_15K = 1_500_001
SPECIAL_YEAR = 2023
_SOCIAL = (
    ((SocialConsideration.SOCIAL_CRITERION,), 45),
    ((SocialConsideration.SOCIAL_CLAUSE,), 30),
    ((SocialConsideration.SOCIAL_CLAUSE, SocialConsideration.SOCIAL_CRITERION), 10),
    ((SocialConsideration.RESERVED_MARKET,), 15),
)


class Notices:
    """Creates the year's other markets and their holders."""

    def __init__(self, rng: random.Random, registry: Registry) -> None:
        self._rng = rng
        self._registry = registry
        self._pool: dict[tuple[str, bool], list[Company]] = {}

    def _holders(self, category: MarketCategory, in_territory: bool) -> list[Company]:
        rng = self._rng
        pool = self._pool.setdefault((category.value, in_territory), [])
        holders: list[Company] = []
        for _ in range(1 if rng.random() < 0.85 else 2):
            free = [c for c in pool[-300:] if c not in holders]
            if free and rng.random() < 0.55:
                holders.append(rng.choice(free))
                continue
            company = self._registry.new(
                CompanyKind.HOLDER,
                category.value,
                is_sme=rng.random() < 0.5,
                in_territory=in_territory,
            )
            pool.append(company)
            holders.append(company)
        return holders

    def _market(self, year: int, category: MarketCategory) -> DraftMarket:
        rng = self._rng
        return DraftMarket(
            category=category,
            notified=date(year, 1, 1) + timedelta(days=rng.randint(0, 364)),
            holders=[],
            social=(),
            environmental=environmental(rng, year),
            title="",
            cpv="",
            duration_months=rng.randint(3, 48),
        )

    def year(
        self, year: int, nt: NoticeTargets, with_hours: list[DraftMarket]
    ) -> list[DraftMarket]:
        """The year's other markets (amounts in cents, holders, considerations)."""
        counted = [m for m in with_hours if m.category in nt.above_40k]
        above: dict[MarketCategory, list[DraftMarket]] = {}
        between: dict[MarketCategory, list[DraftMarket]] = {}
        small: dict[MarketCategory, list[DraftMarket]] = {}
        for category, wanted in nt.above_40k.items():
            left = wanted - sum(m.category is category for m in counted)
            if left < 0:
                raise GenerationError(f"{year}: too many {category} markets with hours")
            above[category] = [self._market(year, category) for _ in range(left)]
            between[category] = [
                self._market(year, category) for _ in range(nt.from_15k_to_40k[category])
            ]
            small[category] = [self._market(year, category) for _ in range(nt.small[category])]
        tops = [m for ms in above.values() for m in ms]
        middles = [m for ms in between.values() for m in ms]
        lows = [m for ms in small.values() for m in ms]
        self._considerations(nt, counted, tops, middles + lows)
        self._territory(nt, counted, tops + middles, lows)
        for category in nt.above_40k:
            self._amounts(year, nt, category, counted, above, between, small)
        return tops + middles + lows

    def _considerations(
        self,
        nt: NoticeTargets,
        counted: list[DraftMarket],
        tops: list[DraftMarket],
        others: list[DraftMarket],
    ) -> None:
        rng = self._rng
        social = nt.social_above_40k - len(counted)
        if not 0 <= social <= len(tops):
            raise GenerationError(f"cannot reach {nt.social_above_40k} markets with a social one")
        kinds = [k for k, _ in _SOCIAL]
        weights = [w for _, w in _SOCIAL]
        for market in rng.sample(tops, social):
            market.social = rng.choices(kinds, weights)[0]
        for market in others:
            if rng.random() < 0.04:
                market.social = rng.choices(kinds, weights)[0]

    def _territory(
        self,
        nt: NoticeTargets,
        counted: list[DraftMarket],
        above_15k: list[DraftMarket],
        lows: list[DraftMarket],
    ) -> None:
        rng = self._rng
        local = nt.in_territory_above_15k - sum(m.holders[0].in_territory for m in counted)
        if not 0 <= local <= len(above_15k):
            raise GenerationError(f"cannot reach {nt.in_territory_above_15k} local markets")
        chosen = set(map(id, rng.sample(above_15k, local)))
        flags = [id(m) in chosen for m in above_15k] + [rng.random() < 0.7 for _ in lows]
        for market, in_territory in zip(above_15k + lows, flags, strict=True):
            market.holders = self._holders(market.category, in_territory)
            reserved = SocialConsideration.RESERVED_MARKET in market.social
            market.title, market.cpv = title_and_cpv(rng, market.category, reserved=reserved)

    def _amounts(
        self,
        year: int,
        nt: NoticeTargets,
        category: MarketCategory,
        counted: list[DraftMarket],
        above: dict[MarketCategory, list[DraftMarket]],
        between: dict[MarketCategory, list[DraftMarket]],
        small: dict[MarketCategory, list[DraftMarket]],
    ) -> None:
        rng = self._rng
        special = year == SPECIAL_YEAR and category is MarketCategory.SERVICES
        for market in between[category]:
            market.amount_cents = rng.randint(ABOVE_15K, 4_000_000)
        if special:
            between[category][0].amount_cents = 4_000_000
        total = nt.value_above_15k_cents * nt.shares[category] // 10_000
        fixed = sum(m.amount_cents for m in counted if m.category is category)
        fixed += sum(m.amount_cents for m in between[category])
        tops = above[category]
        extra = total - fixed - ABOVE_40K * len(tops)
        if extra < 0:
            raise GenerationError(f"{year}: the {category} markets cannot share their value")
        weights = [rng.lognormvariate(0, 1.2) for _ in tops]
        if year == SPECIAL_YEAR and category is MarketCategory.WORKS:
            weights[0] = 0.0  # exactly 40 000.01
        for market, cents in zip(tops, apportion(extra, weights), strict=True):
            market.amount_cents = ABOVE_40K + cents
        lows = small[category]
        floors = [100_000] * len(lows)
        caps = [1_500_000] * len(lows)
        if special:
            floors[0] = 1_500_000  # exactly 15 000.00
        low_total = nt.small_value_cents * nt.shares[category] // 10_000
        shares = apportion(low_total, [rng.random() + 0.2 for _ in lows], floors=floors, caps=caps)
        for market, cents in zip(lows, shares, strict=True):
            market.amount_cents = cents
