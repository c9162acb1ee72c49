#!/usr/bin/env python3
"""Benchmark the bounded cases of issue 20: time to the message, and peak memory.

Run from a checkout::

    python benchmarks/budgets.py                 # --timeout 60, as the command's default
    python benchmarks/budgets.py --timeout 10    # the same cases, a shorter budget
    python benchmarks/budgets.py --quick         # --timeout 3 and a 30,000-term sum
    python benchmarks/budgets.py --case explain  # only the cases named so
    python benchmarks/budgets.py --json out.json

Each case is one ``python -m backpropviz`` process that used to run for minutes or hours
(or until memory ran out): it should now stop with exit 2 and one line naming the phase
and the node, soon after the budget, or (a GIF too big, an explanation) not need it.
Peak memory is the largest process of the run: the command or its sympy worker. It is a
measurement, not a test: it exits 0 unless a case ends otherwise than expected.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

REPO = Path(__file__).resolve().parent.parent

#: One case run by a fresh intermediate process, which reports the command's exit status,
#: wall time and the peak RSS of its largest descendant (RUSAGE_CHILDREN).
_MEASURE = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - start
kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": r.returncode, "seconds": seconds, "peak_kib": kib,
                  "stderr": r.stderr.decode("utf-8", "replace")}))
"""


class Case(NamedTuple):
    """One bounded case: what it is, the command's arguments and the exit it should have."""

    name: str
    args: list[str]
    expected_rc: int


def write(folder: Path, name: str, text: str) -> str:
    """Write ``text`` to ``folder/name``; its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def make_cases(folder: Path, timeout: float, sum_terms: int) -> list[Case]:
    """The cases of issue 20, written into ``folder``."""
    squaring = "\n".join(["a1 = x*x"] + [f"a{k} = a{k - 1}*a{k - 1}" for k in range(2, 41)])
    dag = "\n".join(f"t{k} = t{k - 1} + t{k - 2}*t{k - 3}" for k in range(3, 300))
    many = "\n".join(["s = x0*x0"] + [f"s = s + x{i}*x{i}" for i in range(1, 20_000)])
    many_values = json.dumps({f"x{i}": 0.5 for i in range(20_000)})
    lesson = " + ".join(f"x{i}*y{i}" for i in range(50)) + " + z"  # 100 gates
    lesson_values = json.dumps({**{f"x{i}": 0.5 for i in range(50)},
                                **{f"y{i}": 1.5 for i in range(50)}, "z": 1.0})
    total = " + ".join(f"w{i % 64}*x{i % 64}" for i in range(sum_terms // 2))
    same = " + ".join(["x"] * sum_terms)  # one node read sum_terms times
    total_values = json.dumps({**{f"w{i}": 0.5 for i in range(64)},
                               **{f"x{i}": 1.5 for i in range(64)}})
    budget = ["--timeout", f"{timeout:g}", "-q"]
    out = str(folder / "out.json")
    dag_point = ["--t0", "1.1", "--t1", "0.9", "--t2", "1.2"]
    return [
        Case("--exact, iterated squaring (40 lines)",
             ["-f", write(folder, "squaring.bp", squaring), "--x", "3", "--exact", "-o", out,
              *budget], 2),
        Case("--exact, exploding DAG (297 lines)",
             ["-f", write(folder, "dag.bp", dag), *dag_point, "--exact", "-o", out, *budget], 2),
        Case("--check, exploding DAG (297 lines)",
             ["-f", str(folder / "dag.bp"), *dag_point, "--check", "-o", out, *budget], 2),
        Case("--check, 20,000 variables",
             ["-f", write(folder, "many.bp", many), "--values",
              write(folder, "many.json", many_values), "--check", "-o", out, *budget], 2),
        Case("GIF, 201 frames at --scale 8",
             ["-f", write(folder, "lesson.bp", lesson), "--values",
              write(folder, "lesson.json", lesson_values), "--scale", "8",
              "-o", str(folder / "lesson.gif"), *budget], 2),
        Case(f"--explain both --json, x + x + ... {sum_terms:,}x",
             ["-f", write(folder, "same.bp", same), "--x", "2", "--explain", "both", "--json",
              *budget], 0),
        Case(f"--explain both --json, w*x sum, {sum_terms:,} ops",
             ["-f", write(folder, "sum.bp", total), "--values",
              write(folder, "sum.json", total_values), "--explain", "both", "--json",
              *budget], 0),
        Case(f"--explain both (text), w*x sum, {sum_terms:,} ops",
             ["-f", str(folder / "sum.bp"), "--values", str(folder / "sum.json"),
              "--explain", "both", "--timeout", f"{timeout:g}"], 0),
    ]


def measure(case: Case, folder: Path) -> dict[str, Any]:
    """Run one case; its exit status, seconds, peak memory and message."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "backpropviz", *case.args]
    result = subprocess.run([sys.executable, "-c", _MEASURE, *command], cwd=folder, env=env,
                            capture_output=True, text=True, check=True)
    row: dict[str, Any] = json.loads(result.stdout)
    lines = row.pop("stderr").strip().splitlines()
    row.update(case=case.name, expected_rc=case.expected_rc,
               message=lines[0] if lines else "",
               written=sorted(p.name for p in folder.iterdir()
                              if p.name in ("out.json", "lesson.gif")))
    return row


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as a text table: case, exit status, seconds, peak MB, the message's start."""
    head = f"{'case':<46} {'exit':>4} {'seconds':>8} {'peak MB':>8}  message"
    lines = [head, "-" * len(head)]
    for row in rows:
        message = row["message"] if len(row["message"]) <= 110 else row["message"][:107] + "..."
        lines.append(f"{row['case']:<46} {row['rc']:>4} {row['seconds']:>8.1f} "
                     f"{row['peak_kib'] / 1024:>8.0f}  {message}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="the --timeout of every case (default 60, the command's)")
    parser.add_argument("--quick", action="store_true",
                        help="--timeout 3 and a 30,000-term sum: under a minute")
    parser.add_argument("--case", metavar="TEXT", default="",
                        help="run only the cases whose name contains TEXT")
    parser.add_argument("--json", metavar="OUT", help="also write the rows as JSON to OUT")
    args = parser.parse_args(argv)
    timeout = 3.0 if args.quick else args.timeout
    terms = 30_000 if args.quick else 300_000
    rows = []
    with tempfile.TemporaryDirectory(prefix="bpv-budgets-") as tmp:
        folder = Path(tmp)
        for case in make_cases(folder, timeout, terms):
            if args.case not in case.name:
                continue
            print(f"running: {case.name}", file=sys.stderr, flush=True)
            rows.append(measure(case, folder))
    print(f"Bounded cases of issue 20 (--timeout {timeout:g}; Python "
          f"{sys.version.split()[0]}, {os.cpu_count()} cores)\n")
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    wrong = [r["case"] for r in rows if r["rc"] != r["expected_rc"] or r["written"]]
    if wrong:
        print(f"\nended otherwise than expected: {', '.join(wrong)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
