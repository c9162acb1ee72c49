"""Which nodes reach the output, and the one order of the reverse pass.

Every reader of the reverse pass (the ``--explain`` and JSON steps, the lesson frames, the
gradient check) takes these rules from here. The pass visits the gates in reverse
evaluation order; a gate hands its gradient to each input slot in order; a node's gradient
is complete once its last use that carries one has been visited. A gate the output does
not depend on (a statement never used, or after ``--output``) is visited too, but sends
nothing back: it carries a gradient of 0.
"""

from __future__ import annotations

from typing import Iterable, Iterator, NamedTuple

from .graph import Graph

__all__ = ["START", "VISIT", "SEND", "COMPLETE", "Event", "reaches_output", "depends_on",
           "readers", "reverse_pass"]

START = "start"        # the output's gradient is 1: the pass begins there
VISIT = "visit"        # a gate is visited (its gradient is complete)
SEND = "send"          # the gate sends its gradient down one input slot (a branch)
COMPLETE = "complete"  # a node's gradient is complete: every use that carries one is in


class Event(NamedTuple):
    """One event of the reverse pass, about ``node`` while ``gate`` is visited (-1 at the
    start). A send goes from ``gate``, input ``slot``, to ``node``. ``live``: the gradient
    involved comes from the output (a gate or node the output does not depend on has 0)."""

    kind: str
    gate: int
    node: int
    slot: int
    live: bool


def depends_on(graph: Graph, node_ids: Iterable[int]) -> list[bool]:
    """Per node: does some node in ``node_ids`` depend on it (itself included)?"""
    s = graph.store
    behind = [False] * len(s.op)
    top = -1
    for i in node_ids:
        behind[i] = True
        top = max(top, i)
    a, b = s.a, s.b
    for i in range(top, -1, -1):  # (inputs have smaller ids: one pass down marks them all)
        if behind[i]:
            x = a[i]
            if x >= 0:
                behind[x] = True
                y = b[i]
                if y >= 0:
                    behind[y] = True
    return behind


def reaches_output(graph: Graph) -> list[bool]:
    """Per node: does the output depend on it? (A statement after the ``--output`` one,
    or one never used, does not: its gradient is 0 and it sends nothing back.)"""
    return depends_on(graph, (graph.output,))


def readers(graph: Graph, reach: list[bool] | None = None) -> list[list[tuple[int, int]]]:
    """Per node, the uses ``(gate, slot)`` its gradient sums over, in the order the reverse
    pass visits them: those by gates that reach the output; for a node that does not reach
    it, all its uses (each carries 0)."""
    if reach is None:
        reach = reaches_output(graph)
    s = graph.store
    uses: list[list[tuple[int, int]]] = [[] for _ in s.op]
    for gate in range(len(s.op) - 1, -1, -1):
        for slot, src in enumerate((s.a[gate], s.b[gate])):
            if src >= 0 and (reach[gate] or not reach[src]):
                uses[src].append((gate, slot))
    return uses


def reverse_pass(graph: Graph, uses: list[list[tuple[int, int]]] | None = None
                 ) -> Iterator[Event]:
    """The reverse pass as events: START at the output, then per gate in reverse
    evaluation order its VISIT, then a SEND per input slot, each followed by COMPLETE of
    that input if it was the input's last use. A gate nothing reads (it cannot reach the
    output) completes, with gradient 0, right after its VISIT; a leaf nothing reads never
    completes. ``uses``: :func:`readers` of the graph, when the caller has them already."""
    s = graph.store
    reach = reaches_output(graph)
    pending = [len(u) for u in (readers(graph, reach) if uses is None else uses)]
    unread = [n == 0 for n in pending]
    out = graph.output
    yield Event(START, -1, out, -1, True)
    for gate in range(len(s.op) - 1, -1, -1):
        a = s.a[gate]
        if a < 0:
            continue  # a leaf: nothing to visit
        live = reach[gate]
        yield Event(VISIT, gate, gate, -1, live)
        if unread[gate] and gate != out:
            yield Event(COMPLETE, gate, gate, -1, live)
        for slot, src in enumerate((a, s.b[gate])):
            if src < 0:
                break
            yield Event(SEND, gate, src, slot, live)
            if live or not reach[src]:  # (a dead gate's use of a live node carries nothing)
                pending[src] -= 1
                if pending[src] == 0:
                    yield Event(COMPLETE, gate, src, -1, reach[src])
