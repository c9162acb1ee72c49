"""Property tests: backprop agrees with sympy.diff on random expressions.

hypothesis draws expression trees over every function and operator of the grammar. Each
tree is rendered to text for :func:`backpropviz.trace` and, in parallel and by hand (never by
parsing the text), built as a sympy expression. At a random point, kept away from kinks and
domain edges by ``assume`` on every intermediate value (and away from ill-conditioned
points, where float64 itself cannot be held to 1e-9), each backprop gradient must equal
``sympy.diff`` of the whole expression evaluated to 30 digits, to 1e-9 relative; where the
terms of a gradient cancel, to 1e-9 times their size (the sum over all paths of the
products of the local derivatives' magnitudes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st

import backpropviz
from backpropviz.ops import OPS

RTOL = 1e-9
VARIABLES = ("x", "y", "w1")
SYMBOLS = {name: sp.Symbol(name, real=True) for name in VARIABLES}

# Keep-away margins: the point must be safely inside every gate's smooth domain, so that
# float64 and exact arithmetic take the same branch and the derivative is well conditioned.
DOMAIN_MARGIN = 1e-3      # log/sqrt arguments, bases of real powers, division denominators
KINK_MARGIN = 1e-6        # relu/abs arguments, max/min operand gaps (relative)
TAN_MARGIN = 1e-2         # |cos| of a tan argument (keeps it off pi/2 + k pi)
EXP_LIMIT = 50.0          # exp arguments
VALUE_LIMIT = 1e6         # every intermediate value
CONDITION_LIMIT = 1e-11   # estimated relative rounding error of any value or local derivative

SETTINGS = dict(deadline=None, database=None, derandomize=True,  # the same examples every CI run
                suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


SUBNORMAL_FLOOR = 1e-300  # far below any normal float's 1e-9 relative tolerance


class Reject(Exception):
    """The point sits near a kink or a domain edge of some gate."""


# --- the trees ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tree:
    """An expression tree: ``kind`` with its ``children`` and a parameter ``arg`` (the
    variable name, constant text, function name, operator or exponent)."""

    kind: str
    arg: str = ""
    children: tuple["Tree", ...] = ()


# Constants: text as typed -> (exact sympy value, float value).
CONSTANTS = {
    "2": (sp.Integer(2), 2.0),
    "3": (sp.Integer(3), 3.0),
    "0.5": (sp.Rational(1, 2), 0.5),
    "1.5": (sp.Rational(3, 2), 1.5),
    "0.1": (sp.Rational(1, 10), 0.1),
    "1e-3": (sp.Rational(1, 1000), 1e-3),
    "pi": (sp.pi, math.pi),
    "e": (sp.E, math.e),
}
NEGATIVE_CONSTANTS = {"-2": (sp.Integer(-2), -2.0), "-0.5": (sp.Rational(-1, 2), -0.5)}
POSITIVE_BASES = ("2", "0.5", "e", "pi", "1.5")
INT_EXPONENTS = ("-3", "-2", "-1", "0", "1", "2", "3", "4")
REAL_EXPONENTS = ("0.5", "1.5", "-0.5", "2.5")

FUNCTIONS = ("exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "abs",
             "atan", "asin", "acos", "sinh", "cosh", "log2", "log10", "softplus", "gelu", "sign")
GELU_A = sp.Rational(44715, 10 ** 6)  # gelu's tanh form, written out here independently
GELU_K = math.sqrt(2 / math.pi)
BINARY = ("+", "-", "*", "/")
# Every kind of node the generator makes (each is exercised at the root below).
KINDS = ("neg",) + FUNCTIONS + BINARY + ("max", "min", "ipow", "rpow", "cpow", "vpow")


def render(tree: Tree) -> str:
    """The tree as backpropviz text, every operand parenthesized."""
    k, a, c = tree.kind, tree.arg, tree.children
    if k == "var":
        return a
    if k == "const":
        return f"({a})" if a.startswith("-") else a
    if k == "neg":
        return f"-({render(c[0])})"
    if k in FUNCTIONS:
        return f"{k}({render(c[0])})"
    if k in BINARY:
        return f"({render(c[0])}) {k} ({render(c[1])})"
    if k in ("max", "min"):
        return f"{k}({render(c[0])}, {render(c[1])})"
    if k in ("ipow", "rpow"):  # wire ** constant exponent, '**' or '^'
        op, exponent = a.split(" ")
        exponent = f"({exponent})" if op == "^" and exponent.startswith("-") else exponent
        return f"({render(c[0])}){op}{exponent}"
    if k == "cpow":  # positive constant ** wire
        return f"{a}**({render(c[0])})"
    if k == "vpow":  # wire ** wire with a positive base
        return f"({render(c[0])})**({render(c[1])})"
    raise AssertionError(k)


def symbolic(tree: Tree) -> sp.Expr:
    """The same tree built directly as a sympy expression."""
    k, a, c = tree.kind, tree.arg, tree.children
    if k == "var":
        return SYMBOLS[a]
    if k == "const":
        return {**CONSTANTS, **NEGATIVE_CONSTANTS}[a][0]
    args = [symbolic(child) for child in c]
    if k == "neg":
        return -args[0]
    if k == "exp":
        return sp.exp(args[0])
    if k == "log":
        return sp.log(args[0])
    if k == "sqrt":
        return sp.sqrt(args[0])
    if k == "sin":
        return sp.sin(args[0])
    if k == "cos":
        return sp.cos(args[0])
    if k == "tan":
        return sp.tan(args[0])
    if k == "tanh":
        return sp.tanh(args[0])
    if k == "sigmoid":
        return 1 / (1 + sp.exp(-args[0]))
    if k == "relu":
        return sp.Max(0, args[0])
    if k == "abs":
        return sp.Abs(args[0])
    if k in ("atan", "asin", "acos", "sinh", "cosh"):
        return getattr(sp, k)(args[0])
    if k == "sign":
        return sp.Piecewise((1, args[0] > 0), (-1, args[0] < 0), (0, True))
    if k in ("log2", "log10"):
        return sp.log(args[0], int(k[3:]))
    if k == "softplus":
        return sp.log(1 + sp.exp(args[0]))
    if k == "gelu":
        return args[0] / 2 * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (args[0] + GELU_A * args[0] ** 3)))
    if k == "+":
        return args[0] + args[1]
    if k == "-":
        return args[0] - args[1]
    if k == "*":
        return args[0] * args[1]
    if k == "/":
        return args[0] / args[1]
    if k == "max":
        return sp.Max(args[0], args[1])
    if k == "min":
        return sp.Min(args[0], args[1])
    if k in ("ipow", "rpow"):
        return args[0] ** sp.Rational(a.split(" ")[1])
    if k == "cpow":
        return CONSTANTS[a][0] ** args[0]
    if k == "vpow":
        return args[0] ** args[1]
    raise AssertionError(k)


def _sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


EPS = 2.0 ** -52


def _ratio(num: float, den: float) -> float:
    """num / |den| for error estimates: 0 when num is 0, inf when only den is."""
    if num == 0:
        return 0.0
    return num / abs(den) if den != 0 else math.inf


@dataclass(frozen=True)
class Evaluated:
    """A subtree in float64: its value, an estimate of the value's relative rounding error
    (first order, from each gate's condition number), and per variable the sum over all
    paths of |products of local derivatives| (the size of the terms that make up the
    gradient, a scale for the rounding error when they cancel)."""

    value: float
    error: float
    scale: dict[str, float]


NEW_FUNCTIONS = FUNCTIONS[10:]


def _new_function(k: str, u: float, du: float) -> tuple[float, float, list[float], list[float]]:
    """value, its relative error, |local derivative| and its relative error of the functions
    added after 0.1 (u carries the relative error du)."""
    if k == "sign":
        if abs(u) <= KINK_MARGIN:
            raise Reject
        return math.copysign(1.0, u), 0.0, [0.0], [0.0]
    if k in ("log2", "log10"):
        if u <= DOMAIN_MARGIN:
            raise Reject
        value = math.log(u, int(k[3:]))
        local = 1 / (u * math.log(int(k[3:])))
        return value, _ratio(du, math.log(u)) + 2 * EPS, [local], [du + 2 * EPS]
    if k in ("asin", "acos"):
        if abs(u) >= 1 - DOMAIN_MARGIN:
            raise Reject
        value = math.asin(u) if k == "asin" else math.acos(u)
        local = 1 / math.sqrt(1 - u * u)
        return (value, _ratio(abs(u) * du * local, value) + EPS, [local],
                [u * u * local * local * du + 2 * EPS])
    if k in ("sinh", "cosh"):
        if abs(u) >= EXP_LIMIT:
            raise Reject
        f, g = (math.sinh, math.cosh) if k == "sinh" else (math.cosh, math.sinh)
        value, local = f(u), g(u)
        return (value, _ratio(abs(u) * du * abs(local), value) + EPS, [abs(local)],
                [_ratio(abs(u) * du * abs(value), local) + EPS])
    if k == "atan":
        value, local = math.atan(u), 1 / (1 + u * u)
        return (value, _ratio(abs(u) * du * local, value) + EPS, [local],
                [2 * u * u * local * du + 2 * EPS])
    if k == "softplus":
        value, local = math.log1p(math.exp(-abs(u))) + max(u, 0.0), _sigmoid(u)
        return (value, _ratio(abs(u) * du * local, value) + 2 * EPS, [local],
                [abs(u) * du * _sigmoid(-u) + 2 * EPS])
    # gelu = u * s with s = sigmoid(2 k (u + a u**3)); |gelu''| < 1 bounds the slope's error
    s = _sigmoid(2 * GELU_K * (u + 0.044715 * u ** 3))
    value = u * s
    local = s + 2 * u * s * (1 - s) * GELU_K * (1 + 3 * 0.044715 * u * u)
    return (value, _ratio(abs(local * u) * du, value) + 4 * EPS, [abs(local)],
            [_ratio(abs(u) * du + 8 * EPS, local)])


def evaluate(tree: Tree, point: dict[str, float]) -> Evaluated:
    """Evaluate the tree in float64. Raises Reject near a kink or a domain edge, and where
    the point is ill-conditioned: where a value or a local derivative would carry a rounding
    error above CONDITION_LIMIT relative (cancellation, trigonometry of a large argument,
    tanh or sigmoid saturated, log near 1...), since there float64 backprop cannot be held
    to 1e-9 of the exact derivative whatever its correctness."""
    k, a, c = tree.kind, tree.arg, tree.children
    if k == "var":
        return Evaluated(point[a], 0.0, {a: 1.0})
    if k == "const":
        exact = a.lstrip("-") in ("2", "3", "0.5", "1.5")
        return Evaluated({**CONSTANTS, **NEGATIVE_CONSTANTS}[a][1], 0.0 if exact else EPS, {})
    parts = [evaluate(child, point) for child in c]
    u, du = parts[0].value, parts[0].error
    # value, its relative error, local derivatives (magnitudes) and their relative errors
    if k == "neg":
        value, err, locals_, local_errs = -u, du, [1.0], [0.0]
    elif k == "exp":
        if u >= EXP_LIMIT:
            raise Reject
        value = math.exp(u)
        err = abs(u) * du + EPS
        locals_, local_errs = [value], [err]
    elif k == "log":
        if u <= DOMAIN_MARGIN:
            raise Reject
        value = math.log(u)
        err = _ratio(du, value) + EPS
        locals_, local_errs = [1 / u], [du + EPS]
    elif k == "sqrt":
        if u <= DOMAIN_MARGIN:
            raise Reject
        value = math.sqrt(u)
        err = du / 2 + EPS
        locals_, local_errs = [0.5 / value], [err + EPS]
    elif k == "sin":
        value = math.sin(u)
        err = _ratio(abs(u) * du * abs(math.cos(u)), value) + EPS
        locals_ = [abs(math.cos(u))]
        local_errs = [_ratio(abs(u) * du * abs(math.sin(u)), math.cos(u)) + EPS]
    elif k == "cos":
        value = math.cos(u)
        err = _ratio(abs(u) * du * abs(math.sin(u)), value) + EPS
        locals_ = [abs(math.sin(u))]
        local_errs = [_ratio(abs(u) * du * abs(math.cos(u)), math.sin(u)) + EPS]
    elif k == "tan":
        if abs(math.cos(u)) <= TAN_MARGIN:
            raise Reject
        value = math.tan(u)
        err = _ratio(abs(u) * du * (1 + value * value), value) + EPS
        locals_, local_errs = [1 + value * value], [2 * err + EPS]
    elif k == "tanh":
        value = math.tanh(u)
        err = _ratio(abs(u) * du * (1 - value * value), value) + EPS
        local = 1 / math.cosh(u) ** 2 if abs(u) < 350 else 0.0
        locals_ = [local]
        local_errs = [_ratio((2 * err + 2 * EPS) * value * value, local) + EPS]
    elif k == "sigmoid":
        value = _sigmoid(u)
        err = abs(u) * du * _sigmoid(-u) + EPS
        local = _sigmoid(u) * _sigmoid(-u)
        locals_ = [local]
        local_errs = [_ratio((err + EPS) * value, _sigmoid(-u)) + err + EPS]
    elif k in NEW_FUNCTIONS:
        value, err, locals_, local_errs = _new_function(k, u, du)
    elif k in ("relu", "abs"):
        if abs(u) <= KINK_MARGIN:
            raise Reject
        value = (max(u, 0.0)) if k == "relu" else abs(u)
        err = du
        locals_, local_errs = [1.0 if (u > 0 or k == "abs") else 0.0], [0.0]
    elif k in BINARY:
        v, dv = parts[1].value, parts[1].error
        if k in "+-":
            value = u + v if k == "+" else u - v
            err = _ratio(abs(u) * du + abs(v) * dv, value) + (EPS if value else 0.0)
            locals_, local_errs = [1.0, 1.0], [0.0, 0.0]
        elif k == "*":
            value, err = u * v, du + dv + EPS
            locals_, local_errs = [abs(v), abs(u)], [dv, du]
        else:
            if abs(v) <= DOMAIN_MARGIN:
                raise Reject
            value, err = u / v, du + dv + EPS
            locals_, local_errs = [1 / abs(v), abs(u) / (v * v)], [dv + EPS, du + 2 * dv + EPS]
    elif k in ("max", "min"):
        v, dv = parts[1].value, parts[1].error
        if abs(u - v) <= KINK_MARGIN * (1 + abs(u) + abs(v)):
            raise Reject
        first = (u > v) == (k == "max")
        value, err = (u, du) if first else (v, dv)
        locals_ = [1.0, 0.0] if first else [0.0, 1.0]
        local_errs = [0.0, 0.0]
    elif k in ("ipow", "rpow"):
        exponent = float(sp.Rational(a.split(" ")[1]))
        if k == "rpow" and u <= DOMAIN_MARGIN:
            raise Reject
        if exponent < 0 and abs(u) <= DOMAIN_MARGIN:
            raise Reject
        value = u ** exponent
        err = abs(exponent) * du + EPS
        locals_ = [abs(exponent * u ** (exponent - 1)) if exponent != 0 else 0.0]
        local_errs = [abs(exponent - 1) * du + 2 * EPS]
    elif k == "cpow":
        base = CONSTANTS[a][1]
        if u * math.log(base) >= EXP_LIMIT:
            raise Reject
        value = base ** u
        err = abs(u * math.log(base)) * (du + EPS) + EPS
        locals_, local_errs = [abs(value * math.log(base))], [err + 2 * EPS]
    elif k == "vpow":
        v, dv = parts[1].value, parts[1].error
        if u <= DOMAIN_MARGIN or v * math.log(u) >= EXP_LIMIT:
            raise Reject
        value = u ** v
        log_u = math.log(u)
        err = abs(v) * du + abs(v * log_u) * dv + EPS
        locals_ = [abs(v * u ** (v - 1)), abs(value * log_u)]
        local_errs = [dv + abs(v - 1) * du + abs((v - 1) * log_u) * dv + 2 * EPS,
                      err + _ratio(du, log_u) + 2 * EPS]
    else:
        raise AssertionError(k)
    if not math.isfinite(value) or abs(value) > VALUE_LIMIT:
        raise Reject
    if max([err] + local_errs) > CONDITION_LIMIT:
        raise Reject
    scale: dict[str, float] = {}
    for part, local in zip(parts, locals_):
        for name, s in part.scale.items():
            scale[name] = scale.get(name, 0.0) + abs(local) * s
    if any(not math.isfinite(s) or s > VALUE_LIMIT ** 2 for s in scale.values()):
        raise Reject
    return Evaluated(value, err, scale)


def variables_of(tree: Tree) -> set[str]:
    if tree.kind == "var":
        return {tree.arg}
    return set().union(*(variables_of(c) for c in tree.children)) if tree.children else set()


def kinds_of(tree: Tree) -> set[str]:
    found = {tree.kind}
    for child in tree.children:
        found |= kinds_of(child)
    return found


# --- strategies ---------------------------------------------------------------------------------

CONSTANT_TEXTS = sorted({**CONSTANTS, **NEGATIVE_CONSTANTS})


@st.composite
def leaves(draw) -> Tree:
    """A variable three times out of four, else a constant."""
    if draw(st.integers(0, 3)) < 3:
        return Tree("var", draw(st.sampled_from(VARIABLES)))
    return Tree("const", draw(st.sampled_from(CONSTANT_TEXTS)))


@st.composite
def node_of(draw, kind: str, depth: int) -> Tree:
    """A node of ``kind`` over subtrees at most ``depth`` operations deep."""
    def sub() -> Tree:
        return draw(trees(depth))

    if kind == "neg" or kind in FUNCTIONS:
        return Tree(kind, "", (sub(),))
    if kind in BINARY or kind in ("max", "min", "vpow"):
        return Tree(kind, "", (sub(), sub()))
    if kind in ("ipow", "rpow"):
        exponents = INT_EXPONENTS if kind == "ipow" else REAL_EXPONENTS
        op = draw(st.sampled_from(("**", "^")))
        return Tree(kind, f"{op} {draw(st.sampled_from(exponents))}", (sub(),))
    if kind == "cpow":
        return Tree(kind, draw(st.sampled_from(POSITIVE_BASES)), (sub(),))
    raise AssertionError(kind)


@st.composite
def trees(draw, depth: int = 4) -> Tree:
    """A random tree at most ``depth`` operations deep, over every kind of node."""
    if depth == 0 or draw(st.integers(0, 4)) == 0:
        return draw(leaves())
    return draw(node_of(draw(st.sampled_from(KINDS)), depth - 1))


# a coordinate: moderate, sometimes tiny or integral (hypothesis's own float choices)
coordinate = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)
points = st.fixed_dictionaries({name: coordinate for name in VARIABLES})


_PIECEWISE = (sp.Heaviside, sp.sign, sp.Abs, sp.Max, sp.Min, sp.re, sp.im, sp.arg)


def _at_point(expr: sp.Expr, at: dict[sp.Symbol, sp.Float]) -> float:
    """``expr`` at the point, evaluated with evalf(30). The arguments of Heaviside, sign and
    the like are evaluated first: sympy's evalf leaves Heaviside(-1.0**tan(exp(-1/2)))
    alone (the point is away from their jumps, so a numeric argument decides them)."""
    expr = expr.xreplace(at)
    expr = expr.replace(lambda e: isinstance(e, _PIECEWISE),
                        lambda e: e.func(*(a.evalf(60) for a in e.args)))
    number = expr.evalf(30)
    assert number.is_real and number.is_finite, (expr, number)
    return float(number)


def reference_gradients(tree: Tree, point: dict[str, float]) -> dict[str, float]:
    """sympy.diff of the whole expression, evaluated at the point to 30 digits.

    Each coordinate goes in as its exact binary value carried with 50 digits (a Float: an
    exact Rational with a 2**52 denominator would make sympy factor huge integers in powers
    such as x**x)."""
    expr = symbolic(tree)
    at = {SYMBOLS[name]: sp.Float(point[name], 50) for name in VARIABLES}
    return {name: _at_point(sp.diff(expr, SYMBOLS[name]), at)
            for name in sorted(variables_of(tree))}


def gradient_errors(tree: Tree, point: dict[str, float], scale: dict[str, float]
                    ) -> list[str]:
    """Trace the tree's text at the point; every gradient that differs from sympy's."""
    text = render(tree)
    used = {name: point[name] for name in sorted(variables_of(tree))}
    graph = backpropviz.trace(text, used)
    reference = reference_gradients(tree, point)
    assert set(graph.gradients) == set(reference)
    errors = []
    for name, expected in reference.items():
        got = graph.gradients[name]
        # + a floor in the subnormal range, where float64 keeps fewer significant digits
        tolerance = RTOL * max(abs(expected), scale[name]) + SUBNORMAL_FLOOR
        if not abs(got - expected) <= tolerance:
            errors.append(f"d/d{name} of {text} at {used}: backprop {got!r}, sympy "
                          f"{expected!r}, error {abs(got - expected):.3g} > {tolerance:.3g}")
    return errors


def check_tree(tree: Tree, point: dict[str, float]) -> None:
    """The property: away from kinks and domain edges, backprop is sympy.diff."""
    assume(variables_of(tree))
    try:
        evaluated = evaluate(tree, point)
    except Reject:
        assume(False)
        raise AssertionError("unreachable")
    text = render(tree)
    note(f"expression: {text}")
    note(f"point: {point}")
    used = {name: point[name] for name in sorted(variables_of(tree))}
    assert backpropviz.trace(text, used).value == pytest.approx(evaluated.value, rel=1e-9,
                                                                abs=1e-12)
    assert gradient_errors(tree, point, evaluated.scale) == []
    event(f"variables: {len(used)}")
    kinds = len(kinds_of(tree) - {"var", "const"})
    event(f"kinds of operation: {'5+' if kinds >= 5 else kinds}")


# --- the properties -----------------------------------------------------------------------------

@settings(max_examples=500, **SETTINGS)
@given(tree=trees(), point=points)
def test_backprop_matches_sympy_diff(tree, point):
    check_tree(tree, point)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=15, **SETTINGS)
@given(data=st.data(), point=points)
def test_every_operation_at_the_root(kind, data, point):
    tree = data.draw(node_of(kind, 2), label="tree")
    check_tree(tree, point)


def program(tree: Tree) -> str:
    """The tree as a program: every subexpression that is not a leaf assigned to a name."""
    statements: list[str] = []

    def name_of(node: Tree) -> str:
        if node.kind in ("var", "const"):
            return render(node)
        names = [name_of(child) for child in node.children]
        operands = tuple(Tree("var", n) for n in names)
        text = render(Tree(node.kind, node.arg, operands))
        statements.append(f"t{len(statements)} = {text}")
        return f"t{len(statements) - 1}"

    name_of(tree)
    return "\n".join(statements)


@settings(max_examples=150, **SETTINGS)
@given(tree=trees(), point=points)
def test_program_form_gives_the_same_gradients(tree, point):
    """Naming every subexpression builds the same gates in the same order, so the value
    and every gradient are the same floats."""
    assume(tree.kind not in ("var", "const") and variables_of(tree))
    try:
        evaluate(tree, point)
    except Reject:
        assume(False)
    used = {name: point[name] for name in sorted(variables_of(tree))}
    single = backpropviz.trace(render(tree), used)
    staged = backpropviz.trace(program(tree), used)
    note(program(tree))
    assert staged.output_name == f"t{program(tree).count(chr(10))}"
    assert staged.value == single.value
    assert staged.gradients == single.gradients
    # the program has one named gate per subexpression, the single expression none
    gates = [n for n in staged.nodes if n.is_gate]
    assert [n.name for n in gates] == [f"t{k}" for k in range(len(gates))]
    assert [n.op for n in gates] == [n.op for n in single.nodes if n.is_gate]
    assert not [n for n in single.nodes if n.is_gate and n.name]


# --- the generator covers the grammar -----------------------------------------------------------

def _examples() -> dict[str, Tree]:
    x, y = Tree("var", "x"), Tree("var", "y")
    two = Tree("const", "2")
    return {
        "neg": Tree("neg", "", (x,)),
        **{f: Tree(f, "", (x,)) for f in FUNCTIONS},
        **{op: Tree(op, "", (x, y)) for op in BINARY},
        **{f"{op}_const_right": Tree(op, "", (x, two)) for op in BINARY},
        **{f"{op}_const_left": Tree(op, "", (two, x)) for op in BINARY},
        "max": Tree("max", "", (x, y)), "min": Tree("min", "", (x, y)),
        "ipow": Tree("ipow", "** 3", (x,)), "ipow^": Tree("ipow", "^ -2", (x,)),
        "rpow": Tree("rpow", "** 0.5", (x,)),
        "cpow": Tree("cpow", "e", (x,)), "vpow": Tree("vpow", "", (x, y)),
        "pi": Tree("*", "", (Tree("const", "pi"), x)),
    }


def test_the_generator_reaches_every_op_of_the_engine():
    ops: set[str] = set()
    for tree in _examples().values():
        graph = backpropviz.trace(render(tree), {n: 1.3 for n in variables_of(tree)})
        ops |= {n.op for n in graph.nodes if n.is_gate}
    assert ops == {name for name, op in OPS.items() if not op.tensor}  # (arrays: test_tensor)


def test_rendering_and_sympy_agree_on_examples():
    """The two renderings of the generator describe the same function (checked at a point)."""
    for label, tree in _examples().items():
        # asin and acos are real only on [-1, 1]
        point = {"x": 0.3 if label in ("asin", "acos") else 1.3, "y": 0.7, "w1": 2.1}
        graph = backpropviz.trace(render(tree), {n: point[n] for n in variables_of(tree)})
        exact = float(symbolic(tree).xreplace(
            {SYMBOLS[n]: sp.Float(v, 50) for n, v in point.items()}).evalf(30))
        assert graph.value == pytest.approx(exact, rel=1e-14), label
        assert evaluate(tree, point).value == pytest.approx(exact, rel=1e-14), label


def test_the_tolerance_catches_a_wrong_derivative(monkeypatch):
    """A derivative wrong by one part in 10**7 fails the comparison the properties make."""
    op = OPS["sin"]
    monkeypatch.setitem(OPS, "sin", op._replace(
        derivative=lambda x, o, c: math.cos(x) * (1 + 1e-7)))
    tree = Tree("*", "", (Tree("sin", "", (Tree("var", "x"),)), Tree("var", "y")))
    point = {"x": 0.4, "y": 1.7, "w1": 0.0}
    scale = evaluate(tree, point).scale
    (error,) = gradient_errors(tree, point, scale)
    assert error.startswith("d/dx of (sin(x)) * (y) at")
    monkeypatch.setitem(OPS, "sin", op)
    assert gradient_errors(tree, point, scale) == []
