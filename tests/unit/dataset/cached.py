"""Generated once per test session: generation is pure, so caching it changes nothing."""

from functools import cache

from deploy.dataset.figures import YearFigures, all_figures
from deploy.dataset.generate import generate
from deploy.dataset.mess import arrange
from deploy.dataset.model import Dataset, Submission

REFERENCE_SEED = 2023


@cache
def dataset(seed: int = REFERENCE_SEED) -> Dataset:
    """The dataset of a seed."""
    return generate(seed)


@cache
def submissions(seed: int = REFERENCE_SEED) -> tuple[Submission, ...]:
    """The submissions of a seed's dataset, with the mess."""
    return arrange(dataset(seed))


@cache
def figures(seed: int = REFERENCE_SEED) -> dict[int, YearFigures]:
    """The oracle's figures of a seed's dataset."""
    return all_figures(dataset(seed))
