#!/usr/bin/env python3
"""Speed and memory of programs on arrays: a 2-layer MLP on a batch of 64, forward and
backward, against the same computation written by hand in NumPy and against the same
program unrolled into scalars.

Run from a checkout::

    python benchmarks/tensor.py            # weights 256x256 and 1024x1024
    python benchmarks/tensor.py --quick    # 64x64 only (a test runs this)

The program is ``H = relu(X @ W1 + b1); S = H @ W2 + b2; L = mean(S**2)`` with X of shape
(64, d), W1 and W2 (d, d), b1 and b2 (d,). backpropviz's time is both passes on a parsed
graph (the parse takes microseconds); by hand is the same forward pass and every gradient
(dX too) in plain NumPy. Peak memory is tracemalloc's peak during the run (NumPy reports
its buffers to it). The goals (issue 18): <= 1.5x by hand; >= 100x faster than the scalar
program of the same computation (measured at a size where that finishes in seconds).

It prints a table and exits 0 whatever the goals say.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backpropviz.engine import evaluate  # noqa: E402 (after the path)
from backpropviz.parse import build_expression  # noqa: E402
from backpropviz.unroll import unroll  # noqa: E402

PROGRAM = "H = relu(X @ W1 + b1); S = H @ W2 + b2; L = mean(S**2)"
BATCH = 64
HAND_RATIO = 1.5
UNROLLED_RATIO = 100.0


def values(d: int, batch: int = BATCH) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    return {"X": rng.normal(size=(batch, d)), "W1": rng.normal(size=(d, d)) / np.sqrt(d),
            "b1": rng.normal(size=d), "W2": rng.normal(size=(d, d)) / np.sqrt(d),
            "b2": rng.normal(size=d)}


def by_hand(v: dict[str, Any]) -> dict[str, Any]:
    """Forward and backward of the program, written out in NumPy."""
    Z = v["X"] @ v["W1"] + v["b1"]
    H = np.maximum(Z, 0)
    S = H @ v["W2"] + v["b2"]
    L = np.mean(S ** 2)
    dS = 2 * S / S.size
    dH = dS @ v["W2"].T
    dZ = dH * (Z > 0)
    return {"L": L, "W2": H.T @ dS, "b2": dS.sum(0), "W1": v["X"].T @ dZ, "b1": dZ.sum(0),
            "X": dZ @ v["W1"].T}


def ours(v: dict[str, Any]) -> dict[str, Any]:
    graph = build_expression(PROGRAM)
    evaluate(graph, v)
    return {"L": graph.value, **graph.gradients}


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median seconds of ``repeat`` runs, and the peak bytes tracemalloc saw in one."""
    fn()  # warm up (imports, caches)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak


def scalar_time(d: int, batch: int) -> tuple[float, float, int]:
    """Seconds of the array passes and of the unrolled scalar program (parse + passes) at a
    small size, and the unrolled program's statements."""
    v = values(d, batch)
    graph = build_expression(PROGRAM)
    evaluate(graph, v)
    flat = unroll(graph, v, limit=10 ** 7)
    tensor_seconds, _ = timed(lambda: ours(v), 5)
    start = time.perf_counter()
    scalar = evaluate(build_expression(flat.text), flat.values)
    scalar_seconds = time.perf_counter() - start
    assert abs(scalar.value - graph.value) <= 1e-9 * max(1.0, abs(graph.value))
    return tensor_seconds, scalar_seconds, flat.text.count("\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="64x64 weights only")
    args = parser.parse_args(argv)
    sizes = (64,) if args.quick else (256, 1024)
    rows = []
    for d in sizes:
        v = values(d)
        got, want = ours(v), by_hand(v)
        for key, value in want.items():
            assert np.allclose(got[key], value, rtol=1e-10, atol=1e-12), key
        ours_s, ours_peak = timed(lambda: ours(v), 3 if d > 512 else 7)
        hand_s, hand_peak = timed(lambda: by_hand(v), 3 if d > 512 else 7)
        ratio = ours_s / hand_s
        rows.append((f"MLP {BATCH}x{d} @ {d}x{d}, fwd+bwd", f"{ours_s * 1e3:.2f} ms",
                     f"{hand_s * 1e3:.2f} ms", f"{ratio:.2f}x", f"<= {HAND_RATIO}x",
                     "PASS" if ratio <= HAND_RATIO else "FAIL",
                     f"{ours_peak / 2**20:.1f} / {hand_peak / 2**20:.1f} MiB"))
    small_d, small_batch = (8, 4) if args.quick else (32, 16)
    tensor_s, scalar_s, statements = scalar_time(small_d, small_batch)
    speedup = scalar_s / tensor_s
    rows.append((f"MLP {small_batch}x{small_d} vs unrolled ({statements:,} statements)",
                 f"{tensor_s * 1e3:.2f} ms", f"{scalar_s * 1e3:.0f} ms (scalar)",
                 f"{speedup:,.0f}x faster", f">= {UNROLLED_RATIO:.0f}x",
                 "PASS" if speedup >= UNROLLED_RATIO else "FAIL", ""))
    head = ("workload", "backpropviz", "reference", "ratio", "goal", "result",
            "peak memory (ours / hand)")
    widths = [max(len(str(r[k])) for r in [head, *rows]) for k in range(len(head))]
    for row in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
