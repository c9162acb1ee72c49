"""``--check``: every variable's gradient recomputed two independent ways.

1. sympy: the symbolic derivative of the whole expression, evaluated exactly at the point
   (then rounded to float64), so it shares nothing with the reverse pass but the graph;
2. a central finite difference of the forward pass.

Backprop must agree with both within tolerance. At a kink (relu or abs at 0, a max/min
tie) the one-sided derivatives differ and each method picks its own convention, so there a
disagreement is reported as a kink, not a failure.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, SupportsFloat

from .engine import node_values
from .errors import LimitError, shorten
from .graph import Graph, Node
from .lang import message
from .ops import OPS
from .schedule import depends_on

if TYPE_CHECKING:
    from .budget import Watch

__all__ = ["GradientCheck", "CheckReport", "check_gradients", "find_kinks",
           "SYMBOLIC_RTOL", "FD_RTOL"]

SYMBOLIC_RTOL = 1e-9   # float64 backprop vs the exact derivative rounded to float64
FD_RTOL = 1e-4         # central differences are accurate to about eps**(2/3)
SYMBOLIC_NODE_LIMIT = 3_000  # sympy's derivative of a bigger expression takes too long
EXPONENT_LIMIT = 10_000  # as for --exact: bigger exact powers take sympy forever
_GROWING = frozenset(name for name, op in OPS.items() if op.grows)  # ops that overflow
HUGE = 1e300  # beyond this (or nan/inf) exact evaluation builds numbers too big to finish


@dataclass(frozen=True)
class GradientCheck:
    """One variable: backprop's d output / d variable and the two references.

    ``status`` is ``ok``, ``kink`` (disagreement at a kink, allowed), ``undefined`` (no
    method finds a finite derivative, or the output itself is nan or infinite there) or
    ``mismatch`` (a real disagreement).
    """

    name: str
    backprop: float
    symbolic: float | None
    symbolic_error: float | None
    finite_difference: float
    finite_difference_error: float
    status: str


@dataclass(frozen=True)
class CheckReport:
    """The checks of all variables, the kinks the point sits on, and notes (e.g. when the
    symbolic check was skipped)."""

    checks: list[GradientCheck]
    kinks: list[str]
    notes: list[str]

    @property
    def ok(self) -> bool:
        """True unless some gradient disagrees away from a kink."""
        return all(c.status != "mismatch" for c in self.checks)


def find_kinks(graph: Graph) -> list[str]:
    """Where the point sits on a non-differentiable point of an op (relu or abs at 0, a
    max/min tie, 0**y at y = 0...: each op's ``kink`` in the op table)."""
    return list(_kink_nodes(graph).values())


def _kink_nodes(graph: Graph) -> dict[int, str]:
    """The kinks the point sits on: node id -> description."""
    kinks: dict[int, str] = {}
    nodes = graph.nodes
    for node in nodes:
        kink = OPS[node.op].kink if node.inputs else None
        if kink is None:
            continue
        args = [nodes[i].value for i in node.inputs]
        where = kink(*args) if len(args) == 2 else kink(args[0], node.param)
        if where is not None:
            kinks[node.id] = message("check.kink_node", where=where, node=node.id)
    return kinks


def _variables_behind(graph: Graph, node_ids: "set[int] | dict[int, str]") -> set[str]:
    """The variables some node in ``node_ids`` depends on."""
    behind = depends_on(graph, node_ids)
    return {name for name, i in graph.variable_ids.items() if behind[i]}


def relative_error(a: float, b: float) -> float:
    """|a - b| relative to the larger magnitude; 0 when equal (infinities included)."""
    if a == b:
        return 0.0
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.inf
    return abs(a - b) / max(abs(a), abs(b))


def _agree(a: float, b: float, rtol: float, atol: float) -> bool:
    if a == b or (a != a and b != b):
        return True
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def check_gradients(graph: Graph, watch: Watch | None = None) -> CheckReport:
    """Check every variable's gradient of an evaluated graph; ``watch`` is told each node
    as the work reaches it."""
    values = {name: graph.nodes[i].value for name, i in graph.variable_ids.items()}
    notes: list[str] = []
    symbolic: dict[str, float] | None = None
    huge = next((n for n in graph.nodes
                 if n.op in _GROWING and not abs(n.value) <= HUGE), None)
    power = next((n for n in graph.nodes if not abs(_exponent(graph, n)) <= EXPONENT_LIMIT),
                 None)
    if huge is not None:
        notes.append(message("check.skip_huge", node=huge.id, value=f"{huge.value:g}"))
    elif power is not None:
        notes.append(message("check.skip_power", node=power.id,
                             exponent=f"{_exponent(graph, power):g}"))
    elif len(graph.nodes) <= SYMBOLIC_NODE_LIMIT:
        try:
            symbolic = _symbolic_gradients(graph, values, watch)
        except LimitError as exc:
            notes.append(message("check.skip_limit", reason=exc.args[0]))
        except (TypeError, ValueError) as exc:
            notes.append(message("check.skip_sympy", error=shorten(str(exc), 80)))
        except RecursionError:
            notes.append(message("check.skip_nested"))
    else:
        notes.append(message("check.skip_size", nodes=len(graph.nodes),
                             limit=SYMBOLIC_NODE_LIMIT))
    kinks = _kink_nodes(graph)
    at_kink = _variables_behind(graph, kinks)  # only their derivatives are ambiguous
    defined = math.isfinite(graph.value)
    if not defined:
        notes.append(message("check.nonfinite", value=f"{graph.value:g}"))
    out_scale = max(1.0, abs(graph.value)) if defined else 1.0
    checks = []
    for name, i in graph.variable_ids.items():
        if watch is not None:
            watch.at(i, "finite difference")
        grad = graph.nodes[i].grad
        fd = _finite_difference(graph, values, name)
        ref = symbolic[name] if symbolic is not None else None
        checks.append(compare(name, grad, fd, ref, name in at_kink, defined, out_scale))
    return CheckReport(checks, list(kinks.values()), notes)


def compare(name: str, grad: float, fd: float, ref: float | None, at_kink: bool,
            defined: bool, out_scale: float) -> GradientCheck:
    """One gradient beside its finite difference and (if any) its exact value."""
    agree_fd = _agree(grad, fd, FD_RTOL, 1e-7 * out_scale)
    agree_sym = ref is None or _agree(grad, ref, SYMBOLIC_RTOL, 1e-12 * out_scale)
    if agree_fd and agree_sym:
        status = "ok"
    elif at_kink:
        status = "kink"
    elif not defined or (not math.isfinite(grad) and not math.isfinite(fd) and (
            ref is None or not math.isfinite(ref))):
        status = "undefined"
    else:
        status = "mismatch"
    return GradientCheck(name, grad, ref, None if ref is None else relative_error(grad, ref),
                         fd, relative_error(grad, fd), status)


def _exponent(graph: Graph, node: "Node") -> float:
    """The exponent of a power gate at this point (0 for other gates)."""
    if node.op == "pow":
        return graph.nodes[node.inputs[1]].value
    if node.op == "pow_const":
        return 0.0 if node.param is None else node.param
    if node.op == "rpow_const":
        return graph.nodes[node.inputs[0]].value
    return 0.0


def _finite_difference(graph: Graph, values: dict[str, float], name: str) -> float:
    """(f(x + h) - f(x - h)) / 2h with h scaled to x, from two forward passes."""
    x = values[name]
    h: float = sys.float_info.epsilon ** (1 / 3) * max(1.0, abs(x))
    up = node_values(graph, {**values, name: x + h})[graph.output]
    down = node_values(graph, {**values, name: x - h})[graph.output]
    return (up - down) / ((x + h) - (x - h))


def _symbolic_gradients(graph: Graph, values: dict[str, float],
                        watch: Watch | None = None) -> dict[str, float]:
    """d output / d variable from sympy, evaluated exactly at the point, then to float."""
    import sympy as sp

    from .symbolic import exact_number, to_sympy

    exprs = to_sympy(graph, watch=watch)
    out = exprs[graph.output]
    symbols = {name: exprs[i] for name, i in graph.variable_ids.items()}
    point = {symbols[name]: exact_number(v) for name, v in values.items()}
    grads = {}
    for name, symbol in symbols.items():
        if watch is not None:
            watch.at(graph.variable_ids[name], "derivative")
        # evalf with subs evaluates numerically at 30 digits: substituting the exact point
        # first would make sympy simplify exact powers such as (6172839/5000000)**(...)
        # for ever.
        grads[name] = _to_float(sp.diff(out, symbol).evalf(30, subs=point))
        if math.isnan(grads[name]):
            grads[name] = _one_variable_derivative(graph, values, name, watch)
    return grads


def _one_variable_derivative(graph: Graph, values: dict[str, float], name: str,
                             watch: Watch | None = None) -> float:
    """d output / d ``name`` with the other variables fixed at their exact values first and
    ``name`` signed as at the point: where the gradient's formula is 0/0 (d/dx x**y is
    y*x**y/x, nan at x = 0) the one-variable function has a plain one (x**2: 2*x; 0**y
    for y > 0: 0). nan when it has none either, or its exact powers are too big."""
    import sympy as sp

    from .symbolic import exact_number, to_sympy

    value = values[name]
    sign = "positive" if value > 0 else "negative" if value < 0 else "real"
    symbol = sp.Symbol(name, **{sign: True})
    leaves = {other: exact_number(v) for other, v in values.items()}
    leaves[name] = symbol
    try:
        out = to_sympy(graph, leaves, watch)[graph.output]
    except LimitError:
        return math.nan
    if out.has(sp.zoo, sp.oo, sp.nan):  # x/0 is zoo for every x: no derivative to take
        return math.nan
    if watch is not None:
        watch.at(graph.variable_ids[name], "derivative")
    return _to_float(sp.diff(out, symbol).evalf(30, subs={symbol: exact_number(value)}))


def _to_float(number: SupportsFloat) -> float:
    """A sympy number as a float: nan when it is complex or undefined (``zoo``, ``nan``)."""
    try:
        return float(number)
    except (TypeError, ValueError):
        import sympy as sp

        if number in (sp.oo, -sp.oo):
            return math.inf if number == sp.oo else -math.inf
        return math.nan
