"""Sharing an exact total: the law every exact figure of the dataset rests on."""

from hypothesis import given
from hypothesis import strategies as st

from reference_dataset.generator.apportion import apportion

weights_and_caps = st.lists(
    st.tuples(st.floats(min_value=0.01, max_value=100), st.integers(0, 5), st.integers(0, 500)),
    min_size=1,
    max_size=40,
)


@given(items=weights_and_caps, fill=st.floats(min_value=0, max_value=1))
def test_shares_sum_exactly_to_the_total_within_floors_and_caps(
    items: list[tuple[float, int, int]], fill: float
) -> None:
    weights = [w for w, _, _ in items]
    floors = [f for _, f, _ in items]
    caps = [f + room for _, f, room in items]
    total = sum(floors) + int(fill * (sum(caps) - sum(floors)))

    shares = apportion(total, weights, floors=floors, caps=caps)

    assert sum(shares) == total
    assert all(f <= s <= c for s, f, c in zip(shares, floors, caps, strict=True))


def test_shares_follow_the_weights_when_nothing_is_capped() -> None:
    shares = apportion(100, [1.0, 3.0])

    assert shares == [25, 75]
