"""A contract id keeps one market and one employer across the units judged together."""

from hypothesis import given
from hypothesis import strategies as st

from harness.builders import HOLDER_SIRET, a_contract
from services.ingest.application.ingestor import Outcome, Refused, one_owner_per_contract
from shared.events import Event, WorkContractSigned

OTHER_SIRET = "44306184100047"
OWNERS = [("M-1", HOLDER_SIRET), ("M-1", OTHER_SIRET), ("M-2", HOLDER_SIRET)]


def contract(contract_id: str, owner: int) -> WorkContractSigned:
    market_id, employer = OWNERS[owner]
    return a_contract(contract_id=contract_id, market_id=market_id, employer_siret=employer)


def test_a_second_sender_claiming_a_new_id_in_the_same_batch_is_refused_without_whose() -> None:
    built: list[tuple[int, list[Event]]] = [(0, [contract("C-9", 0)]), (1, [contract("C-9", 1)])]
    outcomes: dict[int, Outcome] = {}

    kept = one_owner_per_contract(built, outcomes, {})

    assert [index for index, _ in kept] == [0]
    refused = outcomes[1]
    assert isinstance(refused, Refused)
    assert (refused.status, [p.code for p in refused.problems]) == (422, ["contract_id_taken"])
    assert HOLDER_SIRET not in refused.problems[0].message


def test_the_same_owner_may_send_a_contract_twice_in_a_batch() -> None:
    built: list[tuple[int, list[Event]]] = [(0, [contract("C-9", 2)]), (1, [contract("C-9", 2)])]
    outcomes: dict[int, Outcome] = {}

    kept = one_owner_per_contract(built, outcomes, {})

    assert [index for index, _ in kept] == [0, 1]
    assert outcomes == {}


def test_an_id_claimed_by_an_earlier_batch_is_refused_to_another_owner() -> None:
    claimed: dict[str, tuple[str, str]] = {}
    one_owner_per_contract([(0, [contract("C-9", 0)])], {}, claimed)
    outcomes: dict[int, Outcome] = {}

    kept = one_owner_per_contract([(0, [contract("C-9", 1)])], outcomes, claimed)

    assert kept == []
    assert isinstance(outcomes[0], Refused)
    assert claimed == {"C-9": OWNERS[0]}


@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(["C-1", "C-2", "C-3"]), st.integers(0, 2)), max_size=4),
        max_size=8,
    )
)
def test_the_units_kept_never_give_one_contract_id_two_owners(
    units: list[list[tuple[str, int]]],
) -> None:
    built: list[tuple[int, list[Event]]] = [
        (index, [contract(cid, owner) for cid, owner in claims])
        for index, claims in enumerate(units)
    ]
    outcomes: dict[int, Outcome] = {}

    kept = one_owner_per_contract(built, outcomes, {})

    owners: dict[str, set[tuple[str, str]]] = {}
    for _, events in kept:
        for event in events:
            assert isinstance(event, WorkContractSigned)
            owners.setdefault(event.contract_id, set()).add((event.market_id, event.employer_siret))
    assert all(len(found) == 1 for found in owners.values())
    assert sorted([i for i, _ in kept] + list(outcomes)) == list(range(len(units)))
