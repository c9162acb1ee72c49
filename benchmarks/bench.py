#!/usr/bin/env python3
"""Benchmark backpropviz phase by phase, end to end, and against its peers, in one run.

Run from a checkout (``pip install -e .[bench]`` adds micrograd)::

    python benchmarks/bench.py            # 10^2 .. 10^5 operations, medians of 5 runs
    python benchmarks/bench.py --quick    # 10^2 .. 10^4, medians of 3 runs, under a minute
    python benchmarks/bench.py --json bench.json

Workloads (issue 7), each generated at every size as program text plus a JSON values file:

* ``sum``   - a flat sum of products over 64 reused variable pairs: ``w0*x0 + w1*x1 + ...``;
* ``chain`` - a deep chain written as a program: ``v = x``, then ``v = tanh(v*w_k + b_k)``;
* ``dag``   - a DAG that reads every node three times: ``t3 = tanh(t2 + t1*t0)``, ...

Our tool is timed phase by phase in-process (parse, forward, backward, JSON, table, DOT)
through its public functions (parse is text -> graph, as the command line does it: one
pass that makes each node as the parser reduces its operator, no separate build step), and end to end as a subprocess
(``python -m backpropviz -f prog.bp --values vals.json --json``, process start included).
The same run times the baselines the issue's goals are ratios against: a minimal
plain-Python reverse-mode tape (defined below), micrograd from PyPI, sympy's ``parse_expr``
(a fresh process, sizes up to 10^4: it grows quadratically) and interpreter start-up.

It prints one table of microseconds per operation, then the goals with PASS/FAIL. It is a
measurement, not a test: it exits 0 whatever the goals say, and non-zero only when
something breaks (a failed command, or two engines disagreeing about the same graph).
"""

from __future__ import annotations

import argparse
import compileall
import gc
import io
import json
import math
import operator
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # benchmark the checkout, installed or not
    sys.path.insert(0, str(REPO))

from backpropviz.engine import backward, forward  # noqa: E402
from backpropviz.graph import Graph  # noqa: E402
from backpropviz.parse import build_expression  # noqa: E402
from backpropviz.render.dot import render_dot  # noqa: E402
from backpropviz.render.json_doc import render_json  # noqa: E402
from backpropviz.render.table import render_table  # noqa: E402

SIZES = (100, 1_000, 10_000, 100_000)
QUICK_SIZES = (100, 1_000, 10_000)
REPEATS, QUICK_REPEATS = 5, 3
STARTUP_REPEATS = 15  # start-up runs each (5 left the ratio to sympy 0.18-0.21 from run to run)
SYMPY_MAX, QUICK_SYMPY_MAX = 10_000, 1_000  # parse_expr is quadratic: 10^5 would take hours
PAIRS = 64          # distinct variable pairs the workloads cycle through
SEED = 7

#: Our in-process phases, in pipeline order, then the end-to-end subprocess run.
PHASES = ("parse", "forward", "backward", "json", "table", "dot")
ALL_PHASES = PHASES + ("cli",)
WORKLOADS = ("sum", "chain", "dag")

#: Thresholds of the goals (issue 7; the parser's 3 us/op is issue 13's, for one parser
#: with no generated code).
STARTUP_VS_PASS, STARTUP_VS_SYMPY = 4.0, 0.2
ENGINE_VS_TAPE, PARSER_US_PER_OP = 2.0, 3.0
CLI_VS_MICROGRAD, CLI_VS_PARSE_EXPR = 3.0, 50.0
LINEAR_GROWTH = 12.0
BYTES_PER_NODE = 1024

MIN_SAMPLE_SECONDS = 0.01  # shorter calls are looped so one sample lasts about this long
KEEP_WARMUP_SECONDS = 0.2  # a first call this long is kept as a sample: warm-up is noise there


