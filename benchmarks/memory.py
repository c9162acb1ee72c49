#!/usr/bin/env python3
"""Peak memory of whole runs on big programs, and of reads that must stop at --max-size.

Run from a checkout::

    python benchmarks/memory.py            # 1 MB and 10 MB programs, every shape
    python benchmarks/memory.py --quick    # 1 MB only
    python benchmarks/memory.py --json memory.json

Each program is written to a file with a JSON values file and run as
``python -m backpropviz -f prog.bp --values vals.json`` with ``-q`` (parse and both passes)
with ``--json`` (the document too, to /dev/null), and writing ``-o out.json`` and
``-o out.dot`` (each file deleted after its run). The goal (issue 20): peak RSS under
400 bytes per input character plus 60 MB. Shapes:

* ``sum``     - one line, a flat sum of products ``w0*x0 + w1*x1 + ...``;
* ``program`` - a deep chain, every line the same shape: ``v = tanh(v*w3 + b5)``;
* ``shapes``  - every line a new shape (random operators, functions, parentheses and
  constants): the adversarial case for anything that caches per line shape;
* ``dag``     - every node read three times: ``t3 = tanh(t2 + t1*t0)``;
* ``unary``   - one unary-minus chain ``------...x``;
* ``parens``  - one nest of parentheses ``((((x))))``;
* ``names``   - few variables with very long names, ``aaaa...*bbbb...``.

The bounded reads (``/dev/zero`` as a program or values file, an endless stdin) must end
with exit 2 at the default --max-size, in well under a second, in little memory.

It prints a table and exits 0 whatever the goals say; non-zero only when a run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Sequence

REPO = Path(__file__).resolve().parent.parent
MB = 1_000_000
SIZES = (MB, 10 * MB)
BYTES_PER_CHAR = 400
BASE_BYTES = 60 * 2**20
BOUNDED_SECONDS = 1.0
BOUNDED_BYTES = 200 * 2**20
PAIRS = 64
SEED = 20

Program = tuple[str, dict[str, float]]  # the text, and a value for every variable


def _pairs_values() -> dict[str, float]:
    rng = random.Random(SEED)
    return {f"{p}{k}": round(rng.uniform(-1, 1), 3) for k in range(PAIRS) for p in "wxb"}


def _fill(size: int, first: str, line: Callable[[int], str]) -> str:
    """``first``, then ``line(k)`` for k = 1, 2, ... while the text stays within ``size``
    characters (the default --max-size is 10 MB: a 10 MB program must fit)."""
    pieces, total, k = [first], len(first), 1
    while True:
        piece = line(k)
        if total + len(piece) > size:
            return "".join(pieces)
        pieces.append(piece)
        total += len(piece)
        k += 1


def make_sum(size: int) -> Program:
    text = _fill(size, "w0*x0", lambda k: f" + w{k % PAIRS}*x{k % PAIRS}")
    return text, _pairs_values()


def make_program(size: int) -> Program:
    text = _fill(size, "v = x0\n", lambda k: f"v = tanh(v*w{k % PAIRS} + b{k % PAIRS})\n")
    return text, _pairs_values()


def make_dag(size: int) -> Program:
    first = "t0 = x0\nt1 = x1\nt2 = x2\n"
    text = _fill(size, first, lambda k: f"t{k + 2} = tanh(t{k + 1} + t{k}*t{k - 1})\n")
    return text, _pairs_values()


_FUNCS = ("tanh", "sigmoid", "exp", "relu", "sin", "log", "sqrt", "abs", "max", "min")
_OPS = ("+", "-", "*", "/")


def _random_expression(rng: random.Random, depth: int, names: Sequence[str]) -> str:
    """A random expression: a new shape (operators, nesting, functions) nearly every time."""
    if depth == 0 or rng.random() < 0.25:
        roll = rng.random()
        if roll < 0.6:
            return rng.choice(names)
        return f"{rng.randint(1, 99)}" if roll < 0.8 else f"{rng.random():.2f}"
    roll = rng.random()
    if roll < 0.2:
        func = rng.choice(_FUNCS)
        args = 2 if func in ("max", "min") else 1
        inner = ", ".join(_random_expression(rng, depth - 1, names) for _ in range(args))
        return f"{func}({inner})"
    if roll < 0.3:
        return f"-{_random_expression(rng, depth - 1, names)}"
    if roll < 0.4:
        return f"({_random_expression(rng, depth - 1, names)})"
    op = rng.choice(_OPS)
    return (f"{_random_expression(rng, depth - 1, names)} {op} "
            f"{_random_expression(rng, depth - 1, names)}")


def make_shapes(size: int) -> Program:
    """Every line a new shape, reading the variables and the last few lines' names."""
    rng = random.Random(SEED)
    variables = [f"{p}{k}" for k in range(PAIRS) for p in "wxb"]

    def line(k: int) -> str:
        names = variables[:8] + [f"s{j}" for j in range(max(0, k - 4), k)]
        return f"s{k} = {_random_expression(rng, 4, names)}\n"

    return _fill(size, "s0 = w0*x0\n", line), _pairs_values()


