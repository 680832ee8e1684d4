"""Hypothesis profiles: every property at its full count unless the fast loop asks for less.

Loaded for every run (`-p tests.hypothesis_profiles` in pyproject's pytest options). By
default nothing changes: each test runs the examples its own `@settings` asks for, as in
`make test` and CI. `make check` passes `--hypothesis-profile=fast`: each property then runs
a tenth of its examples, at least ten (all of them when it asks for fewer), so the fast loop
tries every law on fewer cases and CI still tries them on all.
"""

import pytest
from hypothesis import settings

FAST = "fast"
FAST_SHARE = 10  # the fast loop runs a tenth of each property's examples...
FAST_FLOOR = 10  # ...but at least this many, or all of them when a test asks for fewer

# a property without its own count runs the floor (the default profile runs 100)
settings.register_profile(FAST, max_examples=FAST_FLOOR)


def fast_count(examples: int) -> int:
    """The examples the fast loop runs of a property that asks for this many."""
    return min(examples, max(FAST_FLOOR, examples // FAST_SHARE))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under the fast profile, lower each property's own count (an explicit @settings wins
    over any profile, so the profile alone would leave those counts as they are)."""
    if settings.get_current_profile_name() != FAST:
        return
    lowered: set[int] = set()
    for item in items:
        if not isinstance(item, pytest.Function) or id(item.obj) in lowered:
            continue
        own = getattr(item.obj, "_hypothesis_internal_use_settings", None)
        if isinstance(own, settings):
            # the attribute @given and @settings leave on the test, read when it runs
            item.obj._hypothesis_internal_use_settings = settings(
                own, max_examples=fast_count(own.max_examples)
            )
            lowered.add(id(item.obj))
