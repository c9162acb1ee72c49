"""The language of the human-facing words: ``--lang en|zh`` (default from ``LC_ALL``,
``LC_MESSAGES`` or ``LANG``, else English) and ``lang=`` in the Python API.

Messages live in one catalogue per language, a plain Python module each
(:mod:`backpropviz.messages_en`, :mod:`backpropviz.messages_zh`): a dict from a stable key to
a ``str.format`` template. Plain modules need no compile step and no data files, so a fresh
``pip install .`` and an editable install both carry them, and a test compares the two
catalogues key by key and placeholder by placeholder.

Machine output never changes with the language: text that also goes to ``--json`` (a
``--check`` note, a warning) is kept as an English :class:`Message`, which remembers its key
and fields, and is put into the reader's language only where it is printed
(:func:`localize`). Text made by modules that build English strings directly is matched
against the English templates and re-said in the reader's language when one fits.
"""

from __future__ import annotations

import functools
import os
import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterator, Mapping

__all__ = ["wrap", "LANGS", "Message", "say", "message", "localize", "current", "using",
           "os_reason",
           "default_lang", "catalogue", "placeholders", "WARNING", "warning_codes"]

LANGS = ("en", "zh")
_current: ContextVar[str | None] = ContextVar("backpropviz_lang", default=None)


def catalogue(lang: str) -> Mapping[str, str]:
    """The messages of ``lang``: key -> template (imported once: --explain says one per
    step)."""
    if lang not in _CATALOGUES:
        if lang == "zh":
            from .messages_zh import MESSAGES
        else:
            from .messages_en import MESSAGES
        _CATALOGUES[lang] = MESSAGES
    return _CATALOGUES[lang]


_CATALOGUES: dict[str, Mapping[str, str]] = {}


#: The start of the catalogue keys of warnings: each such key is the warning's stable code
#: (``--json`` writes it beside the English message), so renaming one is a breaking change.
WARNING = "warn."


def warning_codes() -> list[str]:
    """The codes a warning can have, sorted: the English catalogue's keys that start
    with :data:`WARNING`."""
    return sorted(key for key in catalogue("en") if key.startswith(WARNING))


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """The language the locale asks for: the first of LC_ALL, LC_MESSAGES, LANG that is
    set decides (zh_CN.UTF-8, zh_TW, zh: Chinese); anything else is English."""
    env = os.environ if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def current() -> str:
    """The language now in use: the one :func:`using` set, else the locale's."""
    lang = _current.get()
    return default_lang() if lang is None else lang


@contextmanager
def using(lang: str | None) -> Iterator[str]:
    """Say everything in ``lang`` (None: the locale's) inside the ``with`` block."""
    chosen = default_lang() if lang is None else lang
    if chosen not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def say(key: str, lang: str | None = None, /, **fields: Any) -> str:
    """The message ``key`` in ``lang`` (default: :func:`current`), its fields filled in."""
    return catalogue(lang or current())[key].format(**fields)


class Message(str):
    """An English message that remembers its key and fields, so that where it is printed it
    can be said in the reader's language (:func:`localize`); as a ``str`` it is English,
    which is what JSON and exceptions carry."""

    key: str
    fields: dict[str, Any]

    def __new__(cls, key: str, **fields: Any) -> Message:
        text = super().__new__(cls, say(key, "en", **fields))
        text.key = key
        text.fields = fields
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (a --check worker sends its notes back) as key and fields."""
        return _rebuild, (self.key, self.fields)


def _rebuild(key: str, fields: dict[str, Any]) -> Message:
    return Message(key, **fields)


def message(key: str, **fields: Any) -> Message:
    """The English :class:`Message` ``key`` with its fields."""
    return Message(key, **fields)


#: The operating system's words for the errors a user meets, as English messages (the
#: text Linux gives them), so they are said in the reader's language too.
OS_ERRORS = {"ENOENT": "os.no_such_file", "EACCES": "os.permission", "EPERM": "os.not_permitted",
             "ENOSPC": "os.no_space", "EISDIR": "os.is_directory", "ENOTDIR": "os.not_directory",
             "EROFS": "os.read_only", "EEXIST": "os.exists"}


def os_reason(exc: OSError) -> str:
    """Why ``exc`` happened, in words the reader's language can say (a :class:`Message`
    for a common error, else the system's own text)."""
    import errno

    key = OS_ERRORS.get(errno.errorcode.get(exc.errno or 0, ""))
    return message(key) if key is not None else (exc.strerror or str(exc))


def localize(text: str, lang: str | None = None) -> str:
    """``text`` in ``lang`` (default: :func:`current`): a :class:`Message` by its key; any
    other English text by the first English template it matches in full; else as it is.
    Fields are said as :func:`_field` says."""
    lang = lang or current()
    if lang == "en":
        return str(text)
    if isinstance(text, Message):
        return say(text.key, lang, **{name: _field(name, value, lang)
                                      for name, value in text.fields.items()})
    for key, pattern in _patterns().items():
        match = pattern.fullmatch(text)
        if match is not None:
            return say(key, lang, **{name: _field(name, value, lang)
                                     for name, value in match.groupdict().items()})
    return text


def _field(name: str, value: Any, lang: str) -> Any:
    """A field of a message in ``lang``: a :class:`Message` by its key; a ``reason`` (English
    that a library made: click's "0.0 is not in the range ...", json's "Expecting value")
    by the templates; anything else (names, numbers, paths: the user's words) as it is."""
    if isinstance(value, Message) or (name == "reason" and isinstance(value, str)):
        return localize(value, lang)
    return value


_OPEN, _CLOSE = "（「“《", "，。；：、）」”》！？"
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
# a word of wrapped text: spaces; or one wide character, or a run of others, with the
# opening marks before it and the closing marks after it (a line never starts with "，")
_WORD = f" +|[{_OPEN}]*(?:[{_WIDE}]|[^ {_WIDE}{_OPEN}{_CLOSE}]+)[{_CLOSE}]*|[{_OPEN}{_CLOSE}]"


@functools.cache
def _word_pattern() -> re.Pattern[str]:
    """:data:`_WORD` compiled, at the first wrap (it takes 2 ms: not at every start-up)."""
    return re.compile(_WORD)


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` terminal columns (a Chinese character takes
    two): broken at spaces and between Chinese characters, never before a closing
    punctuation mark."""
    from rich.cells import cell_len

    lines: list[str] = []
    line = ""
    for word in _word_pattern().findall(text):
        if line.strip() and not word.isspace() and cell_len(line + word) > width:
            lines.append(line.rstrip())
            line = ""
        if line or not word.isspace():
            line += word
    if line.strip():
        lines.append(line.rstrip())
    return lines


def placeholders(template: str) -> set[str]:
    """The field names of a ``str.format`` template."""
    from string import Formatter

    return {name for _, name, _, _ in Formatter().parse(template) if name}


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _patterns() -> dict[str, re.Pattern[str]]:
    """Each English template of the ``known.`` keys (text other modules build in English)
    as a regular expression whose groups are its fields."""
    from string import Formatter

    if not _PATTERNS:
        for key, template in catalogue("en").items():
            if key.startswith("known."):
                parts = []
                for literal, name, _, _ in Formatter().parse(template):
                    parts.append(re.escape(literal))
                    if name:
                        parts.append(f"(?P<{name}>.+?)")
                _PATTERNS[key] = re.compile("".join(parts), re.DOTALL)
    return _PATTERNS
