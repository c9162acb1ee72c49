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
from .ops import CONSTANTS, FUNCTIONS
from .parse import is_name, normal_name

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
            raise ValuesError(f"{where}: an empty list has no numbers")
        for k, row in enumerate(level):
            if not isinstance(row, list) or len(row) != size:
                raise ValuesError(f"{where}: ragged array: at depth {len(shape)} item {k} "
                                  f"{_what(row)}, the first has {_items(size)} (rows must be "
                                  "equal)")
        shape.append(size)
        if len(shape) > MAX_RANK:
            raise ValuesError(f"{where}: more than {MAX_RANK} nested levels (at most "
                              f"{MAX_RANK} axes)")
        if math.prod(shape) > MAX_ELEMENTS:
            raise ValuesError(f"{where}: more than {MAX_ELEMENTS:,} numbers")
        level = [x for row in level for x in row]  # type: ignore[attr-defined]
    for k, x in enumerate(level):
        if isinstance(x, list):
            raise ValuesError(f"{where}: ragged array: item {k} at depth {len(shape)} is a "
                              "list where the others are numbers (rows must be equal)")
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise ValuesError(f"{where}: {_shown(x)} is not a number")
    return tuple(shape)


def _what(row: object) -> str:
    return f"has {_items(len(row))}" if isinstance(row, list) else f"is {_shown(row)}"


def _items(count: int) -> str:
    return "1 item" if count == 1 else f"{count} items"


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
        raise ValuesError(f"{where}: shape {values.shape} is not allowed (1 to "
                          f"{MAX_ELEMENTS:,} numbers, at most {MAX_RANK} axes)")
    values = np.array(values, dtype=float)
    if not np.all(np.isfinite(values)):
        bad = tuple(int(k) for k in np.argwhere(~np.isfinite(values))[0])
        raise ValuesError(f"{where}: element {list(bad)} is not a finite number")
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
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            raise ValuesError(f"{shorten(where)}: '{shorten(text)}' is not a list of numbers "
                              f"({reason})") from None
        return array(doc, shorten(where))
    try:
        value = float(text)
    except ValueError:
        raise ValuesError(f"{shorten(where)}: '{shorten(text)}' is not a number") from None
    if not math.isfinite(value):
        raise ValuesError(f"{shorten(where)}: '{shorten(text)}' is not a finite number")
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
            raise ValuesError(f"--var expects NAME=VALUE, got '{item}'")
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
            values[name] = array(value, f"{origin}: the value of '{shorten(name)}'")
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValuesError(f"{origin}: the value of '{name}' is not a number: "
                              f"{json.dumps(value)[:40]}")
        number = float(value) if abs(value) < 1e308 or isinstance(value, float) else math.inf
        if not math.isfinite(number):
            raise ValuesError(f"{origin}: the value of '{name}' is not a finite number")
        values[name] = number
    return values


def _json_object(text: str, origin: str) -> dict[str, object]:
    """The JSON object in ``text``; anything else is a one-line error naming ``origin``."""
    import json

    try:
        # NaN and Infinity parse; parse_values rejects them by name
        doc = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise ValuesError(f"{origin}: not valid JSON: {exc.msg} at line {exc.lineno}, "
                          f"column {exc.colno}") from None
    except DuplicateKey as exc:
        also = "" if exc.first == exc.key else f" (as '{shorten(exc.first)}' too)"
        raise ValuesError(f"{origin}: '{shorten(exc.key)}' is given more than once{also}"
                          ) from None
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
    return doc


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
                     f"the value of '{shorten(name)}'")
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
        raise ValuesError(f"the value of '{shorten(name)}' is too large for a float "
                          "(at most about 1.8e308)", name=name) from None
    except (TypeError, ValueError):  # e.g. a numpy array of several numbers
        raise TypeError(f"the value of '{shorten(name)}' must be a real number, not "
                        f"{type(value).__name__}") from None
    if not math.isfinite(number):
        raise ValuesError(f"the value of '{shorten(name)}' is not a finite number "
                          f"({number})", name=name)
    return number


# --- values against the graph ----------------------------------------------------------

def check_values(graph: Graph, values: Mapping[str, float]) -> None:
    """Every variable has a value, and every value belongs to a variable."""
    for name in values:
        if name not in graph.variable_ids:
            if name in CONSTANTS or name in FUNCTIONS:
                kind = "constant" if name in CONSTANTS else "function"
                raise ValuesError(f"'{name}' is a {kind}, not a variable", name=name)
            known = name_list(list(graph.variable_ids)) or "none"
            raise ValuesError(f"the expression has no variable '{shorten(name)}'"
                              f"{did_you_mean(name, graph.variable_ids)} (its variables: "
                              f"{known})", name=name)
    missing = [name for name in graph.variable_ids if name not in values]
    if missing:
        raise ValuesError("no value for " + name_list(missing), missing=missing)


def merge(graph: Graph, given: Sequence[Given], file_values: Mapping[str, Any],
          values_file: str | None, warnings: list[str]) -> dict[str, Any]:
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
            warnings.append(f"{values_file}: '{shorten(name)}' is not a variable of the "
                            "program; skipped")
    where_given: dict[str, str] = {}
    for name, raw, where in given:
        if name in where_given:
            first = where_given[name]
            also = f" (also as {shorten(first)})" if _spelling(first) != _spelling(where) else ""
            raise ValuesError(f"{shorten(where)}: '{shorten(name)}' is given more than once"
                              f"{also}")
        values[name] = number(raw, where)
        where_given[name] = where
    try:
        check_values(graph, values)
    except ValuesError as exc:
        if exc.missing:
            flags = name_list([f"--{name} VALUE" for name in exc.missing], 4, " ")
            raise ValuesError(f"{exc}: pass {flags}") from None
        if exc.name is not None:
            raise ValuesError(f"{where_given[exc.name]}: {exc}") from None
        raise
    return values
