"""values.py as a library: every way a value arrives, checked into floats, with the messages
the command and trace() show."""

from __future__ import annotations

import math

import numpy as np
import pytest

from backpropviz import ValuesError
from backpropviz.run import build
from backpropviz.values import (check_values, command_line, merge, number, parse_values,
                                python_values, real)


@pytest.fixture
def graph():
    return build("(x+y)*z")


# --- command-line text -----------------------------------------------------------------

@pytest.mark.parametrize("text, value", [("3", 3.0), ("-2.5", -2.5), ("1e-3", 0.001),
                                         (" 4 ", 4.0)])
def test_number_reads_a_finite_float(text, value):
    assert number(text, "--x") == value


@pytest.mark.parametrize("text, message", [
    ("abc", "--x: 'abc' is not a number"),
    ("", "--x: '' is not a number"),
    ("nan", "--x: 'nan' is not a finite number"),
    ("-inf", "--x: '-inf' is not a finite number"),
    ("1e999", "--x: '1e999' is not a finite number"),
])
def test_number_refuses_what_is_not_a_finite_number(text, message):
    with pytest.raises(ValuesError) as caught:
        number(text, "--x")
    assert str(caught.value) == message


def test_command_line_keeps_order_and_says_how_each_was_given():
    assert command_line([("x", "1"), ("y", "-2")], ["z=3", " w =4"]) == [
        ("x", "1", "--x"), ("y", "-2", "--y"), ("z", "3", "--var z"), ("w", "4", "--var w")]


@pytest.mark.parametrize("item", ["bad", "=3", "1x=2"])
def test_a_var_without_name_and_value_is_refused(item):
    with pytest.raises(ValuesError) as caught:
        command_line([], [item])
    assert str(caught.value) == f"--var expects NAME=VALUE, got '{item}'"


# --- a JSON file -----------------------------------------------------------------------

def test_parse_values_reads_an_object_of_numbers():
    assert parse_values('{"x": 1, "y": -2.5, "z": 3e2}', "v.json") == {
        "x": 1.0, "y": -2.5, "z": 300.0}


@pytest.mark.parametrize("text, message", [
    ('{"x": 1, "x": 2}', "v.json: 'x' is given more than once"),
    ("[1, 2]", "v.json: expected a JSON object of name: number, got list"),
    ("null", "v.json: expected a JSON object of name: number, got null"),
    ('{"x": true}', "v.json: the value of 'x' is not a number: true"),
    ('{"x": "3"}', 'v.json: the value of \'x\' is not a number: "3"'),
    ('{"x": NaN}', "v.json: the value of 'x' is not a finite number"),
    ('{"x": 1e999}', "v.json: the value of 'x' is not a finite number"),
    ('{"x": 1', "v.json: not valid JSON: Expecting ',' delimiter at line 1, column 8"),
])
def test_parse_values_refuses_anything_else_naming_the_file(text, message):
    with pytest.raises(ValuesError) as caught:
        parse_values(text, "v.json")
    assert str(caught.value) == message


# --- Python numbers ----------------------------------------------------------------------

@pytest.mark.parametrize("value", [3, 3.0, np.float32(3), np.int64(3), np.array(3.0)])
def test_real_takes_any_real_number_as_a_float(value):
    number = real("x", value)
    assert type(number) is float and number == 3.0


@pytest.mark.parametrize("value", [True, "3", b"3", 1j, np.bool_(True), None])
def test_real_refuses_what_only_looks_like_a_number(value):
    with pytest.raises(TypeError, match=r"^the value of 'x' must be a real number, not "):
        real("x", value)


def test_real_refuses_nan_and_huge_integers_as_values_errors():
    with pytest.raises(ValuesError) as caught:
        real("x", math.inf)
    assert str(caught.value) == "the value of 'x' is not a finite number (inf)"
    assert caught.value.name == "x"
    with pytest.raises(ValuesError, match=r"too large for a float"):
        real("x", 10 ** 400)


def test_python_values_a_keyword_wins_over_the_mapping():
    assert python_values({"x": 1, "y": 2}, {"x": 5}) == {"x": 5.0, "y": 2.0}
    assert python_values(None, {}) == {}


# --- values against the graph ----------------------------------------------------------

def test_check_values_accepts_exactly_the_variables(graph):
    check_values(graph, {"x": 1, "y": 2, "z": 3})


@pytest.mark.parametrize("values, message, name, missing", [
    ({"x": 1, "y": 2}, "no value for z", None, ["z"]),
    ({"x": 1, "y": 2, "z": 3, "q": 4},
     "the expression has no variable 'q' (its variables: x, y, z)", "q", []),
    ({"x": 1, "y": 2, "z": 3, "pi": 4}, "'pi' is a constant, not a variable", "pi", []),
    ({"x": 1, "y": 2, "z": 3, "exp": 4}, "'exp' is a function, not a variable", "exp", []),
])
def test_check_values_says_what_is_missing_or_extra(graph, values, message, name, missing):
    with pytest.raises(ValuesError) as caught:
        check_values(graph, values)
    assert str(caught.value) == message
    assert caught.value.name == name and caught.value.missing == missing


def test_merge_puts_the_command_line_over_the_file_and_skips_unused_file_names(graph):
    warnings: list[str] = []
    values = merge(graph, [("z", "-4", "--z")], {"x": -2.0, "y": 5.0, "z": 9.0, "w": 1.0},
                   "v.json", warnings)
    assert values == {"x": -2.0, "y": 5.0, "z": -4.0}
    assert warnings == ["v.json: 'w' is not a variable of the program; skipped"]


@pytest.mark.parametrize("given, message", [
    ([("x", "1", "--x")], "no value for y, z: pass --y VALUE --z VALUE"),
    ([("x", "1", "--x"), ("y", "1", "--y"), ("z", "1", "--z"), ("q", "1", "--var q")],
     "--var q: the expression has no variable 'q' (its variables: x, y, z)"),
    ([("x", "1", "--x"), ("x", "2", "--var x")], "--var x: 'x' is given more than once"),
    ([("x", "one", "--x")], "--x: 'one' is not a number"),
])
def test_merge_names_a_bad_value_as_it_was_given(graph, given, message):
    with pytest.raises(ValuesError) as caught:
        merge(graph, given, {}, None, [])
    assert str(caught.value) == message
