"""How vectors and matrices are shown in text: small ones whole, larger ones summarised."""

from __future__ import annotations

from typing import Any

from ..graph import Graph
from ..lang import say
from .numbers import FLAG, fixed
from .text import computes

__all__ = ["INLINE", "shape_text", "array_cell", "array_rows", "array_html", "on_its_side",
           "shape_shown"]

#: An array of at most this many numbers is shown whole; a larger one as min..max and norm.
INLINE = 6
GAP = 0.4  # em between a figure's columns, and beside them
COMPACT_GAP, COMPACT_SIDE = 0.25, 0.15  # ... when room is short (a slide's last resort)


def shape_text(shape: tuple[int, ...]) -> str:
    """``3×2`` for a matrix, ``3`` for a vector, ``scalar`` for a number."""
    return "×".join(map(str, shape)) if shape else say("array.scalar")


def array_cell(value: Any, decimals: int, full: bool = False, tiny_as_zero: bool = False
               ) -> str:
    """A number, or an array whole (``[[1.00, 2.00], [3.00, 4.00]]``) when it has at most
    :data:`INLINE` numbers or ``full``; else ``min..max, norm N``. A nan/inf is flagged.
    ``tiny_as_zero``: an element that rounds to 0 is 0.00 (a line of an explanation), not
    ``1.2e-03`` among ``-0.04`` (the table's exact count of what is not zero)."""
    import numpy as np

    if isinstance(value, float):
        return fixed(value, decimals) + ("" if np.isfinite(value) else FLAG)
    flag = "" if np.all(np.isfinite(value)) else FLAG
    if value.size <= INLINE or full:
        return _nested(value.tolist(), decimals, tiny_as_zero) + flag
    low, high = float(np.min(value)), float(np.max(value))
    norm = float(np.linalg.norm(value))
    return say("array.summary", low=fixed(low, decimals), high=fixed(high, decimals),
               norm=fixed(norm, decimals)) + flag


def _nested(rows: Any, decimals: int, tiny_as_zero: bool = False) -> str:
    """Nested lists of floats as text, innermost lists on one line."""
    if not isinstance(rows, list):
        return fixed(rows, decimals, tiny_as_zero)
    return "[" + ", ".join(_nested(row, decimals, tiny_as_zero) for row in rows) + "]"


def array_rows(graph: Graph, decimals: int, full: bool = False,
               leaf: dict[str, str] | None = None) -> list[tuple[str, ...]]:
    """The table's rows when values are arrays: the scalar table's cells and a shape;
    ``leaf`` names a variable's and a constant's row (in the language in use)."""
    words = leaf or {}
    return [(str(node.id), node.name or "", node.label if node.is_gate else
             words.get(node.op, node.op),
             shape_text(node.shape), computes(graph, node),
             array_cell(node.value, decimals, full), array_cell(node.grad, decimals, full))
            for node in graph.nodes]


def on_its_side(value: Any, compact: bool) -> bool:
    """Whether an array is a column vector drawn compactly: on one line, marked ᵀ."""
    return compact and value.ndim == 2 and value.shape[1] == 1 < value.shape[0]


def shape_shown(value: Any, compact: bool) -> bool:
    """Whether a grid's caption gives its shape: always, but in a compact picture only
    where the grid does not show it (a summary, a column vector on its side)."""
    from .numbers import FIGURE_CELLS

    return not compact or value.size > FIGURE_CELLS or on_its_side(value, compact)


def array_html(value: Any, number: Any, color: str, size: int, emphasis: str = "",
               caption: str = "", sent: bool = False, compact: bool = False) -> str:
    """A Graphviz HTML-like table of an array's numbers, aligned in columns set apart by
    0.4 em (a vector as a row), under ``caption`` (its name and shape); an array of more than
    :data:`~backpropviz.render.numbers.FIGURE_CELLS` numbers as its smallest..largest;
    ``sent``: a gradient a lesson's current gate has just sent back, underlined. ``compact``
    (a slide short of room): columns closer, and a column vector on one line marked ᵀ, as
    books write one in running text."""
    from .names import label_text
    from .numbers import FIGURE_CELLS

    def cell(text: str) -> str:
        text = label_text(text)
        if emphasis:
            text = f"<{emphasis}>{text}</{emphasis}>"
        if sent:
            text = f"<u>{text}</u>"
        return f'<font color="{color}" point-size="{size}">{text}</font>'

    lying = on_its_side(value, compact)
    if value.size > FIGURE_CELLS:
        grid = [[cell(number(value))]]
    else:
        rows = (value.reshape(1, -1) if value.ndim == 1 or lying
                else value.reshape(-1, value.shape[-1]))
        grid = [[cell(number(float(x))) for x in row] for row in rows]
    # Columns apart ("1.00 -1.00", not "1.00-1.00"), and the grid clear of the wires at its
    # sides (a wire ending at "-0.60" read as "--0.60").
    gap = f'<td width="{round(size * (COMPACT_GAP if compact else GAP))}"></td>'
    side = f'<td width="{round(size * (COMPACT_SIDE if compact else GAP))}"></td>'
    open_, close = (f'<td align="right">{cell("[")}</td>', f'<td align="left">{cell("]ᵀ")}</td>'
                    ) if lying and value.size <= FIGURE_CELLS else ("", "")
    width = 2 * max(len(row) for row in grid) + 1 + 2 * bool(close)
    head = f'<tr><td colspan="{width}">{caption}</td></tr>' if caption else ""
    body = "".join("<tr>" + side + open_ + gap.join(f'<td align="right">{c}</td>' for c in row)
                   + close + side + "</tr>" for row in grid)
    return (f'<table border="0" cellborder="0" cellspacing="0" cellpadding="{0 if compact else 2}">'
            f"{head}{body}</table>")
