"""A reader attacking small-cell suppression by differencing, written apart from shared.privacy.

The reader knows the published figures and the linear relations between cells (each total is
the sum of its members, roll-ups included). Two attacks:
- `combinations`: every combination of the relations with coefficients in {-1, 0, 1}, each
  giving an equation `sum(a_h * hidden_h) = sum(b_p * published_p)` the reader can evaluate;
- `determined`: exact linear algebra, a hidden cell is determined when its unit vector lies in
  the row space of the relations restricted to the hidden cells (rank test over fractions).
"""

from collections.abc import Hashable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from fractions import Fraction
from itertools import product

Relation = tuple[Hashable, Sequence[Hashable]]
"""A total and the cells that add up to it."""


@dataclass(frozen=True)
class Equation:
    """What one combination of relations tells: hidden cells with coefficients = a figure."""

    hidden: dict[Hashable, int]
    figure: int


def _signed(relation: Relation) -> dict[Hashable, int]:
    total, members = relation
    terms: dict[Hashable, int] = {total: 1}
    for member in members:
        terms[member] = terms.get(member, 0) - 1
    return terms


def combinations(
    relations: Sequence[Relation], published: Mapping[Hashable, int]
) -> Iterator[Equation]:
    """Each {-1, 0, 1} combination of the relations, evaluated with the published figures."""
    for coefficients in product((-1, 0, 1), repeat=len(relations)):
        terms: dict[Hashable, int] = {}
        for coefficient, relation in zip(coefficients, relations, strict=True):
            for cell, sign in _signed(relation).items():
                terms[cell] = terms.get(cell, 0) + coefficient * sign
        figure = -sum(sign * published[cell] for cell, sign in terms.items() if cell in published)
        hidden = {cell: sign for cell, sign in terms.items() if sign and cell not in published}
        if hidden:
            yield Equation(hidden, figure)


def recovered_by_combination(
    relations: Sequence[Relation], published: Mapping[Hashable, int]
) -> dict[Hashable, int]:
    """Hidden cells a {-1, 0, 1} combination isolates, with the figure the reader gets."""
    found: dict[Hashable, int] = {}
    for equation in combinations(relations, published):
        if len(equation.hidden) == 1:
            [(cell, sign)] = equation.hidden.items()
            found[cell] = equation.figure * sign
    return found


def derived_sums(
    relations: Sequence[Relation], published: Mapping[Hashable, int]
) -> list[tuple[frozenset[Hashable], int]]:
    """Sums of hidden cells (every coefficient +1, or every one -1) the reader evaluates."""
    sums = []
    for equation in combinations(relations, published):
        signs = set(equation.hidden.values())
        if signs in ({1}, {-1}):
            sign = signs.pop()
            sums.append((frozenset(equation.hidden), equation.figure * sign))
    return sums


def _rank(rows: list[list[Fraction]]) -> int:
    matrix = [row[:] for row in rows]
    rank = 0
    width = len(matrix[0]) if matrix else 0
    for column in range(width):
        pivot = next((i for i in range(rank, len(matrix)) if matrix[i][column]), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for i in range(len(matrix)):
            if i != rank and matrix[i][column]:
                factor = matrix[i][column] / matrix[rank][column]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[rank], strict=True)]
        rank += 1
    return rank


def determined(relations: Sequence[Relation], hidden: Set[Hashable]) -> set[Hashable]:
    """Hidden cells whose value the relations and the published cells fix exactly."""
    columns = sorted(hidden, key=repr)
    rows = []
    for relation in relations:
        terms = _signed(relation)
        rows.append([Fraction(terms.get(cell, 0)) for cell in columns])
    rank = _rank(rows)
    found = set()
    for i, cell in enumerate(columns):
        unit = [Fraction(int(i == j)) for j in range(len(columns))]
        if _rank([*rows, unit]) == rank:
            found.add(cell)
    return found
