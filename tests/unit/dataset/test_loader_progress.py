"""The loader's progress bar: a line every tenth when the output is not a terminal."""

import io

from reference_dataset.loader.progress import Progress


def test_off_a_terminal_the_bar_prints_a_line_at_each_tenth() -> None:
    stream = io.StringIO()
    progress = Progress(1000, "ingest", stream)

    for _ in range(1000):
        progress.advance()
    progress.close()

    lines = stream.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[-1].startswith("ingest [" + "#" * 30 + "] 100% 1 000/1 000")


def test_the_bar_fills_in_proportion() -> None:
    progress = Progress(200, "ingest", io.StringIO())

    progress.advance(50)

    assert "[" + "#" * 8 + "." * 22 + "]  25% 50/200" in progress.line()
