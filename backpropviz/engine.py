"""Forward and reverse passes over a :class:`~backpropviz.graph.Graph`.

Both are one loop over the nodes in evaluation order (reversed for the reverse pass): linear
in the graph size and free of recursion, so a 100,000-node chain works. Gradients are
accumulated with ``+=`` because a node can feed several gates, and reset on every call, so
running the reverse pass twice gives the same numbers.
"""

from __future__ import annotations

import math
from typing import Mapping, cast

from .graph import Graph
from .ops import (ADD, ADD_CONST, CONST, EXP, MUL, MUL_CONST, NEG, OPS, RELU, RSUB_CONST,
                  SUB, SUB_CONST, TANH, TENSOR_OPS)

nan = math.nan
_UNREACHED = float("0")  # (a 0.0 made at run time: no other float is this object)

__all__ = ["evaluate", "uses_arrays", "forward", "node_values", "backward", "first_nonfinite"]


def evaluate(graph: Graph, values: Mapping[str, float], grad_output: object = None) -> Graph:
    """Run the forward pass, then the reverse pass; return ``graph``, now evaluated. When a
    value is an array, or an op needs arrays, NumPy runs them (:mod:`backpropviz.tensor`);
    ``grad_output`` then seeds the gradient of an output that is not one number."""
    if uses_arrays(graph, values) or grad_output is not None:
        from .tensor import evaluate_arrays

        return evaluate_arrays(graph, values, grad_output)
    forward(graph, values)
    backward(graph)
    return graph


def uses_arrays(graph: Graph, values: Mapping[str, object]) -> bool:
    """Whether a run needs the array passes: a value is an array, or the program uses an op
    that exists for arrays only (``@``, ``sum``, ``A[0]``...)."""
    if any(type(v) is not float for v in values.values()):
        return True
    return not TENSOR_OPS.isdisjoint(graph.store.op)


def forward(graph: Graph, values: Mapping[str, float]) -> None:
    """Set every node's ``value``, given a value for every variable (checked beforehand by
    :func:`backpropviz.values.check_values`)."""
    graph.store.value = node_values(graph, values)


def node_values(graph: Graph, values: Mapping[str, float]) -> list[float]:
    """Every node's value for these variable values, leaving the graph untouched (so a
    gradient check can re-run the forward pass at nearby points).

    One loop over the store's flat lists; the hottest ops are computed inline with exactly
    the float operations of their :data:`~backpropviz.ops.OPS` entries, the rest through
    the table (which keeps the IEEE handling: 1/0 is inf, log(-1) is nan)."""
    s = graph.store
    # A leaf's value comes from the same column as the gates' operands: a constant's is its
    # param, a variable's is put at its node (each variable has one).
    # (None only at gates, whose p this loop never reads.)
    leaf_values = cast("list[float]", list(s.param))
    for name, i in graph.variable_ids.items():
        leaf_values[i] = float(values[name])
    ops = s.op
    vals: list[float] = []
    push = vals.append
    tanh = math.tanh
    for c, x, y, p in zip(s.code, s.a, s.b, leaf_values):
        if c == MUL:
            push(vals[x] * vals[y])
        elif c == ADD:
            push(vals[x] + vals[y])
        elif c == TANH:
            push(tanh(vals[x]))
        elif c <= CONST:  # a variable or a constant
            push(p)
        elif c == SUB:
            push(vals[x] - vals[y])
        elif c == ADD_CONST:
            push(vals[x] + p)
        elif c == MUL_CONST:
            push(vals[x] * p)
        elif c == SUB_CONST:
            push(vals[x] - p)
        elif c == RSUB_CONST:
            push(p - vals[x])
        elif c == NEG:
            push(-vals[x])
        elif c == RELU:
            v = vals[x]
            push(v if v > 0 else (0.0 if v == v else nan))
        elif y < 0:  # (this node's id is len(vals): one value is pushed per node)
            push(OPS[ops[len(vals)]].forward(vals[x], p))
        else:
            push(OPS[ops[len(vals)]].forward(vals[x], vals[y]))
    return vals


