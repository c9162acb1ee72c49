"""Terminal tables: the graph (one row per node in evaluation order, then the output
value) and the ``--check`` report.

In a terminal, rich draws them with colour. Piped, with ``NO_COLOR`` set (rich would still
send bold and reverse video), or when a table is too big for rich to lay out quickly, the
same cells are written as plain aligned text, which stays linear in the number of rows.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Literal, Sequence

from ..graph import Graph
from .numbers import fixed, is_flagged
from .text import excerpt

if TYPE_CHECKING:
    from ..check import CheckReport
    from ..symbolic import ExactPass

__all__ = ["Column", "render_table", "render_check", "table_rows", "print_table"]

TABLE_DECIMALS = 4
RICH_ROW_LIMIT = 2_000  # rich's layout costs ~0.7 ms a row; past this, plain text
EXACT_WIDTH = 40        # characters of an exact form shown in a cell
_GAP = "   "
FLAG = " !"             # marks nan/inf numbers and failed checks


@dataclass(frozen=True)
class Column:
    """A table column: title, justification and rich style."""

    title: str
    justify: Literal["left", "center", "right"] = "left"
    style: str = ""


NODE_COLUMNS = (Column("#", "right", "dim"), Column("name", "left", "italic"),
                Column("gate", "center", "bold"), Column("computes"),
                Column("value", "right", "green"), Column("grad", "right", "red"))
EXACT_COLUMNS = (Column("exact value", "left", "green"), Column("exact grad", "left", "red"))


def table_rows(graph: Graph, decimals: int = TABLE_DECIMALS,
               exact: ExactPass | None = None) -> list[tuple[str, ...]]:
    """The cells of every row; a nan/inf number is marked with a trailing ' !'."""
    expression = graph.expression
    rows: list[tuple[str, ...]] = [
        (str(node.id), node.name or "", node.label if node.is_gate else node.op,
         excerpt(expression, *node.span), _number(node.value, decimals),
         _number(node.grad, decimals))
        for node in graph.nodes
    ]
    if exact is not None:
        rows = [row + (_exact(exact.values[i]), _exact(exact.grads[i]))
                for i, row in enumerate(rows)]
    return rows


def render_table(graph: Graph, file: IO[str] | None = None, decimals: int = TABLE_DECIMALS,
                 exact: ExactPass | None = None) -> None:
    """Print the forward and reverse pass of ``graph`` as a table on ``file`` (stdout)."""
    out = graph.nodes[graph.output]
    footer = ("output  " + (graph.output_name or excerpt(graph.expression, *out.span))
              + " = " + _number(out.value, decimals)
              + (f"  (exactly {_exact(exact.values[out.id])})" if exact is not None else ""))
    columns = NODE_COLUMNS + (EXACT_COLUMNS if exact is not None else ())
    print_table(columns, table_rows(graph, decimals, exact), [footer], file)


def render_check(report: CheckReport, file: IO[str] | None = None,
                 decimals: int = TABLE_DECIMALS) -> None:
    """Print the ``--check`` report: backprop beside sympy and finite differences."""
    digits = max(decimals, 6)
    columns = (Column("variable", "left", "italic"), Column("backprop", "right", "bold"),
               Column("sympy", "right"), Column("rel err", "right", "dim"),
               Column("finite diff", "right"), Column("rel err", "right", "dim"),
               Column("status", "left", "bold"))
    rows = []
    for c in report.checks:
        sym = "skipped" if c.symbolic is None else fixed(c.symbolic, digits)
        sym_err = "" if c.symbolic_error is None else f"{c.symbolic_error:.1e}"
        status = c.status + (FLAG if c.status == "mismatch" else "")
        rows.append((c.name, fixed(c.backprop, digits), sym, sym_err,
                     fixed(c.finite_difference, digits), f"{c.finite_difference_error:.1e}",
                     status))
    footer = [f"note: {note}" for note in report.notes]
    if report.kinks:
        footer.append("at a kink: " + "; ".join(report.kinks) + ". One-sided derivatives "
                      "differ there; backprop follows PyTorch (relu'(0) = abs'(0) = 0, "
                      "ties split evenly, d/dy 0**y = 0), sympy and finite differences "
                      "average the sides or find no derivative.")
    if not report.ok:
        footer.append("check FAILED: some gradients disagree (marked !)")
    elif any(c.status == "kink" for c in report.checks):
        footer.append("check passed: the gradients agree except at the kink")
    elif any(c.status == "undefined" for c in report.checks):
        undefined = [c.name for c in report.checks if c.status == "undefined"]
        footer.append("check passed: the gradients agree where they are defined (undefined "
                      f"here: {', '.join(undefined)})")
    else:
        footer.append("check passed: all gradients agree")
    print_table(columns, rows, footer, file)


def _number(value: float, decimals: int) -> str:
    shown = fixed(value, decimals)
    return shown + FLAG if is_flagged(value) else shown


def _exact(expr: object) -> str:
    from ..symbolic import exact_text

    text = exact_text(expr)
    numerator, bar, denominator = text.partition("/")
    if bar and len(text) > EXACT_WIDTH and _is_integer(numerator) and _is_integer(denominator):
        # a long fraction: shorten each side, so the bar stays (10000...00001/1000...000
        # cut in the middle read as a 40-digit integer, not as about 0.1)
        half = (EXACT_WIDTH - 1) // 2
        return (excerpt(numerator, 0, len(numerator), half) + "/"
                + excerpt(denominator, 0, len(denominator), half))
    return excerpt(text, 0, len(text), EXACT_WIDTH)


def _is_integer(text: str) -> bool:
    return text.lstrip("-").isdigit()


def print_table(columns: Sequence[Column], rows: Sequence[tuple[str, ...]], footer: list[str],
                file: IO[str] | None = None) -> None:
    """Print rows under the columns, then the footer lines."""
    file = file or sys.stdout
    if len(rows) <= RICH_ROW_LIMIT and file.isatty() and not os.environ.get("NO_COLOR"):
        _print_rich(columns, rows, footer, file)
    else:
        _print_plain(columns, rows, footer, file)


def _print_rich(columns: Sequence[Column], rows: Sequence[tuple[str, ...]], footer: list[str],
                file: IO[str]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    def cell(text: str) -> Text:
        if text in ("input", "const"):
            return Text(text, style="dim")
        if text.endswith(FLAG):
            return Text(text, style="bold reverse")
        return Text(text)

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for column in columns:
        table.add_column(column.title, justify=column.justify,
                         style=column.style, no_wrap=column.title == "computes")
    for row in rows:
        table.add_row(*(cell(text) for text in row))
    console = Console(file=file, highlight=False)
    console.print(table)
    for line in footer:
        console.print(cell(line))


def _print_plain(columns: Sequence[Column], rows: Sequence[tuple[str, ...]], footer: list[str],
                 file: IO[str]) -> None:
    widths = [len(c.title) for c in columns]
    for row in rows:
        for i, text in enumerate(row):
            if len(text) > widths[i]:
                widths[i] = len(text)
    justify = [c.justify for c in columns]

    def line(cells: Sequence[str]) -> str:
        parts = []
        for text, width, how in zip(cells, widths, justify):
            if how == "right":
                parts.append(text.rjust(width))
            elif how == "center":
                parts.append(text.center(width))
            else:
                parts.append(text.ljust(width))
        return _GAP.join(parts).rstrip()

    write = file.write
    write(line([c.title for c in columns]) + "\n")
    write(_rule_character(file) * (sum(widths) + len(_GAP) * (len(widths) - 1)) + "\n")
    for row in rows:
        write(line(row) + "\n")
    for text in footer:
        write(text + "\n")


def _rule_character(file: IO[str]) -> str:
    """The header rule's character: a box-drawing line, or "-" where the output's encoding
    (an ASCII terminal, say) has no such line."""
    try:
        "─".encode(getattr(file, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return "-"
    return "─"
