"""The forward and reverse passes as numbered steps, in the order backprop performs them.

Steps are data read off an evaluated graph (no math is recomputed): the forward pass gate
by gate, and the reverse pass as CS231n and the seed tutorial narrate it: start from the
output with gradient 1, then each gate hands its gradient to its inputs. A node's step comes
when its gradient is complete, i.e. once every gate that reads it has been visited; at a
fork the step adds up what flowed back along each use.
"""

from __future__ import annotations

import math
import re

from dataclasses import dataclass
from typing import Callable, NamedTuple, Sequence

from .graph import Graph
from .schedule import COMPLETE, readers, reverse_pass

__all__ = ["Contribution", "Step", "display_names", "versions", "version_mark", "MARK",
           "forward_steps", "backward_steps", "contribution"]


class Contribution(NamedTuple):
    """What flows back to a node along one use: ``upstream * local = grad``.

    ``via`` is the gate that reads the node (in input ``slot``); ``upstream`` is d output /
    d via; ``local`` is d via / d node, written as ``formula``. (A named tuple, not a frozen
    dataclass: a 300,000-term sum makes 600,000 of them, and tuples are 4x quicker to make.)
    """

    via: int
    slot: int
    upstream: float
    local: float
    formula: str
    grad: float


@dataclass(frozen=True)
class Step:
    """One step: in the forward pass a node's value, in the reverse pass its gradient
    (``result``) with the contributions that make it up."""

    index: int
    phase: str  # "forward" or "backward"
    node: int
    result: float
    contributions: tuple[Contribution, ...] = ()


#: Letters for unnamed intermediates (q₁, q₂ ...), in order of preference.
_SHORT = "quvhgprst"
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


#: Marks of a name's versions after the first (``c``, ``c′``, ``c″``, ``c‴``, then ``c⁽⁴⁾``).
_PRIMES = ("", "′", "″", "‴")
_PLAIN_PRIMES = ("", "'", "''", "'''")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
#: A version's mark at the end of a display name (names in the grammar have none).
MARK = re.compile(r"(?:[′″‴]|⁽[⁰¹²³⁴⁵⁶⁷⁸⁹]+⁾|'+|\(\d+\))$")


def versions(graph: Graph) -> list[int]:
    """Per node, how often its name was assigned before it (``c += 1`` makes version 1 of
    ``c``); 0 for a name's first node and for unnamed ones."""
    seen: dict[str, int] = {}
    found = []
    for name in graph.store.name:
        version = 0
        if name:
            version = seen[name] = seen.get(name, -1) + 1
        found.append(version)
    return found


def version_mark(version: int, plain: bool = False) -> str:
    """What tells version ``version`` of a name apart: ``′ ″ ‴``, then ``⁽⁴⁾`` (``plain``:
    ``' '' '''``, then ``(4)``); nothing for the first."""
    if version < len(_PRIMES):
        return (_PLAIN_PRIMES if plain else _PRIMES)[version]
    return f"({version})" if plain else f"⁽{str(version).translate(_SUPERSCRIPT)}⁾"


def display_names(graph: Graph, plain: bool = False) -> list[str]:
    """A short name per node for formulas: its own name (a name assigned again: ``c′``,
    ``c″`` ... for its later versions, :func:`version_mark`), ``f`` (or ``out``) for an
    unnamed output, and for the other unnamed gates ``q₁, q₂ ...`` in evaluation order
    (``q1`` when ``plain``), with a letter no variable's name starts as (q, u, v ...)."""
    taken = {n.name for n in graph.nodes if n.name}
    out = next((c for c in ("f", "out", "output") if c not in taken), f"n{graph.output}")
    letter = _letter(taken)
    names = []
    count = 0
    for node, version in zip(graph.nodes, versions(graph)):
        if node.name:
            names.append(node.name + version_mark(version, plain) if version else node.name)
        elif node.id == graph.output:
            names.append(out)
        elif node.op == "const":
            names.append(node.label)
        elif letter is None:
            name = f"n{node.id}"
            while name in taken:
                name += "_"
            names.append(name)
        else:
            count += 1
            names.append(letter + (str(count) if plain else str(count).translate(_SUBSCRIPT)))
    return names


def _letter(taken: set[str]) -> str | None:
    """The first letter of :data:`_SHORT` that no name in ``taken`` is written with
    (``q``, ``q1``, ``q_2``, ``q₃``: a label q₁ would read as that variable)."""
    bases = {name.rstrip("0123456789₀₁₂₃₄₅₆₇₈₉_") for name in taken}
    return next((ch for ch in _SHORT if ch not in bases), None)


def forward_steps(graph: Graph) -> list[Step]:
    """One step per variable and gate, in evaluation order (constants need no step)."""
    s = graph.store  # (its columns: no Node view per step, for big --explain runs)
    values = s.value if s.value is not None else [math.nan] * len(s.op)
    gates = (i for i, op in enumerate(s.op) if op != "const")
    return [Step(k, "forward", i, values[i]) for k, i in enumerate(gates, 1)]


def backward_steps(graph: Graph, formula: Callable[[int, int, Sequence[str]], str],
                   names: Sequence[str]) -> list[Step]:
    """The reverse pass as steps: the output's, then one per variable and gate whose
    gradient comes from the output, when it is complete (:func:`reverse_pass`).
    ``formula(node, slot, names)`` gives the local derivative d node / d input ``slot``."""
    s = graph.store  # (its columns: no Node view per step, for big --explain runs)
    ops, grads = s.op, s.grad if s.grad is not None else [0.0] * len(s.op)
    uses = readers(graph)
    steps = [Step(1, "backward", graph.output, grads[graph.output])]
    for event in reverse_pass(graph, uses):
        src = event.node
        if event.kind == COMPLETE and event.live and ops[src] != "const":
            steps.append(Step(len(steps) + 1, "backward", src, grads[src],
                              _contributions(graph, src, uses[src], formula, names)))
    return steps


def contribution(graph: Graph, gate_id: int, slot: int, formula: str) -> Contribution:
    """What gate ``gate_id`` sends back along input ``slot``: its gradient times its local
    derivative there (written as ``formula``), the chain rule's one product."""
    s = graph.store  # (read from the columns: no Node view per use, for big --explain runs)
    upstream = s.grad[gate_id] if s.grad is not None else 0.0
    column = s.da if slot == 0 else s.db
    local = column[gate_id] if column is not None else None
    if local is None:  # (before the reverse pass)
        local = math.nan
    return Contribution(gate_id, slot, upstream, local, formula, upstream * local)


def _contributions(graph: Graph, node_id: int, uses: list[tuple[int, int]],
                   formula: Callable[[int, int, Sequence[str]], str],
                   names: Sequence[str]) -> tuple[Contribution, ...]:
    return tuple(contribution(graph, gate_id, slot, formula(gate_id, slot, names))
                 for gate_id, slot in uses)  # (in the order visited)
