"""``--expand``: draw ``sigmoid`` and ``tanh`` as the primitive gates they are made of, as
CS231n shows both views of the sigmoid neuron.

sigmoid(u) = 1/(1+exp(-u)) becomes ``*-1``, ``exp``, ``+1``, ``1/x``; tanh(u) =
(exp(2u)-1)/(exp(2u)+1) becomes ``*2``, ``exp``, ``-1``, ``+1``, ``/`` (the exp value forks).
The last gate keeps the name and the span of the call it replaces, so the output, the
named wires and the variables are the same; the numbers agree to rounding.
"""

from __future__ import annotations

from dataclasses import replace

from .graph import Graph, Node
from .ops import OPS

__all__ = ["EXPANDABLE", "expand"]

# Each expansion: (op, folded constant or None, inputs as indices into [u, gate 0, gate 1...]).
_RECIPES: dict[str, tuple[tuple[str, float | None, tuple[int, ...]], ...]] = {
    "sigmoid": (("neg", None, (0,)), ("exp", None, (1,)), ("add_const", 1.0, (2,)),
                ("rdiv_const", 1.0, (3,))),
    "tanh": (("mul_const", 2.0, (0,)), ("exp", None, (1,)), ("sub_const", 1.0, (2,)),
             ("add_const", 1.0, (2,)), ("div", None, (3, 4))),
}
EXPANDABLE = frozenset(_RECIPES)


def expand(graph: Graph) -> Graph:
    """A new, not yet evaluated graph with every sigmoid and tanh gate replaced by its
    primitive gates; ``graph`` is left as it is."""
    nodes: list[Node] = []
    new_id: list[int] = []  # old node id -> new node id
    for node in graph.nodes:
        inputs = tuple(new_id[i] for i in node.inputs)
        recipe = _RECIPES.get(node.op)
        if recipe is None:
            nodes.append(replace(node, id=len(nodes), inputs=inputs, local_grads=()))
        else:
            made = [inputs[0]]
            for k, (op, const, args) in enumerate(recipe):
                text = None if const is None else f"{const:g}"
                label = OPS[op].label.format(c=text)
                last = k == len(recipe) - 1
                nodes.append(Node(len(nodes), op, label, tuple(made[a] for a in args),
                                  node.name if last else None, const, node.span, text))
                made.append(len(nodes) - 1)
        new_id.append(len(nodes) - 1)
    variables = {name: new_id[i] for name, i in graph.variables.items()}
    return Graph(graph.expression, nodes, new_id[graph.output], variables,
                 output_name=graph.output_name, warnings=list(graph.warnings))
