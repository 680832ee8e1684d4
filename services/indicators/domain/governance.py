"""Governance formulas: completeness of the monthly reports and freshness of the data."""

from datetime import datetime
from decimal import Decimal

from services.indicators.domain.facts import YearFacts
from services.indicators.domain.measures import Measure, amount, ratio
from shared.aggregates import ClauseStatusCode

DATA_AGE = "governance.data_age_seconds"


def governance_measures(facts: YearFacts) -> list[Measure]:
    """Markets whose clause is tracked, those without a report for the last closed month."""
    statuses = [clause.status for clause in facts.clauses]
    tracked = len(statuses)
    missing = statuses.count(ClauseStatusCode.NO_REPORT)
    return [
        amount("governance.clauses_tracked", tracked),
        amount("governance.markets_without_report", missing),
        ratio("governance.report_completeness", tracked - missing, tracked),
        amount("governance.clauses_behind", statuses.count(ClauseStatusCode.BEHIND)),
    ]


def data_age(latest_applied_at: datetime | None, now: datetime) -> Measure:
    """Seconds since the clauses service applied the latest event reflected (None if none)."""
    if latest_applied_at is None:
        return Measure(DATA_AGE, None, None)
    age = Decimal(str(max((now - latest_applied_at).total_seconds(), 0.0)))
    return amount(DATA_AGE, age)
