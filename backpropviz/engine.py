"""Forward and reverse passes over a :class:`~backpropviz.graph.Graph`.

Both are one loop over the nodes in evaluation order (reversed for the reverse pass): linear
in the graph size and free of recursion, so a 100,000-node chain works. Gradients are
accumulated with ``+=`` because a node can feed several gates, and reset on every call, so
running the reverse pass twice gives the same numbers.
"""

from __future__ import annotations

import math
from typing import Mapping

from .errors import ValuesError, name_list, shorten
from .graph import Graph
from .ops import OPS
from .syntax import CONSTANTS, FUNCTIONS

__all__ = ["evaluate", "forward", "node_values", "backward", "check_values", "first_nonfinite"]


def evaluate(graph: Graph, values: Mapping[str, float]) -> Graph:
    """Run the forward pass, then the reverse pass; return ``graph``, now evaluated."""
    forward(graph, values)
    backward(graph)
    return graph


def forward(graph: Graph, values: Mapping[str, float]) -> None:
    """Set every node's ``value``, given a value for every variable (and for nothing else)."""
    check_values(graph, values)
    for node, v in zip(graph.nodes, node_values(graph, values)):
        node.value = v


def node_values(graph: Graph, values: Mapping[str, float]) -> list[float]:
    """Every node's value for these variable values, leaving the graph untouched (so a
    gradient check can re-run the forward pass at nearby points)."""
    vals = [0.0] * len(graph.nodes)
    for node in graph.nodes:
        op = node.op
        if op == "input":
            v = float(values[node.name])  # type: ignore[index]
        elif op == "const":
            v = node.param  # type: ignore[assignment]
        else:
            fn = OPS[op].forward
            ins = node.inputs
            if len(ins) == 1:
                v = fn(vals[ins[0]], node.param)
            else:
                v = fn(vals[ins[0]], vals[ins[1]])
        vals[node.id] = v
    return vals


def check_values(graph: Graph, values: Mapping[str, float]) -> None:
    """Every variable has a value, and every value belongs to a variable."""
    for name in values:
        if name not in graph.variables:
            if name in CONSTANTS or name in FUNCTIONS:
                kind = "constant" if name in CONSTANTS else "function"
                raise ValuesError(f"'{name}' is a {kind}, not a variable", name=name)
            known = name_list(list(graph.variables)) or "none"
            raise ValuesError(f"the expression has no variable '{shorten(name)}' "
                              f"(its variables: {known})", name=name)
    missing = [name for name in graph.variables if name not in values]
    if missing:
        raise ValuesError("no value for " + name_list(missing), missing=missing)


def backward(graph: Graph) -> None:
    """Set every node's ``grad`` (d output / d node) and ``local_grads`` by the chain rule."""
    nodes = graph.nodes
    grads = [0.0] * len(nodes)
    grads[graph.output] = 1.0
    for node in reversed(nodes):
        ins = node.inputs
        if not ins:
            continue
        op = OPS[node.op]
        if len(ins) == 1:
            local: tuple[float, ...] = (op.derivative(nodes[ins[0]].value, node.value, node.param),)
        else:
            local = op.derivative(nodes[ins[0]].value, nodes[ins[1]].value, node.value)
        node.local_grads = local
        g = grads[node.id]
        for src, d in zip(ins, local):
            grads[src] += g * d
    for node, g in zip(nodes, grads):
        node.grad = g


def first_nonfinite(graph: Graph) -> tuple[int, str] | None:
    """Where nan/inf first arises: the first value in evaluation order, else the first
    gradient in reverse-pass order (gradients are computed from the output back)."""
    for node in graph.nodes:
        if not math.isfinite(node.value):
            return node.id, "value"
    for node in reversed(graph.nodes):
        if not math.isfinite(node.grad):
            return node.id, "gradient"
    return None
