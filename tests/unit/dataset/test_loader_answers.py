"""What the loader counts as the expected outcome of a submission, and what it reports."""

from datetime import datetime

from reference_dataset.loader.answers import Outcome, Tally, refused, surprise
from reference_dataset.records import Expected, Kind, Submission, Tag

ACCEPTED = Outcome(accepted=True)


def a_submission(reason: str | None = None) -> Submission:
    expected = Expected.REFUSED if reason else Expected.ACCEPTED
    tags = (Tag.INVALID,) if reason else ()
    return Submission(7, datetime(2023, 3, 1, 9), Kind.MONTHLY_HOURS, {}, expected, reason, tags)


def test_an_accepted_submission_meant_to_be_accepted_is_as_expected() -> None:
    assert surprise(a_submission(), ACCEPTED) is None


def test_a_refusal_of_a_valid_submission_is_reported_with_what_ingest_said() -> None:
    outcome = refused("HTTP 422 rules_broken", [{"code": "unknown_market", "field": "market_id"}])

    assert surprise(a_submission(), outcome) == "refused: HTTP 422 rules_broken"


def test_a_refusal_for_the_datasets_reason_is_as_expected_whatever_the_door() -> None:
    by_json = refused("422", [{"code": "value_error", "field": "period"}])
    by_csv = refused("422", [{"code": "invalid_period", "field": "period"}])

    assert surprise(a_submission("invalid_period"), by_json) is None
    assert surprise(a_submission("invalid_period"), by_csv) is None


def test_a_refusal_naming_another_field_or_another_reason_too_is_a_surprise() -> None:
    other_field = refused("422", [{"code": "value_error", "field": "market_id"}])
    one_more = refused(
        "422",
        [
            {"code": "negative_hours", "field": "insertion_hours"},
            {"code": "unknown_contract", "field": "contract_id"},
        ],
    )

    assert surprise(a_submission("invalid_period"), other_field) is not None
    assert surprise(a_submission("negative_hours"), one_more) is not None


def test_accepting_an_invalid_submission_or_refusing_it_without_reason_is_a_surprise() -> None:
    assert surprise(a_submission("negative_hours"), ACCEPTED) is not None
    assert surprise(a_submission("negative_hours"), refused("HTTP 500", [])) is not None


def test_the_tally_counts_refusals_by_reason_and_keeps_every_surprise() -> None:
    tally = Tally()
    negative = refused("422", [{"code": "negative_hours", "field": "training_hours"}])

    tally.add(a_submission(), ACCEPTED)
    tally.add(a_submission("negative_hours"), negative)
    tally.add(a_submission("hours_above_ceiling"), ACCEPTED)

    assert tally.accepted == 1
    assert dict(tally.refused) == {"negative_hours": 1}
    assert [why for _, why in tally.unexpected] == [
        "accepted, but ingest must refuse it (hours_above_ceiling)"
    ]
