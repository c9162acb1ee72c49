"""``--explain``: the steps of the forward and reverse passes as text a teacher can put on a
slide, in the notes' notation, e.g. ``3. ∂f/∂x = ∂f/∂q · ∂q/∂x = -4.00 · 1 = -4.00``.

Only formats: the steps (``backpropviz.steps``) and the graph hold every number.
"""

from __future__ import annotations

import math
import re
import sys
from functools import lru_cache
from typing import IO, Sequence

from ..graph import Graph
from ..lang import say
from ..ops import FUNCTIONS, OPS, Op
from ..steps import MARK, Contribution, Step
from .notation import agreeing_text, notes, partial
from .numbers import agreeing_decimals, fixed_point, summand
from .text import computes, wants_color

__all__ = ["step_text", "start_text", "use_text", "local_text", "forward_text", "render_explain",
           "product_decimals", "sum_decimals", "written", "versioned", "versions_key"]

_PLACEHOLDER = re.compile(r"(?<![A-Za-z0-9_])[xyco](?![A-Za-z0-9_])")  # (x² is a placeholder)
_OWN_VALUE = re.compile(r"\{([^}]*)\}")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@lru_cache(maxsize=1 << 16)
def _num(value: float, decimals: int) -> str:
    """:func:`fixed_point`, remembered: a long explanation shows the same few numbers again
    and again (0.0 and -0.0 share an entry; both show as 0.00)."""
    return fixed_point(value, decimals)


@lru_cache(maxsize=1 << 16)
def _local(value: float, decimals: int) -> str:
    """A local derivative: exact small integers as integers (``1``, ``-1``), as CS231n."""
    if value == value and abs(value) < 1e15 and float(value).is_integer():
        return str(int(value))
    return fixed_point(value, decimals)


def _factor(formula: str) -> str:
    """``formula`` ready to follow '·': a sum or difference at top level, or a leading minus,
    gets parentheses."""
    if formula.startswith("-"):
        return f"({formula})"
    depth = 0
    for i, ch in enumerate(formula):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i > 0 and ch in "+-" and formula[i - 1] == " ":
            return f"({formula})"
    return formula


def _fill(formula: str, values: dict[str, str]) -> str:
    """``formula`` (in x, y, c and o, the gate's own value) with each placeholder replaced;
    negative numbers get parentheses unless they stand alone as a function argument."""
    literals, slots = _template(formula)
    parts = [literals[0]]
    for (key, negated, wrap), literal in zip(slots, literals[1:]):
        text = values[key]
        if (negated and key != "c" and text[:1] in "-.0123456789") or (
                wrap and text.startswith("-")):
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
        powered = after.startswith(("**", "^", "²"))  # (-1.00)² is 1, -1.00² is -1
        slots.append((match.group(), negated,
                      not alone and bool(before or formula.startswith("-") or powered)))
    literals.append(formula[last:])
    return tuple(literals), tuple(slots)


#: At most this many gates are written out in one "where" formula; a bigger one is quoted.
_WRITTEN = 32
#: The last ``names`` asked about and whether any of them is a version's (one look per
#: explanation, not one per step: a 300,000-gate one asks 300,000 times).
_LAST: list[tuple[Sequence[str], bool]] = []


def written(graph: Graph, gate: int, names: Sequence[str]) -> str:
    """What ``gate`` computes, for a "where" line: as typed (``c + 1``); or, when it is a
    name assigned again or reads one (see :func:`~backpropviz.steps.display_names`), from
    the graph in ``names``, so each name says its version (``c′ + 1`` for a ``c + 1`` that
    reads c′). What cannot be written so (over :data:`_WRITTEN` gates) is quoted as typed."""
    text = versioned(graph, gate, names)
    return computes(graph, graph.nodes[gate]) if text is None else text


VERSIONS_SAID = 8  # versions the key line names, at most (a 1,000-step chain: an ellipsis)


def versions_key(graph: Graph, names: Sequence[str]) -> str | None:
    """One line saying what each version of a name assigned again is (``c′ is c after c +=
    c + 1``), None when there is none: to a student a bare prime reads as a derivative."""
    from .collapse import statement_text

    marked = [i for i, name in enumerate(names) if MARK.search(name)]
    if not marked:
        return None
    items = [say("explain.version", version=names[i], name=graph.store.name[i],
                 statement=statement_text(graph, graph.nodes[i])) for i in marked[:VERSIONS_SAID]]
    more = ", …" if len(marked) > VERSIONS_SAID else ""
    return say("explain.versions", items=say("explain.list").join(items) + more)


