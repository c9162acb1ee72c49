"""The README shows real output: every `$ backpropviz ...` example in a console block, and
the JSON example, are what the tool prints today."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def console_examples() -> list[tuple[str, str]]:
    """(command line, the output shown under it) from every ```console block."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        command, shown = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    examples.append((command, "\n".join(shown)))
                command, shown = line[2:], []
            else:
                shown.append(line)
        if command is not None:
            examples.append((command, "\n".join(shown)))
    return examples


EXAMPLES = console_examples()


def test_readme_has_console_examples():
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("command,shown", EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_console_example_is_real_output(run, command, shown):
    words = shlex.split(command)
    assert words[0] == "backpropviz"
    result = run(*words[1:])
    printed = (result.stdout + result.stderr).rstrip("\n")
    assert printed == shown.rstrip("\n")


def test_json_example_is_real_output(run):
    block = re.search(r"```json\n(.*?)```", README, flags=re.S).group(1)
    shown = json.loads(block)
    result = run(shown["expression"], *(f"--{k}={v:g}" for k, v in shown["variables"].items()),
                 "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == shown
