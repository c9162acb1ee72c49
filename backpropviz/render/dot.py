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

from dataclasses import dataclass
from typing import Iterator
from ..choices import DIAGRAM_DECIMALS
from ..graph import Graph, Node
from ..ops import OPS
from .names import GREEK, label_text, name_html
from .numbers import fixed, is_flagged
from .text import font_problem, text_problem

__all__ = ["Style", "View", "THEMES", "CLASSIC", "render_dot", "iter_dot"]

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
    pretty_names: bool = True
    gate_size: int = 20
    number_size: int = 16
    name_size: int = 22
    caption_size: int = 18

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


def render_dot(graph: Graph, decimals: int = DIAGRAM_DECIMALS, style: Style = CLASSIC,
               dpi: int | None = None, max_inches: float | None = None,
               view: View | None = None) -> str:
    """The diagram of ``graph`` (or of one step of it, ``view``) as DOT source text;
    ``max_inches`` caps its drawn size."""
    return "".join(iter_dot(graph, decimals, style, dpi, max_inches, view))


def iter_dot(graph: Graph, decimals: int = DIAGRAM_DECIMALS, style: Style = CLASSIC,
             dpi: int | None = None, max_inches: float | None = None,
             view: View | None = None) -> Iterator[str]:
    """:func:`render_dot`'s text a line at a time: a .dot file of a big graph is written
    as it is made, never whole in memory."""
    for line in _dot_lines(graph, decimals, style, dpi, max_inches, view):
        yield line + "\n"


def _dot_lines(graph: Graph, decimals: int, style: Style, dpi: int | None,
               max_inches: float | None, view: View | None) -> Iterator[str]:
    """The DOT statements of :func:`render_dot`, one a line."""
    s = style
    size_attr = f', size="{max_inches:.2f},{max_inches:.2f}"' if max_inches else ""
    # Network simplex dominates dot's time on big graphs; a cap keeps them to seconds.
    big = ", nslimit=2, nslimit1=2" if len(graph.nodes) > 100 else ""
    background = "transparent" if s.transparent else s.background
    tail, head = (":e", ":w") if s.direction == "LR" else (":s", ":n")
    yield from (
        "digraph backprop {",
        f'  graph [rankdir={s.direction}, ordering=in, bgcolor="{background}", nodesep=0.25, '
        f'ranksep=0.3, fontname="{_attr(s.font)}", fontcolor="{s.wire_color}"'
        f'{f", dpi={dpi}" if dpi else ""}{size_attr}{big}];',
        f'  node [fontname="{_attr(s.font)}", color="{s.wire_color}", fontcolor="{s.wire_color}"];',
        f'  edge [color="{s.wire_color}", arrowsize=0.7, penwidth=1.3, fontname="{_attr(s.font)}"];',
    )
    label = _graph_label(s, view.caption if view is not None else ())
    if label:
        yield label
    uses = [0] * len(graph.nodes)
    for node in graph.nodes:
        for src in node.inputs:
            uses[src] += 1
    branch_grads = {(w.dst, w.slot): w.grad for w in graph.wires() if uses[w.src] > 1}
    current = view.current if view is not None else None
    labels = dict(view.labels) if view is not None else {}
    back = view is not None and view.backward
    sent = set(graph.nodes[current].inputs) if back and current is not None else set()
    x_is_a_name = "x" in graph.store.name
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
            yield (f"  n{nid} [shape=circle, margin=0.04, fontsize={s.gate_size}, "
                  f"label={_quote(label)}{fill}];")
            for slot, src in enumerate(node.inputs):
                attrs = []
                if nid == current:
                    attrs.append(f'color="{s.highlight_wire}", penwidth=3')
                if nid == current and back:  # the gradient flows back: the arrow says so
                    attrs.append("dir=back, arrowtail=normal, arrowsize=1.2")
                extra = f" [{', '.join(attrs)}]" if attrs else ""
                if uses[src] > 1:  # a fork: the branch shows its own share of the gradient
                    shown = view is None or (nid, slot) in view.branches
                    grad = _number_html(branch_grads[(nid, slot)], decimals, s.grad_color,
                                        s.number_size, s.grad_emphasis, shown,
                                        nid == current and back)
                    yield (f"  b{nid}_{slot} [shape=plaintext, margin=0, width=0, height=0, "
                          f"label=<{_wire_table(_SPACER, grad, s)}>];")
                    yield f"  w{src}{tail} -> b{nid}_{slot}{head} [arrowhead=none{extra[1:-1] and ', ' + extra[2:-1]}];"
                    yield f"  b{nid}_{slot}{tail} -> n{nid}{extra.replace('dir=back', 'dir=none')};"
                else:
                    yield f"  w{src}{tail} -> n{nid}{extra};"
        else:
            size = s.name_size if node.op == "input" else s.number_size + 2
            yield (f"  n{nid} [shape=plaintext, fontsize={size}, "
                  f"label=<{_leaf_label(node, s)}>];")
        yield (f"  w{nid} [shape=plaintext, margin=0, width=0, height=0, "
              f"label=<{_wire_label(node, decimals, s, view, labels.get(nid), nid in sent and uses[nid] == 1)}>];")
        yield f"  n{nid} -> w{nid}{head} [arrowhead=none];"
    yield '  out [shape=point, width=0.01, style=invis];'
    yield f"  w{graph.output}{tail} -> out;"
    yield "}"


