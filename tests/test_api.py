"""The library used from Python as a notebook user would: wrong argument types, odd value
types, looking nodes up, iterating, the repr, and the Jupyter diagram. Every mistake is a
clear ``BackpropvizError`` (or a ``TypeError`` for a wrong type) naming what was wrong."""

from __future__ import annotations

import decimal
import fractions
import math

import numpy as np
import pytest

import backpropviz
from backpropviz import BackpropvizError, ValuesError, trace
from backpropviz.errors import UnknownName
from backpropviz.graph import MAX_DRAW


# --- trace(): argument types ------------------------------------------------------------

@pytest.mark.parametrize("expression, kind", [(123, "int"), (b"x*2", "bytes"),
                                              (None, "NoneType"), (["x"], "list")])
def test_expression_must_be_a_str(expression, kind):
    with pytest.raises(TypeError) as caught:
        trace(expression, x=1)
    assert str(caught.value) == f"the expression must be a str, not {kind}"


@pytest.mark.parametrize("values, kind", [([1], "list"), ([("x", 1)], "list"), ("x", "str"),
                                          (5, "int")])
def test_values_must_be_a_mapping(values, kind):
    with pytest.raises(TypeError) as caught:
        trace("x*2", values)
    assert str(caught.value) == f"values must be a mapping of name to number (a dict), not {kind}"


def test_a_value_name_must_be_a_str():
    with pytest.raises(TypeError) as caught:
        trace("x*2", {1: 2})
    assert str(caught.value) == "a variable name must be a str, not int (1)"


@pytest.mark.parametrize("value, kind, shown", [
    ("3", "str", "'3'"), ("abc", "str", "'abc'"), (None, "NoneType", "None"),
    (1j, "complex", "1j"), (True, "bool", "True"), ({}, "dict", "{}"),
    (np.True_, "bool", repr(np.True_)),  # (np.True_ in numpy 2, True before)
])
def test_a_value_must_be_a_real_number(value, kind, shown):
    # float() would take "3" as 3 and True as 1, hiding a mistake; "abc" was a ValueError
    with pytest.raises(TypeError) as caught:
        trace("x*2", x=value)
    assert str(caught.value) == f"the value of 'x' must be a real number, not {kind} ({shown})"


@pytest.mark.parametrize("value", [np.array([3.0]), np.array([3.0, 2.0])])
def test_an_array_is_a_vector_value(value):
    """An array (even of one number) is a vector: the output x*2 is then one too, and a
    clear error until it is reduced to one number."""
    with pytest.raises(BackpropvizError, match=r"has shape \(\d,\): .* write sum\(\.\.\.\)"):
        trace("x*2", x=value)
    assert trace("sum(x*2)", x=value).gradients["x"].tolist() == [2.0] * len(value)


@pytest.mark.parametrize("value, number", [
    (3, 3.0), (fractions.Fraction(1, 3), 1 / 3), (decimal.Decimal("0.1"), 0.1),
    (np.float32(1.5), 1.5), (np.int64(-4), -4.0), (np.array(2.5), 2.5), (np.float64(7), 7.0),
])
def test_real_numbers_of_any_type_are_floats(value, number):
    graph = trace("x*x", x=value)
    assert type(graph.value) is float and graph.value == number * number
    assert type(graph.gradients["x"]) is float and graph.gradients["x"] == 2 * number


@pytest.mark.parametrize("value, shown", [(math.nan, "nan"), (math.inf, "inf"),
                                          (-math.inf, "-inf"), (np.nan, "nan")])
def test_a_value_must_be_finite_as_on_the_command_line(value, shown):
    with pytest.raises(ValuesError) as caught:
        trace("x*2", x=value)
    assert str(caught.value) == f"the value of 'x' is not a finite number ({shown})"
    assert caught.value.name == "x"


def test_an_integer_too_large_for_a_float_is_a_values_error():
    # was OverflowError: int too large to convert to float
    with pytest.raises(ValuesError) as caught:
        trace("x*2", x=10 ** 400)
    assert str(caught.value) == ("the value of 'x' is too large for a float "
                                 "(at most about 1.8e308)")


def test_a_keyword_wins_over_the_mapping():
    assert trace("x*3", {"x": 1}, x=2).value == 6.0


def test_output_of_the_wrong_type_says_how_to_set_a_variable_named_output():
    # was: TypeError: object of type 'int' has no len()
    with pytest.raises(TypeError) as caught:
        trace("output*2", output=3)
    assert str(caught.value) == (
        "output= must be an assigned name (a str) or None, not int; to give a variable "
        "named 'output' a value, pass a mapping: trace(expression, {'output': ...})")
    assert trace("output*2", {"output": 3}).value == 6.0


def test_expand_of_the_wrong_type_says_how_to_set_a_variable_named_expand():
    # was: the gates expanded (3 is true), then "no value for expand"
    with pytest.raises(TypeError) as caught:
        trace("expand*2", expand=3)
    assert str(caught.value).startswith("expand= must be True or False, not int; ")
    assert trace("expand*2", {"expand": 3}).value == 6.0