def loadavg() -> float | None:
    """The 1-minute load average (None where unknown): timings on a busy machine are noisy,
    so the output says when it was."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # not on every platform
        return None


_T0 = time.perf_counter()


def log(message: str) -> None:
    """Progress on stderr, with the seconds since the start, so stdout carries only the
    tables."""
    print(f"[{time.perf_counter() - _T0:5.1f} s] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Timing


def measure(fn: Callable[[], object], repeats: int,
            setup: Callable[[], object] | None = None) -> list[float]:
    """Seconds per call of ``fn``, one number per sample, ``repeats`` samples.

    A first call warms caches and calibrates: calls shorter than MIN_SAMPLE_SECONDS are
    looped so the timer's resolution does not matter, and a first call longer than
    KEEP_WARMUP_SECONDS counts as a sample (at that length warm-up is noise, and it saves a
    long run). ``setup``, if given, runs untimed before every call (then calls are not
    looped). The cyclic GC stays enabled, as in real use (it is a large part of
    micrograd's cost), but garbage of earlier samples is collected outside the timings.
    """
    def sample(loops: int) -> float:
        gc.collect()
        if setup is not None:
            setup()
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        return (time.perf_counter() - start) / loops

    first = sample(1)
    samples = [first] if first >= KEEP_WARMUP_SECONDS else []
    loops = 1
    if setup is None and first < MIN_SAMPLE_SECONDS:
        loops = min(1000, math.ceil(MIN_SAMPLE_SECONDS / max(first, 1e-7)))
    while len(samples) < repeats:
        samples.append(sample(loops))
    gc.collect()
    return samples


def summary(samples: Sequence[float], ops: int | None = None) -> dict[str, Any]:
    """The JSON record of one timing: median seconds, per-operation microseconds, the runs."""
    median = statistics.median(samples)
    record: dict[str, Any] = {"seconds": median, "runs": list(samples)}
    if ops:
        record["us_per_op"] = median / ops * 1e6
    return record


# --------------------------------------------------------------------------------------
# Workloads: the same graph as program text (for us and sympy) and as builder calls (for
# the tape and micrograd), so every engine computes exactly the same operations.


class Builder(Protocol):
    """What a workload needs from an engine to build its graph: named leaves and three ops,
    each returning the engine's handle of the new node."""

    def leaf(self, name: str) -> Any:
        """The input variable ``name`` (with its value from the workload)."""

    def add(self, a: Any, b: Any) -> Any:
        """``a + b``."""

    def mul(self, a: Any, b: Any) -> Any:
        """``a * b``."""

    def tanh(self, a: Any) -> Any:
        """``tanh(a)``."""


@dataclass
class Workload:
    """One generated input: its text, values and the same graph as builder calls.

    ``statements`` is what sympy's ``parse_expr`` reads: the whole text for an expression,
    each statement's right-hand side for a program (sympy has no assignments).
    """

    name: str
    size: int                           # the nominal size: 10^2 .. 10^5
    text: str
    values: dict[str, float]
    statements: list[str]
    emit: Callable[[Builder], Any]      # builds the graph, returns the output
    ops: int                            # gates: operations computed
    nodes: int                          # gates plus leaves


def _values(names: Sequence[str], rng: random.Random) -> dict[str, float]:
    return {name: round(rng.uniform(-1, 1), 3) for name in names}


def make_sum(size: int) -> Workload:
    """``w0*x0 + w1*x1 + ...`` with ``(size+1)//2`` products over the pairs i % 64."""
    terms = (size + 1) // 2
    pairs = min(PAIRS, terms)
    text = " + ".join(f"w{i % PAIRS}*x{i % PAIRS}" for i in range(terms)) + "\n"
    names = [f"{v}{k}" for k in range(pairs) for v in "wx"]

    def emit(b: Builder) -> Any:
        w = [b.leaf(f"w{k}") for k in range(pairs)]
        x = [b.leaf(f"x{k}") for k in range(pairs)]
        acc = b.mul(w[0], x[0])
        for i in range(1, terms):
            acc = b.add(acc, b.mul(w[i % PAIRS], x[i % PAIRS]))
        return acc

    return Workload("sum", size, text, _values(names, random.Random(SEED)), [text.strip()],
                    emit, 2 * terms - 1, 2 * terms - 1 + 2 * pairs)


def make_chain(size: int) -> Workload:
    """``v = x`` then ``size//3`` lines ``v = tanh(v*w_k + b_k)`` with k = i % 64."""
    lines = size // 3
    pairs = min(PAIRS, lines)
    rhs = ["x"] + [f"tanh(v*w{k % PAIRS} + b{k % PAIRS})" for k in range(lines)]
    names = ["x"] + [f"{v}{k}" for k in range(pairs) for v in "wb"]

    def emit(b: Builder) -> Any:
        v = b.leaf("x")
        w = [b.leaf(f"w{k}") for k in range(pairs)]
        c = [b.leaf(f"b{k}") for k in range(pairs)]
        for k in range(lines):
            v = b.tanh(b.add(b.mul(v, w[k % PAIRS]), c[k % PAIRS]))
        return v

    text = "".join(f"v = {r}\n" for r in rhs)
    return Workload("chain", size, text, _values(names, random.Random(SEED)), rhs,
                    emit, 3 * lines, 3 * lines + 1 + 2 * pairs)


def make_dag(size: int) -> Workload:
    """``t_i = tanh(t_{i-1} + t_{i-2}*t_{i-3})`` for ``size//3`` lines from inputs t0, t1, t2:
    every node is read three times."""
    lines = size // 3
    rhs = [f"tanh(t{i - 1} + t{i - 2}*t{i - 3})" for i in range(3, lines + 3)]

    def emit(b: Builder) -> Any:
        t = [b.leaf("t0"), b.leaf("t1"), b.leaf("t2")]
        for i in range(3, lines + 3):
            t.append(b.tanh(b.add(t[i - 1], b.mul(t[i - 2], t[i - 3]))))
        return t[-1]

    text = "".join(f"t{i} = {r}\n" for i, r in enumerate(rhs, 3))
    return Workload("dag", size, text, _values(["t0", "t1", "t2"], random.Random(SEED)), rhs,
                    emit, 3 * lines, 3 * lines + 3)


MAKERS = {"sum": make_sum, "chain": make_chain, "dag": make_dag}
TITLES = {"sum": "flat sum of products", "chain": "deep tanh chain (program)",
          "dag": "DAG, each node read 3x (program)"}


# --------------------------------------------------------------------------------------
# Baselines


class Tape:
    """The issue's baseline: a minimal plain-Python reverse-mode tape.

    Parallel lists of opcodes and operand indices; one forward loop; one reversed backward
    loop into a preallocated adjoint list. No names, spans, labels or checks: the floor a
    pure-Python engine can reach, which goal 2 holds our engine to within 2x of.
    """

    LEAF, ADD, MUL, TANH = range(4)

    def __init__(self, values: dict[str, float]) -> None:
        self.values = values
        self.op: list[int] = []
        self.a: list[int] = []
        self.b: list[int] = []
        self.init: list[float] = []   # a leaf's value; 0.0 for a gate
        self.leaves: dict[str, int] = {}

    def _push(self, op: int, a: int, b: int, value: float = 0.0) -> int:
        self.op.append(op)
        self.a.append(a)
        self.b.append(b)
        self.init.append(value)
        return len(self.op) - 1

    def leaf(self, name: str) -> int:
        index = self.leaves[name] = self._push(self.LEAF, -1, -1, self.values[name])
        return index

    def add(self, a: int, b: int) -> int:
        return self._push(self.ADD, a, b)

    def mul(self, a: int, b: int) -> int:
        return self._push(self.MUL, a, b)

    def tanh(self, a: int) -> int:
        return self._push(self.TANH, a, -1)

    def forward(self) -> list[float]:
        """Every node's value, in one loop."""
        ADD, MUL, TANH, tanh = self.ADD, self.MUL, self.TANH, math.tanh
        vals = self.init[:]
        for i, (op, a, b) in enumerate(zip(self.op, self.a, self.b)):
            if op == ADD:
                vals[i] = vals[a] + vals[b]
            elif op == MUL:
                vals[i] = vals[a] * vals[b]
            elif op == TANH:
                vals[i] = tanh(vals[a])
        return vals

    def backward(self, vals: list[float], output: int) -> list[float]:
        """d output / d every node, in one reversed loop."""
        ADD, MUL, LEAF = self.ADD, self.MUL, self.LEAF
        ops, opa, opb = self.op, self.a, self.b
        adj = [0.0] * len(ops)
        adj[output] = 1.0
        for i in range(output, -1, -1):
            op = ops[i]
            if op == LEAF:
                continue
            g, a = adj[i], opa[i]
            if op == ADD:
                adj[a] += g
                adj[opb[i]] += g
            elif op == MUL:
                b = opb[i]
                adj[a] += g * vals[b]
                adj[b] += g * vals[a]
            else:
                v = vals[i]
                adj[a] += g * (1.0 - v * v)
        return adj


try:
    from micrograd.engine import Value
except ImportError:  # the `bench` extra is not installed
    Value = None  # type: ignore[assignment,misc]


class Micrograd:
    """micrograd's own build (which is its forward pass) through its operators.

    micrograd 0.1.0 has no tanh; :meth:`tanh` adds it exactly as micrograd writes its ops
    (and as its author's lecture does): one Value and one closure per node.
    """

    def __init__(self, values: dict[str, float]) -> None:
        self.values = values
        self.leaves: dict[str, Any] = {}

    def leaf(self, name: str) -> Any:
        value = self.leaves[name] = Value(self.values[name])
        return value

    add = staticmethod(operator.add)
    mul = staticmethod(operator.mul)

    @staticmethod
    def tanh(x: Any) -> Any:
        """``tanh(x)`` as a micrograd op: the value now, the local derivative in a closure."""
        t = math.tanh(x.data)
        out = Value(t, (x,), "tanh")

        def _backward() -> None:
            x.grad += (1 - t * t) * out.grad
        out._backward = _backward
        return out


def run_micrograd(work: Workload) -> tuple[Micrograd, Any]:
    """Build + forward + backward in micrograd; returns the builder (its leaves hold the
    gradients) and the output Value."""
    mg = Micrograd(work.values)
    out = work.emit(mg)
    out.backward()
    return mg, out


def deep_recursion(ops: int) -> None:
    """micrograd sorts the graph with a recursive DFS as deep as the graph: let it recurse
    (Python 3.11 keeps pure-Python frames off the C stack)."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 2 * ops + 10_000))


# --------------------------------------------------------------------------------------
# Subprocesses


def child_env() -> dict[str, str]:
    """The environment of every child process: this checkout first on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def run_command(cmd: Sequence[str], cwd: str) -> float:
    """Wall seconds of one run of ``cmd`` (stdout discarded); a failure stops the benchmark."""
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=child_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} ... exited {result.returncode}:\n{result.stderr}")
    return elapsed


