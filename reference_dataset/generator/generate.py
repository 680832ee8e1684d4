"""seed -> Dataset: a region's insertion-clause activity from 2020 to 2023 (pure, deterministic).

Everything is drawn from one `random.Random(seed)`. Each year's aggregates are exact by
construction (see `targets`); `reference_dataset.oracle` recounts them independently.
"""

import calendar
import random
from collections import defaultdict
from datetime import date
from decimal import Decimal

from reference_dataset.generator.commitments import InvoiceDraft, Settler, month_index, period_text
from reference_dataset.generator.companies import Registry
from reference_dataset.generator.drafts import DraftContract, DraftMarket
from reference_dataset.generator.hours_markets import HoursMarkets
from reference_dataset.generator.notices import Notices
from reference_dataset.generator.workforce import Workforce
from reference_dataset.records import (
    Dataset,
    HoursLine,
    Invoice,
    Market,
    MonthlyHours,
    Record,
    WorkContract,
    assemble,
)
from reference_dataset.targets import NOTICES, SOCIAL, YEARS
from shared.codes import ContractType
from shared.events import Holder

BUYER_SIRET = "23440003400026"
BUYER_NAME = "Région des Pays de la Loire"
CENT = Decimal("0.01")
LineKey = tuple[DraftContract, int, int]  # contract, year, month


def generate(seed: int) -> Dataset:
    """The dataset of this seed: the same seed always gives the same dataset."""
    rng = random.Random(seed)
    registry = Registry(rng)
    plan = HoursMarkets(rng, registry).plan()
    workforce = Workforce(rng, registry)
    contracts: dict[int, DraftContract] = {}
    lines: dict[LineKey, tuple[int, int]] = {}
    previous: list[DraftContract] = []
    for year in YEARS:
        current, quarters = workforce.year(SOCIAL[year], plan[year], previous)
        contracts.update((id(c), c) for c in current)
        lines.update(((c, year, month), value) for (c, month), value in quarters.items())
        previous = current
    with_hours = list({id(m): m for year in YEARS for m in plan[year]}.values())
    settler = Settler(rng)
    _settle(settler, with_hours, lines)
    notices = Notices(rng, registry)
    others = [
        market
        for year in YEARS
        for market in notices.year(
            year, NOTICES[year], [m for m in with_hours if m.first_year == year]
        )
    ]
    markets = with_hours + others
    _number(markets)
    records: list[Record] = [_market(m) for m in markets]
    records.extend(_contract(rng, c) for c in contracts.values())
    records.extend(_invoices(settler.invoices))
    records.extend(_reports(lines))
    return assemble(seed, records)


def _settle(
    settler: Settler, markets: list[DraftMarket], lines: dict[LineKey, tuple[int, int]]
) -> None:
    realised: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
    last: dict[int, tuple[int, int]] = {}
    for (contract, year, month), (insertion, _) in lines.items():
        key = id(contract.market)
        last[key] = max(last.get(key, (year, month)), (year, month))
        if insertion:
            months = realised[key]
            months[(year, month)] = months.get((year, month), 0) + insertion
    for market in markets:
        settler.settle(market, realised[id(market)], last[id(market)])


def _number(markets: list[DraftMarket]) -> None:
    """Ids like 2023-0042, in order of notification within each year."""
    by_year: dict[int, list[DraftMarket]] = defaultdict(list)
    for market in markets:
        by_year[market.notified.year].append(market)
    for year, group in by_year.items():
        for number, market in enumerate(sorted(group, key=lambda m: m.notified), start=1):
            market.market_id = f"{year}-{number:04d}"


def _market(draft: DraftMarket) -> Market:
    return Market(
        market_id=draft.market_id,
        buyer_siret=BUYER_SIRET,
        buyer_name=BUYER_NAME,
        title=draft.title,
        category=draft.category,
        cpv_code=draft.cpv,
        amount_ht=Decimal(draft.amount_cents) * CENT,
        notification_date=draft.notified,
        duration_months=draft.duration_months,
        holders=tuple(
            Holder(siret=c.siret, name=c.name, is_sme=c.is_sme, in_territory=c.in_territory)
            for c in draft.holders
        ),
        social_considerations=draft.social,
        environmental_considerations=draft.environmental,
        insertion_commitment=draft.commitment,
    )


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _contract(rng: random.Random, draft: DraftContract) -> WorkContract:
    periods = sorted((y, m) for y, months in draft.months.items() for m in months)
    (first_year, first_month), last = periods[0], periods[-1]
    end: date | None = None
    if draft.contract_type is not ContractType.CDI:
        if last == (YEARS[-1], 12) and draft.planned_months > len(periods):
            index = month_index(last) + draft.planned_months - len(periods)
            year, month = index // 12, index % 12 + 1
            end = date(year, month, _last_day(year, month))
        else:
            end = date(last[0], last[1], rng.randint(21, _last_day(*last)))
    assert draft.person is not None
    assert draft.public is not None
    return WorkContract(
        contract_id=draft.contract_id,
        beneficiary_id=draft.person.raw_id,
        gender=draft.person.gender,
        contract_type=draft.contract_type,
        eligible_public=draft.public,
        modality=draft.modality,
        employer_siret=draft.employer.siret,
        market_id=draft.market.market_id,
        start_date=date(first_year, first_month, draft.start_day),
        end_date=end,
    )


def _invoices(drafts: list[InvoiceDraft]) -> list[Invoice]:
    return [
        Invoice(d.market.market_id, d.holder_siret, period_text(d.period), Decimal(d.cents) * CENT)
        for d in drafts
    ]


def _reports(lines: dict[LineKey, tuple[int, int]]) -> list[MonthlyHours]:
    grouped: dict[tuple[str, str, str], list[HoursLine]] = defaultdict(list)
    for (contract, year, month), (insertion, training) in lines.items():
        assert contract.person is not None
        key = (contract.market.market_id, contract.employer.siret, period_text((year, month)))
        grouped[key].append(
            HoursLine(
                beneficiary_id=contract.person.raw_id,
                contract_id=contract.contract_id,
                insertion_hours=(Decimal(insertion) / 4).quantize(CENT),
                training_hours=(Decimal(training) / 4).quantize(CENT),
            )
        )
    return [
        MonthlyHours(market, employer, period, tuple(sorted(ls, key=lambda x: x.contract_id)))
        for (market, employer, period), ls in grouped.items()
    ]
