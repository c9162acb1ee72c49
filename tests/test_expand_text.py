"""Each gate --expand makes says what it computes (issue 15: every expanded gate was
described by the call it replaced, `n9 = sigmoid(...)` for a node of value -1). Checked by
evaluating each gate's text as an expression of its own, at the same values."""

from __future__ import annotations

import math
import re

import pytest

from backpropviz import trace
from backpropviz.render.table import table_rows

CASES = [
    ("sigmoid(w0*x0+w1*x1+w2)", {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}),
    ("tanh(x1*w1 + x2*w2 + b)", {"x1": 2, "x2": 0, "w1": -3, "w2": 1, "b": 6.8813735870195432}),
    ("sigmoid(x) * tanh(2*x - y)", {"x": 0.5, "y": -1.25}),
    ("u = a*b - 1\nf = tanh(u) + sigmoid(-3)", {"a": 0.3, "b": 2}),
    ("sigmoid(sigmoid(x))", {"x": 0.7}),
]


@pytest.mark.parametrize("text, values", CASES)
def test_every_expanded_gate_computes_what_its_text_says(text, values):
    graph = trace(text, values, expand=True)
    for node in graph.nodes:
        if not node.is_gate:
            continue
        formula = graph.text(node)
        words = set(re.findall(r"[A-Za-z_]\w*", formula))
        used = {name: v for name, v in values.items() if name in words}
        named = {n.name: n.value for n in graph.nodes if n.name in words
                 and n.name not in values}
        alone = trace(formula, {**used, **named})
        assert math.isclose(alone.value, node.value, rel_tol=1e-12, abs_tol=1e-12), formula


def test_the_sigmoid_gates_read_as_the_notes_write_them():
    graph = trace(*CASES[0], expand=True)
    u = "(w0*x0+w1*x1+w2)"
    texts = [graph.text(n) for n in graph.nodes[-4:]]
    assert texts == [f"-{u}", f"exp(-{u})", f"1 + exp(-{u})", f"1/(1 + exp(-{u}))"]
    # and the table's "computes" column shows them (it showed sigmoid(...) four times)
    computes = [row[3] for row in table_rows(graph, 2)[-4:]]
    assert computes == texts


def test_a_named_argument_is_written_by_its_name():
    graph = trace("u = a*b - 1\nf = tanh(u)", {"a": 0.3, "b": 2}, expand=True)
    assert graph.text(graph.nodes[-1]) == "(exp(2*u) - 1)/(exp(2*u) + 1)"
