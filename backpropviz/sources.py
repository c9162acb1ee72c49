"""Reading a program or a values file: a file, or stdin.

A program is text (``-f model.bp``, ``@model.bp`` or ``-`` for stdin); a values file
(``--values vals.json``) is text that :func:`backpropviz.values.parse_values` reads. Every
problem is a one-line error that names the file.
"""

from __future__ import annotations

import sys
from typing import IO

from .errors import BackpropvizError

__all__ = ["SourceError", "read_text"]


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
