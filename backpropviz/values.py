"""Every way a variable's value arrives, turned into checked floats with one set of messages.

Values come as command-line text (``--NAME VALUE``, ``--var NAME=VALUE``), as a JSON file
(``--values``), or as Python numbers given to :func:`backpropviz.trace`. Whichever way, a
value is a finite real number, and the values match the graph's variables exactly: one for
each variable, none for anything else.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence, SupportsFloat, SupportsIndex

from .errors import ValuesError, did_you_mean, name_list, shorten
from .graph import Graph
from .lang import Message, message
from .ops import CONSTANTS, FUNCTIONS
from .names import is_name, normal_name

__all__ = ["Given", "number", "array", "MAX_ELEMENTS", "MAX_RANK", "command_line", "parse_values", "real", "python_values",
           "check_values", "merge"]

#: A value given on the command line: (name, its text, how it was given, e.g. "--x").
Given = tuple[str, str, str]


#: The most numbers one array value may hold, and its most axes.
MAX_ELEMENTS = 10_000_000
MAX_RANK = 4


# --- arrays ------------------------------------------------------------------------------

def array(doc: object, where: str) -> Any:
    """A vector, matrix or array of rank up to :data:`MAX_RANK` from nested lists (or a
    NumPy array) as a float64 ndarray; ragged rows, non-numbers, nan/inf, an empty list
    or more than :data:`MAX_ELEMENTS` numbers are errors naming ``where``."""
    import numpy as np

    if isinstance(doc, np.ndarray):
        return _checked(np, doc, where)
    shape = _nested_shape(doc, where)
    return _checked(np, np.array(doc, dtype=float), where, shape)


def _nested_shape(doc: object, where: str) -> tuple[int, ...]:
    """The shape of nested lists, level by level (no recursion), or what is wrong."""
    shape: list[int] = []
    level: list[object] = [doc]
    while isinstance(level[0], list):
        size = len(level[0])
        if size == 0:
            raise ValuesError(message("values.empty_list", where=where))
        for k, row in enumerate(level):
            if not isinstance(row, list) or len(row) != size:
                raise ValuesError(message("values.ragged", where=where, depth=len(shape),
                                          item=k, what=_what(row), items=_items(size)))
        shape.append(size)
        if len(shape) > MAX_RANK:
            raise ValuesError(message("values.too_deep", where=where, rank=MAX_RANK))
        if math.prod(shape) > MAX_ELEMENTS:
            raise ValuesError(message("values.too_many", where=where,
                                      count=f"{MAX_ELEMENTS:,}"))
        level = [x for row in level for x in row]  # type: ignore[attr-defined]
    for k, x in enumerate(level):
        if isinstance(x, list):
            raise ValuesError(message("values.ragged_list", where=where, item=k,
                                      depth=len(shape)))
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise ValuesError(message("values.not_a_number_json", where=where,
                                      value=_shown(x)))
    return tuple(shape)


def _what(row: object) -> Message:
    if isinstance(row, list):
        return message("values.row_has", items=_items(len(row)))
    return message("values.row_is", value=_shown(row))


def _items(count: int) -> Message:
    return message("values.item") if count == 1 else message("values.items", count=count)


def _shown(value: object) -> str:
    """A JSON value as JSON writes it (``true``, ``"a"``), short."""
    import json

    try:
        return shorten(json.dumps(value), 20)
    except (TypeError, ValueError):
        return shorten(repr(value), 20)


def _checked(np: Any, values: Any, where: str, shape: tuple[int, ...] | None = None) -> Any:
    """``values`` as float64, refused if non-real, too big, of too many axes, or not finite."""
    if values.dtype.kind not in "iuf":
        raise TypeError(f"{where}: an array of {values.dtype} is not an array of real numbers")
    if values.ndim > MAX_RANK or values.size > MAX_ELEMENTS or values.size == 0:
        raise ValuesError(message("values.bad_shape", where=where, shape=values.shape,
                                  most=f"{MAX_ELEMENTS:,}", rank=MAX_RANK))
    values = np.array(values, dtype=float)
    if not np.all(np.isfinite(values)):
        bad = tuple(int(k) for k in np.argwhere(~np.isfinite(values))[0])
        raise ValuesError(message("values.element_not_finite", where=where, index=list(bad)))
    return values


# --- command-line text -----------------------------------------------------------------

def number(text: str, where: str) -> Any:
    """The finite number in ``text``, a value given as ``where`` (e.g. ``--x``); text
    starting with '[' is a vector or matrix as a JSON list (``[[1, 2], [3, 4]]``)."""
    if text.lstrip().startswith("["):
        import json

        try:
            doc = json.loads(text)
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            reason = (exc.msg if isinstance(exc, json.JSONDecodeError)
                      else message("values.nested_too_deeply"))
            raise ValuesError(message("values.not_a_list", where=shorten(where),
                                      text=shorten(text), reason=reason)) from None
        return array(doc, shorten(where))
    try:
        value = float(text)
    except ValueError:
        raise ValuesError(message("values.not_a_number", where=shorten(where),
                                  text=shorten(text))) from None
    if not math.isfinite(value):
        raise ValuesError(message("values.not_finite", where=shorten(where),
                                  text=shorten(text)))
    return value


def command_line(variables: Sequence[tuple[str, str]], var_items: Sequence[str]
                 ) -> list[Given]:
    """(name, text, how it was given) for every ``--NAME VALUE`` then every ``--var
    NAME=VALUE``, in command-line order; names NFKC-normalised as the parser's are."""
    collected = [(normal_name(name), text, f"--{name}") for name, text in variables]
    for item in var_items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not is_name(name):
            raise ValuesError(message("values.var_item", item=item))
        collected.append((normal_name(name), text, f"--var {name}"))
    return collected


