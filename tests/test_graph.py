"""The graph mirrors the expression as written: gate kinds, operand order, constant folding,
shared variable leaves, topological ids and source spans."""

from __future__ import annotations

import pytest

from backpropviz import Graph, Node
from backpropviz.parse import build_expression
from backpropviz.ops import OPS


def graph_of(expression: str) -> Graph:
    return build_expression(expression)


def shape(graph: Graph) -> list[tuple]:
    """Every node as (op, label, inputs)."""
    return [(n.op, n.label, n.inputs) for n in graph.nodes]


def test_sub_is_one_gate():
    g = graph_of("x - y")
    assert shape(g) == [("input", "x", ()), ("input", "y", ()), ("sub", "-", (0, 1))]
    assert g.output == 2


def test_div_is_one_gate():
    g = graph_of("x / y")
    assert shape(g) == [("input", "x", ()), ("input", "y", ()), ("div", "/", (0, 1))]


def test_operands_keep_their_order():
    g = graph_of("y - x")
    assert list(g.variable_ids) == ["y", "x"]
    (gate,) = g.gates
    assert gate.op == "sub"
    assert [g.nodes[i].name for i in gate.inputs] == ["y", "x"]
    g = graph_of("b / a")
    (gate,) = g.gates
    assert [g.nodes[i].name for i in gate.inputs] == ["b", "a"]
    g = graph_of("x ** y")
    (gate,) = g.gates
    assert gate.op == "pow"
    assert [g.nodes[i].name for i in gate.inputs] == ["x", "y"]


def test_negation_is_neg_gate():
    g = graph_of("-u")
    assert shape(g) == [("input", "u", ()), ("neg", "*-1", (0,))]
    g = graph_of("-(x+y)")
    assert [n.op for n in g.gates] == ["add", "neg"]
    assert g.gates[-1].label == "*-1"


def test_sum_of_three_is_two_gates_as_written():
    g = graph_of("a+b+c")
    a, b, c = (g.variable_ids[k] for k in "abc")
    first, second = g.gates
    assert (first.op, first.label, first.inputs) == ("add", "+", (a, b))
    assert (second.op, second.label, second.inputs) == ("add", "+", (first.id, c))
    assert g.output == second.id
    # written the other way round, the graph follows
    g = graph_of("a+(b+c)")
    a, b, c = (g.variable_ids[k] for k in "abc")
    first, second = g.gates
    assert first.inputs == (b, c)
    assert second.inputs == (a, first.id)


def test_product_of_three_is_two_gates():
    g = graph_of("a*b*c")
    assert [n.op for n in g.gates] == ["mul", "mul"]
    assert g.gates[1].inputs == (g.gates[0].id, g.variable_ids["c"])


@pytest.mark.parametrize("expression, op, label, param", [
    ("1+u", "add_const", "+1", 1.0),
    ("u+1", "add_const", "+1", 1.0),
    ("2*u", "mul_const", "*2", 2.0),
    ("u*2", "mul_const", "*2", 2.0),
    ("u**2", "pow_const", "**2", 2.0),
    ("u^2", "pow_const", "**2", 2.0),
    ("1/u", "rdiv_const", "1/x", 1.0),
    ("u/2", "div_const", "/2", 2.0),
    ("u-1", "sub_const", "-1", 1.0),
    ("1-u", "rsub_const", "1-x", 1.0),
    ("2**u", "rpow_const", "2**x", 2.0),
    ("u*-3", "mul_const", "*-3", -3.0),
    ("u*0.5", "mul_const", "*0.5", 0.5),
    ("u+1e-3", "add_const", "+1e-3", 1e-3),
])
def test_constant_folding_labels(expression, op, label, param):
    g = graph_of(expression)
    assert len(g.nodes) == 2  # the variable and one unary gate: no constant leaf
    leaf, gate = g.nodes
    assert (leaf.op, leaf.name) == ("input", "u")
    assert (gate.op, gate.label, gate.inputs, gate.param) == (op, label, (0,), param)
    assert g.output == gate.id


def test_folded_gate_over_a_subexpression():
    g = graph_of("1+exp(x)")
    assert [(n.op, n.label) for n in g.gates] == [("exp", "exp"), ("add_const", "+1")]
    assert g.gates[1].inputs == (g.gates[0].id,)


def test_two_constants_keep_two_leaves():
    g = graph_of("2*3")
    assert shape(g) == [("const", "2", ()), ("const", "3", ()), ("mul", "*", (0, 1))]
    assert [n.param for n in g.nodes[:2]] == [2.0, 3.0]
    assert not g.nodes[0].is_gate and not g.nodes[1].is_gate
    assert g.nodes[2].is_gate
    assert g.variable_ids == {}