def test_missing_extra_and_unassigned_output_are_backpropviz_errors():
    with pytest.raises(ValuesError, match=r"^no value for y$"):
        trace("x*y", x=1)
    with pytest.raises(ValuesError, match=r"^the expression has no variable 'y' \(its variables: x\)$"):
        trace("x", x=1, y=2)
    with pytest.raises(BackpropvizError, match=r"^no statement assigns 'zz' \(assigned names: q, f\)$"):
        trace("q = x + 1; f = q*2", x=1, output="zz")


def test_a_syntax_error_carries_no_internal_exception():
    # the fast builder gives up first; its internal GiveUp was chained to the error shown
    with pytest.raises(backpropviz.ExpressionSyntaxError) as caught:
        trace("x\n*2", x=1)
    assert caught.value.__context__ is None and caught.value.__cause__ is None


def test_expand_true_keeps_the_numbers():
    # d/du sigmoid(u) = s(1 - s); at u = 1, s = 1/(1 + e^-1)
    s = 1 / (1 + math.exp(-1))
    graph = trace("sigmoid(u)", u=1, expand=True)
    assert [n.label for n in graph.gates] == ["*-1", "exp", "+1", "1/x"]
    assert graph.gradients["u"] == pytest.approx(s * (1 - s), rel=1e-15)


# --- Graph: lookup, iteration, repr -----------------------------------------------------

def test_graph_lookup_by_variable_name():
    graph = trace("q = x*y; f = q + 1", x=0.7, y=2)
    assert graph["y"].id == 1 and graph["y"].grad == 0.7
    assert "x" in graph and "q" not in graph and "zz" not in graph


def test_an_unknown_name_is_a_key_error_and_a_backpropviz_error():
    graph = trace("q = x*y; f = q + 1", x=0.7, y=2)
    with pytest.raises(UnknownName) as caught:
        graph["zz"]
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, BackpropvizError)
    assert str(caught.value) == "the expression has no variable 'zz' (its variables: x, y)"
    with pytest.raises(KeyError) as caught:
        graph["q"]
    assert str(caught.value) == ("'q' is an assigned name, not a variable: its node is in "
                                 "graph.nodes (variables: x, y)")


def test_a_graph_is_not_indexed_by_position():
    graph = trace("x*2", x=1)
    with pytest.raises(TypeError) as caught:
        graph[0]
    assert str(caught.value) == ("a graph is indexed by variable name, not by int: "
                                 "node i is graph.nodes[i]")


def test_iterating_a_graph_gives_its_nodes():
    # was KeyError: 0 (Python fell back to graph[0], graph[1], ...)
    graph = trace("(x+y)*z", x=-2, y=5, z=-4)
    assert [(n.label, n.value, n.grad) for n in graph] == [
        ("x", -2.0, -4.0), ("y", 5.0, -4.0), ("+", 3.0, -4.0), ("z", -4.0, 3.0),
        ("*", -12.0, 1.0)]
    assert len(list(graph)) == len(graph) == 5


def test_repr_says_what_the_graph_is():
    assert repr(trace("(x+y)*z", x=-2, y=5, z=-4)) == "<Graph '(x+y)*z': 5 nodes, 2 gates, value=-12.0>"
    assert repr(trace("3")) == "<Graph '3': 1 node, 0 gates, value=3.0>"
    long = trace("+".join(f"x{i}" for i in range(100)), {f"x{i}": 1 for i in range(100)})
    assert repr(long) == ("<Graph 'x0+x1+x2+x3+x4+x5+x6+x7+x8+x...+x93+x94+x95+x96+x97+x98+x99'"
                          ": 199 nodes, 99 gates, value=100.0>")


def test_wires_carry_each_branch_gradient():
    # x*x at 3: each slot's local derivative is the other factor, 3; 1 * 3 flows back each
    assert [(w.src, w.dst, w.slot, w.local_grad, w.grad) for w in trace("x*x", x=3).wires()] == [
        (0, 1, 0, 3.0, 3.0), (0, 1, 1, 3.0, 3.0)]


def test_jupyter_does_not_draw_a_graph_too_big_to_lay_out():
    # Graphviz takes minutes past a few hundred nodes: the text repr instead, at once
    n = MAX_DRAW // 2 + 1
    graph = trace("+".join(f"x{i}" for i in range(n)), {f"x{i}": 1 for i in range(n)})
    assert len(graph) > MAX_DRAW
    assert graph._repr_svg_() is None


@pytest.mark.needs_dot
def test_jupyter_draws_the_diagram():
    svg = trace("(x+y)*z", x=-2, y=5, z=-4)._repr_svg_()
    assert svg is not None and "<svg" in svg and ">&#45;12<" in svg  # (as CS231n: whole)
