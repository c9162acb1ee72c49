"""The errors a user can cause; the CLI prints each as a short message and exits 2."""

from __future__ import annotations

__all__ = ["BackpropvizError", "ExpressionSyntaxError", "ValuesError", "RenderError"]

_WINDOW = 60  # characters of context shown on each side of a caret


class BackpropvizError(Exception):
    """Base class: bad input or an unusable environment, never a bug."""


class ExpressionSyntaxError(BackpropvizError):
    """The expression text is not in the grammar; ``column`` is 1-based."""

    def __init__(self, message: str, text: str, pos: int, hint: str = "") -> None:
        self.reason = message
        self.text = text
        self.pos = pos
        self.column = pos + 1
        super().__init__(f"{message} at column {self.column}{hint}")

    def caret(self) -> str:
        """Two lines: the expression (a window of it when long) and a caret under the column."""
        start = max(0, self.pos - _WINDOW)
        end = min(len(self.text), self.pos + _WINDOW)
        prefix = "..." if start > 0 else ""
        suffix = "..." if end < len(self.text) else ""
        shown = "".join(ch if ch.isprintable() else "?" for ch in self.text[start:end])
        return f"  {prefix}{shown}{suffix}\n  {' ' * (len(prefix) + self.pos - start)}^"


class ValuesError(BackpropvizError):
    """A variable's value is missing, not a number, or given for a name the expression lacks.

    ``name`` is the offending name given, ``missing`` the variables left without a value.
    """

    def __init__(self, message: str, name: str | None = None,
                 missing: list[str] | None = None) -> None:
        super().__init__(message)
        self.name = name
        self.missing = missing or []


class RenderError(BackpropvizError):
    """An output cannot be produced or written (unknown format, no Graphviz, unwritable path)."""
