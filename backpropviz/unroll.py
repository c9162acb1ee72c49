"""A program on arrays written out as the scalar program it stands for, element by element.

``y = W @ x`` with W 2x3 becomes ``y_0 = W_0_0*x_0 + W_0_1*x_1 + W_0_2*x_2`` and so on: the
circuit CS231n draws for scalars, one gate per multiplication and addition. The scalar
passes on this program give every element's gradient independently of the array passes,
which is how the tests and ``--check`` use it. Transposes and indexing make no statements
(they only rename elements). A gate read once, element by element (by an elementwise gate
of its own shape or a sum), and not named, is written into the formula that reads it, in
parentheses (``y_0 = (W_0_0*x_0 + W_0_1*x_1) + b_0``); every other gate makes one statement
per element, so no element is computed twice and the scalar program names what the array
program names. A softmax makes its exponentials and each row's sum once.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from .errors import LimitError
from .graph import Graph
from .lang import message
from .ops import OPS
from .tensor import Shape, index_of, shapes

__all__ = ["Unrolled", "unroll", "element_name", "scalar_gates", "MAX_UNROLL"]

#: The most scalar gates an unrolled program may have (``--unroll`` draws each one).
MAX_UNROLL = 2_000

_BINARY = {"add": "{x} + {y}", "sub": "{x} - {y}", "mul": "{x}*{y}", "div": "{x}/{y}",
           "pow": "{x}**{y}", "max": "max({x}, {y})", "min": "min({x}, {y})"}
#: Gates that read each element of their input once (so it can be written into them).
_READS_EACH_ONCE = frozenset({"sum", "sum_axis", "sum_keep", "mean", "mean_axis", "amax",
                              "amax_axis", "logsumexp"})
_FOLDED = {"add_const": "{x} + {c}", "sub_const": "{x} - {c}", "rsub_const": "{c} - {x}",
           "mul_const": "{x}*{c}", "div_const": "{x}/{c}", "rdiv_const": "{c}/{x}",
           "pow_const": "{x}**{c}", "rpow_const": "{c}**{x}", "neg": "-{x}"}


class Unrolled:
    """The scalar program (``text``), each scalar variable's value (``values``) and, per
    array variable, the scalar names of its elements (``elements``, an object array)."""

    def __init__(self, text: str, values: dict[str, float], elements: dict[str, Any]) -> None:
        self.text = text
        self.values = values
        self.elements = elements


def element_name(name: str, index: tuple[int, ...]) -> str:
    """``W_0_1``: element (0, 1) of ``W``; a scalar keeps its name."""
    return "_".join([name, *map(str, index)])


def unroll(graph: Graph, values: Mapping[str, Any], limit: int = MAX_UNROLL) -> Unrolled:
    """The scalar program of ``graph`` at these values' shapes (its output: the output's
    element, which must be one number)."""
    node_shapes = shapes(graph, values)
    gates = scalar_gates(graph, node_shapes)
    if gates > limit:
        raise LimitError(message("run.unroll_would_be_big", gates=f"{gates:,}",
                                 limit=f"{limit:,}"))
    writer = _Writer(graph, node_shapes)
    scalar_values: dict[str, float] = {}
    elements: dict[str, Any] = {}
    for name, i in graph.variable_ids.items():
        value = np.asarray(values[name], dtype=float)
        names = writer.variable(i, name, value.shape)
        elements[name] = names
        for index in np.ndindex(value.shape):
            scalar_values[names[index]] = float(value[index])
    for i in range(len(graph.store.op)):
        if graph.store.a[i] >= 0:
            writer.gate(i)
    out = writer.elems[graph.output]
    if out.shape != ():
        raise LimitError(message("run.unroll_output"))
    if not writer.lines or not writer.lines[-1].startswith(f"{out[()]} = "):
        writer.lines.append(str(out[()]))  # (the output is not the last statement)
    return Unrolled("\n".join(writer.lines), scalar_values, elements)


def scalar_gates(graph: Graph, node_shapes: list[Shape]) -> int:
    """About how many scalar gates the unrolled program has: one per element of each
    gate, a product and a sum per term of ``@``, one per element reduced or normalised."""
    s = graph.store
    total = 0
    for i, op in enumerate(s.op):
        if s.a[i] < 0 or op in ("transpose", "index"):
            continue
        size = math.prod(node_shapes[i])
        inputs = math.prod(node_shapes[s.a[i]])
        if op == "matmul":
            inner = node_shapes[s.a[i]][-1]
            total += size * (2 * inner - 1)
        elif op == "softmax":  # an exp, a share of its row's sum and a quotient each
            total += 3 * size
        elif OPS[op].tensor:
            total += inputs * 2
        else:
            total += size
    return total


class _Writer:
    """The statements so far and each node's elements (scalar names or constants)."""

    def __init__(self, graph: Graph, node_shapes: list[Shape]) -> None:
        self.graph = graph
        self.shapes = node_shapes
        self.lines: list[str] = []
        self.used = set(graph.variable_ids)
        self.elems: list[Any] = [None] * len(node_shapes)
        s = graph.store
        self.uses = [0] * len(node_shapes)
        self.reader = [-1] * len(node_shapes)
        for j, (x, y) in enumerate(zip(s.a, s.b)):
            for src in (x, y):
                if src >= 0:
                    self.uses[src] += 1
                    self.reader[src] = j
        for i, op in enumerate(s.op):
            if op == "const":
                self.elems[i] = np.array(_constant_text(s.param[i], s.param_text[i]),
                                         dtype=object)

    def variable(self, i: int, name: str, shape: Shape) -> Any:
        names = np.empty(shape, dtype=object)
        for index in np.ndindex(shape):
            names[index] = self.fresh(element_name(name, index)) if shape else name
        self.elems[i] = names
        return names

    def fresh(self, name: str) -> str:
        while name in self.used:
            name += "_"
        self.used.add(name)
        return name

    def gate(self, i: int) -> None:
        s = self.graph.store
        op, a, b = s.op[i], self.elems[s.a[i]], self.elems[s.b[i]] if s.b[i] >= 0 else None
        if op == "transpose":
            self.elems[i] = a.T
        elif op == "index":
            self.elems[i] = np.asarray(a[index_of(s.param_text[i])], dtype=object)
        else:
            formulas = self.softmax(i, a) if op == "softmax" else \
                _formulas(op, a, b, s.param[i], self.shapes[i], s.param_text[i])
            self.elems[i] = _grouped(formulas) if self.inline(i) else self.assign(i, formulas)

    def inline(self, i: int) -> bool:
        """Whether gate ``i``'s elements can be written into their one reader: it reads each
        once (an elementwise gate of the same shape, or a sum)."""
        s = self.graph.store
        if self.uses[i] != 1 or s.name[i] is not None or i == self.graph.output:
            return False
        j = self.reader[i]
        op = s.op[j]
        if op in _READS_EACH_ONCE:
            return True
        return not OPS[op].tensor and self.shapes[j] == self.shapes[i]

    def softmax(self, i: int, a: Any) -> Any:
        """exp of each element and each row's sum as statements, once; the quotients."""
        base = self.graph.store.name[i] or f"n{i}"
        exps = self.assign_named(base + "e", _elementwise("exp({x})", a.shape, x=a))
        sums = self.assign_named(base + "s", _along(exps, -1, _sum))
        return _elementwise("{x}/{y}", a.shape, x=exps, y=np.expand_dims(sums, -1))

    def assign(self, i: int, formulas: Any) -> Any:
        """One statement per element of gate ``i``; its elements are their names."""
        return self.assign_named(self.graph.store.name[i] or f"n{i}", formulas)

    def assign_named(self, base: str, formulas: Any) -> Any:
        """One statement per element, named ``base_i_j``; the names."""
        names = np.empty(formulas.shape, dtype=object)
        for index in np.ndindex(formulas.shape):
            names[index] = self.fresh(element_name(base, index))
            self.lines.append(f"{names[index]} = {formulas[index]}")
        return names


