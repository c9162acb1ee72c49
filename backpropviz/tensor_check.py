"""``--check`` when values are arrays: every element's gradient, two independent ways.

1. a central finite difference of the array forward pass, element by element (a seeded
   sample of :data:`SAMPLE` elements when there are more);
2. for arrays of up to :data:`SYMBOLIC_ELEMENTS` numbers in all, sympy on the scalar
   program the array program stands for (:mod:`backpropviz.unroll`), which also says
   which elements sit on a kink (relu at 0, a max tie).
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Any

import numpy as np

from .check import SYMBOLIC_NODE_LIMIT, CheckReport, GradientCheck, check_gradients, compare
from .errors import LimitError
from .graph import Graph
from .lang import message
from .tensor import output_value

if TYPE_CHECKING:
    from .budget import Watch

__all__ = ["check_arrays", "SAMPLE", "SYMBOLIC_ELEMENTS"]

SAMPLE = 1_000          # elements checked by finite differences at most (seeded sample)
SYMBOLIC_ELEMENTS = 64  # numbers in all variables up to which sympy checks too
SEED = 0


def check_arrays(graph: Graph, watch: Watch | None = None) -> CheckReport:
    """Check every variable's gradient, element by element (a sample of large arrays)."""
    values = graph.variables
    notes: list[str] = []
    if np.shape(graph.value) != ():
        return CheckReport([], [], [message("check.not_one_number")])
    elements = [(name, index) for name, v in values.items() for index in np.ndindex(np.shape(v))]
    scalar = _scalar_check(graph, values, len(elements), notes)
    if len(elements) > SAMPLE:
        rng = np.random.default_rng(SEED)
        picked = sorted(rng.choice(len(elements), SAMPLE, replace=False))
        elements = [elements[k] for k in picked]
        notes.append(message("check.sample", count=f"{SAMPLE:,}", seed=SEED))
    defined = math.isfinite(graph.value)
    tied = _tied_maxima(graph)
    out_scale = max(1.0, abs(graph.value)) if defined else 1.0
    checks = []
    for name, index in elements:
        if watch is not None:
            watch.at(graph.variable_ids[name], "finite difference")
        label = _label(name, index)
        grad = float(np.asarray(graph.gradients[name])[index])
        ref, kink = scalar.get(label, (None, False))
        checks.append(compare(label, grad, _finite_difference(graph, values, name, index),
                              ref, kink or name in tied, defined, out_scale))
    kinks = [c.name for c in checks if c.status == "kink"]
    return CheckReport(checks, [message("check.element_kink", name=name) for name in kinks],
                       notes)


def _tied_maxima(graph: Graph) -> set[str]:
    """The variables behind a max of an array that several elements reach: there the
    gradient is shared evenly among them (one valid choice of many), so a disagreement is
    a kink, not an error."""
    from .schedule import depends_on

    s = graph.store
    tied = []
    for i, op in enumerate(s.op):
        if op in ("amax", "amax_axis") and s.value is not None:
            hit = np.asarray(s.value[s.a[i]]) == (
                s.value[i] if op == "amax" else np.expand_dims(s.value[i], int(s.param[i] or 0)))
            counts = hit.sum(axis=None if op == "amax" else int(s.param[i] or 0))
            if np.any(counts > 1):
                tied.append(i)
    behind = depends_on(graph, tied) if tied else []
    return {name for name, i in graph.variable_ids.items() if tied and behind[i]}


def _label(name: str, index: tuple[int, ...]) -> str:
    """An element as the report names it: ``W[0, 1]`` (a number by its name)."""
    return name + (f"[{', '.join(map(str, index))}]" if index else "")


def _scalar_check(graph: Graph, values: dict[str, Any], count: int, notes: list[str]
                  ) -> dict[str, tuple[float | None, bool]]:
    """Per element (``W[0, 1]``): sympy's derivative and whether it sits on a kink, from the
    unrolled scalar program; empty (with a note) when the arrays are too big for it."""
    from .engine import evaluate
    from .parse import build_expression
    from .unroll import unroll

    if count > SYMBOLIC_ELEMENTS:
        notes.append(message("check.skip_elements", count=f"{count:,}",
                             most=SYMBOLIC_ELEMENTS))
        return {}
    try:
        unrolled = unroll(graph, values, limit=SYMBOLIC_NODE_LIMIT)
    except LimitError as exc:
        notes.append(message("check.skip_unrolled", reason=exc.args[0]))
        return {}
    scalar = evaluate(build_expression(unrolled.text), unrolled.values)
    report = check_gradients(scalar)  # (the budget's worker still bounds it)
    notes.extend(message("check.unrolled_note", note=note) for note in report.notes)
    by_name = {c.name: c for c in report.checks}
    found: dict[str, tuple[float | None, bool]] = {}
    for name, names in unrolled.elements.items():
        for index in np.ndindex(names.shape):
            c: GradientCheck | None = by_name.get(names[index])
            label = _label(name, index)
            # (an element the output never reads is no variable of the scalar program)
            found[label] = (0.0, False) if c is None else (c.symbolic, c.status == "kink")
    return found


def _finite_difference(graph: Graph, values: dict[str, Any], name: str,
                       index: tuple[int, ...]) -> float:
    """(f(x + h) - f(x - h)) / 2h for one element, h scaled to it."""
    base = np.array(values[name], dtype=float)
    x = float(base[index])
    h: float = sys.float_info.epsilon ** (1 / 3) * max(1.0, abs(x))
    up, down = base.copy(), base.copy()
    up[index], down[index] = x + h, x - h
    f_up = output_value(graph, {**values, name: up if up.shape else float(up)})
    f_down = output_value(graph, {**values, name: down if down.shape else float(down)})
    return (f_up - f_down) / ((x + h) - (x - h))
