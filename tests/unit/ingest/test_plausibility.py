"""Implausible values are refused in every rule: dates and periods outside the window,
amounts above the ceiling or the market's amount, SIRETs whose key is wrong (issue 14)."""

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.builders import (
    BUYER_SIRET,
    CSV_HEADER,
    HOLDER_SIRET,
    TEST_PSEUDONYMISATION_KEY,
    a_contract_submission,
    a_csv_row,
    a_market_submission,
    a_rule_context,
    an_hours_submission,
    an_invoice_submission,
)
from reference_dataset.generator.companies import with_check_digit
from services.ingest.bootstrap import limits_of
from services.ingest.domain.decp import DecpImport, parse_decp
from services.ingest.domain.hours_csv import parse_hours_csv
from services.ingest.domain.hours_rows import events_from_rows
from services.ingest.domain.plausibility import plausible_for, siret_key_valid
from services.ingest.domain.pseudonym import Pseudonymiser
from services.ingest.domain.refusals import Problem, day_problem, period_window_problem
from services.ingest.domain.rules import contract_event, hours_event, invoice_event, market_event
from services.ingest.settings import IngestSettings
from shared.events import Event, Holder, InvoiceRecorded, MarketNotified, WorkContractSigned
from shared.types import luhn_valid

pseudonymise = Pseudonymiser(TEST_PSEUDONYMISATION_KEY)
WRONG_KEY = HOLDER_SIRET[:-1] + "9"  # La Poste's head office with a wrong key
OTHER_WRONG_KEY = BUYER_SIRET[:-1] + "7"


def codes(result: Any) -> list[tuple[str, str]]:
    """(code, field) of every problem; fails when the result is an event."""
    assert isinstance(result, list), f"expected problems, got {result!r}"
    return [(problem.code, problem.field) for problem in result]


# SIRET key


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000074",  # INSEE's example: the 7th establishment of SIREN 732 829 320
        "35600000000048",  # La Poste's head office: passes Luhn
        "35600000009075",  # La Poste establishments: digits add up to a multiple of 5
        "35600000049837",
        BUYER_SIRET,
    ],
)
def test_a_siret_with_a_right_key_is_valid(siret: str) -> None:
    assert siret_key_valid(siret)


@pytest.mark.parametrize(
    "siret",
    [
        "12345678901234",  # the DECP examples' placeholder
        "50000000000000",
        "11111111111111",
        "35600000009090",  # La Poste's SIREN, but neither Luhn nor a multiple of 5 (32)
        "35600000000049",
        WRONG_KEY,
    ],
)
def test_a_siret_with_a_wrong_key_is_invalid(siret: str) -> None:
    assert not siret_key_valid(siret)


@given(st.from_regex(r"[0-9]{13}", fullmatch=True), st.integers(0, 13), st.integers(1, 9))
def test_changing_any_one_digit_of_a_valid_siret_breaks_its_key(
    body: str, position: int, shift: int
) -> None:
    siret = with_check_digit(body)
    changed = siret[:position] + str((int(siret[position]) + shift) % 10) + siret[position + 1 :]

    assert luhn_valid(siret)
    assert not luhn_valid(changed)


@given(st.from_regex(r"[0-9]{5}", fullmatch=True))
def test_la_poste_establishments_are_checked_by_the_sum_of_their_digits(nic: str) -> None:
    siret = "356000000" + nic

    assert siret_key_valid(siret) == (luhn_valid(siret) or sum(map(int, siret)) % 5 == 0)


def test_a_siret_with_a_wrong_key_is_refused_in_every_json_shape() -> None:
    ctx = a_rule_context(holders={"2023-0042": frozenset({WRONG_KEY})})
    buyer = {"siret": OTHER_WRONG_KEY, "name": "Acheteur"}
    holder = {"siret": WRONG_KEY, "is_sme": True, "in_territory": True}

    market = market_event(a_market_submission(buyer=buyer, holders=[holder]), ctx)
    invoice = invoice_event(an_invoice_submission(holder_siret=WRONG_KEY), ctx)
    contract = contract_event(a_contract_submission(employer_siret=WRONG_KEY), pseudonymise, ctx)
    report = hours_event(an_hours_submission(employer_siret=WRONG_KEY), pseudonymise, ctx)

    assert codes(market) == [
        ("invalid_siret", "buyer.siret"),
        ("invalid_siret", "holders[0].siret"),
    ]
    assert ("invalid_siret", "holder_siret") in codes(invoice)
    assert ("invalid_siret", "employer_siret") in codes(contract)
    assert ("invalid_siret", "employer_siret") in codes(report)
    assert all("clé de contrôle" in problem.message for problem in market)  # type: ignore[union-attr]
    assert all(WRONG_KEY not in problem.message for problem in market)  # type: ignore[union-attr]


