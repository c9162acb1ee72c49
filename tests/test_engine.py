"""Forward and reverse passes: fan-out accumulation, repeatability, local gradients, wires,
long chains, agreement with sympy.diff on many expressions, and non-finite flagging."""

from __future__ import annotations

import math
import random

import pytest
import sympy

import backpropviz
from backpropviz import Wire, engine
from backpropviz.ops import FUNCTION_OP, FUNCTIONS, OPS

X, Y, Z = sympy.symbols("x y z", real=True)
SYMBOLS = {"x": X, "y": Y, "z": Z}


def sympy_grads(expr, values: dict[str, float]) -> dict[str, float]:
    """d expr / d variable at ``values``, evaluated exactly by sympy (floats as rationals)."""
    subs = {SYMBOLS[k]: sympy.Rational(v) for k, v in values.items()}
    out = {}
    for name in values:
        d = sympy.diff(expr, SYMBOLS[name]).subs(subs).evalf(40)
        assert d.is_real, (expr, name, d)
        out[name] = float(d)
    return out


def sympy_value(expr, values: dict[str, float]) -> float:
    subs = {SYMBOLS[k]: sympy.Rational(v) for k, v in values.items()}
    return float(expr.subs(subs).evalf(40))


# --- fan-out ----------------------------------------------------------------------------

def test_square_by_fan_out():
    g = backpropviz.trace("x*x", x=3)
    assert g.value == 9.0
    assert g.gradients == {"x": 6.0}
    (gate,) = g.gates
    assert gate.local_grads == (3.0, 3.0)


def test_fan_out_across_gates():
    g = backpropviz.trace("x*y+x", x=2, y=5)
    assert g.value == 12.0
    assert g.gradients == {"x": 6.0, "y": 2.0}


def test_fan_out_three_uses():
    # d/dx (x*x*x) = 3x^2; d/dx (x + x + x) = 3
    assert backpropviz.trace("x*x*x", x=2).gradients == {"x": 12.0}
    assert backpropviz.trace("x+x+x", x=2).gradients == {"x": 3.0}
    assert backpropviz.trace("x-x", x=2).gradients == {"x": 0.0}
    assert backpropviz.trace("x/x", x=2).gradients == {"x": 0.0}


FAN_OUT_CASES = [
    ("sin(x)*x", sympy.sin(X) * X, {"x": 0.7}),
    ("x**x", X ** X, {"x": 1.3}),
    ("exp(x)*x - x", sympy.exp(X) * X - X, {"x": -0.4}),
    ("x/(x+1)", X / (X + 1), {"x": 2.5}),
    ("max(x, x*x)", sympy.Max(X, X * X), {"x": 1.5}),
    ("min(x, x*x) + abs(x)", sympy.Min(X, X * X) + sympy.Abs(X), {"x": -0.5}),
    ("log(x)*sqrt(x)*x", sympy.log(X) * sympy.sqrt(X) * X, {"x": 3.0}),
    ("tanh(x*y)*y + sigmoid(y-x)", sympy.tanh(X * Y) * Y + 1 / (1 + sympy.exp(-(Y - X))),
     {"x": 0.3, "y": -1.2}),
    ("cos(x)**2 + sin(x)**2", sympy.cos(X) ** 2 + sympy.sin(X) ** 2, {"x": 0.9}),
    ("relu(x*y - z)*z", sympy.Max(0, X * Y - Z) * Z, {"x": 2.0, "y": 1.5, "z": 0.5}),
    ("tan(x)/x", sympy.tan(X) / X, {"x": 0.6}),
    ("2**x * x**2", 2 ** X * X ** 2, {"x": 1.7}),
]


@pytest.mark.parametrize("text, expr, values", FAN_OUT_CASES, ids=[c[0] for c in FAN_OUT_CASES])
def test_fan_out_vs_sympy(text, expr, values):
    g = backpropviz.trace(text, values)
    assert g.value == pytest.approx(sympy_value(expr, values), rel=1e-12, abs=1e-12)
    expected = sympy_grads(expr, values)
    for name, d in expected.items():
        assert g.gradients[name] == pytest.approx(d, rel=1e-12, abs=1e-12), name


# --- the reverse pass is repeatable ----------------------------------------------------

def test_backward_twice_gives_same_gradients():
    g = backpropviz.trace("x*y+x*sin(y)", x=2, y=5)
    before = [(n.grad, n.local_grads) for n in g.nodes]
    engine.backward(g)
    assert [(n.grad, n.local_grads) for n in g.nodes] == before
    engine.backward(g)
    assert [(n.grad, n.local_grads) for n in g.nodes] == before
    assert g.gradients["x"] == 5 + math.sin(5)