def _grouped(formulas: Any) -> Any:
    """Each formula in parentheses, to be read inside another (a call such as ``exp(x)``
    needs none)."""
    out = np.empty(formulas.shape, dtype=object)
    for index in np.ndindex(formulas.shape):
        text = formulas[index]
        out[index] = text if _one_call(text) else f"({text})"
    return out


def _one_call(text: str) -> bool:
    """``exp(x + y)``: a name and the parentheses of its call around all the rest."""
    head, paren, _ = text.partition("(")
    if not paren or not head.isidentifier() or not text.endswith(")"):
        return False
    depth = 0
    for k, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and ch == ")":
            return k == len(text) - 1
    return False


def _constant_text(value: float | None, written: str | None = None) -> str:
    """A constant as the program wrote it (``2``, ``pi``), else exactly; a negative one in
    parentheses."""
    text = written if written and float(value or 0.0) == _written_value(written) \
        else repr(float(value or 0.0))
    return f"({text})" if text.startswith("-") else text


def _written_value(text: str) -> float | None:
    from .ops import CONSTANTS

    try:
        return CONSTANTS.get(text.lstrip("-"), None) or float(text)
    except ValueError:
        return None


def _map(fn: Any, elements: Any) -> Any:
    out = np.empty(np.shape(elements), dtype=object)
    for index in np.ndindex(out.shape):
        out[index] = fn(elements[index])
    return out


