"""The computation graph as plain data, and how a syntax tree becomes one.

Nodes are stored in evaluation (topological) order: every node's inputs have smaller ids.
The graph mirrors the expression as written: ``x - y`` is a subtraction gate, ``a+b+c`` is
two ``+`` gates, a variable is one leaf however often it is used, and a binary operator with
one constant operand becomes a unary gate labelled as CS231n does (``1 + u`` -> ``+1``).
Every renderer reads these dataclasses; none recomputes any math.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterator

from .ops import BINARY_OPERATOR, FOLDED, FUNCTION_OP, OPS
from .syntax import Binary, Call, Expr, Name, Number, Unary

__all__ = ["Node", "Wire", "Graph", "build"]


@dataclass(eq=False)
class Node:
    """One node: a variable (``op == "input"``), a constant leaf (``"const"``) or a gate.

    ``value`` comes from the forward pass; ``grad`` (d output / d this node) and
    ``local_grads`` (d this node / d each input, aligned with ``inputs``) from the reverse
    pass. ``param`` is the constant folded into a gate such as ``+1``. ``span`` is the
    [start, end) slice of the expression text this node computes.
    """

    id: int
    op: str
    label: str
    inputs: tuple[int, ...] = ()
    name: str | None = None
    param: float | None = None
    span: tuple[int, int] = (0, 0)
    value: float = math.nan
    grad: float = 0.0
    local_grads: tuple[float, ...] = ()

    @property
    def is_gate(self) -> bool:
        """True for a gate, False for a variable or constant leaf."""
        return self.op != "input" and self.op != "const"


@dataclass(frozen=True)
class Wire:
    """An edge: ``src``'s value flows into input slot ``slot`` of gate ``dst``.

    ``local_grad`` is d dst / d src along this wire; ``grad`` the share of d output / d src
    that flows back along it (dst's grad times local_grad).
    """

    src: int
    dst: int
    slot: int
    local_grad: float
    grad: float


@dataclass(eq=False)
class Graph:
    """An expression's computation graph; after :func:`backpropviz.trace` it holds every
    value and gradient.

    ``variables`` maps each variable name to its node id, in order of first appearance.
    """

    expression: str
    nodes: list[Node]
    output: int
    variables: dict[str, int] = field(default_factory=dict)

    @property
    def value(self) -> float:
        """The output value."""
        return self.nodes[self.output].value

    @property
    def gradients(self) -> dict[str, float]:
        """d output / d variable, per variable."""
        nodes = self.nodes
        return {name: nodes[i].grad for name, i in self.variables.items()}

    @property
    def gates(self) -> list[Node]:
        """The gate nodes, in evaluation order."""
        return [n for n in self.nodes if n.is_gate]

    def wires(self) -> Iterator[Wire]:
        """Every edge, in evaluation order of the gate it feeds."""
        for node in self.nodes:
            grad = node.grad
            for slot, (src, local) in enumerate(zip(node.inputs, node.local_grads or
                                                    (math.nan,) * len(node.inputs))):
                yield Wire(src, node.id, slot, local, grad * local)

    def text(self, node: Node) -> str:
        """The part of the expression that ``node`` computes, as the user wrote it."""
        start, end = node.span
        return self.expression[start:end]

    def __getitem__(self, name: str) -> Node:
        """The node of variable ``name``."""
        return self.nodes[self.variables[name]]


def build(tree: Expr, expression: str) -> Graph:
    """Turn a syntax tree into a graph, iteratively (no recursion, so any depth works)."""
    nodes: list[Node] = []
    variables: dict[str, int] = {}

    def add(op: str, label: str, inputs: tuple[int, ...], span: tuple[int, int],
            name: str | None = None, param: float | None = None) -> int:
        node_id = len(nodes)
        nodes.append(Node(node_id, op, label, inputs, name, param, span))
        return node_id

    def leaf(expr: Expr) -> int:
        """The node id of a leaf: one shared node per variable, a new one per constant."""
        if type(expr) is Name:
            name = expr.name  # type: ignore[attr-defined]
            if name not in variables:
                variables[name] = add("input", name, (), (expr.start, expr.end), name=name)
            return variables[name]
        return add("const", expr.text, (), (expr.start, expr.end),  # type: ignore[attr-defined]
                   param=expr.value)  # type: ignore[attr-defined]

    done: dict[int, int] = {}  # id(expr) -> node id, for subtrees already built

    def wire(child: Expr) -> int:
        return leaf(child) if type(child) is Number else done.pop(id(child))

    if type(tree) is Number:
        return Graph(expression, nodes, leaf(tree), variables)
    # Post-order walk with an explicit stack of (expr, children_pushed).
    stack: list[tuple[Expr, bool]] = [(tree, False)]
    while stack:
        expr, expanded = stack.pop()
        kind = type(expr)
        if kind is Name:
            done[id(expr)] = leaf(expr)  # visited in reading order, so variables are too
            continue
        if not expanded:
            stack.append((expr, True))
            for child in reversed(_children(expr)):
                if type(child) is not Number:  # constants are made by the parent: they may fold
                    stack.append((child, False))
            continue
        span = (expr.start, expr.end)
        if kind is Binary:
            left, right = expr.left, expr.right  # type: ignore[attr-defined]
            op = expr.op  # type: ignore[attr-defined]
            lconst, rconst = type(left) is Number, type(right) is Number
            if lconst != rconst:
                const, other = (left, right) if lconst else (right, left)
                name = FOLDED[op][1 if lconst else 0]
                label = OPS[name].label.format(c=const.text)  # type: ignore[attr-defined]
                node_id = add(name, label, (wire(other),), span,
                              param=const.value)  # type: ignore[attr-defined]
            else:
                name = BINARY_OPERATOR[op]
                node_id = add(name, OPS[name].label, (wire(left), wire(right)), span)
        elif kind is Unary:
            node_id = add("neg", OPS["neg"].label, (wire(expr.operand),), span)  # type: ignore[attr-defined]
        else:
            name = FUNCTION_OP[expr.func]  # type: ignore[attr-defined]
            node_id = add(name, OPS[name].label, tuple(wire(a) for a in expr.args), span)  # type: ignore[attr-defined]
        done[id(expr)] = node_id
    return Graph(expression, nodes, done[id(tree)], variables)


def _children(expr: Expr) -> tuple[Expr, ...]:
    kind = type(expr)
    if kind is Binary:
        return (expr.left, expr.right)  # type: ignore[attr-defined]
    if kind is Unary:
        return (expr.operand,)  # type: ignore[attr-defined]
    return tuple(expr.args)  # type: ignore[attr-defined]
