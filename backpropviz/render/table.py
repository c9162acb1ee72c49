"""Terminal tables: the graph (one row per node in evaluation order, then the output
value) and the ``--check`` report.

In a terminal, rich draws them with colour. Piped, with ``NO_COLOR`` set (rich would still
send bold and reverse video), or when a table is too big for rich to lay out quickly, the
same cells are written as plain aligned text, which stays linear in the number of rows.
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Iterator, Literal, Sequence

from ..graph import Graph
from ..lang import LANGS, localize, say
from .numbers import FLAG, fixed, is_flagged
from .text import computes, excerpt, wants_color

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.table import Table
    from rich.text import Text

    from ..check import CheckReport
    from ..symbolic import ExactPass

__all__ = ["Column", "TableView", "node_table", "check_table", "render_table", "render_check",
           "table_rows", "print_table", "wants_color"]

TABLE_DECIMALS = 4
RICH_ROW_LIMIT = 2_000  # rich's layout costs ~0.7 ms a row; past this, plain text
EXACT_WIDTH = 40        # characters of an exact form shown in a cell
_GAP = "   "
COMPUTES = "table.computes"  # the column a narrow terminal shortens, then drops
MIN_COMPUTES = 10       # narrower than this, the computes column is dropped
SEPARATOR = 3           # characters between two columns of the rich table


@dataclass(frozen=True)
class Column:
    """A table column: title, justification, rich style, and whether it holds numbers
    (never cut: a narrow terminal shortens or drops the others, or stacks each row);
    ``key`` is its title's message key."""

    title: str
    justify: Literal["left", "center", "right"] = "left"
    style: str = ""
    number: bool = False
    key: str = ""


def _column(key: str, justify: Literal["left", "center", "right"] = "left", style: str = "",
            number: bool = False) -> Column:
    """A column titled by message ``key`` in the language in use."""
    return Column(say(key), justify, style, number, key)


def node_columns(exact: bool = False, shape: bool = False) -> tuple[Column, ...]:
    """The columns of the node table (with the exact forms' when ``exact``, and a shape
    after the gate's when values are arrays)."""
    columns: tuple[Column, ...] = (
        _column("table.number", "right", "dim"), _column("table.name", "left", "italic"),
        _column("table.gate", "center", "bold"))
    if shape:
        columns += (_column("table.shape", "right", "dim"),)
    columns += (_column(COMPUTES), _column("table.value", "right", "green", True),
                _column("table.grad", "right", "red", True))
    if exact:
        columns += (_column("table.exact_value", "left", "green", True),
                    _column("table.exact_grad", "left", "red", True))
    return columns


def table_rows(graph: Graph, decimals: int = TABLE_DECIMALS,
               exact: ExactPass | None = None, full: bool = False) -> list[tuple[str, ...]]:
    """The cells of every row; a nan/inf number is marked with a trailing ' !'. With
    arrays, a shape column follows the gate's, and ``full`` writes arrays out whole."""
    leaf = {"input": say("table.input"), "const": say("table.const")}
    if graph.store.shape is not None:
        from .arrays import array_rows

        return array_rows(graph, decimals, full, leaf)
    rows: list[tuple[str, ...]] = [
        (str(node.id), node.name or "", node.label if node.is_gate else leaf.get(node.op, node.op),
         computes(graph, node), _number(node.value, decimals),
         _number(node.grad, decimals))
        for node in graph.nodes
    ]
    if exact is not None:
        rows = [row + (_exact(exact.values[i]), _exact(exact.grads[i]))
                for i, row in enumerate(rows)]
    return rows


def node_table(graph: Graph, decimals: int = TABLE_DECIMALS,
               exact: ExactPass | None = None, full: bool = False) -> TableView:
    """The forward and reverse pass of ``graph``: one row per node, then the output."""
    out = graph.nodes[graph.output]
    footer = (say("table.output", name=graph.output_name or computes(graph, out),
                  value=_footer_value(out.value, decimals))
              + (say("table.exactly", exact=_exact(exact.values[out.id]))
                 if exact is not None else ""))
    columns = node_columns(exact is not None, graph.store.shape is not None)
    return TableView(columns, table_rows(graph, decimals, exact, full), [footer])