def time_commands(commands: dict[str, list[str]], repeats: int, cwd: str,
                  warmup: bool = True) -> dict[str, list[float]]:
    """Wall times of several commands, run round-robin (after one warm-up run each, which
    fills the OS file cache), so drift in the machine's load hits them all alike."""
    if warmup:
        for cmd in commands.values():
            run_command(cmd, cwd)
    times: dict[str, list[float]] = {key: [] for key in commands}
    for _ in range(repeats):
        for key, cmd in commands.items():
            times[key].append(run_command(cmd, cwd))
    return times


_PEAK_RSS = """\
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
if r.returncode:
    sys.stderr.buffer.write(r.stderr)
    sys.exit(r.returncode)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_rss(cmd: Sequence[str], cwd: str) -> int | None:
    """Peak RSS in bytes of one run of ``cmd``, or None where ``resource`` is missing.

    RUSAGE_CHILDREN is the largest of all waited-for children, so a fresh intermediate
    process runs the command: its only child is the command, so the maximum is its own.
    """
    try:
        import resource  # noqa: F401  (Unix only)
    except ImportError:
        return None
    result = subprocess.run([sys.executable, "-c", _PEAK_RSS, *cmd], cwd=cwd, env=child_env(),
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"peak RSS run failed:\n{result.stderr}")
    maxrss = int(result.stdout.split()[-1])
    return maxrss if sys.platform == "darwin" else maxrss * 1024  # Linux counts KiB


def cli_command(prog: Path, values: Path) -> list[str]:
    """The end-to-end run: program file, values file, JSON on stdout."""
    return [sys.executable, "-m", "backpropviz", "-f", str(prog), "--values", str(values), "--json"]


def sympy_worker(job_path: str) -> None:
    """``--sympy-worker JOB``: time ``parse_expr`` in this fresh process and print JSON.

    A separate process keeps sympy's hundreds of thousands of objects out of the benchmark
    process, where they would slow every later garbage collection. sympy's cache is cleared
    before every run, or repeats would only look up the expressions the first run built
    (ten times faster than a user's one parse). The recursion limit is raised because
    Python compiles the code parse_expr generates for a long sum recursively.
    """
    job = json.loads(Path(job_path).read_text())
    sys.setrecursionlimit(200_000)
    from sympy.core.cache import clear_cache
    from sympy.parsing.sympy_parser import parse_expr

    results = {}
    for key, statements in job["items"].items():
        def parse_all(statements: list[str] = statements) -> None:
            for statement in statements:
                parse_expr(statement)
        results[key] = measure(parse_all, job["repeats"], setup=clear_cache)
    json.dump(results, sys.stdout)


def time_parse_expr(items: dict[str, list[str]], repeats: int, folder: str
                    ) -> dict[str, list[float]]:
    """Samples of sympy ``parse_expr`` over each item's statements, in one fresh process."""
    job = Path(folder, "sympy_job.json")
    job.write_text(json.dumps({"repeats": repeats, "items": items}))
    result = subprocess.run([sys.executable, __file__, "--sympy-worker", str(job)], env=child_env(),
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"the parse_expr worker failed:\n{result.stderr}")
    return json.loads(result.stdout)


# --------------------------------------------------------------------------------------
# Measuring one workload at one size


def check_same(label: str, value: float, grads: dict[str, float], ref_value: float,
               ref_grads: dict[str, float]) -> None:
    """Stop when two engines disagree about the same graph: the timings would compare
    different work."""
    def close(a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    bad = [name for name in ref_grads if not close(grads[name], ref_grads[name])]
    if not close(value, ref_value) or bad:
        raise SystemExit(f"bench: {label} disagrees with the tape (value {value} vs {ref_value}"
                         f"{', gradients of ' + ', '.join(bad[:5]) if bad else ''})")


def phase_calls(work: Workload) -> tuple[Graph, dict[str, Callable[[], object]]]:
    """Our evaluated graph of ``work``, and one call per in-process phase that redoes only
    that phase. parse is text -> graph in one pass (each node made as its operator is
    reduced: there is no syntax tree and no separate build step on this route)."""
    graph = build_expression(work.text)
    forward(graph, work.values)
    backward(graph)
    return graph, {
        "parse": lambda: build_expression(work.text),
        "forward": lambda: forward(graph, work.values),
        "backward": lambda: backward(graph),
        "json": lambda: render_json(graph),
        "table": lambda: render_table(graph, file=io.StringIO()),
        "dot": lambda: render_dot(graph),
    }


def bench_tape(work: Workload, repeats: int
               ) -> tuple[float, dict[str, float], dict[str, Any]]:
    """The tape's value and gradients (the reference) and its phase times; its memory is
    freed on return, before ours is measured."""
    tape = Tape(work.values)
    out = work.emit(tape)
    tape_vals = tape.forward()
    adj = tape.backward(tape_vals, out)
    ref_grads = {n: adj[i] for n, i in tape.leaves.items()}
    return tape_vals[out], ref_grads, {
        "tape_build": summary(measure(lambda: work.emit(Tape(work.values)), repeats), work.ops),
        "tape_forward": summary(measure(tape.forward, repeats), work.ops),
        "tape_backward": summary(measure(lambda: tape.backward(tape_vals, out), repeats),
                                 work.ops),
    }


def bench_size(work: Workload, repeats: int, folder: str) -> dict[str, Any]:
    """Time every phase of ours, the CLI, the tape and micrograd on one workload."""
    ops = work.ops
    prog = Path(folder, f"{work.name}_{work.size}.bp")
    vals = Path(folder, f"{work.name}_{work.size}.json")
    prog.write_text(work.text)
    vals.write_text(json.dumps(work.values))

    # The tape first: it is the reference every other engine is checked against.
    ref_value, ref_grads, baselines = bench_tape(work, repeats)

    graph, calls = phase_calls(work)
    check_same(f"backpropviz on {work.name} {work.size}", graph.value, graph.gradients,
               ref_value, ref_grads)
    phases = {phase: summary(measure(call, repeats), ops) for phase, call in calls.items()}
    del graph, calls
    gc.collect()

    phases["cli"] = summary(time_commands({"cli": cli_command(prog, vals)}, repeats, folder,
                                             warmup=False)["cli"], ops)

    if Value is not None:
        deep_recursion(ops)
        mg, mg_out = run_micrograd(work)
        check_same(f"micrograd on {work.name} {work.size}", mg_out.data,
                   {n: v.grad for n, v in mg.leaves.items()}, ref_value, ref_grads)
        del mg, mg_out
        baselines["micrograd"] = summary(measure(lambda: run_micrograd(work), repeats), ops)
    return {"ops": ops, "nodes": work.nodes, "phases": phases, "baselines": baselines}


# --------------------------------------------------------------------------------------
# Goals


def goal(number: int, name: str, check: str, value: float | None, target: str,
         passed: bool | None, measured: str | None = None, status: str | None = None
         ) -> dict[str, Any]:
    """One row of the goals table; ``passed`` None means it could not be measured (SKIP)."""
    if status is None:
        status = "SKIP" if passed is None else ("PASS" if passed else "FAIL")
    if measured is None:
        measured = "-" if value is None else f"{value:.2f}x"
    return {"goal": number, "name": name, "check": check, "value": value, "target": target,
            "measured": measured, "status": status}


def evaluate_goals(results: dict[str, Any], startup: dict[str, Any], memory: dict[str, Any],
                   sizes: Sequence[int], progress: bool) -> list[dict[str, Any]]:
    """The issue's six goals as ratios of numbers measured in this run."""
    rows = []
    big, prev = str(sizes[-1]), str(sizes[-2])
    ours, bare, sym = (startup[k]["seconds"] for k in ("backpropviz_json", "python_pass", "import_sympy"))
    rows.append(goal(1, "start-up", "--json run / python -c pass", ours / bare, f"<= {STARTUP_VS_PASS:g}x",
                     ours / bare <= STARTUP_VS_PASS,
                     f"{ours / bare:.2f}x ({ours * 1e3:.0f} / {bare * 1e3:.0f} ms)"))
    rows.append(goal(1, "start-up", "--json run / import sympy", ours / sym, f"<= {STARTUP_VS_SYMPY:g}x",
                     ours / sym <= STARTUP_VS_SYMPY,
                     f"{ours / sym:.2f}x ({ours * 1e3:.0f} / {sym * 1e3:.0f} ms)"))

    for name in WORKLOADS:
        r = results[name][big]
        mine = r["phases"]["forward"]["seconds"] + r["phases"]["backward"]["seconds"]
        tape = r["baselines"]["tape_forward"]["seconds"] + r["baselines"]["tape_backward"]["seconds"]
        rows.append(goal(2, "engine", f"fwd+bwd / tape fwd+bwd, {name} {int(big):,}", mine / tape,
                         f"<= {ENGINE_VS_TAPE:g}x", mine / tape <= ENGINE_VS_TAPE))
    for name in WORKLOADS:
        us = results[name][big]["phases"]["parse"]["us_per_op"]
        rows.append(goal(2, "engine", f"parser, {name} {int(big):,}", us, f"<= {PARSER_US_PER_OP:g} us/op",
                         us <= PARSER_US_PER_OP, f"{us:.2f} us/op"))

    for name in WORKLOADS:
        r = results[name][big]
        cli = r["phases"]["cli"]["seconds"]
        mg = r["baselines"].get("micrograd")
        ratio = mg["seconds"] / cli if mg else None
        rows.append(goal(3, "end to end", f"micrograd / CLI, {name} {int(big):,}", ratio,
                         f">= {CLI_VS_MICROGRAD:g}x", None if ratio is None else ratio >= CLI_VS_MICROGRAD,
                         None if mg else "micrograd not installed"))
    for name in WORKLOADS:
        ran = [s for s in sizes if "parse_expr" in results[name][str(s)]["baselines"]]
        if not ran:
            rows.append(goal(3, "end to end", f"parse_expr / CLI, {name}", None,
                             f">= {CLI_VS_PARSE_EXPR:g}x", None))
            continue
        at = str(ran[-1])
        # ours at the largest size, scaled to parse_expr's size: per-operation costs compared
        ratio = (results[name][at]["baselines"]["parse_expr"]["us_per_op"]
                 / results[name][big]["phases"]["cli"]["us_per_op"])
        rows.append(goal(3, "end to end", f"parse_expr {int(at):,} / CLI {int(big):,} per op, {name}",
                         ratio, f">= {CLI_VS_PARSE_EXPR:g}x", ratio >= CLI_VS_PARSE_EXPR))

    for phase in PHASES:
        growth = {name: results[name][big]["phases"][phase]["seconds"]
                  / results[name][prev]["phases"][phase]["seconds"] for name in WORKLOADS}
        worst = max(growth, key=growth.__getitem__)
        rows.append(goal(4, "linear", f"{phase}: time({int(big):,}) / time({int(prev):,}), worst: {worst}",
                         growth[worst], f"<= {LINEAR_GROWTH:g}", growth[worst] <= LINEAR_GROWTH))

    for name in WORKLOADS:
        m = memory.get(name)
        per_node = m["bytes_per_node"] if m else None
        rows.append(goal(5, "memory", f"CLI peak RSS / node, {name} {int(big):,}", per_node,
                         f"< {BYTES_PER_NODE} B", None if per_node is None else per_node < BYTES_PER_NODE,
                         f"{per_node:.0f} B ({m['peak_rss_bytes'] / 2**20:.0f} MiB)" if m else "no resource module"))

    # A script cannot see a bar that only shows on a terminal: it reports what --help says.
    rows.append(goal(6, "progress", "progress bar on stderr when a terminal, never on pipes",
                     None, "checked by hand", None,
                     "--help mentions progress" if progress else "--help: no mention",
                     status="PRESENT" if progress else "MANUAL"))
    return rows


def progress_mentioned(folder: str) -> bool:
    """Whether ``backpropviz --help`` mentions progress: the one part of goal 6 a script can
    see (the bar itself only shows on a terminal)."""
    result = subprocess.run([sys.executable, "-m", "backpropviz", "--help"], cwd=folder,
                            env=child_env(), capture_output=True, text=True)
    return "progress" in result.stdout.lower()


# --------------------------------------------------------------------------------------
# Scaling sweep (goal 4's evidence)

SWEEP_SIZES = (3_000, 10_000, 30_000, 100_000, 300_000)


def best_call(fn: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` single calls, in seconds. Every size is timed the same way
    (no looping of short calls, which would keep a small graph hot in the caches)."""
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def sweep(sizes: Sequence[int], repeats: int) -> dict[str, dict[str, dict[str, float]]]:
    """Microseconds per operation of every in-process phase, per workload, phase and size.

    A linear phase has a flat row. A step between two sizes that then stays flat is the
    graph outgrowing a CPU cache, not work that grows faster than the graph."""
    result: dict[str, dict[str, dict[str, float]]] = {}
    for name in WORKLOADS:
        rows: dict[str, dict[str, float]] = {phase: {} for phase in PHASES}
        for size in sizes:
            log(f"sweep: {name} {size:,}")
            work = MAKERS[name](size)
            graph, calls = phase_calls(work)
            for phase, call in calls.items():
                rows[phase][str(size)] = best_call(call, repeats) / work.ops * 1e6
            del graph, calls, work
        result[name] = rows
    return result


def cache_sizes() -> str | None:
    """The CPU's cache sizes as Linux reports them ("L1d 64K, L2 1024K, ..."), or None."""
    found = []
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            level = (index / "level").read_text().strip()
            kind = (index / "type").read_text().strip()
            size = (index / "size").read_text().strip()
        except OSError:
            continue
        if kind != "Instruction":
            found.append(f"L{level}{'d' if kind == 'Data' else ''} {size}")
    return ", ".join(found) or None


def sweep_table(rows: dict[str, dict[str, dict[str, float]]], sizes: Sequence[int]) -> str:
    """One row per workload and phase: us/op at each size, then the time growth from the
    second to the fourth size (goal 4's ratio) and the per-op change over the last two."""
    a, b = str(sizes[1]), str(sizes[3])
    c, d = str(sizes[-2]), str(sizes[-1])
    scale = int(sizes[3]) / int(sizes[1])
    header = ["workload", "phase", *(f"{s:,}" for s in sizes),
              f"time {int(b):,}/{int(a):,}", f"us/op {int(d):,}/{int(c):,}"]
    table = []
    for name, phases in rows.items():
        for phase, cells in phases.items():
            table.append([name, phase, *(us(cells[str(s)]) for s in sizes),
                          f"{cells[b] / cells[a] * scale:.1f}", f"{cells[d] / cells[c]:.2f}"])
    return format_table(header, table, right=set(range(2, len(header))))


# --------------------------------------------------------------------------------------
# Output


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    """Plain aligned text: columns in ``right`` are right-justified, the rest left."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def us(value: float | None) -> str:
    """Microseconds with about three significant digits."""
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def results_table(workloads: dict[str, Any], sizes: Sequence[int]) -> str:
    """The one table: our phases and the baselines, us per operation, per workload and size."""
    header = ["workload", "ops", *ALL_PHASES, "tape", "tape f+b", "micrograd", "parse_expr"]
    rows = []
    for name in WORKLOADS:
        for size in sizes:
            r = workloads[name]["sizes"][str(size)]
            p, b = r["phases"], r["baselines"]
            tape = sum(b[k]["us_per_op"] for k in ("tape_build", "tape_forward", "tape_backward"))
            tape_fb = b["tape_forward"]["us_per_op"] + b["tape_backward"]["us_per_op"]
            rows.append([name, f"{r['ops']:,}", *(us(p[k]["us_per_op"]) for k in ALL_PHASES),
                         us(tape), us(tape_fb),
                         us(b["micrograd"]["us_per_op"]) if "micrograd" in b else "-",
                         us(b["parse_expr"]["us_per_op"]) if "parse_expr" in b else "-"])
    return format_table(header, rows, right=set(range(1, len(header))))


def goals_table(goals: list[dict[str, Any]]) -> str:
    """The goals, one check a row, and a one-line verdict per goal."""
    rows = [[str(g["goal"]), g["name"], g["check"], g["measured"], g["target"], g["status"]]
            for g in goals]
    verdicts = []
    for number in sorted({g["goal"] for g in goals}):
        statuses = {g["status"] for g in goals if g["goal"] == number}
        verdict = next((v for v in ("FAIL", "MANUAL", "PRESENT", "PASS") if v in statuses), "SKIP")
        verdicts.append(f"{number} {verdict}")
    return (format_table(["#", "goal", "check", "measured", "target", "result"], rows, right={0, 3})
            + "\nverdict: " + ", ".join(verdicts))


# --------------------------------------------------------------------------------------


def run_all(sizes: Sequence[int], repeats: int, sympy_max: int) -> dict[str, Any]:
    """Every measurement of one benchmark run, as the JSON document's parts."""
    # Byte-compile the checkout first, as pip does when it installs a package: with
    # PYTHONDONTWRITEBYTECODE set (or a read-only tree) every timed process would otherwise
    # recompile backpropviz's modules from source, which is not what a user's run does.
    compileall.compile_dir(str(REPO / "backpropviz"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="bpv-bench-") as folder:
        runs = max(repeats, STARTUP_REPEATS) if repeats == REPEATS else repeats
        log(f"start-up: python -c pass, import sympy, backpropviz --json ({runs} runs each)")
        startup_runs = time_commands({
            "python_pass": [sys.executable, "-c", "pass"],
            "import_sympy": [sys.executable, "-c", "import sympy"],
            "backpropviz_json": [sys.executable, "-m", "backpropviz", "(x+y)*z", "--x", "3",
                                 "--y", "-2", "--z", "-4", "--json"],
        }, runs, folder)

        results: dict[str, dict[str, Any]] = {name: {} for name in WORKLOADS}
        memory: dict[str, Any] = {}
        sympy_items: dict[str, list[str]] = {}
        big = sizes[-1]
        for name in WORKLOADS:
            for size in sizes:
                log(f"{name} {size:,}: our phases, cli, tape"
                    + (", micrograd" if Value is not None else ""))
                work = MAKERS[name](size)
                results[name][str(size)] = bench_size(work, repeats, folder)
                if size <= sympy_max:
                    sympy_items[f"{name}/{size}"] = work.statements
                del work
            log(f"{name} {big:,}: peak RSS of the cli")
            rss = peak_rss(cli_command(Path(folder, f"{name}_{big}.bp"),
                                       Path(folder, f"{name}_{big}.json")), folder)
            if rss is not None:
                nodes = results[name][str(big)]["nodes"]
                memory[name] = {"nodes": nodes, "peak_rss_bytes": rss, "bytes_per_node": rss / nodes}

        log(f"sympy parse_expr up to {sympy_max:,} (a fresh process)")
        for key, samples in time_parse_expr(sympy_items, repeats, folder).items():
            name, size = key.split("/")
            results[name][size]["baselines"]["parse_expr"] = summary(samples, results[name][size]["ops"])
        progress = progress_mentioned(folder)

    startup = {key: summary(runs) for key, runs in startup_runs.items()}
    return {"workloads": {name: {"title": TITLES[name], "sizes": results[name]} for name in WORKLOADS},
            "startup": startup, "memory": memory,
            "goals": evaluate_goals(results, startup, memory, sizes, progress)}


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run everything, print the two tables, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="sizes 10^2..10^4 and medians of 3 runs (under a minute; for CI)")
    parser.add_argument("--json", metavar="OUT", help="also write every number as JSON to OUT")
    parser.add_argument("--sweep", action="store_true",
                        help="instead: us/op of every phase from 3,000 to 300,000 operations "
                             "(goal 4's evidence: flat rows are linear; about 3 minutes)")
    parser.add_argument("--sympy-worker", metavar="JOB", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sympy_worker:
        sympy_worker(args.sympy_worker)
        return 0
    if args.sweep:
        return run_sweep(SWEEP_SIZES, QUICK_REPEATS, args.json)

    sizes = QUICK_SIZES if args.quick else SIZES
    repeats = QUICK_REPEATS if args.quick else REPEATS
    sympy_max = QUICK_SYMPY_MAX if args.quick else SYMPY_MAX
    load_before = loadavg()
    started = time.perf_counter()
    doc = run_all(sizes, repeats, sympy_max)
    elapsed = time.perf_counter() - started
    load_after = loadavg()

    notes = []
    if Value is None:
        notes.append("micrograd is not installed (pip install -e '.[bench]'): its column and "
                     "ratios are skipped")
    notes.append(f"parse_expr ran up to {sympy_max:,} operations (it is quadratic; skipped "
                 "above); for a program it parses each statement's right-hand side (sympy has "
                 "no assignments)")
    notes.append("cli = `python -m backpropviz -f prog --values vals.json --json > /dev/null`, "
                 "process start included; tape = build+forward+backward; micrograd = build "
                 "(its forward pass) + backward")
    busy = [load for load in (load_before, load_after)
            if load is not None and load > (os.cpu_count() or 1)]
    if busy:
        notes.append(f"the machine was busy (load average {max(busy):.1f} on {os.cpu_count()} "
                     "CPUs): timings are noisy")

    print(f"backpropviz benchmark: microseconds per operation, median of {repeats} runs"
          f"{' (--quick: indicative only)' if args.quick else ''}")
    print(f"python {platform.python_version()}, {platform.system()} {platform.machine()}, "
          f"{os.cpu_count()} CPUs; workloads: "
          + "; ".join(f"{n} = {TITLES[n]}" for n in WORKLOADS))
    print()
    print(results_table(doc["workloads"], sizes))
    print()
    for note in notes:
        print(f"note: {note}")
    print()
    print("Goals")
    print(goals_table(doc["goals"]))
    print(f"\n(ran in {elapsed:.0f} s)")

    if args.json:
        meta = {"python": platform.python_version(), "platform": platform.platform(),
                "cpus": os.cpu_count(), "quick": args.quick, "repeats": repeats,
                "sizes": list(sizes), "parse_expr_max_size": sympy_max,
                "micrograd": version("micrograd") if Value is not None else None,
                "load_average": [load_before, load_after], "seconds": elapsed,
                "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        Path(args.json).write_text(json.dumps({"meta": meta, **doc, "notes": notes}, indent=2) + "\n")
        log(f"wrote {args.json}")
    return 0


def run_sweep(sizes: Sequence[int], repeats: int, out: str | None) -> int:
    """``--sweep``: print the scaling table (and write it as JSON to ``out``)."""
    started = time.perf_counter()
    rows = sweep(sizes, repeats)
    caches = cache_sizes()
    print(f"backpropviz scaling sweep: microseconds per operation, best of {repeats} single "
          "calls")
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs"
          + (f"; caches per core: {caches}" if caches else ""))
    print()
    print(sweep_table(rows, sizes))
    print(f"\n(ran in {time.perf_counter() - started:.0f} s)")
    if out:
        Path(out).write_text(json.dumps({"sizes": list(sizes), "repeats": repeats,
                                         "caches": caches, "us_per_op": rows}, indent=2) + "\n")
        log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
