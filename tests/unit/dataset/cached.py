"""Generated once per test session: generation is pure, so caching it changes nothing."""

from functools import cache

from reference_dataset.generator.generate import generate
from reference_dataset.oracle import YearFigures, all_figures
from reference_dataset.records import Dataset, Submission
from reference_dataset.stream import arrange

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
