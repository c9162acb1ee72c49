"""A lesson by statements (``--collapse statements``): one frame per assignment forward,
then the output's frame and one per assignment backward, over the collapsed diagram
(render.collapse) instead of one per gate.

Forward frame k shows the inputs and the results of statements 1..k. Backward, each
statement sends back the share of each input's gradient that comes through it (drawn in
its box, or on the branch into it); a name read by several statements gets its gradient
once every reader has sent its share, with a caption line that adds the shares up. The
numbers are the evaluated graph's: the shares are its wires' gradients, summed inside a
statement by render.collapse.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any, Sequence

from ..graph import Graph, reaches_output, statements_of
from ..lang import say
from .arrays import array_cell
from .collapse import statement_reads, statement_text
from .dot import Style, View
from .explain import start_text, sum_decimals, versioned, versions_key
from .frames import Frame, caption_names, lesson_frames
from .notation import partial
from .numbers import fixed_point, summand
from ..steps import MARK, display_names

__all__ = ["statement_frames", "lesson_of"]


def lesson_of(graph: Graph, decimals: int, style: Style) -> list[Frame]:
    """The lesson's frames: one per gate, or with ``--collapse statements`` per statement."""
    if style.collapse == "statements":
        frames = statement_frames(graph, decimals, plain=not style.pretty_names)
        names = display_names(graph, plain=not style.pretty_names)
    else:
        frames = lesson_frames(graph, decimals, style.pretty_names)
        names = caption_names(graph, style.pretty_names)
    key = versions_key(graph, names)  # (what c′ is: the first step says it)
    if key and frames:
        view = frames[0].view
        frames[0] = replace(frames[0], view=replace(view, caption=view.caption + (key,)))
    return frames


def statement_frames(graph: Graph, decimals: int = 2, plain: bool = False) -> list[Frame]:
    """Every frame of the lesson by statements of an evaluated ``graph``: names as the
    collapsed diagram writes them (w0, as typed), a version of a name assigned again as
    the gate lessons and --explain write it (c′; ``plain``: c')."""
    names = display_names(graph, plain=plain)
    owner = statements_of(graph)
    statements = [n.id for n in graph.nodes if n.is_gate and owner[n.id] == n.id]
    reads = statement_reads(graph, owner)
    live = reaches_output(graph)
    frames: list[Frame] = []
    # a name assigned again: its wire says the version the captions call it (c')
    labels = tuple((i, names[i]) for i in statements if MARK.search(names[i]))

    def add(phase: str, node: int, view: View) -> None:
        frames.append(Frame(len(frames) + 1, phase, node, replace(view, labels=labels)))

    known = {n.id for n in graph.nodes if not n.is_gate}
    for statement in statements:
        known.add(statement)
        add("forward", statement, View(frozenset(known), frozenset(), frozenset(), statement,
                                       (_forward_line(graph, statement, names, decimals),)))
    values, out = frozenset(n.id for n in graph.nodes), graph.output
    add("backward", out, View(values, frozenset({out}), frozenset(), out,
                              (start_text(graph, names),), backward=True))
    readers: dict[int, list[int]] = defaultdict(list)  # name -> the live statements reading it
    for statement in statements:
        for src in reads[statement]:
            if live[statement]:
                readers[src].append(statement)
    grads, branches = {out}, set[tuple[int, int]]()
    for statement in reversed(statements):
        branches.update((statement, src) for src in reads[statement])
        caption = _back_lines(graph, statement, reads, readers, names, decimals) \
            if live[statement] else [say("explain.dead", name=names[statement],
                                         out=names[out])]
        grads.update(src for src in reads[statement]
                     if all((reader, src) in branches for reader in readers[src]))
        add("backward", statement, View(values, frozenset(grads), frozenset(branches),
                                        statement, tuple(caption), backward=True))
    return frames


def _back_lines(graph: Graph, statement: int, reads: dict[int, dict[int, float]],
                readers: dict[int, list[int]], names: Sequence[str], decimals: int
                ) -> list[str]:
    """A live statement's backward step: the gradient it sends back, each share it sends
    (constants need none), and the sum of a name's shares once all have arrived."""
    node, out = graph.nodes[statement], names[graph.output]
    lines = [say("lesson.statement_back", grad=partial(out, names[statement]),
                 value=_number(node.grad, decimals),
                 statement=_statement(graph, statement, names))]
    for src, share in reads[statement].items():
        if graph.nodes[src].op == "const":
            continue
        several = len(readers[src]) > 1
        lines.append(f"{partial(out, names[src])} {'+=' if several else '='} "
                     f"{_number(share, decimals)}")
        if several and readers[src][0] == statement:  # (the last of them to send back)
            lines.append(_sum_line(graph, src, readers[src], reads, names, decimals))
    if len(lines) == 1:
        lines.append(say("explain.constants", name=names[statement]))
    return lines


def _number(value: Any, decimals: int) -> str:
    """A number as the chain-rule lines write it (``-0.0042`` for a tiny one: the picture's
    0.00 said how much), or an array as the picture writes it (0.00 for a tiny element)."""
    if isinstance(value, float):
        return fixed_point(value, decimals)
    return array_cell(value, decimals, tiny_as_zero=True)


def _forward_line(graph: Graph, statement: int, names: Sequence[str], decimals: int) -> str:
    """``h0 = tanh(a0*x0 + c0*x1 + b0) = -0.42``."""
    return f"{_statement(graph, statement, names)} = " \
        f"{_number(graph.nodes[statement].value, decimals)}"


def _statement(graph: Graph, statement: int, names: Sequence[str]) -> str:
    """A statement as typed; one that assigns a name again or reads such a name, in the
    lesson's names, each saying its version (``c += c + 1`` as ``c' = c + (c + 1)``)."""
    text = versioned(graph, statement, names, whole=True)
    if text is None:
        return statement_text(graph, graph.nodes[statement], names[statement])
    return f"{names[statement]} = {text}"


def _sum_line(graph: Graph, src: int, readers: Sequence[int],
              reads: dict[int, dict[int, float]], names: Sequence[str], decimals: int) -> str:
    """A name read by several statements: its gradient, the sum of their shares, with the
    decimals (or ≈) that make the numbers shown add up."""
    shares = [reads[reader][src] for reader in readers]
    total = graph.nodes[src].grad
    if not all(isinstance(v, float) for v in [*shares, total]):  # arrays: shown, not summed
        terms, sign = " + ".join(_number(v, decimals) for v in shares), "="
    else:
        places, exact = sum_decimals(shares, total, decimals)
        terms = " + ".join(f"({summand(v, places, decimals)})" if k and v < 0
                           else summand(v, places, decimals) for k, v in enumerate(shares))
        sign = "=" if exact else "≈"
    return (f"{partial(names[graph.output], names[src])} = {terms} {sign} "
            f"{_number(total, decimals)}  " + say("lesson.statement_sum", count=len(shares)))
