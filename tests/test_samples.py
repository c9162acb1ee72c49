"""The ready-to-run commands in samples/ work and give the published CS231n numbers."""

from __future__ import annotations

import json
import math
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.sh"))
REFERENCE = json.loads((ROOT / "tests" / "data" / "cs231n.json").read_text())["examples"]


def _command(path: Path) -> list[str]:
    """The backpropviz command line of a sample script, without its -o outputs."""
    lines = [line for line in path.read_text().splitlines() if line.startswith("backpropviz ")]
    assert len(lines) == 1, f"{path.name} should hold one backpropviz command"
    words = shlex.split(lines[0])[1:]
    words = [w for w in words if w != "$@"]
    while "-o" in words:  # outputs are not what this test checks
        i = words.index("-o")
        del words[i:i + 2]
    return words


def test_there_is_a_sample_per_seed_figure():
    expressions = {_command(p)[0] for p in SAMPLES}
    assert expressions == {ex["expression"] for ex in REFERENCE}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_gives_reference_numbers(path):
    words = _command(path)
    proc = subprocess.run([sys.executable, "-m", "backpropviz", *words, "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    ref = next(ex for ex in REFERENCE if ex["expression"] == words[0])
    assert math.isclose(doc["value"], ref["output"]["value"], rel_tol=1e-12)
    assert doc["gradients"].keys() == ref["gradients"].keys()
    for name, grad in ref["gradients"].items():
        assert math.isclose(doc["gradients"][name], grad, rel_tol=1e-12), name


@pytest.mark.needs_dot
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_script_writes_its_diagram(path, tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    shim = bindir / "backpropviz"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m backpropviz "$@"\n')
    shim.chmod(0o755)
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(["sh", str(path), "-o", "out.dot", "-q"], capture_output=True,
                          text=True, cwd=tmp_path, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out.dot").read_text().startswith("digraph")
    assert list(tmp_path.glob("*.svg")), "the sample's own -o diagram was not written"
