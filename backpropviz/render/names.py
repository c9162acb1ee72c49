"""Variable names as a teacher writes them: ``w0`` as w with subscript 0, ``x_1`` as x with
subscript 1, ``theta`` as the Greek letter, and an element of a matrix ``W_0_1`` as W with
subscript 01 (``W_10_2`` as W with 10,2).

Two spellings: Graphviz HTML-like markup for diagrams, and plain Unicode for captions (digits
become subscript digits; a subscript with letters stays ``x_in``, Unicode has no letters for
most of them).
"""

from __future__ import annotations

import re
from html import escape

from ..steps import MARK

__all__ = ["GREEK", "SUBSCRIPT_DIGITS", "label_text", "name_html", "name_text"]

_LETTERS = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron "
            "pi rho sigma tau upsilon phi chi psi omega").split()
#: Greek letter names (lower case, and capitalised for the capital letter) -> the letter.
GREEK = {name: chr(0x3B1 + i + (i > 16)) for i, name in enumerate(_LETTERS)}  # (skip final ς)
GREEK.update({name.capitalize(): chr(0x391 + i + (i > 16)) for i, name in enumerate(_LETTERS)})

_DIGITS_AFTER = re.compile(r"([A-Za-z]+?)_?(\d+)")
SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def label_text(text: str) -> str:
    """``text`` inside a Graphviz HTML-like label: markup escaped, and each backslash
    doubled (Graphviz expands ``\\G``, ``\\N``, ``\\l`` ... even there, entities too)."""
    return escape(text).replace("\\", "\\\\")


def _split(name: str) -> tuple[str, str]:
    """(base, subscript): ``w0`` -> (w, 0), ``x_in`` -> (x, in), ``theta`` -> (theta, '')."""
    match = _DIGITS_AFTER.fullmatch(name)
    if match:
        return match.group(1), match.group(2)
    base, sep, sub = name.partition("_")
    if sep and base and sub:
        return base, _indices(sub)
    return name, ""


def _indices(sub: str) -> str:
    """An element's indices ``0_1`` as ``01`` (``10_2`` as ``10,2``); other text as is."""
    parts = sub.split("_")
    if len(parts) < 2 or not all(p.isdigit() for p in parts):
        return sub
    return ("" if all(len(p) == 1 for p in parts) else ",").join(parts)


def name_html(name: str, size: int | None = None, least: int = 0) -> str:
    """``name`` as Graphviz HTML-like text, with ``<sub>`` and Greek letters; a subscript
    is set at 70% of ``size`` points, or ``least`` points if more (a name set as small as
    the numbers would get subscripts smaller than anything else in the picture). A
    version's mark stays after the subscript (``w0′`` -> w<sub>0</sub>′)."""
    mark = MARK.search(name)
    if mark:
        return name_html(name[:mark.start()], size, least) + label_text(mark.group())
    base, sub = _split(name)
    text = label_text(GREEK.get(base, base))
    if sub:
        sub = label_text(GREEK.get(sub, sub))
        if size:
            sub = f'<font point-size="{max(round(size * 0.7), least)}">{sub}</font>'
        text += f"<sub>{sub}</sub>"
    return text


def name_text(name: str) -> str:
    """``name`` as plain Unicode: ``w0`` -> w₀, ``theta_1`` -> θ₁, ``x_in`` -> x_in; a
    version's mark stays at the end (``w0′`` -> w₀′)."""
    mark = MARK.search(name)
    if mark:
        return name_text(name[:mark.start()]) + mark.group()
    base, sub = _split(name)
    base = GREEK.get(base, base)
    if not sub:
        return base
    if sub.replace(",", "").isdigit():
        return base + sub.translate(SUBSCRIPT_DIGITS)
    return f"{base}_{GREEK.get(sub, sub)}"
