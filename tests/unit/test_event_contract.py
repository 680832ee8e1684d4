"""The event models accept what the domain allows and refuse the rest, naming the field."""

import json
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from harness.builders import a_contract, a_market, an_hours_report, an_invoice
from shared.events import EVENT_NAMESPACE, Event, decode_event, name_based_uuid
from tests.strategies import any_events


def refusal(build: Any, **fields: Any) -> dict[str, str]:
    """Field path -> message of every error the builder raises with these fields."""
    with pytest.raises(ValidationError) as raised:
        build(**fields)
    return {".".join(str(p) for p in error["loc"]): error["msg"] for error in raised.value.errors()}


@given(any_events)
def test_every_event_survives_a_json_round_trip(event: Event) -> None:
    decoded = decode_event(event.model_dump_json())

    assert decoded == event
    assert type(decoded) is type(event)


def test_an_unknown_enum_value_is_refused_with_the_expected_values() -> None:
    errors = refusal(a_contract, contract_type="cdi_permanent")

    assert "contract_type" in errors
    assert "'cdi', 'cdi_inclusion'" in errors["contract_type"]


def test_negative_hours_are_refused() -> None:
    line = {"beneficiary": "a" * 64, "contract_id": "C-1", "insertion_hours": "-3"}

    errors = refusal(an_hours_report, lines=[line])

    assert errors == {"lines.0.insertion_hours": "Input should be greater than or equal to 0"}


@pytest.mark.parametrize("period", ["2023-13", "2023-00", "23-06", "2023/06", "2023-6"])
def test_a_malformed_period_is_refused(period: str) -> None:
    errors = refusal(an_hours_report, period=period)

    assert list(errors) == ["period"]
    assert "un mois AAAA-MM était attendu (mois de 01 à 12)" in errors["period"]
    assert period not in errors["period"]


@pytest.mark.parametrize("siret", ["1234567890123", "123456789012345", "1234567890123A", ""])
def test_a_siret_that_is_not_14_digits_is_refused(siret: str) -> None:
    errors = refusal(an_invoice, holder_siret=siret)

    assert errors == {
        "holder_siret": "Value error, un SIRET de 14 chiffres exactement était attendu"
    }


@pytest.mark.parametrize("amount", ["0", "-1500", "abc", "NaN"])
def test_an_amount_that_is_not_a_positive_number_is_refused(amount: str) -> None:
    errors = refusal(a_market, amount_ht=amount)

    assert list(errors) == ["amount_ht"]


def test_a_raw_beneficiary_identifier_is_refused_where_a_pseudonym_is_expected() -> None:
    errors = refusal(a_contract, beneficiary="1 85 05 78 006 084 36")

    assert list(errors) == ["beneficiary"]
    assert "pseudonym" in errors["beneficiary"]


def test_an_unknown_field_is_refused() -> None:
    errors = refusal(an_invoice, comment="hello")

    assert errors == {"comment": "Extra inputs are not permitted"}


def test_an_unknown_schema_version_is_refused() -> None:
    payload = a_market().model_dump(mode="json") | {"schema_version": 2}

    with pytest.raises(ValidationError, match="schema_version"):
        decode_event(json.dumps(payload))


def test_the_event_id_is_derived_from_identity_and_version() -> None:
    first = an_hours_report(version=1)

    assert an_hours_report(version=1).event_id == first.event_id
    assert an_hours_report(version=2).event_id != first.event_id
    assert an_hours_report(period="2023-07").event_id != first.event_id


def test_a_forged_event_id_is_refused() -> None:
    errors = refusal(an_invoice, event_id="00000000-0000-0000-0000-000000000000")

    assert list(errors) == [""]
    assert "event_id must be derived" in errors[""]


def test_a_contract_cannot_end_before_it_starts() -> None:
    errors = refusal(a_contract, start_date="2023-05-01", end_date="2023-04-30")

    assert "end_date 2023-04-30 is before start_date 2023-05-01" in errors[""]


def test_a_report_cannot_list_the_same_contract_twice() -> None:
    line = {"beneficiary": "b" * 64, "contract_id": "C-9", "insertion_hours": "10"}

    errors = refusal(an_hours_report, lines=[line, line])

    assert "lines[1]: contract C-9 appears twice" in errors[""]


def test_a_commitment_is_either_proportional_or_a_fixed_total() -> None:
    both = {"hours_per_10k_eur_ht": 10, "fixed_total_hours": 500}

    errors = refusal(a_market, insertion_commitment=both)

    assert "either fixed_total_hours or the proportional form" in errors["insertion_commitment"]


def test_a_siret_of_non_ascii_digits_is_refused() -> None:
    arabic_indic = "٣٥٦٠٠٠٠٠٠٠٠٠٤٨"

    errors = refusal(an_invoice, holder_siret=arabic_indic)

    assert list(errors) == ["holder_siret"]


@given(st.text(max_size=200))
def test_the_fast_name_based_uuid_is_the_standard_uuid5(name: str) -> None:
    expected = str(uuid.uuid5(EVENT_NAMESPACE, name))

    assert name_based_uuid(name) == expected
