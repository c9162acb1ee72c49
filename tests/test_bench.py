"""The benchmark script works: ``benchmarks/bench.py --quick`` runs to the end, prints the goals
and writes every number as JSON. No timing is asserted: speed is measured by running the
script, not by a test (a loaded CI machine would make a timed test flaky)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import load_script

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


def load_bench():
    """The benchmark script as a module (it is a script, not part of the package)."""
    return load_script(BENCH, "bench")


def test_sweep_times_every_phase_at_every_size() -> None:
    bench = load_bench()
    sizes = (30, 60, 120, 240, 480)
    rows = bench.sweep(sizes, 1)
    assert list(rows) == list(WORKLOADS)
    for name in WORKLOADS:
        assert list(rows[name]) == list(PHASES[:-1])  # every in-process phase (not the cli)
        for phase, cells in rows[name].items():
            assert list(cells) == [str(s) for s in sizes]
            assert all(us > 0 for us in cells.values()), (name, phase)
    lines = bench.sweep_table(rows, sizes).splitlines()
    assert lines[0].split()[:7] == ["workload", "phase", "30", "60", "120", "240", "480"]
    assert len(lines) == 2 + 3 * 6
    # the growth column is time(240) / time(60): us/op ratio times 4
    sum_parse = rows["sum"]["parse"]
    assert lines[2].split()[-2] == f"{sum_parse['240'] / sum_parse['60'] * 4:.1f}"


# --- benchmarks/layout.py: the geometry it counts with ------------------------------------

LAYOUT = BENCH.parent / "layout.py"


def load_layout():
    return load_script(LAYOUT, "layout_bench")


def test_layout_counts_a_crossing_and_not_a_shared_end():
    from backpropviz.render import crossings as layout
    # two straight "curves" forming an X cross once; two meeting at a shared end do not
    x1 = layout.Wire(0, [(0.0, 0.0), (10.0, 10.0)])
    x2 = layout.Wire(1, [(0.0, 10.0), (10.0, 0.0)])
    v1 = layout.Wire(2, [(0.0, 0.0), (5.0, 5.0)])
    v2 = layout.Wire(3, [(10.0, 0.0), (5.0, 5.0)])
    assert layout._crosses(x1, x2)
    assert not layout._crosses(v1, v2)
    # a cubic Bézier through its end points: flattened, it starts and ends there
    line = layout._bezier([(0.0, 0.0), (1.0, 2.0), (3.0, 2.0), (4.0, 0.0)])
    assert line[0] == (0.0, 0.0) and line[-1] == (4.0, 0.0)
    assert len(line) == layout.SAMPLES_PER_CURVE + 1


@pytest.mark.needs_embedded
def test_layout_benchmark_runs_and_the_seed_has_no_crossing():
    result = subprocess.run([sys.executable, str(LAYOUT), "--engine", "embedded", "--only",
                             "seed", "fork"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    cells = [re.split(r"\s{2,}", line.strip()) for line in result.stdout.splitlines()[2:]]
    rows = {row[0]: row[1:] for row in cells}
    # engine, gates, crossings, text px, aspect, seconds
    assert rows["seed: (x+y)z"][:3] == ["embedded", "2", "0"]
    assert rows["fork x*x"][:3] == ["embedded", "1", "0"]
    # the text of the (x+y)z figure fitted to a slide is large: well over 24 px
    assert float(rows["seed: (x+y)z"][3]) > 24


SEAMS = BENCH.parent / "seams.py"


def test_seams_benchmark_finds_no_gap_in_the_seed_and_the_fork():
    """benchmarks/seams.py: in the seed figure every wire meets its label's rule without
    gap or offset: 10 ends, a wire in and one out at each of its 5 labels; x*x has 9 (x's
    wire ends at its label, leaves it twice, once into each branch's label)."""
    result = subprocess.run([sys.executable, str(SEAMS), "--engine", "embedded", "--only",
                             "seed: (x", "fork x*x"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    cells = [re.split(r"\s{2,}", line.strip()) for line in result.stdout.splitlines()[2:]]
    rows = {(row[0], row[2]): row[3:] for row in cells}
    # line, ends, gap, overlap, off
    assert rows["seed: (x+y)z", "default"] == ["1", "10", "0.00", "0.00", "0.00"]
    assert rows["fork x*x", "slide"][:2] == ["1", "9"]
    assert len(rows) == 4


def test_seams_benchmark_measures_top_to_bottom_rules():
    """benchmarks/seams.py --direction TB measures upright rules: the linear layer's 9
    labels each met by a wire in and one out, on the rule's middle (rules stood 6
    points off their wires on a slide)."""
    result = subprocess.run([sys.executable, str(SEAMS), "--engine", "embedded", "--only",
                             "arrays: linear", "--direction", "TB"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    cells = [re.split(r"\s{2,}", line.strip()) for line in result.stdout.splitlines()[2:]]
    rows = {(row[0], row[2]): row[3:] for row in cells}
    assert len(rows) == 2
    for line, ends, gap, overlap, off in rows.values():
        assert ends == "18" and float(off) <= 0.5 and float(gap) <= float(line)


MEMORY = BENCH.parent / "memory.py"


def test_memory_benchmark_prints_its_tables(tmp_path: Path) -> None:
    """``benchmarks/memory.py`` runs whole commands on 1 MB programs and the reads that
    never end, and reports every number (no memory goal is asserted here)."""
    out = tmp_path / "memory.json"
    result = subprocess.run([sys.executable, str(MEMORY), "--quick", "--cases", "dag,names",
                             "--json", str(out)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Peak RSS of whole runs" in result.stdout and "verdict: " in result.stdout
    doc = json.loads(out.read_text())
    modes = ["-q", "--json", "-o .json", "-o .dot"]
    assert [(r["case"], r["mode"]) for r in doc["programs"]] == [
        (case, mode) for case in ("dag", "names") for mode in modes]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memory.json"]  # files removed
    for row in doc["programs"]:
        assert row["rc"] == 0 and row["chars"] >= 999_000 and row["peak_rss_bytes"] > 0
    assert len(doc["bounded"]) == 5
    for row in doc["bounded"]:
        assert row["rc"] == 2 and "--max-size" in row["stderr"], row


def load_budgets():
    """``benchmarks/budgets.py`` as a module."""
    return load_script(BENCH.parent / "budgets.py", "budgets")


def test_budgets_benchmark_measures_a_case_and_prints_its_row(tmp_path: Path) -> None:
    """One case of ``benchmarks/budgets.py`` run for real with a one-second budget: exit 2,
    the time to the message, the peak memory, and its row in the table."""
    budgets = load_budgets()
    cases = budgets.make_cases(tmp_path, 1.0, 100)
    assert [c.expected_rc for c in cases] == [2, 2, 2, 2, 2, 0, 0, 0]
    row = budgets.measure(cases[0], tmp_path)
    assert row["rc"] == 2, row
    assert row["message"].startswith("Error: --exact: gave up at node ")
    assert 1.0 <= row["seconds"] < 60
    assert row["peak_kib"] > 10_000  # a Python process with sympy: tens of MB
    assert row["written"] == []
    lines = budgets.table([row]).splitlines()
    assert lines[0].split()[:5] == ["case", "exit", "seconds", "peak", "MB"]
    assert lines[2].startswith("--exact, iterated squaring (40 lines)")
    assert f"{row['seconds']:.1f}" in lines[2].split()


def test_tensor_benchmark_quick_run_prints_its_table() -> None:
    """benchmarks/tensor.py --quick: the MLP against NumPy by hand (it asserts the two agree)
    and against the unrolled scalar program; no timing is asserted."""
    script = BENCH.parent / "tensor.py"
    result = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True,
                            text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["workload", "backpropviz", "reference"]
    assert any(line.startswith("MLP 64x64 @ 64x64, fwd+bwd") for line in lines)
    assert any("vs unrolled" in line and "faster" in line for line in lines)
LESSONS = BENCH.parent / "lessons.py"


@pytest.mark.needs_dot  # (the benchmark draws with the system Graphviz, as it measures it)
def test_lessons_benchmark_prints_its_table(tmp_path: Path) -> None:
    """``benchmarks/lessons.py --quick`` runs the lesson GIF and HTML commands and the
    frame-count rows, and reports every number (no goal is asserted here)."""
    out = tmp_path / "lessons.json"
    result = subprocess.run([sys.executable, str(LESSONS), "--quick", "--json", str(out)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "lesson GIF: peak RSS" in result.stdout and "GIF frames" in result.stdout
    doc = json.loads(out.read_text())
    assert [row["frames"] for row in doc["frames"]] == [4, 8, 12]
    for key in ("lesson_gif", "lesson_html", "lesson_html_big"):
        assert doc[key]["rc"] == 0 and doc[key]["peak_rss_bytes"] > 0 and doc[key]["bytes"] > 0
    assert doc["lesson_gif"]["gates"] == 13
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lessons.json"]
