"""How numbers are shown to people: fixed decimals, with nan/inf spelled out."""

from __future__ import annotations

import math
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from ..choices import DIAGRAM_DECIMALS

if TYPE_CHECKING:
    from ..graph import Graph

__all__ = ["fixed", "fixed_point", "point_places", "summand", "is_flagged", "shown", "agreeing_decimals", "EXTRA_DECIMALS",
           "figure_decimals", "figure_number"]

#: At most this many more decimals make displayed arithmetic add up; beyond, it says ≈.
EXTRA_DECIMALS = 4


def fixed(value: float, decimals: int, tiny_as_zero: bool = False) -> str:
    """``value`` with ``decimals`` decimals, as CS231n's figures show it (-0.534 -> "-0.53").

    Values too large or too small (but not zero) for fixed notation use e-notation, so a
    tiny gradient never shows as a misleading 0.00 (unless ``tiny_as_zero``: a figure's
    column of 0.20s reads better with 0.00 than with 1.3e-03); nan and inf are spelled out.
    """
    if value != value:
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    magnitude = abs(value)
    tiny = 0 < magnitude < 0.5 * 10.0 ** -decimals
    if magnitude >= 1e9 or (tiny and not tiny_as_zero):
        return f"{value:.{max(decimals - 1, 1)}e}"
    text = f"{value:.{decimals}f}"
    if text[0] == "-" and float(text) == 0:
        text = text[1:]  # -0.00 would suggest a sign the value does not have at this precision
    return text


def fixed_point(value: float, decimals: int) -> str:
    """:func:`fixed`, but a tiny value keeps fixed point with up to :data:`EXTRA_DECIMALS`
    more decimals, as many as its e-notation's digits (a chain-rule line's ``-0.0046``
    beside ``0.50``, not ``-4.6e-03``); a value tinier still is in e-notation."""
    return fixed(value, point_places(value, decimals))


def point_places(value: float, decimals: int) -> int:
    """The decimals :func:`fixed_point` writes ``value`` with."""
    magnitude = abs(value)
    if math.isfinite(value) and 0 < magnitude < 0.5 * 10.0 ** -decimals:
        places = decimals - 1 - math.floor(math.log10(magnitude))
        if places <= decimals + EXTRA_DECIMALS:
            return places
    return decimals


def summand(value: float, places: int, decimals: int) -> str:
    """A term of a sum shown with ``places`` decimals (those that make the sum add up), or
    more where its own line, at ``decimals``, shows it with more (``-0.0046``, not the
    ``-0.005`` of 3 places, under a line that says ``-0.0046``)."""
    return fixed(value, max(places, point_places(value, decimals)))


@lru_cache(maxsize=1 << 16)
def shown(value: float, decimals: int) -> float:
    """The number a reader sees when ``value`` is shown with ``decimals`` decimals
    (remembered: a long explanation shows the same few numbers again and again)."""
    return float(fixed(value, decimals))


def agreeing_decimals(operands: Sequence[float], result: float,
                      combine: Callable[[list[float]], float], decimals: int
                      ) -> tuple[int, bool]:
    """The fewest decimals for the operands, from ``decimals`` up to :data:`EXTRA_DECIMALS`
    more, at which ``combine`` of them as shown gives the result as shown with ``decimals``
    (a student checking ``-0.14 * 7.39 = -1.00`` finds -1.03; ``-0.1353 * 7.389`` is -1.00),
    and whether any does: if not, the line says ≈."""
    if not all(math.isfinite(v) for v in operands) or not math.isfinite(result):
        return decimals, True  # (nan and inf are spelled out: nothing to add up)
    target = shown(result, decimals)
    for places in range(decimals, decimals + EXTRA_DECIMALS + 1):
        try:
            again = combine([shown(v, places) for v in operands])
        except ArithmeticError:  # (a divisor shown as 0.00: the line shows the division)
            return decimals, True
        if again == target or fixed_point(again, decimals) == fixed_point(result, decimals):
            return places, True
    return decimals, False


def figure_decimals(graph: Graph, precision: int | None) -> int:
    """The decimals of a figure: ``precision``, or for ``None`` (``--precision auto``) 0
    when every finite value and gradient (fork branches too) is a whole number, as in
    CS231n's first figure (-2, 5, -12), else 2 for all, as in its second (-2.00 next to
    0.37): one figure never mixes the two."""
    if precision is not None:
        return precision
    numbers = _figure_numbers(graph)
    whole = all(v == math.floor(v) and abs(v) < 1e9 for v in numbers if math.isfinite(v))
    return 0 if whole else DIAGRAM_DECIMALS


def figure_number(graph: Graph, precision: int | None) -> Callable[[float], str]:
    """How a figure of ``graph`` writes a number (see :func:`figure_decimals`); with
    ``--precision auto`` a value that rounds to 0 shows as 0.00, not in e-notation."""
    one = partial(fixed, decimals=figure_decimals(graph, precision),
                  tiny_as_zero=precision is None)
    if graph.store.shape is None:
        return one
    return lambda value: one(value) if isinstance(value, float) else _array_text(value, one)


#: Marks nan/inf numbers (and failed checks) in text.
FLAG = " !"

#: An array of at most this many numbers is written out in a figure; a bigger one as its
#: smallest and largest element.
FIGURE_CELLS = 16


def _array_text(value: Any, one: Callable[[float], str]) -> str:
    """An array as a figure writes it on one line: ``[[1.00, 2.00], [3.00, 4.00]]``, or
    ``-0.52..1.31`` when it has more than :data:`FIGURE_CELLS` numbers."""
    if value.size > FIGURE_CELLS:
        return f"{one(float(value.min()))}..{one(float(value.max()))}"
    return _nested(value.tolist(), one)


def _nested(rows: Any, one: Callable[[float], str]) -> str:
    if not isinstance(rows, list):
        return one(rows)
    return "[" + ", ".join(_nested(row, one) for row in rows) + "]"


def _figure_numbers(graph: Graph) -> Iterable[float]:
    """Every number a figure of ``graph`` shows: values, gradients and the wires' gradients."""
    for node in graph.nodes:
        yield from _elements(node.value)
        yield from _elements(node.grad)
    for wire in graph.wires():
        yield from _elements(wire.grad)


def _elements(value: Any) -> Iterable[float]:
    """A number, or each number of an array (none for a gradient not sent)."""
    if isinstance(value, float):
        return (value,)
    return () if value is None else value.ravel().tolist()


def is_flagged(value: float) -> bool:
    """True for nan and +-inf (in an array: any element), which every renderer marks."""
    if isinstance(value, float):
        return not math.isfinite(value)
    return not all(map(math.isfinite, _elements(value)))
