"""The record batches' partitioner is Kafka's: a key lands where any client puts it."""

from aiokafka.partitioner import DefaultPartitioner, murmur2
from hypothesis import given
from hypothesis import strategies as st

from shared.record_batches import murmur2 as fast_murmur2
from shared.record_batches import partition_of


@given(st.binary(max_size=300))
def test_the_fast_murmur2_equals_the_reference_hash_of_any_key(key: bytes) -> None:
    expected = murmur2(key)

    found = fast_murmur2(key)

    assert found == expected


@given(st.binary(min_size=1, max_size=300), st.integers(min_value=1, max_value=64))
def test_a_key_goes_to_the_partition_of_aiokafkas_default_partitioner(
    key: bytes, partitions: int
) -> None:
    every = list(range(partitions))

    found = partition_of(key, every, every)

    assert found == DefaultPartitioner()(key, every, every)
