"""The JSON document: strict JSON (RFC 8259), non-finite numbers as "nan", "inf", "-inf".

Its shape is published as a JSON Schema, ``backpropviz/schema/backpropviz-1.schema.json``;
a document with vectors or matrices is ``backpropviz/2`` (``backpropviz-2.schema.json``):
each node has a ``shape``, and an array's value and gradient are nested lists.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring as _quote  # (json's own, in C where it can be)
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from ..graph import Graph, Node, PausedGC, Store
from ..lang import Message, using

if TYPE_CHECKING:
    from ..check import CheckReport
    from ..steps import Step
    from ..symbolic import ExactPass

__all__ = ["SCHEMA_ID", "to_document", "render_json", "warnings_json"]

SCHEMA_ID = "backpropviz/1"
TENSOR_SCHEMA_ID = "backpropviz/2"


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
    doc["warnings"] = warnings_json(graph.warnings)
    _add_extras(doc, graph, decimals, steps, names, check, exact)
    return doc


def warnings_json(warnings: Sequence[Message]) -> list[dict[str, str]]:
    """Each warning as ``{"code": ..., "message": ...}``: its stable code (its catalogue
    key, :func:`backpropviz.lang.warning_codes`) and its English text, whatever the
    language of the run."""
    return [{"code": warning.key, "message": str(warning)} for warning in warnings]


def _head(graph: Graph) -> dict[str, Any]:
    values = graph.store.value
    return {
        "schema": SCHEMA_ID,
        "expression": graph.expression,
        "variables": {name: _num(math.nan if values is None else values[i])
                      for name, i in graph.variable_ids.items()},
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

    with using("en"):  # (the steps' text is the same in every language, as all of JSON)
        return [_step_dict(graph, step, names, decimals, step_text) for step in steps]


def _step_dict(graph: Graph, step: Step, names: Sequence[str], decimals: int,
               step_text: Callable[[Graph, Step, Sequence[str], int], list[str]]
               ) -> dict[str, Any]:
    return {
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
        "gradients": {name: exact_text(exact.grads[i]) for name, i in graph.variable_ids.items()},
        "nodes": [{"value": exact_text(v), "grad": exact_text(g)}
                  for v, g in zip(exact.values, exact.grads)],
    }


def render_json(graph: Graph, *, decimals: int = 2, steps: Sequence[Step] | None = None,
                names: Sequence[str] | None = None, check: CheckReport | None = None,
                exact: ExactPass | None = None) -> str:
    """The document as JSON text: indented, one node per line, with a final newline.
    The keywords are :func:`to_document`'s; the text parses to it."""
    return "".join(iter_json(graph, decimals=decimals, steps=steps, names=names, check=check,
                             exact=exact))


#: Nodes per piece of :func:`iter_json`: big enough that the per-piece work is nothing, small
#: enough that a 100,000-node document is never in memory whole.
CHUNK = 4096

_NONFINITE = {"nan": '"nan"', "inf": '"inf"', "-inf": '"-inf"'}


def iter_json(graph: Graph, *, decimals: int = 2, steps: Sequence[Step] | None = None,
              names: Sequence[str] | None = None, check: CheckReport | None = None,
              exact: ExactPass | None = None, explanation: Sequence[str] | None = None
              ) -> Iterator[str]:
    """:func:`render_json`'s text in pieces, written straight from the graph's columns
    (no dict per node, no copy of the whole document). ``explanation``: --explain's lines
    for a program on arrays."""
    if graph.store.shape is not None:
        yield from _tensor_json(graph, check, explanation)
        return
    head = _head(graph)
    tail: dict[str, Any] = {"warnings": warnings_json(graph.warnings)}
    _add_extras(tail, graph, decimals, None, None, check, exact)
    if steps is not None:  # (in its place among the keys; written step by step below)
        tail = {"warnings": tail.pop("warnings"), "steps": _STEPS_HERE, **tail}
    indented = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=2).encode
    yield indented(head)[:-2] + ',\n  "nodes": [\n    '
    total = len(graph.store.op)
    for lo in range(0, total, CHUNK):
        with PausedGC():
            text = _node_lines(graph.store, lo, min(total, lo + CHUNK))
        yield text if lo + CHUNK < total else text[:-len(_LINE_END)] + "]}"
    before, _, after = ("\n  ]," + indented(tail)[1:] + "\n").partition(
        json.dumps(_STEPS_HERE))
    yield before
    if steps is not None:
        yield from _step_lines(graph, steps, names or [], decimals)
    yield after


