"""Progress of a migration run: files done / total, elapsed time and ETA.

Three modes (chosen by the CLI): ``"bar"`` on a terminal (one line redrawn in place),
``"lines"`` when stderr is not a terminal (a plain line now and then, only once a run has
taken a couple of seconds, so short runs and logs stay clean), ``"off"`` with ``--quiet``.

The runner (migrator/runner.py) calls :meth:`Reporter.step` as each file finishes.
"""
from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

MODES = ("bar", "lines", "off")


def _clock(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f}s"
    m, s = divmod(int(round(seconds)), 60)
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


def progress_mode(progress: bool | str | None) -> str:
    """``run(progress=...)``: a mode name, or True / False for "bar" / "off"."""
    if isinstance(progress, str):
        return progress
    return "bar" if progress else "off"


def cli_mode(quiet: bool, stream: TextIO | None = None) -> str:
    """The CLI's choice: nothing with --quiet, a bar on a terminal, plain lines otherwise."""
    if quiet:
        return "off"
    stream = stream if stream is not None else sys.stderr
    try:
        return "bar" if stream.isatty() else "lines"
    except (AttributeError, ValueError):
        return "lines"


class Reporter:
    """Counts finished files and draws the progress (see the module docstring)."""

    WIDTH = 24              # bar cells
    LINES_AFTER = 2.0       # "lines" mode: first line only after this many seconds
    LINES_EVERY = 5.0       # ... then at most one line per this many seconds

    def __init__(self, total: int, mode: str = "bar", stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if mode not in MODES:
            raise ValueError(f"progress mode must be one of {MODES}: {mode!r}")
        self.total = total
        self.mode = mode if total > 0 else "off"
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.started = clock()
        self.done = 0
        self._last_line: float | None = None
        self._drawn = False

    def text(self, now: float | None = None) -> str:
        elapsed = (self.clock() if now is None else now) - self.started
        pct = 100.0 * self.done / self.total if self.total else 100.0
        if self.done >= self.total:
            eta = "done"
        elif self.done == 0 or elapsed <= 0:
            eta = "ETA ?"
        else:
            eta = "ETA " + _clock(elapsed / self.done * (self.total - self.done))
        return f"{self.done}/{self.total} files ({pct:.0f}%), {_clock(elapsed)} elapsed, {eta}"

    def step(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        if self.mode == "off":
            return
        now = self.clock()
        if self.mode == "bar":
            filled = int(self.WIDTH * self.done / self.total)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            self.stream.write(f"\r\033[2K[{bar}] {self.text(now)}")
            self.stream.flush()
            self._drawn = True
            return
        elapsed = now - self.started
        last = self._last_line
        due = elapsed >= self.LINES_AFTER and (last is None or now - last >= self.LINES_EVERY)
        if due or (self.done >= self.total and last is not None):
            self.stream.write(f"progress: {self.text(now)}\n")
            self.stream.flush()
            self._last_line = now

    def close(self) -> None:
        """Erase the bar (the summary follows); plain lines stay."""
        if self.mode == "bar" and self._drawn:
            self.stream.write("\r\033[2K")
            self.stream.flush()
            self._drawn = False
