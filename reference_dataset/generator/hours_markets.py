"""Which markets have hours in which year: most go on from one year to the next, some are new.

A market with hours is notified in the first year it has hours (every market of the dataset
is notified from 2020 on) and has hours in a run of consecutive years. Concessions (DSP) are
notified in 2020 and 2021 only, for seven years, so none is notified in 2023.
"""

import random
from datetime import date

from reference_dataset.generator.catalog import title_and_cpv
from reference_dataset.generator.companies import Company, CompanyKind, Registry
from reference_dataset.generator.drafts import DraftMarket
from reference_dataset.targets import SOCIAL, YEARS, Group
from shared.codes import EnvironmentalConsideration, MarketCategory, SocialConsideration

GOES_ON = 0.75  # share of a year's markets with hours that still have hours the next year
_GROUPED = (Group.WORKS, Group.SERVICES_SUPPLIES, Group.INTELLECTUAL)  # may have co-holders
ENVIRONMENTAL_RATE = {2020: 0.15, 2021: 0.19, 2022: 0.23, 2023: 0.27}
_CATEGORY = {
    Group.WORKS: MarketCategory.WORKS,
    Group.DSP: MarketCategory.PUBLIC_SERVICE_DELEGATION,
    Group.RESERVED: MarketCategory.SERVICES,
    Group.INTELLECTUAL: MarketCategory.INTELLECTUAL_SERVICES,
}


def environmental(rng: random.Random, year: int) -> tuple[EnvironmentalConsideration, ...]:
    """Environmental considerations of a market notified in `year`."""
    if rng.random() >= ENVIRONMENTAL_RATE[year]:
        return ()
    return rng.choice(
        (
            (EnvironmentalConsideration.ENVIRONMENTAL_CLAUSE,),
            (EnvironmentalConsideration.ENVIRONMENTAL_CRITERION,),
            (
                EnvironmentalConsideration.ENVIRONMENTAL_CLAUSE,
                EnvironmentalConsideration.ENVIRONMENTAL_CRITERION,
            ),
        )
    )


class HoursMarkets:
    """Plans the markets with hours, year after year, with their holders."""

    def __init__(self, rng: random.Random, registry: Registry) -> None:
        self._rng = rng
        self._registry = registry
        self._holders: dict[tuple[str, bool], list[Company]] = {}

    def _holder(
        self, group: Group, sector: str, in_territory: bool, taken: list[Company]
    ) -> Company:
        rng = self._rng
        if group is Group.RESERVED:
            kind, is_sme = CompanyKind.SIAE_HOLDER, False  # associations (ESAT) and EA
        else:
            kind, is_sme = CompanyKind.HOLDER, group is not Group.DSP and rng.random() < 0.3
        known = [c for c in self._holders.get((sector, in_territory), []) if c not in taken]
        if known and kind is CompanyKind.HOLDER and rng.random() < 0.25:
            return rng.choice(known)
        company = self._registry.new(kind, sector, is_sme=is_sme, in_territory=in_territory)
        self._holders.setdefault((sector, in_territory), []).append(company)
        return company

    def new_market(self, group: Group, year: int) -> DraftMarket:
        """A market notified in `year` whose hours start the month after its notification."""
        rng = self._rng
        category = _CATEGORY.get(group) or rng.choice(
            (MarketCategory.SERVICES,) * 3 + (MarketCategory.SUPPLIES,)
        )
        last_month = {Group.DSP: 3 if year == YEARS[0] else 6}.get(group, 9)
        notified = date(year, rng.randint(1, last_month), rng.randint(1, 28))
        count = 1
        if group is Group.WORKS:
            count = rng.choice((1,) * 7 + (2,) * 2 + (3,))
        elif group in (Group.SERVICES_SUPPLIES, Group.INTELLECTUAL):
            count = rng.choice((1,) * 7 + (2,))
        in_territory = group is Group.RESERVED or rng.random() < 0.75
        holders: list[Company] = []
        for _ in range(count):
            holders.append(self._holder(group, category.value, in_territory, holders))
        if group is Group.RESERVED:
            social: tuple[SocialConsideration, ...] = (SocialConsideration.RESERVED_MARKET,)
        else:
            social = rng.choice(
                ((SocialConsideration.SOCIAL_CLAUSE,),) * 16
                + ((SocialConsideration.SOCIAL_CLAUSE, SocialConsideration.SOCIAL_CRITERION),) * 3
                + ((SocialConsideration.SOCIAL_CRITERION,),)
            )
        title, cpv = title_and_cpv(rng, category, reserved=group is Group.RESERVED)
        return DraftMarket(
            category=category,
            notified=notified,
            holders=holders,
            social=social,
            environmental=environmental(rng, year),
            title=title,
            cpv=cpv,
            group=group,
            first_year=year,
            last_year=year,
            start_month=notified.month + 1,
        )

    def plan(self) -> dict[int, list[DraftMarket]]:
        """The markets with hours of each year: exactly the counts of `targets.SOCIAL`."""
        by_year: dict[int, list[DraftMarket]] = {}
        previous: list[DraftMarket] = []
        for year in YEARS:
            current: list[DraftMarket] = []
            for group in Group:
                wanted = SOCIAL[year].markets[group]
                pool = [m for m in previous if m.group is group]
                keep = len(pool) if group is Group.DSP else min(wanted, round(GOES_ON * len(pool)))
                going_on = self._rng.sample(pool, keep)
                for market in going_on:
                    market.last_year = year
                fresh = [self.new_market(group, year) for _ in range(wanted - keep)]
                current.extend(going_on + fresh)
            self._enough_smes(current, wanted_smes=SOCIAL[year].smes)
            by_year[year] = current
            previous = current
        return by_year

    def _enough_smes(self, markets: list[DraftMarket], *, wanted_smes: int) -> None:
        """Give SME co-holders to new markets until the year can count its SMEs with room."""
        fresh = [m for m in markets if m.group in _GROUPED and len(m.holders) < 3]
        while len({h.siret for m in markets for h in m.holders if h.is_sme}) < wanted_smes + 5:
            market = self._rng.choice(fresh)
            flag = bool(market.holders[0].in_territory)
            company = self._registry.new(
                CompanyKind.HOLDER, market.category.value, is_sme=True, in_territory=flag
            )
            market.holders.append(company)
            if len(market.holders) == 3:
                fresh.remove(market)
