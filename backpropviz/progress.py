"""A progress bar on stderr for long runs: parse, evaluate, render.

Shown only when it helps and cannot get in the way: stderr is a terminal, the run is not
``--quiet``, and the run has already taken :data:`DELAY` seconds (a slide example finishes
long before; rich is not even imported then). The bar is transient: it disappears when the
run ends, leaving the terminal as it would be without it. rich honours ``NO_COLOR``.

The phases are long single calls, so a timer thread shows the bar and rich's own thread
keeps its spinner and clock moving; the main thread only says which phase it is in.
"""

from __future__ import annotations

import os
import sys
from typing import IO, Any

from .lang import current, say

__all__ = ["DELAY", "PHASES", "Progress", "start"]

#: Seconds a run takes before the bar appears.
DELAY = 1.0
#: The phases, in order.
PHASES = ("parse", "evaluate", "render")


class Progress:
    """The phases of one run; a bar on ``stream`` once ``delay`` seconds have passed (never,
    when ``enabled`` is false)."""

    def __init__(self, stream: IO[str] | None, enabled: bool, delay: float = DELAY) -> None:
        self.stream = stream
        self.phase_index = 0
        self.detail = ""  # e.g. the frames drawn so far
        self.bar: Any = None
        self.task: Any = None
        self.closed = False
        self.lang = current()  # (the bar's thread does not see the run's --lang)
        self._lock: Any = None
        self._timer: Any = None
        if enabled:
            import threading
            import time

            self.started = time.monotonic()  # the bar's clock counts from the run's start
            self._lock = threading.Lock()
            self._timer = threading.Timer(delay, self._show)
            self._timer.daemon = True
            self._timer.start()

    def phase(self, name: str) -> None:
        """Now in phase ``name`` (one of :data:`PHASES`)."""
        if self._lock is None:
            return
        with self._lock:
            self.phase_index = PHASES.index(name)
            if self.bar is not None:
                self.bar.update(self.task, description=self.word(name),
                                completed=self.phase_index,
                                number=self.phase_index + 1)

    def frames(self, done: int, total: int) -> None:
        """Within the render phase: ``done`` of a lesson's ``total`` frames are drawn."""
        if self._lock is None:
            return
        with self._lock:
            self.detail = f" {done}/{total}"
            if self.bar is not None:
                self.bar.update(self.task, description=self.word("render") + self.detail)

    def word(self, phase: str) -> str:
        """The name of ``phase`` in the run's language."""
        return say(f"progress.{phase}", self.lang)

    def close(self) -> None:
        """The run is done (or failed): remove the bar, or make sure it never shows."""
        self.closed = True
        if self._lock is None:
            return
        with self._lock:
            self._timer.cancel()
            if self.bar is not None:
                self.bar.stop()
                self.bar = None

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, Progress as Bar, SpinnerColumn, TextColumn,
                                   TimeElapsedColumn)

        with self._lock:
            if self.closed:
                return
            console = Console(file=self.stream, force_terminal=True, stderr=True)
            self.bar = Bar(SpinnerColumn(), TextColumn("backpropviz: {task.description:<8}"),
                           BarColumn(), TextColumn(say("progress.phase", self.lang)
                                                   + " {task.fields[number]}/{task.total:.0f}"),
                           TimeElapsedColumn(), console=console, transient=True,
                           redirect_stdout=False, redirect_stderr=False)
            self.task = self.bar.add_task(self.word(PHASES[self.phase_index]) + self.detail,
                                          total=len(PHASES),
                                          completed=self.phase_index,
                                          number=self.phase_index + 1)
            self.bar.tasks[0].start_time = self.started  # (rich's clock is monotonic too)
            self.bar.start()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start(quiet: bool, stream: IO[str] | None = None) -> Progress:
    """The progress of this run: a bar on stderr (or ``stream``) only when it is a terminal
    and the run is not quiet (and ``TERM`` is not ``dumb``)."""
    stream = sys.stderr if stream is None else stream
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        tty = False
    enabled = tty and not quiet and os.environ.get("TERM") != "dumb"
    return Progress(stream, enabled, DELAY)
