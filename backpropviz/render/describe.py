"""Words for a diagram, for readers who cannot see it: the SVG's ``<title>`` and ``<desc>``
(the expression, the output's value, each input's gradient; in a lesson frame, its
caption), which screen readers announce for an image."""

from __future__ import annotations

from html import escape

from ..graph import Graph
from ..lang import say
from .dot import Style, View
from .names import name_text
from .numbers import figure_number
from .text import excerpt

__all__ = ["describe", "program_line", "with_description"]

MAX_LISTED = 20  # inputs named one by one; a bigger graph says how many more


def describe(graph: Graph, decimals: int | None, style: Style, view: View | None = None
             ) -> tuple[str, str]:
    """(title, description) of the diagram, or of one lesson frame when ``view`` is given."""
    expression = program_line(graph.expression, 120)
    title = style.title or say("describe.title", expression=expression)
    spell = name_text if style.pretty_names else str
    out = spell(graph.output_name or "f")
    names = list(graph.variable_ids.items())
    if view is not None:  # a frame shows only what is known at its step: its caption says it
        lines = [line.strip() for line in view.caption if line.strip()]  # (padded frames)
        step = say("describe.step", caption=say("describe.join").join(lines)) if lines else ""
        return title, say("describe.partway", expression=expression, step=step)
    fixed = figure_number(graph, decimals)  # (as the picture writes them)
    values = say("explain.list").join(f"{spell(n)} = {fixed(graph.nodes[i].value)}"
                       for n, i in names[:MAX_LISTED])
    grads = say("explain.list").join(f"∂{out}/∂{spell(n)} = {fixed(graph.nodes[i].grad)}"
                      for n, i in names[:MAX_LISTED])
    more = (say("describe.more", count=f"{len(names) - MAX_LISTED:,}")
            if len(names) > MAX_LISTED else "")
    return title, say("describe.whole", expression=expression, values=values, more=more,
                      out=out, value=fixed(graph.value), grads=grads)


def program_line(text: str, width: int) -> str:
    """A program on one line for a heading: its statements joined by ``; ``, comments and
    blank lines left out, shortened in the middle to ``width`` characters."""
    one, depth = "", 0
    for line in text.splitlines():
        line = excerpt(line, 0, len(line), len(line)).rstrip(";")  # (no comment, one space)
        if not line:
            continue
        joins = depth > 0 or one.endswith(_CONTINUES)  # a statement over several lines
        one += (" " if joins else "; ") + line if one else line
        depth += line.count("(") - line.count(")")
    return excerpt(one, 0, len(one), width)


_CONTINUES = tuple("+-*/^(,=")


def with_description(svg: bytes, title: str, description: str) -> bytes:
    """The SVG with ``role="img"`` and a ``<title>`` and ``<desc>`` as its first children."""
    start = svg.find(b"<svg")
    end = svg.find(b">", start)
    if start < 0 or end < 0:
        return svg
    words = (f'<title>{escape(title, quote=False)}</title>\n'
             f'<desc>{escape(description, quote=False)}</desc>\n').encode("utf-8")
    return svg[:end] + b' role="img">\n' + words + svg[end + 1:]
