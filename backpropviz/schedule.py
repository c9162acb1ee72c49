"""The one order of the reverse pass, and which uses each node's gradient sums over.

Every reader of the reverse pass (the ``--explain`` and JSON steps, the lesson frames, the
gradient check) takes these rules from here; which nodes reach the output is the model's
(:func:`backpropviz.graph.reaches_output`, re-exported here). The pass visits the gates in reverse
evaluation order; a gate hands its gradient to each input slot in order; a node's gradient
is complete once its last use that carries one has been visited. A gate the output does
not depend on (a statement never used, or after ``--output``) is visited too, but sends
nothing back: it carries a gradient of 0.
"""

from __future__ import annotations

from typing import Iterator, NamedTuple

from .graph import Graph, depends_on, reaches_output

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
