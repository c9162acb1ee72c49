"""The progress bar: on a terminal, after a delay, transient; never on a pipe, never with -q."""

from __future__ import annotations

import io
import re
import time

import pytest

from backpropviz import progress as progress_module
from backpropviz.progress import PHASES, Progress, start

from conftest import COLOR_ENV

COLOR = re.compile(r"\x1b\[[0-9;]*3[0-9;]*m")  # an SGR sequence setting a colour


class FakeTerminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def wait_for_bar(progress: Progress) -> None:
    deadline = time.monotonic() + 10
    while progress.bar is None:
        assert time.monotonic() < deadline, "the bar never showed"
        time.sleep(0.01)


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch):
    for name in (*COLOR_ENV, "TERM"):
        monkeypatch.delenv(name, raising=False)


def test_a_terminal_gets_a_bar_naming_the_phase_that_disappears_at_the_end():
    terminal = FakeTerminal()
    progress = Progress(terminal, enabled=True, delay=0)
    wait_for_bar(progress)
    progress.phase("evaluate")
    progress.bar.refresh()
    shown = terminal.getvalue()
    assert "backpropviz: evaluate" in shown and "phase 2/3" in shown
    progress.close()
    assert progress.bar is None
    # transient: the last thing written erases the bar's line
    assert terminal.getvalue().endswith("\x1b[2K") or "\x1b[2K" in terminal.getvalue()[-40:]


def test_a_short_run_shows_nothing():
    terminal = FakeTerminal()
    progress = start(False, terminal)
    progress.phase("evaluate")
    progress.close()  # well before DELAY
    time.sleep(0.05)
    assert progress.bar is None and terminal.getvalue() == ""


@pytest.mark.parametrize("stream, quiet", [(io.StringIO(), False), (FakeTerminal(), True)])
def test_no_bar_on_a_pipe_or_when_quiet(stream, quiet):
    progress = start(quiet, stream)
    assert progress._timer is None  # no timer, no thread, rich never imported
    progress.phase("render")
    progress.close()
    assert stream.getvalue() == ""


def test_no_bar_on_a_dumb_terminal(monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    assert start(False, FakeTerminal())._timer is None


def test_no_color_is_honoured(monkeypatch):
    def shown() -> str:
        terminal = FakeTerminal()
        progress = Progress(terminal, enabled=True, delay=0)
        wait_for_bar(progress)
        progress.phase("render")
        progress.bar.refresh()
        progress.close()
        return terminal.getvalue()

    assert COLOR.search(shown())
    monkeypatch.setenv("NO_COLOR", "1")
    plain = shown()
    assert "backpropviz: render" in plain and not COLOR.search(plain)


def test_the_phases_in_order():
    assert PHASES == ("parse", "evaluate", "render")


def test_the_cli_shows_no_bar_on_a_pipe(monkeypatch, run):
    """The command's stderr is a pipe here: nothing but the usual lines, even when the run
    outlasts the delay."""
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    text = " + ".join(f"w{i % 7}*x{i % 5}" for i in range(3000))
    values = [f"--{v}{i}={i / 10}" for v, n in (("w", 7), ("x", 5)) for i in range(n)]
    result = run(text, *values, "--json")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_a_lesson_shows_how_many_frames_are_drawn():
    terminal = FakeTerminal()
    progress = Progress(terminal, enabled=True, delay=0)
    progress.phase("render")
    progress.frames(3, 17)  # before the bar shows: it starts with the count
    wait_for_bar(progress)
    progress.bar.refresh()
    assert "backpropviz: render 3/17" in terminal.getvalue()
    progress.frames(4, 17)
    progress.bar.refresh()
    assert "backpropviz: render 4/17" in terminal.getvalue()
    progress.close()


def test_the_command_reports_every_frame_to_the_progress(monkeypatch, run, tmp_path):
    seen = []
    monkeypatch.setattr(Progress, "frames", lambda self, done, total: seen.append((done, total)))
    result = run("(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4", "--steps",
                 str(tmp_path / "frames"), "-q", "-o", str(tmp_path / "lesson.html"))
    assert result.exit_code == 0, result.output
    # the stepper draws once (all its 5 steps at a time), then --steps frame by frame
    assert seen == [(5, 5)] + [(k, 5) for k in range(1, 6)]
