"""The JSON document: strict JSON (RFC 8259), non-finite numbers as "nan", "inf", "-inf".

Its shape is published as a JSON Schema, ``backpropviz/schema/backpropviz-1.schema.json``.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, Sequence

from ..graph import Graph, Node

if TYPE_CHECKING:
    from ..check import CheckReport
    from ..steps import Step
    from ..symbolic import ExactPass

__all__ = ["SCHEMA_ID", "to_document", "render_json"]

SCHEMA_ID = "backpropviz/1"


def _num(value: float | None) -> float | str | None:
    """A JSON number, or a string for the values strict JSON cannot hold."""
    if value is None or math.isfinite(value):
        return value
    if value != value:
        return "nan"
    return "inf" if value > 0 else "-inf"


def to_document(graph: Graph, *, decimals: int = 2, steps: Sequence[Step] | None = None,
                names: Sequence[str] | None = None, check: CheckReport | None = None,
                exact: ExactPass | None = None) -> dict[str, Any]:
    """The JSON-ready dict of an evaluated graph, with what --explain (``steps``, named by
    ``names``), --check and --exact added when given."""
    doc = _head(graph)
    doc["nodes"] = [_node_dict(node) for node in graph.nodes]
    doc["warnings"] = list(graph.warnings)
    _add_extras(doc, graph, decimals, steps, names, check, exact)
    return doc


def _head(graph: Graph) -> dict[str, Any]:
    nodes = graph.nodes
    return {
        "schema": SCHEMA_ID,
        "expression": graph.expression,
        "variables": {name: _num(nodes[i].value) for name, i in graph.variables.items()},
        "output": graph.output,
        "output_name": graph.output_name,
        "value": _num(graph.value),
        "gradients": {name: _num(g) for name, g in graph.gradients.items()},
    }


def _node_dict(node: Node) -> dict[str, Any]:
    return {
        "id": node.id,
        "op": node.op,
        "label": node.label,
        "inputs": list(node.inputs),
        "value": _num(node.value),
        "grad": _num(node.grad),
        "local_grads": [_num(d) for d in node.local_grads],
        "name": node.name,
        "param": _num(node.param),
        "span": list(node.span),
    }


def _add_extras(doc: dict[str, Any], graph: Graph, decimals: int,
                steps: Sequence[Step] | None, names: Sequence[str] | None,
                check: CheckReport | None, exact: ExactPass | None) -> None:
    if steps is not None:
        doc["steps"] = _steps(graph, steps, names or [], decimals)
    if check is not None:
        doc["check"] = _check(check)
    if exact is not None:
        doc["exact"] = _exact(graph, exact)


def _steps(graph: Graph, steps: Sequence[Step], names: Sequence[str], decimals: int
           ) -> list[dict[str, Any]]:
    from .explain import step_text

    return [
        {
            "index": step.index,
            "pass": step.phase,
            "node": step.node,
            "name": names[step.node],
            "result": _num(step.result),
            "text": step_text(graph, step, names, decimals),
            "contributions": [
                {"via": p.via, "slot": p.slot, "upstream": _num(p.upstream),
                 "local": _num(p.local), "formula": p.formula, "grad": _num(p.grad)}
                for p in step.contributions
            ],
        }
        for step in steps
    ]


def _check(report: CheckReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "kinks": list(report.kinks),
        "notes": list(report.notes),
        "gradients": {
            c.name: {"backprop": _num(c.backprop), "symbolic": _num(c.symbolic),
                     "symbolic_rel_error": _num(c.symbolic_error),
                     "finite_difference": _num(c.finite_difference),
                     "finite_difference_rel_error": _num(c.finite_difference_error),
                     "status": c.status}
            for c in report.checks
        },
    }


def _exact(graph: Graph, exact: ExactPass) -> dict[str, Any]:
    from ..symbolic import exact_text

    return {
        "value": exact_text(exact.values[graph.output]),
        "gradients": {name: exact_text(exact.grads[i]) for name, i in graph.variables.items()},
        "nodes": [{"value": exact_text(v), "grad": exact_text(g)}
                  for v, g in zip(exact.values, exact.grads)],
    }


def render_json(graph: Graph, *, decimals: int = 2, **extras: Any) -> str:
    """The document as JSON text: indented, one node per line, with a final newline.
    ``extras`` are the keyword arguments of :func:`to_document`; the text parses to it."""
    head = _head(graph)
    tail: dict[str, Any] = {"warnings": list(graph.warnings)}
    _add_extras(tail, graph, decimals, extras.get("steps"), extras.get("names"),
                extras.get("check"), extras.get("exact"))
    indented = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=2).encode
    head_text = indented(head)[:-2]
    tail_text = indented(tail)[1:]
    # One encoder for every node line: json.dumps with options builds a new one per call.
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    body = ",\n    ".join([encode(_node_dict(node)) for node in graph.nodes])
    return f'{head_text},\n  "nodes": [\n    {body}\n  ],{tail_text}\n'


