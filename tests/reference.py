"""The published CS231n figures (tests/data/cs231n.json, a copy of the seed's reference) and
how to pass their values on the command line; shared by the test modules."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).parent / "data" / "cs231n.json"
REFERENCE = {ex["expression"]: ex for ex in
             json.loads(DATA.read_text(encoding="utf-8"))["examples"]}
SIMPLE = "(x+y)*z"
SIGMOID = "1/(1+exp(-(w0*x0+w1*x1+w2)))"


def var_args(values: dict) -> list[str]:
    """``{"x": 3}`` as ``["--x", "3"]``."""
    out: list[str] = []
    for name, value in values.items():
        out += [f"--{name}", str(value)]
    return out
