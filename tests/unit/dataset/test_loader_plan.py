"""The loader's plan: steps of independent submissions, in arrival order, through every door."""

from collections import Counter, defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from reference_dataset.loader.plan import DECP_CEILING, Channel, Step, steps
from reference_dataset.records import Expected, Kind, Submission
from tests.unit.dataset import cached


def order_violations(plan: list[Step]) -> list[str]:
    """Pairs sent in the wrong order or together though one cites or repeats the other."""
    touching: defaultdict[str, list[tuple[int, int, bool]]] = defaultdict(list)
    for index, step in enumerate(plan):
        for item in step.items:
            for key in item.needs | item.gives:
                touching[key].append((item.submission.seq, index, key in item.gives))
    found = []
    for key, uses in touching.items():
        latest_any, latest_give = -1, -1
        for seq, index, gives in sorted(uses):
            if index <= (latest_any if gives else latest_give):
                found.append(f"#{seq} ({key}) in step {index}")
            latest_any = max(latest_any, index)
            if gives:
                latest_give = max(latest_give, index)
    return found


def test_a_submission_goes_after_every_earlier_one_it_cites_or_repeats() -> None:
    plan = steps(cached.submissions())

    assert order_violations(plan) == []


def test_the_order_check_catches_a_plan_that_sends_everything_at_once() -> None:
    together = Step()
    for step in steps(cached.submissions()[:3000]):
        for item in step.items:
            together.add(item)

    assert order_violations([together])


def test_the_steps_keep_the_arrival_order() -> None:
    submissions = cached.submissions()

    plan = steps(reversed(submissions))

    assert [item.submission.seq for step in plan for item in step.items] == [
        s.seq for s in submissions
    ]


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_any_part_of_the_stream_cut_at_any_size_keeps_its_order(data: st.DataObject) -> None:
    submissions = cached.submissions()
    start = data.draw(st.integers(0, len(submissions) - 1))
    part = submissions[start : start + data.draw(st.integers(1, 2000))]
    size = data.draw(st.integers(1, 500))

    plan = steps(part, size)

    assert all(len(step.items) <= size for step in plan)
    assert order_violations(plan) == []


def test_every_entry_point_takes_a_share_of_the_submissions() -> None:
    plan = steps(cached.submissions())

    channels = Counter(item.channel for step in plan for item in step.items)

    assert set(channels) == set(Channel)
    assert channels[Channel.RAW] > 0.05 * sum(channels.values())


def test_hours_sent_before_their_contract_never_go_in_a_csv_file() -> None:
    items = [item for step in steps(cached.submissions()) for item in step.items]

    before = [i for i in items if i.submission.reason == "unknown_contract"]

    assert before
    assert all(item.channel is not Channel.CSV for item in before)


def test_decp_carries_only_small_markets_without_commitment_nor_correction() -> None:
    items = [item for step in steps(cached.submissions()) for item in step.items]

    decp = [item.submission for item in items if item.channel is Channel.DECP]

    assert decp
    assert all(is_small_plain_market(s) for s in decp)


def is_small_plain_market(submission: Submission) -> bool:
    payload = submission.payload
    return (
        submission.kind is Kind.MARKET
        and submission.expected is Expected.ACCEPTED
        and not submission.tags
        and Decimal(str(payload["amount_ht"])) <= DECP_CEILING
        and payload["insertion_commitment"] is None
    )
