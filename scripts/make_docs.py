"""Redraw the README's own pictures (docs/*.svg and docs/*.png) with the commands the
README lists for them, under "The diagrams in `docs/` were made by the tool itself".

Run ``python scripts/make_docs.py`` from a checkout after changing how diagrams look;
``tests/test_readme_docs.py`` fails while the pictures are not what those commands draw.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
MARKER = "The diagrams in `docs/` were made by the tool itself:"


def commands(readme: str | None = None) -> list[list[str]]:
    """The README's commands that draw docs/ (each without its leading ``backpropviz``):
    the indented lines after :data:`MARKER`."""
    text = README.read_text("utf-8") if readme is None else readme
    lines = text[text.index(MARKER) + len(MARKER):].splitlines()[1:]
    found = []
    for line in lines:
        if not line.strip():
            if found:
                break
            continue
        if not line.startswith("    backpropviz "):
            break
        found.append(shlex.split(line)[1:])
    return found


def outputs(args: list[str]) -> list[str]:
    """The ``-o`` paths of a command."""
    return [args[i + 1] for i, word in enumerate(args[:-1]) if word == "-o"]


def without_outputs(args: list[str]) -> list[str]:
    """A command's arguments without its ``-o PATH`` pairs."""
    kept, skip = [], False
    for word in args:
        if skip:
            skip = False
        elif word == "-o":
            skip = True
        else:
            kept.append(word)
    return kept


def main() -> int:
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # this checkout's backpropviz
    for args in commands():
        subprocess.run([sys.executable, "-m", "backpropviz", *args, "-q"], cwd=REPO, env=env,
                       check=True)
        print("drew", ", ".join(outputs(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
