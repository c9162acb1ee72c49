"""Where programs and values come from: the command line, a file, or stdin.

A program is text (``-f model.bp``, ``@model.bp`` or ``-`` for stdin); values are a JSON
object of name -> number (``--values vals.json``). Every problem is a one-line error that
names the file.
"""

from __future__ import annotations

import json
import math
import sys
from typing import IO

from .errors import BackpropvizError, ValuesError, shorten

__all__ = ["SourceError", "read_text", "parse_values"]


class SourceError(BackpropvizError):
    """A program or values file cannot be read."""


def read_text(path: str, what: str, stdin: IO[str] | None = None, limit: int = -1) -> str:
    """The UTF-8 text of ``path`` ('-' is stdin); ``what`` names it in errors. With a
    ``limit``, at most that many characters are read (the caller rejects longer text)."""
    size = 4 * limit if limit > 0 else -1  # UTF-8: at most 4 bytes a character
    if path == "-":
        stream = stdin or sys.stdin
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a text-only stream: already decoded
            return stream.read(limit)
        data = buffer.read(size)
        path = "stdin"
        return _decode(data, what, path, limit, size)
    try:
        with open(path, "rb") as handle:
            data = handle.read(size)
    except FileNotFoundError:
        raise SourceError(f"{what} '{path}' does not exist") from None
    except IsADirectoryError:
        raise SourceError(f"{what} '{path}' is a folder, not a file") from None
    except OSError as exc:
        raise SourceError(f"cannot read {what} '{path}': {exc.strerror}") from None
    return _decode(data, what, path, limit, size)


def _decode(data: bytes, what: str, path: str, limit: int, size: int) -> str:
    truncated = limit > 0 and len(data) == size  # then surely too long: just measure
    try:
        return data.decode("utf-8-sig", errors="ignore" if truncated else "strict")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{what} '{path}' is not UTF-8 text (byte {exc.start + 1})") from None


class DuplicateKey(ValueError):
    """A JSON object names the same key twice (json keeps the last one silently)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object as a dict, refusing a key given twice: ``{"x": 1, "x": 2}`` is
    almost surely a typo, as ``--x 1 --x 2`` is."""
    doc: dict[str, object] = {}
    for key, value in pairs:
        if key in doc:
            raise DuplicateKey(key)
        doc[key] = value
    return doc


def parse_values(text: str, origin: str) -> dict[str, float]:
    """A JSON object of name -> finite number; ``origin`` names the source in errors."""
    try:
        # NaN and Infinity parse; the loop below rejects them by name
        doc = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise ValuesError(f"{origin}: not valid JSON: {exc.msg} at line {exc.lineno}, "
                          f"column {exc.colno}") from None
    except DuplicateKey as exc:
        raise ValuesError(f"{origin}: '{shorten(exc.key)}' is given more than once") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        reason = ("a number has too many digits" if "digits" in str(exc)
                  else shorten(str(exc), 80))
        raise ValuesError(f"{origin}: {reason}") from None
    except RecursionError:
        raise ValuesError(f"{origin}: nested too deeply; expected a JSON object of "
                          "name: number") from None
    if not isinstance(doc, dict):
        raise ValuesError(f"{origin}: expected a JSON object of name: number, "
                          f"got {type(doc).__name__ if doc is not None else 'null'}")
    values: dict[str, float] = {}
    for name, value in doc.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValuesError(f"{origin}: the value of '{name}' is not a number: "
                              f"{json.dumps(value)[:40]}")
        number = float(value) if abs(value) < 1e308 or isinstance(value, float) else math.inf
        if not math.isfinite(number):
            raise ValuesError(f"{origin}: the value of '{name}' is not a finite number")
        values[name] = number
    return values
