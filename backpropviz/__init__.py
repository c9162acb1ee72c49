"""backpropviz: see backpropagation on any expression.

>>> g = trace("(x+y)*z", x=-2, y=5, z=-4)
>>> g.value, g.gradients
(-12.0, {'x': -4.0, 'y': -4.0, 'z': 3.0})
"""

from __future__ import annotations

from typing import Mapping

from .engine import evaluate
from .errors import BackpropvizError, ExpressionSyntaxError, RenderError, ValuesError
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
    Python accepts as keywords (``output`` and ``expand`` among them). A value for a name
    the expression lacks is an error. ``output`` picks an assigned name as the output
    instead of the last statement; ``expand`` draws sigmoid and tanh as primitive gates.
    """
    given = {**(values or {}), **kwargs}
    graph = build_expression(expression, output)
    if expand:
        from .expand import expand as expand_gates

        graph = expand_gates(graph)
    return evaluate(graph, given)
