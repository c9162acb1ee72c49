"""The terminal table: one row per node in evaluation order, then the output value.

In a terminal, rich draws it with colour. Piped, with ``NO_COLOR`` set (rich would still
send bold and reverse video), or when the graph is too big for rich to lay out quickly,
the same cells are written as plain aligned text, which stays linear in the number of rows.
"""

from __future__ import annotations

import os
import sys
from typing import IO

from ..graph import Graph
from .numbers import fixed, is_flagged
from .text import excerpt

__all__ = ["render_table", "table_rows"]

TABLE_DECIMALS = 4
RICH_ROW_LIMIT = 2_000  # rich's layout costs ~0.7 ms a row; past this, plain text
HEADER = ("#", "name", "gate", "computes", "value", "grad")
_JUSTIFY = ("right", "left", "center", "left", "right", "right")
_STYLE = ("dim", "italic", "bold", "", "green", "red")
_GAP = "   "


def table_rows(graph: Graph, decimals: int = TABLE_DECIMALS) -> list[tuple[str, ...]]:
    """The cells of every row; a nan/inf number is marked with a trailing ' !'."""
    expression = graph.expression
    return [
        (str(node.id), node.name or "", node.label if node.is_gate else node.op,
         excerpt(expression, *node.span), _number(node.value, decimals),
         _number(node.grad, decimals))
        for node in graph.nodes
    ]


def render_table(graph: Graph, file: IO[str] | None = None,
                 decimals: int = TABLE_DECIMALS) -> None:
    """Print the forward and reverse pass of ``graph`` as a table on ``file`` (stdout)."""
    file = file or sys.stdout
    rows = table_rows(graph, decimals)
    out = graph.nodes[graph.output]
    footer = ("output  ", graph.output_name or excerpt(graph.expression, *out.span), " = ",
              _number(out.value, decimals))
    if len(rows) <= RICH_ROW_LIMIT and file.isatty() and not os.environ.get("NO_COLOR"):
        _print_rich(rows, footer, file)
    else:
        _print_plain(rows, footer, file)


def _number(value: float, decimals: int) -> str:
    shown = fixed(value, decimals)
    return shown + " !" if is_flagged(value) else shown


def _print_rich(rows: list[tuple[str, ...]], footer: tuple[str, ...], file: IO[str]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    def cell(text: str, column: int) -> Text:
        if column == 2 and text in ("input", "const"):
            return Text(text, style="dim")
        if column >= 4 and text.endswith(" !"):
            return Text(text, style="bold reverse")
        return Text(text)

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for title, justify, style in zip(HEADER, _JUSTIFY, _STYLE):
        table.add_column(title, justify=justify, style=style,  # type: ignore[arg-type]
                         no_wrap=title == "computes")
    for row in rows:
        table.add_row(*(cell(text, i) for i, text in enumerate(row)))
    console = Console(file=file, highlight=False)
    console.print(table)
    console.print(Text.assemble(*footer[:-1], cell(footer[-1], 4)))


def _print_plain(rows: list[tuple[str, ...]], footer: tuple[str, ...], file: IO[str]) -> None:
    widths = [len(h) for h in HEADER]
    for row in rows:
        for i, text in enumerate(row):
            if len(text) > widths[i]:
                widths[i] = len(text)

    def line(cells: tuple[str, ...]) -> str:
        parts = []
        for text, width, justify in zip(cells, widths, _JUSTIFY):
            if justify == "right":
                parts.append(text.rjust(width))
            elif justify == "center":
                parts.append(text.center(width))
            else:
                parts.append(text.ljust(width))
        return _GAP.join(parts).rstrip()

    write = file.write
    write(line(HEADER) + "\n")
    write("─" * (sum(widths) + len(_GAP) * (len(widths) - 1)) + "\n")
    for row in rows:
        write(line(row) + "\n")
    write("".join(footer) + "\n")
