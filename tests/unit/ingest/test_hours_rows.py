"""Facilitators' rows become contracts and monthly reports, or every bad row is listed."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from harness.builders import HOLDER_SIRET, a_rule_context, pseudonym
from services.ingest.domain.hours_rows import (
    ContractTerms,
    HoursRow,
    derive_contract_id,
    events_from_rows,
)
from services.ingest.domain.refusals import Problem
from services.ingest.domain.rules import ContractFacts
from shared.codes import ContractType, EligiblePublic, Gender, Modality
from shared.events import MonthlyHoursReported, WorkContractSigned


def a_row(line: int, person: str = "p1", **overrides: object) -> HoursRow:
    terms = ContractTerms(
        contract_id=f"C-{person}",
        beneficiary=pseudonym(person),
        gender=Gender.FEMALE,
        contract_type=ContractType.CDDI,
        eligible_public=EligiblePublic.RSA,
        modality=Modality.DIRECT_HIRE,
        employer_siret=HOLDER_SIRET,
        market_id="2023-0042",
        start_date=date(2023, 4, 1),
        end_date=None,
    )
    row = HoursRow(line, "2023-06", terms, Decimal(35), Decimal(0))
    return replace(row, **overrides)  # type: ignore[arg-type]


def test_rows_give_one_contract_each_and_one_report_per_market_employer_and_month() -> None:
    rows = [a_row(2, "p1"), a_row(3, "p2"), a_row(4, "p1", period="2023-05")]

    events = events_from_rows(rows, a_rule_context(contracts={}))

    assert isinstance(events, list)
    contracts = [e for e in events if isinstance(e, WorkContractSigned)]
    reports = [e for e in events if isinstance(e, MonthlyHoursReported)]
    assert sorted(c.contract_id for c in contracts) == ["C-p1", "C-p2"]
    assert {(r.period, len(r.lines)) for r in reports} == {("2023-06", 2), ("2023-05", 1)}


def test_every_bad_row_is_listed_with_its_line_and_nothing_else() -> None:
    rows = [
        a_row(2, "p1"),
        a_row(3, "p2", insertion_hours=Decimal(-4)),
        a_row(4, "p3"),
        a_row(5, "p4", period="2023-03"),
        a_row(6, "p5", period="2024-01"),
    ]

    result = events_from_rows(rows, a_rule_context(contracts={}))

    assert isinstance(result, list)
    assert all(isinstance(problem, Problem) for problem in result)
    assert [(p.line, p.code) for p in result if isinstance(p, Problem)] == [
        (3, "negative_hours"),
        (5, "period_before_contract_start"),
        (6, "period_in_future"),
    ]


def test_a_contract_described_differently_on_two_rows_is_refused_on_the_second() -> None:
    first = a_row(2, "p1")
    second = a_row(3, "p1", period="2023-05")
    second = replace(second, contract=replace(second.contract, contract_type=ContractType.CDI))

    result = events_from_rows([first, second], a_rule_context(contracts={}))

    assert isinstance(result, list)
    assert [(p.line, p.code) for p in result if isinstance(p, Problem)] == [
        (3, "contract_conflict")
    ]


def test_a_row_reusing_the_contract_id_of_another_owner_is_refused_on_its_line() -> None:
    other = ContractFacts("2023-0099", "44306184100047", pseudonym("p9"), date(2023, 1, 1))
    rows = [a_row(2, "p1"), a_row(3, "p2")]

    result = events_from_rows(rows, a_rule_context(contracts={"C-p2": other}))

    assert isinstance(result, list)
    assert [(p.line, p.code) for p in result if isinstance(p, Problem)] == [
        (3, "contract_id_taken")
    ]
    said = " ".join(p.message for p in result if isinstance(p, Problem))
    assert "2023-0099" not in said
    assert "44306184100047" not in said


def test_a_row_on_an_unknown_market_is_refused() -> None:
    row = a_row(2)
    row = replace(row, contract=replace(row.contract, market_id="M-404"))

    result = events_from_rows([row], a_rule_context(contracts={}))

    assert isinstance(result, list)
    assert [(p.line, p.code, p.field) for p in result if isinstance(p, Problem)] == [
        (2, "unknown_market", "market_id")
    ]


def test_one_person_over_the_ceiling_across_two_employers_is_refused() -> None:
    other = "44306184100047"
    first = a_row(2, "p1", insertion_hours=Decimal(150))
    second = a_row(3, "p1", insertion_hours=Decimal(100))
    second = replace(
        second,
        contract=replace(second.contract, contract_id="C-other", employer_siret=other),
    )
    context = a_rule_context(contracts={}, holders={"2023-0042": frozenset({HOLDER_SIRET})})

    result = events_from_rows([first, second], context)

    assert isinstance(result, list)
    assert [(p.line, p.code) for p in result if isinstance(p, Problem)] == [
        (3, "hours_above_ceiling")
    ]


@given(st.text(min_size=1, max_size=20), st.dates(), st.dates())
def test_a_derived_contract_id_is_stable_and_tells_start_dates_apart(
    person: str, start: date, other_start: date
) -> None:
    first = derive_contract_id(pseudonym(person), HOLDER_SIRET, "M-1", start)

    again = derive_contract_id(pseudonym(person), HOLDER_SIRET, "M-1", start)
    other = derive_contract_id(pseudonym(person), HOLDER_SIRET, "M-1", other_start)

    assert first == again
    assert (first == other) == (start == other_start)
    assert len(first) <= 64
