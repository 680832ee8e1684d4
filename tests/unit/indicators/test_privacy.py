"""Small-cell suppression: no published breakdown lets a reader single a person out."""

from hypothesis import given
from hypothesis import strategies as st

from services.indicators.domain.compute import PARTITIONS, compute_years
from services.indicators.domain.facts import YearFacts
from services.indicators.domain.measures import Cell
from shared.aggregates import CountedThing
from shared.indicators import IndicatorValue
from shared.privacy import Partition, suppressed_cells
from tests.unit.indicators.helpers import NO_TARGETS, cell

GENDER = Partition(("total", None), (("gender", "female"), ("gender", "male"), ("gender", "x")))


def gender_counts(female: int, male: int, unspecified: int = 0) -> dict[Cell, int]:
    return {
        ("total", None): female + male + unspecified,
        ("gender", "female"): female,
        ("gender", "male"): male,
        ("gender", "x"): unspecified,
    }


def test_a_cell_of_3_people_is_hidden_and_so_is_the_cell_that_would_reveal_it() -> None:
    hidden = suppressed_cells(gender_counts(3, 275), [GENDER], threshold=5)

    assert hidden == {("gender", "female"), ("gender", "male")}


def test_cells_of_5_people_or_more_and_empty_cells_are_published() -> None:
    hidden = suppressed_cells(gender_counts(5, 275), [GENDER], threshold=5)

    assert hidden == frozenset()


def test_the_threshold_is_configurable() -> None:
    hidden = suppressed_cells(gender_counts(8, 275, 12), [GENDER], threshold=10)

    assert hidden == {("gender", "female"), ("gender", "x")}


def test_a_total_below_the_threshold_is_hidden_with_its_cells() -> None:
    hidden = suppressed_cells(gender_counts(1, 3), [GENDER], threshold=5)

    assert hidden == {("total", None), ("gender", "female"), ("gender", "male")}


def test_a_roll_up_cannot_reveal_one_of_its_parts() -> None:
    counts: dict[Cell, int] = {
        ("contracts", None): 300,
        ("type", "cdi"): 246,
        ("type", "apprenticeship"): 3,
        ("type", "professionalisation"): 51,
        ("type", "alternance"): 54,
    }
    partitions: list[Partition[tuple[str, str | None]]] = [
        Partition(
            ("contracts", None),
            (("type", "cdi"), ("type", "apprenticeship"), ("type", "professionalisation")),
        ),
        Partition(
            ("type", "alternance"), (("type", "apprenticeship"), ("type", "professionalisation"))
        ),
    ]

    hidden = suppressed_cells(counts, partitions, threshold=5)

    assert {("type", "apprenticeship"), ("type", "professionalisation")} <= hidden


def published_indicators(female: int, male: int) -> list[IndicatorValue]:
    facts = YearFacts(
        year=2023,
        counts={
            (CountedThing.BENEFICIARIES, "all", "all"): female + male,
            (CountedThing.BENEFICIARIES, "gender", "female"): female,
            (CountedThing.BENEFICIARIES, "gender", "male"): male,
        },
    )
    return compute_years({2023: facts}, targets=NO_TARGETS, threshold=5)[2023]


def test_a_hidden_cell_publishes_no_figure_and_neither_do_the_shares_drawn_from_it() -> None:
    values = published_indicators(female=3, male=40)

    women = cell(values, "social.beneficiaries_by_gender", "female")
    share = cell(values, "social.women_share")
    assert women.suppressed
    assert (women.value, women.numerator, women.denominator) == (None, None, None)
    assert share.suppressed
    assert (share.value, share.numerator, share.denominator) == (None, None, None)
    assert cell(values, "social.beneficiaries_by_gender", "male").suppressed
    assert cell(values, "social.beneficiaries").value == 43


def test_hours_and_markets_are_not_breakdowns_of_people_and_are_never_hidden() -> None:
    values = published_indicators(female=1, male=1)

    assert not cell(values, "social.markets_with_hours").suppressed
    assert not cell(values, "social.insertion_hours").suppressed


counts_of_people = st.integers(min_value=0, max_value=40)


@given(
    members=st.lists(counts_of_people, min_size=2, max_size=6),
    roll_up=st.integers(min_value=0, max_value=1),
    threshold=st.integers(min_value=2, max_value=11),
)
def test_no_published_figure_leaves_a_small_group_recomputable(
    members: list[int], roll_up: int, threshold: int
) -> None:
    cells = [("member", str(i)) for i in range(len(members))]
    counts: dict[Cell, int] = dict(zip(cells, members, strict=True))
    counts[("total", None)] = sum(members)
    partitions = [Partition(("total", None), tuple(cells))]
    if roll_up:
        counts[("roll_up", None)] = members[0] + members[1]
        partitions.append(Partition(("roll_up", None), tuple(cells[:2])))

    hidden = suppressed_cells(counts, partitions, threshold=threshold)

    for published in set(counts) - hidden:
        assert counts[published] == 0 or counts[published] >= threshold
    for partition in partitions:
        if partition.total not in hidden:
            concealed = [c for c in partition.members if c in hidden]
            assert not concealed or (
                len(concealed) >= 2 and sum(counts[c] for c in concealed) >= threshold
            )


def test_the_service_partitions_cover_gender_contract_types_and_alternance() -> None:
    totals = {partition.total for partition in PARTITIONS}

    assert totals == {
        ("social.beneficiaries", None),
        ("social.contracts", None),
        ("social.contracts_by_type", "alternance"),
    }
