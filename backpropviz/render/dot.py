"""Graphviz DOT text in the CS231n circuit style.

Inputs on the left, a circle per gate, and every wire labelled with its value above it (green)
and its gradient below it (red). A wire is drawn through a small label node holding the two
numbers with a rule between them, so the line appears to pass between value and gradient
as in the published figures. Output is deterministic: ids come from node ids only.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..graph import Graph, Node
from .numbers import fixed, is_flagged

__all__ = ["Style", "CLASSIC", "render_dot"]

DIAGRAM_DECIMALS = 2


@dataclass(frozen=True)
class Style:
    """Colours and type of a diagram."""

    value_color: str = "#1a7f37"   # green, as in the CS231n figures
    grad_color: str = "#cf222e"    # red
    wire_color: str = "#24292f"
    flag_fill: str = "#ffd8d3"     # gates whose value or gradient is nan/inf
    font: str = "Helvetica"
    gate_size: int = 18
    number_size: int = 14
    name_size: int = 20


CLASSIC = Style()


def render_dot(graph: Graph, decimals: int = DIAGRAM_DECIMALS, style: Style = CLASSIC,
               dpi: int | None = None, max_inches: float | None = None) -> str:
    """The diagram of ``graph`` as DOT source text; ``max_inches`` caps its drawn size."""
    s = style
    size = f', size="{max_inches:.2f},{max_inches:.2f}"' if max_inches else ""
    # Network simplex dominates dot's time on big graphs; a cap keeps them to seconds.
    big = ", nslimit=2, nslimit1=2" if len(graph.nodes) > 100 else ""
    lines = [
        "digraph backprop {",
        f'  graph [rankdir=LR, ordering=in, bgcolor="white", nodesep=0.25, ranksep=0.3, '
        f'fontname="{s.font}"{f", dpi={dpi}" if dpi else ""}{size}{big}];',
        f'  node [fontname="{s.font}", color="{s.wire_color}", fontcolor="{s.wire_color}"];',
        f'  edge [color="{s.wire_color}", arrowsize=0.7, penwidth=1.3];',
    ]
    add = lines.append
    for node in graph.nodes:
        nid = node.id
        flagged = is_flagged(node.value) or is_flagged(node.grad)
        if node.is_gate:
            fill = f', style=filled, fillcolor="{s.flag_fill}", penwidth=2.5' if flagged else ""
            add(f"  n{nid} [shape=circle, margin=0.04, fontsize={s.gate_size}, "
                f"label={_quote(node.label)}{fill}];")
            for src in node.inputs:
                add(f"  w{src}:e -> n{nid};")
        else:
            size = s.name_size if node.op == "input" else s.number_size + 2
            add(f"  n{nid} [shape=plaintext, fontsize={size}, label={_quote(node.label)}];")
        add(f"  w{nid} [shape=plaintext, margin=0, width=0, height=0, label=<{_wire_label(node, decimals, s)}>];")
        add(f"  n{nid} -> w{nid}:w [arrowhead=none];")
    add(f'  out [shape=point, width=0.01, style=invis];')
    add(f"  w{graph.output}:e -> out;")
    add("}")
    return "\n".join(lines) + "\n"


def _wire_label(node: Node, decimals: int, s: Style) -> str:
    """An HTML-like table: the value, a rule that continues the wire, the gradient."""
    value = _number_html(node.value, decimals, s.value_color, s.number_size)
    if node.name and node.is_gate:  # a program's named intermediate: the wire carries it
        value = (f'<font color="{s.wire_color}" point-size="{s.number_size}">'
                 f"<i>{escape(node.name)}</i> = </font>{value}")
    grad = _number_html(node.grad, decimals, s.grad_color, s.number_size)
    return (f'<table border="0" cellborder="0" cellspacing="0" cellpadding="2" '
            f'color="{s.wire_color}"><tr><td>{value}</td></tr><hr/>'
            f"<tr><td>{grad}</td></tr></table>")


def _number_html(value: float, decimals: int, color: str, size: int) -> str:
    text = escape(fixed(value, decimals))
    if is_flagged(value):
        text = f"<b>{text}</b>"
    return f'<font color="{color}" point-size="{size}">{text}</font>'


def _quote(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
