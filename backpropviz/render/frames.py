"""A lesson as frames: the forward pass gate by gate, then the reverse pass from the output
back to the inputs, as a teacher builds backprop slides one step at a time.

Forward frame k shows the inputs' values and those of gates 1..k. The reverse pass starts
with a frame for the output (gradient 1), then one frame per gate in reverse evaluation
order: the gate hands its gradient to its inputs. A frame shows exactly the gradients known
at that step: a branch's share once its gate has been visited, and a node's own gradient
once every gate that reads it has been (at a fork, the sum of the branches).
Each frame carries its chain-rule product as caption lines. No math is recomputed here:
every number comes from the evaluated graph.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import groupby
from typing import Iterator, Sequence

from ..graph import Graph
from ..lang import say
from .dot import View
from .array_explain import array_forward_text, array_sum_text, array_use_text
from .explain import forward_text, local_text, start_text, sum_decimals, use_text, written
from .notation import partial
from .names import name_text
from .numbers import fixed_point, summand
from ..schedule import COMPLETE, readers, reverse_pass
from ..steps import MARK, Contribution, contribution, display_names

__all__ = ["Frame", "lesson_frames", "frame_names"]


@dataclass(frozen=True)
class Frame:
    """One step of the lesson: ``phase`` is ``forward`` or ``backward``; ``node`` the gate
    the step is about (the output for the first backward frame); ``view`` what it shows."""

    index: int
    phase: str
    node: int
    view: View

    @property
    def caption(self) -> tuple[str, ...]:
        return self.view.caption


def caption_names(graph: Graph, pretty_names: bool = True) -> list[str]:
    """The names a gate lesson's captions use: the formulas' (q₁, c′), a variable's pretty
    (w₀) unless ``pretty_names`` is off."""
    typed = display_names(graph, plain=not pretty_names)
    if not pretty_names:
        return typed
    return [name_text(n) if node.name else n for n, node in zip(typed, graph.nodes)]


def lesson_frames(graph: Graph, decimals: int = 2, pretty_names: bool = True) -> list[Frame]:
    """Every frame of the lesson for an evaluated ``graph``: one per gate forward, then one
    for the output and one per gate backward."""
    nodes = graph.nodes
    typed = display_names(graph, plain=not pretty_names)
    names = caption_names(graph, pretty_names)
    gates = [node.id for node in nodes if node.is_gate]
    leaves = frozenset(node.id for node in nodes if not node.is_gate)
    # every unnamed gate's wire says the name the captions call it (q₁, f), a name assigned
    # again its version (c′): in every frame, so a name never appears or vanishes between steps
    labels = tuple((i, names[i]) for i in gates if not nodes[i].name) + tuple(
        (i, typed[i]) for i in gates if nodes[i].name and MARK.search(typed[i]))
    frames: list[Frame] = []

    def add(phase: str, node: int, view: View) -> None:
        frames.append(Frame(len(frames) + 1, phase, node, replace(view, labels=labels)))

    arrays = graph.store.shape is not None  # (vectors and matrices: the VJP captions)
    known = set(leaves)
    for gate in gates:
        known.add(gate)
        line = array_forward_text(graph, gate, names, decimals) if arrays else \
            forward_text(graph, gate, names, decimals)
        add("forward", gate, View(frozenset(known), frozenset(), frozenset(), gate, (line,)))
    values = frozenset(node.id for node in nodes)
    add("backward", graph.output, View(values, frozenset({graph.output}), frozenset(),
                                       graph.output, (start_text(graph, names),),
                                       backward=True))
    reverse = _array_captions if arrays else _reverse_captions
    for gate, grads, branches, caption in reverse(graph, names, decimals):
        add("backward", gate, View(values, grads, branches, gate, caption, backward=True))
    return frames


def _array_captions(graph: Graph, names: Sequence[str], decimals: int
                    ) -> Iterator[tuple[int, frozenset[int], frozenset[tuple[int, int]],
                                        tuple[str, ...]]]:
    """:func:`_reverse_captions` for a program on arrays: each use's vector-Jacobian
    product with its shapes and (small arrays) numbers, and at a fork the sum."""
    nodes = graph.nodes
    uses = [len(u) for u in readers(graph)]
    grads = {graph.output}
    branches: set[tuple[int, int]] = set()
    out = names[graph.output]
    events = reverse_pass(graph)
    next(events)  # START: the output's gradient, 1
    for gate, visit in groupby(events, key=lambda event: event.gate):
        caption: list[str] = []
        node_live = next(visit).live
        for kind, _, src, slot, live in visit:
            if kind == COMPLETE:
                grads.add(src)
                if live and nodes[src].op != "const" and uses[src] > 1:
                    caption.append(array_sum_text(graph, src, names, decimals))
            else:
                branches.add((gate, slot))
                if live and nodes[src].op != "const":
                    caption.append(array_use_text(graph, gate, slot, names, decimals))
        if not node_live:
            caption.append(say("explain.dead", name=names[gate], out=out))
        caption.extend(_where(graph, (gate, *nodes[gate].inputs), names))
        yield gate, frozenset(grads), frozenset(branches), tuple(caption)


def _reverse_captions(graph: Graph, names: Sequence[str], decimals: int
                      ) -> Iterator[tuple[int, frozenset[int], frozenset[tuple[int, int]],
                                          tuple[str, ...]]]:
    """Per gate the reverse pass visits: the gate, the gradients and branches known once it
    has been, and the caption: the gate's local gradients first, then the chain rule. The output's gradient is 1 whatever reads it later; a gate
    the output does not depend on sends nothing back, so its inputs' gradients sum over
    the uses that lead to the output (:func:`~backpropviz.schedule.readers`)."""
    from ..symbolic import local_formula  # sympy writes the local derivatives

    nodes = graph.nodes
    uses = [len(u) for u in readers(graph)]
    grads = {graph.output}
    branches: set[tuple[int, int]] = set()
    arrived: list[list[Contribution]] = [[] for _ in nodes]
    out = names[graph.output]
    events = reverse_pass(graph)
    next(events)  # START: the output's gradient, 1
    for gate, visit in groupby(events, key=lambda event: event.gate):
        node = nodes[gate]
        caption: list[str] = []
        local: list[str] = []
        node_live = next(visit).live  # (the group's first event is the VISIT)
        for kind, _, src, slot, live in visit:
            wrt = partial(out, names[src])
            if kind == COMPLETE:
                grads.add(src)
                if live and nodes[src].op != "const" and uses[src] > 1:
                    caption.append(_sum_line(wrt, arrived[src], nodes[src].grad, decimals))
            else:
                branches.add((gate, slot))
                if not live:
                    continue  # a gate the output does not depend on sends nothing back
                part = contribution(graph, gate, slot, local_formula(node, slot, names))
                arrived[src].append(part)
                if nodes[src].op == "const":
                    continue  # its gradient is drawn, but a constant needs no chain-rule line
                local.append(local_text(graph, part, names, names[src], decimals))
                line = f"{wrt} {'=' if uses[src] == 1 else '+='} " \
                    f"{use_text(graph, part, names, names[src], decimals)}"
                # the first product follows the local gradients ("so ..." in Chinese)
                caption.append(say("explain.so", line=line) if len(local) == 1 else line)
        if not node_live:
            caption.append(say("explain.dead", name=names[gate], out=out))
        elif not caption:
            caption.append(say("explain.constants", name=names[gate]))
        caption.extend(_where(graph, (gate, *node.inputs), names))
        caption[:0] = [say("explain.local", line=line) for line in local]
        yield gate, frozenset(grads), frozenset(branches), tuple(caption)


def _sum_line(wrt: str, parts: Sequence[Contribution], total: float, decimals: int) -> str:
    """A fork's gradient as the sum of its branches, with the decimals (or ≈) that make
    the numbers shown add up."""
    places, exact = sum_decimals([p.grad for p in parts], total, decimals)
    terms = " + ".join(_term(p.grad, places, decimals, k) for k, p in enumerate(parts))
    return say("explain.sum", line=f"{wrt} = {terms} {'=' if exact else '≈'} "
               f"{fixed_point(total, decimals)}", count=len(parts))


def _term(value: float, places: int, decimals: int, position: int) -> str:
    """A summand (see :func:`~backpropviz.render.numbers.summand`): negative ones after the
    first in parentheses (``-3.00 + (-6.00)``)."""
    text = summand(value, places, decimals)
    return f"({text})" if position and text.startswith("-") else text


def _where(graph: Graph, ids: Sequence[int], names: Sequence[str]) -> list[str]:
    """A line saying what the unnamed gates among ``ids`` compute (``q₂ = w0*x0 + w2``),
    and the versions of a name assigned again (``c′ = c + (c + 1)``): the label on their
    wire says only the name."""
    said = [i for i in dict.fromkeys(ids) if graph.nodes[i].is_gate and (
        MARK.search(names[i]) or not graph.nodes[i].name and i != graph.output)]
    if not said:
        return []
    return [say("explain.where", items=say("explain.list").join(
        f"{names[i]} = {written(graph, i, names)}" for i in said))]


def frame_names(frames: Sequence[Frame], ext: str) -> list[str]:
    """File names that sort in lesson order: ``step-01-forward.svg`` ..."""
    width = max(2, len(str(len(frames))))
    return [f"step-{f.index:0{width}d}-{f.phase}.{ext}" for f in frames]
