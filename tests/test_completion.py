"""Shell completion (issue 16, point 3) through click's own ShellComplete classes for bash,
zsh and fish: choices and paths complete, variables of the expression typed so far
complete as options, and nothing is printed on stderr while completing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.shell_completion import BashComplete, FishComplete, ZshComplete

from backpropviz.cli import cli
from conftest import process_env

SHELLS = {"bash": BashComplete, "zsh": ZshComplete, "fish": FishComplete}
EXPR = "(x+y)*z"


def complete(shell: str, words: list[str], monkeypatch) -> list[tuple[str, str]]:
    """(type, value) of each completion of the last of ``words`` ('' for a new word), as
    the ``shell``'s script asks for it."""
    line = " ".join(["backpropviz", *(f"'{w}'" if w else w for w in words)])
    monkeypatch.setenv("COMP_WORDS", line)
    if shell == "fish":
        monkeypatch.setenv("COMP_CWORD", words[-1])
    else:
        monkeypatch.setenv("COMP_CWORD", str(len(words)))
    completer = SHELLS[shell](cli, {}, "backpropviz", "_BACKPROPVIZ_COMPLETE")
    args, incomplete = completer.get_completion_args()
    return [(item.type, item.value) for item in completer.get_completions(args, incomplete)]


def values(found: list[tuple[str, str]]) -> list[str]:
    return [value for _, value in found]


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("option, expected", [
    ("--theme", ["classic", "dark", "print", "safe"]),
    ("--engine", ["auto", "dot", "embedded"]),
    ("--direction", ["LR", "TB"]),
    ("--explain", ["forward", "backward", "both"]),
    ("--format", ["svg", "png", "dot", "json", "html"]),
    ("--color", ["auto", "always", "never"]),
    ("--steps-format", ["svg", "png"]),
])
def test_choices_complete(shell, option, expected, monkeypatch):
    assert values(complete(shell, [EXPR, option, ""], monkeypatch)) == expected


@pytest.mark.parametrize("shell", SHELLS)
def test_a_started_choice_completes(shell, monkeypatch):
    assert values(complete(shell, [EXPR, "--theme", "da"], monkeypatch)) == ["dark"]


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("option, kind", [("-o", "file"), ("--out", "file"), ("-f", "file"),
                                          ("--values", "file"), ("--steps", "dir")])
def test_paths_are_left_to_the_shell(shell, option, kind, monkeypatch):
    assert complete(shell, [EXPR, option, "sig"], monkeypatch) == [(kind, "sig")]


@pytest.mark.parametrize("shell", SHELLS)
def test_variables_of_the_expression_complete_as_options(shell, monkeypatch):
    found = values(complete(shell, [EXPR, "--x", "1", "--"], monkeypatch))
    assert "--y" in found and "--z" in found and "--theme" in found
    assert "--x" not in found  # already given


@pytest.mark.parametrize("shell", SHELLS)
def test_an_expression_that_does_not_parse_yet_completes_options(shell, monkeypatch):
    found = values(complete(shell, ["(x+", "--th"], monkeypatch))
    assert found == ["--theme"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
@pytest.mark.parametrize("words", [["(x+y)*z", "--theme", ""], ["--jsn", ""],
                                   ["(x+y)*z", "--x", ""], ["-o", ""]])
def test_completing_prints_nothing_on_stderr(shell, words):
    """The command itself, as the shell runs it: exit 0 and a silent stderr (it printed
    'Error: --theme needs a value' at every TAB)."""
    line = " ".join(["backpropviz", *(f"'{w}'" if w else w for w in words)])
    cword = words[-1] if shell == "fish" else str(len(words))
    proc = subprocess.run([sys.executable, "-m", "backpropviz"], capture_output=True,
                          text=True, timeout=60,
                          env=process_env(COMP_WORDS=line, COMP_CWORD=cword,
                                          _BACKPROPVIZ_COMPLETE=f"{shell}_complete"))
    assert proc.returncode == 0
    assert proc.stderr == ""
    if words[-2] == "--theme":
        assert "dark" in proc.stdout
