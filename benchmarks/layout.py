#!/usr/bin/env python3
"""How readable is each diagram? Layout quality of teaching graphs, per Graphviz engine.

Run from a checkout::

    python benchmarks/layout.py                  # every graph, every engine installed
    python benchmarks/layout.py --engine embedded --only rnn mlp
    python benchmarks/layout.py --direction TB   # drawn top to bottom

For a gallery of graphs a lecture draws (the seed figures, forks, MLPs, an unrolled RNN, a
shared weight, softmax cross-entropy, micrograd's examples) it renders the default SVG and
prints, per graph and engine:

* ``gates``: gates in the graph;
* ``crossings``: pairs of wires carrying different values whose curves cross, counted from
  the SVG's geometry (each cubic Bézier flattened to 16 segments; meeting at a shared end,
  as two wires into one gate do, is not a crossing);
* ``text px``: the smallest text once the picture is fitted into a 1920x1080 slide;
* ``aspect``: width / height; ``seconds``: the render time;
* ``slide px``: the smallest text with ``--slide`` (16:9), which makes type bigger to fit.

A program (a graph with named statements) gets a second row, ``(collapsed)``, drawn with
``--collapse statements``.

It is a measurement, not a test: it exits 0 whatever the numbers are.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # measure the checkout, installed or not
    sys.path.insert(0, str(REPO))

from backpropviz import trace  # noqa: E402
from backpropviz.render.crossings import crossings  # noqa: E402
from backpropviz.render.diagram import render_file  # noqa: E402
from backpropviz.render.dot import CLASSIC  # noqa: E402
from backpropviz.render.engines import choose_engine, embedded_executable  # noqa: E402
from backpropviz.render.slide import text_sizes  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
SLIDE = (1920, 1080)


# --- the gallery: (name, program, values) -------------------------------------------------

def _mlp(inputs: int, hidden: int, batch: int) -> tuple[str, dict[str, float]]:
    """An inputs-hidden-1 tanh MLP with a squared error, summed over a batch."""
    lines, values = [], {}
    for j in range(hidden):
        values[f"v{j}"] = 0.3 * (-1) ** j
        values[f"c{j}"] = 0.1 * j
        for i in range(inputs):
            values[f"w{j}{i}"] = 0.5 - 0.2 * ((i + j) % 4)
    values["b"] = 0.05
    losses = []
    for n in range(batch):
        for i in range(inputs):
            values[f"x{n}{i}"] = (-1) ** (i + n) * (0.5 + 0.25 * i)
        values[f"t{n}"] = 0.5 - n
        for j in range(hidden):
            terms = " + ".join(f"w{j}{i}*x{n}{i}" for i in range(inputs))
            lines.append(f"h{n}{j} = tanh({terms} + c{j})")
        out = " + ".join(f"v{j}*h{n}{j}" for j in range(hidden))
        lines.append(f"y{n} = {out} + b")
        lines.append(f"e{n} = (y{n} - t{n})**2")
        losses.append(f"e{n}")
    lines.append(f"loss = {' + '.join(losses)}")
    return "\n".join(lines), values


def _rnn(steps: int) -> tuple[str, dict[str, float]]:
    lines = ["h0 = tanh(u*x1)"] + [f"h{t} = tanh(w*h{t - 1} + u*x{t + 1})"
                                   for t in range(1, steps)]
    lines.append(f"loss = (h{steps - 1} - y)**2")
    values = {"w": 0.5, "u": -0.7, "y": 0.2, **{f"x{t + 1}": 0.3 * (t + 1) for t in range(steps)}}
    return "\n".join(lines), values


def _shared_chain(steps: int) -> tuple[str, dict[str, float]]:
    lines = ["v = x"] + ["v = tanh(v*w + b)" for _ in range(steps)]
    return "\n".join(lines), {"x": 0.5, "w": 0.9, "b": -0.1}


def _softmax(classes: int) -> tuple[str, dict[str, float]]:
    lines = [f"s{k} = w{k}*x + b{k}" for k in range(classes)]
    lines.append("z = " + " + ".join(f"exp(s{k})" for k in range(classes)))
    lines.append("loss = log(z) - s1")
    values = {"x": 1.5, **{f"w{k}": 0.2 * k - 0.3 for k in range(classes)},
              **{f"b{k}": 0.1 * k for k in range(classes)}}
    return "\n".join(lines), values


def _sample(name: str) -> tuple[str, dict[str, float]]:
    """A program of ``samples/`` with its values."""
    program = REPO / "samples" / f"{name}.bp"
    values = json.loads(program.with_suffix(".json").read_text(encoding="utf-8"))
    return program.read_text(encoding="utf-8"), values

GALLERY: list[tuple[str, Callable[[], tuple[str, dict[str, float]]], bool]] = [
    ("seed: (x+y)z", lambda: ("(x+y)*z", {"x": -2, "y": 5, "z": -4}), False),
    ("seed: sigmoid neuron", lambda: ("sigmoid(w0*x0+w1*x1+w2)",
                                      {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}), True),
    ("fork x*x", lambda: ("x*x", {"x": 3}), False),
    ("fork a=x*y; b=a+x; a*b", lambda: ("a = x*y\nb = a + x\nf = a*b", {"x": 2, "y": -3}),
     False),
    ("micrograd neuron", lambda: ("tanh(x1*w1 + x2*w2 + b)", {"x1": 2, "x2": 0, "w1": -3,
                                                               "w2": 1, "b": 6.881373587}),
     False),
    ("micrograd README", lambda: _sample("micrograd_readme"), False),
    ("tanh neuron, 5 inputs", lambda: ("tanh(" + " + ".join(f"w{i}*x{i}" for i in range(5))
                                       + " + b)", {**{f"w{i}": 0.1 * i for i in range(5)},
                                                   **{f"x{i}": 1 - 0.5 * i for i in range(5)},
                                                   "b": 0.2}), False),
    ("MLP 2-3-1 + squared error", lambda: _mlp(2, 3, 1), False),
    ("MLP 3-4-1, batch of 2", lambda: _mlp(3, 4, 2), False),
    ("RNN unrolled 4 steps", lambda: _rnn(4), False),
    ("shared weight, 12 steps", lambda: _shared_chain(12), False),
    ("softmax CE, 4 classes", lambda: _softmax(4), False),
    ("x*y 30 times + x+y 15 times", lambda: (" + ".join(["x*y"] * 30 + ["(x+y)"] * 15),
                                             {"x": 0.5, "y": 2}), False),
    ("x+y 100 times", lambda: (" + ".join(["(x+y)"] * 100), {"x": 0.5, "y": 2}), False),
    ("arrays: linear layer", lambda: _sample("linear_layer"), False),
    ("arrays: MLP on a batch of 4", lambda: _sample("mlp_batch"), False),
    ("arrays: softmax CE", lambda: _sample("softmax_ce_vector"), False),
    ("arrays: attention head", lambda: _sample("attention"), False),
]


# --- measures (the crossings: backpropviz.render.crossings) ------------------------------


def smallest_text_px(root: ET.Element) -> tuple[float, float]:
    """(smallest text in px once fitted into a 1920x1080 slide, aspect ratio)."""
    _, _, width, height = map(float, root.get("viewBox", "0 0 1 1").split())
    fit = min(SLIDE[0] / width, SLIDE[1] / height)
    return min(text_sizes(root)) * fit, width / height


# --- the table -----------------------------------------------------------------------------

def measure(name: str, make: Callable[[], tuple[str, dict[str, float]]], expand: bool,
            engine_name: str, collapse: str | None = None, direction: str = "LR") -> list[str]:
    text, values = make()
    graph = trace(text, values, expand=expand)
    engine = choose_engine(engine_name)
    style = replace(CLASSIC, collapse=collapse, direction=direction)
    start = time.perf_counter()
    svg = render_file(graph, "svg", None, engine, style=style).data
    seconds = time.perf_counter() - start
    root = ET.fromstring(svg)
    px, aspect = smallest_text_px(root)
    on_slide = ET.fromstring(render_file(graph, "svg", None, engine,
                                         style=replace(style, slide=SLIDE)).data)
    slide_px, _ = smallest_text_px(on_slide)
    label = f"{name} (collapsed)" if collapse else name
    return [label, engine_name, str(graph.gate_count), str(crossings(root, graph)),
            f"{px:.1f}", f"{aspect:.1f}", f"{seconds:.2f}", f"{slide_px:.1f}"]


def has_statements(make: Callable[[], tuple[str, dict[str, float]]]) -> bool:
    """Whether the gallery graph is a program of several statements (worth collapsing)."""
    text, values = make()
    graph = trace(text, values)
    return sum(1 for n in graph.nodes if n.is_gate and n.name) > 1


HEAD = ["graph", "engine", "gates", "crossings", "text px", "aspect", "seconds", "slide px"]


def print_table(rows: list[list[str]], head: list[str] = HEAD, words: int = 2) -> None:
    """``rows`` under ``head``, the first ``words`` columns left-aligned, numbers right."""
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, ["-" * w for w in widths], *rows]:
        print("  ".join(c.ljust(w) if i < words else c.rjust(w)
                        for i, (c, w) in enumerate(zip(row, widths))))


def gallery_parser(doc: str) -> argparse.ArgumentParser:
    """A measurement's command line: ``--engine`` and ``--only`` (see :func:`chosen`), and
    ``--direction``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--engine", choices=["dot", "embedded"], action="append",
                        help="the engines to measure (default: each one installed)")
    parser.add_argument("--only", nargs="+", metavar="WORD",
                        help="only graphs whose name contains one of these words")
    parser.add_argument("--direction", choices=["LR", "TB"], default="LR",
                        help="draw left to right (default) or top to bottom")
    return parser


def chosen(args: argparse.Namespace
           ) -> tuple[list[str], list[tuple[str, Callable[[], tuple[str, dict[str, float]]], bool]]]:
    """The engines (those installed, by default) and the gallery graphs a run asks for."""
    engines = args.engine or [e for e, ok in (("dot", shutil.which("dot")),
                                              ("embedded", embedded_executable())) if ok]
    return engines, [graph for graph in GALLERY if not args.only or any(
        word.lower() in graph[0].lower() for word in args.only)]


def main(argv: list[str] | None = None) -> int:
    parser = gallery_parser(__doc__ or "")
    parser.add_argument("--no-collapse", action="store_true",
                        help="leave out the rows drawn with --collapse statements")
    args = parser.parse_args(argv)
    engines, graphs = chosen(args)
    rows = []
    for name, make, expand in graphs:
        for engine in engines:
            rows.append(measure(name, make, expand, engine, direction=args.direction))
        if not args.no_collapse and has_statements(make):
            for engine in engines:
                rows.append(measure(name, make, expand, engine, "statements", args.direction))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
