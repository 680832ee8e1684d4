"""Snapshots: each changed indicator cell is published under its key, and only what changed."""

from harness.builders import a_distinct_count, an_aggregate_change, beneficiary_counts
from shared.aggregates import aggregate_key
from tests.component.indicators.conftest import Running


async def test_every_cell_is_published_once_under_its_key_with_the_targets_version(
    running: Running,
) -> None:
    await running.change(*beneficiary_counts(female=44, male=234))

    sent = await running.service.snapshots.publish_changes()
    again = await running.service.snapshots.publish_changes()

    keys = [key for key, _ in running.snapshots]
    snapshot = dict(running.snapshots)["social.women_share|2023"]
    assert snapshot is not None
    assert (snapshot.indicator.numerator, snapshot.indicator.denominator) == (44, 278)
    assert snapshot.targets_version == running.service.live.targets.version
    assert snapshot.data_applied_at is not None
    assert sent == len(keys) == len(set(keys))
    assert again == 0


async def test_a_change_republishes_only_the_cells_it_moves(running: Running) -> None:
    await running.change(*beneficiary_counts(female=44, male=234))
    await running.service.snapshots.publish_changes()
    running.snapshots.clear()

    await running.change(*beneficiary_counts(female=54, male=234))
    await running.service.snapshots.publish_changes()

    assert sorted(key for key, _ in running.snapshots) == [
        "social.beneficiaries_by_gender|2023|gender=female",
        "social.beneficiaries|2023",
        "social.men_share|2023",
        "social.women_share|2023",
    ]


async def test_cells_of_a_year_that_disappears_get_tombstones(running: Running) -> None:
    count = a_distinct_count(year=2021, count=7)
    await running.change(an_aggregate_change(count))
    await running.service.snapshots.publish_changes()
    published = {key for key, _ in running.snapshots}
    running.snapshots.clear()

    await running.service.broker.publish(
        None, running.service.settings.aggregates_topic, key=aggregate_key(count).encode()
    )
    await running.service.snapshots.publish_changes()

    assert {key for key, snapshot in running.snapshots if snapshot is None} == published