def test_forward_again_then_backward_uses_new_values():
    g = backpropviz.trace("x*x", x=3)
    engine.forward(g, {"x": 5})
    engine.backward(g)
    assert g.value == 25.0
    assert g.gradients == {"x": 10.0}


def test_output_gradient_is_one():
    g = backpropviz.trace("exp(x)+y", x=0.1, y=2)
    assert g.nodes[g.output].grad == 1.0


# --- local gradients and wires --------------------------------------------------------

@pytest.mark.parametrize("text, values, expected", [
    ("x/y", {"x": 3, "y": 2}, (0.5, -0.75)),
    ("y/x", {"x": 3, "y": 2}, (1 / 3, -2 / 9)),
    ("x-y", {"x": 3, "y": 2}, (1.0, -1.0)),
    ("x*y", {"x": 3, "y": 2}, (2.0, 3.0)),
    ("y**x", {"x": 3, "y": 2}, (12.0, 8 * math.log(2))),
    ("max(x, y)", {"x": 3, "y": 2}, (1.0, 0.0)),
    ("min(x, y)", {"x": 3, "y": 2}, (0.0, 1.0)),
])
def test_local_grads_aligned_with_inputs(text, values, expected):
    g = backpropviz.trace(text, values)
    (gate,) = g.gates
    assert len(gate.local_grads) == len(gate.inputs) == 2
    assert gate.local_grads == pytest.approx(expected, rel=1e-15)
    for node in g.nodes:
        if not node.is_gate:
            assert node.local_grads == ()


def test_local_grads_of_unary_gates():
    g = backpropviz.trace("1/(1+exp(-x))", x=0.0)
    # neg, exp, +1, 1/x at x = 0: -1, exp(0)=1, 1, -1/2^2
    assert [n.local_grads for n in g.gates] == [(-1.0,), (1.0,), (1.0,), (-0.25,)]
    assert g.gradients == {"x": 0.25}


def test_wires_of_the_simple_figure():
    g = backpropviz.trace("(x+y)*z", x=-2, y=5, z=-4)
    x, y, z = (g.variable_ids[k] for k in "xyz")
    add, mul = g.gates
    assert list(g.wires()) == [
        Wire(src=x, dst=add.id, slot=0, local_grad=1.0, grad=-4.0),
        Wire(src=y, dst=add.id, slot=1, local_grad=1.0, grad=-4.0),
        Wire(src=add.id, dst=mul.id, slot=0, local_grad=-4.0, grad=-4.0),
        Wire(src=z, dst=mul.id, slot=1, local_grad=3.0, grad=3.0),
    ]


def test_wire_grads_sum_to_node_grads():
    g = backpropviz.trace("x*y + sin(x)*x - y/x", x=0.8, y=-1.3)
    totals = [0.0] * len(g.nodes)
    for w in g.wires():
        totals[w.src] += w.grad
    for node in g.nodes:
        if node.id != g.output:
            assert totals[node.id] == pytest.approx(node.grad, rel=1e-15, abs=1e-15)


# --- long chains: linear and iterative ---------------------------------------------------

def test_100000_node_add_chain():
    g = backpropviz.trace("x" + "+1" * 100_000, x=0.5)
    assert len(g.nodes) == 100_001
    assert g.value == 100_000.5
    assert g.gradients == {"x": 1.0}


def test_100000_node_mul_chain():
    g = backpropviz.trace("x" + "*1.00001" * 100_000, x=2.0)
    assert len(g.nodes) == 100_001
    assert g.gradients["x"] == pytest.approx(1.00001 ** 100_000, rel=1e-9)
    assert g.value == pytest.approx(2.0 * 1.00001 ** 100_000, rel=1e-9)


def test_100001_neg_chain():
    g = backpropviz.trace("-" * 100_001 + "x", x=3.0)
    assert len(g.gates) == 100_001
    assert g.value == -3.0
    assert g.gradients == {"x": -1.0}


# --- many expressions over every function vs sympy.diff ---------------------------------

CONSTANTS = [("2", sympy.Integer(2)), ("0.5", sympy.Rational(1, 2)), ("3", sympy.Integer(3)),
             ("1.25", sympy.Rational(5, 4)), ("pi", sympy.pi), ("e", sympy.E)]