def test_a_la_poste_establishment_is_accepted_as_a_holder() -> None:
    holder = {"siret": "35600000009075", "is_sme": False, "in_territory": True}

    event = market_event(a_market_submission(holders=[holder]), a_rule_context())

    assert isinstance(event, MarketNotified)
    assert event.holders == (Holder(siret="35600000009075", is_sme=False, in_territory=True),)


# dates and periods: the window


def test_a_contract_starting_on_0001_01_01_is_refused_naming_the_window() -> None:
    result = contract_event(
        a_contract_submission(start_date=date(1, 1, 1)), pseudonymise, a_rule_context()
    )

    assert codes(result) == [("implausible_date", "start_date")]
    assert isinstance(result, list)
    assert result[0].message == (
        "la date de début 01/01/0001 est invraisemblable : attendue entre le 01/01/2000 "
        "et le 31/12/2024"
    )


def test_a_contract_starting_on_2999_12_31_is_refused() -> None:
    result = contract_event(
        a_contract_submission(start_date=date(2999, 12, 31), end_date=None),
        pseudonymise,
        a_rule_context(),
    )

    assert codes(result) == [("implausible_date", "start_date")]


def test_a_contract_may_start_next_year_and_end_within_five_years() -> None:
    ctx = a_rule_context()  # today: 15 July 2023

    starts_next_year = a_contract_submission(
        start_date=date(2024, 12, 31), end_date=date(2028, 12, 31)
    )
    ends_too_late = a_contract_submission(end_date=date(2029, 1, 1))

    assert isinstance(contract_event(starts_next_year, pseudonymise, ctx), WorkContractSigned)
    assert codes(contract_event(ends_too_late, pseudonymise, ctx)) == [
        ("implausible_date", "end_date")
    ]


@pytest.mark.parametrize("period", ["0000-01", "0001-01", "1900-01", "1999-12"])
def test_an_invoice_or_a_report_before_the_window_is_refused(period: str) -> None:
    ctx = a_rule_context()

    invoice = invoice_event(an_invoice_submission(period=period), ctx)
    report = hours_event(an_hours_submission(period=period, lines=[]), pseudonymise, ctx)

    assert codes(invoice) == [("implausible_period", "period")]
    assert codes(report) == [("implausible_period", "period")]
    assert isinstance(invoice, list)
    assert invoice[0].message == (
        f"la période {period} est invraisemblable : attendue entre 2000-01 et 2024-12"
    )


@given(st.dates(), st.dates(date(2000, 1, 1), date(2100, 12, 31)))
def test_a_day_is_refused_exactly_when_it_is_outside_the_window(day: date, today: date) -> None:
    bounds = plausible_for(today, earliest_year=2000, years_ahead=1, end_years_ahead=5)

    start = day_problem(day, "start_date", "la date de début", bounds)
    end = day_problem(day, "end_date", "la date de fin", bounds, end=True)

    assert (start is None) == (date(2000, 1, 1) <= day <= date(today.year + 1, 12, 31))
    assert (end is None) == (date(2000, 1, 1) <= day <= date(today.year + 5, 12, 31))


@given(st.integers(0, 9999), st.integers(1, 12))
def test_a_period_is_refused_exactly_when_its_month_is_outside_the_window(
    year: int, month: int
) -> None:
    bounds = plausible_for(date(2026, 12, 3), earliest_year=2000, years_ahead=1, end_years_ahead=5)

    problem = period_window_problem(f"{year:04d}-{month:02d}", bounds)

    assert (problem is None) == (2000 <= year <= 2027)


