"""sympy as the math reference: a graph as sympy expressions, exact values and gradients,
and local-derivative formulas for explanations.

This module imports sympy (about a second), so only the outputs that need it import this
module: ``--explain``, ``--check`` and ``--exact``. Everything walks the nodes in order, with
no recursion of our own.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Sequence

import sympy as sp

from .budget import rational_digits
from .errors import BackpropvizError, LimitError, shorten
from .graph import Graph, Node
from .lang import message
from .ops import OPS

if TYPE_CHECKING:
    from .budget import Watch

__all__ = [
    "exact_constant",
    "exact_number",
    "to_sympy",
    "local_formula",
    "gate_formula",
    "ExactPass",
    "exact_pass",
]

_NAMED = {"pi": sp.pi, "e": sp.E}


EXACT_DIGITS_LIMIT = 400  # a literal's digits or decimal exponent: beyond float64's range


def exact_constant(text: str) -> sp.Expr:
    """A constant as the user wrote it, exactly: ``0.1`` is 1/10, ``pi`` is pi."""
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("-")
    if body in _NAMED:
        return sign * _NAMED[body]
    mantissa, _, exponent = body.lower().partition("e")
    if len(mantissa) > EXACT_DIGITS_LIMIT or (exponent and abs(int(exponent)) > EXACT_DIGITS_LIMIT):
        raise LimitError(message("exact.too_big_number", text=shorten(text)))
    return sign * sp.Rational(body)


def exact_number(value: float) -> sp.Rational:
    """A variable's value exactly as typed: 3.0 is 3, 0.1 is 1/10 (its shortest repr)."""
    if not math.isfinite(value):
        raise LimitError(message("exact.no_exact", value=value))
    return sp.Rational(repr(float(value)))


def exact_text(expr: sp.Expr) -> str:
    """``expr`` as text; a number too long to print (over 4,300 digits) as its size."""
    try:
        text: str = sp.sstr(expr)
        return text
    except ValueError:
        return f"~{sp.N(expr, 6)}"


def _param(node: Node) -> sp.Expr | None:
    return exact_constant(node.param_text) if node.param_text is not None else None


def to_sympy(graph: Graph, leaves: dict[str, sp.Expr] | None = None,
             watch: Watch | None = None) -> list[sp.Expr]:
    """Every node as a sympy expression of the variables (real symbols named as in the
    expression), or of ``leaves`` when given (e.g. exact numbers); ``watch`` is told each
    node before it is made, and the digits of each exact fraction."""
    exprs: list[sp.Expr] = []
    for node in graph.nodes:
        if watch is not None:
            _watch_node(watch, node.id, exprs)
        if node.op == "input":
            name = node.name or ""
            exprs.append(leaves[name] if leaves is not None else sp.Symbol(name, real=True))
        elif node.op == "const":
            exprs.append(_param(node))
        else:
            args = [exprs[i] for i in node.inputs]
            _check_power(node, args)
            op = OPS[node.op]
            exprs.append(op.symbolic(sp, *args, _param(node)) if op.arity == 1
                         else op.symbolic(sp, *args))
    return exprs


def _watch_node(watch: Watch, node: int, exprs: list[sp.Expr]) -> None:
    """Tell ``watch`` the digits of the last exact fraction made, and the next node."""
    if exprs and exprs[-1].is_Rational:
        last = exprs[-1]
        watch.size(node - 1, rational_digits(last.p, last.q))
    watch.at(node)


EXACT_EXPONENT_LIMIT = 10_000  # 9**9**9 has 370 million digits: never build such numbers
EXACT_DIGITS_RESULT = 20_000   # digits of an exact power worth computing and printing
EXACT_ROOT_LIMIT = 1_000       # x**(p/q) for bigger q: sympy hunts perfect powers for ever


def _check_power(node: Node, args: list[sp.Expr]) -> None:
    """Refuse a power whose exponent is a huge number: sympy would compute it exactly
    (9**9**9 has 370 million digits) and never finish."""
    if node.op == "pow":
        base, exponent = args
    elif node.op == "pow_const":
        base, exponent = args[0], exact_constant(node.param_text or "0")
    elif node.op == "rpow_const":
        base, exponent = exact_constant(node.param_text or "0"), args[0]
    else:
        return
    if base.is_Rational and exponent.is_number and exponent.is_real:
        digits = len(str(abs(base.p))) + len(str(base.q))
        if digits * abs(exponent) > EXACT_DIGITS_RESULT:
            raise LimitError(message("exact.power_digits", node=node.id,
                                     digits=f"{int(digits * abs(exponent)):,}"))
    if exponent.is_Rational and exponent.q > EXACT_ROOT_LIMIT and base.is_number:
        raise LimitError(message("exact.power_root", node=node.id, exponent=_short(exponent)))
    if exponent.is_number and abs(exponent) > EXACT_EXPONENT_LIMIT:
        raise LimitError(message("exact.power_exponent", node=node.id,
                                 exponent=_short(exponent), most=f"{EXACT_EXPONENT_LIMIT:,}"))