def _spelling(where: str) -> str:
    """The name as typed in ``--NAME`` or ``--var NAME``."""
    return where.removeprefix("--var ").removeprefix("--")


# --- a JSON file -----------------------------------------------------------------------

class DuplicateKey(ValueError):
    """A JSON object names the same key twice (json keeps the last one silently), or two
    spellings of one name (``x`` and fullwidth ``ｘ``)."""

    def __init__(self, key: str, first: str) -> None:
        super().__init__(key)
        self.key = key
        self.first = first


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object as a dict with NFKC-normalised keys, refusing a name given twice:
    ``{"x": 1, "x": 2}`` is almost surely a typo, as ``--x 1 --x 2`` is."""
    doc: dict[str, object] = {}
    spelled: dict[str, str] = {}
    for key, value in pairs:
        name = normal_name(key)
        if name in doc:
            raise DuplicateKey(key, spelled[name])
        doc[name] = value
        spelled[name] = key
    return doc


def parse_values(text: str, origin: str) -> dict[str, Any]:
    """A JSON object of name -> finite number, or nested lists of them (an array);
    ``origin`` names the source in errors."""
    import json  # (only a run with --values needs it)

    doc = _json_object(text, origin)
    values: dict[str, Any] = {}
    for name, value in doc.items():
        if isinstance(value, list):
            values[name] = array(value, message("values.value_in", where=origin,
                                                name=shorten(name)))
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValuesError(message("values.file_not_a_number", where=origin, name=name,
                                      value=json.dumps(value)[:40]))
        number = float(value) if abs(value) < 1e308 or isinstance(value, float) else math.inf
        if not math.isfinite(number):
            raise ValuesError(message("values.file_not_finite", where=origin, name=name))
        values[name] = number
    return values


def _json_object(text: str, origin: str) -> dict[str, object]:
    """The JSON object in ``text``; anything else is a one-line error naming ``origin``."""
    import json

    try:
        # NaN and Infinity parse; parse_values rejects them by name
        doc = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise ValuesError(message("values.bad_json", where=origin, reason=exc.msg,
                                  line=exc.lineno, column=exc.colno)) from None
    except DuplicateKey as exc:
        also = ("" if exc.first == exc.key
                else message("values.also_spelled", name=shorten(exc.first)))
        raise ValuesError(message("values.given_twice", where=origin, name=shorten(exc.key),
                                  also=also)) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        reason = (message("values.too_many_digits") if "digits" in str(exc)
                  else shorten(str(exc), 80))
        raise ValuesError(message("error.at", where=origin, message=reason)) from None
    except RecursionError:
        raise ValuesError(message("values.file_too_deep", where=origin)) from None
    if not isinstance(doc, dict):
        kind = "null" if doc is None else type(doc).__name__  # (English as JSON says it)
        raise ValuesError(message("values.not_an_object", where=origin,
                                  got=message(f"word.json_{kind}") if kind in JSON_KINDS
                                  else kind))
    return doc


JSON_KINDS = ("str", "list", "int", "float", "bool", "null")  # what json.loads gives


# --- Python numbers (trace()) ----------------------------------------------------------

def python_values(values: object, kwargs: Mapping[str, object]) -> dict[str, Any]:
    """The floats (or arrays: a NumPy array or nested lists) of ``trace()``'s mapping and
    keywords (a keyword wins over the mapping)."""
    return {normal_name(name): _python_value(name, value) for name, value in _pairs(values, kwargs)}


def _python_value(name: str, value: object) -> Any:
    """A number as :func:`real` takes it; a list or an array of more than one number as
    :func:`array` does."""
    if isinstance(value, list) or (hasattr(value, "__array__") and getattr(value, "ndim", False)):
        return array(value if isinstance(value, list) else _ndarray(value),
                     message("values.value_of", name=shorten(name)))
    return real(name, value)


def _ndarray(value: object) -> Any:
    import numpy as np

    return np.asarray(value)


def _pairs(values: object, kwargs: Mapping[str, object]) -> list[tuple[str, object]]:
    """The (name, value) pairs given, the mapping's first and the keywords' after (so a
    keyword wins); a mapping that is not one, or a name that is not a str, is a TypeError."""
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        raise TypeError(f"values must be a mapping of name to number (a dict), "
                        f"not {type(values).__name__}")
    for name in values:
        if not isinstance(name, str):
            raise TypeError(f"a variable name must be a str, not {type(name).__name__} "
                            f"({name!r:.40})")
    return [*values.items(), *kwargs.items()]


def real(name: str, value: object) -> float:
    """``value`` as a float: a real number, finite (nan or inf as an input is refused, as
    the CLI does). A bool or a string is a TypeError: float() would take True as 1 and
    "3" as 3, hiding a mistake."""
    if (isinstance(value, (str, bytes, bytearray, bool, complex))
            or type(value).__name__ in ("bool", "bool_")  # numpy's bool
            or not isinstance(value, (SupportsFloat, SupportsIndex))):
        raise TypeError(f"the value of '{shorten(name)}' must be a real number, not "
                        f"{type(value).__name__} ({value!r:.40})")
    try:
        number = float(value)
    except OverflowError:  # an int beyond float range
        raise ValuesError(message("values.too_large", name=shorten(name)), name=name) from None
    except (TypeError, ValueError):  # e.g. a numpy array of several numbers
        raise TypeError(f"the value of '{shorten(name)}' must be a real number, not "
                        f"{type(value).__name__}") from None
    if not math.isfinite(number):
        raise ValuesError(message("values.not_finite_number", name=shorten(name), number=number),
                          name=name)
    return number


# --- values against the graph ----------------------------------------------------------

def check_values(graph: Graph, values: Mapping[str, float]) -> None:
    """Every variable has a value, and every value belongs to a variable."""
    for name in values:
        if name not in graph.variable_ids:
            if name in CONSTANTS or name in FUNCTIONS:
                key = "values.is_constant" if name in CONSTANTS else "values.is_function"
                raise ValuesError(message(key, name=name), name=name)
            known = name_list(list(graph.variable_ids)) or message("parse.none")
            raise ValuesError(message("values.no_such_variable", name=shorten(name),
                                      hint=did_you_mean(name, graph.variable_ids), known=known),
                              name=name)
    missing = [name for name in graph.variable_ids if name not in values]
    if missing:
        raise ValuesError(message("values.no_value", names=name_list(missing)), missing=missing)


def merge(graph: Graph, given: Sequence[Given], file_values: Mapping[str, Any],
          values_file: str | None, warnings: list[Message]) -> dict[str, Any]:
    """The command line's values over the file's, checked against ``graph``.

    Names in the values file that the program does not use are skipped with a warning (one
    file can serve several programs); on the command line they are errors (usually typos),
    named as they were given.
    """
    values: dict[str, Any] = {}
    for name, value in file_values.items():
        if name in graph.variable_ids:
            values[name] = value
        else:
            warnings.append(message("warn.unused_value", file=values_file, name=shorten(name)))
    where_given: dict[str, str] = {}
    for name, raw, where in given:
        if name in where_given:
            first = where_given[name]
            also = (message("values.also_as", where=shorten(first))
                    if _spelling(first) != _spelling(where) else "")
            raise ValuesError(message("values.given_twice", where=shorten(where),
                                      name=shorten(name), also=also))
        values[name] = number(raw, where)
        where_given[name] = where
    try:
        check_values(graph, values)
    except ValuesError as exc:
        if exc.missing:
            flags = name_list([f"--{name} VALUE" for name in exc.missing], 4, " ")
            raise ValuesError(message("values.no_value_pass", names=name_list(exc.missing),
                                      flags=flags)) from None
        if exc.name is not None:
            raise ValuesError(message("error.at", where=where_given[exc.name],
                                      message=exc.args[0])) from None
        raise
    return values
