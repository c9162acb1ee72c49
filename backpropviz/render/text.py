"""Short one-line excerpts of the expression for tables and messages."""

from __future__ import annotations

__all__ = ["excerpt"]


def excerpt(text: str, start: int, end: int, width: int = 48) -> str:
    """``text[start:end]`` on one line, shortened in the middle to ``width`` characters.

    Only the shown characters are sliced, so excerpting every node of a 100,000-node
    expression stays linear.
    """
    if end - start <= width:
        piece = text[start:end]
    else:
        half = (width - 1) // 2
        piece = text[start:start + half] + "…" + text[end - (width - 1 - half):end]
    return " ".join(piece.split())
