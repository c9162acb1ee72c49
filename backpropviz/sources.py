"""Reading a program or a values file: a file, or stdin.

A program is text (``-f model.bp``, ``@model.bp`` or ``-`` for stdin); a values file
(``--values vals.json``) is text that :func:`backpropviz.values.parse_values` reads. Every
problem is a one-line error that names the file. Text is read a chunk at a time and
refused as soon as it passes the limit, so ``/dev/zero`` or an endless stdin stops there.
"""

from __future__ import annotations

import codecs
import sys
from typing import IO, Callable, Union

from .errors import BackpropvizError, LimitError, shorten
from .lang import message, os_reason

__all__ = ["SourceError", "read_text", "CHUNK"]

CHUNK = 1 << 20  # bytes (or characters, from a text-only stream) read at a time

Reader = Callable[[int], Union[bytes, str]]

#: What ``what`` names (its key in the catalogues), and the same without "file".
_WHAT = {"program file": ("source.program_file", "source.program"),
         "values file": ("source.values_file", "source.values")}


def _said(what: str, noun: bool = False) -> str:
    """``what`` ("program file", "values file") as a message says it (``noun``: without
    "file", as in "cannot read the program from stdin")."""
    keys = _WHAT.get(what)
    if keys is None:
        return what.replace(" file", "") if noun else what
    return message(keys[noun])


class SourceError(BackpropvizError):
    """A program or values file cannot be read."""


def read_text(path: str, what: str, stdin: IO[str] | None = None, limit: int = -1) -> str:
    """The UTF-8 text of ``path`` ('-' is stdin); ``what`` names it in errors. Text of more
    than ``limit`` characters (--max-size) is a :class:`LimitError`, raised while reading."""
    if path == "-":
        return _read_stdin(stdin or sys.stdin, what, limit)
    try:
        with open(path, "rb") as handle:
            return _read(handle.read, what, path, limit)
    except FileNotFoundError:
        raise SourceError(message("source.missing", what=_said(what), path=path)) from None
    except IsADirectoryError:
        raise SourceError(message("source.folder", what=_said(what), path=path)) from None
    except OSError as exc:
        raise SourceError(message("source.unreadable", what=_said(what), path=path,
                                  error=os_reason(exc))) from None


def _read_stdin(stream: IO[str] | None, what: str, limit: int) -> str:
    """The text on stdin; a closed or unreadable stdin is a one-line error."""
    noun = _said(what, noun=True)  # the program, the values
    if stream is None or getattr(stream, "closed", False):  # started with `<&-`
        raise SourceError(message("source.stdin", noun=noun,
                                  reason=message("source.stdin_closed")))
    reader: Reader = getattr(stream, "buffer", stream).read  # text-only: already decoded
    try:
        return _read(reader, what, message("word.stdin"), limit)
    except (OSError, ValueError) as exc:  # e.g. a write-only descriptor, a closed file
        reason = getattr(exc, "strerror", None) or shorten(str(exc), 80)
        raise SourceError(message("source.stdin", noun=noun, reason=reason)) from None


def _read(read: Reader, what: str, path: str, limit: int) -> str:
    """Read ``read`` to its end, a chunk at a time, decoding UTF-8 as it goes; stop with
    an error once the text has more than ``limit`` characters (no limit when negative)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pieces: list[str] = []
    count = done = 0  # characters decoded, bytes read
    while True:
        chunk = read(CHUNK)
        if isinstance(chunk, str):
            text = chunk
        else:
            text = _decode(decoder, chunk, not chunk, done, what, path)
            done += len(chunk)
        count += len(text)
        if 0 <= limit < count:
            flag = message("source.values_flag") if what.startswith("values") else ""
            raise LimitError(message("source.too_long", path=shorten(path), flag=flag,
                                     limit=f"{limit:,}"))
        pieces.append(text)
        if not chunk:
            return "".join(pieces)


def _decode(decoder: codecs.IncrementalDecoder, chunk: bytes, final: bool, done: int,
            what: str, path: str) -> str:
    """``chunk`` decoded; a byte that is not UTF-8 is an error naming its place."""
    pending = len(decoder.getstate()[0])  # bytes of a character cut by the last chunk
    try:
        return decoder.decode(chunk, final)
    except UnicodeDecodeError as exc:
        at = done - pending + exc.start + 1
        raise SourceError(message("source.not_utf8", what=_said(what), path=path,
                                  byte=at)) from None
