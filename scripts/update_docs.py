"""Rewrite the parts of README.md and the JSON Schema that list the op table's functions
and the warnings' codes.

Run ``python scripts/update_docs.py`` after changing ``backpropviz/ops.py`` or a warning
of ``backpropviz/messages_en.py``; with ``--check``
it writes nothing and exits 1 naming the stale files (``tests/test_docs.py`` checks the same).
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's backpropviz, not an installed one

from backpropviz.lang import warning_codes  # noqa: E402 (after the path)
from backpropviz.ops import FOLDED, FUNCTION_OP, FUNCTIONS, OPS  # noqa: E402

README = REPO / "README.md"
SCHEMA = REPO / "backpropviz" / "schema" / "backpropviz-1.schema.json"
TENSOR_SCHEMA = REPO / "backpropviz" / "schema" / "backpropviz-2.schema.json"
HINT = "run python scripts/update_docs.py"

TABLE_BEGIN = "<!-- functions: written by scripts/update_docs.py from backpropviz/ops.py -->\n"
TABLE_END = "<!-- end of functions -->\n"
OP_BULLET = re.compile(r'^- `op` is `"input"`.*?(?=^- `label`)', re.MULTILINE | re.DOTALL)
UNKNOWN = re.compile(r"^(Error: unknown function 'foo' at column 1; supported: ).*$", re.MULTILINE)


def _cell(text: str) -> str:
    """Text for a Markdown table cell: ``*`` and ``|`` are not markup there."""
    return text.replace("|", "\\|").replace("*", "\\*")


def function_table() -> str:
    """The README's table of functions: spelling, what it computes, local derivative."""
    rows = ["| function | computes | local derivative |", "| --- | --- | --- |"]
    for spelling in FUNCTIONS:
        op = OPS[FUNCTION_OP[spelling]]
        rows.append(f"| `{op.formula}` | {_cell(op.about)} | {_cell(op.derivative_text)} |")
    return "\n".join(rows) + "\n"


def op_bullet() -> str:
    """The JSON section's bullet listing every value of a node's ``op``."""
    folded = [name for name in OPS if name in {n for pair in FOLDED.values() for n in pair}]
    gates = [name for name in OPS if name not in folded]
    text = ('- `op` is `"input"` for a variable, `"const"` for a constant leaf, else the gate: '
            f"`{' '.join(gates)}`, or a gate with a constant folded in (its value in "
            f"`param`): `{' '.join(folded)}`.")
    return textwrap.fill(text, 90, subsequent_indent="  ", break_long_words=False,
                         break_on_hyphens=False) + "\n"


def render_readme(text: str) -> str:
    """``text`` (the README) with its generated parts rewritten from the op table."""
    start, end = text.index(TABLE_BEGIN) + len(TABLE_BEGIN), text.index(TABLE_END)
    text = text[:start] + function_table() + text[end:]
    text = OP_BULLET.sub(lambda m: op_bullet(), text, count=1)
    return UNKNOWN.sub(lambda m: m.group(1) + ", ".join(FUNCTIONS), text, count=1)


WARNINGS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["code", "message"],
        "additionalProperties": False,
        "properties": {
            "code": {"enum": warning_codes(),
                     "description": "The warning's stable code, the same in every "
                                    "language: match on it, not on the message."},
            "message": {"type": "string",
                        "description": "What is wrong, in English (--lang changes only "
                                       "what is printed on stderr)."}}},
    "description": "What looks wrong but is allowed, e.g. a name assigned and never used."}


def render_schema(text: str) -> str:
    """``text`` (the JSON Schema) with the op enum rewritten from the op table and the
    warnings' codes from the message catalogue."""
    schema = json.loads(text)
    scalar_ops = [name for name, op in OPS.items() if not op.tensor]
    schema["$defs"]["node"]["properties"]["op"]["enum"] = ["input", "const", *scalar_ops]
    schema["properties"]["warnings"] = WARNINGS
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


TENSOR = {"$ref": "#/$defs/tensor"}


def render_tensor_schema(_: str) -> str:
    """The schema of documents with arrays, ``backpropviz/2``: version 1's, with a shape
    for every node and a number or nested lists of numbers wherever a value goes."""
    schema = json.loads(render_schema(SCHEMA.read_text(encoding="utf-8")))
    schema["title"] = schema["properties"]["schema"]["const"] = "backpropviz/2"
    schema["description"] += (" Version 2 is the document of a program whose values are "
                              "vectors or matrices: every node has a shape, and a value or "
                              "gradient is a number or nested lists of numbers of that shape.")
    schema["$defs"]["tensor"] = {
        "description": "A number (shape []) or an array as nested lists, row by row.",
        "anyOf": [{"$ref": "#/$defs/number"},
                  {"type": "array", "minItems": 1, "items": TENSOR}]}
    props = schema["properties"]
    props["variables"]["additionalProperties"] = props["gradients"]["additionalProperties"] = \
        TENSOR
    props["value"] = {**TENSOR, "description": props["value"]["description"]}
    node = schema["$defs"]["node"]
    node["properties"]["op"]["enum"] = ["input", "const", *OPS]
    node["properties"]["shape"] = {
        "type": "array", "maxItems": 4, "items": {"type": "integer", "minimum": 1},
        "description": "The shape of the node's value and gradient ([] for a number)."}
    for key in ("value", "grad"):
        node["properties"][key] = {**TENSOR, "description": node["properties"][key]["description"]}
    node["required"].insert(node["required"].index("value"), "shape")
    node["properties"]["index"] = {
        "type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 4,
        "description": "An index gate's indices (p[2]: [2]; A[1, -1]: [1, -1])."}
    props["explanation"] = {
        "type": "array", "items": {"type": "string"},
        "description": "With --explain: its lines (the passes with every gate's rule, "
                       "shapes and numbers)."}
    node["properties"]["local_grads"]["description"] += (" Empty for every gate of a program "
                                                         "with arrays (its Jacobians are not "
                                                         "stored).")
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {README: render_readme, SCHEMA: render_schema, TENSOR_SCHEMA: render_tensor_schema}


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def stale() -> list[Path]:
    """The generated files that differ from what the op table gives."""
    return [path for path, render in RENDERERS.items() if render(_read(path)) != _read(path)]


def main(argv: list[str]) -> int:
    """Write the files (or with ``--check`` only report the stale ones); the exit status."""
    if argv not in ([], ["--check"]):
        print("usage: python scripts/update_docs.py [--check]", file=sys.stderr)
        return 2
    for path in stale():
        name = path.relative_to(REPO)
        if argv:
            print(f"{name} is out of date: {HINT}", file=sys.stderr)
        else:
            path.write_text(RENDERERS[path](_read(path)), encoding="utf-8")
            print(f"wrote {name}")
    return 1 if argv and stale() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
