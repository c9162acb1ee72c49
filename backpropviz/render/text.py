"""Short one-line excerpts of the expression for tables and messages, and the checks of a
title and a font name (the font reaches DOT, SVG and HTML attributes as it is)."""

from __future__ import annotations

import os
import re
import unicodedata

from ..lang import message
from typing import IO

from ..graph import Graph, Node

__all__ = ["excerpt", "computes", "wants_color", "font_problem", "text_problem", "MAX_FONT"]

MAX_FONT = 200  # characters of a font-family list
_FONT_CHARS = frozenset(" ,-")


def text_problem(text: str) -> str | None:
    """What keeps ``text`` (a title) out of a diagram, or None: Graphviz refuses control
    characters (newline and tab aside), and a byte that is not UTF-8 cannot be written."""
    for index, ch in enumerate(text):
        if "\ud800" <= ch <= "\udfff":  # how Python keeps a byte that is not UTF-8
            return message("known.text_not_utf8", at=index + 1)
        if not ch.isprintable() and ch not in "\n\t":
            key = "known.text_invisible" if unicodedata.category(ch) == "Cf" else "known.text_control"
            return message(key, char=ascii(ch), at=index + 1)
    return None


def font_problem(font: str) -> str | None:
    """What is wrong with ``font`` as a font-family list (letters, digits, spaces, '-' and
    ',' only), or None when it is fine."""
    if not any(ch.isalnum() for ch in font):
        return message("known.font_no_letters")
    if len(font) > MAX_FONT:
        return message("known.font_too_long", limit=MAX_FONT, length=f"{len(font):,}")
    for index, ch in enumerate(font):
        if not (ch.isalnum() or ch in _FONT_CHARS):
            shown = repr(ch) if ch.isprintable() else ascii(ch)
            return message("known.font_character", char=shown, at=index + 1)
    return None


def excerpt(text: str, start: int, end: int, width: int = 48) -> str:
    """``text[start:end]`` on one line, shortened in the middle to ``width`` characters.

    Only the shown characters are sliced, so excerpting every node of a 100,000-node
    expression stays linear.
    """
    if end - start <= width:
        piece = _uncommented(text[start:end])
    else:
        half = (width - 1) // 2
        piece = (_uncommented(text[start:start + half]) + "…"
                 + _uncommented(text[end - (width - 1 - half):end]))
    return " ".join(piece.split())


def computes(graph: Graph, node: Node, width: int = 48) -> str:
    """What ``node`` computes, as an excerpt (see :meth:`Graph.text`)."""
    text = graph.texts.get(node.id)
    if text is not None:
        return excerpt(text, 0, len(text), width)
    return excerpt(graph.expression, *node.span, width)


_COMMENT = re.compile(r"#[^\n]*")


def _uncommented(piece: str) -> str:
    """``piece`` without its comments: '#' to the end of the line (the grammar has no
    strings, so a '#' always starts one). A comment inside a statement that spans lines
    would otherwise show as part of it."""
    return _COMMENT.sub("", piece) if "#" in piece else piece


def wants_color(file: IO[str]) -> bool:
    """Whether output on ``file`` is drawn by rich in colour when no --color says: on a
    terminal, unless NO_COLOR is set; anywhere when FORCE_COLOR is set (NO_COLOR wins)."""
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or file.isatty()
