"""How a diagram fills a slide: the layout whose smallest text is biggest once fitted.

Three levers, tried in this order while the smallest text is under a target
(:data:`~backpropviz.choices.SLIDE_TEXT_PX` for ``--slide``): bigger type (the wires do
not grow longer with it, only thicker, so the text takes a larger share of the picture),
rows (a picture wider than the slide cut into 2, 3 ... rows, see render.wrap; top to
bottom, a taller one into columns), and names on a line above their wires' values
(narrower labels). Each layout costs a Graphviz run; a graph gets a budget of runs by its
size, so a big one is not laid out dozens of times.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Callable, NamedTuple

from ..choices import SLIDE_TEXT_PX
from .dot import Style
from .slide import Fit, fit

__all__ = ["Layout", "best_layout"]

TYPE_TRIES = 5  # layouts with bigger type, at most, for one count of rows
MAX_TYPE = 14.0  # type grows to at most this many times its size
ROWS = (2, 3, 4, 5, 6)  # a picture wider than the slide is tried in rows (TB: columns)
RUNS = 40  # Graphviz runs for one slide, at most ...
RUN_NODES = 2_200  # ... and at most this many nodes' worth (a 500-node graph: 4 runs)
MIN_RUNS = 4

#: Draws the diagram in ``style`` in ``rows`` rows, cut where ``across`` has its gates: SVG.
Draw = Callable[[Style, int, "dict[str, float] | None"], bytes]


class Layout(NamedTuple):
    """A layout tried: its style (type size), rows, SVG and fit, and where each gate sits
    along the one-row layout (where the rows are cut)."""

    style: Style
    rows: int
    svg: bytes
    fit: Fit
    across: dict[str, float] | None = None


class _Search:
    """The layouts tried for one slide, within a budget of Graphviz runs."""

    def __init__(self, draw: Draw, slide: tuple[int, int], nodes: int, target: float) -> None:
        self.draw, self.slide, self.target = draw, slide, target
        self.runs = max(MIN_RUNS, min(RUNS, RUN_NODES // max(nodes, 1)))

    def layout(self, style: Style, rows: int, across: dict[str, float] | None
               ) -> Layout | None:
        """The diagram laid out so, or None once the budget is spent."""
        if self.runs <= 0:
            return None
        self.runs -= 1
        svg = self.draw(style, rows, across)
        return Layout(style, rows, svg, fit(svg, self.slide), across)


def best_layout(draw: Draw, style: Style, slide: tuple[int, int], nodes: int,
                names_on_wires: bool, drawn: bytes | None = None,
                target: float = SLIDE_TEXT_PX, arrays: bool = False, expression: bool = False
                ) -> Layout:
    """The first layout whose smallest text is ``target`` px on the ``slide``, or else the
    one with the biggest: as it is, with bigger type, in rows (a picture wider than the
    slide, or one long ``expression``, cut along its running total, which straightens the
    staircase one row of it can be; top to bottom, in columns), names above their values
    or beside them (when the wires carry names: ``names_on_wires``), and, with ``arrays``,
    their grids set compactly. ``drawn``: the one-row SVG, if made already."""
    search = _Search(draw, slide, nodes, target)
    first = (Layout(style, 1, drawn, fit(drawn, slide)) if drawn is not None
             else search.layout(style, 1, None))
    assert first is not None  # (the budget is at least MIN_RUNS)
    best = _scaled(search, first)
    aspect, shape = best.fit.width / best.fit.height, slide[0] / slide[1]
    if best.fit.text_px < target and (expression or (
            aspect > shape if style.direction == "LR" else aspect < shape)):  # (TB: columns)
        # (top to bottom, a name beside its value makes the value's half of the label, and
        # so the gradient's, as wide as both: columns are tried with names above first)
        lead = replace(style, names_above=names_on_wires and style.direction == "TB")
        best = _in_rows(search, lead, best)
    if best.fit.text_px < target and names_on_wires:  # (in the rows found, and in one)
        flipped = replace(style, names_above=not best.style.names_above)
        tries = [(best.rows, best.across)] + ([(1, None)] if best.rows > 1 else [])
        for rows, across in tries:
            other = search.layout(flipped, rows, across) if best.fit.text_px < target else None
            if other is not None:
                best = max(best, _scaled(search, other, beat=best.fit.text_px),
                           key=lambda layout: layout.fit.text_px)
    if best.fit.text_px < target and arrays:
        best = _compact(search, replace(style, names_above=best.style.names_above), best)
    return _aligned(search, best) if best.style.collapse and best.rows > 1 else best


def _compact(search: _Search, style: Style, best: Layout) -> Layout:
    """``best``, or the picture with its arrays set compactly (render.arrays) in as many
    rows or one more each time while that makes the text bigger (a column vector on one
    line leaves a row room for more): the last lever, as closer set grids are harder to
    read than the usual ones."""
    across = best.across or gates_across(best.svg, style.direction)
    found, compact = best, replace(style, compact=True)
    for rows in range(best.rows, ROWS[-1] + 1):
        start = search.layout(compact, rows, across if rows > 1 else None)
        if start is None:
            break
        tried = _scaled(search, start)  # (no early stop: the small type misleads)
        if tried.fit.text_px <= found.fit.text_px and rows > best.rows:
            break
        found = max(found, tried, key=lambda layout: layout.fit.text_px)
        if found.fit.text_px >= search.target:
            break
    return found


def _aligned(search: _Search, best: Layout) -> Layout:
    """Statement boxes in rows with each row's first box in one column (render.wrap), if
    that is not smaller: the rows no longer stand each further right than the last, but a
    connector column more can cost a wide picture its size (micrograd's README 24 -> 20)."""
    aligned = search.layout(replace(best.style, aligned=True), best.rows, best.across)
    return aligned if aligned is not None and aligned.fit.text_px >= best.fit.text_px else best


def _in_rows(search: _Search, style: Style, one_row: Layout) -> Layout:
    """The best of the picture in 2, 3 ... rows (:data:`ROWS`), cut where the one-row
    layout has its gates: more rows until one reaches the target or does worse than one
    row fewer (past the best count, each row more only makes the picture taller)."""
    across = gates_across(one_row.svg, style.direction)
    best, last, size = one_row, one_row.fit.text_px, (0.0, 0.0)
    for rows in ROWS:
        start = search.layout(style, rows, across)
        if start is None:
            break
        if (start.fit.width, start.fit.height) == size:  # (the same cut: statements whole)
            continue
        size = start.fit.width, start.fit.height
        tried = _scaled(search, start, beat=best.fit.text_px)
        if tried.fit.text_px > best.fit.text_px:
            best = tried
        if best.fit.text_px >= search.target or tried.fit.text_px < last:
            break
        last = tried.fit.text_px
    return best


def _scaled(search: _Search, start: Layout, beat: float = 0.0) -> Layout:
    """``start`` laid out again with bigger type while its smallest text is under the
    target; given up once it is seen not to ``beat`` that many px however big its type."""
    best, tried, dipped = start, [(1.0, start.fit.text_px)], False
    for _ in range(TYPE_TRIES):
        factor = _next_factor(tried, search.target)
        if dipped:  # (the layout changed with the type: one more try, half again as big)
            factor = min(tried[-1][0] * 1.5, MAX_TYPE)
        if best.fit.text_px >= search.target or factor <= tried[-1][0]:
            break
        again = search.layout(_type_scaled(start.style, factor), start.rows, start.across)
        if again is None:
            break
        tried.append((factor, again.fit.text_px))
        if again.fit.text_px <= best.fit.text_px:
            if dipped:
                break
            dipped = True
            continue
        best, dipped = again, False
        if _line(tried)[1] * beat >= 1:  # (its type growing without end stays under beat)
            break
    return best


def _next_factor(tried: list[tuple[float, float]], target: float) -> float:
    """The type factor to try next, from the (factor, smallest text px) tried so far. A
    picture is wires (fixed) plus text (growing with the factor), so 1/px is a straight
    line in 1/factor: the factor where the last two tries' line reaches ``target`` px, or
    (out of its reach, or from one try) a step up, at most :data:`MAX_TYPE`."""
    factor, px = tried[-1]
    step = factor * min(target / max(px, 1.0) * 1.05, 1.6)
    if len(tried) > 1:
        slope, intercept = _line(tried)
        inverse = (1 / target - intercept) / slope if slope > 0 else 0.0
        step = 1.03 / inverse if inverse > 0 else factor * 1.6
    return min(max(step, factor * 1.1), MAX_TYPE)


def _line(tried: list[tuple[float, float]]) -> tuple[float, float]:
    """(slope, intercept) of 1/px against 1/factor through the last two tries: 1/intercept
    is the px the type reaches as it grows without end."""
    (f0, p0), (f1, p1) = tried[-2], tried[-1]
    slope = (1 / p1 - 1 / p0) / (1 / f1 - 1 / f0)
    return slope, 1 / p1 - slope / f1


def _type_scaled(style: Style, factor: float) -> Style:
    """``style`` with every text size multiplied by ``factor``, and lines by about as much
    (they would be hairlines once the picture is shrunk to fit)."""
    return replace(style, gate_size=round(style.gate_size * factor), line=max(round(factor), 1),
                   number_size=round(style.number_size * factor),
                   name_size=round(style.name_size * factor),
                   caption_size=round(style.caption_size * factor))


def gates_across(svg: bytes, direction: str = "LR") -> dict[str, float]:
    """Where each node of a drawing sits along it: the x of its shape left to right, the y
    top to bottom."""
    ns = "{http://www.w3.org/2000/svg}"
    where = {}
    for group in ET.fromstring(svg).iter(f"{ns}g"):
        if group.get("class") == "node":
            shape = group.find(f"{ns}ellipse")
            if shape is not None:
                where[group.findtext(f"{ns}title") or ""] = float(
                    shape.get("cx" if direction == "LR" else "cy") or 0)
    return where
