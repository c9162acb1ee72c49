"""``--precision auto``, the diagrams' default: each figure writes its numbers as the
published CS231n figures do (the first: -2, 5, -12; the second: -2.00 next to 0.37)."""

from __future__ import annotations

import re

import pytest

import backpropviz
from backpropviz.render.dot import CLASSIC, render_dot
from reference import REFERENCE, SIGMOID, SIMPLE, var_args


def wire_numbers(dot: str, color: str) -> list[str]:
    """The numbers printed in ``color`` in the DOT wire labels, in order."""
    return re.findall(rf'<font color="{re.escape(color)}" point-size="\d+">(?:<b>)?([^<]*)', dot)


def test_first_figure_whole_numbers_as_published():
    """CS231n's (x+y)z figure: x -2, y 5, q 3, z -4, f -12; gradients -4, -4, -4, 3, 1
    (the reference's numbers, written with no decimals as the figure writes them)."""
    ex = REFERENCE[SIMPLE]
    dot = render_dot(backpropviz.trace(SIMPLE, ex["values"]))
    q, f = ex["gates"]
    values = [ex["values"]["x"], ex["values"]["y"], q["value"], ex["values"]["z"], f["value"]]
    grads = [ex["gradients"]["x"], ex["gradients"]["y"], q["grad"], ex["gradients"]["z"],
             f["grad"]]
    assert wire_numbers(dot, CLASSIC.value_color) == [str(int(v)) for v in values]
    assert wire_numbers(dot, CLASSIC.grad_color) == [str(int(g)) for g in grads]
    assert wire_numbers(dot, CLASSIC.value_color) == ["-2", "5", "3", "-4", "-12"]


def test_second_figure_two_decimals_throughout():
    """The sigmoid figure mixes whole and fractional numbers: every one has 2 decimals,
    as the published figure (its 'figure_rounding' line) shows them."""
    ex = REFERENCE[SIGMOID]
    dot = render_dot(backpropviz.trace(SIGMOID, ex["values"]))
    published = {}
    for chunk in ex["figure_rounding"].split(":", 1)[1].split(";"):
        key, _, rest = chunk.strip().partition(" ")
        published[key] = [item.strip() for item in rest.split(",")]
    values = wire_numbers(dot, CLASSIC.value_color)
    grads = wire_numbers(dot, CLASSIC.grad_color)
    inputs = ["2.00", "-1.00", "-3.00", "-2.00", "-3.00"]  # w0 x0 w1 x1 w2, as given
    inputs_grads = [item.split()[1] for item in published["inputs"]]
    assert sorted(values) == sorted(inputs + published["gates"])
    assert sorted(grads) == sorted(inputs_grads + published["gradients"])
    assert all(re.fullmatch(r"-?\d+\.\d\d", n) for n in values + grads)


def test_a_value_that_rounds_to_zero_shows_as_zero_among_fixed_point_numbers():
    """x*y at x=0.001, y=0.5: the value 0.0005 and dy = 0.001 round to 0 at 2 decimals:
    shown 0.00, never 5.0e-04 next to 0.50; an explicit --precision keeps e-notation."""
    graph = backpropviz.trace("x*y", x=0.001, y=0.5)
    dot = render_dot(graph)
    assert wire_numbers(dot, CLASSIC.value_color) == ["0.00", "0.50", "0.00"]
    assert wire_numbers(dot, CLASSIC.grad_color) == ["0.50", "0.00", "1.00"]
    assert "e-" not in "".join(wire_numbers(dot, CLASSIC.value_color))
    dot = render_dot(graph, 2)
    assert wire_numbers(dot, CLASSIC.value_color) == ["1.0e-03", "0.50", "5.0e-04"]
    dot = render_dot(graph, 4)
    assert wire_numbers(dot, CLASSIC.value_color) == ["0.0010", "0.5000", "0.0005"]


def test_a_fork_branch_that_is_not_whole_gives_every_number_decimals():
    """x*y + x at x=2, y=0.5: x's total gradient 1.5 and its branch 0.5 are not whole,
    so the whole values 2, 1, 3 are written 2.00, 1.00, 3.00 too."""
    dot = render_dot(backpropviz.trace("x*y + x", x=2, y=0.5))
    assert wire_numbers(dot, CLASSIC.value_color) == ["2.00", "0.50", "1.00", "3.00"]
    assert "1.50" in wire_numbers(dot, CLASSIC.grad_color)


@pytest.mark.parametrize("option, shown", [(None, "-12"), ("auto", "-12"), ("2", "-12.00"),
                                           ("0", "-12"), ("3", "-12.000")])
def test_precision_option(run, tmp_path, option, shown):
    target = tmp_path / "f.dot"
    extra = ["--precision", option] if option is not None else []
    result = run(SIMPLE, *var_args(REFERENCE[SIMPLE]["values"]), *extra, "-q", "-o",
                 str(target))
    assert result.exit_code == 0, result.output
    assert wire_numbers(target.read_text("utf-8"), CLASSIC.value_color)[-1] == shown


def test_precision_refuses_other_words(run):
    result = run(SIMPLE, *var_args(REFERENCE[SIMPLE]["values"]), "--precision", "fine")
    assert result.exit_code == 2
    assert "--precision" in result.stderr and "'fine'" in result.stderr


def test_api_precision_auto():
    graph = backpropviz.trace(SIMPLE, REFERENCE[SIMPLE]["values"])
    assert backpropviz.api.render(graph, "dot", precision="auto") == \
        backpropviz.api.render(graph, "dot")
    assert b">-12.00<" in backpropviz.api.render(graph, "dot", precision=2)
    with pytest.raises(ValueError, match="precision"):
        backpropviz.api.render(graph, "dot", precision="fine")
