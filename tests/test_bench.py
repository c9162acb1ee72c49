"""The benchmark script works: ``benchmarks/bench.py --quick`` runs to the end, prints the goals
and writes every number as JSON. No timing is asserted: speed is measured by running the
script, not by a test (a loaded CI machine would make a timed test flaky)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"
WORKLOADS = ("sum", "chain", "dag")
PHASES = ("parse", "forward", "backward", "json", "table", "dot", "cli")


def test_quick_run_prints_goals_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = subprocess.run([sys.executable, str(BENCH), "--quick", "--json", str(out)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]

    assert "\nGoals\n" in result.stdout
    assert "verdict: 1 " in result.stdout
    doc = json.loads(out.read_text())
    assert {g["goal"] for g in doc["goals"]} == {1, 2, 3, 4, 5, 6}
    for name in WORKLOADS:
        sizes = doc["workloads"][name]["sizes"]
        assert list(sizes) == ["100", "1000", "10000"]
        for size in sizes.values():
            assert size["ops"] > 0
            for phase in PHASES:
                assert size["phases"][phase]["seconds"] > 0, (name, phase)
                assert len(size["phases"][phase]["runs"]) >= 3
            for baseline in ("tape_build", "tape_forward", "tape_backward"):
                assert size["baselines"][baseline]["seconds"] > 0
