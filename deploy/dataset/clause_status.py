"""Where each clause stands as of a month, computed as the clauses service documents it.

Hours owed at the end of month A for a market notified in month N for D months, E the
months of execution elapsed by A (N counts as the first): max(h10k x invoiced up to A /
10 000, floor x E / 12) for the proportional form, total x E / D for the fixed form, rounded
to the hundredth. `no_report` when the market is in execution in A (N <= A < N + D) and no
employer reported month A; otherwise on track when the insertion hours realised up to A
reach the hours owed (training hours do not pay off a clause).
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from deploy.dataset.model import Dataset

ZERO = Decimal(0)


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