def _tensor_json(graph: Graph, check: CheckReport | None,
                 explanation: Sequence[str] | None = None) -> Iterator[str]:
    """A document with arrays (``backpropviz/2``): the same keys, each node with its
    ``shape``, arrays as nested lists; one node a line, as the scalar document."""
    s = graph.store
    values, grads = s.value or [], s.grad or []
    head = {"schema": TENSOR_SCHEMA_ID, "expression": graph.expression,
            "variables": {name: array_json(values[i]) for name, i in graph.variable_ids.items()},
            "output": graph.output, "output_name": graph.output_name,
            "value": array_json(values[graph.output]),
            "gradients": {name: array_json(grads[i]) for name, i in graph.variable_ids.items()}}
    tail: dict[str, Any] = {"warnings": warnings_json(graph.warnings)}
    if explanation is not None:
        tail["explanation"] = list(explanation)
    if check is not None:
        tail["check"] = _check(check)
    indented = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=2).encode
    line = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    nodes = ",\n    ".join(line(_tensor_node(node, values, grads)) for node in graph.nodes)
    yield "{\n" + "".join(f"  {line(key)}: {_compact(value, line)},\n"
                           for key, value in head.items())
    yield '  "nodes": [\n    ' + nodes + "\n  ],"
    yield indented(tail)[1:] + "\n"


def _compact(value: Any, line: Callable[[Any], str]) -> str:
    """A head value: an object one entry a line, each array on one line."""
    if not isinstance(value, dict) or not value:
        return line(value)
    return "{\n" + ",\n".join(f"    {line(k)}: {line(v)}" for k, v in value.items()) + "\n  }"


def _tensor_node(node: Node, values: Sequence[Any], grads: Sequence[Any]) -> dict[str, Any]:
    doc = {"id": node.id, "op": node.op, "label": node.label, "inputs": list(node.inputs),
           "shape": list(node.shape), "value": array_json(values[node.id]),
           "grad": array_json(grads[node.id]), "local_grads": [], "name": node.name,
           "param": _num(node.param), "span": list(node.span)}
    if node.op == "index":
        from ..tensor import index_of

        doc["index"] = list(index_of(node.param_text))
    return doc


def array_json(value: Any) -> Any:
    """A float or an ndarray as JSON-ready data: nested lists, nan/inf as strings."""
    if isinstance(value, float):
        return _num(value)
    import numpy as np

    if np.all(np.isfinite(value)):
        return value.tolist()
    cells = value.astype(object)
    for bad, text in ((np.isnan(value), "nan"), (value == np.inf, "inf"),
                      (value == -np.inf, "-inf")):
        cells[bad] = text
    return cells.tolist()


#: Stands for the steps in the indented tail; the steps go one per line in its place.
_STEPS_HERE = "\x00steps\x00"


def _step_lines(graph: Graph, steps: Sequence[Step], names: Sequence[str], decimals: int
                ) -> Iterator[str]:
    """The steps as a JSON list, one step per line, in pieces of :data:`CHUNK` steps,
    each line written directly (json's indenting encoder is pure Python, 20x slower; a
    dict per step for the C encoder is 1.5x slower). They parse to :func:`_step_dict`'s."""
    from .explain import step_text

    if not steps:
        yield "[]"
        return
    for lo in range(0, len(steps), CHUNK):
        with PausedGC(), using("en"):  # (not across a yield: the caller keeps its language)
            text = ",\n    ".join([_step_line(graph, step, names, decimals, step_text)
                                   for step in steps[lo:lo + CHUNK]])
        yield ("[\n    " if lo == 0 else ",\n    ") + text
    yield "\n  ]"


