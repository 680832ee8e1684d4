"""The raw benchmark's time: one key is its first-to-last span; several keys count only
while every key was being published."""

from typing import NamedTuple

from bench.ingest_throughput import busy_seconds


class Record(NamedTuple):
    key: bytes
    timestamp: int


def test_with_one_key_the_time_is_from_the_first_timestamp_to_the_last() -> None:
    records = [Record(b"a", t) for t in (1000, 1500, 3000)]

    assert busy_seconds(records) == 2.0


def test_a_key_that_starts_late_does_not_count_as_slow() -> None:
    # a published 1 000 events/s from t=0; b joined at t=2 s and also ran at 1 000/s
    a = [Record(b"a", t) for t in range(0, 6000)]
    b = [Record(b"b", t) for t in range(2000, 6000)]

    seconds = busy_seconds(a + b)

    assert abs(len(a + b) / seconds - 2000) < 2  # fencepost: the window ends on a timestamp
