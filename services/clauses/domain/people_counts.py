"""The people with hours on a market, for its overview page: counted with small cells hidden.

The people are counted by gender and by contract type with the same small-cell
suppression as the indicators (`shared.privacy`): a hidden cell keeps its place with no
figure. Pure: the people come from the read queries, the threshold from the settings.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel

from shared.privacy import Partition, suppressed_cells

TOTAL = ("all", "all")
BREAKDOWNS = ("gender", "contract_type")


@dataclass(frozen=True, slots=True)
class Person:
    """One beneficiary's contract with hours on the market (the pseudonym stays here)."""

    beneficiary: str
    gender: str
    contract_type: str


class CountCell(BaseModel):
    """A count of people, or no figure when it is suppressed."""

    value: str
    count: int | None
    suppressed: bool


class Beneficiaries(BaseModel):
    """Distinct people with hours on the market, in total and by each breakdown."""

    threshold: int
    total: CountCell
    by_gender: list[CountCell]
    by_contract_type: list[CountCell]


def beneficiaries(people: Iterable[Person], *, threshold: int) -> Beneficiaries:
    """Distinct people by gender and contract type, small cells (and what reveals them) hidden."""
    members: dict[tuple[str, str], set[str]] = defaultdict(set)
    for person in people:
        members[TOTAL].add(person.beneficiary)
        members["gender", person.gender].add(person.beneficiary)
        members["contract_type", person.contract_type].add(person.beneficiary)
    counts = {cell: len(who) for cell, who in members.items()}
    partitions = [
        Partition(TOTAL, tuple(sorted(cell for cell in counts if cell[0] == breakdown)))
        for breakdown in BREAKDOWNS
    ]
    hidden = suppressed_cells(counts, partitions, threshold=threshold)

    def cell(key: tuple[str, str]) -> CountCell:
        suppressed = key in hidden
        return CountCell(
            value=key[1], count=None if suppressed else counts.get(key, 0), suppressed=suppressed
        )

    return Beneficiaries(
        threshold=threshold,
        total=cell(TOTAL),
        by_gender=[cell(key) for key in sorted(counts) if key[0] == "gender"],
        by_contract_type=[cell(key) for key in sorted(counts) if key[0] == "contract_type"],
    )