def test_the_first_month_of_the_window_is_accepted() -> None:
    result = invoice_event(an_invoice_submission(period="2000-01"), a_rule_context())

    assert isinstance(result, InvoiceRecorded)


def test_a_period_in_the_future_is_still_refused_as_such_not_twice() -> None:
    result = invoice_event(an_invoice_submission(period="2999-01"), a_rule_context())

    assert codes(result) == [("period_in_future", "period")]


def test_a_market_notified_before_the_window_is_refused() -> None:
    result = market_event(
        a_market_submission(notification_date=date(1999, 12, 31)), a_rule_context()
    )

    assert codes(result) == [("implausible_date", "notification_date")]


def test_a_market_notified_after_the_window_is_refused_once() -> None:
    result = market_event(
        a_market_submission(notification_date=date(2999, 12, 31)), a_rule_context()
    )

    assert codes(result) == [("implausible_date", "notification_date")]


def test_the_window_follows_the_settings() -> None:
    settings = IngestSettings(
        pseudonymisation_key=TEST_PSEUDONYMISATION_KEY,
        earliest_year=1990,
        latest_years_ahead=0,
        contract_end_years_ahead=2,
    )
    limits = limits_of(settings)

    bounds = limits.bounds(date(2026, 12, 3))

    assert (bounds.earliest, bounds.latest, bounds.latest_end) == (
        date(1990, 1, 1),
        date(2026, 12, 31),
        date(2028, 12, 31),
    )
    ctx = a_rule_context(bounds=bounds)
    assert isinstance(invoice_event(an_invoice_submission(period="1995-01"), ctx), InvoiceRecorded)


def test_the_default_window_is_from_2000_to_the_end_of_next_year() -> None:
    settings = IngestSettings(pseudonymisation_key=TEST_PSEUDONYMISATION_KEY)

    assert (settings.earliest_year, settings.latest_years_ahead) == (2000, 1)
    assert plausible_for(
        date(2026, 1, 1), earliest_year=2000, years_ahead=1, end_years_ahead=5
    ).latest == date(2027, 12, 31)


# amounts


def test_an_invoice_above_the_market_amount_is_refused() -> None:
    ctx = a_rule_context(market_amounts={"2023-0042": Decimal("100000.00")})

    result = invoice_event(an_invoice_submission(amount_ht=Decimal("100000.01")), ctx)

    assert codes(result) == [("invoice_above_market_amount", "amount_ht")]
    assert isinstance(result, list)
    assert result[0].message == (
        "le montant facturé (100000.01 EUR HT) dépasse le montant du marché « 2023-0042 » "
        "(100000.00 EUR HT)"
    )


def test_an_invoice_of_the_whole_market_amount_is_accepted() -> None:
    ctx = a_rule_context(market_amounts={"2023-0042": Decimal("100000.00")})

    result = invoice_event(an_invoice_submission(amount_ht=Decimal("100000.00")), ctx)

    assert isinstance(result, InvoiceRecorded)


def test_an_invoice_of_ten_thousand_billion_on_a_100_000_eur_market_is_refused() -> None:
    ctx = a_rule_context(market_amounts={"2023-0042": Decimal("100000.00")})

    result = invoice_event(an_invoice_submission(amount_ht=Decimal("9999999999999.99")), ctx)

    assert codes(result) == [
        ("implausible_amount", "amount_ht"),
        ("invoice_above_market_amount", "amount_ht"),
    ]


def test_an_absurd_amount_is_refused_even_when_the_market_amount_is_unknown() -> None:
    ctx = a_rule_context(market_amounts={})

    invoice = invoice_event(an_invoice_submission(amount_ht=Decimal("9999999999999.99")), ctx)
    market = market_event(a_market_submission(amount_ht=Decimal("9999999999999.99")), ctx)

    assert codes(invoice) == [("implausible_amount", "amount_ht")]
    assert codes(market) == [("implausible_amount", "amount_ht")]
    assert isinstance(invoice, list)
    assert "100 000 000 000 EUR HT" in invoice[0].message


# CSV: the line and the column


def csv_of(*rows: str) -> bytes:
    return "\n".join([CSV_HEADER, *rows]).encode()


