"""The terminal table: one row per node in evaluation order, then the output value.

rich decides colour and width from the terminal (plain text when piped or when ``NO_COLOR``
is set), so nothing here checks that itself.
"""

from __future__ import annotations

from typing import IO

from ..graph import Graph
from .numbers import fixed, is_flagged
from .text import excerpt

__all__ = ["render_table"]

TABLE_DECIMALS = 4


def render_table(graph: Graph, file: IO[str] | None = None,
                 decimals: int = TABLE_DECIMALS) -> None:
    """Print the forward and reverse pass of ``graph`` as a table on ``file`` (stdout)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=file, highlight=False)
    if not console.is_terminal:
        console = Console(file=file, highlight=False, width=100_000)

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("gate", justify="center", style="bold")
    table.add_column("computes", no_wrap=True)
    table.add_column("value", justify="right", style="green")
    table.add_column("grad", justify="right", style="red")

    expression = graph.expression
    for node in graph.nodes:
        gate = node.label if node.is_gate else Text(node.op, style="dim")
        table.add_row(
            str(node.id),
            gate,
            excerpt(expression, *node.span),
            _number(node.value, decimals, Text),
            _number(node.grad, decimals, Text),
        )
    console.print(table)
    out = graph.nodes[graph.output]
    console.print(Text.assemble("output  ", excerpt(expression, *out.span), " = ",
                                _number(out.value, decimals, Text)))


def _number(value: float, decimals: int, text_type: type) -> object:
    """A cell for ``value``; nan and inf are flagged in bold reverse video."""
    shown = fixed(value, decimals)
    return text_type(shown + " !", style="bold reverse") if is_flagged(value) else shown