def generate(rng: random.Random, depth: int, used: set[str]) -> tuple[str, object]:
    """A random expression as (text, the same expression built in sympy by hand).

    Every operator is given operands that keep it inside its domain for real inputs.
    """
    if depth == 0 or rng.random() < 0.15:
        if rng.random() < 0.75:
            name = rng.choice("xyz")
            return name, SYMBOLS[name]
        return rng.choice(CONSTANTS)
    kind = rng.choice(["+", "-", "*", "/", "**c", "**", "neg", "exp", "log", "sqrt", "sin",
                       "cos", "tan", "tanh", "sigmoid", "relu", "abs", "max", "min", "atan",
                       "asin", "acos", "sinh", "cosh", "log2", "log10", "softplus", "gelu",
                       "sign"])
    used.add(kind)
    a, sa = generate(rng, depth - 1, used)
    if kind in ("+", "-", "*", "max", "min"):
        b, sb = generate(rng, depth - 1, used)
        if kind == "+":
            return f"({a})+({b})", sa + sb
        if kind == "-":
            return f"({a})-({b})", sa - sb
        if kind == "*":
            return f"({a})*({b})", sa * sb
        return f"{kind}({a}, {b})", (sympy.Max if kind == "max" else sympy.Min)(sa, sb)
    if kind == "/":
        b, sb = generate(rng, depth - 1, used)
        return f"({a})/(1+({b})**2)", sa / (1 + sb ** 2)
    if kind == "**c":
        k = rng.choice([2, 3])
        return f"({a})**{k}", sa ** k
    if kind == "**":
        b, sb = generate(rng, depth - 1, used)
        return f"(1+({a})**2)**sin({b})", (1 + sa ** 2) ** sympy.sin(sb)
    if kind == "neg":
        return f"-({a})", -sa
    if kind == "exp":
        return f"exp(tanh({a}))", sympy.exp(sympy.tanh(sa))
    if kind == "log":
        return f"log(1+({a})**2)", sympy.log(1 + sa ** 2)
    if kind == "sqrt":
        return f"sqrt(1+({a})**2)", sympy.sqrt(1 + sa ** 2)
    if kind == "tan":
        return f"tan(sin({a}))", sympy.tan(sympy.sin(sa))
    if kind == "sigmoid":
        return f"sigmoid({a})", 1 / (1 + sympy.exp(-sa))
    if kind == "relu":
        return f"relu({a})", sympy.Max(0, sa)
    if kind == "abs":
        return f"abs({a})", sympy.Abs(sa)
    if kind in ("asin", "acos", "sinh", "cosh"):  # inside (-1, 1), no overflow
        fn = {"asin": sympy.asin, "acos": sympy.acos, "sinh": sympy.sinh, "cosh": sympy.cosh}
        return f"{kind}(tanh({a}))", fn[kind](sympy.tanh(sa))
    if kind in ("log2", "log10"):
        return f"{kind}(1+({a})**2)", sympy.log(1 + sa ** 2, int(kind[3:]))
    if kind == "softplus":
        return f"softplus({a})", sympy.log(1 + sympy.exp(sa))
    if kind == "gelu":  # the tanh form, written out independently of the op table
        inner = sympy.sqrt(2 / sympy.pi) * (sa + sympy.Rational(44715, 10 ** 6) * sa ** 3)
        return f"gelu({a})", sa / 2 * (1 + sympy.tanh(inner))
    if kind == "sign":
        return f"sign({a})", sympy.sign(sa)
    if kind == "atan":
        return f"atan({a})", sympy.atan(sa)
    fn = {"sin": sympy.sin, "cos": sympy.cos, "tanh": sympy.tanh}[kind]
    return f"{kind}({a})", fn(sa)


def _cases(count: int = 40):
    rng = random.Random(20240531)
    used: set[str] = set()
    cases = []
    while len(cases) < count:
        text, expr = generate(rng, 4, used)
        if expr.free_symbols:
            cases.append((text, expr))
    return cases, used


RANDOM_CASES, RANDOM_USED = _cases()
POINT = {"x": 0.37, "y": -1.21, "z": 0.83}


def test_random_cases_cover_every_function():
    assert {f for f in FUNCTIONS if not OPS[FUNCTION_OP[f]].tensor} <= RANDOM_USED
    assert {"+", "-", "*", "/", "**", "**c", "neg"} <= RANDOM_USED


