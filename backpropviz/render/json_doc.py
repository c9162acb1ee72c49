"""The JSON document: strict JSON (RFC 8259), non-finite numbers as "nan", "inf", "-inf".

Its shape is published as a JSON Schema, ``backpropviz/schema/backpropviz-1.schema.json``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..graph import Graph

__all__ = ["SCHEMA_ID", "to_document", "render_json"]

SCHEMA_ID = "backpropviz/1"


def _num(value: float | None) -> float | str | None:
    """A JSON number, or a string for the values strict JSON cannot hold."""
    if value is None or math.isfinite(value):
        return value
    if value != value:
        return "nan"
    return "inf" if value > 0 else "-inf"


def to_document(graph: Graph) -> dict[str, Any]:
    """The JSON-ready dict of an evaluated graph."""
    nodes = graph.nodes
    return {
        "schema": SCHEMA_ID,
        "expression": graph.expression,
        "variables": {name: _num(nodes[i].value) for name, i in graph.variables.items()},
        "output": graph.output,
        "output_name": graph.output_name,
        "value": _num(graph.value),
        "gradients": {name: _num(g) for name, g in graph.gradients.items()},
        "nodes": [
            {
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
            for node in nodes
        ],
        "warnings": list(graph.warnings),
    }


def render_json(graph: Graph) -> str:
    """The document as JSON text: indented, one node per line, with a final newline."""
    doc = to_document(graph)
    nodes = doc.pop("nodes")
    head = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)
    body = ",\n    ".join(json.dumps(node, ensure_ascii=False, allow_nan=False)
                          for node in nodes)
    return f'{head[:-2]},\n  "nodes": [\n    {body}\n  ]\n}}\n'