def test_lone_constant_is_one_leaf():
    g = graph_of("4")
    assert shape(g) == [("const", "4", ())]
    assert g.output == 0


def test_negated_parenthesised_constant_is_a_neg_gate_over_a_const_leaf():
    g = graph_of("-(3)")
    assert shape(g) == [("const", "3", ()), ("neg", "*-1", (0,))]


def test_variable_is_one_leaf_however_often_used():
    g = graph_of("x*x")
    assert shape(g) == [("input", "x", ()), ("mul", "*", (0, 0))]
    g = graph_of("x*y+x-sin(x)/x")
    assert [n.op for n in g.nodes].count("input") == 2
    assert g.variable_ids == {"x": 0, "y": 1}
    x_uses = sum(n.inputs.count(0) for n in g.nodes)
    assert x_uses == 4


def test_variables_in_order_of_first_appearance():
    assert list(graph_of("x*(y+z)").variable_ids) == ["x", "y", "z"]
    assert list(graph_of("z*(y+x)").variable_ids) == ["z", "y", "x"]
    assert list(graph_of("b + a*b + c").variable_ids) == ["b", "a", "c"]
    assert list(graph_of("max(q, p) + exp(r)").variable_ids) == ["q", "p", "r"]
    g = graph_of("x*(y+z)")
    for name, i in g.variable_ids.items():
        assert g.nodes[i].op == "input" and g.nodes[i].name == name == g.nodes[i].label


@pytest.mark.parametrize("expression", [
    "x*(y+z)",
    "1/(1+exp(-(w0*x0+w1*x1+w2)))",
    "max(a*b, c) - min(d, a)/sqrt(b**2+1)",
    "(x+y)*(x-y)*(y-x)",
    "-(-(-x))",
    "2**3**x",
])
def test_topological_ids(expression):
    g = graph_of(expression)
    for i, node in enumerate(g.nodes):
        assert isinstance(node, Node)
        assert node.id == i
        assert all(src < node.id for src in node.inputs), node
        assert len(node.inputs) == (OPS[node.op].arity if node.is_gate else 0), node
    # every node but the output feeds some gate
    used = {src for node in g.nodes for src in node.inputs}
    assert used | {g.output} == set(range(len(g.nodes)))


def test_ids_are_node_positions_and_graph_lookup():
    g = graph_of("a*b")
    assert g["a"] is g.nodes[g.variable_ids["a"]]
    assert g["b"].name == "b"


@pytest.mark.parametrize("expression, texts", [
    ("(x+y)*z", {"add": "x+y", "mul": "(x+y)*z"}),
    ("x - y", {"sub": "x - y"}),
    ("sin( x )*2", {"sin": "sin( x )", "mul_const": "sin( x )*2"}),
    ("-(a)", {"neg": "-(a)"}),
    ("max(a, b+1)", {"add_const": "b+1", "max": "max(a, b+1)"}),
])
def test_spans_give_the_text_as_written(expression, texts):
    g = graph_of(expression)
    got = {n.op: g.text(n) for n in g.gates}
    assert got == texts


def test_spans_of_the_sigmoid():
    expression = "1/(1+exp(-(w0*x0+w1*x1+w2)))"
    g = graph_of(expression)
    assert [g.text(n) for n in g.gates] == [
        "w0*x0",
        "w1*x1",
        "w0*x0+w1*x1",
        "w0*x0+w1*x1+w2",
        "-(w0*x0+w1*x1+w2)",
        "exp(-(w0*x0+w1*x1+w2))",
        "1+exp(-(w0*x0+w1*x1+w2))",
        expression,
    ]
    for name in g.variable_ids:
        assert g.text(g[name]) == name


def test_spans_of_leaves():
    g = graph_of("2*3 + xy")
    assert [g.text(n) for n in g.nodes if not n.is_gate] == ["2", "3", "xy"]


@pytest.mark.parametrize("expression, gates", [
    ("x", 0),
    ("(x+y)*z", 2),  # CS231n's first figure: one + and one *
    ("1/(1+exp(-(w0*x0+w1*x1+w2)))", 8),  # the sigmoid neuron: *, *, +, +, *-1, exp, +1, 1/x
    ("a = x*y\nb = a + a\nb*3", 3),
])
def test_gate_count_counts_gates_without_node_views(expression, gates):
    g = graph_of(expression)
    assert g.gate_count == gates == len(g.gates)
    g = graph_of(expression)
    g.gate_count
    assert g._nodes is None  # (the count reads the store; views are made only when asked)
