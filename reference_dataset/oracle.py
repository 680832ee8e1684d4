"""The reference figures of a Dataset, by plain counting (an oracle independent of `generator`).

Counting rules (the clauses service uses the same), for a calendar year Y:
- hours are those of the reports of a month of Y; insertion and training hours apart;
- a work contract counts when it has insertion or training hours in a month of Y; a
  beneficiary counts when one of their contracts counts (people are not contracts);
- an employer counts when it has hours in Y, and is an SME when it is a holder flagged
  is_sme=True of one of the markets it has hours on in Y;
- a market counts "with hours" when it has insertion hours > 0 in Y;
- hours by category use the market's category: `public_service_delegation` is transport
  (DSP), services and supplies are one line; reserved-market hours are the hours on markets
  whose social considerations include `reserved_market`;
- markets notified in Y above 40 000 (15 000) EUR HT: notification date in Y and amount_ht
  strictly above; "with a social consideration" = at least one; "of the territory" = a
  holder flagged in_territory=True; the value split is over the markets above 15 000 EUR.
- a clause's status as of December of Y follows the clauses service: hours owed =
  max(h10k x invoiced / 10 000, floor x E / 12) or total x E / D (E months of execution
  elapsed since the notification month, D the duration); `no_report` when the market is
  in execution in December and nobody reported that month; else on track when the
  insertion hours realised to date reach the hours owed.

Where each clause stands as of a month (`clause_statuses`), as the clauses service documents
it: hours owed at the end of month A for a market notified in month N for D months, E the
months of execution elapsed by A (N counts as the first): max(h10k x invoiced up to A /
10 000, floor x E / 12) for the proportional form, total x E / D for the fixed form, rounded
to the hundredth. `no_report` when the market is in execution in A (N <= A < N + D) and no
employer reported month A; otherwise on track when the insertion hours realised up to A
reach the hours owed (training hours do not pay off a clause).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from reference_dataset.records import Dataset, Market, WorkContract
from shared.codes import ALTERNANCE, ContractType, MarketCategory, SocialConsideration

CATEGORY_LINES = {
    MarketCategory.WORKS: "works",
    MarketCategory.PUBLIC_SERVICE_DELEGATION: "public_service_delegation",
    MarketCategory.SERVICES: "services_and_supplies",
    MarketCategory.SUPPLIES: "services_and_supplies",
    MarketCategory.INTELLECTUAL_SERVICES: "intellectual_services",
}
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class YearFigures:
    """Every figure of one year."""

    year: int
    insertion_hours: Decimal
    training_hours: Decimal
    reserved_market_hours: Decimal
    hours_by_category: dict[str, Decimal]
    training_by_category: dict[str, Decimal]
    beneficiaries: int
    beneficiaries_by_gender: dict[str, int]
    contracts: int
    contracts_by_type: dict[str, int]
    markets_with_hours: int
    employers: int
    sme_employers: int
    notified_above_40k: int
    notified_above_40k_social: int
    notified_above_40k_environmental: int
    notified_above_15k: int
    notified_above_15k_in_territory: int
    value_above_15k: dict[str, Decimal]
    clauses: dict[str, int]

    @property
    def cdi(self) -> int:
        """CDI contracts (cdi_inclusion apart)."""
        return self.contracts_by_type.get(ContractType.CDI.value, 0)

    @property
    def cdd(self) -> int:
        """CDD contracts."""
        return self.contracts_by_type.get(ContractType.CDD.value, 0)

    @property
    def alternance(self) -> int:
        """Apprenticeship and professionalisation contracts."""
        return sum(self.contracts_by_type.get(t.value, 0) for t in ALTERNANCE)


def percent(part: Decimal | int, whole: Decimal | int, places: int = 0) -> Decimal:
    """part / whole in percent, rounded half up to `places` decimals (0 when whole is 0)."""
    if not whole:
        return Decimal(0)
    exact = Decimal(part) * 100 / Decimal(whole)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(slots=True)
class _HoursTally:
    insertion: Decimal = ZERO
    training: Decimal = ZERO
    reserved: Decimal = ZERO
    by_category: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    training_by: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    contracts: set[str] = field(default_factory=set)
    employer_markets: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    with_insertion: set[str] = field(default_factory=set)


def _hours(dataset: Dataset, year: int, markets: dict[str, Market]) -> _HoursTally:
    prefix = f"{year:04d}-"
    tally = _HoursTally()
    for report in dataset.hours:
        if not report.period.startswith(prefix):
            continue
        market = markets[report.market_id]
        line_name = CATEGORY_LINES[market.category]
        reserved = SocialConsideration.RESERVED_MARKET in market.social_considerations
        for line in report.lines:
            tally.insertion += line.insertion_hours
            tally.training += line.training_hours
            tally.by_category[line_name] += line.insertion_hours
            tally.training_by[line_name] += line.training_hours
            if reserved:
                tally.reserved += line.insertion_hours
            if line.insertion_hours + line.training_hours > 0:
                tally.contracts.add(line.contract_id)
                tally.employer_markets[report.employer_siret].add(report.market_id)
            if line.insertion_hours > 0:
                tally.with_insertion.add(report.market_id)
    return tally


def _is_sme(siret: str, market_ids: set[str], markets: dict[str, Market]) -> bool:
    return any(
        holder.siret == siret and holder.is_sme is True
        for market_id in market_ids
        for holder in markets[market_id].holders
    )


def _people(
    contract_ids: set[str], contracts: dict[str, WorkContract]
) -> tuple[dict[str, int], dict[str, int], int]:
    by_type: dict[str, int] = defaultdict(int)
    gender_of: dict[str, str] = {}
    for contract_id in contract_ids:
        contract = contracts[contract_id]
        by_type[contract.contract_type.value] += 1
        gender_of[contract.beneficiary_id] = contract.gender.value
    by_gender: dict[str, int] = defaultdict(int)
    for gender in gender_of.values():
        by_gender[gender] += 1
    return dict(sorted(by_type.items())), dict(sorted(by_gender.items())), len(gender_of)


@dataclass(frozen=True, slots=True)
class _NoticeTally:
    above_40k: int
    social: int
    environmental: int
    above_15k: int
    in_territory: int
    value: dict[str, Decimal]


def _notices(dataset: Dataset, year: int) -> _NoticeTally:
    notified = [m for m in dataset.markets if m.notification_date.year == year]
    above_40k = [m for m in notified if m.amount_ht > 40_000]
    above_15k = [m for m in notified if m.amount_ht > 15_000]
    value: dict[str, Decimal] = defaultdict(Decimal)
    for market in above_15k:
        value[market.category.value] += market.amount_ht
    return _NoticeTally(
        above_40k=len(above_40k),
        social=sum(1 for m in above_40k if m.social_considerations),
        environmental=sum(1 for m in above_40k if m.environmental_considerations),
        above_15k=len(above_15k),
        in_territory=sum(1 for m in above_15k if any(h.in_territory is True for h in m.holders)),
        value=dict(sorted(value.items())),
    )


def year_figures(dataset: Dataset, year: int) -> YearFigures:
    """The figures of one year."""
    markets = {m.market_id: m for m in dataset.markets}
    contracts = {c.contract_id: c for c in dataset.contracts}
    hours = _hours(dataset, year, markets)
    by_type, by_gender, people = _people(hours.contracts, contracts)
    notices = _notices(dataset, year)
    return YearFigures(
        year=year,
        insertion_hours=hours.insertion,
        training_hours=hours.training,
        reserved_market_hours=hours.reserved,
        hours_by_category=dict(sorted(hours.by_category.items())),
        training_by_category=dict(sorted(hours.training_by.items())),
        beneficiaries=people,
        beneficiaries_by_gender=by_gender,
        contracts=len(hours.contracts),
        contracts_by_type=by_type,
        markets_with_hours=len(hours.with_insertion),
        employers=len(hours.employer_markets),
        sme_employers=sum(
            _is_sme(siret, ids, markets) for siret, ids in hours.employer_markets.items()
        ),
        notified_above_40k=notices.above_40k,
        notified_above_40k_social=notices.social,
        notified_above_40k_environmental=notices.environmental,
        notified_above_15k=notices.above_15k,
        notified_above_15k_in_territory=notices.in_territory,
        value_above_15k=notices.value,
        clauses=clause_statuses(dataset, f"{year:04d}-12"),
    )


def all_figures(dataset: Dataset) -> dict[int, YearFigures]:
    """The figures of every year that has hours or notified markets."""
    years = {int(r.period[:4]) for r in dataset.hours} | {
        m.notification_date.year for m in dataset.markets
    }
    return {year: year_figures(dataset, year) for year in sorted(years)}


def _month_index(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def clause_statuses(dataset: Dataset, as_of: str) -> dict[str, int]:
    """How many markets with a commitment are on track, behind or without report as of a month."""
    at = _month_index(as_of)
    realised: dict[str, Decimal] = defaultdict(Decimal)
    reported: set[str] = set()
    for report in dataset.hours:
        if _month_index(report.period) <= at:
            realised[report.market_id] += sum((line.insertion_hours for line in report.lines), ZERO)
        if report.period == as_of:
            reported.add(report.market_id)
    invoiced: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in dataset.invoices:
        if _month_index(invoice.period) <= at:
            invoiced[invoice.market_id] += invoice.amount_ht
    statuses = {"on_track": 0, "behind": 0, "no_report": 0}
    for market in dataset.markets:
        commitment = market.insertion_commitment
        notified = market.notification_date.year * 12 + market.notification_date.month - 1
        if commitment is None or notified > at:
            continue
        elapsed = min(market.duration_months, at - notified + 1)
        if at < notified + market.duration_months and market.market_id not in reported:
            statuses["no_report"] += 1
            continue
        if commitment.fixed_total_hours is not None:
            owed = commitment.fixed_total_hours * elapsed / market.duration_months
        else:
            rate = commitment.hours_per_10k_eur_ht or ZERO
            floor = commitment.min_hours_per_year or ZERO
            owed = max(rate * invoiced[market.market_id] / 10_000, floor * elapsed / 12)
        owed = owed.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        statuses["on_track" if realised[market.market_id] >= owed else "behind"] += 1
    return statuses
