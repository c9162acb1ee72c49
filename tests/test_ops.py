"""Every primitive of the op table: local derivative vs sympy.diff and finite differences,
kink conventions, IEEE semantics of the forward functions, and lazy sympy import."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
import sympy

import backpropviz
from backpropviz.ops import OPS

inf = math.inf

# Points inside each op's domain and away from its kinks.
# Unary ops (folded constants included): (x, c); c is None for ops without a constant.
# Binary ops: (a, b).
POINTS: dict[str, list[tuple[float, float | None]]] = {
    "add": [(1.5, -2.0), (-0.3, 0.7), (10.0, 3.25)],
    "sub": [(1.5, -2.0), (-0.3, 0.7), (10.0, 3.25)],
    "mul": [(1.5, -2.0), (-0.3, 0.7), (10.0, 3.25)],
    "div": [(1.5, -2.0), (-0.3, 0.7), (10.0, 3.25), (2.0, 0.125)],
    "pow": [(1.5, -2.0), (0.3, 0.7), (2.5, 3.0), (4.0, 0.5), (0.75, -1.25)],
    "max": [(1.5, -2.0), (-0.3, 0.7), (3.0, 3.5)],
    "min": [(1.5, -2.0), (-0.3, 0.7), (3.0, 3.5)],
    "add_const": [(1.5, 1.0), (-0.3, -2.5), (10.0, 0.125)],
    "sub_const": [(1.5, 1.0), (-0.3, -2.5), (10.0, 0.125)],
    "rsub_const": [(1.5, 1.0), (-0.3, -2.5), (10.0, 0.125)],
    "mul_const": [(1.5, 2.0), (-0.3, -3.0), (10.0, 0.125)],
    "div_const": [(1.5, 2.0), (-0.3, -3.0), (10.0, 0.125)],
    "rdiv_const": [(1.5, 1.0), (-0.3, -3.0), (10.0, 0.125), (0.25, 2.0)],
    "pow_const": [(1.5, 2.0), (-1.5, 3.0), (0.4, 0.5), (2.0, -1.0), (3.0, -2.5), (-2.0, 2.0)],
    "rpow_const": [(1.5, 2.0), (-0.7, 3.0), (0.4, 0.5), (2.0, 10.0)],
    "neg": [(1.5, None), (-0.3, None), (10.0, None)],
    "exp": [(1.5, None), (-0.3, None), (10.0, None), (-20.0, None)],
    "log": [(1.5, None), (0.3, None), (10.0, None), (1e-3, None)],
    "sqrt": [(1.5, None), (0.3, None), (10.0, None), (1e-3, None)],
    "sin": [(1.5, None), (-0.3, None), (10.0, None), (-4.0, None)],
    "cos": [(1.5, None), (-0.3, None), (10.0, None), (-4.0, None)],
    "tan": [(1.2, None), (-0.3, None), (10.0, None), (-4.0, None)],
    "tanh": [(1.5, None), (-0.3, None), (3.0, None), (-2.0, None)],
    "sigmoid": [(1.5, None), (-0.3, None), (10.0, None), (-4.0, None)],
    "relu": [(1.5, None), (-0.3, None), (10.0, None), (-4.0, None)],
    "abs": [(1.5, None), (-0.3, None), (10.0, None), (-4.0, None)],
}

X, Y = sympy.symbols("x y", real=True)


def test_every_op_has_points():
    """A new op without points fails here (and has no derivative test)."""
    assert set(POINTS) == set(OPS)


def test_op_names_and_arities_consistent():
    for name, op in OPS.items():
        assert op.name == name
        assert op.arity in (1, 2)
        for point in POINTS[name]:
            if op.arity == 2:
                assert point[1] is not None


def exact(v: float) -> sympy.Rational:
    """The float as an exact rational, so sympy evaluates at exactly the same point."""
    return sympy.Rational(v)


def approx_exact(expected: float):
    return pytest.approx(expected, rel=1e-12, abs=1e-12)


def sympy_value(expr, subs) -> float:
    value = expr.subs(subs).evalf(40)
    assert value.is_real, (expr, subs, value)
    return float(value)


def central(f, x: float) -> float:
    h = 1e-6 * max(1.0, abs(x))
    return (f(x + h) - f(x - h)) / (2 * h)


def approx_fd(expected: float):
    return pytest.approx(expected, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("name", sorted(POINTS))
def test_derivative_matches_sympy(name):
    op = OPS[name]
    for p, q in POINTS[name]:
        if op.arity == 2:
            sym = op.symbolic(sympy, X, Y)
            subs = {X: exact(p), Y: exact(q)}
            out = op.forward(p, q)
            da, db = op.derivative(p, q, out)
            assert da == approx_exact(sympy_value(sympy.diff(sym, X), subs)), (name, p, q)
            assert db == approx_exact(sympy_value(sympy.diff(sym, Y), subs)), (name, p, q)
            # the forward value agrees with sympy too
            assert out == approx_exact(sympy_value(sym, subs)), (name, p, q)
        else:
            c = None if q is None else exact(q)
            sym = op.symbolic(sympy, X, c)
            subs = {X: exact(p)}
            out = op.forward(p, q)
            d = op.derivative(p, out, q)
            assert d == approx_exact(sympy_value(sympy.diff(sym, X), subs)), (name, p, q)
            assert out == approx_exact(sympy_value(sym, subs)), (name, p, q)


@pytest.mark.parametrize("name", sorted(POINTS))
def test_derivative_matches_finite_difference(name):
    op = OPS[name]
    for p, q in POINTS[name]:
        if op.arity == 2:
            da, db = op.derivative(p, q, op.forward(p, q))
            assert da == approx_fd(central(lambda a: op.forward(a, q), p)), (name, p, q)
            assert db == approx_fd(central(lambda b: op.forward(p, b), q)), (name, p, q)
        else:
            d = op.derivative(p, op.forward(p, q), q)
            assert d == approx_fd(central(lambda x: op.forward(x, q), p)), (name, p, q)


# --- kinks follow PyTorch -------------------------------------------------------------

def test_relu_kink_is_zero():
    op = OPS["relu"]
    assert op.forward(0.0, None) == 0.0
    assert op.derivative(0.0, 0.0, None) == 0.0
    assert backpropviz.trace("relu(x)", x=0).gradients == {"x": 0.0}


def test_abs_kink_is_zero():
    op = OPS["abs"]
    assert op.derivative(0.0, 0.0, None) == 0.0
    assert op.derivative(-0.0, 0.0, None) == 0.0
    assert backpropviz.trace("abs(x)", x=0).gradients == {"x": 0.0}


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_ties_split_evenly(name):
    op = OPS[name]
    assert op.forward(2.0, 2.0) == 2.0
    assert tuple(op.derivative(2.0, 2.0, 2.0)) == (0.5, 0.5)
    assert tuple(op.derivative(-1.5, -1.5, -1.5)) == (0.5, 0.5)
    g = backpropviz.trace(f"{name}(x, y)", x=3, y=3)
    assert g.gradients == {"x": 0.5, "y": 0.5}
    # both operands the same variable: the halves add up to the full gradient
    assert backpropviz.trace(f"{name}(x, x)", x=3).gradients == {"x": 1.0}


def test_max_min_pick_one_side():
    assert tuple(OPS["max"].derivative(3.0, 1.0, 3.0)) == (1.0, 0.0)
    assert tuple(OPS["max"].derivative(1.0, 3.0, 3.0)) == (0.0, 1.0)
    assert tuple(OPS["min"].derivative(3.0, 1.0, 1.0)) == (0.0, 1.0)
    assert tuple(OPS["min"].derivative(1.0, 3.0, 1.0)) == (1.0, 0.0)


# --- IEEE semantics of forward --------------------------------------------------------

def value(expression: str, **values: float) -> float:
    return backpropviz.trace(expression, values).value


@pytest.mark.parametrize("expression, expected", [
    ("1/0", inf),
    ("-1/0", -inf),
    ("log(0)", -inf),
    ("exp(1000)", inf),
    ("0**-1", inf),
    ("0^-1", inf),
])
def test_ieee_infinities(expression, expected):
    assert value(expression) == expected


@pytest.mark.parametrize("expression", ["0/0", "log(-1)", "sqrt(-1)", "(-8)**(1/3)"])
def test_ieee_nan(expression):
    assert math.isnan(value(expression))


@pytest.mark.parametrize("expression, values, expected", [
    ("1/x", {"x": 0}, inf),
    ("-1/x", {"x": 0}, -inf),
    ("x/y", {"x": 1, "y": 0}, inf),
    ("x/y", {"x": -1, "y": 0}, -inf),
    ("log(x)", {"x": 0}, -inf),
    ("exp(x)", {"x": 1000}, inf),
    ("x**-1", {"x": 0}, inf),
    ("x**y", {"x": 0, "y": -1}, inf),
])
def test_ieee_infinities_through_variables(expression, values, expected):
    assert value(expression, **values) == expected


@pytest.mark.parametrize("expression, values", [
    ("x/y", {"x": 0, "y": 0}),
    ("log(x)", {"x": -1}),
    ("sqrt(x)", {"x": -1}),
    ("x**y", {"x": -8, "y": 1 / 3}),
])
def test_ieee_nan_through_variables(expression, values):
    assert math.isnan(value(expression, **values))


def test_forward_functions_directly():
    assert OPS["div"].forward(1.0, 0.0) == inf
    assert OPS["div"].forward(-1.0, 0.0) == -inf
    assert math.isnan(OPS["div"].forward(0.0, 0.0))
    assert OPS["log"].forward(0.0, None) == -inf
    assert math.isnan(OPS["log"].forward(-1.0, None))
    assert math.isnan(OPS["sqrt"].forward(-1.0, None))
    assert OPS["exp"].forward(1000.0, None) == inf
    assert math.isnan(OPS["pow"].forward(-8.0, 1 / 3))
    assert OPS["pow"].forward(0.0, -1.0) == inf
    assert OPS["pow_const"].forward(0.0, -1.0) == inf
    assert OPS["rdiv_const"].forward(0.0, 1.0) == inf
    assert OPS["rdiv_const"].forward(0.0, -1.0) == -inf


@pytest.mark.parametrize("x, expected", [(1000.0, 1.0), (-1000.0, 0.0), (800.0, 1.0),
                                         (-800.0, 0.0)])
def test_sigmoid_stable_at_extremes(x, expected):
    op = OPS["sigmoid"]
    out = op.forward(x, None)
    assert out == expected
    assert op.derivative(x, out, None) == 0.0
    g = backpropviz.trace("sigmoid(x)", x=x)
    assert g.value == expected
    assert g.gradients == {"x": 0.0}


def test_sigmoid_matches_logistic_midrange():
    for x in (-30.0, -2.5, 0.0, 0.7, 30.0):
        assert OPS["sigmoid"].forward(x, None) == pytest.approx(1 / (1 + math.exp(-x)),
                                                                rel=1e-15)


# --- sympy is imported only where it is needed ----------------------------------------

def test_plain_trace_does_not_import_sympy():
    code = ("import sys, backpropviz; backpropviz.trace('x*y', x=1, y=2); "
            "print('sympy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_json_run_imports_nothing_heavy():
    """Issue 7's start-up goal: a --json run imports no sympy, rich, graphviz, renderer of
    diagrams, or dataclasses (which pulls in inspect)."""
    code = ("import sys; from backpropviz.cli import main\n"
            "try:\n    main(['(x+y)*z', '--x', '3', '--y', '-2', '--z', '-4', '--json'])\n"
            "except SystemExit:\n    pass\n"
            "heavy = ('sympy', 'rich', 'graphviz', 'backpropviz.render.dot', 'dataclasses')\n"
            "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "[]"