def versioned(graph: Graph, root: int, names: Sequence[str], whole: bool = False
              ) -> str | None:
    """``root``'s formula in ``names``, its unnamed inner gates written out; None when it
    names no version of a name assigned again (the text as typed says it). Over
    :data:`_WRITTEN` gates, a version is written one gate deep (``c′ = c + q₉``), unless
    ``whole`` (then None), and anything else is None."""
    if not _LAST or _LAST[0][0] is not names:
        _LAST[:] = [(names, any(MARK.search(name) for name in names)
                     or _COPY.search(graph.expression) is not None)]
    if not _LAST[0][1]:
        return None
    s = graph.store
    inner, todo, marked, read = [], [root], bool(MARK.search(names[root])), set()
    while todo:
        gate = todo.pop()
        inner.append(gate)
        for src in (s.a[gate], s.b[gate]):
            if src < 0:
                continue
            if not s.name[src] and s.op[src] not in ("input", "const") and src != graph.output:
                todo.append(src)  # (an unnamed gate: written out in its reader's formula)
            else:
                marked = marked or bool(MARK.search(names[src]))
                read.add(s.name[src] or s.label[src])
        if len(inner) > _WRITTEN:
            if whole or not MARK.search(names[root]):
                return None
            inner, todo = [root], []  # (its inputs by their names)
    if not marked and not _renamed(graph, root, read):
        return None
    texts: dict[int, str] = {}
    for gate in sorted(inner):  # (a gate comes after what it reads)
        formula = OPS[s.op[gate]].formula.split("), ")[0]  # (sum_keep's has a note after it)
        formula += ")" * (formula.count("(") - formula.count(")"))
        found = {"x": _operand(texts, s.a[gate], names, formula, "x")}
        if s.b[gate] >= 0:
            found["y"] = _operand(texts, s.b[gate], names, formula, "y")
        if s.param_text[gate] is not None:
            found["c"] = s.param_text[gate] or ""
        texts[gate] = _fill(formula, found)
    return texts[root]


#: A statement that gives a value another name (``v = x``): reads of v as typed are x's.
_COPY = re.compile(r"(?:^|[;\n])[ \t]*[^\W\d]\w*[ \t]*=[ \t]*[^\W\d]\w*[ \t]*(?=$|[;\n#])", re.M)
_WORD = re.compile(r"(?<![\w.])[^\W\d]\w*")


def _renamed(graph: Graph, root: int, read: set[str]) -> bool:
    """Whether ``root`` as typed reads a value by another name than its own: after
    ``v = x``, ``v*w`` reads x (a function's name, an attribute such as ``.T``, are not
    reads)."""
    typed = computes(graph, graph.nodes[root])
    return any(word not in read and word not in FUNCTIONS for word in _WORD.findall(typed))


def _operand(texts: dict[int, str], src: int, names: Sequence[str], formula: str,
             slot: str) -> str:
    """An input of a written-out formula: its name, or the formula of an inner gate, in
    parentheses where the operator around it binds tighter (``c + (c + 1)``)."""
    text = texts.get(src)
    if text is None:
        return names[src]
    outer, own = _binding(formula), _binding(text)
    alone = re.search(rf"[(,] ?{slot}[,)]", formula) is not None  # (a function's argument)
    first = formula.startswith(slot)
    if not alone and (own < outer or (own == outer and (not first or outer == 3))):
        return f"({text})"
    return text


def _binding(formula: str) -> int:
    """How tightly a formula's top operator binds: 1 sums, 2 products and negation, 3
    powers, 4 a function call or a name (a formula's own parentheses hold the rest)."""
    depth, found = 0, 4
    for i, ch in enumerate(formula):
        depth += (ch == "(") - (ch == ")")
        if depth or ch == "(" or ch == ")":
            continue
        if ch in "+-" and 0 < i and formula[i - 1] == " ":
            return 1
        if ch in "*/@" and formula[i:i + 2] != "**":
            found = min(found, 2) if formula[i - 1:i] != "*" else found
        elif ch == "*":
            found = min(found, 3)
    if formula.startswith("-"):
        found = min(found, 2)
    return found


def _forward_text(graph: Graph, step: Step, names: Sequence[str], decimals: int) -> str:
    s, i = graph.store, step.node  # (read from the columns: no Node view per step)
    name = names[i]
    value = _num(step.result, decimals)
    if s.op[i] == "input":
        return say("explain.input", name=name, value=value)
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
    return (f"{name} = {notes(_fill(op.formula, with_names))} = "
            f"{notes(_fill(op.formula, with_numbers))} {'=' if exact else '≈'} {value}")


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
        return use_text(graph, part, names, name, decimals, walk=True)

    wrt = partial(out, name)
    if len(step.contributions) == 1:
        return [f"{wrt} = {use(step.contributions[0])}"]
    places, exact = sum_decimals([p.grad for p in step.contributions], step.result, decimals)
    summands = " + ".join(say("explain.via_term", via=names[p.via],
                              grad=summand(p.grad, places, decimals))
                          for p in step.contributions)
    head = f"{wrt} = {summands} {'=' if exact else '≈'} {_num(step.result, decimals)}"
    twice = _read_twice(step.contributions)
    return [head] + [say("explain.via_slot", via=names[p.via], slot=p.slot + 1, use=use(p))
                     if p.via in twice else say("explain.via", via=names[p.via], use=use(p))
                     for p in step.contributions]


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
    return say("explain.start", partial=partial(out, out))


