"""A progress bar on stderr for long runs: national plans take seconds to check and build.

The bar is drawn only when stderr is a terminal (never in CI logs: not when `CI` is set or
TERM is `dumb`), never with `--quiet`, and only once a run has lasted `DELAY` seconds, so a
regency plan that checks in a fraction of a second never shows it. It is erased before
anything else is printed. TTUPLAN_PROGRESS_DELAY sets the delay in seconds.

The pipeline reports where it is through the module functions `stage` and `part`, which do
nothing unless a bar is `shown`: the stages need no bar passed down to them, and the
library API stays silent.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

from ttuplan.terminal import visible

DELAY = 0.75  # seconds before the bar appears
REDRAW = 0.1  # seconds between redraws
BAR_WIDTH = 24


class Bar:
    """One progress bar; `done` runs from 0 to 1 over the whole run."""

    def __init__(
        self,
        stream: TextIO,
        *,
        delay: float = DELAY,
        clock: Callable[[], float] = time.monotonic,
        columns: int | None = None,
    ) -> None:
        self.stream = stream
        self.delay = delay
        self.clock = clock
        self.columns = columns or shutil.get_terminal_size((80, 24)).columns
        self.started = clock()
        self.last_drawn = -1.0
        self.drawn = False
        self.parts: list[tuple[float, float]] = [(0.0, 1.0)]
        self.done = 0.0
        self.label = ""

    @classmethod
    def for_stderr(cls, stream: TextIO, quiet: bool) -> Bar | None:
        """A bar for `stream` if one belongs there: a terminal, not CI, not --quiet."""
        if quiet or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
            return None
        try:
            if not stream.isatty():
                return None
        except (AttributeError, ValueError):
            return None
        try:
            delay = float(os.environ.get("TTUPLAN_PROGRESS_DELAY", DELAY))
        except ValueError:
            delay = DELAY
        return cls(stream, delay=delay)

    def stage(self, label: str | None, within: float = 0.0) -> None:
        """Now at `within` (0..1) of the current part, doing `label` (None: the same)."""
        low, high = self.parts[-1]
        self.done = max(self.done, low + (high - low) * min(max(within, 0.0), 1.0))
        self.label = self.label if label is None else label
        now = self.clock()
        if now - self.started >= self.delay and now - self.last_drawn >= REDRAW:
            self.last_drawn = now
            self._draw(now)

    @contextmanager
    def part(self, start: float, end: float) -> Iterator[None]:
        """The stages inside run from `start` to `end` of the current part."""
        low, high = self.parts[-1]
        self.parts.append((low + (high - low) * start, low + (high - low) * end))
        try:
            yield
        finally:
            self.parts.pop()

    def line(self, now: float) -> str:
        filled = round(self.done * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        text = f"[{bar}] {self.done:4.0%}  {now - self.started:5.1f} s  {visible(self.label)}"
        return text[: max(self.columns - 1, 10)]

    def _draw(self, now: float) -> None:
        self.stream.write("\r" + self.line(now) + "\x1b[K")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """Erase the bar, if it was ever drawn, so the report starts on a clean line."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


_shown: ContextVar[Bar | None] = ContextVar("ttuplan_progress", default=None)


@contextmanager
def shown(bar: Bar | None) -> Iterator[None]:
    """Report the stages run inside on `bar` (None: nowhere), and erase it after."""
    token = _shown.set(bar)
    try:
        yield
    finally:
        _shown.reset(token)
        if bar is not None:
            bar.close()


def stage(label: str | None, within: float = 0.0) -> None:
    """Tell the shown bar, if any, what the run is doing and how far into it it is."""
    bar = _shown.get()
    if bar is not None:
        bar.stage(label, within)


@contextmanager
def part(start: float, end: float) -> Iterator[None]:
    """The stages inside take the shown bar from `start` to `end` of the current part."""
    bar = _shown.get()
    if bar is None:
        yield
        return
    with bar.part(start, end):
        yield
