"""Forward and reverse passes when values are vectors or matrices: NumPy, op by op.

The graph is the scalar one (one gate per operation as written); only its values differ.
Shapes are found first, before any arithmetic, so a mismatch is an error located at its
operator with both shapes named, as a syntax error is. Each op's array forward and its
vector-Jacobian product are its :data:`~backpropviz.ops.OPS` entry's ``array``; this module
only walks the gates, undoes broadcasting (an op's rule sees its operands' own shapes
broadcast; each input gets a gradient of exactly its own shape) and stores the results.
NumPy is imported only here, and this module only when a tensor appears.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping, Sequence

import numpy as np

from .errors import BackpropvizError, ExpressionSyntaxError, ValuesError, shorten
from .graph import Graph
from .lang import message
from .ops import BINARY_OPERATOR, FOLDED, OPS, ShapeMismatch, broadcast_shape, show_shape, \
    unbroadcast

__all__ = ["evaluate_arrays", "output_value", "shapes", "Shape", "GradOutput"]

Shape = tuple[int, ...]
#: How the reverse pass starts at a non-scalar output: "ones", or an array of its shape.
GradOutput = Any

# op name -> the operator written for it (for the caret of a shape error)
_SYMBOL = {op: sym for sym, op in BINARY_OPERATOR.items()}
_SYMBOL.update({name: sym for sym, pair in FOLDED.items() for name in pair})


def index_of(text: str | None) -> tuple[int, ...]:
    """An index gate's integers from its text (``"1, 0"``), as the parser wrote them."""
    return tuple(int(t) for t in (text or "").split(","))


def _constant(graph: Graph, i: int) -> Any:
    """What a one-input gate's rule gets besides its input: its folded constant, or for
    ``A[1, 0]`` the index."""
    s = graph.store
    return index_of(s.param_text[i]) if s.op[i] == "index" else s.param[i]


# --- shapes ------------------------------------------------------------------------------

def shapes(graph: Graph, values: Mapping[str, Any]) -> list[Shape]:
    """Every node's shape, found from the variables' before any arithmetic; a mismatch is
    an :class:`~backpropviz.errors.ExpressionSyntaxError` at its operator."""
    s = graph.store
    out: list[Shape] = [()] * len(s.op)
    for name, i in graph.variable_ids.items():
        out[i] = np.shape(values[name])
    for i, op in enumerate(s.op):
        a = s.a[i]
        if a < 0:
            continue
        try:
            out[i] = _gate_shape(op, out[a], out[s.b[i]] if s.b[i] >= 0 else None,
                                 _constant(graph, i))
        except ShapeMismatch as exc:
            raise ExpressionSyntaxError(exc.args[0], graph.expression,
                                        operator_at(graph, i)) from None
    return out


def _gate_shape(op: str, a: Shape, b: Shape | None, c: Any) -> Shape:
    rule = OPS[op].array
    assert rule is not None
    if rule.shape is not None:
        return rule.shape(a, c) if b is None else rule.shape(a, b)
    if b is None:
        return a
    return broadcast_shape(a, b, _SYMBOL.get(op, op))


def operator_at(graph: Graph, i: int) -> int:
    """Where gate ``i``'s operator is written: the top-level ``@`` of ``a @ b``, the ``[``
    of ``p[2]``, the ``.`` of ``A.T``; for a function call, its name."""
    start, end = graph.nodes[i].span
    text = graph.expression[start:end]
    op = graph.store.op[i]
    symbol = {"index": "[", "transpose": "."}.get(op, _SYMBOL.get(op))
    if symbol is None or (op == "transpose" and not text.endswith("T")):
        return start
    found = _top_level(text, symbol, right_assoc=op in ("pow", "rpow_const", "pow_const"))
    return start + found if found >= 0 else start


def _after_operand(text: str, at: int) -> bool:
    """Whether an operand ends just before ``at`` (blanks aside): then the symbol there is
    a binary operator, not a unary minus."""
    k = at - 1
    while k >= 0 and text[k] in " \t\r\n":
        k -= 1
    return k >= 0 and (text[k].isalnum() or text[k] in ")]_")


def _top_level(text: str, symbol: str, right_assoc: bool) -> int:
    """The offset of the binary ``symbol`` outside parentheses in ``text`` (the last one, or
    for ``**`` the first), or -1."""
    depth, hits = 0, []
    pattern = re.escape(symbol) + ("" if symbol != "*" else r"(?!\*)(?<!\*\*)")
    for m in re.finditer(r"[()\[\]]|" + pattern, text):
        ch = m.group()
        if ch in "([" and ch != symbol:
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and _after_operand(text, m.start()):
            hits.append(m.start())
    if not hits:
        return -1
    return hits[0] if right_assoc else hits[-1]


# --- the passes --------------------------------------------------------------------------

def evaluate_arrays(graph: Graph, values: Mapping[str, Any],
                    grad_output: GradOutput = None) -> Graph:
    """Both passes with NumPy. A scalar stays a float in the graph's columns; an array is
    an ndarray (values and gradients of the same shape). Gates have no ``local_grads``
    (their Jacobians are not stored); each gradient is the vector-Jacobian products' sum."""
    node_shapes = shapes(graph, values)
    seed = _seed(graph, node_shapes[graph.output], grad_output)
    shares: list[tuple[Any, Any] | None] = [None] * len(node_shapes)
    with np.errstate(all="ignore"):  # 1/0 is inf and log(-1) nan, as the scalar passes
        vals = _forward(graph, values)
        grads = _backward(graph, vals, seed, shares)
    s = graph.store
    s.shape = node_shapes
    s.shares = [None if sent is None else (_stored(sent[0]), None if sent[1] is None
                                           else _stored(sent[1])) for sent in shares]
    s.value = [_stored(v) for v in vals]
    s.grad = [_stored(g) for g in grads]
    s.da = [None] * len(vals)
    s.db = [None] * len(vals)
    return graph