def use_text(graph: Graph, part: Contribution, names: Sequence[str], name: str,
             decimals: int, walk: bool = False) -> str:
    """What flows back to ``name`` along one use, the right side of ``∂f/∂name = ...``:
    the chain rule's product, then the local derivative in its teaching form (ops.py's
    ``teaching``) or sympy's, then with the numbers: ``∂f/∂q · ∂q/∂x = -4.00 · 1 = -4.00``.
    ``walk``: said as the catalogue says a step of ``--explain`` (in Chinese, the seed's
    "局部梯度 …，所以往前传播的梯度是 …" after it)."""
    out, via = names[graph.output], names[part.via]
    up, down = partial(out, via), partial(via, name)
    form = _teaching(graph, part)
    if form:
        symbolic = _fill(_own_value(form, False), _gate_names(graph, part.via, names))

        def local(places: int) -> str:
            return _fill(_own_value(form, True), _gate_numbers(graph, part.via, places))

        places, exact = agreeing_text(
            lambda p: f"{_num(part.upstream, p)} · {_factor(local(p))}", part.grad, decimals)
    else:
        symbolic = "" if _NUMBER.fullmatch(part.formula) else notes(part.formula)

        def local(places: int) -> str:
            text = _local(part.local, places)
            return f"({text})" if text.startswith("-") else text

        places, exact = product_decimals(part, decimals)
    upstream = _num(part.upstream, places)
    fields = {"up": up, "down": down, "upstream": upstream, "form": _factor(symbolic),
              "local": _factor(local(places)), "equals": "=" if exact else "≈",
              "grad": _num(part.grad, decimals)}
    key = "explain.use_form" if symbolic else "explain.use_plain"
    return say(key, None if walk else "en", **fields)


def local_text(graph: Graph, part: Contribution, names: Sequence[str], name: str,
               decimals: int) -> str:
    """The local derivative alone, for the gate a lesson frame is at: ``∂q/∂x = σ(1 - σ) =
    0.20``."""
    via = names[part.via]
    form = _teaching(graph, part)
    if form:
        symbolic = _fill(_own_value(form, False), _gate_names(graph, part.via, names))
    else:
        symbolic = "" if _NUMBER.fullmatch(part.formula) else notes(part.formula)
    return (f"{partial(via, name)} = {symbolic + ' = ' if symbolic else ''}"
            f"{_local(part.local, decimals)}")


def _teaching(graph: Graph, part: Contribution) -> str:
    """The local derivative's teaching form when it says more than one input's name
    (``σ(1 - σ)``, ``-1/x²``); else '' (``y`` for a product reads as sympy's ``x₁``)."""
    forms = OPS[graph.store.op[part.via]].teaching
    form = forms[part.slot] if part.slot < len(forms) else ""
    return "" if form in ("x", "y") else form


@lru_cache(maxsize=None)
def _own_value(form: str, numbers: bool) -> str:
    """A teaching form with the gate's own value ``{σ}`` as its symbol (σ), or as the
    placeholder ``o`` for numbers, multiplied out in full (``o · (1 - o)``)."""
    if not numbers:
        return _OWN_VALUE.sub(r"\1", form)
    return _OWN_VALUE.sub("o", re.sub(r"\}\(", "} · (", form))


def _gate_names(graph: Graph, gate: int, names: Sequence[str]) -> dict[str, str]:
    """The placeholders of a gate's formulas, as names (its constant as written)."""
    s = graph.store
    found = {"x": names[s.a[gate]], "o": names[gate]}
    if s.b[gate] >= 0:
        found["y"] = names[s.b[gate]]
    if s.param_text[gate] is not None:
        found["c"] = s.param_text[gate] or ""
    return found


def _gate_numbers(graph: Graph, gate: int, places: int) -> dict[str, str]:
    """The placeholders of a gate's formulas, as numbers shown with ``places`` decimals
    (whole numbers as integers; its constant as written)."""
    s = graph.store
    values = s.value if s.value is not None else [math.nan] * len(s.op)
    found = {"x": _local(values[s.a[gate]], places), "o": _local(values[gate], places)}
    if s.b[gate] >= 0:
        found["y"] = _local(values[s.b[gate]], places)
    if s.param_text[gate] is not None:
        found["c"] = s.param_text[gate] or ""
    return found


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
    fork; an unnamed gate's main line ends with what it computes, as does a name's
    version after the first (``c′``)."""
    if step.phase == "forward":
        lines = [_forward_text(graph, step, names, decimals)]
    else:
        lines = _backward_text(graph, step, names, decimals)
    s, i = graph.store, step.node
    if step.phase == "backward" and s.a[i] >= 0 and (not s.name[i] or MARK.search(names[i])):
        lines[0] += f"   [{names[i]} = {written(graph, i, names)}]"  # (unnamed, or c′)
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
            lines.append(("bold", say("explain.forward_heading" if phase == "forward"
                                      else "explain.backward_heading")))
            key = versions_key(graph, names) if len(lines) == 1 else None
            lines.extend([("dim", key)] if key else [])
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
