"""Every primitive of the op table: local derivative vs sympy.diff and finite differences,
kink conventions, IEEE semantics of the forward functions, and lazy sympy import."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import mpmath
import pytest
import sympy

import backpropviz
from backpropviz import check, parse, symbolic
from backpropviz.ops import CONSTANTS, FUNCTION_OP, FUNCTIONS, OPS, grammar_help
from backpropviz.render.dot import render_dot

inf = math.inf
nan = math.nan

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
    "atan": [(1.5, None), (-0.3, None), (10.0, None), (-4.0, None)],
    "asin": [(0.5, None), (-0.3, None), (0.99, None), (-0.875, None)],
    "acos": [(0.5, None), (-0.3, None), (0.99, None), (-0.875, None)],
    "sinh": [(1.5, None), (-0.3, None), (10.0, None), (-4.0, None)],
    "cosh": [(1.5, None), (-0.3, None), (10.0, None), (-4.0, None)],
    "log2": [(1.5, None), (0.3, None), (8.0, None), (1e-3, None)],
    "log10": [(1.5, None), (0.3, None), (1000.0, None), (1e-3, None)],
    "softplus": [(1.5, None), (-0.3, None), (10.0, None), (-4.0, None), (0.0, None)],
    "gelu": [(1.5, None), (-0.3, None), (3.0, None), (-2.0, None), (-0.75, None)],
    "sign": [(1.5, None), (-0.3, None), (10.0, None), (-4.0, None)],
}

X, Y = sympy.symbols("x y", real=True)


SCALAR_OPS = {name: op for name, op in OPS.items() if not op.tensor}


def test_every_op_has_points():
    """A new op without points fails here (and has no derivative test); the array-only
    ops (matmul, sum, ...) are tested in test_tensor.py."""
    assert set(POINTS) == set(SCALAR_OPS)
    assert set(OPS) - set(SCALAR_OPS) == {
        "matmul", "transpose", "sum", "sum_axis", "sum_keep", "mean", "mean_axis", "amax", "amax_axis",
        "index", "softmax", "logsumexp"}


@pytest.mark.parametrize("name", sorted(POINTS))
def test_array_rule_is_the_scalar_rule_elementwise(name):
    """Each op's NumPy forward and local derivative, on arrays of its points, give the
    scalar entry's numbers at every point (so the two engines agree)."""
    import numpy as np

    op = OPS[name]
    assert op.array is not None and op.array.local is not None and op.array.vjp is None
    points = POINTS[name] + EDGES.get(name, [])
    a = np.array([p for p, _ in points])
    with np.errstate(all="ignore"):
        for k, (p, q) in enumerate(points):
            if op.arity == 2:
                b = np.array([q for _, q in points])
                out = np.asarray(op.array.forward(np, a, b))
                local = [np.broadcast_to(d, a.shape) for d in op.array.local(np, a, b, out)]
                want_out, want_local = op.forward(p, q), op.derivative(p, q, op.forward(p, q))
            else:
                out = np.asarray(op.array.forward(np, a, q))
                local = [np.broadcast_to(op.array.local(np, a, out, q), a.shape)]
                want_out = op.forward(p, q)
                want_local = (op.derivative(p, want_out, q),)
            assert _same(float(out[k]), want_out), (name, p, q)
            for got, want in zip(local, want_local):
                assert _same(float(got[k]), want), (name, p, q, got[k], want)


# Points where the IEEE and kink conventions matter (one constant per op, so each point's
# constant is the same as in POINTS for the folded ops).
EDGES: dict[str, list[tuple[float, float | None]]] = {
    "relu": [(0.0, None)], "abs": [(0.0, None)], "sign": [(0.0, None)],
    "max": [(2.0, 2.0)], "min": [(2.0, 2.0)], "div": [(1.0, 0.0), (0.0, 0.0)],
    "log": [(0.0, None), (-1.0, None)], "sqrt": [(-1.0, None)], "exp": [(1000.0, None)],
    "pow": [(0.0, -1.0), (-8.0, 1 / 3), (0.0, 2.0)], "sigmoid": [(-800.0, None)],
}