def render_table(graph: Graph, file: IO[str] | None = None, decimals: int = TABLE_DECIMALS,
                 exact: ExactPass | None = None, *, color: bool | None = None,
                 width: int | None = None, full: bool = False) -> None:
    """Print the forward and reverse pass of ``graph`` as a table on ``file`` (stdout)."""
    node_table(graph, decimals, exact, full).print(file, color=color, width=width)


def render_check(report: CheckReport, file: IO[str] | None = None,
                 decimals: int = TABLE_DECIMALS, *, color: bool | None = None,
                 width: int | None = None) -> None:
    """Print the ``--check`` report: backprop beside sympy and finite differences."""
    check_table(report, decimals).print(file, color=color, width=width)


def check_table(report: CheckReport, decimals: int = TABLE_DECIMALS) -> TableView:
    """The ``--check`` report: backprop beside sympy and finite differences."""
    digits = max(decimals, 6)
    columns = (_column("check.variable", "left", "italic"),
               _column("check.backprop", "right", "bold", True),
               _column("check.sympy", "right", "", True),
               _column("check.rel_err", "right", "dim", True),
               _column("check.finite_diff", "right", "", True),
               _column("check.rel_err", "right", "dim", True),
               _column("check.status", "left", "bold"))
    rows = []
    for c in report.checks:
        sym = say("check.skipped") if c.symbolic is None else fixed(c.symbolic, digits)
        sym_err = "" if c.symbolic_error is None else f"{c.symbolic_error:.1e}"
        status = say(f"status.{c.status}") + (FLAG if c.status == "mismatch" else "")
        rows.append((c.name, fixed(c.backprop, digits), sym, sym_err,
                     fixed(c.finite_difference, digits), f"{c.finite_difference_error:.1e}",
                     status))
    footer = [say("check.note", note=localize(note)) for note in report.notes]
    if report.kinks:
        footer.append(say("check.at_kink",
                          kinks=say("describe.join").join(localize(k) for k in report.kinks)))
    footer.append(_verdict(report))
    return TableView(columns, rows, footer)


def _footer_value(value: Any, decimals: int) -> str:
    """A value of the footer: a number, or (when values are arrays) an array."""
    if isinstance(value, float):
        return _number(value, decimals)
    from .arrays import array_cell

    return array_cell(value, decimals)


def _verdict(report: CheckReport) -> str:
    """The report's last line: passed (and how) or failed."""
    if not report.ok:
        return say("check.failed")
    if any(c.status == "kink" for c in report.checks):
        return say("check.passed_kink")
    undefined = [c.name for c in report.checks if c.status == "undefined"]
    if undefined:
        return say("check.passed_undefined", names=", ".join(undefined))
    return say("check.passed")


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
                file: IO[str] | None = None, *, color: bool | None = None,
                width: int | None = None) -> None:
    """Print rows under the columns, then the footer lines."""
    TableView(columns, rows, footer).print(file, color=color, width=width)


@dataclass(frozen=True)
class TableView:
    """A table: rich draws it fitted to the console (``rich.print(view)``), never cutting
    a number; ``str(view)`` is the plain aligned text (``print(view)``)."""

    columns: Sequence[Column]
    rows: Sequence[tuple[str, ...]]
    footer: list[str]

    def print(self, file: IO[str] | None = None, *, color: bool | None = None,
              width: int | None = None) -> None:
        """Print on ``file`` (stdout): by rich in colour when ``color`` (None: as
        :func:`wants_color` says) and the table is small enough, else as plain text."""
        file = file or sys.stdout
        rich = wants_color(file) if color is None else color
        if rich and len(self.rows) <= RICH_ROW_LIMIT:
            from rich.console import Console

            Console(file=file, highlight=False, width=width, force_terminal=True,
                    no_color=False).print(self)
        else:
            _print_plain(self.columns, self.rows, self.footer, file)

    def __str__(self) -> str:
        out = io.StringIO()
        _print_plain(self.columns, self.rows, self.footer, out)
        return out.getvalue().rstrip("\n")  # (print() adds the last newline)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython and Jupyter show the table itself, not the dataclass's fields."""
        printer.text(str(self))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = _widths(self.columns, self.rows)
        keep = _fit(self.columns, widths, options.max_width)
        if keep is None:
            yield from _stacked(self.columns, self.rows, options.max_width)
        else:
            yield _rich_table(self.columns, self.rows, keep)
        for line in self.footer:
            yield _cell(line)


