"""``--collapse statements``: a program's diagram with one node per assignment.

A statement's node is labelled with the statement (``h = tanh(w*x + c)``) and lists the
inputs it reads with their values and the share of their gradient that comes back through
it; its result leaves on a wire labelled as in the full diagram (its value above, its
gradient below; where several statements read it, each branch with its own share). The
gates inside a statement are not drawn; the JSON still has every one.

A gate belongs to the statement whose result it feeds: a named gate (an assignment) or the
output is a statement; any other gate belongs to the statement of the gate that reads it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Callable, Collection, Iterator

from ..graph import Graph, Node, statements_of
from .dot import (_SPACER, HIDDEN, Style, View, _number_html, _wire_label, _wire_table,
                  header_lines, label_ports, sum_grid)
from .numbers import figure_number
from .names import label_text

__all__ = ["statements_of", "statement_reads", "statement_text", "statement_lines", "iter_collapsed"]

PANEL_COLUMNS = 2  # inputs listed side by side in a statement's node, this many a row


def statement_text(graph: Graph, node: Node, name: str | None = None) -> str:
    """A statement as typed, ``h = tanh(w*x + c)`` (``g += 10.0 / f`` as it is); an unnamed
    output's expression after ``name`` (``f = ...``) when one is given."""
    text = graph.text(node)
    if "=" in text:
        return text
    name = node.name or name
    return f"{name} = {text}" if name else text


def statement_reads(graph: Graph, owner: list[int]) -> dict[int, dict[int, float]]:
    """Per statement, what it reads (an input, or the statement that made a value) and the
    share of that one's gradient that comes back through it, in reading order."""
    reads: dict[int, dict[int, float]] = defaultdict(dict)
    for wire in graph.wires():
        statement, src = owner[wire.dst], wire.src
        if graph.nodes[src].is_gate:
            if owner[src] == statement:
                continue  # (inside the statement)
            src = owner[src]
        shares = reads[statement]
        shares[src] = shares.get(src, 0.0) + wire.grad
    return reads


def iter_collapsed(graph: Graph, decimals: int | None, style: Style, dpi: float | None = None,
                   max_inches: tuple[float, float] | None = None,
                   pad: tuple[float, float] | None = None, view: View | None = None
                   ) -> Iterator[str]:
    """The collapsed diagram's DOT text a line at a time (as ``dot.iter_dot``); ``view``:
    one step of a lesson by statements (its ``branches`` are (statement, what it reads))."""
    for line in header_lines(graph, style, dpi, max_inches, pad, view):
        yield line + "\n"
    for line in statement_lines(graph, figure_number(graph, decimals), style, view):
        yield line + "\n"


def statement_lines(graph: Graph, number: Callable[[float], str], s: Style,
                    view: View | None = None) -> Iterator[str]:
    """The DOT statements (after the graph's header) of the collapsed diagram. Names are
    written as typed (w00, not w with subscript 00), as in the statements, and so in one
    size of type."""
    s = replace(s, pretty_names=False)
    owner = statements_of(graph)
    reads = statement_reads(graph, owner)
    uses: dict[int, int] = defaultdict(int)
    for shares in reads.values():
        for src in shares:
            if graph.nodes[src].is_gate:
                uses[src] += 1
    # (statements' boxes are tall: less air between them, but half a line at least, as
    # type grows on a slide: rows of boxes 2 px apart read as one)
    yield f"  graph [nodesep={max(0.12, 0.5 * s.number_size / 72):.2f}];"
    only_reader = {src: statement for statement, shares in reads.items() for src in shares
                   if uses[src] == 1}
    # (a lesson's steps say these sums in their captions, as each share arrives)
    totals = _first_of_several(graph, reads) if view is None else {}
    sender = view.current if view is not None and view.backward else None
    labels = dict(view.labels) if view is not None else {}  # (a lesson's c' for c += ...)
    for node in graph.nodes:
        if node.is_gate and owner[node.id] == node.id:
            sent = sender is not None and only_reader.get(node.id) == sender
            yield from _statement(graph, node, reads[node.id], uses, number, s, view, sent,
                                  totals.get(node.id, ()), labels.get(node.id))
    yield '  out [shape=point, width=0.01, style=invis];'
    yield f"  w{graph.output}{_ends(graph, graph.output, s)[0]} -> out;"
    yield "}"


def _first_of_several(graph: Graph, reads: dict[int, dict[int, float]]) -> dict[int, set[int]]:
    """Per statement, the inputs read by several statements that it is the first to read:
    its box says their gradient, the sum of the shares (as the gate view's first copy)."""
    readers: dict[int, list[int]] = defaultdict(list)
    for statement in sorted(reads):
        for src in reads[statement]:
            if graph.nodes[src].op == "input":
                readers[src].append(statement)
    firsts: dict[int, set[int]] = defaultdict(set)
    for src, statements in readers.items():
        if len(statements) > 1:
            firsts[statements[0]].add(src)
    return firsts


