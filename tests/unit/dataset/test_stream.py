"""The mess of real life: ingest's view of each submission, and the facts it leaves."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from reference_dataset.generator.generate import generate
from reference_dataset.oracle import all_figures
from reference_dataset.records import (
    Dataset,
    Expected,
    Submission,
    Tag,
    assemble,
    from_wire,
    identity,
)
from reference_dataset.stream import arrange, replay
from tests.unit.dataset import cached
from tests.unit.dataset.ingest_rules import IngestState, refusal

REFUSAL_REASONS = {
    "negative_hours",
    "hours_above_ceiling",
    "invalid_period",
    "invalid_siret",
    "unknown_contract_type",
    "unknown_contract",
}


def first_version_wins(submissions: tuple[Submission, ...], seed: int) -> Dataset:
    kept: dict[tuple[str, ...], Submission] = {}
    for submission in submissions:
        if submission.expected is Expected.ACCEPTED:
            kept.setdefault(identity(submission.kind, submission.payload), submission)
    return assemble(seed, [from_wire(s.kind, s.payload) for s in kept.values()])


def test_the_latest_accepted_version_of_each_identity_is_exactly_the_dataset() -> None:
    dataset = cached.dataset()

    replayed = replay(cached.submissions(), dataset.seed)

    assert replayed == dataset
    assert all_figures(replayed) == cached.figures()


def test_keeping_first_versions_would_change_the_facts_so_the_corrections_matter() -> None:
    dataset = cached.dataset()

    wrong = first_version_wins(cached.submissions(), dataset.seed)

    assert wrong.hours != dataset.hours
    assert wrong.markets != dataset.markets
    assert wrong.invoices != dataset.invoices
    assert wrong.contracts != dataset.contracts


def test_every_submission_gets_from_ingest_the_outcome_and_reason_it_is_tagged_with() -> None:
    state = IngestState()

    outcomes = [(s.seq, refusal(s, state)) for s in cached.submissions()]

    expected = [(s.seq, s.reason) for s in cached.submissions()]
    assert outcomes == expected


def test_refused_submissions_are_the_invalid_rows_and_the_hours_sent_before_their_contract() -> (
    None
):
    submissions = cached.submissions()

    refused = Counter(s.reason for s in submissions if s.expected is Expected.REFUSED)
    before = [s for s in submissions if Tag.BEFORE_CONTRACT in s.tags]

    assert set(refused) == REFUSAL_REASONS
    assert all(s.expected is Expected.REFUSED for s in before)
    assert all(s.expected is Expected.ACCEPTED for s in submissions if not s.reason)


def test_the_mess_has_every_kind_of_real_life_trouble() -> None:
    tags = Counter(tag for s in cached.submissions() for tag in s.tags)

    assert set(tags) == set(Tag)
    assert tags[Tag.SUPERSEDED] == tags[Tag.CORRECTION]
    assert tags[Tag.BEFORE_CONTRACT] == tags[Tag.RESENT]


def test_late_reports_arrive_at_least_two_months_after_their_month() -> None:
    late = [s for s in cached.submissions() if Tag.LATE in s.tags]

    delays = [
        (s.received_at.year * 12 + s.received_at.month) - (int(p[:4]) * 12 + int(p[5:7]))
        for s in late
        for p in [str(s.payload["period"])]
    ]
    assert late
    assert min(delays) >= 2


def test_submissions_are_in_arrival_order() -> None:
    submissions = cached.submissions()

    assert [s.seq for s in submissions] == list(range(len(submissions)))
    assert [s.received_at for s in submissions] == sorted(s.received_at for s in submissions)


@settings(max_examples=4, deadline=None, derandomize=True)
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_for_any_seed_the_mess_leaves_the_facts_and_figures_unchanged(seed: int) -> None:
    dataset = generate(seed)

    replayed = replay(arrange(dataset), seed)

    assert replayed == dataset
