"""The engine's inline ops against the op table, and the JSON writer against one encoder call
per node.

* The engine's inline ops give the same numbers, to the last bit, as the op table.
* The JSON written column by column is byte for byte what one ``json`` encoder call per
  node dict writes.
"""

from __future__ import annotations

import json
import math
import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from backpropviz.engine import backward, forward
from backpropviz.errors import BackpropvizError
from backpropviz.parse import build_expression
from backpropviz.ops import OPS
from backpropviz.schedule import reaches_output
from backpropviz.render.json_doc import SCHEMA_ID, _head, _node_dict, render_json
from strategies import SETTINGS, expressions, programs



# --- the engine's inline ops against the op table ---------------------------------------

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e300, -1e300, 5e-324, 1e-308, 710.0, -710.0,
           math.inf, -math.inf, math.nan, 2.0 ** 0.5, math.pi]


def bits(x: float) -> bytes:
    """The float's bits; every nan alike (a nan's sign bit differs between 0 - nan and
    0 + nan * -1.0 on x86, and no output shows it: JSON writes "nan")."""
    return b"nan" if x != x else struct.pack("<d", x)


def evaluated(text: str, values: dict[str, float]):
    """The graph of ``text`` after both passes at ``values``, or None for invalid text."""
    try:
        graph = build_expression(text)
    except BackpropvizError:
        return None
    forward(graph, {n: v for n, v in values.items() if n in graph.variable_ids})
    backward(graph)
    return graph


def reference_passes(graph):
    """Values, gradients and local gradients through the op table alone (the engine as it
    was before the inline ops)."""
    nodes = graph.nodes
    values = []
    for node in nodes:
        if node.op == "input":
            values.append(node.value)  # (as forward() set it)
        elif node.op == "const":
            values.append(node.param)
        else:
            fn, ins = OPS[node.op].forward, node.inputs
            values.append(fn(values[ins[0]], node.param) if len(ins) == 1
                          else fn(values[ins[0]], values[ins[1]]))
    grads = [0.0] * len(nodes)
    grads[graph.output] = 1.0
    locals_ = [()] * len(nodes)
    needed = reaches_output(graph)
    for node in reversed(nodes):
        ins = node.inputs
        if not ins:
            continue
        op = OPS[node.op]
        if len(ins) == 1:
            local = (op.derivative(values[ins[0]], values[node.id], node.param),)
        else:
            local = op.derivative(values[ins[0]], values[ins[1]], values[node.id])
        locals_[node.id] = local
        if needed[node.id]:  # (a gate the output does not depend on sends nothing back)
            for src, d in zip(ins, local):
                grads[src] += grads[node.id] * d
    return values, grads, locals_


#: Graphs of generated programs after both passes at generated values (inf, nan, -0.0...).
evaluated_graphs = st.builds(
    evaluated, st.one_of(expressions(), programs),
    st.fixed_dictionaries({n: st.sampled_from(SPECIAL) | st.floats(-5, 5) for n in "xyzab"}),
).filter(lambda graph: graph is not None)


@settings(**SETTINGS)
@given(graph=evaluated_graphs)
def test_inline_ops_match_the_op_table_to_the_bit(graph):
    text = graph.expression
    ref_values, ref_grads, ref_locals = reference_passes(graph)
    for node in graph.nodes:
        assert bits(node.value) == bits(ref_values[node.id]), (text, node)
        assert bits(node.grad) == bits(ref_grads[node.id]), (text, node)
        assert list(map(bits, node.local_grads)) == list(map(bits, ref_locals[node.id]))


# --- the JSON writer against one encoder call per node ------------------------------------

def reference_json(graph) -> str:
    """render_json as it was: a dict per node, each encoded by json."""
    head, tail = _head(graph), {"warnings": [{"code": w.key, "message": w} for w in graph.warnings]}
    indented = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=2).encode
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    body = ",\n    ".join(encode(_node_dict(node)) for node in graph.nodes)
    return f'{indented(head)[:-2]},\n  "nodes": [\n    {body}\n  ],{indented(tail)[1:]}\n'


@settings(**SETTINGS)
@given(graph=evaluated_graphs)
def test_json_is_byte_for_byte_one_encoder_call_per_node(graph):
    assert render_json(graph) == reference_json(graph)


def test_json_of_a_graph_larger_than_one_piece(monkeypatch):
    from backpropviz.render import json_doc

    monkeypatch.setattr(json_doc, "CHUNK", 7)
    text = " + ".join(f"w{i % 5}*x{i % 3} - 0.0*y" for i in range(40))
    graph = build_expression(text)
    forward(graph, {**{f"w{i}": -0.0 if i else math.inf for i in range(5)},
                    **{f"x{i}": 0.5 * i for i in range(3)}, "y": 1.0})
    backward(graph)
    text_out = render_json(graph)
    assert text_out == reference_json(graph)
    assert json.loads(text_out)["schema"] == SCHEMA_ID


def test_json_before_the_passes():
    graph = build_expression("x*2 + y")
    assert render_json(graph) == reference_json(graph)


# --- the JSON steps against one encoder call per step --------------------------------------

@settings(**SETTINGS)
@given(graph=evaluated_graphs)
def test_json_steps_are_byte_for_byte_one_encoder_call_per_step(graph):
    """Each step's line, written directly, is what json writes for its dict (nan, inf,
    names and formulas included)."""
    from backpropviz.render.explain import step_text
    from backpropviz.render.json_doc import _step_dict
    from backpropviz.steps import backward_steps, display_names, forward_steps
    from backpropviz.symbolic import local_formula

    names = display_names(graph)
    steps = forward_steps(graph) + backward_steps(
        graph, lambda gate, slot, names: local_formula(graph.nodes[gate], slot, names), names)
    lines = render_json(graph, steps=steps, names=names).splitlines()
    first = lines.index('  "steps": [') + 1
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    expected = [encode(_step_dict(graph, step, names, 2, step_text)) for step in steps]
    assert [line.rstrip(",").strip() for line in lines[first:first + len(steps)]] == expected
    assert lines[first + len(steps)] == "  ]"