def _short(number: sp.Expr) -> str:
    text = sp.sstr(number)
    return text if len(text) <= 30 else f"{float(number):.6g}"


_ARG = tuple(sp.Symbol(f"ARG{k}QQ", real=True) for k in range(2))


@lru_cache(maxsize=None)
def _derivative(op_name: str, slot: int, param_text: str | None) -> sp.Expr:
    """d op / d (its input ``slot``), in placeholder arguments."""
    op = OPS[op_name]
    if op.arity == 1:
        c = exact_constant(param_text) if param_text is not None else None
        return sp.diff(op.symbolic(sp, _ARG[0], c), _ARG[0])
    return sp.diff(op.symbolic(sp, _ARG[0], _ARG[1]), _ARG[slot])


@lru_cache(maxsize=None)
def _derivative_text(op_name: str, slot: int, param_text: str | None) -> str:
    """:func:`_derivative` as text (printing it is the costly part of an explanation)."""
    text: str = sp.sstr(_derivative(op_name, slot, param_text))
    return text


def local_formula(node: Node, slot: int, names: Sequence[str]) -> str:
    """The local derivative d node / d input ``slot`` as a formula in the inputs' names,
    e.g. ``-1/q7**2`` for a ``1/x`` gate."""
    return gate_formula(node.op, slot, node.param_text, node.inputs, names)


def gate_formula(op: str, slot: int, param_text: str | None, inputs: Sequence[int],
                 names: Sequence[str]) -> str:
    """:func:`local_formula` of a gate given by its op, constant and inputs."""
    text = _derivative_text(op, slot, param_text)
    if "QQ" not in text:  # (no placeholder ARGkQQ: a constant such as 1 or -1)
        return text
    for k, src in enumerate(inputs):
        text = text.replace(_ARG[k].name, names[src])
    return text


#: Ops with kinks whose local derivatives are piecewise constant: the reverse pass's values
#: (PyTorch's conventions at the kink) are used exactly rather than sympy's Heaviside(0) =
#: 1/2 or sign's DiracDelta.
_KINKED = frozenset(name for name, op in OPS.items() if op.piecewise)


class ExactPass:
    """Exact values and gradients of every node (sympy numbers), from an exact forward
    pass and an exact reverse pass over the same graph."""

    def __init__(self, values: list[sp.Expr], grads: list[sp.Expr]) -> None:
        self.values = values
        self.grads = grads


def exact_pass(graph: Graph, watch: Watch | None = None) -> ExactPass:
    """Run both passes exactly (see :func:`_exact_pass`); a clear error where exact
    arithmetic has no answer (values outside the real numbers, a kink of a complex value).
    ``watch`` is told each node as the work reaches it."""
    try:
        return _exact_pass(graph, watch)
    except (TypeError, ValueError) as exc:
        raise BackpropvizError(message("exact.no_result", error=shorten(str(exc), 80))
                               ) from None


def _exact_pass(graph: Graph, watch: Watch | None = None) -> ExactPass:
    """Run both passes exactly: integers and fractions stay exact, exp(-1) stays exp(-1).

    Values keep the form the forward pass builds (``1/(exp(-1) + 1)``); a long gradient is
    simplified when that makes it shorter.
    """
    leaves = {name: exact_number(graph.nodes[i].value) for name, i in graph.variable_ids.items()}
    values = to_sympy(graph, leaves, watch)
    grads: list[Any] = [sp.Integer(0)] * len(graph.nodes)
    grads[graph.output] = sp.Integer(1)
    for node in reversed(graph.nodes):
        if watch is not None:
            watch.at(node.id, "gradient")
        g = grads[node.id]
        if not node.inputs or g == 0:
            continue
        subs = {_ARG[k]: values[src] for k, src in enumerate(node.inputs)}
        for slot, src in enumerate(node.inputs):
            if node.op in _KINKED:  # 0, 1, -1 or 1/2: exact already, and PyTorch's at a kink
                local = exact_number(node.local_grads[slot])
            else:
                local = _derivative(node.op, slot, node.param_text).xreplace(subs)
            grads[src] = grads[src] + g * local
    shorter = []
    for node_id, g in enumerate(grads):
        if watch is not None:
            watch.at(node_id, "gradient")
        shorter.append(_shorter(g))
    return ExactPass(values, shorter)


_LONG = 12  # operations; shorter gradients are left as the chain rule built them


def _shorter(expr: sp.Expr) -> sp.Expr:
    """``expr``, or its simplified form when that is shorter."""
    if expr.is_Rational or sp.count_ops(expr) <= _LONG:
        return expr
    simpler = sp.simplify(expr)
    return simpler if sp.count_ops(simpler) < sp.count_ops(expr) else expr
