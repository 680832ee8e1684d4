"""Submissions become events at version 1, or every problem, naming the field and line."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.builders import (
    HOLDER_SIRET,
    RAW_BENEFICIARY,
    TEST_PSEUDONYMISATION_KEY,
    a_contract_submission,
    a_market,
    a_market_submission,
    a_rule_context,
    an_hours_submission,
    an_invoice,
    an_invoice_submission,
)
from services.ingest.domain.pseudonym import Pseudonymiser
from services.ingest.domain.rules import (
    contract_event,
    fields_of,
    hours_event,
    invoice_event,
    market_event,
)
from services.ingest.domain.submissions import (
    InvoiceSubmission,
    MarketSubmission,
    MonthlyHoursSubmission,
    Submission,
    WorkContractSubmission,
)
from shared.events import MonthlyHoursReported, WorkContractSigned

pseudonymise = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)


def codes(result: Any) -> list[tuple[str, str, int | None]]:
    """(code, field, line) of every problem; fails when the result is an event."""
    assert isinstance(result, list), f"expected problems, got {result!r}"
    return [(problem.code, problem.field, problem.line) for problem in result]


def a_line(**overrides: Any) -> dict[str, Any]:
    line = {"beneficiary_id": RAW_BENEFICIARY, "contract_id": "C-0001", "insertion_hours": "10"}
    return {**line, **overrides}


def test_a_market_submission_becomes_the_market_event() -> None:
    event = market_event(a_market_submission(), a_rule_context())

    assert event == a_market()


def test_a_market_notified_in_the_future_is_refused() -> None:
    result = market_event(a_market_submission(notification_date=date(2023, 8, 1)), a_rule_context())

    assert codes(result) == [("notification_in_future", "notification_date", None)]


def test_an_invoice_submission_becomes_the_invoice_event() -> None:
    assert invoice_event(an_invoice_submission(), a_rule_context()) == an_invoice()


@pytest.mark.parametrize(
    ("lag", "says"),
    [(None, "en cours de chargement"), (3, "3 message(s) de retard"), (0, "jamais été notifié")],
)
def test_an_unknown_market_says_whether_the_markets_may_not_have_caught_up(
    lag: int | None, says: str
) -> None:
    result = invoice_event(
        an_invoice_submission(market_id="M-404"), a_rule_context(markets_lag=lag)
    )

    assert codes(result) == [("unknown_market", "market_id", None)]
    assert isinstance(result, list)
    assert says in result[0].message
    assert "M-404" in result[0].message


def test_an_invoice_for_a_future_month_is_refused() -> None:
    result = invoice_event(an_invoice_submission(period="2023-08"), a_rule_context())

    assert codes(result) == [("period_in_future", "period", None)]


def test_a_contract_carries_the_pseudonym_never_the_raw_identifier() -> None:
    event = contract_event(a_contract_submission(), pseudonymise, a_rule_context())

    assert isinstance(event, WorkContractSigned)
    assert event.beneficiary == pseudonymise(RAW_BENEFICIARY)
    assert RAW_BENEFICIARY not in event.model_dump_json()


def test_a_contract_ending_before_it_starts_is_refused_on_the_end_date() -> None:
    submission = a_contract_submission(start_date=date(2023, 4, 1), end_date=date(2023, 3, 1))

    result = contract_event(submission, pseudonymise, a_rule_context())

    assert codes(result) == [("contract_ends_before_start", "end_date", None)]


def test_a_month_of_hours_becomes_the_report_with_pseudonyms() -> None:
    event = hours_event(an_hours_submission(), pseudonymise, a_rule_context())

    assert isinstance(event, MonthlyHoursReported)
    assert event.lines[0].beneficiary == pseudonymise(RAW_BENEFICIARY)
    assert event.lines[0].insertion_hours == Decimal("151.67")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (a_line(insertion_hours="-1"), ("negative_hours", "insertion_hours", 0)),
        (a_line(training_hours="-0.5"), ("negative_hours", "training_hours", 0)),
        (
            a_line(insertion_hours="200", training_hours="8.01"),
            ("hours_above_ceiling", "insertion_hours", 0),
        ),
        (a_line(contract_id="C-404"), ("unknown_contract", "contract_id", 0)),
        (a_line(beneficiary_id="someone else"), ("beneficiary_mismatch", "beneficiary_id", 0)),
    ],
)
def test_a_bad_line_is_refused_naming_its_field_and_position(
    line: dict[str, Any], expected: tuple[str, str, int]
) -> None:
    result = hours_event(an_hours_submission(lines=[line]), pseudonymise, a_rule_context())

    assert codes(result) == [expected]


def test_a_month_before_the_contract_started_is_refused() -> None:
    result = hours_event(an_hours_submission(period="2023-03"), pseudonymise, a_rule_context())

    assert codes(result) == [("period_before_contract_start", "period", 0)]


def test_a_future_month_is_refused() -> None:
    result = hours_event(an_hours_submission(period="2023-08"), pseudonymise, a_rule_context())

    assert ("period_in_future", "period", None) in codes(result)


def test_a_line_for_a_contract_of_another_employer_is_answered_as_an_unknown_contract() -> None:
    submission = an_hours_submission(market_id="M-2", employer_siret="44306184100047")
    context = a_rule_context(holders={"M-2": frozenset({"44306184100047"})})
    unknown = a_rule_context(holders={"M-2": frozenset({"44306184100047"})}, contracts={})

    result = hours_event(submission, pseudonymise, context)

    assert codes(result) == [("unknown_contract", "contract_id", 0)]
    assert result == hours_event(submission, pseudonymise, unknown)
    assert "2023-0042" not in str(result)


@pytest.mark.parametrize("beneficiary_id", [RAW_BENEFICIARY, "someone else"])
def test_another_employers_contract_is_never_compared_with_the_person_or_the_month(
    beneficiary_id: str,
) -> None:
    submission = an_hours_submission(
        market_id="M-2",
        employer_siret="44306184100047",
        period="2023-01",
        lines=[a_line(beneficiary_id=beneficiary_id)],
    )
    context = a_rule_context(holders={"M-2": frozenset({"44306184100047"})})

    result = hours_event(submission, pseudonymise, context)

    assert codes(result) == [("unknown_contract", "contract_id", 0)]


def test_a_line_for_the_same_employers_contract_on_another_market_names_that_market() -> None:
    submission = an_hours_submission(market_id="M-2")
    context = a_rule_context(holders={"M-2": frozenset({HOLDER_SIRET})})

    result = hours_event(submission, pseudonymise, context)

    assert codes(result) == [("contract_other_market", "contract_id", 0)]


@pytest.mark.parametrize(
    "moved",
    [{"market_id": "M-2"}, {"employer_siret": "44306184100047"}],
    ids=["another market", "another employer"],
)
def test_a_contract_id_already_published_for_another_owner_is_refused_without_saying_whose(
    moved: dict[str, str],
) -> None:
    submission = a_contract_submission(**moved)
    context = a_rule_context(holders={"2023-0042": frozenset({HOLDER_SIRET}), "M-2": frozenset()})

    result = contract_event(submission, pseudonymise, context)

    assert codes(result) == [("contract_id_taken", "contract_id", None)]
    assert HOLDER_SIRET not in str(result)
    assert "2023-0042" not in str(result)


def test_a_new_version_of_a_contract_on_its_own_market_and_employer_is_accepted() -> None:
    result = contract_event(
        a_contract_submission(contract_type="cdi"), pseudonymise, a_rule_context()
    )

    assert isinstance(result, WorkContractSigned)


def test_the_same_contract_twice_in_a_month_is_refused_on_the_second_line() -> None:
    result = hours_event(
        an_hours_submission(lines=[a_line(), a_line()]), pseudonymise, a_rule_context()
    )

    assert codes(result) == [("duplicate_line", "contract_id", 1)]


def test_too_many_lines_in_one_report_are_refused() -> None:
    context = a_rule_context(max_lines_per_report=1)

    result = hours_event(
        an_hours_submission(lines=[a_line(), a_line(contract_id="C-0002")]), pseudonymise, context
    )

    assert ("too_many_lines", "lines", None) in codes(result)


def test_every_problem_is_reported_at_once() -> None:
    submission = an_hours_submission(
        market_id="M-404", period="2023-09", lines=[a_line(insertion_hours="-1")]
    )

    result = hours_event(submission, pseudonymise, a_rule_context())

    assert {code for code, _, _ in codes(result)} >= {
        "unknown_market",
        "period_in_future",
        "negative_hours",
    }


def test_no_problem_message_contains_the_raw_beneficiary_identifier() -> None:
    submission = an_hours_submission(
        lines=[a_line(beneficiary_id="X-SECRET-42", contract_id="C-9")]
    )

    result = hours_event(submission, pseudonymise, a_rule_context())

    assert isinstance(result, list)
    assert all("SECRET" not in problem.message for problem in result)


@given(
    st.decimals(min_value=0, max_value=150, places=2),
    st.decimals(min_value=0, max_value=58, places=2),
)
def test_hours_within_the_ceiling_are_reported_as_sent(
    insertion: Decimal, training: Decimal
) -> None:
    line = a_line(insertion_hours=insertion, training_hours=training)

    event = hours_event(an_hours_submission(lines=[line]), pseudonymise, a_rule_context())

    assert isinstance(event, MonthlyHoursReported)
    assert (event.lines[0].insertion_hours, event.lines[0].training_hours) == (insertion, training)


@pytest.mark.parametrize(
    ("submission", "shape"),
    [
        (a_market_submission(), MarketSubmission),
        (an_invoice_submission(), InvoiceSubmission),
        (a_contract_submission(), WorkContractSubmission),
        (a_contract_submission(end_date=date(2030, 1, 1)), WorkContractSubmission),
        (an_hours_submission(), MonthlyHoursSubmission),
    ],
)
def test_the_fields_of_a_submission_are_its_dump(submission: Submission, shape: Any) -> None:
    # replaces_version is a precondition on the version, not a fact the event carries
    dumped = submission.model_dump(include=set(shape.model_fields) - {"replaces_version"})

    fields = fields_of(submission, shape)

    assert "replaces_version" in shape.model_fields
    assert fields == dumped
    assert {name: type(value) for name, value in fields.items()} == {
        name: type(value) for name, value in dumped.items()
    }
