"""Share an exact integer total among items, in proportion to weights, within floors and caps."""

from collections.abc import Sequence


def apportion(
    total: int,
    weights: Sequence[float],
    *,
    floors: Sequence[int] | None = None,
    caps: Sequence[int] | None = None,
) -> list[int]:
    """Integers that sum to `total` exactly, proportional to `weights` (largest remainders).

    Each item gets at least its floor and at most its cap; what a capped item cannot take
    goes to the others in proportion to their weights.
    """
    size = len(weights)
    low = list(floors) if floors is not None else [0] * size
    high = list(caps) if caps is not None else [total] * size
    if not sum(low) <= total <= sum(high):
        raise ValueError(f"cannot share {total} within floors {sum(low)} and caps {sum(high)}")
    given = list(low)
    remaining = total - sum(low)
    active = [i for i in range(size) if high[i] > given[i] and weights[i] > 0]
    while remaining > 0:
        if not active:
            raise ValueError(f"{remaining} left to share and no item can take more")
        weight = sum(weights[i] for i in active)
        shares = {i: remaining * weights[i] / weight for i in active}
        handed = 0
        for i in active:
            take = min(int(shares[i]), high[i] - given[i])
            given[i] += take
            handed += take
        remaining -= handed
        order = sorted(active, key=lambda i: (int(shares[i]) - shares[i], i))
        for i in order:
            if remaining == 0:
                break
            if given[i] < high[i]:
                given[i] += 1
                remaining -= 1
        active = [i for i in active if given[i] < high[i]]
    return given
