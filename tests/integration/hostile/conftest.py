"""The hostile corpus on ingest in process, on the real broker and PostgreSQL.

Each module is one entry point; its corpus is data (name, input, what is expected), so a
new hostile input is one line. The count of inputs tried per entry point is printed in the
terminal summary (visible in CI's output).
"""

from collections import Counter

from _pytest.terminal import TerminalReporter

from tests.integration.hostile.checks import TRIED
from tests.integration.ingest.conftest import live

__all__ = ["live"]


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    """How many hostile inputs each entry point was given."""
    if not TRIED:
        return
    terminalreporter.section("hostile inputs tried")
    for entry_point, count in sorted(Counter(TRIED).items()):
        terminalreporter.write_line(f"{entry_point:<40} {count:>6}")
    terminalreporter.write_line(f"{'total':<40} {sum(TRIED.values()):>6}")