def make_unary(size: int) -> Program:
    return "-" * (size - 2) + "x0", {"x0": 0.5}


def make_parens(size: int) -> Program:
    half = (size - 2) // 2
    return "(" * half + "x0" + ")" * half, {"x0": 0.5}


def make_names(size: int) -> Program:
    third = size // 3
    a, b, c = "a" * third, "b" * third, "c" * (size - 2 * third - 4)
    return f"{a}*{b}+{c}", {a: 1.0, b: 2.0, c: 3.0}


MAKERS: dict[str, Callable[[int], Program]] = {
    "sum": make_sum, "program": make_program, "shapes": make_shapes, "dag": make_dag,
    "unary": make_unary, "parens": make_parens, "names": make_names,
}
MODES = {"-q": ["-q"], "--json": ["--json"]}
#: Writing files: .json and .dot are never limited in size (a 10M-node .dot is 7 GB).
FILE_MODES = {"-o .json": ["-q", "-o", "out.json"], "-o .dot": ["-q", "-o", "out.dot"]}


def child_env() -> dict[str, str]:
    """This checkout first on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


# A fresh, small process runs the command and reports on it: Linux keeps a process's peak
# RSS across fork and exec, so a child of this (big) process would inherit its peak.
_RUNNER = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - start
sys.stderr.buffer.write(r.stderr)
print(json.dumps({"rc": r.returncode, "seconds": seconds,
                  "maxrss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}),
      file=sys.stderr)
"""


