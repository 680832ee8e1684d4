"""Clause arithmetic: hours owed to date against hours realised, as of the last closed month.

Hours owed at the end of month A (the last closed month), for a market notified in month N
for D months, with E = the months of execution elapsed by A (N counts as the first month,
0 before N, at most D):

- proportional form: max(h10k x invoiced / 10 000, floor x E / 12), where invoiced is the
  amount HT invoiced by every holder for the months up to A, h10k the hours per
  10 000 EUR HT and floor the yearly minimum (either term is 0 when not committed);
- fixed form: total x E / D (the total spread evenly over the duration).

Hours realised are the insertion hours reported on the market for the months up to A.
Training hours are reported apart (they are an indicator of their own, 4.5 % of the
insertion hours in the 2023 assessment) and do not pay off the clause; hours worked under
the `training` modality are insertion hours and do.

Status: `no_report` when, during the execution (N <= A < N + D), no employer reported
month A on the market (a report with no line is a report); otherwise `on_track` when the
hours realised reach the hours owed, `behind` when they do not.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from services.clauses.domain.facts import MarketFacts
from shared.aggregates import ClauseStatus, ClauseStatusCode
from shared.events import InsertionCommitment

_HUNDREDTH = Decimal("0.01")
_TEN_THOUSAND = Decimal(10_000)


def month_index(period: str) -> int:
    """Months since year 0 of a YYYY-MM period, to subtract periods."""
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def last_closed_month(today: date) -> str:
    """The month before today's month: the last one whose hours can be complete."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def months_elapsed(notified: str, as_of: str, duration_months: int) -> int:
    """Months of execution from the notification month to as_of, both included."""
    return max(0, min(duration_months, month_index(as_of) - month_index(notified) + 1))


def hours_owed(
    commitment: InsertionCommitment, *, invoiced: Decimal, elapsed: int, duration_months: int
) -> Decimal:
    """Hours owed after `elapsed` months of execution, rounded to the hundredth."""
    if commitment.fixed_total_hours is not None:
        owed = commitment.fixed_total_hours * elapsed / duration_months
    else:
        per_invoice = (commitment.hours_per_10k_eur_ht or 0) * invoiced / _TEN_THOUSAND
        floor = (commitment.min_hours_per_year or 0) * Decimal(elapsed) / 12
        owed = max(per_invoice, floor)
    return Decimal(owed).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def clause_status(
    market_id: str,
    market: MarketFacts,
    *,
    as_of: str,
    invoiced: Decimal,
    realised: Decimal,
    reported: bool,
) -> ClauseStatus | None:
    """Where the market's clause stands as of a closed month; None without a commitment."""
    if market.commitment is None:
        return None
    elapsed = months_elapsed(market.notified, as_of, market.duration_months)
    owed = hours_owed(
        market.commitment,
        invoiced=invoiced,
        elapsed=elapsed,
        duration_months=market.duration_months,
    )
    executing = 0 <= month_index(as_of) - month_index(market.notified) < market.duration_months
    if executing and not reported:
        status = ClauseStatusCode.NO_REPORT
    elif realised >= owed:
        status = ClauseStatusCode.ON_TRACK
    else:
        status = ClauseStatusCode.BEHIND
    return ClauseStatus(
        market_id=market_id,
        as_of_period=as_of,
        hours_owed=owed,
        hours_realised=realised,
        status=status,
    )
