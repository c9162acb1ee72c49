"""The README's function table, JSON op list and error transcript, and the JSON Schema's op
enum are written from the op table by scripts/update_docs.py: they must be current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backpropviz.ops import FUNCTIONS, OPS

from conftest import load_script

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "update_docs.py"
HINT = "out of date: run python scripts/update_docs.py"


docs = load_script(SCRIPT, "update_docs")


@pytest.mark.parametrize("path", [docs.README, docs.SCHEMA], ids=["README", "schema"])
def test_generated_docs_are_current(path):
    text = path.read_text(encoding="utf-8")
    assert docs.RENDERERS[path](text) == text, f"{path.name} is {HINT}"


def test_readme_table_has_a_row_per_function():
    table = docs.function_table()
    for spelling in FUNCTIONS:
        assert f"| `{OPS[spelling].formula}` |" in table
    assert table in docs.README.read_text(encoding="utf-8")


# The last two functions of the table (a stale README lacks one): not written out, so that
# appending a function to the table keeps these tests true.
BEFORE_LAST, LAST = list(FUNCTIONS)[-2:]


def test_a_stale_readme_is_caught_and_rewritten():
    current = docs.README.read_text(encoding="utf-8")
    stale = (current.replace(f"| `{BEFORE_LAST}(x)` |", f"| `{BEFORE_LAST}x(x)` |")
             .replace(f", {BEFORE_LAST}, {LAST}\n", f", {LAST}\n")
             .replace(f" {BEFORE_LAST} {LAST}`", f" {LAST}`"))
    assert stale != current
    assert docs.render_readme(stale) == current


def test_a_stale_schema_is_caught_and_rewritten():
    current = docs.SCHEMA.read_text(encoding="utf-8")
    last_scalar = [name for name, op in OPS.items() if not op.tensor][-1]  # (version 1's)
    stale = current.replace(f'"{last_scalar}"\n', f'"{last_scalar}x"\n')
    assert stale != current
    assert docs.render_schema(stale) == current


def test_check_mode_names_the_script(tmp_path, monkeypatch, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(docs.README.read_text(encoding="utf-8").replace(
        f" {BEFORE_LAST} {LAST}`", f" {LAST}`"), encoding="utf-8")
    monkeypatch.setattr(docs, "RENDERERS", {readme: docs.render_readme})
    monkeypatch.setattr(docs, "REPO", tmp_path)
    assert docs.main(["--check"]) == 1
    assert capsys.readouterr().err == f"README.md is {HINT}\n"
    assert docs.main([]) == 0
    assert docs.main(["--check"]) == 0


def test_script_check_passes_as_a_process():
    proc = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
