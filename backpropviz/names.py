"""Names as the language reads them, one rule for the parser and for every way a value
arrives (``--NAME``, ``--var``, ``--values``, ``trace()`` keywords)."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["NAME_PATTERN", "is_name", "normal_name"]

NAME_PATTERN = re.compile(r"[^\W\d]\w*")


def is_name(text: str) -> bool:
    """Whether ``text`` is a name as the parser reads one (``x₁`` is, though Python's
    ``isidentifier`` says no), so every variable can be given a value by name."""
    return NAME_PATTERN.fullmatch(text) is not None


def normal_name(name: str) -> str:
    """``name`` as Python reads an identifier: NFKC-normalised, so fullwidth ``ｘ`` is
    ``x`` and ``x₁`` is ``x1`` (unless the result is no name). ASCII is left as is."""
    if name.isascii():
        return name
    normal = unicodedata.normalize("NFKC", name)
    return normal if NAME_PATTERN.fullmatch(normal) else name
