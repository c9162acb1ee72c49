"""A long diagram wrapped into rows for a slide (top to bottom, into columns, left to
right): the DOT text cut into ``rows`` bands, each wire that would run from one row to
the next replaced by a pair of connectors (the same number in a circle at the end of one
row and the start of the next, as flowcharts continue a line off the page), so each row
is laid out on its own, one under the other.

A gate goes to the row of its place in the one-row layout (bands of equal length from
left to right), or without that layout to the row of its rank (as early as it can be
drawn); in a program of more statements than rows, to the row where most of its
statement's gates are, never above a statement it reads, so a statement (an RNN's time
step) is not cut in two; the other nodes follow the gate they belong
to: a wire's label its gate's row, a branch box its reader's, and an input (or a copy of
one) the first gate it feeds. A row's gates are tied by invisible wires that set no rank,
so each row is one piece that Graphviz stacks in order.
"""

from __future__ import annotations

import re

from ..graph import Graph, statements_of

__all__ = ["wrapped"]

NODE = re.compile(r"^  (\w+) \[")
EDGE = re.compile(r"^  (\w+)((?::\w+)*) -> (\w+)((?::\w+)*)(?: \[(.*)\])?;$")


def wrapped(dot: str, graph: Graph, rows: int, size: int,
            across: dict[str, float] | None = None) -> str:
    """``dot`` (from render.dot or render.collapse for ``graph``) in ``rows`` rows; the
    connectors' numbers are ``size`` points. ``across``: where each gate sits along the
    picture in one row (its x, from that layout): the rows are cut there, in bands of
    equal length, so what the one-row picture draws together stays together."""
    lines = dot.rstrip("\n").split("\n")
    edges = [m.groups() for line in lines if (m := EDGE.match(line))]
    row = _rows(graph, edges, rows, across)
    body: list[tuple[int, str]] = []
    connectors: list[tuple[int, str]] = []
    joints: dict[tuple[str, int], int] = {}  # (wire, row it goes on in) -> its number
    for line in lines[:-1]:  # (the last line closes the graph)
        m = EDGE.match(line)
        if m and row.get(m.group(1), 0) != row.get(m.group(3), 0):
            tail, tail_port, head, head_port, attrs = m.groups()
            count = joints.get((tail + tail_port, row[head]), 0)
            if not count:  # (one joint a wire and row, however many gates it feeds there)
                count = joints[tail + tail_port, row[head]] = len(joints) + 1
                for end in ("a", "b"):  # (a drawn circle: the embedded engine lacks ①)
                    connectors.append((row[tail] if end == "a" else row[head],
                                       f'  k{count}{end} [shape=circle, fixedsize=true, '
                                       f'width={size * (1.1 + 0.5 * len(str(count))) / 72:.2f}, '
                                       f'fontsize={size}, label="{count}"];'))
                body.append((row[tail], f"  {tail}{tail_port} -> k{count}a [arrowhead=none];"))
            body.append((row[head], f"  k{count}b -> {head}{head_port}"
                                    f"{f' [{attrs}]' if attrs else ''};"))
            continue
        key = m.group(1) if m else (NODE.match(line) or [None, None])[1]
        body.append((row.get(key, -1) if key else -1, line))
    # Graphviz stacks the rows (separate components) from the bottom up: the last first;
    # a row's pieces are tied by invisible wires that set no rank, so it is one component.
    ties = [(r, f"  {a} -> {b} [style=invis, constraint=false];")
            for r, (a, b) in _ties(row, rows, edges)]
    # (top to bottom, the rows are columns, which Graphviz lays out left to right: first first)
    sign = 1 if "rankdir=TB" in lines[1] else -1
    ordered = sorted(body + connectors + ties,
                     key=lambda item: sign * item[0] if item[0] >= 0 else -rows)
    return "\n".join(line for _, line in ordered) + "\n}\n"


