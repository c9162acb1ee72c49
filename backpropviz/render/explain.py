"""``--explain``: the steps of the forward and reverse passes as text a teacher can put on a
slide, e.g. ``3. df/dx = df/dq * dq/dx = -4.00 * 1 = -4.00``.

Only formats: the steps (``backpropviz.steps``) and the graph hold every number.
"""

from __future__ import annotations

import math
import re
import sys
from functools import lru_cache
from typing import IO, Sequence

from ..graph import Graph
from ..ops import OPS, Op
from ..steps import Contribution, Step
from .numbers import agreeing_decimals, fixed
from .text import computes, wants_color

__all__ = ["step_text", "start_text", "use_text", "forward_text", "render_explain",
           "product_decimals", "sum_decimals"]

_PLACEHOLDER = re.compile(r"\b[xyc]\b")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@lru_cache(maxsize=1 << 16)
def _num(value: float, decimals: int) -> str:
    """:func:`fixed`, remembered: a long explanation shows the same few numbers again and
    again (0.0 and -0.0 share an entry; both show as 0.00)."""
    return fixed(value, decimals)


@lru_cache(maxsize=1 << 16)
def _local(value: float, decimals: int) -> str:
    """A local derivative: exact small integers as integers (``1``, ``-1``), as CS231n."""
    if value == value and abs(value) < 1e15 and float(value).is_integer():
        return str(int(value))
    return fixed(value, decimals)


def _factor(formula: str) -> str:
    """``formula`` ready to follow '*': a sum or difference at top level gets parentheses."""
    depth = 0
    for i, ch in enumerate(formula):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i > 0 and ch in "+-" and formula[i - 1] == " ":
            return f"({formula})"
    return formula


def _fill(formula: str, values: dict[str, str]) -> str:
    """``formula`` (in x, y, c) with each placeholder replaced; negative numbers get
    parentheses unless they stand alone as a function argument."""
    literals, slots = _template(formula)
    parts = [literals[0]]
    for (key, negated, wrap), literal in zip(slots, literals[1:]):
        text = values[key]
        if negated or (wrap and text.startswith("-")):
            text = f"({text})"  # -x at x = 1 reads -(1.00), not the literal -1.00
        parts += (text, literal)
    return "".join(parts)


@lru_cache(maxsize=None)
def _template(formula: str) -> tuple[tuple[str, ...], tuple[tuple[str, bool, bool], ...]]:
    """``formula`` split once for :func:`_fill`: the text between placeholders, and per
    placeholder (its letter, always parenthesised, parenthesised when negative)."""
    literals, slots, last = [], [], 0
    for match in _PLACEHOLDER.finditer(formula):
        start, end = match.span()
        literals.append(formula[last:start])
        last = end
        before = formula[:start].rstrip()
        after = formula[end:].lstrip()
        alone = before.endswith(("(", ",")) and after.startswith((")", ","))
        negated = formula[:start].endswith("-") and start == 1
        slots.append((match.group(), negated,
                      not alone and bool(before or formula.startswith("-"))))
    literals.append(formula[last:])
    return tuple(literals), tuple(slots)


def _forward_text(graph: Graph, step: Step, names: Sequence[str], decimals: int) -> str:
    s, i = graph.store, step.node  # (read from the columns: no Node view per step)
    name = names[i]
    value = _num(step.result, decimals)
    if s.op[i] == "input":
        return f"{name} = {value}  (input)"
    op = OPS[s.op[i]]
    values = s.value if s.value is not None else [math.nan] * len(s.op)
    a, b = s.a[i], s.b[i]
    places, exact = _forward_decimals(op, values[a], values[b] if b >= 0 else None,
                                      s.param[i], step.result, decimals)
    with_names = {"x": names[a]}
    with_numbers = {"x": _num(values[a], places)}
    if b >= 0:
        with_names["y"] = names[b]
        with_numbers["y"] = _num(values[b], places)
    param_text = s.param_text[i]
    if param_text is not None:
        with_names["c"] = with_numbers["c"] = param_text
    return (f"{name} = {_fill(op.formula, with_names)} = {_fill(op.formula, with_numbers)}"
            f" {'=' if exact else '≈'} {value}")


def _forward_decimals(op: Op, x: float, y: float | None, param: float | None, value: float,
                      decimals: int) -> tuple[int, bool]:
    """The decimals for a gate's inputs at which its formula, worked on them as shown,
    gives its value as shown (``1.004 + 1.004`` shows as ``1.004 + 1.004 = 2.01``)."""
    if y is None:
        return agreeing_decimals((x,), value, lambda xs: op.forward(xs[0], param), decimals)
    return agreeing_decimals((x, y), value, lambda xs: op.forward(xs[0], xs[1]), decimals)