def measure(args: Sequence[str], stdin: Any = subprocess.DEVNULL,
            feed: Callable[[Any], None] | None = None, cwd: Path | None = None
            ) -> dict[str, Any]:
    """One ``python -m backpropviz ARGS`` run: exit status, wall seconds, peak RSS (bytes)
    and the first line of stderr."""
    proc = subprocess.Popen([sys.executable, "-c", _RUNNER, sys.executable, "-m",
                             "backpropviz", *args], env=child_env(), stdin=stdin, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    writer = None
    if feed is not None:
        writer = threading.Thread(target=feed, args=(proc.stdin,), daemon=True)
        writer.start()
    assert proc.stderr is not None
    lines = proc.stderr.read().decode("utf-8", "replace").strip().split("\n")
    proc.wait()
    if writer is not None:
        writer.join(timeout=5)
    stats = json.loads(lines[-1])
    scale = 1 if sys.platform == "darwin" else 1024  # Linux counts KiB
    return {"rc": stats["rc"], "seconds": stats["seconds"],
            "peak_rss_bytes": stats["maxrss"] * scale,
            "stderr": lines[0] if len(lines) > 1 else ""}


def endless(pipe: Any) -> None:
    """Write to ``pipe`` until the reader goes away."""
    try:
        while True:
            pipe.write(b"x + " * 16_384)
    except (BrokenPipeError, OSError, ValueError):
        pass


def bench_programs(sizes: Sequence[int], folder: Path) -> list[dict[str, Any]]:
    """Every shape at every size, in every mode."""
    rows = []
    for size in sizes:
        for name, make in MAKERS.items():
            text, values = make(size)
            prog, vals = folder / f"{name}_{size}.bp", folder / f"{name}_{size}.json"
            prog.write_text(text, "utf-8")
            vals.write_text(json.dumps(values), "utf-8")
            del text
            for mode, extra in {**MODES, **FILE_MODES}.items():
                # (a long-names program's values file is as long as the program itself)
                run = measure(["-f", str(prog), "--values", str(vals), "--max-size",
                               str(2 * size), *extra], cwd=folder)
                print(f"  {name} {size:,} {mode}: exit {run['rc']}, {run['seconds']:.1f} s, "
                      f"{run['peak_rss_bytes'] / 2**20:.0f} MiB", file=sys.stderr, flush=True)
                if run["rc"] != 0:
                    raise RuntimeError(f"{name} {size:,} {mode}: exit {run['rc']}: "
                                       f"{run['stderr']}")
                for written in ("out.json", "out.dot"):
                    (folder / written).unlink(missing_ok=True)
                chars = len(prog.read_text("utf-8"))
                budget = BYTES_PER_CHAR * chars + BASE_BYTES
                rows.append({"case": name, "chars": chars, "mode": mode, **run,
                             "budget_bytes": budget,
                             "ok": run["peak_rss_bytes"] < budget})
            prog.unlink()
    return rows


def bench_bounded() -> list[dict[str, Any]]:
    """Reads that never end: each must stop at --max-size with exit 2."""
    cases: list[tuple[str, list[str], Any, Any]] = [
        ("program /dev/zero", ["@/dev/zero"], subprocess.DEVNULL, None),
        ("--values /dev/zero", ["x", "--values", "/dev/zero"], subprocess.DEVNULL, None),
        ("stdin /dev/zero", ["-"], "zero", None),
        ("endless stdin pipe", ["-"], subprocess.PIPE, endless),
        ("endless --values -", ["x", "--values", "-"], subprocess.PIPE, endless),
    ]
    rows = []
    for name, args, stdin, feed in cases:
        print(f"  {name} ...", file=sys.stderr, flush=True)
        if stdin == "zero":
            with open("/dev/zero", "rb") as zeros:
                run = measure(args, zeros)
        else:
            run = measure(args, stdin, feed)
        ok = (run["rc"] == 2 and "--max-size" in run["stderr"]
              and run["seconds"] < BOUNDED_SECONDS and run["peak_rss_bytes"] < BOUNDED_BYTES)
        rows.append({"case": name, **run, "ok": ok})
    return rows


def print_tables(programs: list[dict[str, Any]], bounded: list[dict[str, Any]]) -> None:
    print(f"Peak RSS of whole runs (goal: < {BYTES_PER_CHAR} B per input character "
          f"+ {BASE_BYTES // 2**20} MiB)")
    print(f"{'case':<9} {'chars':>11} {'mode':<8} {'seconds':>8} {'peak MiB':>9} "
          f"{'budget MiB':>11} {'B/char':>7}  result")
    for r in programs:
        per_char = max(0, r["peak_rss_bytes"] - BASE_BYTES) / r["chars"]
        print(f"{r['case']:<9} {r['chars']:>11,} {r['mode']:<8} {r['seconds']:>8.2f} "
              f"{r['peak_rss_bytes'] / 2**20:>9.0f} {r['budget_bytes'] / 2**20:>11.0f} "
              f"{per_char:>7.0f}  {'PASS' if r['ok'] else 'FAIL'}")
    print()
    print(f"Reads that never end (goal: exit 2 at --max-size in < {BOUNDED_SECONDS:g} s, "
          f"< {BOUNDED_BYTES // 2**20} MiB)")
    print(f"{'case':<20} {'rc':>3} {'seconds':>8} {'peak MiB':>9}  result  message")
    for r in bounded:
        print(f"{r['case']:<20} {r['rc']:>3} {r['seconds']:>8.2f} "
              f"{r['peak_rss_bytes'] / 2**20:>9.0f}  {'PASS' if r['ok'] else 'FAIL':<6}  "
              f"{r['stderr'][:70]}")
    results = programs + bounded
    print(f"\nverdict: {sum(r['ok'] for r in results)} of {len(results)} pass")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 MB programs only")
    parser.add_argument("--json", metavar="FILE", help="also write every number as JSON")
    parser.add_argument("--cases", metavar="NAMES", help="comma-separated shapes to run")
    args = parser.parse_args(argv)
    if args.cases:
        for name in list(MAKERS):
            if name not in args.cases.split(","):
                del MAKERS[name]
    sizes = SIZES[:1] if args.quick else SIZES
    with tempfile.TemporaryDirectory() as folder:
        programs = bench_programs(sizes, Path(folder))
    bounded = bench_bounded()
    print_tables(programs, bounded)
    if args.json:
        Path(args.json).write_text(json.dumps({"programs": programs, "bounded": bounded},
                                              indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
