"""Small-cell suppression: no published breakdown of people lets a reader single a person out.

Shared by the indicators (every published breakdown) and the clauses service (a market's
beneficiaries by gender and contract type). A cell is any hashable name of a count.

Method: primary threshold, then complementary suppression over declared linear relations.
Every relation a reader knows is declared as a `Partition` (total = sum of members): each
breakdown with its total, and each roll-up (alternance = apprenticeship +
professionalisation, or any later one) the same way. Partitions may share cells.

1. Primary: every cell counting between 1 and `threshold - 1` people is hidden.
2. Complementary: combining the relations with any coefficients and putting in the
   published figures, a reader gets linear equations over the hidden cells alone. When one
   of them has only coefficients 1, the reader knows the sum of those hidden cells (a
   derived sum; one cell alone is that cell recovered exactly). Every derived sum must
   cover at least two hidden cells and hold at least `threshold` people. While one does
   not, one more published non-zero cell of a relation it touches is hidden (a member
   before a total, the smallest first, preferably one that makes that sum underivable).

So no hidden cell is determined by the published cells and the relations (its unit vector
is not in the row space of the relations restricted to the hidden cells), and no sum of
hidden cells a reader can derive is itself a small cell. Differences a reader can derive
(a - b) are not sums of people and are allowed. The derived sums are enumerated exactly
(rational row reduction, then every 0/1 choice of the pivots), so the cost grows as
2 ** (independent relations touching hidden cells): a handful per breakdown here.
"""

from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Generic, TypeVar

Cell = TypeVar("Cell", bound=Hashable)

DEFAULT_THRESHOLD = 5


@dataclass(frozen=True, slots=True)
class Partition(Generic[Cell]):
    """A declared linear relation, total = sum of members: a breakdown or a roll-up."""

    total: Cell
    members: tuple[Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        """The total and the members."""
        return (self.total, *self.members)


def _reduced_rows(
    relations: Sequence[Partition[Cell]], columns: Sequence[Cell]
) -> list[list[Fraction]]:
    """The relations restricted to `columns`, in reduced row echelon form (no zero row)."""
    index = {cell: i for i, cell in enumerate(columns)}
    rows: list[list[Fraction]] = []
    for relation in relations:
        row = [Fraction(0)] * len(columns)
        for cell, sign in ((relation.total, 1), *((m, -1) for m in relation.members)):
            if cell in index:
                row[index[cell]] += sign
        rows.append(row)
    reduced: list[list[Fraction]] = []
    for column in range(len(columns)):
        pivot = next((row for row in rows if row[column] != 0), None)
        if pivot is None:
            continue
        rows.remove(pivot)
        pivot = [value / pivot[column] for value in pivot]
        rows = [[a - row[column] * b for a, b in zip(row, pivot, strict=True)] for row in rows]
        reduced = [
            [a - row[column] * b for a, b in zip(row, pivot, strict=True)] for row in reduced
        ]
        reduced.append(pivot)
    return reduced


def derivable_sums(
    relations: Iterable[Partition[Cell]], hidden: Iterable[Cell]
) -> Iterator[frozenset[Cell]]:
    """Every non-empty set of hidden cells whose sum follows from the relations and the rest."""
    columns = sorted(set(hidden), key=repr)
    rows = _reduced_rows(tuple(relations), columns)
    # A vector of the row space is fixed by its pivot coordinates, which are 0 or 1 here.
    for choice in range(1, 2 ** len(rows)):
        combined = [Fraction(0)] * len(columns)
        for bit, row in enumerate(rows):
            if choice >> bit & 1:
                combined = [a + b for a, b in zip(combined, row, strict=True)]
        if all(value in (0, 1) for value in combined):
            yield frozenset(cell for cell, value in zip(columns, combined, strict=True) if value)


def _leaks(
    counts: Mapping[Cell, int],
    relations: Sequence[Partition[Cell]],
    hidden: set[Cell],
    threshold: int,
) -> list[frozenset[Cell]]:
    """The derived sums that single a cell out or count fewer than `threshold` people."""
    leaks = [
        cells
        for cells in derivable_sums(relations, hidden)
        if len(cells) < 2 or sum(counts.get(cell, 0) for cell in cells) < threshold
    ]
    return sorted(
        leaks,
        key=lambda cells: (
            len(cells),
            sum(counts.get(cell, 0) for cell in cells),
            sorted(map(repr, cells)),
        ),
    )


def _candidates(
    leak: frozenset[Cell],
    counts: Mapping[Cell, int],
    relations: Sequence[Partition[Cell]],
    hidden: set[Cell],
) -> list[Cell]:
    """Published non-zero cells that may protect a leak: members first, the smallest first."""
    totals = {relation.total for relation in relations}
    touching = [relation for relation in relations if leak & set(relation.cells)]
    for pool in (touching, relations):
        found = {
            cell
            for relation in pool
            for cell in relation.cells
            if cell not in hidden and counts.get(cell, 0) > 0
        }
        if found:
            return sorted(found, key=lambda c: (c in totals, counts.get(c, 0), repr(c)))
    return []


def suppressed_cells(
    counts: Mapping[Cell, int], partitions: Iterable[Partition[Cell]], *, threshold: int
) -> frozenset[Cell]:
    """Every cell to hide: small cells, then whatever would let a reader recompute one."""
    relations = tuple(partitions)
    hidden = {cell for cell, count in counts.items() if 0 < count < threshold}
    while leaks := _leaks(counts, relations, hidden, threshold):
        leak = leaks[0]
        candidates = _candidates(leak, counts, relations, hidden)
        if not candidates:  # every non-zero cell is hidden: the relations are inconsistent
            break
        closing = (
            cell
            for cell in candidates
            if leak not in _leaks(counts, relations, hidden | {cell}, threshold)
        )
        hidden.add(next(closing, candidates[0]))
    return frozenset(hidden)
