"""Hours and amounts as exact integers of hundredths: the contract allows two decimals at most.

An integer number of hundredths is exact, small and fast to add; every service that sums
hours or amounts keeps them this way and turns them back into decimals at its edge.
"""

from decimal import Decimal


def to_hundredths(value: Decimal) -> int:
    """An amount with at most two decimals as an exact integer of hundredths."""
    return int(value.scaleb(2))


def from_hundredths(value: int) -> Decimal:
    """The decimal amount of an integer of hundredths (two decimals)."""
    return Decimal(value).scaleb(-2)
