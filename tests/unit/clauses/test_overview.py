"""People on a market by gender and contract type: no published figure singles anyone out."""

from hypothesis import given
from hypothesis import strategies as st

from services.clauses.overview import Beneficiaries, Person, beneficiaries

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
