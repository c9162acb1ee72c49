"""``--exact``: values and gradients computed exactly with sympy. Integers stay integers,
fractions stay fractions (0.1 is 1/10), exp(-1), pi and e stay symbolic."""

from __future__ import annotations

import json
import math

import pytest
import sympy as sp

import backpropviz
from backpropviz.symbolic import exact_constant, exact_number, exact_pass

from reference import REFERENCE, SIGMOID, SIMPLE, var_args


def exact_json(run, validator, *args: str) -> dict:
    result = run(*args, "--exact", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    validator.validate(doc)
    return doc


def parse(text: str) -> sp.Expr:
    return sp.sympify(text, locals={"E": sp.E, "pi": sp.pi})


def assert_matches_floats(doc: dict, rel: float = 1e-12) -> None:
    """Every exact value and gradient, to 30 digits, is the float one within ``rel``."""
    exact = doc["exact"]
    assert len(exact["nodes"]) == len(doc["nodes"])
    for node, pair in zip(doc["nodes"], exact["nodes"]):
        for key in ("value", "grad"):
            number = float(parse(pair[key]).evalf(30))
            assert number == pytest.approx(node[key], rel=rel, abs=1e-300), (node, key, pair)
    for name, text in exact["gradients"].items():
        assert float(parse(text).evalf(30)) == pytest.approx(doc["gradients"][name], rel=rel)
    assert float(parse(exact["value"]).evalf(30)) == pytest.approx(doc["value"], rel=rel)


# --- integers and fractions -------------------------------------------------------------------

def test_integers_stay_integers(run, validator):
    doc = exact_json(run, validator, SIMPLE, *var_args(REFERENCE[SIMPLE]["values"]))
    exact = doc["exact"]
    assert exact["value"] == "-12"
    assert exact["gradients"] == {"x": "-4", "y": "-4", "z": "3"}
    assert exact["nodes"] == [
        {"value": "-2", "grad": "-4"}, {"value": "5", "grad": "-4"},
        {"value": "3", "grad": "-4"}, {"value": "-4", "grad": "3"},
        {"value": "-12", "grad": "1"},
    ]
    for pair in exact["nodes"]:
        assert parse(pair["value"]).is_Integer and parse(pair["grad"]).is_Integer
    assert_matches_floats(doc)


def test_fractions_stay_fractions(run, validator):
    doc = exact_json(run, validator, "x/y", "--x", "1", "--y", "3")
    assert doc["exact"]["value"] == "1/3"
    assert doc["exact"]["gradients"] == {"x": "1/3", "y": "-1/9"}
    assert doc["value"] == pytest.approx(1 / 3, rel=1e-15)
    assert_matches_floats(doc)


def test_decimal_constant_is_a_tenth(run, validator):
    doc = exact_json(run, validator, "x*0.1", "--x", "3")
    assert doc["value"] == 0.30000000000000004           # the float is not 3/10 ...
    assert doc["exact"]["value"] == "3/10"               # ... the exact value is
    assert doc["exact"]["gradients"] == {"x": "1/10"}


def test_decimal_variable_is_a_tenth(run, validator):
    doc = exact_json(run, validator, "x*y", "--x", "0.1", "--y", "3")
    assert doc["exact"]["value"] == "3/10"
    assert doc["exact"]["gradients"] == {"x": "3", "y": "1/10"}
    assert doc["exact"]["nodes"][0]["value"] == "1/10"


def test_exact_numbers():
    assert exact_number(0.1) == sp.Rational(1, 10)
    assert exact_number(3.0) == 3 and exact_number(3.0).is_Integer
    assert exact_number(-2.5) == sp.Rational(-5, 2)
    assert exact_constant("0.1") == sp.Rational(1, 10)
    assert exact_constant("1e-3") == sp.Rational(1, 1000)
    assert exact_constant("pi") == sp.pi
    assert exact_constant("e") == sp.E
    assert exact_constant("-2") == -2


def test_fractional_power_stays_a_radical(run, validator):
    doc = exact_json(run, validator, "x**2.5", "--x", "2")
    assert parse(doc["exact"]["value"]) == 4 * sp.sqrt(2)
    assert parse(doc["exact"]["gradients"]["x"]) == 5 * sp.sqrt(2)
    assert_matches_floats(doc)


# --- symbolic constants -----------------------------------------------------------------------

def test_sigmoid_is_one_over_one_plus_exp_minus_one(run, validator):
    ex = REFERENCE[SIGMOID]
    doc = exact_json(run, validator, SIGMOID, *var_args(ex["values"]))
    value = parse(doc["exact"]["value"])
    assert doc["exact"]["value"] == "1/(exp(-1) + 1)" or sp.simplify(
        value - 1 / (1 + sp.exp(-1))) == 0
    assert value.has(sp.exp(-1)) and not value.atoms(sp.Float)
    assert set(doc["exact"]["gradients"]) == set(ex["gradients"])
    for name, text in doc["exact"]["gradients"].items():
        grad = parse(text)
        assert not grad.atoms(sp.Float), text
        assert float(grad.evalf(30)) == pytest.approx(doc["gradients"][name], rel=1e-12)
        assert float(grad.evalf(30)) == pytest.approx(ex["gradients"][name], rel=1e-12)
    # d sigmoid / d w2 = sigmoid(1) * (1 - sigmoid(1)), exactly
    s = 1 / (1 + sp.exp(-1))
    assert sp.simplify(parse(doc["exact"]["gradients"]["w2"]) - s * (1 - s)) == 0
    assert_matches_floats(doc)


def test_sigmoid_function_is_exact_too(run, validator):
    doc = exact_json(run, validator, "sigmoid(x)", "--x", "1")
    assert sp.simplify(parse(doc["exact"]["value"]) - 1 / (1 + sp.exp(-1))) == 0
    assert_matches_floats(doc)


def test_pi_and_e_stay_symbolic(run, validator):
    doc = exact_json(run, validator, "pi*x + e", "--x", "2")
    value = parse(doc["exact"]["value"])
    assert value == 2 * sp.pi + sp.E
    assert value.has(sp.pi) and value.has(sp.E)
    assert parse(doc["exact"]["gradients"]["x"]) == sp.pi
    assert_matches_floats(doc)


def test_exp_of_one_is_e(run, validator):
    doc = exact_json(run, validator, "exp(x)", "--x", "1")
    assert doc["exact"]["value"] == "E" and doc["exact"]["gradients"] == {"x": "E"}


@pytest.mark.parametrize("expression, values", [
    ("sin(x)*cos(y) + tan(x/4)", {"x": 1, "y": 2}),
    ("log(x)*sqrt(y) + tanh(x - y)", {"x": 3, "y": 2}),
    ("x**y + 2**x - y/x", {"x": 1.5, "y": 0.5}),
    ("max(x, y) * min(x, 2) + abs(y - 3)", {"x": 1.25, "y": 2}),
    ("q = x*y; r = exp(-q); r*q + q", {"x": 0.5, "y": -2}),
])
def test_exact_agrees_with_floats(run, validator, expression, values):
    doc = exact_json(run, validator, expression, *var_args(values))
    for pair in doc["exact"]["nodes"]:
        assert not parse(pair["value"]).atoms(sp.Float), pair
        assert not parse(pair["grad"]).atoms(sp.Float), pair
    assert_matches_floats(doc)


def test_exact_grad_at_a_relu_kink_follows_backprop(run, validator):
    """The exact reverse pass runs over the same graph as backprop, so at relu(0) it must use
    the same relu'(0) = 0; the table shows both numbers side by side."""
    doc = exact_json(run, validator, "relu(x)*y", "--x", "0", "--y", "2")
    assert doc["gradients"]["x"] == 0.0
    assert doc["exact"]["gradients"]["x"] == "0", doc["exact"]["gradients"]


def test_exact_power_of_a_decimal_finishes(child_env):
    """--exact on sqrt(x**x) at x = 1.2345678 must not hang: sympy, given the rational
    6172839/5000000, tries to pull perfect powers out of its power and never finishes."""
    import subprocess
    import sys

    try:
        proc = subprocess.run(
            [sys.executable, "-m", "backpropviz", "sqrt(x**x)", "--x", "1.2345678", "--exact",
             "--json"], capture_output=True, text=True, env=child_env(), timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("--exact on sqrt(x**x) at x=1.2345678 did not finish in 20 s")
    # x**x at a 7-digit decimal has no usable exact form: --exact says so (a documented
    # limit) instead of computing for ever.
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("Error: exact arithmetic: the power in node 1 has the "
                                  "fractional exponent 6172839/5000000")
    assert "Traceback" not in proc.stderr


# --- the table ----------------------------------------------------------------------------------

def test_table_shows_exact_columns(run):
    result = run(SIMPLE, *var_args(REFERENCE[SIMPLE]["values"]), "--exact")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["#", "name", "gate", "computes", "value", "grad", "exact",
                                "value", "exact", "grad"]
    assert "exact value" in lines[0] and "exact grad" in lines[0]
    rows = [line.split() for line in lines[2:7]]
    assert [row[-2:] for row in rows] == [["-2", "-4"], ["5", "-4"], ["3", "-4"], ["-4", "3"],
                                          ["-12", "1"]]
    assert lines[7] == "output  (x+y)*z = -12.0000  (exactly -12)"


def test_table_sigmoid_output_line(run):
    result = run(SIGMOID, *var_args(REFERENCE[SIGMOID]["values"]), "--exact")
    assert result.exit_code == 0, result.output
    footer = result.stdout.splitlines()[-1]
    assert footer == ("output  1/(1+exp(-(w0*x0+w1*x1+w2))) = 0.7311  "
                      "(exactly 1/(exp(-1) + 1))")


def test_table_without_exact_has_no_exact_columns(run):
    result = run(SIMPLE, *var_args(REFERENCE[SIMPLE]["values"]))
    assert "exact" not in result.stdout
    assert result.stdout.splitlines()[-1] == "output  (x+y)*z = -12.0000"


def test_json_without_exact_has_no_exact(run):
    result = run(SIMPLE, *var_args(REFERENCE[SIMPLE]["values"]), "--json")
    doc = json.loads(result.stdout)
    assert "exact" not in doc and "check" not in doc and "steps" not in doc


# --- the library ---------------------------------------------------------------------------------

def test_exact_pass_library():
    graph = backpropviz.trace("x/y + x*y", x=2, y=3)
    exact = exact_pass(graph)
    out = exact.values[graph.output]
    assert out == sp.Rational(20, 3)
    grads = {name: exact.grads[i] for name, i in graph.variable_ids.items()}
    assert grads == {"x": sp.Rational(1, 3) + 3, "y": sp.Rational(-2, 9) + 2}
    assert all(g.is_Rational for g in exact.grads)
    for node, value, grad in zip(graph.nodes, exact.values, exact.grads):
        assert float(value) == pytest.approx(node.value, rel=1e-15)
        assert float(grad) == pytest.approx(node.grad, rel=1e-15)
    assert math.isclose(float(out), graph.value, rel_tol=1e-15)


def test_a_long_exact_fraction_keeps_its_bar_in_the_table(run):
    """1e-20 + 1/10 is 10000000000000000001/100000000000000000000: cut in the middle it
    read as a 40-digit integer ('1000000000000000000…00000000000000000000')."""
    result = run("x+0.1", "--x", "1e-20", "--exact")
    assert result.exit_code == 0, result.output
    footer = result.stdout.splitlines()[-1]
    assert footer == ("output  x+0.1 = 0.1000  "
                      "(exactly 100000000…000000001/100000000…000000000)")
