"""The same seed gives byte-identical output; another seed gives other facts."""

from reference_dataset.export import files
from reference_dataset.generator.generate import generate
from reference_dataset.stream import arrange
from tests.unit.dataset import cached


def test_the_same_seed_gives_byte_identical_files() -> None:
    first = generate(cached.REFERENCE_SEED)
    second = generate(cached.REFERENCE_SEED)

    assert files(first, arrange(first)) == files(second, arrange(second))


def test_another_seed_gives_other_markets_people_and_hours() -> None:
    reference, other = cached.dataset(), generate(cached.REFERENCE_SEED + 1)

    assert reference.markets != other.markets
    assert {c.beneficiary_id for c in reference.contracts} != {
        c.beneficiary_id for c in other.contracts
    }
    assert reference.hours != other.hours


def test_the_files_are_json_lines_of_the_final_facts_and_of_the_submissions() -> None:
    dataset = cached.dataset()

    texts = files(dataset, cached.submissions())

    assert texts["markets.jsonl"].count("\n") == len(dataset.markets)
    assert texts["monthly_hours.jsonl"].count("\n") == len(dataset.hours)
    assert texts["submissions.jsonl"].count("\n") == len(cached.submissions())
    assert '"2023"' in texts["figures.json"]