def backward(graph: Graph) -> None:
    """Set every node's ``grad`` (d output / d node) and ``local_grads`` by the chain rule.

    The gates the output depends on are visited in reverse evaluation order, each input
    slot in order, so the sums come out the same to the last bit whatever the order of
    floating-point additions would otherwise change. A gate the output does not depend on
    (a statement never used, or after ``--output``) gets its local derivatives but sends
    nothing back, as in PyTorch: its 0 times an infinite derivative would be nan."""
    s = graph.store
    n = len(s.op)
    vals = s.value
    if vals is None:
        vals = [nan] * n
    # Every gradient starts as one 0.0 object, _UNREACHED: a gate whose gradient is still
    # that very object was never reached from the output (adding to a float makes a new one).
    # This is schedule.reaches_output found on the way, for free (computing it first adds
    # about 35% to this loop at 10^5 nodes); tests/test_schedule.py checks the two agree.
    grads = [_UNREACHED] * n
    da: list[float | None] = [None] * n
    db: list[float | None] = [None] * n
    out = graph.output
    grads[out] = 1.0
    dead = []
    # (A param is None only at gates without a constant, which never read it.)
    code, opa, opb, param = s.code, s.a, s.b, cast("list[float]", s.param)
    for i in range(n - 1, -1, -1):
        c = code[i]
        if c <= CONST:
            continue
        g = grads[i]
        if g is _UNREACHED:
            dead.append(i)
            continue
        x = opa[i]
        if c == MUL:
            y = opb[i]
            u = vals[y]
            w = vals[x]
            da[i] = u
            db[i] = w
            grads[x] += g * u
            grads[y] += g * w
        elif c == ADD:
            y = opb[i]
            da[i] = db[i] = 1.0
            grads[x] += g  # (g * 1.0 is g, to the bit: one float made, not two)
            grads[y] += g
        elif c == TANH:
            o = vals[i]
            d = 1.0 - o * o
            da[i] = d
            grads[x] += g * d
        elif c == SUB:
            y = opb[i]
            da[i] = 1.0
            db[i] = -1.0
            grads[x] += g
            grads[y] -= g  # (adding g * -1.0 is subtracting g, to the bit)
        elif c == ADD_CONST or c == SUB_CONST:
            da[i] = 1.0
            grads[x] += g
        elif c == MUL_CONST:
            d = param[i]
            da[i] = d
            grads[x] += g * d
        elif c == NEG or c == RSUB_CONST:
            da[i] = -1.0
            grads[x] -= g
        elif c == EXP:
            d = vals[i]
            da[i] = d
            grads[x] += g * d
        else:
            _chain_from_table(s.op[i], vals, grads, da, db, i, x, opb[i], param[i], g)
    for i in dead:
        _chain_from_table(s.op[i], vals, None, da, db, i, opa[i], opb[i], param[i], 0.0)
    s.grad, s.da, s.db = grads, da, db


def _chain_from_table(op: str, vals: list[float], grads: list[float] | None,
                      da: list[float | None], db: list[float | None], i: int, x: int, y: int,
                      param: float | None, g: float) -> None:
    """Gate ``i``'s local derivatives from the op table, and (given ``grads``) the share of
    its gradient ``g`` it sends to each input: the ops :func:`backward` does not inline."""
    local = _local_derivatives(op, vals, i, x, y, param)
    da[i] = local[0]
    if grads is not None:
        grads[x] += g * local[0]
    if len(local) > 1:
        db[i] = local[1]
        if grads is not None:
            grads[y] += g * local[1]


def _local_derivatives(op: str, vals: list[float], i: int, x: int, y: int,
                       param: float | None) -> tuple[float, ...]:
    """d node / d each input of gate ``i``, from the op table (bit for bit the inline ops)."""
    entry = OPS[op]
    if y < 0:
        return (entry.derivative(vals[x], vals[i], param),)
    return tuple(entry.derivative(vals[x], vals[y], vals[i]))


def first_nonfinite(graph: Graph) -> tuple[int, str] | None:
    """Where nan/inf first arises: the first value in evaluation order, else the first
    gradient in reverse-pass order (gradients are computed from the output back)."""
    s = graph.store
    if s.shape is not None:
        from .tensor import nonfinite_at

        return nonfinite_at(graph)
    isfinite = math.isfinite
    values = s.value
    if values is None:  # no forward pass yet: every value is nan
        return (0, "value") if s.op else None
    if not isfinite(sum(values)):  # (any nan/inf makes the sum one)
        for i, v in enumerate(values):
            if not isfinite(v):
                return i, "value"
    grads = s.grad
    if grads is not None and not isfinite(sum(grads)):
        for i in range(len(grads) - 1, -1, -1):
            if not isfinite(grads[i]):
                return i, "gradient"
    return None