@pytest.mark.parametrize("index", range(len(RANDOM_CASES)))
def test_random_expression_vs_sympy(index):
    text, expr = RANDOM_CASES[index]
    names = {s.name for s in expr.free_symbols}
    values = {k: v for k, v in POINT.items() if k in names}
    g = backpropviz.trace(text, values)
    assert g.value == pytest.approx(sympy_value(expr, values), rel=1e-10, abs=1e-12), text
    expected = sympy_grads(expr, values)
    assert set(g.gradients) == set(expected)
    for name, d in expected.items():
        assert g.gradients[name] == pytest.approx(d, rel=1e-10, abs=1e-12), (text, name)


# --- nan / inf are flagged at the node where they arise ----------------------------------

def test_first_nonfinite_none_when_all_finite():
    assert engine.first_nonfinite(backpropviz.trace("x*y", x=1, y=2)) is None


def test_first_nonfinite_value():
    g = backpropviz.trace("exp(log(x))+y", x=-1, y=2)
    log = next(n for n in g.nodes if n.op == "log")
    assert math.isnan(log.value) and math.isnan(g.value)
    assert engine.first_nonfinite(g) == (log.id, "value")


def test_first_nonfinite_division_by_zero():
    g = backpropviz.trace("y + 1/x", x=0, y=2)
    div = next(n for n in g.nodes if n.op == "rdiv_const")
    assert div.value == math.inf and g.value == math.inf
    assert engine.first_nonfinite(g) == (div.id, "value")


def test_first_nonfinite_gradient_only():
    g = backpropviz.trace("sqrt(x)", x=0)
    assert g.value == 0.0
    assert g.gradients["x"] == math.inf
    assert engine.first_nonfinite(g) == (g.variable_ids["x"], "gradient")


def test_first_nonfinite_gradient_where_it_arises():
    # sqrt(sqrt(x)) at 0: the outer gate's local derivative is inf, so the inner gate's
    # gradient is the first to go non-finite in the reverse pass
    g = backpropviz.trace("sqrt(sqrt(x))", x=0)
    inner, outer = g.gates
    assert outer.grad == 1.0 and inner.grad == math.inf
    assert engine.first_nonfinite(g) == (inner.id, "gradient")


@pytest.mark.parametrize("text, expand", [
    ("x*y + x", False),
    ("a = x*2; x2 = a + y; b = x2 * x; b - y", False),  # a name that only looks like x
    ("q = x + y\nq = q * z\nq + x", False),  # a re-assigned name is a new node, not an input
    ("sigmoid(w*x + b) + tanh(x)", True),  # expand() makes a new store
])
def test_every_variable_has_one_input_node_and_gets_its_value(text, expand):
    """The forward pass puts each variable's value at its node in graph.variable_ids: every
    input node must be one of those, and each must get the value given for its name."""
    from backpropviz.expand import expand as expand_graph
    from backpropviz.parse import build_expression

    graph = build_expression(text)
    if expand:
        graph = expand_graph(graph)
    inputs = [n.id for n in graph.nodes if n.op == "input"]
    assert sorted(graph.variable_ids.values()) == inputs
    values = {name: 0.5 + k for k, name in enumerate(graph.variable_ids)}
    got = engine.node_values(graph, values)
    assert {name: got[i] for name, i in graph.variable_ids.items()} == values


@pytest.mark.parametrize("text, values, output, grads", [
    # f = log(0) = -inf is never used: its 0 * (1/0 = inf) made dq/dx nan (it is 2)
    ("q = x*2; f = log(x); q", {"x": 0.0}, None, {"x": 2.0}),
    # statements after --output q: 1/q at q = 0 sent 0 * -inf = nan back into q
    ("q = x*y; f = 1/q; g = q*3", {"x": 0.0, "y": 2.0}, "q", {"x": 2.0, "y": 0.0}),
    # a chain of unused gates, each fine, changes nothing either
    ("q = x*y; u = exp(q); v = u*u; q + 1", {"x": 3.0, "y": -1.0}, None,
     {"x": -1.0, "y": 3.0}),
])
def test_a_gate_the_output_does_not_depend_on_sends_nothing_back(text, values, output, grads):
    """As in PyTorch, only the gates the output depends on take part in the reverse pass
    (hand-derived: d(2x)/dx = 2; d(xy)/dx = y, d(xy)/dy = x). Unused gates keep their
    local derivatives for the diagram."""
    graph = backpropviz.trace(text, values, output=output)
    assert graph.gradients == grads
    unused = [n for n in graph.nodes if n.is_gate and n.id > graph.output
              or n.name in ("f", "u", "v", "g")]
    assert unused and all(n.grad == 0.0 and n.local_grads for n in unused)
