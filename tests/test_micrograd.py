"""micrograd's own test programs (its ``test/test_engine.py``: ``test_sanity_check`` and
``test_more_ops``) run as written: the statements between the ``Value(...)`` lines and
``.backward()``, with ``.relu()`` method calls, ``+=`` and ``e = c - d`` reassigning Euler's
``e``. The numbers come from a hand derivation, from sympy, from micrograd's README and,
when micrograd is installed (the bench extra), from micrograd itself."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from backpropviz import trace
from test_programs import sym_micrograd_readme

SANITY = """\
z = 2 * x + 2 + x
q = z.relu() + z * x
h = (z * z).relu()
y = h + q + q * x
"""

MORE_OPS = """\
c = a + b
d = a * b + b**3
c += c + 1
c += 1 + c + (-a)
d += d * 2 + (b + a).relu()
d += 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g += 10.0 / f
"""


def test_sanity_check_matches_the_hand_derivation():
    # z = 3x + 2 = -10; q = relu(z) + zx = 40; h = relu(z^2) = 100; y = h + q + qx = -20.
    # dy/dx = 6(3x+2) + (6x+2)(1+x) + q = -60 + (-22)(-3) + 40 = 46 (relu(z) is off: z < 0).
    graph = trace(SANITY, x=-4.0)
    assert graph.value == -20.0
    assert graph.gradients == {"x": 46.0}


def test_more_ops_matches_sympy_and_micrograds_readme():
    a, b = sp.symbols("a b", real=True)
    g = sym_micrograd_readme({"a": a, "b": b})  # the same statements, on sympy expressions
    at = {a: -4, b: 2}
    graph = trace(MORE_OPS, a=-4.0, b=2.0)
    assert graph.value == pytest.approx(float(g.subs(at)), rel=1e-12)
    assert graph.gradients["a"] == pytest.approx(float(sp.diff(g, a).subs(at)), rel=1e-12)
    assert graph.gradients["b"] == pytest.approx(float(sp.diff(g, b).subs(at)), rel=1e-12)
    # micrograd's README prints these, to 4 decimals
    assert f"{graph.value:.4f}" == "24.7041"
    assert f"{graph.gradients['a']:.4f}" == "138.8338"
    assert f"{graph.gradients['b']:.4f}" == "645.5773"


def test_e_is_a_variable_after_its_assignment():
    graph = trace(MORE_OPS, a=-4.0, b=2.0)
    named = {node.name: node for node in graph.nodes if node.name}
    e = named["e"]
    assert e.op == "sub" and e.value != sp.E.evalf()
    assert e.value == graph.nodes[e.inputs[0]].value - graph.nodes[e.inputs[1]].value
    assert sorted(graph.variables) == ["a", "b"]  # e is assigned, not asked for


def test_more_ops_through_the_command_line(run, tmp_path):
    program = tmp_path / "more_ops.bp"
    program.write_text(MORE_OPS, encoding="utf-8")
    result = run("-f", str(program), "--a", "-4", "--b", "2", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["value"] == trace(MORE_OPS, a=-4.0, b=2.0).value
    grads = doc["gradients"]
    assert f"{grads['a']:.4f}" == "138.8338" and f"{grads['b']:.4f}" == "645.5773"


def test_both_programs_agree_with_micrograd_itself():
    engine = pytest.importorskip("micrograd.engine", reason="micrograd is in the bench extra")
    Value = engine.Value
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    graph = trace(SANITY, x=-4.0)
    assert (graph.value, graph.gradients["x"]) == (y.data, x.grad)

    a, b = Value(-4.0), Value(2.0)
    g = micrograd_more_ops(a, b)
    g.backward()
    graph = trace(MORE_OPS, a=-4.0, b=2.0)
    assert graph.value == pytest.approx(g.data, rel=1e-12)
    assert graph.gradients["a"] == pytest.approx(a.grad, rel=1e-12)
    assert graph.gradients["b"] == pytest.approx(b.grad, rel=1e-12)


def micrograd_more_ops(a, b):
    """test_more_ops on micrograd Values (relu as micrograd's method)."""
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g
