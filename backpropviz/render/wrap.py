"""A long diagram wrapped into rows for a slide (top to bottom, into columns, left to
right): the DOT text cut into ``rows`` bands, each wire that would run from one row to
the next replaced by a pair of connectors (the same number in a tag at the end of one
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

SPINE_WEIGHT = 10  # how much straighter than other wires Graphviz keeps a gate's main input
INPUT_WEIGHT = 2  # ... and an input's wire (a term hanging off the spine sits between its
# inputs, whose wires then do not cross on their way in)
INPUT_WIRE = re.compile(r"w(\d+)(?:c\d+_\d+)?")  # an input's wire label (or a copy's)
NODE = re.compile(r"^  (\w+) \[")
EDGE = re.compile(r"^  (\w+)((?::\w+)*) -> (\w+)((?::\w+)*)(?: \[(.*)\])?;$")


def wrapped(dot: str, graph: Graph, rows: int, size: int,
            across: dict[str, float] | None = None, boxes: bool = False) -> str:
    """``dot`` (from render.dot or render.collapse for ``graph``) in ``rows`` rows; the
    connectors' numbers are ``size`` points. ``across``: where each gate sits along the
    picture in one row (its x, from that layout): the rows are cut there, in bands of
    equal length, so what the one-row picture draws together stays together. ``boxes``:
    statements' boxes, left to right, whose rows start in one column (see
    :func:`_first_in_line`)."""
    lines = dot.rstrip("\n").split("\n")
    edges = [m.groups() for line in lines if (m := EDGE.match(line))]
    # A long expression (fewer statements than rows) is cut along its spine, kept straight;
    # a chain of statements too: a staircase would cost a column's width top to bottom, and
    # left to right let rows step down into each other's heights.
    owner = statements_of(graph)
    top_down = "rankdir=TB" in lines[1]
    expression = len({owner[n.id] for n in graph.nodes if n.is_gate}) < rows
    spine = _spine(graph) if expression else _spine(graph, sole=True)
    row = _rows(graph, edges, rows, across, spine)
    leaves = {node.id for node in graph.nodes if not node.is_gate}
    body: list[tuple[int, str]] = []
    joints, led = _joints(edges, row), set()
    connectors = [(row[tail.split(":")[0]] if end == "a" else into,
                   f'  k{count}{end} [shape=cds, fixedsize=true, '
                   f'width={size * (1.1 + 0.55 * len(str(count))) / 72:.2f}, '
                   f'height={size * 1.2 / 72:.2f}, fontsize={size}, label="{count}"];')
                  for (tail, into), count in joints.items() for end in ("a", "b")]
    for line in lines[:-1]:  # (the last line closes the graph)
        m = EDGE.match(line)
        if m and row.get(m.group(1), 0) != row.get(m.group(3), 0):
            tail, tail_port, head, head_port, attrs = m.groups()
            count = joints[tail + tail_port, row[head]]
            if count not in led:  # (one joint a wire and row, however many gates it feeds)
                led.add(count)
                body.append((row[tail], f"  {tail}{tail_port} -> k{count}a [arrowhead=none];"))
            body.append((row[head], f"  k{count}b -> {head}{head_port}"
                                    f"{f' [{attrs}]' if attrs else ''};"))
            continue
        weight = _weight(m, spine, leaves) if m and spine else 1
        if weight > 1:  # (see _spine)
            line = (line[:-2] + f", weight={weight}];" if m and m.group(5)
                    else line[:-1] + f" [weight={weight}];")
        key = m.group(1) if m else (NODE.match(line) or [None, None])[1]
        body.append((row.get(key, -1) if key else -1, line))
    # Graphviz stacks the rows (separate components) from the bottom up: the last first;
    # a row's pieces are tied by invisible wires that set no rank, so it is one component.
    ties = [(r, f"  {a} -> {b} [style=invis, constraint=false];")
            for r, (a, b) in _ties(row, rows, edges)]
    # (top to bottom, the rows are columns, which Graphviz lays out left to right: first first)
    sign = 1 if top_down else -1
    ordered = sorted(body + connectors + ties,
                     key=lambda item: sign * item[0] if item[0] >= 0 else -rows)
    lines = [line for _, line in ordered] + (_first_in_line(row, rows) if boxes else [])
    return "\n".join(lines) + "\n}\n"


def _first_in_line(row: dict[str, int], rows: int) -> list[str]:
    """Each row's first statement box in one column. Graphviz gives all rows the same
    columns (ranks), each as wide as its widest node: a row that began with a connector
    put its first box in the next column, right of the first row's wide box, and each row
    stood further right than the last. (A row's connector in goes to a column before.)"""
    firsts = [min((name for name, r in row.items() if r == k and name.startswith("n")),
                  key=lambda name: int(name[1:]), default=None) for k in range(rows)]
    found = [name for name in firsts if name is not None]
    return [f"  {{rank=same; {'; '.join(found)}}}"] if len(found) > 1 else []


def _joints(edges: list[tuple[str, ...]], row: dict[str, int]) -> dict[tuple[str, int], int]:
    """Each wire that goes on in a later row, one a wire and row however many gates it
    feeds there, numbered row by row in the program's order ((wire, row) -> number)."""
    wires = {(tail + port, row[head]) for tail, port, head, _, _ in edges
             if row.get(tail, 0) != row.get(head, 0)}

    def order(joint: tuple[str, int]) -> tuple[int, int, str]:
        found = re.search(r"\d+", joint[0])
        return joint[1], int(found.group()) if found else 0, joint[0]

    return {joint: count for count, joint in enumerate(sorted(wires, key=order), 1)}


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
          across: dict[str, float] | None = None,
          spine: set[tuple[str, str]] | None = None) -> dict[str, int]:
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
    row = _by_statement(graph, row, rows, spine or set())
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


