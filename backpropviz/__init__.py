"""backpropviz: see backpropagation on any expression.

>>> g = trace("(x+y)*z", x=-2, y=5, z=-4)
>>> g.value, g.gradients
(-12.0, {'x': -4.0, 'y': -4.0, 'z': 3.0})
"""

from __future__ import annotations

import warnings
from typing import Mapping

from .engine import evaluate
from .errors import (BackpropvizError, BackpropvizWarning, ExpressionSyntaxError, RenderError,
                     ValuesError)
from .graph import Graph, Node, Wire
from . import api
from .run import build, nonfinite_warning
from .values import check_values, python_values

__version__ = "0.1.0"

__all__ = [
    "trace",
    "Graph",
    "Node",
    "Wire",
    "BackpropvizError",
    "BackpropvizWarning",
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
    scalar) or an array of them (a NumPy array or nested lists: its gradient comes back
    with the same shape); a bool, a string, nan or inf is refused, as the command line
    refuses them. A
    value for a name the expression lacks is an error. ``output`` picks an assigned name as
    the output instead of the last statement; ``expand`` draws sigmoid and tanh as
    primitive gates. The command runs the same steps (:func:`backpropviz.run.run`), and
    what it prints as ``warning: ...`` (a nan or inf, a name assigned and never used) is a
    :class:`BackpropvizWarning` here.
    """
    if not isinstance(expression, str):
        raise TypeError(f"the expression must be a str, not {type(expression).__name__}")
    _check_option("output", output, str, "an assigned name (a str) or None")
    _check_option("expand", expand, bool, "True or False")
    given = python_values(values, kwargs)
    graph = build(expression, output, expand)
    check_values(graph, given)
    evaluate(graph, given)
    _warn(graph)
    return graph


def _warn(graph: Graph) -> None:
    """The command's warnings as :class:`BackpropvizWarning`: names assigned and never
    used, and the first node where nan or inf arises."""
    nonfinite = nonfinite_warning(graph)
    for message in graph.warnings + ([] if nonfinite is None else [nonfinite]):
        warnings.warn(message, BackpropvizWarning, stacklevel=3)


def _check_option(name: str, value: object, kind: type, wanted: str) -> None:
    """A wrong type for ``output``/``expand`` is a TypeError that says how to give a
    variable of that name a value (it is easy to mean one by the keyword)."""
    if value is None and name == "output" or isinstance(value, kind):
        return
    raise TypeError(f"{name}= must be {wanted}, not {type(value).__name__}; to give a "
                    f"variable named '{name}' a value, pass a mapping: "
                    f"trace(expression, {{'{name}': ...}})")


Graph.front = api
