"""Rewrite the parts of README.md and the JSON Schema that list the op table's functions.

Run ``python scripts/update_docs.py`` after changing ``backpropviz/ops.py``; with ``--check``
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

from backpropviz.ops import FOLDED, FUNCTION_OP, FUNCTIONS, OPS  # noqa: E402 (after the path)

README = REPO / "README.md"
SCHEMA = REPO / "backpropviz" / "schema" / "backpropviz-1.schema.json"
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


def render_schema(text: str) -> str:
    """``text`` (the JSON Schema) with the op enum rewritten from the op table."""
    schema = json.loads(text)
    schema["$defs"]["node"]["properties"]["op"]["enum"] = ["input", "const", *OPS]
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {README: render_readme, SCHEMA: render_schema}


def stale() -> list[Path]:
    """The generated files that differ from what the op table gives."""
    return [path for path, render in RENDERERS.items()
            if render(path.read_text(encoding="utf-8")) != path.read_text(encoding="utf-8")]


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
            path.write_text(RENDERERS[path](path.read_text(encoding="utf-8")), encoding="utf-8")
            print(f"wrote {name}")
    return 1 if argv and stale() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
