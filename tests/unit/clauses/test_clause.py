"""Hours owed to date against hours realised, and the clause's status."""

from datetime import date
from decimal import Decimal

import pytest

from harness.builders import a_contract, a_market, an_hours_report, an_invoice
from services.clauses.domain import fold, last_closed_month
from services.clauses.domain.clause import hours_owed, months_elapsed
from shared.aggregates import ClauseStatus, ClauseStatusCode
from shared.events import Event, InsertionCommitment


def status(events: list[Event], as_of: str) -> ClauseStatus:
    return fold(events, as_of=as_of).statuses["2023-0042"]


def test_the_last_closed_month_is_the_month_before_today() -> None:
    assert last_closed_month(date(2024, 1, 10)) == "2023-12"
    assert last_closed_month(date(2023, 7, 31)) == "2023-06"


@pytest.mark.parametrize(
    ("as_of", "elapsed"),
    [("2023-02", 0), ("2023-03", 1), ("2023-06", 4), ("2025-02", 24), ("2027-01", 24)],
)
def test_months_elapsed_count_the_notification_month_and_stop_at_the_duration(
    as_of: str, elapsed: int
) -> None:
    assert months_elapsed("2023-03", as_of, 24) == elapsed


def test_ten_hours_per_ten_thousand_euros_invoiced_are_owed_above_the_yearly_floor() -> None:
    commitment = InsertionCommitment(
        hours_per_10k_eur_ht=Decimal(10), min_hours_per_year=Decimal(150)
    )

    owed = hours_owed(commitment, invoiced=Decimal(250_000), elapsed=4, duration_months=24)

    assert owed == Decimal(250)


def test_the_yearly_floor_is_owed_pro_rata_when_little_was_invoiced() -> None:
    commitment = InsertionCommitment(
        hours_per_10k_eur_ht=Decimal(10), min_hours_per_year=Decimal(150)
    )

    owed = hours_owed(commitment, invoiced=Decimal(20_000), elapsed=4, duration_months=24)

    assert owed == Decimal(50)


def test_a_fixed_total_is_owed_pro_rata_of_the_duration() -> None:
    commitment = InsertionCommitment(fixed_total_hours=Decimal(1000))

    owed = hours_owed(commitment, invoiced=Decimal(0), elapsed=3, duration_months=24)

    assert owed == Decimal("125.00")


def test_a_holder_whose_realised_hours_reach_what_is_owed_is_on_track() -> None:
    events: list[Event] = [a_market(), a_contract(), an_hours_report(), an_invoice()]

    got = status(events, "2023-06")

    # 85 000 EUR invoiced: 85 h owed, above the floor 150 x 4 / 12 = 50 h; 151.67 h realised
    assert (got.hours_owed, got.hours_realised, got.status) == (
        Decimal(85),
        Decimal("151.67"),
        ClauseStatusCode.ON_TRACK,
    )


def test_a_holder_below_what_is_owed_is_behind() -> None:
    big_invoice = an_invoice(amount_ht=Decimal("400000.00"))

    got = status([a_market(), a_contract(), an_hours_report(), big_invoice], "2023-06")

    assert (got.hours_owed, got.status) == (Decimal(400), ClauseStatusCode.BEHIND)


def test_no_report_for_the_last_closed_month_during_execution_is_no_report() -> None:
    got = status([a_market(), a_contract(), an_hours_report(period="2023-05")], "2023-06")

    assert got.status == ClauseStatusCode.NO_REPORT


def test_training_hours_and_hours_after_the_closed_month_do_not_pay_off_the_clause() -> None:
    later = an_hours_report(period="2023-07")

    got = status([a_market(), a_contract(), an_hours_report(), later], "2023-06")

    assert got.hours_realised == Decimal("151.67")


def test_a_market_without_insertion_commitment_has_no_clause_status() -> None:
    market = a_market(insertion_commitment=None)

    assert fold([market, an_hours_report()], as_of="2023-06").statuses == {}
