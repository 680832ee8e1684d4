"""Same content keeps its version and event id; changed content gets the next version."""

from hypothesis import given
from hypothesis import strategies as st

from harness.builders import an_hours_report
from services.ingest.domain.versions import (
    Known,
    content_hash,
    decide,
    encode,
    identity_of,
    with_version,
)
from shared.events import Event
from tests.strategies import any_events


@given(any_events, st.integers(1, 1000))
def test_moving_an_event_to_a_version_equals_building_it_at_that_version(
    event: Event, version: int
) -> None:
    moved = with_version(event, version)

    rebuilt = type(event).model_validate(
        {**event.model_dump(exclude={"event_id"}), "version": version}
    )
    assert moved == rebuilt
    assert moved.event_id == rebuilt.event_id


@given(any_events, st.integers(1, 1000))
def test_the_content_hash_and_the_identity_ignore_the_version(event: Event, version: int) -> None:
    moved = with_version(event, version)

    assert content_hash(moved) == content_hash(event)
    assert identity_of(moved) == identity_of(event)


def test_different_content_has_a_different_hash() -> None:
    assert content_hash(an_hours_report()) != content_hash(an_hours_report(period="2023-05"))


def test_a_new_identity_starts_at_version_one() -> None:
    decision = decide(None, "h")

    assert (decision.version, decision.publish, decision.unchanged_since) == (1, True, None)


def test_a_published_identical_resubmission_keeps_its_version_and_is_not_republished() -> None:
    decision = decide(Known(3, "h", "sub-1", published=True), "h")

    assert (decision.version, decision.publish, decision.unchanged_since) == (3, False, "sub-1")


def test_an_identical_resubmission_that_never_got_through_is_published_again() -> None:
    decision = decide(Known(3, "h", "sub-1", published=False), "h")

    assert (decision.version, decision.publish) == (3, True)


def test_changed_content_gets_the_next_version() -> None:
    decision = decide(Known(3, "h", "sub-1", published=True), "other")

    assert (decision.version, decision.publish, decision.unchanged_since) == (4, True, None)


@given(any_events, st.integers(min_value=1, max_value=10_000))
def test_the_digest_of_the_published_bytes_is_the_content_hash(event: Event, version: int) -> None:
    moved = with_version(event, version)

    encoded = encode(moved)

    assert encoded.value == moved.model_dump_json().encode()
    assert encoded.content_hash == content_hash(moved)