def _ties(row: dict[str, int], rows: int, edges: list[tuple[str, ...]]
          ) -> list[tuple[int, tuple[str, str]]]:
    """Per row, pairs of gates that join its pieces (the parts of it no wire in the row
    joins) into one: the first gate of each piece to the first of the next, in the order of
    their ids. A row in one piece needs none (an invisible wire still pulls the layout)."""
    piece = {name: name for name in row}

    def find(name: str) -> str:
        while piece[name] != name:
            piece[name] = piece[piece[name]]
            name = piece[name]
        return name

    for tail, _, head, _, _ in edges:
        if tail in row and head in row and row[tail] == row[head]:
            piece[find(tail)] = find(head)
    firsts: list[dict[str, str]] = [{} for _ in range(rows)]
    for name in sorted((n for n in row if re.fullmatch(r"n\d+", n)), key=lambda n: int(n[1:])):
        firsts[row[name]].setdefault(find(name), name)
    return [(r, pair) for r, heads in enumerate(firsts)
            for pair in zip(list(heads.values()), list(heads.values())[1:])]


def _rows(graph: Graph, edges: list[tuple[str, ...]], rows: int,
          across: dict[str, float] | None = None) -> dict[str, int]:
    """The row of every node of the DOT text."""
    gates = {f"n{node.id}" for node in graph.nodes if node.is_gate}
    succ: dict[str, list[str]] = {}
    for tail, _, head, _, _ in edges:
        succ.setdefault(tail, []).append(head)
        succ.setdefault(head, [])
    rank = {name: 0 for name in succ}
    for _ in range(len(rank)):  # longest path from the inputs (the edges form no cycle)
        changed = False
        for tail, _, head, _, _ in edges:
            if rank[head] < rank[tail] + 1:
                rank[head], changed = rank[tail] + 1, True
        if not changed:
            break
    top = max(rank.values(), default=0)
    row = {name: min(rank[name] * rows // (top + 1), rows - 1) for name in gates if name in rank}
    if across and all(name in across for name in row):  # (cut where the picture has them)
        low, high = min(across[n] for n in row), max(across[n] for n in row)
        span = max(high - low, 1e-9)
        row = {name: min(int((across[name] - low) / span * rows), rows - 1) for name in row}
    row = _by_statement(graph, row, rows)
    for name in sorted(succ, key=lambda n: -rank[n]):  # the others follow their gate
        if name in row or name == "out":
            continue
        owner = _owner(name)
        if owner in row:
            row[name] = row[owner]
        else:  # an input, a copy of one, their wires: the first gate (row) they feed
            row[name] = min((row[s] for s in succ[name] if s in row), default=0)
    # the output's arrow: in the row of the wire it continues
    row["out"] = next((row[tail] for tail, _, head, _, _ in edges
                       if head == "out" and tail in row), rows - 1)
    return row


def _by_statement(graph: Graph, row: dict[str, int], rows: int) -> dict[str, int]:
    """A program's statements kept whole: each gate in the row where most of its statement's
    gates are (an RNN's time step is one statement), or the row of a statement it reads if
    that is lower (never above what it reads). An expression is one statement: as cut."""
    owner = statements_of(graph)
    votes: dict[int, list[int]] = {}
    for name, r in row.items():
        votes.setdefault(owner[int(name[1:])], []).append(r)
    if len(votes) < rows:
        return row
    reads: dict[int, set[int]] = {}  # statement -> the statements whose values it reads
    for node in graph.nodes:
        reads.setdefault(owner[node.id], set()).update(owner[i] for i in node.inputs)
    major: dict[int, int] = {}
    for statement in sorted(votes):  # (in program order: what it reads has its row)
        v = votes[statement]
        major[statement] = max([max(set(v), key=lambda r: (v.count(r), -r)),
                                *(major.get(s, 0) for s in reads[statement])])
    return {name: major[owner[int(name[1:])]] for name in row}


def _owner(name: str) -> str:
    """The gate a node of the DOT text belongs to: w7 (its wire) -> n7; b7_1, c7_3
    (branch boxes of gate 7) -> n7; a copy (n3c7_1, w3c7_1) -> n7."""
    if "c" in name[1:]:
        return "n" + name.split("c")[1].split("_")[0]
    if name[0] in "bc":
        return "n" + name[1:].split("_")[0]
    return "n" + name[1:]
