"""The notes' notation for lesson text: ``∂f/∂x`` for partials, ``·`` for products, ``x²``
for squares, and arithmetic written with numbers worked out again as shown, so a line adds
up when a student checks it."""

from __future__ import annotations

import ast
import math
import re
from functools import lru_cache
from typing import Callable

from .numbers import EXTRA_DECIMALS, fixed

__all__ = ["partial", "notes", "evaluate", "agreeing_text"]

_POWER = re.compile(r"\s*\*\*\s*(\d+)(?![\d.])")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_TO_PYTHON = (("·", "*"), ("²", "**2"), ("³", "**3"), ("^", "**"))


def partial(of: str, wrt: str) -> str:
    """The partial derivative of ``of`` with respect to ``wrt``: ``∂f/∂x``."""
    return f"∂{of}/∂{wrt}"


@lru_cache(maxsize=1 << 12)
def notes(text: str) -> str:
    """Python-style arithmetic (``x * y``, ``x**2``, ``2**x``) in the notes' notation
    (``x · y``, ``x²``, ``2^x``); small whole powers become superscripts."""
    text = _POWER.sub(lambda m: m.group(1).translate(_SUPERSCRIPT) if len(m.group(1)) == 1
                      else f"^{m.group(1)}", text)
    text = re.sub(r"\s*\*\*\s*", "^", text)
    return text.replace(" * ", " · ").replace("*", "·")


@lru_cache(maxsize=1 << 16)
def evaluate(text: str) -> float:
    """Work out arithmetic written in the notes' notation from its numbers (``+ - · / ²
    ^``, ``e`` for Euler's number), as a student with a calculator would. Only numbers
    and these operators are read: nothing is executed."""
    python = re.sub(r"\be\^", "E^", text)
    for old, new in _TO_PYTHON:
        python = python.replace(old, new)
    return _walk(ast.parse(python, mode="eval").body)


_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: float(a ** b)}


def _walk(node: ast.expr) -> float:
    """The value of a parsed arithmetic expression: numbers, E, + - * / ** only."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.Name) and node.id == "E":
        return math.e
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _walk(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_walk(node.left), _walk(node.right))
    raise ValueError(f"not arithmetic: {ast.dump(node)}")


def agreeing_text(numbers: Callable[[int], str], result: float, decimals: int
                  ) -> tuple[int, bool]:
    """The fewest decimals, from ``decimals`` up to :data:`EXTRA_DECIMALS` more, at which
    the arithmetic ``numbers(places)`` writes works out, as shown, to ``result`` as shown;
    and whether any does (if not, the line says ≈)."""
    if not math.isfinite(result):
        return decimals, True  # (nan and inf are spelled out: nothing to add up)
    target = fixed(result, decimals)
    for places in range(decimals, decimals + EXTRA_DECIMALS + 1):
        text = numbers(places)
        try:
            again = evaluate(text)
        except (ArithmeticError, ValueError, SyntaxError):  # (inf, nan, a 0.00 divisor)
            return decimals, True
        if fixed(again, decimals) == target:
            return places, True
    return decimals, False
