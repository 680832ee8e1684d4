"""A plain-text progress bar on stderr (one line redrawn on a terminal, every 10 % elsewhere)."""

import sys
import time
from typing import TextIO

WIDTH = 30


class Progress:
    """Counts what is done out of a total and shows it."""

    def __init__(self, total: int, what: str, stream: TextIO | None = None) -> None:
        self.total, self.what, self.done = total, what, 0
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._started = self._drawn = time.monotonic()
        self._tenths = -1

    def line(self) -> str:
        """The bar as text."""
        share = self.done / self.total if self.total else 1.0
        filled = round(WIDTH * share)
        seconds = time.monotonic() - self._started
        count = f"{self.done:,}/{self.total:,}".replace(",", " ")
        return (
            f"{self.what} [{'#' * filled}{'.' * (WIDTH - filled)}] {share:4.0%} "
            f"{count} ({seconds:.0f} s)"
        )

    def advance(self, count: int = 1) -> None:
        """Count more done; redraw now and then."""
        self.done += count
        now = time.monotonic()
        if self._tty:
            if now - self._drawn >= 0.1 or self.done >= self.total:
                self._stream.write("\r" + self.line())
                self._stream.flush()
                self._drawn = now
            return
        tenths = int(10 * self.done / self.total) if self.total else 10
        if tenths > self._tenths:
            self._tenths = tenths
            self._stream.write(self.line() + "\n")
            self._stream.flush()

    def close(self) -> None:
        """End the bar's line."""
        if self._tty:
            self._stream.write("\r" + self.line() + "\n")
            self._stream.flush()
