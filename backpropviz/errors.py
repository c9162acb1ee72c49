"""The errors a user can cause; the CLI prints each as a short message and exits 2."""

from __future__ import annotations

from typing import Iterable

__all__ = ["BackpropvizError", "BackpropvizWarning", "ExpressionSyntaxError", "ValuesError", "RenderError",
           "LimitError", "UnknownName", "shorten", "name_list", "close_match", "did_you_mean"]

_WINDOW = 60  # characters of context shown on each side of a caret
TYPO_CUTOFF = 0.75  # difflib's similarity ratio from which a name reads as a typo of another


def shorten(text: str, width: int = 40) -> str:
    """User text quoted in a message: at most ``width`` characters, control characters
    escaped, so a message stays one readable line whatever was typed."""
    half = (width - 3) // 2
    shown = text if len(text) <= width else text[:half] + "..." + text[-half:]
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in shown)


def name_list(names: "list[str] | tuple[str, ...]", most: int = 8, sep: str = ", ") -> str:
    """Names for a message: the first ``most`` of them, then how many there are in all."""
    from .lang import message

    shown = sep.join(shorten(name) for name in names[:most])
    return shown if len(names) <= most else message("error.names_more", shown=shown, sep=sep,
                                                     count=f"{len(names):,}")


def close_match(name: str, choices: Iterable[str], cutoff: float = TYPO_CUTOFF) -> str | None:
    """The one of ``choices`` that ``name`` looks like a typo of (difflib's ratio at least
    ``cutoff``), or None."""
    import difflib

    choices = list(choices)
    same = [choice for choice in choices if choice.casefold() == name.casefold()]
    close = same or difflib.get_close_matches(name, choices, n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """``; did you mean 'x'?`` when ``name`` looks like a typo of one of ``choices``."""
    from .lang import message

    close = close_match(name, choices, cutoff=0.6)  # names are short: x for xx
    return "" if close is None else message("error.did_you_mean", name=shorten(close))


class BackpropvizError(Exception):
    """Base class: bad input or an unusable environment, never a bug."""


class BackpropvizWarning(UserWarning):
    """What looks wrong but is allowed: a value or gradient that is nan or inf, a name
    assigned and never used (the command prints these as ``warning: ...``)."""


class ExpressionSyntaxError(BackpropvizError):
    """The text is not in the grammar. ``line`` and ``column`` are 1-based; the message
    names the line only for text of several lines."""

    def __init__(self, message: str, text: str, pos: int, hint: str = "") -> None:
        self.reason = message
        self.hint = hint
        self.text = text
        self.pos = pos
        self.line_start = text.rfind("\n", 0, pos) + 1
        self.line = text.count("\n", 0, pos) + 1
        self.column = pos - self.line_start + 1
        super().__init__(self.describe("\n" in text))

    def describe(self, with_line: bool, lang: str = "en") -> str:
        """The message with its place: ``line L, column C`` or just ``column C``, in
        ``lang`` (English is what ``str()`` of the error says)."""
        from .lang import localize, say

        where = (say("parse.at_line", lang, line=self.line, column=self.column) if with_line
                 else say("parse.at_column", lang, column=self.column))
        return say("parse.located", lang, reason=localize(self.reason, lang), where=where,
                   hint=localize(self.hint, lang) if self.hint else "")

    def caret(self) -> str:
        """Two lines: the offending line (a window of it when long) and a caret under the
        column."""
        line_end = self.text.find("\n", self.pos)
        if line_end < 0:
            line_end = len(self.text)
        if line_end > self.line_start and self.text[line_end - 1] == "\r":
            line_end -= 1  # a CRLF file
        start = max(self.line_start, self.pos - _WINDOW)
        end = min(line_end, self.pos + _WINDOW)
        prefix = "..." if start > self.line_start else ""
        suffix = "..." if end < line_end else ""
        shown = "".join(ch if ch.isprintable() else "?" for ch in self.text[start:end])
        before = prefix + shown[:self.pos - start]  # (a Chinese character is two columns)
        return f"  {prefix}{shown}{suffix}\n  {' ' * _columns(before)}^"


def _columns(text: str) -> int:
    """How many terminal columns ``text`` takes: wide (CJK) characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


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


class LimitError(BackpropvizError):
    """The input is bigger than a limit that keeps the tool responsive; the message names
    the option that raises it."""


class UnknownName(BackpropvizError, KeyError):
    """``graph[name]`` for a name that is not one of the graph's variables; a KeyError too,
    as any failed lookup by key is."""

    __str__ = BackpropvizError.__str__  # the message, not KeyError's quoted repr of it
