"""``--expand``: draw ``sigmoid``, ``tanh``, ``softmax`` and ``logsumexp`` as the primitive
gates they are made of, as CS231n shows both views of the sigmoid neuron.

sigmoid(u) = 1/(1+exp(-u)) becomes ``*-1``, ``exp``, ``+1``, ``1/x``; tanh(u) =
(exp(2u)-1)/(exp(2u)+1) becomes ``*2``, ``exp``, ``-1``, ``+1``, ``/`` (the exp value forks);
softmax(s) = exp(s) / sum(exp(s)) becomes ``exp``, a sum along the last axis (kept, so it
divides each row) and ``/``; logsumexp(s) becomes ``exp``, ``Σ``, ``log``. (Written out,
they are not shifted by the largest element as the single gates are: a value over about
700 overflows.)
The last gate keeps the name and the span of the call it replaces, so the output, the
named wires and the variables are the same; the numbers agree to rounding. Each gate says
what it computes in its own formula (``exp(-u)``: :attr:`Graph.texts`), not as the call.
"""

from __future__ import annotations

import re

from .graph import Graph, Store
from .ops import OPS, axis_label

__all__ = ["expand"]

# Each expansion: (op, folded constant or None, inputs as indices into [u, gate 0, gate 1...],
# what the gate computes, written with the call's argument u).
_RECIPES: dict[str, tuple[tuple[str, float | None, tuple[int, ...], str], ...]] = {
    "sigmoid": (("neg", None, (0,), "-{u}"), ("exp", None, (1,), "exp(-{u})"),
                ("add_const", 1.0, (2,), "1 + exp(-{u})"),
                ("rdiv_const", 1.0, (3,), "1/(1 + exp(-{u}))")),
    "tanh": (("mul_const", 2.0, (0,), "2*{u}"), ("exp", None, (1,), "exp(2*{u})"),
             ("sub_const", 1.0, (2,), "exp(2*{u}) - 1"),
             ("add_const", 1.0, (2,), "exp(2*{u}) + 1"),
             ("div", None, (3, 4), "(exp(2*{u}) - 1)/(exp(2*{u}) + 1)")),
    "softmax": (("exp", None, (0,), "exp({u})"),
                ("sum_keep", -1.0, (1,), "sum(exp({u}), axis=-1)"),
                ("div", None, (1, 2), "exp({u})/sum(exp({u}), axis=-1)")),
    "logsumexp": (("exp", None, (0,), "exp({u})"),
                  ("sum_axis", -1.0, (1,), "sum(exp({u}), axis=-1)"),
                  ("log", None, (2,), "log(sum(exp({u}), axis=-1))")),
}
_ATOM = re.compile(r"[\w.]+")  # a name or a number: written without parentheses


def expand(graph: Graph) -> Graph:
    """A new, not yet evaluated graph with every sigmoid and tanh gate replaced by its
    primitive gates; ``graph`` is left as it is."""
    old = graph.store
    store = Store()
    new_id: list[int] = []  # old node id -> new node id
    texts: dict[int, str] = {}  # new node id -> what it computes, for expanded gates
    for i, op in enumerate(old.op):
        a, b = (new_id[j] if j >= 0 else -1 for j in (old.a[i], old.b[i]))
        start, end = old.start[i], old.end[i]
        recipe = _RECIPES.get(op)
        if recipe is None:
            new_id.append(store.add(op, old.label[i], a, b, start, end, old.name[i],
                                    old.param[i], old.param_text[i]))
            continue
        made = [a]
        u = _argument(graph, old.a[i])
        for k, (gate, const, args, formula) in enumerate(recipe):
            text = None if const is None else f"{const:g}"
            label = axis_label(gate, text or "") if OPS[gate].tensor else \
                OPS[gate].label.format(c=text)
            ins = [made[arg] for arg in args] + [-1]
            name = old.name[i] if k == len(recipe) - 1 else None
            made.append(store.add(gate, label, ins[0], ins[1], start, end, name, const, text))
            texts[made[-1]] = formula.format(u=u)
        new_id.append(made[-1])
    variables = {name: new_id[i] for name, i in graph.variable_ids.items()}
    return Graph(graph.expression, store, new_id[graph.output], variables,
                 output_name=graph.output_name, warnings=list(graph.warnings), texts=texts)


def _argument(graph: Graph, node_id: int) -> str:
    """The call's argument as a formula writes it: ``x``, or ``(w0*x0 + w1)`` in
    parentheses (its name if it has one)."""
    node = graph.nodes[node_id]
    text = node.name or " ".join(graph.text(node).split())
    return text if _ATOM.fullmatch(text) else f"({text})"
