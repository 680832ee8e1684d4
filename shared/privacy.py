"""Small-cell suppression: no published breakdown of people lets a reader single a person out.

Shared by the indicators (every published breakdown) and the clauses service (a market's
beneficiaries by gender and contract type). A cell is any hashable name of a count.

Primary suppression hides every cell counting between 1 and `threshold - 1` people. A
published total minus the published members gives the sum of the hidden members, so in
every partition whose total is published the hidden members must be at least two and hold
at least `threshold` people together; otherwise the smallest published non-zero member is
hidden too, or the total when no member is left. This repeats until nothing changes, so
partitions that share cells (a roll-up inside a breakdown) protect each other.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

Cell = TypeVar("Cell", bound=Hashable)

DEFAULT_THRESHOLD = 5


@dataclass(frozen=True, slots=True)
class Partition(Generic[Cell]):
    """A total and the cells that add up to it."""

    total: Cell
    members: tuple[Cell, ...]


def _exposed(
    partition: Partition[Cell], counts: Mapping[Cell, int], hidden: set[Cell], threshold: int
) -> bool:
    """True when the hidden members of a partition with a published total are too few."""
    if partition.total in hidden:
        return False
    concealed = [cell for cell in partition.members if cell in hidden]
    if not concealed:
        return False
    return len(concealed) < 2 or sum(counts.get(cell, 0) for cell in concealed) < threshold


def _next_to_hide(
    partition: Partition[Cell], counts: Mapping[Cell, int], hidden: set[Cell]
) -> Cell:
    """The smallest published non-zero member, else the total itself."""
    candidates = [
        cell for cell in partition.members if cell not in hidden and counts.get(cell, 0) > 0
    ]
    if not candidates:
        return partition.total
    return min(candidates, key=lambda cell: (counts.get(cell, 0), str(cell)))


def suppressed_cells(
    counts: Mapping[Cell, int], partitions: Iterable[Partition[Cell]], *, threshold: int
) -> frozenset[Cell]:
    """Every cell to hide: small cells, then whatever would let a reader recompute one."""
    groups = tuple(partitions)
    hidden = {cell for cell, count in counts.items() if 0 < count < threshold}
    changed = True
    while changed:
        changed = False
        for partition in groups:
            if _exposed(partition, counts, hidden, threshold):
                hidden.add(_next_to_hide(partition, counts, hidden))
                changed = True
    return frozenset(hidden)