def test_a_csv_row_outside_the_window_is_refused_with_its_line_and_column() -> None:
    document = csv_of(
        a_csv_row("2023-0042", 1),
        a_csv_row("2023-0042", 2, start="01/01/0001", period="01/0001"),
        a_csv_row("2023-0042", 3, start="31/12/2999", end="01/01/3000"),
        a_csv_row("2023-0042", 4, period="1900-01"),
    )
    parsed = parse_hours_csv(document, pseudonymise)
    assert parsed.problems == []

    result = events_from_rows(parsed.rows, a_rule_context(contracts={}))

    problems = [item for item in result if isinstance(item, Problem)]
    assert len(problems) == len(result)
    found = {(p.code, p.field, p.line) for p in problems}
    assert {
        ("implausible_period", "period", 3),
        ("implausible_date", "start_date", 3),
        ("implausible_date", "start_date", 4),
        ("implausible_date", "end_date", 4),
        ("implausible_period", "period", 5),
    } <= found
    assert not any(p.line == 2 for p in problems)
    assert parsed.headers["start_date"] == "date_début_contrat"


def test_a_csv_siret_with_a_wrong_key_is_refused_with_its_line_and_column() -> None:
    document = csv_of(a_csv_row("2023-0042", 1), a_csv_row("2023-0042", 2, siret=WRONG_KEY))

    parsed = parse_hours_csv(document, pseudonymise)

    assert [(p.code, p.field, p.line) for p in parsed.problems] == [
        ("invalid_siret", "employer_siret", 3)
    ]
    assert "clé de contrôle" in parsed.problems[0].message


def test_csv_rows_within_the_window_give_their_events() -> None:
    parsed = parse_hours_csv(csv_of(a_csv_row("2023-0042", 1)), pseudonymise)

    result = events_from_rows(parsed.rows, a_rule_context(contracts={}))

    assert result
    assert all(isinstance(item, Event) for item in result)


# DECP: one defect per record


def a_decp_record(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "2024-0042",
        "acheteur": {"id": "21440109300015"},
        "objet": "Construction du lycée",
        "codeCPV": "45214220",
        "ccag": "Travaux",
        "dureeMois": 24,
        "dateNotification": "2024-03-14",
        "datePublicationDonnees": "2024-03-20",
        "montant": 1250000,
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": HOLDER_SIRET}}],
        "considerationsSociales": {"considerationSociale": ["Clause sociale"]},
        "considerationsEnvironnementales": ["Pas de considération environnementale"],
    }
    return {**record, **overrides}


def decp_import(*records: dict[str, Any], today: date = date(2026, 12, 3)) -> DecpImport:
    bounds = plausible_for(today, earliest_year=2000, years_ahead=1, end_years_ahead=5)
    return parse_decp(json.dumps({"marches": {"marche": list(records)}}).encode(), bounds)


def test_decp_records_with_implausible_values_are_each_reported() -> None:
    result = decp_import(
        a_decp_record(id="OK"),
        a_decp_record(id="OLD", dateNotification="1999-12-31"),
        a_decp_record(id="FAR", dateNotification="2999-12-31", datePublicationDonnees="2999-12-31"),
        a_decp_record(id="KEY", acheteur={"id": "12345678901234"}),
        a_decp_record(
            id="HOLDER",
            titulaires=[{"titulaire": {"typeIdentifiant": "SIRET", "id": WRONG_KEY}}],
        ),
    )

    assert [m.market_id for m in result.markets] == ["OK"]
    assert [(d.record_index, d.field, d.code.value) for d in result.defects] == [
        (1, "dateNotification", "impossible_date"),
        (2, "dateNotification", "impossible_date"),
        (3, "acheteur.id", "invalid_siret"),
        (4, "titulaires[0].titulaire.id", "invalid_siret"),
    ]


def test_a_decp_notification_next_year_is_within_the_window() -> None:
    record = a_decp_record(
        id="OK", dateNotification="2027-12-31", datePublicationDonnees="2027-12-31"
    )

    assert decp_import(record).defects == []
    [defect] = decp_import(record, today=date(2025, 6, 1)).defects
    assert (defect.field, defect.code.value) == ("dateNotification", "impossible_date")
    assert "du 2000-01-01 au 2026-12-31" in defect.message
