"""Small-cell suppression: no published breakdown lets a reader single a person out."""

from collections.abc import Hashable

from hypothesis import given, settings
from hypothesis import strategies as st

from services.indicators.domain.compute import PARTITIONS, compute_years
from services.indicators.domain.facts import YearFacts
from services.indicators.domain.measures import Cell
from shared.aggregates import CountedThing
from shared.codes import ALTERNANCE, ContractType
from shared.indicators import IndicatorValue
from shared.privacy import Partition, suppressed_cells
from tests.differencing import Relation, derived_sums, determined, recovered_by_combination
from tests.unit.dataset.cached import figures
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


@st.composite
def breakdowns(draw: st.DrawFn) -> tuple[dict[Hashable, int], list[Partition[Hashable]], int]:
    """A breakdown with its total, declared roll-ups of its members, maybe a second breakdown
    of the same total (gender and contract type of the same people)."""
    sizes = st.integers(min_value=0, max_value=30)
    members = draw(st.lists(sizes, min_size=2, max_size=7))
    cells: list[Hashable] = [("member", i) for i in range(len(members))]
    counts: dict[Hashable, int] = dict(zip(cells, members, strict=True))
    counts["total"] = sum(members)
    partitions: list[Partition[Hashable]] = [Partition("total", tuple(cells))]
    for index, parts in enumerate(
        draw(st.lists(st.sets(st.sampled_from(cells), min_size=2), max_size=3))
    ):
        counts[("roll_up", index)] = sum(counts[part] for part in parts)
        partitions.append(Partition(("roll_up", index), tuple(sorted(parts, key=repr))))
    if draw(st.booleans()):
        cuts = sorted(draw(st.lists(st.integers(0, counts["total"]), max_size=3)))
        other = [b - a for a, b in zip([0, *cuts], [*cuts, counts["total"]], strict=True)]
        others: list[Hashable] = [("other", i) for i in range(len(other))]
        counts.update(zip(others, other, strict=True))
        partitions.append(Partition("total", tuple(others)))
    return counts, partitions, draw(st.integers(min_value=2, max_value=11))


@settings(max_examples=400, deadline=None)
@given(breakdowns())
def test_no_combination_of_published_cells_and_relations_recovers_a_hidden_cell(
    breakdown: tuple[dict[Hashable, int], list[Partition[Hashable]], int],
) -> None:
    counts, partitions, threshold = breakdown
    relations: list[Relation] = [(p.total, p.members) for p in partitions]

    hidden = suppressed_cells(counts, partitions, threshold=threshold)

    published = {c: n for c, n in counts.items() if c not in hidden}
    assert all(n == 0 or n >= threshold for n in published.values())
    assert recovered_by_combination(relations, published) == {}
    assert determined(relations, set(hidden)) == set()
    for cells, figure in derived_sums(relations, published):
        assert figure == sum(counts[c] for c in cells)  # the reader's figure is the truth
        assert len(cells) >= 2
        assert figure >= threshold


def contracts_2020() -> tuple[dict[str, int], list[IndicatorValue]]:
    """The reference dataset's 2020 contracts as clauses publishes them, and the indicators."""
    year = figures()[2020]
    by_type = dict(year.contracts_by_type)
    counts = {(CountedThing.CONTRACTS, "all", "all"): year.contracts}
    counts |= {(CountedThing.CONTRACTS, "contract_type", k): n for k, n in by_type.items()}
    counts[(CountedThing.CONTRACTS, "contract_type", "alternance")] = year.alternance
    facts = YearFacts(year=2020, counts=counts)
    return by_type, compute_years({2020: facts}, targets=NO_TARGETS, threshold=5)[2020]


def published_contract_cells(values: list[IndicatorValue]) -> dict[Hashable, int]:
    """Every contract count a reader finds: the counts, and the numerators of the shares."""
    found: dict[Hashable, int] = {}
    for value in values:
        if value.id == "social.contracts" and value.value is not None:
            found["total"] = int(value.value)
        kind = value.breakdown.get("contract_type")
        if value.id == "social.contracts_by_type" and value.value is not None and kind:
            found[kind] = int(value.value)
        if value.id == "social.contract_type_share" and value.numerator is not None and kind:
            found[kind] = int(value.numerator)
    return found


def test_the_2020_reference_interim_cannot_be_total_minus_shown_types_minus_alternance() -> None:
    by_type, values = contracts_2020()
    relations: list[Relation] = [
        ("total", [kind.value for kind in ContractType]),
        ("alternance", sorted(kind.value for kind in ALTERNANCE)),
    ]

    published = published_contract_cells(values)

    hidden = {kind.value for kind in ContractType if kind.value not in published}
    assert by_type["interim"] == 3
    assert {"interim", "apprenticeship", "professionalisation"} <= hidden
    assert recovered_by_combination(relations, published) == {}
    assert determined([*relations], hidden | ({"alternance"} - set(published))) == set()
    assert published["total"] == 112
    for cells, figure in derived_sums(relations, published):
        assert len(cells) >= 2
        assert figure >= 5
