"""Short one-line excerpts of the expression for tables and messages."""

from __future__ import annotations

import os
import re
from typing import IO

from ..graph import Graph, Node

__all__ = ["excerpt", "computes", "wants_color"]


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
