"""People on a market by gender and contract type: no published figure singles anyone out."""

from collections.abc import Hashable

from hypothesis import given, settings
from hypothesis import strategies as st

from services.clauses.domain.people_counts import Beneficiaries, Person, beneficiaries
from tests.differencing import Relation, derived_sums, determined, recovered_by_combination

people = st.lists(
    st.builds(
        Person,
        beneficiary=st.sampled_from([f"p{n}" for n in range(30)]),
        gender=st.sampled_from(["female", "male", "unspecified"]),
        contract_type=st.sampled_from(["cddi", "cdi", "interim", "apprenticeship"]),
    ),
    max_size=60,
)


def published(counts: Beneficiaries) -> list[int]:
    cells = [counts.total, *counts.by_gender, *counts.by_contract_type]
    return [cell.count for cell in cells if cell.count is not None]


@given(people)
def test_no_published_count_of_people_is_between_one_and_the_threshold(
    found: list[Person],
) -> None:
    counts = beneficiaries(found, threshold=5)

    assert all(count == 0 or count >= 5 for count in published(counts))


@given(people)
def test_a_suppressed_cell_has_no_figure_and_a_published_one_has(found: list[Person]) -> None:
    counts = beneficiaries(found, threshold=5)

    for cell in [counts.total, *counts.by_gender, *counts.by_contract_type]:
        assert (cell.count is None) == cell.suppressed


def test_a_person_with_two_contracts_is_counted_once() -> None:
    twice = [Person(f"p{n}", "female", "cddi") for n in range(5)] * 2

    counts = beneficiaries(twice, threshold=5)

    assert counts.total.count == 5
    assert [cell.count for cell in counts.by_gender] == [5]


@st.composite
def one_contract_type_each(draw: st.DrawFn) -> list[Person]:
    """People with one gender and one contract type each (the breakdowns add up exactly)."""
    genders = st.sampled_from(["female", "male", "unspecified"])
    kinds = st.sampled_from(["cddi", "cdi", "interim", "apprenticeship", "cdd"])
    how_many = draw(st.integers(min_value=0, max_value=40))
    return [Person(f"p{n}", draw(genders), draw(kinds)) for n in range(how_many)]


@settings(max_examples=300, deadline=None)
@given(one_contract_type_each())
def test_no_combination_of_the_total_and_both_breakdowns_recovers_a_hidden_count(
    found: list[Person],
) -> None:
    counts = beneficiaries(found, threshold=5)

    rows = {"gender": counts.by_gender, "contract_type": counts.by_contract_type}
    relations: list[Relation] = [
        ("all", [(name, c.value) for c in cells]) for name, cells in rows.items()
    ]
    published: dict[Hashable, int] = {
        (name, c.value): c.count
        for name, cells in rows.items()
        for c in cells
        if c.count is not None
    }
    hidden: set[Hashable] = {
        (name, c.value) for name, cells in rows.items() for c in cells if c.suppressed
    }
    if counts.total.count is None:
        hidden.add("all")
    else:
        published["all"] = counts.total.count
    assert recovered_by_combination(relations, published) == {}
    assert determined(relations, hidden) == set()
    for cells, figure in derived_sums(relations, published):
        assert len(cells) >= 2
        assert figure >= 5
