"""Pure helpers of the pipeline freshness benchmark: percentiles and report/poll matching.

No I/O and no clock: times are plain floats (seconds on one monotonic clock), amounts are
integer hundredths of an hour, so the matching is exact and testable.
"""

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True, slots=True)
class Accepted:
    """A report ingest answered 202 to: when the answer arrived, and the hours it adds."""

    at: float
    cents: int


@dataclass(frozen=True, slots=True)
class Observation:
    """One poll of the indicator: when it was sent, when it was answered, the total seen."""

    sent: float
    received: float
    cents: int | None  # None: the year had no page yet (404) or no such indicator


@dataclass(frozen=True, slots=True)
class Matching:
    """Each accepted report's freshness (None when never seen), and how the polls looked."""

    freshness: list[float | None]
    not_a_prefix: int  # polls whose total is no prefix sum of the reports in 202 order


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `fraction` of them <= it."""
    if not values:
        raise ValueError("no values")
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def match(base: int, accepted: Sequence[Accepted], polls: Sequence[Observation]) -> Matching:
    """When each report became visible, in the order of the 202 answers.

    Reports are ranked by the arrival of their 202; report k is counted as visible at the
    answer of the first poll *sent after its 202 arrived* whose total is at least `base` plus
    the hours of reports 1..k. Its freshness is that answer's time minus its 202's time.
    Polls must be in the order they were sent (one at a time, so answers are in order too).
    """
    ranked = sorted(accepted, key=lambda report: report.at)
    sums = list(accumulate(report.cents for report in ranked))
    sent = [poll.sent for poll in polls]
    freshness: list[float | None] = []
    j = 0
    for report, wanted in zip(ranked, sums, strict=True):
        # the first poll satisfying report k also satisfies k-1's conditions, so j only grows
        j = max(j, bisect.bisect_left(sent, report.at))
        while j < len(polls) and (polls[j].cents or 0) < base + wanted:
            j += 1
        freshness.append(polls[j].received - report.at if j < len(polls) else None)
    prefixes = {base, *(base + total for total in sums)}
    odd = sum(1 for poll in polls if poll.cents is not None and poll.cents not in prefixes)
    return Matching(freshness, odd)
