"""backpropviz: see backpropagation on any expression.

>>> g = trace("(x+y)*z", x=-2, y=5, z=-4)
>>> g.value, g.gradients
(-12.0, {'x': -4.0, 'y': -4.0, 'z': 3.0})
"""

from __future__ import annotations

import math
from typing import Mapping

from .engine import evaluate
from .errors import BackpropvizError, ExpressionSyntaxError, RenderError, ValuesError, shorten
from .graph import Graph, Node, Wire, build_expression

__version__ = "0.1.0"

__all__ = [
    "trace",
    "Graph",
    "Node",
    "Wire",
    "BackpropvizError",
    "ExpressionSyntaxError",
    "ValuesError",
    "RenderError",
    "__version__",
]


def trace(expression: str, values: Mapping[str, float] | None = None, /, *,
          output: str | None = None, expand: bool = False, **kwargs: float) -> Graph:
    """Parse ``expression`` (or a program such as ``"q = x + y; f = q * z"``), run the
    forward and reverse passes, and return the evaluated graph (in Jupyter it displays as
    the diagram).

    Values come as keyword arguments, or as a mapping for names that are not identifiers
    Python accepts as keywords (``output`` and ``expand`` among them); a keyword wins over
    the mapping. Each value is a finite real number (int, float, Fraction, Decimal, a numpy
    scalar); a bool, a string, nan or inf is refused, as the command line refuses them. A
    value for a name the expression lacks is an error. ``output`` picks an assigned name as
    the output instead of the last statement; ``expand`` draws sigmoid and tanh as
    primitive gates.
    """
    if not isinstance(expression, str):
        raise TypeError(f"the expression must be a str, not {type(expression).__name__}")
    _check_option("output", output, str, "an assigned name (a str) or None")
    _check_option("expand", expand, bool, "True or False")
    given = {name: _real(name, value) for name, value in _pairs(values, kwargs)}
    graph = build_expression(expression, output)
    if expand:
        from .expand import expand as expand_gates

        graph = expand_gates(graph)
    return evaluate(graph, given)


def _check_option(name: str, value: object, kind: type, wanted: str) -> None:
    """A wrong type for ``output``/``expand`` is a TypeError that says how to give a
    variable of that name a value (it is easy to mean one by the keyword)."""
    if value is None and name == "output" or isinstance(value, kind):
        return
    raise TypeError(f"{name}= must be {wanted}, not {type(value).__name__}; to give a "
                    f"variable named '{name}' a value, pass a mapping: "
                    f"trace(expression, {{'{name}': ...}})")


def _pairs(values: object, kwargs: dict[str, object]) -> list[tuple[str, object]]:
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


def _real(name: str, value: object) -> float:
    """``value`` as a float: a real number, finite (nan or inf as an input is refused, as
    the CLI does). A bool or a string is a TypeError: float() would take True as 1 and
    "3" as 3, hiding a mistake."""
    if (isinstance(value, (str, bytes, bytearray, bool, complex))
            or type(value).__name__ in ("bool", "bool_")  # numpy's bool
            or not (hasattr(value, "__float__") or hasattr(value, "__index__"))):
        raise TypeError(f"the value of '{shorten(name)}' must be a real number, not "
                        f"{type(value).__name__} ({value!r:.40})")
    try:
        number = float(value)  # type: ignore[arg-type]
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


def _notebook_svg(graph: Graph) -> str | None:
    """The diagram Jupyter shows (the renderers load on first use: imports stay fast)."""
    from .render.diagram import notebook_svg

    return notebook_svg(graph)


Graph.svg_drawer = _notebook_svg