def _by_statement(graph: Graph, row: dict[str, int], rows: int,
                  spine: set[tuple[str, str]]) -> dict[str, int]:
    """A program's statements kept whole: each gate in the row where most of its statement's
    gates are (an RNN's time step is one statement), or the row of a statement it reads if
    that is lower (never above what it reads). Fewer statements than rows (a long
    expression): cut between its gates, along its spine (see :func:`_along_spine`)."""
    owner = statements_of(graph)
    votes: dict[int, list[int]] = {}
    for name, r in row.items():
        votes.setdefault(owner[int(name[1:])], []).append(r)
    if len(votes) < rows:
        return _along_spine(graph, row, spine)
    reads: dict[int, set[int]] = {}  # statement -> the statements whose values it reads
    for node in graph.nodes:
        reads.setdefault(owner[node.id], set()).update(owner[i] for i in node.inputs)
    major: dict[int, int] = {}
    for statement in sorted(votes):  # (in program order: what it reads has its row)
        v = votes[statement]
        major[statement] = max([max(set(v), key=lambda r: (v.count(r), -r)),
                                *(major.get(s, 0) for s in reads[statement])])
    return {name: major[owner[int(name[1:])]] for name in row}


def _spine(graph: Graph, sole: bool = False) -> set[tuple[str, str]]:
    """The wires (as DOT edges: gate to its wire label, label to the reader) from each gate
    of two or more inputs to its main input: the one gate input deeper than the others
    (more gates behind it). A long sum's running total is its spine, the products it adds
    hang off it: kept straight, the sum is a line, not a staircase one term lower a step.
    ``sole``: only where the main input is the gate's one gate input (a chain of steps,
    each reading the last and its own inputs; where two branches join, Graphviz is free)."""
    depth: list[int] = []
    spine = set()
    for node in graph.nodes:  # (in order: what a gate reads comes before it)
        deep = sorted(((depth[i], i) for i in node.inputs if graph.nodes[i].is_gate),
                      reverse=True)
        depth.append(1 + deep[0][0] if deep else 0)
        if len(node.inputs) > 1 and deep and (len(deep) == 1 or not sole
                                              and deep[0][0] > deep[1][0]):
            main = deep[0][1]
            spine |= {(f"n{main}", f"w{main}"), (f"w{main}", f"n{node.id}")}
    return spine


def _weight(edge: re.Match[str], spine: set[tuple[str, str]], leaves: set[int]) -> int:
    """How heavy Graphviz is to make the DOT ``edge`` once the picture has a spine: a spine
    wire :data:`SPINE_WEIGHT`, an input's wire into its gate :data:`INPUT_WEIGHT`, else 1."""
    tail, head = edge.group(1), edge.group(3)
    if (tail, head) in spine:
        return SPINE_WEIGHT
    wire = INPUT_WIRE.fullmatch(tail)
    return INPUT_WEIGHT if wire and int(wire.group(1)) in leaves and head[0] == "n" else 1


def _along_spine(graph: Graph, row: dict[str, int], spine: set[tuple[str, str]]
                 ) -> dict[str, int]:
    """Rows cut between the gates of one statement: a gate on the spine keeps the row of
    its place; a gate off it (a term a sum adds) goes to the row of its first reader, so it
    is drawn where it is used, never in a row of its own above; no gate in a row above a
    gate it reads."""
    on_spine = {tail for tail, head in spine if tail.startswith("n")} | {f"n{graph.output}"}
    readers: dict[int, list[int]] = {}
    for node in graph.nodes:
        for i in node.inputs:
            readers.setdefault(i, []).append(node.id)
    row = dict(row)
    for node in reversed(graph.nodes):  # (a reader's row is known before its inputs')
        name = f"n{node.id}"
        if name in row and name not in on_spine and readers.get(node.id):
            row[name] = min((row[f"n{r}"] for r in readers[node.id] if f"n{r}" in row),
                            default=row[name])
    for node in graph.nodes:  # (never above what it reads)
        name = f"n{node.id}"
        if name in row:
            row[name] = max([row[name], *(row[f"n{i}"] for i in node.inputs
                                          if f"n{i}" in row)])
    return row


def _owner(name: str) -> str:
    """The gate a node of the DOT text belongs to: w7 (its wire) -> n7; b7_1, c7_3
    (branch boxes of gate 7) -> n7; a copy (n3c7_1, w3c7_1) -> n7."""
    if "c" in name[1:]:
        return "n" + name.split("c")[1].split("_")[0]
    if name[0] in "bc":
        return "n" + name[1:].split("_")[0]
    return "n" + name[1:]