def _step_line(graph: Graph, step: Step, names: Sequence[str], decimals: int,
               step_text: Callable[[Graph, Step, Sequence[str], int], list[str]]) -> str:
    """One step as one line of JSON."""
    text = ", ".join(map(_quote, step_text(graph, step, names, decimals)))
    parts = ", ".join([
        f'{{"via": {p.via}, "slot": {p.slot}, "upstream": {_number(p.upstream)}, '
        f'"local": {_number(p.local)}, "formula": {_quote(p.formula)}, '
        f'"grad": {_number(p.grad)}}}' for p in step.contributions])
    return (f'{{"index": {step.index}, "pass": "{step.phase}", "node": {step.node}, '
            f'"name": {_quote(names[step.node])}, "result": {_number(step.result)}, '
            f'"text": [{text}], "contributions": [{parts}]}}')


def _number(value: float) -> str:
    """A float as JSON: as json writes it, nan and infinities as strings."""
    return repr(value) if math.isfinite(value) else f'"{_num(value)}"'


def _strings(column: list[Any]) -> list[str]:
    """JSON strings (null for None) of a column of few distinct strings."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    cache = {text: encode(text) for text in set(column)}
    return list(map(cache.__getitem__, column))


def _number_texts(*columns: Sequence[float | None]) -> list[list[str]]:
    """JSON numbers of columns of floats (None where unused): "nan", "inf" and "-inf" as
    strings. Formatting a float is most of the document's cost, so each distinct value of
    the piece is formatted once (a product's local derivatives are its inputs' values, a
    sum's are 1.0). Zeros are formatted one by one: 0.0 and -0.0 are equal as keys."""
    distinct: set[float | None] = set()
    for column in columns:
        distinct.update(column)
    unique = [number for number in distinct if number is not None]
    texts = list(map(repr, unique))
    if not math.isfinite(sum(unique)):  # any nan or inf makes the sum one
        fix = _NONFINITE
        texts = [fix.get(t, t) for t in texts]
    cache: dict[float | None, str] = dict(zip(unique, texts))
    cache[None] = _NULL
    lookup = cache.__getitem__
    return [list(map(lookup, column)) if 0.0 not in column
            else [lookup(v) if v or v is None or v != v else repr(v) for v in column]
            for column in columns]


def _node_lines(s: Store, lo: int, hi: int) -> str:
    """The JSON lines of nodes ``lo`` to ``hi - 1``, each ending in ``,\n    ``: the
    columns' texts interleaved with the constant parts of a line (no formatting per node)."""
    count = hi - lo
    opa, opb = s.a[lo:hi], s.b[lo:hi]
    inputs = [(f"{x}, {y}" if y >= 0 else str(x)) if x >= 0 else "" for x, y in zip(opa, opb)]
    values = s.value[lo:hi] if s.value is not None else [math.nan] * count
    grads = s.grad[lo:hi] if s.grad is not None else [0.0] * count
    none = [None] * count
    da = none if s.da is None else s.da[lo:hi]
    db = none if s.db is None else s.db[lo:hi]
    values_text, grads_text, da_text, db_text, params = _number_texts(
        values, grads, da, db, s.param[lo:hi])
    if s.da is None:
        local = [""] * count
    else:
        local = [(f"{p}, {q}" if y >= 0 else p) if x >= 0 else ""
                 for x, y, p, q in zip(opa, opb, da_text, db_text)]
    columns = [list(map(str, range(lo, hi))), _strings(s.op[lo:hi]), _strings(s.label[lo:hi]),
               inputs, values_text, grads_text, local, _strings(s.name[lo:hi]), params,
               list(map(str, s.start[lo:hi])), list(map(str, s.end[lo:hi]))]
    width = 2 * len(columns) + 1
    parts: list[str] = [_LINE_END] * (width * count)
    for k, (text, column) in enumerate(zip(_LINE_PARTS, columns)):
        parts[2 * k::width] = [text] * count
        parts[2 * k + 1::width] = column
    return "".join(parts)


# The constant text before each column of a node's line (the last one ends the line).
_LINE_PARTS = ('{"id": ', ', "op": ', ', "label": ', ', "inputs": [', '], "value": ',
               ', "grad": ', ', "local_grads": [', '], "name": ', ', "param": ', ', "span": [',
               ', ')
_LINE_END = "]},\n    "


_NULL = "null"
