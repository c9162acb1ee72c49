"""The terminal table never cuts a number (issue 16, point 1): at 40, 60, 80 and 120
columns the computes column is shortened first, then dropped, then each row is stacked;
every value and gradient stays whole. Widths come from rich's Console(width=...)."""

from __future__ import annotations

import io
import math
import re

import pytest

from backpropviz import trace
from backpropviz.render.table import check_table, render_check, render_table

WIDTHS = (40, 60, 80, 120)
ANSI = re.compile(r"\x1b\[[0-9;]*m")

#: A 5-input tanh neuron: the issue's example, whose numbers were cut to '5.6…'.
WEIGHTS = {"w1": 0.3, "w2": -2.2, "w3": 1.1, "w4": 0.9, "w5": 0.2}
INPUTS = {"x1": 1.7, "x2": 0.4, "x3": 3.5, "x4": -1.3, "x5": 2.8}
NEURON = "tanh(w1*x1 + w2*x2 + w3*x3 + w4*x4 + w5*x5 + b)"


def neuron():
    return trace(NEURON, {**WEIGHTS, **INPUTS, "b": 0.1})


def hand_numbers() -> list[str]:
    """The neuron's output and its weights' and inputs' gradients, by hand: d tanh(s)/dw_i
    = (1 - tanh(s)^2) x_i."""
    s = sum(WEIGHTS[f"w{i}"] * INPUTS[f"x{i}"] for i in range(1, 6)) + 0.1
    out = math.tanh(s)
    local = 1 - out * out
    grads = [local * INPUTS[f"x{i}"] for i in range(1, 6)]
    grads += [local * WEIGHTS[f"w{i}"] for i in range(1, 6)]
    return [f"{out:.4f}", f"{s:.4f}"] + [f"{g:.4f}" for g in grads]


def table_text(graph, width: int, **kwargs) -> str:
    out = io.StringIO()
    render_table(graph, out, width=width, color=True, **kwargs)
    return ANSI.sub("", out.getvalue())


def words(text: str) -> set[str]:
    return set(text.split())


@pytest.mark.parametrize("width", WIDTHS)
def test_the_neuron_keeps_every_number_whole(width):
    text = table_text(neuron(), width)
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width
    assert not [word for word in words(text) if re.fullmatch(r"-?\d[\d.]*…", word)]
    for number in hand_numbers():
        assert number in words(text), (number, text)


def test_the_layout_degrades_in_order():
    """Wide: everything; then the computes column is shortened (…), then dropped."""
    full = table_text(neuron(), 120)
    assert "computes" in full and "w1*x1 + w2*x2 + w3*x3 + w4*x4 + w5*x5 + b" in full
    shortened = table_text(neuron(), 60)
    assert "computes" in shortened and "…" in shortened
    rows = shortened.splitlines()[2:24]  # under the header and its rule: 22 nodes
    assert rows[-1].split()[:2] == ["21", "tanh"] and "w1*x1 + w2*x2 + w3*x3 + w4*x4 + w5*x5 + b" not in "".join(rows)
    dropped = table_text(neuron(), 40)
    assert dropped.split("\n")[0].split() == ["#", "name", "gate", "value", "grad"]


@pytest.mark.parametrize("width", WIDTHS)
def test_exact_tables_keep_the_exact_forms_whole(width):
    from backpropviz.symbolic import exact_pass

    graph = trace("1/(1+exp(-(w0*x0+w1*x1+w2)))", w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
    text = table_text(graph, width, exact=exact_pass(graph))
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width
    lines = [line.strip() for line in text.splitlines()]
    # d f/d w0 = -e^-1 / (1 + e^-1)^2, as sympy prints it, whole on one line
    assert any(line.endswith("-exp(-1)/(exp(-1) + 1)**2") for line in lines), text
    assert "-0.1966" in words(text) and "0.3932" in words(text) and "0.7311" in words(text)


def test_a_narrow_exact_table_stacks_each_row():
    from backpropviz.symbolic import exact_pass

    graph = trace("x/y", x=1, y=3)
    text = table_text(graph, 40, exact=exact_pass(graph))
    lines = text.splitlines()
    at = lines.index("2  /  x/y")
    assert [line.split() for line in lines[at + 1:at + 5]] == [
        ["value", "0.3333"], ["grad", "1.0000"], ["exact", "value", "1/3"],
        ["exact", "grad", "1"]]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_check_report_keeps_its_numbers(width):
    from backpropviz.check import check_gradients

    graph = trace("x*y", x=3, y=-4)
    out = io.StringIO()
    render_check(check_gradients(graph), out, width=width, color=True)
    text = ANSI.sub("", out.getvalue())
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width
    assert {"-4.000000", "3.000000"} <= words(text)  # d(xy)/dx = y, d(xy)/dy = x


def test_str_of_a_table_is_plain_text():
    from backpropviz.check import check_gradients

    text = str(check_table(check_gradients(trace("x*y", x=3, y=-4))))
    assert "\x1b" not in text
    assert text.splitlines()[0].split()[:3] == ["variable", "backprop", "sympy"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_command_fits_the_terminal_width(run, width):
    """End to end: the command's coloured table in a terminal of COLUMNS columns."""
    args = [NEURON] + [part for name, value in {**WEIGHTS, **INPUTS, "b": 0.1}.items()
                       for part in (f"--{name}", str(value))]
    result = run(*args, "--color", "always", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    text = ANSI.sub("", result.stdout)
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width
    for number in hand_numbers():
        assert number in words(text), (number, width)