def _backward_text(graph: Graph, step: Step, names: Sequence[str], decimals: int
                   ) -> list[str]:
    out = names[graph.output]
    name = names[step.node]
    if not step.contributions:
        return [start_text(graph, names)]

    def use(part: Contribution) -> str:
        return use_text(graph, part, names, name, decimals)

    if len(step.contributions) == 1:
        line = use(step.contributions[0])
        return [line if line.startswith(f"d{out}/d{name} =") else f"d{out}/d{name} = {line}"]
    places, exact = sum_decimals([p.grad for p in step.contributions], step.result, decimals)
    summands = " + ".join(f"{_num(p.grad, places)} (via {names[p.via]})"
                          for p in step.contributions)
    head = f"d{out}/d{name} = {summands} {'=' if exact else '≈'} {_num(step.result, decimals)}"
    twice = _read_twice(step.contributions)
    return [head] + [f"via {names[p.via]}"
                     + (f" (input {p.slot + 1})" if p.via in twice else "")
                     + f": {use(p)}" for p in step.contributions]


def _read_twice(parts: Sequence[Contribution]) -> set[int]:
    """The gates that read the node in both input slots (``x*x``): their lines name the
    slot. One pass, so a node read 300,000 times stays linear."""
    seen: set[int] = set()
    twice: set[int] = set()
    for part in parts:
        (twice if part.via in seen else seen).add(part.via)
    return twice


def start_text(graph: Graph, names: Sequence[str]) -> str:
    """The reverse pass's first step: the output's gradient with respect to itself."""
    out = names[graph.output]
    return f"d{out}/d{out} = 1  (start at the output)"


def use_text(graph: Graph, part: Contribution, names: Sequence[str], name: str,
             decimals: int) -> str:
    """What flows back to ``name`` along one use: the chain-rule product, symbols then
    numbers, up to its value (``df/dq * dq/dx = -4.00 * 1 = -4.00``)."""
    out = names[graph.output]
    formula = "" if _NUMBER.fullmatch(part.formula) else part.formula
    grad = _num(part.grad, decimals)
    if part.via == graph.output:  # the output's own local derivative: upstream is 1
        return f"d{out}/d{name} = {formula + ' = ' if formula else ''}{grad}"
    via = names[part.via]
    places, exact = product_decimals(part, decimals)
    upstream = _num(part.upstream, places)
    local = _local(part.local, places)
    local = f"({local})" if local.startswith("-") else local
    symbolic = f" = {upstream} * {_factor(formula)}" if formula else ""
    equals = "=" if exact else "≈"
    return f"d{out}/d{via} * d{via}/d{name}{symbolic} = {upstream} * {local} {equals} {grad}"


def product_decimals(part: Contribution, decimals: int) -> tuple[int, bool]:
    """The decimals for ``upstream`` and ``local`` at which ``upstream * local = grad``
    adds up as shown (a local of 1, -1 or 0 always does: the fast path of a long
    explanation), and whether it can."""
    if part.local in (1.0, -1.0, 0.0):
        return decimals, True
    return agreeing_decimals((part.upstream, part.local), part.grad, _product, decimals)


def sum_decimals(terms: Sequence[float], total: float, decimals: int) -> tuple[int, bool]:
    """The decimals for the branches at which they add up to the total shown."""
    return agreeing_decimals(terms, total, math.fsum, decimals)


def _product(factors: list[float]) -> float:
    return factors[0] * factors[1]


def forward_text(graph: Graph, node_id: int, names: Sequence[str], decimals: int) -> str:
    """One forward step: ``q = x + y = -2.00 + 5.00 = 3.00``."""
    return _forward_text(graph, Step(0, "forward", node_id, graph.nodes[node_id].value),
                         names, decimals)


def step_text(graph: Graph, step: Step, names: Sequence[str], decimals: int) -> list[str]:
    """The step as lines of plain text: the main line first, then one line per use at a
    fork; an unnamed gate's main line ends with what it computes."""
    if step.phase == "forward":
        lines = [_forward_text(graph, step, names, decimals)]
    else:
        lines = _backward_text(graph, step, names, decimals)
    s, i = graph.store, step.node
    if step.phase == "backward" and s.a[i] >= 0 and not s.name[i]:  # an unnamed gate
        lines[0] += f"   [{names[i]} = {computes(graph, graph.nodes[i])}]"
    return lines


def render_explain(graph: Graph, steps: Sequence[Step], names: Sequence[str], decimals: int,
                   file: IO[str] | None = None, *, color: bool | None = None) -> None:
    """Print the steps under a heading per pass; coloured when ``color`` (None: in a
    terminal, as :func:`~backpropviz.render.table.wants_color` says), plain otherwise."""
    file = file or sys.stdout
    width = len(str(len(steps)))
    lines: list[tuple[str, str]] = []  # (style, text)
    phase = None
    for step in steps:
        if step.phase != phase:
            phase = step.phase
            if lines:
                lines.append(("", ""))
            lines.append(("bold", "Forward pass (values, inputs to output):" if phase == "forward"
                          else "Backward pass (gradients by the chain rule, output to inputs):"))
        first, *rest = step_text(graph, step, names, decimals)
        lines.append(("", f"{step.index:>{width}}. {first}"))
        lines.extend(("dim", f"{'':>{width}}    {line}") for line in rest)
    if wants_color(file) if color is None else color:
        from rich.console import Console
        from rich.text import Text

        console = Console(file=file, highlight=False, soft_wrap=True, force_terminal=True,
                          no_color=False)
        for style, text in lines:
            console.print(Text(text, style=style))
    else:
        file.write("".join(text + "\n" for _, text in lines))
