#!/usr/bin/env python3
"""Time and peak memory of lessons: GIF and HTML of a 40-gate MLP, the HTML of a 200-gate
one, and the GIF's peak memory at 20, 80 and 200 frames (which must be flat).

Run from a checkout::

    python benchmarks/lessons.py            # every row (a few minutes)
    python benchmarks/lessons.py --quick    # small sizes, to see that it runs
    python benchmarks/lessons.py --json lessons.json

Every run is a fresh process (peak RSS from ``getrusage(RUSAGE_CHILDREN)`` in a small
runner, as ``memory.py`` does). The programs are one-hidden-layer MLPs,
``h_k = tanh(a_k*x0 + c_k*x1 + b_k)`` and ``f = v_0*h_0 + v_1*h_1 + ...``: 7 gates per
hidden unit, less one. The frame rows draw a fixed 13-gate lesson's frames over and over
(20, 80, 200 of them) into one GIF, so only the frame count changes. It prints a table with
each goal and exits 0 whatever the goals say; non-zero only when a run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
MIB = 2**20

# A fresh, small process runs the command and reports on it (Linux keeps a process's peak
# RSS across fork and exec: a child of a big process would inherit its peak).
_RUNNER = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - start
print(json.dumps({"rc": r.returncode, "seconds": seconds, "stderr": r.stderr.decode()[-500:],
                  "maxrss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

# The GIF of ``count`` frames cycling through one lesson's frames, drawn and encoded as the
# command does (diagram._render_gif).
_FRAMES = """\
import sys
import backpropviz
from backpropviz.render.diagram import _render_gif
from backpropviz.render.dot import CLASSIC
from backpropviz.render.engines import choose_engine
from backpropviz.render.frames import lesson_frames
program, count, engine = sys.argv[1], int(sys.argv[2]), sys.argv[3]
import json
text, values = json.loads(program)
graph = backpropviz.trace(text, values)
views = [f.view for f in lesson_frames(graph)]
views = (views * (count // len(views) + 1))[:count]
data = _render_gif(graph, views, 2, choose_engine(engine), CLASSIC, 1.0, 1200, None).body
assert data[:6] == b"GIF89a"
"""


def mlp(hidden: int) -> tuple[str, dict[str, float]]:
    """A one-hidden-layer MLP with ``hidden`` tanh units: 7 * hidden - 1 gates."""
    lines, values = [], {"x0": 0.5, "x1": -1.5}
    for k in range(hidden):
        lines.append(f"h{k} = tanh(a{k}*x0 + c{k}*x1 + b{k})")
        values.update({f"a{k}": 0.1 * (k % 7) - 0.3, f"c{k}": 0.2 - 0.05 * (k % 5),
                       f"b{k}": 0.01 * k, f"v{k}": 0.3 - 0.1 * (k % 4)})
    lines.append("f = " + " + ".join(f"v{k}*h{k}" for k in range(hidden)))
    return "\n".join(lines) + "\n", values


def child_env() -> dict[str, str]:
    """This checkout first on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def measure(command: list[str], cwd: Path) -> dict[str, Any]:
    """Run ``command`` under the runner: exit status, seconds, peak RSS in bytes."""
    out = subprocess.run([sys.executable, "-c", _RUNNER, *command], cwd=cwd, env=child_env(),
                         capture_output=True, text=True, check=True)
    stats = json.loads(out.stdout.strip().splitlines()[-1])
    scale = 1 if sys.platform == "darwin" else 1024  # Linux counts KiB
    stats["peak_rss_bytes"] = stats.pop("maxrss") * scale
    return stats


def lesson(hidden: int, ext: str, engine: str, folder: Path) -> dict[str, Any]:
    """The command writing the lesson of an MLP with ``hidden`` units as ``ext``."""
    text, values = mlp(hidden)
    program, values_file = folder / f"mlp{hidden}.bp", folder / f"mlp{hidden}.json"
    program.write_text(text, encoding="utf-8")
    values_file.write_text(json.dumps(values), encoding="utf-8")
    target = folder / f"lesson{hidden}.{ext}"
    row = measure([sys.executable, "-m", "backpropviz", "-f", str(program), "--values",
                   str(values_file), "--engine", engine, "-q", "--max-frames", "1000", "--timeout", "0",
                   "-o", str(target)], folder)
    row.update(gates=7 * hidden - 1, bytes=target.stat().st_size if target.exists() else 0)
    target.unlink(missing_ok=True)
    return row


def frames(count: int, engine: str, folder: Path) -> dict[str, Any]:
    """Peak memory of a GIF of ``count`` frames of the same 13-gate lesson."""
    row = measure([sys.executable, "-c", _FRAMES, json.dumps(mlp(2)), str(count), engine],
                  folder)
    row.update(frames=count)
    return row


def verdict(value: float, goal: float) -> str:
    return "PASS" if value <= goal else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to see it run")
    parser.add_argument("--engine", default="dot", help="Graphviz engine (dot or embedded)")
    parser.add_argument("--json", type=Path, help="also write every number here")
    args = parser.parse_args(argv)
    small, big, counts = ((2, 3, (4, 8, 12)) if args.quick else (6, 29, (20, 80, 200)))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        gif = lesson(small, "gif", args.engine, folder)
        html = lesson(small, "html", args.engine, folder)
        html_big = lesson(big, "html", args.engine, folder)
        flat = [frames(n, args.engine, folder) for n in counts]
    rows = [
        (f"{gif['gates']}-gate lesson GIF: time", gif["seconds"], 15.0, "s"),
        (f"{gif['gates']}-gate lesson GIF: peak RSS", gif["peak_rss_bytes"] / MIB, 400.0, "MiB"),
        (f"{html['gates']}-gate HTML lesson: time", html["seconds"], 2.0, "s"),
        (f"{html_big['gates']}-gate HTML lesson: time", html_big["seconds"], 10.0, "s"),
        (f"{html_big['gates']}-gate HTML lesson: file", html_big["bytes"] / 1e6, 5.0, "MB"),
    ]
    base = flat[0]["peak_rss_bytes"]
    growth = (flat[-1]["peak_rss_bytes"] - base) / MIB
    rows.append((f"GIF peak RSS growth, {counts[0]} -> {counts[-1]} frames", growth, 20.0,
                 "MiB"))
    failed = [r for r in (gif, html, html_big, *flat) if r["rc"] != 0]
    print(f"{'check':46} {'measured':>10} {'goal':>8}  result")
    for name, value, goal, unit in rows:
        print(f"{name:46} {value:>8.2f} {unit:<3} <= {goal:g} {unit}  {verdict(value, goal)}")
    print()
    print(f"{'GIF frames':>10} {'seconds':>8} {'peak MiB':>9}")
    for row in flat:
        print(f"{row['frames']:>10} {row['seconds']:>8.1f} {row['peak_rss_bytes'] / MIB:>9.0f}")
    print(f"\n{len(failed)} run(s) failed" if failed else "\nevery run exited 0")
    for row in failed:
        print(row["stderr"], file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps({"lesson_gif": gif, "lesson_html": html,
                                         "lesson_html_big": html_big, "frames": flat,
                                         "rows": [list(r) for r in rows]}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