def _statement(graph: Graph, node: Node, shares: dict[int, float], uses: dict[int, int],
               number: Callable[[float], str], s: Style, view: View | None,
               sent: bool = False, totals: Collection[int] = (), label: str | None = None
               ) -> Iterator[str]:
    """A statement's node, its result's wire, and the wires from the statements it reads;
    in a lesson's step, only the numbers known so far, the current statement lit, and
    the gradients it sends back underlined (``sent``: its result's, by its one reader);
    ``totals``: the inputs whose gradient (Σ, over every statement) its box says;
    ``label``: the name its result's wire carries, when not its own (a lesson's ``c'``)."""
    nid = node.id
    current = view is not None and view.current == nid
    sending = current and view is not None and view.backward
    leaves = [(graph.nodes[src], share, view is None or (nid, src) in view.branches)
              for src, share in shares.items() if graph.nodes[src].op == "input"]
    summed = {src: view is None or src in view.grads for src in totals}
    yield (f"  n{nid} [shape=plaintext, margin=0, "
           f"label=<{_panel(graph, node, leaves, number, s, current, sending, summed)}>];")
    lit = f'color="{s.highlight_wire}", penwidth=3' if current else ""
    back = ", dir=back, arrowtail=normal, arrowsize=1.2" if sending else ""
    for src, share in shares.items():
        if not graph.nodes[src].is_gate:
            continue
        if uses[src] > 1:  # read by several statements: each branch shows its share
            grad = _number_html(share, number, s, True,
                                view is None or (nid, src) in view.branches,
                                sent=bool(back))
            yield (f"  c{nid}_{src} [shape=plaintext, margin=0, width=0, height=0, "
                   f"label=<{_wire_table(_SPACER, grad, s)}>];")
            branch_tail, branch_head = label_ports(s, True)
            yield f"  w{src}{_ends(graph, src, s)[0]} -> c{nid}_{src}{branch_head} [arrowhead=none{lit and ', '}{lit}{back}];"
            end = f"{lit}, dir=none" if sending else lit  # (the arrow is at the branch)
            yield f"  c{nid}_{src}{branch_tail} -> n{nid}{f' [{end}]' if end else ''};"
        else:
            yield f"  w{src}{_ends(graph, src, s)[0]} -> n{nid}{f' [{lit}{back}]' if lit else ''};"
    yield (f"  w{nid} [shape=plaintext, margin=0, width=0, height=0, "
           f"label=<{_wire_label(node, number, s, view, label, sent=sent)}>];")
    yield f"  n{nid} -> w{nid}{_ends(graph, nid, s)[1]} [arrowhead=none];"


def _ends(graph: Graph, nid: int, s: Style) -> tuple[str, str]:
    """Where wires leave and enter the label of node ``nid``'s result (an array's: at its
    rule, see render.dot's PORT)."""
    return label_ports(s, not isinstance(graph.nodes[nid].value, float))


def _with_sum(share: str, leaf: Node, number: Callable[[float], str], s: Style,
              shown: bool) -> str:
    """An input's share followed by its gradient, the sum over every statement that reads
    it: ``-0.08 (Σ -0.15)``; arrays side by side, the sum's grid under a Σ. (On the share's
    line: a line of its own under each name made a batch's boxes twice as tall.)"""
    size = s.number_size
    if not isinstance(leaf.grad, float):
        return (f'<table border="0" cellborder="0" cellspacing="0" cellpadding="0"><tr>'
                f'<td>{share}</td><td width="{round(size * 0.8)}"></td>'
                f"<td>{sum_grid(leaf, number, s, shown)}</td></tr></table>")
    total = _number_html(leaf.grad, number, s, True, shown, size=size)
    color = s.grad_color if shown else HIDDEN
    return (f'{share}<font color="{color}" point-size="{size}"> (Σ </font>{total}'
            f'<font color="{color}" point-size="{size}">)</font>')


def _panel(graph: Graph, node: Node, leaves: list[tuple[Node, float, bool]],
           number: Callable[[float], str], s: Style, current: bool = False,
           sending: bool = False, summed: dict[int, bool] | None = None) -> str:
    """The statement in a rounded box, over its inputs: name, value, gradient share (each
    share shown or not yet); lit as the step's gate when ``current``, its shares
    underlined when ``sending`` them back; ``summed``: the inputs whose share is followed
    by their gradient, the sum over every statement (shown yet or not)."""
    text = statement_text(graph, node)
    columns = min(PANEL_COLUMNS, max(len(leaves), 1))
    # Air that grows with the type (a slide's type is up to 10x): between name, value and
    # gradient, between two inputs side by side, and between the text and the border.
    size = s.number_size
    gap = f'<td width="{max(5, round(size * 0.3))}"></td>'
    wide = f'<td width="{max(16, round(size * 0.8))}"></td>'
    rows = [f'<tr>{gap}<td colspan="{6 * columns - 1}" cellpadding="{max(4, round(size * 0.2))}">'
            f'<font point-size="{size}">{label_text(text)}</font></td>{gap}</tr>']
    for start in range(0, len(leaves), columns):
        cells = []
        for k, (leaf, share, shown) in enumerate(leaves[start:start + columns]):
            value = _number_html(leaf.value, number, s, False)
            grad = _number_html(share, number, s, True, shown, sent=sending)
            if summed and leaf.id in summed:
                grad = _with_sum(grad, leaf, number, s, summed[leaf.id])
            cells.append(f'{gap if k == 0 else wide}<td align="right"><font point-size="{size}">'
                         f"<i>{label_text(leaf.label)}</i></font></td>{gap}"
                         f'<td align="right">{value}</td>{gap}<td align="left">{grad}</td>')
        rows.append("<tr>" + "".join(cells) + gap + "</tr>")
    fill, border = ((s.highlight_fill, f' color="{s.highlight_wire}"') if current
                    else (s.gate_fill, f' color="{s.wire_color}"'))
    return (f'<table border="{s.line}" cellborder="0" cellspacing="0" cellpadding="1" '
            f'style="rounded" bgcolor="{fill}"{border}>{"".join(rows)}</table>')