def _widths(columns: Sequence[Column], rows: Sequence[tuple[str, ...]]) -> list[int]:
    """Each column's width on a terminal: its widest cell or title."""
    from rich.cells import cell_len

    widths = [cell_len(c.title) for c in columns]
    for row in rows:
        for i, text in enumerate(row):
            widths[i] = max(widths[i], cell_len(text))
    return widths


def _fit(columns: Sequence[Column], widths: list[int], room: int
         ) -> dict[int, int] | None:
    """The columns kept (index -> width) in ``room`` characters: all; or the computes
    column shortened, or dropped; None when even that is too wide (then rows stack)."""
    computes = next((i for i, c in enumerate(columns) if c.key == COMPUTES), None)
    everything = dict(enumerate(widths))
    if sum(widths) + SEPARATOR * (len(widths) - 1) <= room:
        return everything
    if computes is None:
        return None
    others = {i: w for i, w in everything.items() if i != computes}
    spare = room - sum(others.values()) - SEPARATOR * len(others)
    if spare >= MIN_COMPUTES:
        return {**everything, computes: spare}
    if sum(others.values()) + SEPARATOR * (len(others) - 1) <= room:
        return others
    return None


def _cell(text: str) -> Text:
    from rich.text import Text

    if text in _LEAVES:
        return Text(text, style="dim")
    if text.endswith(FLAG):
        return Text(text, style="bold reverse")
    return Text(text)


_LEAVES = frozenset(say(key, lang) for key in ("table.input", "table.const") for lang in LANGS)


def _rich_table(columns: Sequence[Column], rows: Sequence[tuple[str, ...]],
                keep: dict[int, int]) -> Table:
    """The rich table of the ``keep`` columns, each exactly its width (the computes
    column ends in '…' when shortened)."""
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for i, width in keep.items():
        column = columns[i]
        table.add_column(column.title, justify=column.justify,
                         style=column.style, no_wrap=True, overflow="ellipsis",
                         width=width)
    for row in rows:
        table.add_row(*(_cell(row[i]) for i in keep))
    return table


def _stacked(columns: Sequence[Column], rows: Sequence[tuple[str, ...]],
             room: int) -> Iterator[Text]:
    """Each row as a block for very narrow terminals: its words on one line, then each
    number on a line of its own under its column's title."""
    from rich.text import Text

    words = [i for i, c in enumerate(columns) if not c.number]
    numbers = [i for i, c in enumerate(columns) if c.number]
    label = max(_cells(columns[i].title) for i in numbers)
    widths = _widths(columns, rows)
    for row in rows:
        yield Text("  ".join(row[i] for i in words if row[i]), style="bold")
        for i in numbers:
            title, text = columns[i].title, row[i]
            if columns[i].justify == "right":
                text = _pad(text, widths[i], "right")
            if _cells(text) + label + 4 <= room:
                yield Text.assemble(f"  {_pad(title, label, 'left')}  ", (text, columns[i].style))
            else:  # a long exact form: under its title
                yield Text(f"  {title}")
                yield Text(text, style=columns[i].style)


def _print_plain(columns: Sequence[Column], rows: Sequence[tuple[str, ...]], footer: list[str],
                 file: IO[str]) -> None:
    widths = [_cells(c.title) for c in columns]
    for row in rows:
        for i, text in enumerate(row):
            if len(text) > widths[i] or not text.isascii():
                widths[i] = max(widths[i], _cells(text))
    justify = [c.justify for c in columns]

    def line(cells: Sequence[str]) -> str:
        parts = []
        for text, width, how in zip(cells, widths, justify):
            if not text.isascii():  # pad by terminal columns: 权重 takes four
                width -= _cells(text) - len(text)
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


_ASCII_RUN = re.compile("[\x00-\x7f]+")


def _cells(text: str) -> int:
    """The columns ``text`` takes on a terminal: East Asian wide characters (权重) take two."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    other = _ASCII_RUN.sub("", text)  # (rich measures long text slowly: only the rest)
    return len(text) - len(other) + cell_len(other)


def _pad(text: str, width: int, how: str) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (right or left)."""
    room = width - _cells(text) + len(text)
    return text.rjust(room) if how == "right" else text.ljust(room)


def _rule_character(file: IO[str]) -> str:
    """The header rule's character: a box-drawing line, or "-" where the output's encoding
    (an ASCII terminal, say) has no such line."""
    try:
        "─".encode(getattr(file, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return "-"
    return "─"