def _same(got: float, want: float) -> bool:
    """Equal to 1e-12 relative, nan with nan, inf with the same inf."""
    if math.isnan(want) or math.isnan(got):
        return math.isnan(want) and math.isnan(got)
    return got == pytest.approx(want, rel=1e-12, abs=1e-300)


def test_op_names_and_arities_consistent():
    for name, op in SCALAR_OPS.items():
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
    diagrams, or dataclasses (which pulls in inspect), nor what only --help, shell
    completion and notebooks use (textwrap, click's shell_completion, html, string)."""
    code = ("import sys; from backpropviz.cli import main\n"
            "try:\n    main(['(x+y)*z', '--x', '3', '--y', '-2', '--z', '-4', '--json'])\n"
            "except SystemExit:\n    pass\n"
            "heavy = ('sympy', 'rich', 'graphviz', 'backpropviz.render.dot', 'dataclasses', "
            "'textwrap', 'click.shell_completion', 'html', 'string')\n"
            "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "[]"


# --- the table is the one list of functions -------------------------------------------

NEW = ("atan", "asin", "acos", "sinh", "cosh", "log2", "log10", "softplus", "gelu", "sign")
ARRAYS = ("transpose", "sum", "mean", "softmax", "logsumexp")


def test_functions_keep_their_order_and_new_ones_come_last():
    assert list(FUNCTIONS) == ["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid",
                               "relu", "abs", "max", "min", *NEW, *ARRAYS]
    assert FUNCTIONS["max"] == FUNCTIONS["min"] == 2
    assert all(FUNCTIONS[name] == 1 for name in NEW)
    assert CONSTANTS == {"pi": math.pi, "e": math.e}


def test_function_spellings_come_from_the_table():
    for spelling, name in FUNCTION_OP.items():
        op = OPS[name]
        assert op.spelling == spelling and op.arity == FUNCTIONS[spelling]
        assert op.about and op.derivative_text, name  # the docs need both
    # operators and folded gates have no spelling: they are not functions of the grammar
    assert {op.name for op in OPS.values() if op.spelling is None} == {
        "add", "sub", "mul", "div", "pow", "add_const", "sub_const", "rsub_const", "mul_const",
        "div_const", "rdiv_const", "pow_const", "rpow_const", "neg", "matmul", "sum_axis", "sum_keep",
        "mean_axis", "amax", "amax_axis", "index"}
    assert parse.FUNCTIONS is FUNCTIONS and parse.CONSTANTS is CONSTANTS


def test_grammar_help_lists_every_function_in_order():
    text = grammar_help()
    assert all(len(line) <= 80 for line in text.splitlines())
    assert " ".join(text.split()) == " ".join(FUNCTIONS) + ", the constants pi and e."


def test_help_shows_the_table_functions(run):
    shown = " ".join(run("--help").stdout.split())
    assert " ".join(FUNCTIONS) + ", the constants pi and e." in shown


def test_unknown_function_lists_the_table(run):
    result = run("foo(x)", "--x", "1")
    assert result.exit_code == 2
    assert ("Error: unknown function 'foo' at column 1; supported: " + ", ".join(FUNCTIONS)
            + "\n") in result.stderr


# --- forward values of the new functions against mpmath at 40 digits ----------------

mpmath.mp.dps = 40


def _mp_gelu(x):
    k = mpmath.sqrt(2 / mpmath.pi)
    return x / 2 * (1 + mpmath.tanh(k * (x + mpmath.mpf("0.044715") * x ** 3)))


MPMATH = {
    "atan": mpmath.atan, "asin": mpmath.asin, "acos": mpmath.acos, "sinh": mpmath.sinh,
    "cosh": mpmath.cosh, "log2": lambda x: mpmath.log(x, 2), "log10": mpmath.log10,
    "softplus": lambda x: mpmath.log(1 + mpmath.exp(x)), "gelu": _mp_gelu,
    "sign": mpmath.sign,
}


@pytest.mark.parametrize("name", NEW)
def test_new_forward_and_derivative_match_mpmath(name):
    op = OPS[name]
    for x in [p for p, _ in POINTS[name]] + [0.25, 0.6]:
        expected = MPMATH[name](mpmath.mpf(x))
        out = op.forward(x, None)
        assert out == pytest.approx(float(expected), rel=4e-16, abs=1e-300), (name, x)
        if name != "sign":  # mpmath.diff of a step function is not a derivative
            slope = mpmath.diff(MPMATH[name], mpmath.mpf(x))
            assert op.derivative(x, out, None) == pytest.approx(float(slope), rel=1e-13), x


@pytest.mark.parametrize("name, x, expected", [
    ("log2", 1024.0, 10.0), ("log10", 1e-5, -5.0), ("log2", 0.5, -1.0),
    ("asin", 1.0, math.pi / 2), ("acos", -1.0, math.pi), ("acos", 1.0, 0.0),
    ("atan", 1.0, math.pi / 4), ("sinh", 0.0, 0.0), ("cosh", 0.0, 1.0),
    ("softplus", 0.0, math.log(2)), ("gelu", 0.0, 0.0), ("sign", 0.0, 0.0),
    ("sign", -2.5, -1.0), ("sign", 3.0, 1.0),
])
def test_new_forward_hand_values(name, x, expected):
    assert OPS[name].forward(x, None) == expected


@pytest.mark.parametrize("name, x, expected", [
    ("asin", 2.0, nan), ("asin", -1.5, nan), ("acos", 2.0, nan), ("acos", -1.0001, nan),
    ("log2", 0.0, -inf), ("log10", 0.0, -inf), ("log2", -1.0, nan), ("log10", -3.0, nan),
    ("cosh", 1000.0, inf), ("cosh", -1000.0, inf), ("sinh", 1000.0, inf),
    ("sinh", -1000.0, -inf), ("atan", 1e300, math.pi / 2), ("atan", -inf, -math.pi / 2),
    ("softplus", inf, inf), ("gelu", inf, inf), ("log2", inf, inf), ("sign", nan, nan),
])
def test_new_forward_ieee(name, x, expected):
    out = OPS[name].forward(x, None)
    assert out == expected or (math.isnan(out) and math.isnan(expected)), (name, x, out)


def test_new_functions_follow_ieee_end_to_end():
    assert math.isnan(value("asin(x)", x=2))
    assert value("log2(x)", x=0) == -inf
    assert value("cosh(x)", x=1000) == inf
    assert value("sinh(x)", x=-1000) == -inf


# Derivatives where PyTorch 2.13 has a convention (torch.autograd on float64 tensors,
# run by hand; the numbers are written here so the tests need no torch).
@pytest.mark.parametrize("name, x, expected", [
    ("asin", 1.0, inf), ("asin", -1.0, inf),       # torch: asin'(+-1) = inf
    ("acos", 1.0, -inf), ("acos", -1.0, -inf),     # torch: acos'(+-1) = -inf
    ("log2", 0.0, inf), ("log10", 0.0, inf),       # torch: log2'(0) = log10'(0) = inf
    ("sign", 0.0, 0.0), ("sign", -0.0, 0.0), ("sign", 2.0, 0.0), ("sign", -3.0, 0.0),
    ("softplus", 0.0, 0.5),                         # torch: sigmoid(0)
    ("atan", 1e200, 0.0), ("cosh", -1000.0, -inf), ("sinh", -1000.0, inf),
    ("softplus", 1000.0, 1.0), ("softplus", -1000.0, 0.0),
    ("gelu", 10.0, 1.0),
    # torch: gelu'(-10) = 0.0, as 1 + tanh(u) rounds to 0; ours keeps the true -4.3e-36
    ("gelu", -10.0, pytest.approx(0.0, abs=1e-35)),
])
def test_new_derivatives_follow_pytorch(name, x, expected):
    op = OPS[name]
    assert op.derivative(x, op.forward(x, None), None) == expected


def test_gelu_derivative_saturates_instead_of_nan():
    """Where tanh has saturated, 0 * inf (x*x overflows) must not make the slope nan (PyTorch
    gives nan at 1e200; the limit, 1 and 0, is what the function does)."""
    op = OPS["gelu"]
    assert op.derivative(1e200, op.forward(1e200, None), None) == 1.0
    assert op.derivative(-1e200, op.forward(-1e200, None), None) == 0.0
    assert op.forward(1e200, None) == 1e200


def test_endpoint_derivatives_end_to_end():
    assert backpropviz.trace("asin(x)", x=1).gradients == {"x": inf}
    assert backpropviz.trace("acos(x)", x=-1).gradients == {"x": -inf}
    assert backpropviz.trace("log2(x)", x=0).gradients == {"x": inf}
    assert backpropviz.trace("sign(x)", x=0).gradients == {"x": 0.0}
    assert backpropviz.trace("sign(x)*x", x=-2).gradients == {"x": -1.0}


@pytest.mark.parametrize("x", [1000.0, -1000.0, 800.0, -800.0, 40.0, -40.0])
def test_softplus_stable_at_extremes(x):
    op = OPS["softplus"]
    out = op.forward(x, None)
    # exact: log(1 + e**x) rounds to x for x >= 40, and e**x (well below 1e-17) for x <= -40
    assert out == (x if x > 0 else math.exp(x))
    assert op.derivative(x, out, None) == (1.0 if x > 0 else pytest.approx(math.exp(x)))
    g = backpropviz.trace("softplus(x)", x=x)
    assert g.value == out and math.isfinite(g.gradients["x"])


def test_softplus_keeps_small_values():
    """log(1 + exp(-30)) computed naively is 9.357622968839299e-14; log1p keeps all digits."""
    assert OPS["softplus"].forward(-30.0, None) == pytest.approx(math.exp(-30.0), rel=1e-15)


# --- kinks: the table describes them, check.py and symbolic.py read it --------------

@pytest.mark.parametrize("expression, values, kinks", [
    ("relu(x)", {"x": 0}, ["relu at 0 (node 1)"]),
    ("abs(x) + 1", {"x": 0}, ["abs at 0 (node 1)"]),
    ("max(x, y)", {"x": 2, "y": 2}, ["max tie at 2 (node 2)"]),
    ("min(x, y)", {"x": -1.5, "y": -1.5}, ["min tie at -1.5 (node 2)"]),
    ("x**y", {"x": 0, "y": 0}, ["0**0 (node 2)"]),
    ("0**y", {"y": 0}, ["0**0 (node 1)"]),
    ("sign(x)", {"x": 0}, ["sign at 0 (node 1)"]),
    ("y*sign(x) + relu(y)", {"x": 0, "y": 0},
     ["sign at 0 (node 2)", "relu at 0 (node 4)"]),
    ("x**0 + relu(x) + max(x, 1)", {"x": 3}, []),   # x**0 is 1 everywhere: no kink
    ("asin(x) + gelu(x) + softplus(x)", {"x": 1}, []),
    ("sign(x) + abs(x)", {"x": 0.5}, []),
])
def test_kinks_found_from_the_table(expression, values, kinks):
    assert check.find_kinks(backpropviz.trace(expression, values)) == kinks


def test_kink_functions_in_the_table():
    assert OPS["relu"].kink is not None and OPS["relu"].kink(0.0, None) == "relu at 0"
    assert OPS["max"].kink(2.0, 3.0) is None
    assert OPS["rpow_const"].kink(0.0, 0.0) == "0**0"
    assert OPS["rpow_const"].kink(0.0, 2.0) is None
    assert {n for n, op in OPS.items() if op.kink} == {
        "pow", "rpow_const", "relu", "abs", "max", "min", "sign"}
    assert symbolic._KINKED == {"relu", "abs", "max", "min", "sign"}


def test_sign_of_an_expression_sympy_cannot_prove_real_checks(run):
    """sympy's own sign(acos(x)) has no derivative sympy evaluates: --check said mismatch."""
    result = run("sign(acos(x)) + x", "--x", "0", "--check")
    assert result.exit_code == 0, result.output
    assert "check passed: all gradients agree" in result.stdout


def test_sign_kink_is_reported_and_passes_the_check(run):
    result = run("sign(x) + x", "--x", "0", "--check")
    assert result.exit_code == 0, result.output
    assert "at a kink: sign at 0 (node 1)" in result.stdout


# --- each new function end to end ---------------------------------------------------

@pytest.mark.parametrize("name", NEW)
def test_new_function_through_trace(name):
    x = 0.5
    op = OPS[name]
    graph = backpropviz.trace(f"{name}(x)", x=x)
    assert [n.op for n in graph.nodes] == ["input", name]
    assert graph.nodes[1].label == name
    assert graph.value == op.forward(x, None) == pytest.approx(float(MPMATH[name](x)), rel=4e-16)
    assert graph.gradients == {"x": op.derivative(x, graph.value, None)}


@pytest.mark.parametrize("name", NEW)
def test_new_function_passes_the_cli_check(run, name):
    result = run(f"{name}(x)*y + x", "--x", "0.5", "--y", "2", "--check")
    assert result.exit_code == 0, result.output
    assert "check passed" in result.stdout
    assert "kink" not in result.stdout


@pytest.mark.parametrize("name", NEW)
def test_new_function_exact_and_explain(run, name):
    result = run(f"{name}(x/2) + x", "--x", "1", "--exact", "--explain")
    assert result.exit_code == 0, result.output
    assert name in result.stdout


def test_new_functions_under_expand(run):
    result = run("sigmoid(gelu(x)) + tanh(softplus(x)) + sign(x)", "--x", "0.25", "--expand",
                 "--check")
    assert result.exit_code == 0, result.output
    assert "check passed" in result.stdout


@pytest.mark.parametrize("name", NEW)
def test_new_function_exact_values(name):
    """--exact's sympy forms give the float pass's value and gradient."""
    graph = backpropviz.trace(f"{name}(x)", x=0.5)
    exact = symbolic.exact_pass(graph)
    assert float(exact.values[1]) == pytest.approx(graph.value, rel=1e-15)
    assert float(exact.grads[0]) == pytest.approx(graph.gradients["x"], rel=1e-13)


def test_symbolic_knows_every_named_constant():
    from backpropviz.symbolic import _NAMED

    assert set(_NAMED) == set(CONSTANTS)
    assert all(float(_NAMED[name]) == value for name, value in CONSTANTS.items())


def test_gate_symbols_come_from_the_table():
    graph = backpropviz.trace("sigmoid(x)", x=0)
    assert 'label="σ"' in render_dot(graph)
    assert [op.name for op in OPS.values() if op.symbol] == ["sigmoid"]
    assert {op.name: op.mark for op in OPS.values() if op.mark} == {
        "sub": "−", "div": "÷", "pow": "^"}  # the operators whose operands' roles differ


TEACHING_POINTS = {"mul": (1.5, -2.0), "div": (1.5, -2.0), "rdiv_const": (1.25, 3.0),
                   "exp": (0.7, None), "log": (0.7, None), "tanh": (0.4, None),
                   "sigmoid": (-0.6, None)}


@pytest.mark.parametrize("name", sorted(TEACHING_POINTS))
def test_teaching_forms_are_the_derivative(name):
    """Each teaching form (σ(1 - σ), 1 - tanh², -1/x² ...), read as sympy reads math, is
    sympy.diff of the op at a point: x, y, c the inputs and constant, {…} the gate's value."""
    op = OPS[name]
    assert set(TEACHING_POINTS) == {n for n, o in OPS.items() if o.teaching}
    x, y = sympy.symbols("x y", real=True)
    a, b = TEACHING_POINTS[name]
    if op.arity == 1:
        c = sympy.Rational(str(b)) if b is not None else None
        out = op.symbolic(sympy, x, c)
        wrt, at = [x], {x: sympy.Rational(str(a))}
    else:
        out = op.symbolic(sympy, x, y)
        wrt, at = [x, y], {x: sympy.Rational(str(a)), y: sympy.Rational(str(b))}
        c = None
    assert len(op.teaching) == op.arity
    for form, var in zip(op.teaching, wrt):
        text = re.sub(r"\{[^}]*\}\(", "O*(", form)
        text = re.sub(r"\{[^}]*\}", "O", text)
        text = (text.replace("²", "**2").replace("·", "*").replace("e^", "E**")
                .replace("^", "**"))
        local = sympy.sympify(text, locals={"O": out, "x": x, "y": y, "c": c, "E": sympy.E})
        expected = sympy.diff(out, var)
        assert float(local.subs(at)) == pytest.approx(float(expected.subs(at)), rel=1e-12), form
