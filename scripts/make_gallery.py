#!/usr/bin/env python3
"""Render every sample in ``samples/`` into ``docs/gallery/``: its diagram as SVG, PNG and
DOT, plus a few slide pictures, and an index page.

Run from a checkout after changing the diagrams: ``python scripts/make_gallery.py``.
``tests/test_gallery.py`` fails when the gallery no longer matches what the code draws (it
compares the DOT text, which does not depend on the Graphviz version).
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
GALLERY = REPO / "docs" / "gallery"
FORMATS = ("svg", "png", "dot")

#: Extra pictures for the README's "Slides" section: (file, sample, extra arguments).
SLIDES = (
    ("sigmoid_neuron-lesson.gif", "sigmoid_neuron", ["--frame-ms", "1500"]),
    ("sigmoid_neuron-dark.png", "sigmoid_neuron", ["--theme", "dark"]),
    ("sigmoid_neuron-print.png", "sigmoid_neuron", ["--theme", "print"]),
    ("sigmoid_neuron-safe.png", "sigmoid_neuron", ["--theme", "safe"]),
    ("neuron-one-gate.png", None, ["sigmoid(w0*x0 + w1*x1 + w2)", "--w0", "2", "--x0", "-1",
                                   "--w1", "-3", "--x1", "-2", "--w2", "-3"]),
    ("fork.png", None, ["a = x*y; f = a*x + a", "--x", "3", "--y", "-2",
                        "--title", "A value used twice: the gradients add up"]),
)


def sample_arguments(path: Path) -> list[str]:
    """The backpropviz arguments a sample stands for, without its output options: the
    command line of a ``.sh`` sample, or ``-f`` and ``--values`` for a ``.bp`` program."""
    if path.suffix == ".bp":
        values = path.with_suffix(".json")
        return ["-f", str(path)] + (["--values", str(values)] if values.exists() else [])
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("backpropviz "):
            words = shlex.split(line)[1:]
            args: list[str] = []
            skip = False
            for word in words:
                if skip:
                    skip = False
                elif word in ("-o", "--out"):
                    skip = True
                elif word != "$@":
                    args.append(word)
            return args
    raise ValueError(f"{path}: no backpropviz command line")


def samples() -> dict[str, list[str]]:
    """Sample name -> its arguments, for every sample; a program on arrays with a
    ``.small.json`` of its smallest case also as that case written out in scalars
    (``NAME-unrolled``: ``--unroll``)."""
    found = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".sh", ".bp"))
    drawn = {p.stem: sample_arguments(p) for p in found}
    for path in found:
        small = path.with_suffix(".small.json")
        if small.exists():
            drawn[f"{path.stem}-unrolled"] = ["-f", str(path), "--values", str(small),
                                              "--unroll"]
    return dict(sorted(drawn.items()))


def backpropviz(args: list[str]) -> None:
    subprocess.run([sys.executable, "-m", "backpropviz", "-q", *args], check=True, cwd=REPO)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="auto", help="the Graphviz engine (default auto)")
    options = parser.parse_args()
    GALLERY.mkdir(parents=True, exist_ok=True)
    everything = samples()
    index = ["# Gallery", "",
             "Every sample in `samples/`, drawn by `python scripts/make_gallery.py`.", ""]
    for name, args in everything.items():
        outputs = [x for fmt in FORMATS for x in ("-o", str(GALLERY / f"{name}.{fmt}"))]
        backpropviz([*args, *outputs, "--engine", options.engine])
        shown = " ".join(shlex.quote(a if not a.startswith(str(REPO)) else
                                     str(Path(a).relative_to(REPO))) for a in args)
        index += [f"## {name}", "", "```console", f"$ backpropviz {shown}", "```", "",
                  f"![{name}]({name}.svg)", ""]
        print(f"{name}: {', '.join(FORMATS)}")
    for target, sample, extra in SLIDES:
        args = (everything[sample] if sample else []) + extra
        backpropviz([*args, "-o", str(GALLERY / target), "--engine", options.engine])
        print(target)
    (GALLERY / "README.md").write_text("\n".join(index), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
