"""Colour control (issue 16, point 6): --color auto|always|never, FORCE_COLOR and NO_COLOR,
for the table, --explain and the --check report."""

from __future__ import annotations

import re

import pytest

ADD_MUL = ("(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
EVERYTHING = (*ADD_MUL, "--explain", "--check")


def plain_rows(stdout: str) -> list[list[str]]:
    return [line.split() for line in ANSI.sub("", stdout).splitlines()
            if line.strip()[:1].isdigit() and "." not in line.split()[0]]


def test_piped_output_is_plain_by_default(run):
    result = run(*EVERYTHING)
    assert result.exit_code == 0 and "\x1b[" not in result.stdout


def test_force_color_colours_a_pipe(run):
    result = run(*EVERYTHING, env={"FORCE_COLOR": "1", "TERM": "xterm-256color"})
    assert result.exit_code == 0
    assert "\x1b[" in result.stdout
    plain = ANSI.sub("", result.stdout)
    assert "4. ∂f/∂x = ∂f/∂q₁ · ∂q₁/∂x = -4.00 · 1 = -4.00" in plain.splitlines()
    assert ["4", "*", "(x+y)*z", "-12.0000", "1.0000"] in plain_rows(result.stdout)


@pytest.mark.parametrize("env", [{}, {"NO_COLOR": "1"}])
def test_color_always_colours_whatever_the_environment(run, env):
    result = run(*EVERYTHING, "--color", "always", env=env)
    assert result.exit_code == 0
    assert "\x1b[" in result.stdout
    assert "\x1b[32m" in result.stdout or "\x1b[92m" in result.stdout  # green values


@pytest.mark.parametrize("env", [{"FORCE_COLOR": "1"}, {"FORCE_COLOR": "1", "NO_COLOR": ""}])
def test_color_never_wins_over_force_color(run, env):
    result = run(*EVERYTHING, "--color", "never", env=env)
    assert result.exit_code == 0 and "\x1b[" not in result.stdout


def test_no_color_wins_over_force_color_in_auto(run):
    result = run(*EVERYTHING, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in result.stdout


def test_a_bad_color_is_a_usage_error(run):
    result = run(*ADD_MUL, "--color", "sometimes")
    assert result.exit_code == 2
    assert "'sometimes' is not one of 'auto', 'always', 'never'" in result.stderr