def _stored(x: Any) -> Any:
    """A 0-d result as a float (what every scalar renderer reads), else the array."""
    return float(x) if np.ndim(x) == 0 else np.asarray(x, dtype=float)


def _seed(graph: Graph, shape: Shape, grad_output: GradOutput) -> Any:
    """The output's gradient: 1 for a scalar; for an array, what ``--grad-output`` gives."""
    if grad_output is None:
        if shape == ():
            return np.float64(1.0)
        name = graph.output_name or shorten(graph.text(graph.nodes[graph.output]), 30)
        raise BackpropvizError(message("shape.output_not_number", name=name,
                                       shape=show_shape(shape)))
    if isinstance(grad_output, str) and grad_output == "ones":
        return np.ones(shape)
    seed = np.asarray(grad_output, dtype=float)
    if seed.shape != shape:
        raise ValuesError(message("shape.grad_output", given=show_shape(seed.shape),
                                  shape=show_shape(shape)))
    return seed


def _forward(graph: Graph, values: Mapping[str, Any]) -> list[Any]:
    s = graph.store
    vals: list[Any] = []
    leaf = {i: np.asarray(values[name], dtype=float) for name, i in graph.variable_ids.items()}
    for i, op in enumerate(s.op):
        a, b = s.a[i], s.b[i]
        if a < 0:
            vals.append(leaf[i] if i in leaf else np.float64(s.param[i]))
            continue
        rule = OPS[op].array
        assert rule is not None
        second = vals[b] if b >= 0 else _constant(graph, i)
        vals.append(np.asarray(rule.forward(np, vals[a], second), dtype=float))
    return vals


def _backward(graph: Graph, vals: Sequence[Any], seed: Any,
              shares: list[tuple[Any, Any] | None]) -> list[Any]:
    """Reverse evaluation order, each gate's inputs in slot order (as the scalar pass), so
    a node's gradient is summed in the same order; a node the output does not reach gets
    zeros of its shape. ``shares[gate]`` gets what the gate sent to each input."""
    s = graph.store
    grads: list[Any] = [None] * len(vals)
    grads[graph.output] = seed
    for i in range(len(vals) - 1, -1, -1):
        g, a = grads[i], s.a[i]
        if g is None or a < 0:
            continue
        b = s.b[i]
        sent = []
        for src, share in zip((a, b), _shares(graph, i, vals, g)):
            share = unbroadcast(np, share, np.shape(vals[src]))
            sent.append(share)
            grads[src] = share if grads[src] is None else grads[src] + share
        shares[i] = (sent[0], sent[1] if len(sent) > 1 else None)
    return [np.zeros(np.shape(v)) if g is None else g for g, v in zip(grads, vals)]


def _shares(graph: Graph, i: int, vals: Sequence[Any], g: Any) -> tuple[Any, ...]:
    """The gradient gate ``i`` sends to each input (before broadcasting is undone)."""
    s = graph.store
    rule = OPS[s.op[i]].array
    assert rule is not None
    a, b = s.a[i], s.b[i]
    second = vals[b] if b >= 0 else _constant(graph, i)
    if rule.vjp is not None:
        return tuple(rule.vjp(np, g, vals[a], second, vals[i]))
    assert rule.local is not None
    if b >= 0:
        da, db = rule.local(np, vals[a], vals[b], vals[i])
        return (_times(g, da), _times(g, db))
    return (_times(g, rule.local(np, vals[a], vals[i], second)),)


def _times(g: Any, local: Any) -> Any:
    """g * local, without the array a product by 1 or -1 would make."""
    if isinstance(local, float) and local in (1.0, -1.0):
        return g if local == 1.0 else -g
    return g * local


def output_value(graph: Graph, values: Mapping[str, Any]) -> float:
    """The output for these variable values (a forward pass that leaves the graph as it is)."""
    with np.errstate(all="ignore"):
        return float(_forward(graph, values)[graph.output])


def nonfinite_at(graph: Graph) -> tuple[int, str] | None:
    """Where nan/inf first arises, as :func:`backpropviz.engine.first_nonfinite` says it for
    scalars: the first value in evaluation order, else the first gradient from the output."""
    s = graph.store
    if s.value is None:
        return None
    for i, v in enumerate(s.value):
        if not np.all(np.isfinite(v)):
            return i, "value"
    grads = s.grad or []
    for i in range(len(grads) - 1, -1, -1):
        if not np.all(np.isfinite(grads[i])):
            return i, "gradient"
    return None


def first_nonfinite_element(array: Any) -> tuple[tuple[int, ...], float]:
    """The index and value of the first nan/inf in ``array``."""
    index = tuple(int(k) for k in np.argwhere(~np.isfinite(array))[0])
    return index, float(array[index])


def size(shape: Shape) -> int:
    """How many numbers an array of ``shape`` holds."""
    return math.prod(shape)