def _leaf_label(node: Node, s: Style) -> str:
    """A variable's name (w0 drawn as w with subscript 0, theta as θ) or a constant."""
    if not s.pretty_names:
        return label_text(node.label)
    if node.op == "input":
        return f"<i>{name_html(node.label, s.name_size)}</i>"
    return label_text(GREEK.get(node.label, node.label))  # pi -> π


def _wire_label(node: Node, decimals: int, s: Style, view: View | None,
                label: str | None = None, sent: bool = False) -> str:
    """An HTML-like table: the value, a rule that continues the wire, the gradient (side by
    side, with a vertical rule, when wires run top to bottom). A named gate's wire (or one
    a lesson's captions name, ``label``) carries its name."""
    nid = node.id
    value = _number_html(node.value, decimals, s.value_color, s.number_size, s.value_emphasis,
                         view is None or nid in view.values)
    name = None
    if node.name and node.is_gate:  # a program's named intermediate: the wire carries it
        name = name_html(node.name, s.number_size) if s.pretty_names else label_text(node.name)
    elif label is not None:
        name = label_text(label)  # (as the captions spell it)
    if name is not None:
        value = (f'<font color="{s.wire_color}" point-size="{s.number_size}">'
                 f"<i>{name}</i> = </font>{value}")
    grad = _number_html(node.grad, decimals, s.grad_color, s.number_size, s.grad_emphasis,
                        view is None or nid in view.grads, sent)
    return _wire_table(value, grad, s)


def _wire_table(top: str, bottom: str, s: Style) -> str:
    """Two cells with a rule between them that continues the wire."""
    table = (f'<table border="0" cellborder="0" cellspacing="0" cellpadding="2" '
             f'color="{s.wire_color}">')
    if s.direction == "LR":
        return f"{table}<tr><td>{top}</td></tr><hr/><tr><td>{bottom}</td></tr></table>"
    # (side by side, the numbers need room from the rule: cellpadding alone left ~2 px)
    return (f'{table}<tr><td align="right">{top}</td><td width="6"></td><vr/>'
            f'<td width="6"></td><td align="left">{bottom}</td></tr></table>')


def _number_html(value: float, decimals: int, color: str, size: int, emphasis: str = "",
                 shown: bool = True, sent: bool = False) -> str:
    """A number in its colour; ``sent``: a gradient the current gate has just sent back,
    underlined (bold would widen it and move the diagram between frames)."""
    text = label_text(fixed(value, decimals))
    if is_flagged(value):
        text = f"<b>{text}</b>"
    elif emphasis:
        text = f"<{emphasis}>{text}</{emphasis}>"
    if sent:
        text = f"<u>{text}</u>"
    return f'<font color="{color if shown else HIDDEN}" point-size="{size}">{text}</font>'


def _gate_label(node: Node, s: Style, x_is_a_name: bool) -> str:
    """The text in a gate: its symbol (σ) or label. A folded gate's ``x`` stands for its
    input (``2**x``, ``1/x``); where a name x exists that would read as that x, so the
    input is written ``·`` (``2**·``)."""
    op = OPS[node.op]
    label = (op.symbol or node.label) if s.pretty_names else node.label
    if x_is_a_name and "{c}" in op.label and op.label.endswith("x"):
        label = label[:-1] + "·"
    return label


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