def _unwrapped(text: str) -> str:
    """``(x_0*2)`` as ``x_0*2``: outer parentheses around everything dropped."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for k, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth == 0:
            return text[1:-1] if k == len(text) - 1 else text
    return text


def _formulas(op: str, a: Any, b: Any, c: float | None, shape: Shape,
              written: str | None = None) -> Any:
    """The formula of each element of gate ``op`` (an object array of ``shape``)."""
    if op in _BINARY:
        return _elementwise(_BINARY[op], shape, x=a, y=b)
    if op in _FOLDED:
        return _elementwise(_FOLDED[op], shape, x=a, c=_constant_text(c, written))
    spelling = OPS[op].spelling
    if not OPS[op].tensor and spelling is not None:  # (a call needs no more parentheses)
        return _elementwise(spelling + "({x})", shape, x=_map(_unwrapped, a))
    return _REDUCERS[op](a, b, c)


def _elementwise(template: str, shape: Shape, **operands: Any) -> Any:
    arrays = {k: np.broadcast_to(v, shape) if isinstance(v, np.ndarray) else v
              for k, v in operands.items()}
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(shape):
        out[index] = template.format(**{k: v[index] if isinstance(v, np.ndarray) else v
                                        for k, v in arrays.items()})
    return out


def _matmul(a: Any, b: Any, c: Any) -> Any:
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    rows = np.empty(np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1]),
                    dtype=object)
    a3 = np.broadcast_to(a2, rows.shape[:-2] + a2.shape[-2:])
    b3 = np.broadcast_to(b2, rows.shape[:-2] + b2.shape[-2:])
    for index in np.ndindex(rows.shape):
        *batch, i, k = index
        left, right = a3[(*batch, i)], b3[(*batch, slice(None), k)]
        rows[index] = " + ".join(f"{x}*{y}" for x, y in zip(left, right))
    if a.ndim == 1:
        rows = rows[..., 0, :]
    if b.ndim == 1:
        rows = rows[..., 0]
    return rows


def _along(a: Any, c: float | None, join: Any) -> Any:
    """``join`` of each line of ``a`` along axis ``c`` (None: all elements at once)."""
    if c is None:
        return np.array(join(list(a.flat)), dtype=object)
    moved = np.moveaxis(a, int(c), -1)
    out = np.empty(moved.shape[:-1], dtype=object)
    for index in np.ndindex(out.shape):
        out[index] = join(list(moved[index]))
    return out


def _sum(items: list[str]) -> str:
    return " + ".join(items)


def _mean(items: list[str]) -> str:
    return f"({' + '.join(items)})/{len(items)}"


def _max(items: list[str]) -> str:
    text = items[0]
    for item in items[1:]:
        text = f"max({text}, {item})"
    return text


def _logsumexp(a: Any, b: Any, c: Any) -> Any:
    return _along(a, -1, lambda items: f"log({' + '.join(f'exp({x})' for x in items)})")


_REDUCERS = {
    "matmul": _matmul,
    "sum": lambda a, b, c: _along(a, None, _sum),
    "sum_axis": lambda a, b, c: _along(a, c, _sum),
    "sum_keep": lambda a, b, c: np.expand_dims(_along(a, c, _sum), int(c or 0)),
    "mean": lambda a, b, c: _along(a, None, _mean),
    "mean_axis": lambda a, b, c: _along(a, c, _mean),
    "amax": lambda a, b, c: _along(a, None, _max),
    "amax_axis": lambda a, b, c: _along(a, c, _max),
    "logsumexp": _logsumexp,
}
