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
from typing import Sequence

from ..graph import Graph
from ..lang import say
from .collapse import statement_reads, statements_of
from .dot import Style, View
from .explain import start_text, sum_decimals
from .frames import Frame, lesson_frames
from .notation import partial
from .numbers import fixed
from ..steps import display_names

__all__ = ["statement_frames", "lesson_of"]


def lesson_of(graph: Graph, decimals: int, style: Style) -> list[Frame]:
    """The lesson's frames: one per gate, or with ``--collapse statements`` per statement."""
    if style.collapse == "statements":
        return statement_frames(graph, decimals)
    return lesson_frames(graph, decimals, style.pretty_names)


def statement_frames(graph: Graph, decimals: int = 2) -> list[Frame]:
    """Every frame of the lesson by statements of an evaluated ``graph``."""
    names = display_names(graph, plain=True)  # (as the collapsed diagram writes them)
    owner = statements_of(graph)
    statements = [n.id for n in graph.nodes if n.is_gate and owner[n.id] == n.id]
    reads = statement_reads(graph, owner)
    frames: list[Frame] = []

    def add(phase: str, node: int, view: View) -> None:
        frames.append(Frame(len(frames) + 1, phase, node, view))

    known = {n.id for n in graph.nodes if not n.is_gate}
    for statement in statements:
        known.add(statement)
        add("forward", statement, View(frozenset(known), frozenset(), frozenset(), statement,
                                       (_forward_line(graph, statement, names, decimals),)))
    values, out = frozenset(n.id for n in graph.nodes), graph.output
    add("backward", out, View(values, frozenset({out}), frozenset(), out,
                              (start_text(graph, names),), backward=True))
    readers: dict[int, list[int]] = defaultdict(list)  # name -> the statements reading it
    for statement in statements:
        for src in reads[statement]:
            readers[src].append(statement)
    grads, branches = {out}, set()
    for statement in reversed(statements):
        caption = [_back_line(graph, statement, names, decimals)]
        for src, share in reads[statement].items():
            branches.add((statement, src))
            caption.append(f"{partial(names[out], names[src])} "
                           f"{'=' if len(readers[src]) == 1 else '+='} "
                           f"{fixed(share, decimals, True)}")
            if all((reader, src) in branches for reader in readers[src]):
                grads.add(src)
                if len(readers[src]) > 1:
                    caption.append(_sum_line(graph, src, readers[src], reads, names, decimals))
        add("backward", statement, View(values, frozenset(grads), frozenset(branches),
                                        statement, tuple(caption), backward=True))
    return frames


def _forward_line(graph: Graph, statement: int, names: Sequence[str], decimals: int) -> str:
    """``h0 = tanh(a0*x0 + c0*x1 + b0) = -0.42``."""
    node = graph.nodes[statement]
    return f"{names[statement]} = {graph.text(node)} = {fixed(node.value, decimals, True)}"


def _back_line(graph: Graph, statement: int, names: Sequence[str], decimals: int) -> str:
    """The gradient a statement sends back, and the statement it goes back through."""
    node, out = graph.nodes[statement], names[graph.output]
    return say("lesson.statement_back", grad=partial(out, names[statement]),
               value=fixed(node.grad, decimals, True),
               statement=f"{names[statement]} = {graph.text(node)}")


def _sum_line(graph: Graph, src: int, readers: Sequence[int],
              reads: dict[int, dict[int, float]], names: Sequence[str], decimals: int) -> str:
    """A name read by several statements: its gradient, the sum of their shares, with the
    decimals (or ≈) that make the numbers shown add up."""
    shares = [reads[reader][src] for reader in readers]
    total = graph.nodes[src].grad
    places, exact = sum_decimals(shares, total, decimals)
    terms = " + ".join(f"({fixed(v, places)})" if k and v < 0 else fixed(v, places)
                       for k, v in enumerate(shares))
    return (f"{partial(names[graph.output], names[src])} = {terms} "
            f"{'=' if exact else '≈'} {fixed(total, decimals)}  "
            + say("lesson.statement_sum", count=len(shares)))
