"""Graphviz DOT text in the CS231n circuit style.

Inputs on the left, a circle per gate, and every wire labelled with its value above it (green)
and its gradient below it (red). A wire is drawn through a small label node holding the two
numbers with a rule between them, so the line appears to pass between value and gradient
as in the published figures. Where a value feeds several gates, each branch is labelled with
the gradient flowing back along it, and the value's own wire with their sum.

A :class:`View` draws one step of the passes: numbers not known yet are drawn in the
transparent colour, so every frame of a lesson has the same layout. Output is
deterministic: ids come from node ids only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import zip_longest
from html import unescape
from typing import Callable, Iterator

from ..graph import Graph, Node, statements_of
from ..ops import OPS
from .names import GREEK, label_text, name_html
from .numbers import figure_number, is_flagged
from .text import font_problem, text_problem

__all__ = ["Style", "View", "THEMES", "CLASSIC", "render_dot", "iter_dot", "sum_grid"]

HIDDEN = "transparent"  # the colour of a number a frame does not show yet
_SPACER = " "  # the empty cell above a fork branch's gradient


@dataclass(frozen=True)
class Style:
    """How a diagram looks: the theme's colours, type and layout.

    ``value_emphasis``/``grad_emphasis`` (``b``, ``i`` or empty) tell values from gradients
    without colour, for the print theme.
    """

    theme: str = "classic"
    background: str = "#ffffff"
    value_color: str = "#1a7f37"   # green, as in the CS231n figures
    grad_color: str = "#cf222e"    # red
    wire_color: str = "#24292f"
    gate_fill: str = "#ffffff"
    highlight_fill: str = "#fff0a8"  # the gate a step frame is about
    highlight_wire: str = "#0969da"  # and the wires it reads
    flag_fill: str = "#ffd8d3"     # gates whose value or gradient is nan/inf
    value_emphasis: str = ""
    grad_emphasis: str = ""
    font: str = "Helvetica"
    direction: str = "LR"
    title: str | None = None
    transparent: bool = False
    wrap: bool = True  # a wide picture whose text would be small is wrapped into rows
    pretty_names: bool = True
    gate_size: int = 20
    number_size: int = 16
    name_size: int = 22
    caption_size: int = 18
    slide: tuple[int, int] | None = None  # --slide: fit svg and png to this many pixels
    collapse: str | None = None  # --collapse statements: a node per assignment (collapse.py)
    fan_out: int = 3  # an input read by this many gates is drawn at each (0: never)
    names_above: bool = False  # a named wire's name on a line above its value (narrower)
    aligned: bool = False  # rows of statement boxes start in one column (render.wrap)
    line: int = 1  # points: wires, rules and circles (thicker with type made bigger)
    compact: bool = False  # arrays closer set, a column vector on a line (render.arrays)
    in_order: bool = True  # a gate's inputs top to bottom as written (else as Graphviz likes)

    def __post_init__(self) -> None:
        problem = font_problem(self.font)  # (it reaches SVG and HTML attributes as it is)
        if problem is not None:
            raise ValueError(f"font {self.font!r:.60}: {problem}")
        problem = text_problem(self.title or "")
        if problem is not None:
            raise ValueError(f"title: {problem}")


CLASSIC = Style()
#: The themes: the CS231n colours; light on dark for dimmed rooms; black and grey for paper;
#: blue and orange that colour-blind readers tell apart (Okabe and Ito's blue, a darker
#: orange for contrast on white: tests/test_colours.py measures every theme).
THEMES = {
    "classic": CLASSIC,
    "dark": Style(theme="dark", background="#0d1117", value_color="#56d364",
                  grad_color="#ff7b72", wire_color="#e6edf3", gate_fill="#161b22",
                  highlight_fill="#5c4a00", highlight_wire="#58a6ff", flag_fill="#6e1b1b"),
    "print": Style(theme="print", value_color="#000000", grad_color="#555555",
                   wire_color="#000000", highlight_fill="#e4e4e4", highlight_wire="#000000",
                   flag_fill="#c8c8c8", grad_emphasis="i"),
    "safe": Style(theme="safe", value_color="#0072b2", grad_color="#b04a00",
                  highlight_wire="#cc79a7", flag_fill="#f5c6cb"),
}


@dataclass(frozen=True)
class View:
    """What one step frame shows: the values and gradients known so far, the branch
    gradients ``(gate, slot)`` sent back so far, the ``current`` gate (highlighted with the
    wires it reads), a caption (lines of text) under the diagram, and ``labels``: the
    names the captions give unnamed gates (``q₁``), drawn on their wires so that every
    name a caption says is in the picture. A ``backward`` frame underlines the gradients
    the current gate sends back, with arrows pointing back along its input wires."""

    values: frozenset[int]
    grads: frozenset[int]
    branches: frozenset[tuple[int, int]]
    current: int | None = None
    caption: tuple[str, ...] = ()
    labels: tuple[tuple[int, str], ...] = ()
    backward: bool = False


def render_dot(graph: Graph, decimals: int | None = None, style: Style = CLASSIC,
               dpi: float | None = None, max_inches: tuple[float, float] | None = None,
               view: View | None = None, pad: tuple[float, float] | None = None) -> str:
    """The diagram of ``graph`` (or of one step of it, ``view``) as DOT source text, its
    numbers with ``decimals`` decimals (None: ``--precision auto``, see
    :func:`~backpropviz.render.numbers.figure_decimals`); ``max_inches`` (width, height) caps its size,
    ``pad`` (inches, x and y) is the space around it."""
    return "".join(iter_dot(graph, decimals, style, dpi, max_inches, view, pad))


def iter_dot(graph: Graph, decimals: int | None = None, style: Style = CLASSIC,
             dpi: float | None = None, max_inches: tuple[float, float] | None = None,
             view: View | None = None, pad: tuple[float, float] | None = None
             ) -> Iterator[str]:
    """:func:`render_dot`'s text a line at a time: a .dot file of a big graph is written
    as it is made, never whole in memory."""
    for line in _dot_lines(graph, decimals, style, dpi, max_inches, view, pad):
        yield line + "\n"


def _dot_lines(graph: Graph, decimals: int | None, style: Style, dpi: float | None,
               max_inches: tuple[float, float] | None, view: View | None,
               pad: tuple[float, float] | None = None) -> Iterator[str]:
    """The DOT statements of :func:`render_dot`, one a line."""
    s, number = style, figure_number(graph, decimals)
    yield from header_lines(graph, s, dpi, max_inches, pad, view)
    ends = [label_ports(s, not isinstance(node.value, float)) for node in graph.nodes]
    branch_tail, branch_head = label_ports(s, True)  # (a fork branch's label)
    uses = [0] * len(graph.nodes)
    for node in graph.nodes:
        for src in node.inputs:
            uses[src] += 1
    branch_grads = {(w.dst, w.slot): w.grad for w in graph.wires() if uses[w.src] > 1}
    copies, first_use = _fan_out(graph, uses, s)
    current = view.current if view is not None else None
    back = view is not None and view.backward
    sent = set(graph.nodes[current].inputs) if back and current is not None else set()
    labels = dict(view.labels) if view is not None else {}
    x_is_a_name = "x" in graph.store.name
    diameter = _gate_diameter(graph, s, x_is_a_name)
    for node in graph.nodes:
        nid = node.id
        flagged = is_flagged(node.value) or is_flagged(node.grad)
        if node.is_gate:
            if nid == current:
                fill = f', style=filled, fillcolor="{s.highlight_fill}", penwidth=3'
            elif flagged:
                fill = f', style=filled, fillcolor="{s.flag_fill}", penwidth=2.5'
            else:
                fill = f', style=filled, fillcolor="{s.gate_fill}"'
            label = _gate_label(node, s, x_is_a_name)
            yield (f"  n{nid} [shape=circle, fixedsize=true, width={diameter:.2f}, "
                  f"fontsize={_gate_font(label, s):g}, label={_quote(label)}{fill}];")
            for slot, src in enumerate(node.inputs):
                attrs = []
                if nid == current:
                    attrs.append(f'color="{s.highlight_wire}", penwidth=3')
                if nid == current and back:  # the gradient flows back: the arrow says so
                    attrs.append("dir=back, arrowtail=normal, arrowsize=1.2")
                extra = f" [{', '.join(attrs)}]" if attrs else ""
                marked = attrs + _mark(node, slot, s)  # (the wire's end at the gate)
                into = f" [{', '.join(marked)}]" if marked else ""
                if copies[src]:  # an input read in many places: drawn again at each
                    yield from _copy_lines(graph.nodes[src], nid, slot, copies[src] == slot + 1
                                           and nid == first_use[src], number, s, view,
                                           branch_grads[(nid, slot)], into, *ends[src])
                elif uses[src] > 1:  # a fork: the branch shows its own share of the gradient
                    shown = view is None or (nid, slot) in view.branches
                    grad = _number_html(branch_grads[(nid, slot)], number, s, True, shown,
                                        sent=nid == current and back)
                    yield (f"  b{nid}_{slot} [shape=plaintext, margin=0, width=0, height=0, "
                          f"label=<{_wire_table(_SPACER, grad, s)}>];")
                    yield f"  w{src}{ends[src][0]} -> b{nid}_{slot}{branch_head} [arrowhead=none{extra[1:-1] and ', ' + extra[2:-1]}];"
                    yield f"  b{nid}_{slot}{branch_tail} -> n{nid}{into.replace('dir=back', 'dir=none')};"
                else:
                    yield f"  w{src}{ends[src][0]} -> n{nid}{into};"
        elif copies[nid]:
            continue  # (drawn at each use)
        else:
            size = s.name_size if node.op == "input" else s.number_size + 2
            yield (f"  n{nid} [shape=plaintext, fontsize={size}, "
                  f"label=<{_leaf_label(node, s)}>];")
        yield (f"  w{nid} [shape=plaintext, margin=0, width=0, height=0, "
              f"label=<{_wire_label(node, number, s, view, labels.get(nid), nid in sent and uses[nid] == 1)}>];")
        yield f"  n{nid} -> w{nid}{ends[nid][1]} [arrowhead=none];"
    yield '  out [shape=point, width=0.01, style=invis];'
    yield f"  w{graph.output}{ends[graph.output][0]} -> out;"
    yield "}"


def _fan_out(graph: Graph, uses: list[int], s: Style) -> tuple[list[int], list[int]]:
    """Which inputs are drawn again at each use (read by ``s.fan_out`` or more gates, or by
    parallel gates, as circuit schematics repeat a net's label instead of running its wire
    everywhere): per node, 0 if not, else 1 + the slot of its first use; and the gate of
    that first use. Other forks keep their branches, the fork lesson (x*x: two branches
    that add up)."""
    copies, first_use = [0] * len(graph.nodes), [-1] * len(graph.nodes)
    if s.fan_out < 2:
        return copies, first_use
    parallel = _read_in_parallel(graph, uses)
    for node in graph.nodes:
        for slot, src in enumerate(node.inputs):
            if (first_use[src] < 0 and (uses[src] >= s.fan_out or parallel[src])
                    and src != graph.output and graph.nodes[src].op == "input"):
                first_use[src], copies[src] = node.id, slot + 1
    return copies, first_use


def _read_in_parallel(graph: Graph, uses: list[int]) -> list[bool]:
    """Per node: read more than once, each time by a gate of another statement at the same
    depth (the neurons of a layer reading one input): its branches would cross the layer,
    so it is drawn at each use. A fork within a statement, or along a chain of statements
    (``a = x*y; b = a + x``), keeps its branches."""
    depth = [0] * len(graph.nodes)
    for node in graph.nodes:  # (inputs come first: one pass)
        depth[node.id] = 1 + max((depth[i] for i in node.inputs), default=-1)
    owner = statements_of(graph)
    seen: list[set[tuple[int, int]]] = [set() for _ in graph.nodes]
    for node in graph.nodes:
        for src in node.inputs:
            seen[src].add((owner[node.id], depth[node.id]))
    return [uses[i] > 1 and len(keys) == uses[i] and len({d for _, d in keys}) == 1
            for i, keys in enumerate(seen)]


def _with_total(name: str, leaf: Node, number: Callable[[float], str], s: Style,
               shown: bool = True) -> str:
    """An input's ``name`` (HTML) over its gradient, the sum over all its uses: ``Σ 0.50``
    (an array: its Σ grid); said where an input read several times is first drawn. Not
    ``shown`` yet (a lesson's step before it is known): the Σ is hidden with it."""
    if not isinstance(leaf.grad, float):  # an array: its name over the Σ grid, boxed (its
        # rows stand level with the gradient's beside it: "0.13 0.25 -0.02 0.00" read as one)
        box = s.grad_color if shown else HIDDEN
        return (f'<table border="0" cellborder="0" cellspacing="0"><tr><td>{name}</td></tr>'
                f'<tr><td border="{s.line}" color="{box}">{sum_grid(leaf, number, s, shown)}'
                "</td></tr></table>")
    total = _number_html(leaf.grad, number, s, True, shown)
    # (a blank after it where wires are short: the first use's label all but touched it,
    # and `Σ 90` beside its gradient 3 read `Σ 903`)
    blank = f'<font point-size="{s.number_size}">&#160;&#160;</font>' if _short_wires(s) else ""
    return (f'{name}<br/><font color="{s.grad_color if shown else HIDDEN}" '
            f'point-size="{s.number_size}">Σ </font>{total}{blank}')


def sum_grid(leaf: Node, number: Callable[[float], str], s: Style, shown: bool = True) -> str:
    """An array input's gradient, the sum over all its uses: its grid under a Σ (hidden
    with it until ``shown``)."""
    sigma = (f'<font color="{s.grad_color if shown else HIDDEN}" '
             f'point-size="{s.number_size}">Σ</font>')
    return _number_html(leaf.grad, number, s, True, shown, sigma)


def _copy_lines(leaf: Node, nid: int, slot: int, first: bool, number: Callable[[float], str],
                s: Style, view: View | None, grad: float, into: str, tail: str, head: str
                ) -> Iterator[str]:
    """An input drawn again where gate ``nid`` reads it in ``slot``: its name, its value
    over the gradient that comes back along this use; the first copy also says the sum of
    all of them, the input's gradient (Σ)."""
    src, key = leaf.id, f"{leaf.id}c{nid}_{slot}"
    name = _leaf_label(leaf, s)
    if first:
        name = _with_total(name, leaf, number, s, view is None or src in view.grads)
    value = _number_html(leaf.value, number, s, False,
                         view is None or src in view.values)
    share = _number_html(grad, number, s, True,
                         view is None or (nid, slot) in view.branches)
    yield f"  n{key} [shape=plaintext, fontsize={s.name_size}, label=<{name}>];"
    yield (f"  w{key} [shape=plaintext, margin=0, width=0, height=0, "
           f"label=<{_wire_table(value, share, s)}>];")
    yield f"  n{key} -> w{key}{head} [arrowhead=none];"
    yield f"  w{key}{tail} -> n{nid}{into};"


def header_lines(graph: Graph, s: Style, dpi: float | None, max_inches: tuple[float, float] | None,
                 pad: tuple[float, float] | None, view: View | None) -> Iterator[str]:
    """The graph's opening: ``digraph``, its attributes and defaults, its title/caption."""
    size_attr = f', size="{max_inches[0]:.2f},{max_inches[1]:.2f}"' if max_inches else ""
    if pad is not None:
        size_attr += f', pad="{pad[0]:.4f},{pad[1]:.4f}"'
    elif dpi and 0.15 * s.number_size > 4:  # (a PNG: Graphviz's 4 points round 220-point
        size_attr += f', pad="{0.15 * s.number_size / 72:.4f}"'  # type cut an italic a)
    if dpi:
        size_attr = f", dpi={dpi:g}{size_attr}"
    # Network simplex dominates dot's time on big graphs; a cap keeps them to seconds.
    big = ", nslimit=2, nslimit1=2" if len(graph.nodes) > 100 else ""
    background = "transparent" if s.transparent else s.background
    yield from (
        "digraph backprop {",
        f'  graph [rankdir={s.direction}, {"ordering=in, " if s.in_order else ""}'
        f'bgcolor="{background}", nodesep={_nodesep(s):.2f}, '
        f'ranksep=0.3, fontname="{_attr(s.font)}", fontcolor="{s.wire_color}"'
        f'{size_attr}{big}];',
        f'  node [fontname="{_attr(s.font)}", color="{s.wire_color}", fontcolor="{s.wire_color}"'
        f'{f", penwidth={s.line}" if s.line != 1 else ""}];',
        # (penwidth: as thick as the rule in a wire label, which continues the wire)
        f'  edge [color="{s.wire_color}", arrowsize={0.7 * s.line ** 0.5:.3g}, '
        f'penwidth={s.line}, fontname="{_attr(s.font)}"];',
    )
    label = _graph_label(s, view.caption if view is not None else ())
    if label:
        yield label


def _nodesep(s: Style) -> float:
    """Inches between nodes side by side: a quarter inch; top to bottom at least 0.4 em of
    the numbers (a grid's column gap), as a wire label there is a line of numbers (value |
    gradient) that ran on into its neighbour's at big type (``1.21 | 5.56 1.10 | 6.12``,
    0.2 em apart at 5x; more costs a 12-step chain its 24 px on a slide); and between
    compact grids (render.arrays), which have no caption to keep one off the next, 0.6 em
    (one input's gradient rows ran on into the next one's values)."""
    if s.direction == "TB":
        return max(0.25, 0.4 * s.number_size / 72)
    return max(0.25, 0.6 * s.number_size / 72) if s.compact else 0.25


def _leaf_label(node: Node, s: Style) -> str:
    """A variable's name (w0 drawn as w with subscript 0, theta as θ) or a constant."""
    if not s.pretty_names:
        return label_text(node.label)
    if node.op == "input":
        return f"<i>{name_html(node.label, s.name_size)}</i>"
    return label_text(GREEK.get(node.label, node.label))  # pi -> π


def _wire_label(node: Node, number: Callable[[float], str], s: Style, view: View | None,
                label: str | None = None, sent: bool = False) -> str:
    """An HTML-like table: the value, a rule that continues the wire, the gradient (side by
    side, with a vertical rule, when wires run top to bottom). A named gate's wire (or one
    a lesson's captions name, ``label``: q₁, or c′ for a name assigned again) carries its
    name."""
    nid = node.id
    value = _number_html(node.value, number, s, False,
                         view is None or nid in view.values)
    name = None
    if node.name and node.is_gate:  # a program's named intermediate: the wire carries it
        typed = label or node.name
        name = (name_html(typed, s.number_size, s.number_size - 2) if s.pretty_names
                else label_text(typed))
    elif label is not None:
        name = label_text(label)  # (as the captions spell it)
    if not isinstance(node.value, float):  # an array: its name and shape above its grid
        from .arrays import shape_shown, shape_text

        shape = shape_text(node.shape) if shape_shown(node.value, s.compact) else ""
        caption = (f'<font color="{s.wire_color}" point-size="{s.number_size}">'
                   + (f"<i>{name}</i>" + (": " if shape else "") if name is not None else "")
                   + f"{shape}</font>") if name is not None or shape else ""
        # (on a line of its own, but left to right with lines thicker than a point: see
        # PORT. Top to bottom, row i of the value's grid is then level with the gradient's)
        above = not _at_rule(s, True)
        value = _number_html(node.value, number, s, False, view is None or nid in view.values,
                             "" if above else caption)
        grad = _number_html(node.grad, number, s, True, view is None or nid in view.grads,
                            sent=sent)
        return _wire_table(value, grad, s, caption if above else "")
    elif name is not None and s.names_above:
        grad = _number_html(node.grad, number, s, True,
                            view is None or nid in view.grads, sent=sent)
        return _wire_table(value, grad, s, f'<font color="{s.wire_color}" '
                                           f'point-size="{s.number_size}"><i>{name}</i></font>')
    elif name is not None:
        value = (f'<font color="{s.wire_color}" point-size="{s.number_size}">'
                 f"<i>{name}</i> = </font>{value}")
    grad = _number_html(node.grad, number, s, True,
                        view is None or nid in view.grads, sent=sent)
    return _wire_table(value, grad, s)


def _wire_table(top: str, bottom: str, s: Style, above: str = "") -> str:
    """Two cells with a rule between them that continues the wire; ``above`` the value, a
    name on a line of its own, balanced by a blank line under the gradient, so the rule
    stays midway between the label's top and bottom, where the wires meet it (an array's
    or a fork branch's rule has its own port instead: :data:`PORT`)."""
    table = (f'<table border="0" cellborder="0" cellspacing="0" cellpadding="2" '
             f'color="{s.wire_color}">')
    if _at_rule(s, "<table" in top or top == _SPACER):
        rule = _rule_cell(s, _even_width(top, bottom, above, s), PORT)
        return f"{table}<tr><td>{top}</td></tr><tr>{rule}</tr><tr><td>{bottom}</td></tr></table>"
    if top == _SPACER:  # (a fork branch's: as high as the gradient under it)
        top = f'<font point-size="{s.number_size}">{_SPACER}</font>'
    if s.direction == "LR":
        rows = _rule_rows(top, bottom, s, _even_width(top, bottom, above, s))
        if above:
            blank = f'<font point-size="{s.number_size}"> </font>'
            rows = f"<tr><td>{above}</td></tr>{rows}<tr><td>{blank}</td></tr>"
        return f"{table}{rows}</table>"
    return f"{table}{_side_by_side(top, bottom, s, above)}</table>"


def _side_by_side(top: str, bottom: str, s: Style, above: str) -> str:
    """Top to bottom, a label's rows: the value, the rule, the gradient 0.4 em clear of it;
    ``above`` the value, the name, the rule going on beside it. A rule a point thick is the
    value cells' right border, which the wires meet at the label's middle: both halves as
    wide (as render.dot reckons the wider, and :data:`SLACK`). A thicker one is a column of
    its own (:data:`PORT`) that the wires end at wherever it is: each half as wide as its
    text."""
    clear = max(6, round(0.4 * s.number_size))  # (6 points beside 220-point numbers: none)
    # (a thin space keeps text off the rule: both engines set a line of one piece of text
    # lower than one of several, so the gradient has one too, level with its value. A
    # cell holding a table, an array's grid, may hold nothing else.)
    space = "" if "<table" in top else '<font point-size="4"> </font>'
    texts = [above + space, top + space] if above else [top + space]
    bottom = bottom if "<table" in bottom else space + bottom
    # (a name, or an array's name and shape centred, just over the value; the gradient
    # level with the value, however high the rows are made)
    aligns = (['center" valign="bottom' if "<table" in top else 'right" valign="bottom',
               'right" valign="top'] if above else ["right"])
    if s.line == 1:  # (the rule's height: render.seams makes it its row's)
        half = math.ceil(max(_html_width(text, s.number_size) for text in [*texts, bottom])
                         + SLACK) + 6
        # (Graphviz sizes a cell by its border on every side, drawn or not: the gradient's
        # a point more padding each side, as high as the value's, or its grid stretches)
        highs = [""] * (len(texts) - 1) + [' height="2"']
        cells = [f'<td align="{align}" width="{half + clear}"{high} border="1" sides="r">'
                 f'{text}</td>' for text, align, high in zip(texts, aligns, highs)]
        right = f' width="{half}" cellpadding="3"'
    else:  # (one cell down all the rows, as high as its rank once render.seams has seen it)
        rule = (f'<td width="{s.line}" height="2" rowspan="{len(texts)}" {_fill(s)} '
                f'port="{PORT}"></td>')
        cells = [f'<td align="{align}">{text}</td>' + rule * (row == 0)
                 for row, (text, align) in enumerate(zip(texts, aligns))]
        right = ""
    first = f'<tr>{cells[0]}<td width="{clear}"></td><td></td></tr>' if above else ""
    top_down = ' valign="top"' if above else ""
    return (f'{first}<tr>{cells[-1]}<td width="{clear}"></td>'
            f'<td align="left"{top_down}{right}>{bottom}</td></tr>')


def _rule_rows(top: str, bottom: str, s: Style, width: str) -> str:
    """Left to right: the value's row, the rule, the gradient's row. A line a point thick
    is the value cell's lower border, which both engines draw edge to edge of the label
    and (the gradient's cell a point taller) midway up it. A thicker one is a row of its
    own filled in the wire's colour: Graphviz draws a border of width w inset by w/2 (short
    of the wires at each end) and tilts the balance by the border's height."""
    if s.line == 1:
        return (f'<tr><td border="1" sides="b"{width}>{top}</td></tr>'
                f'<tr><td cellpadding="3">{bottom}</td></tr>')
    return f"<tr><td>{top}</td></tr><tr>{_rule_cell(s, width)}</tr><tr><td>{bottom}</td></tr>"


def _rule_cell(s: Style, width: str, port: str = "") -> str:
    """A rule thicker than a point: a cell as high as the line is thick, filled in the
    wire's colour to its edges; ``port``: a name wires can end at."""
    named = f' port="{port}"' if port else ""
    return f'<td height="{s.line}" {_fill(s)}{width}{named}></td>'


def _fill(s: Style) -> str:
    """A cell's attributes for a rule: filled in the wire's colour to its edges."""
    return f'cellpadding="0" bgcolor="{s.wire_color}"'


#: The port of a wire label's rule where the label's middle need not hold it, and where
#: wires end there (left to right, lines thicker than a point: the rule is then a cell of
#: its own). A fork branch's label has a blank line over its rule, not a value; an
#: array's has its name and shape over its value grid, none under its gradient's. Their
#: wires end at the rule's own cell, not the label's middle: blank lines as high as what
#: they balance would centre the rule too, but make labels, and the pictures of big type
#: a slide needs, taller. (Lines a point thick keep the balance: dot puts a cell a point
#: high half a point off the wires, a cell border on them.)
PORT = "r"


def label_ports(s: Style, unbalanced: bool = False) -> tuple[str, str]:
    """Where wires leave and enter a wire label (tail, head): the middles of its sides, or,
    for a label ``unbalanced`` by what is over its rule, those of its rule's own cell
    (:data:`PORT`)."""
    if s.direction != "LR":
        return (f":{PORT}:s", f":{PORT}:n") if s.line > 1 else (":s", ":n")
    return (f":{PORT}:e", f":{PORT}:w") if _at_rule(s, unbalanced) else (":e", ":w")


def _at_rule(s: Style, unbalanced: bool) -> bool:
    """Whether wires end at a label's rule's own cell (:data:`PORT`)."""
    return s.direction == "LR" and unbalanced and s.line > 1


def _even_width(top: str, bottom: str, above: str, s: Style) -> str:
    """A width for the rule's cell: an even number of points, at least the text's. dot
    makes a node a whole even number of points wide and centres the label in it, so a
    label of odd width left a half-point gap where the wire met its rule. (An array's grid
    sets its own width: the rule's is at least one, for render.seams to widen.)"""
    if "<table" in top:
        return ' width="2"'
    widest = max(_text_width(top, s.number_size) + 4, _text_width(bottom, s.number_size) + 6,
                 _text_width(above, s.number_size) + 4)
    return f' width="{2 * math.ceil(widest / 2 + 2)}"'  # (+4: Graphviz measures wider)


#: Points more than :func:`_text_width` a text may take: dot rounds each text's width up,
#: and its fonts may be wider (Liberation Sans for Helvetica: "24" at 16 points is 22).
SLACK = 2


def _html_width(html_text: str, size: int) -> float:
    """About how wide (points) HTML-like text is: an array's grid as wide as its columns
    (each the widest of its cells: text and padding, or the width set) or its widest row
    spanning them (a caption), not all its numbers in a line."""
    if "<table" not in html_text:
        return _text_width(html_text, size)
    before, _, grid = html_text.partition("<table")
    columns: list[float] = []
    spanning = 0.0
    for row in re.findall(r"<tr>(.*?)</tr>", grid):
        cells = re.findall(r"<td([^>]*)>(.*?)</td>", row)
        if any("colspan" in attrs for attrs, _ in cells):
            spanning = max(spanning, sum(_text_width(text, size) + 4 + SLACK
                                         for _, text in cells))
            continue
        widths = [float(set_width.group(1)) if (set_width := re.search(r'width="([\d.]+)"',
                                                                        attrs))
                  else _text_width(text, size) + 4 + SLACK for attrs, text in cells]
        columns = [max(pair) for pair in zip_longest(columns, widths, fillvalue=0.0)]
    return _text_width(before, size) + max(sum(columns), spanning)


@lru_cache(maxsize=1 << 15)  # (a wire label asks for three; numbers of 2 decimals repeat)
def _text_width(html_text: str, size: int) -> float:
    """About how wide (points) HTML-like text is at ``size`` points (tags left out; an
    overestimate, see :data:`_EM`)."""
    text = unescape(re.sub(r"<[^>]*>", "", html_text))
    return size * sum(_EM.get(ch, DEFAULT_EM) for ch in text)


def _number_html(value: float, number: Callable[[float], str], s: Style, grad: bool,
                 shown: bool = True, caption: str = "", sent: bool = False,
                 size: int | None = None) -> str:
    """A value (``grad``: a gradient) in its colour and emphasis (an array: a grid under
    ``caption``); ``sent``: a gradient the current gate has just sent back, underlined (bold
    would widen it and move the diagram between frames)."""
    color = HIDDEN if not shown else s.grad_color if grad else s.value_color
    emphasis, size = s.grad_emphasis if grad else s.value_emphasis, size or s.number_size
    if not isinstance(value, float):  # a vector or matrix: a grid of its numbers
        from .arrays import array_html

        return array_html(value, number, color, size, emphasis, caption, sent, s.compact)
    text = label_text(number(value))
    if is_flagged(value):
        text = f"<b>{text}</b>"
    elif emphasis:
        text = f"<{emphasis}>{text}</{emphasis}>"
    if sent:
        text = f"<u>{text}</u>"
    return f'<font color="{color}" point-size="{size}">{text}</font>'


def _gate_label(node: Node, s: Style, x_is_a_name: bool) -> str:
    """The text in a gate: its symbol (σ) or label. A folded gate's ``x`` stands for its
    input (``2**x``, ``1/x``); where a name x exists that would read as that x, so the
    input is written ``·`` (``2**·``)."""
    op = OPS[node.op]
    label = (op.symbol or node.label) if s.pretty_names else node.label
    if x_is_a_name and "{c}" in op.label and op.label.endswith("x"):
        label = label[:-1] + "·"
    return label


#: Drawn where an operand enters an elementwise gate that broadcasts it to a bigger shape.
BROADCAST_MARK = "⇉"


def _broadcast_into(node: Node, slot: int) -> bool:
    """Whether input ``slot`` of an elementwise gate is broadcast (its shape is smaller)."""
    shapes = node._s.shape
    if shapes is None or OPS[node.op].tensor:
        return False
    return shapes[node.inputs[slot]] != shapes[node.id]


def _short_wires(s: Style) -> bool:
    """Whether the wire from a label to its gate (ranksep, 0.3 inch) is shorter than an em
    of the numbers: with a slide's bigger type, what stands beside a label all but
    touches it."""
    return s.number_size > 0.3 * 72


def _mark(node: Node, slot: int, s: Style) -> list[str]:
    """The attributes that write the op's mark (÷ at a divisor) at the head of the wire into
    ``slot``: which operand is which, on gates whose operands' roles differ."""
    mark = OPS[node.op].mark if slot == 1 and len(node.inputs) == 2 else ""
    if _broadcast_into(node, slot):  # this operand is stretched to the output's shape
        mark += BROADCAST_MARK
    if not mark:
        return []
    # 1 em off the arrowhead, 40° off the wire; where wires are short the mark ran on from
    # the gradient (`0.11]ᵀ−`): it goes 1.7 em away, under the gradient's line (top to
    # bottom, that is where the gradient is)
    big = _short_wires(s) and s.direction == "LR"
    angle = 80 if big else 40
    return [f'headlabel="{mark}", labelfontsize={s.number_size}, '
            f'labeldistance={s.number_size * (0.17 if big else 0.1):g}, '
            f'labelangle={angle if s.direction == "LR" else -angle}, '
            f'labelfontcolor="{s.wire_color}"']


#: Widths of characters in em, about those of DejaVu Sans (what "Helvetica" resolves to
#: on most Linux systems; Helvetica and Arial are narrower): the others count as DEFAULT_EM.
_EM = {**dict.fromkeys("0123456789", 0.64), **dict.fromkeys("+=<>÷×−", 0.84),
       **dict.fromkeys("*^", 0.5), **dict.fromkeys("-", 0.36), **dict.fromkeys("/.·,:", 0.34),
       **dict.fromkeys("mwMW", 0.98), **dict.fromkeys("ijlft()|", 0.36), " ": 0.32}
DEFAULT_EM = 0.66
_LABEL_EM = 2.0  # the widest label set at the gate size: "exp"


def _gate_diameter(graph: Graph, s: Style, x_is_a_name: bool) -> float:
    """One diameter (inches) for every gate of the figure, as the published figures draw
    them: the widest label's, long labels set smaller (see :func:`_gate_font`)."""
    widest = 1.9 * s.gate_size
    for node in graph.nodes:
        if node.is_gate:
            label = _gate_label(node, s, x_is_a_name)
            size = _gate_font(label, s)
            text = size * sum(_EM.get(ch, DEFAULT_EM) for ch in label)
            widest = max(widest, math.hypot(text, size) + 0.4 * size)  # (about an em high)
    return widest / 72


def _gate_font(label: str, s: Style) -> float:
    """The type size of a gate's label: the gate size, shrunk for a label wider than
    ``exp`` (tanh, relu, 10.0/·) down to the numbers' size, so one long label does not
    make every circle of the figure big."""
    em = sum(_EM.get(ch, DEFAULT_EM) for ch in label)
    if em <= _LABEL_EM:
        return float(s.gate_size)
    return round(max(float(s.number_size), s.gate_size * _LABEL_EM / em), 1)


def _graph_label(s: Style, caption: tuple[str, ...]) -> str:
    """The title on top, or a frame's caption below (after the title, in bold, if any).
    The graph's own label: a title cluster made dot reverse the inputs' order."""
    lines = (s.title or "").replace("\t", " ").split("\n")  # (a newline starts a line)
    title = "<b>" + "<br/>".join(map(label_text, lines)) + "</b>" if s.title else ""
    if caption:
        heading = f'<font point-size="{s.caption_size + 6}">{title}</font><br/>' if title else ""
        return (f"  graph [labelloc=b, labeljust=c, fontsize={s.caption_size}, "
                f"label=<{heading}{_caption(caption)}>];")
    if title:
        return (f"  graph [labelloc=t, labeljust=c, fontsize={s.caption_size + 6}, "
                f"label=<{title}>];")
    return ""


def _caption(lines: tuple[str, ...]) -> str:
    return "<br/>".join(label_text(line) for line in lines) + "<br/>"


def _attr(text: str) -> str:
    """Text inside a DOT double-quoted attribute."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _quote(text: str) -> str:
    """A DOT double-quoted string."""
    return f'"{_attr(text)}"'
