#!/usr/bin/env python3
"""Where wires meet their labels' rules: the worst seam of each gallery diagram, per engine.

Run from a checkout::

    python benchmarks/seams.py                   # every graph of benchmarks/layout.py
    python benchmarks/seams.py --only arrays fork --collapse
    python benchmarks/seams.py --direction TB    # drawn top to bottom

A labelled wire is drawn as the edge into its label, the label's rule (a line between value
and gradient: level left to right, upright top to bottom) and the edges out. For each
gallery graph, engine and style (the default picture, and ``--slide``) it draws the SVG
and prints the line width, how many wire ends meet a rule, and the worst of them in
points: ``gap`` (the wire stops short of the rule), ``overlap`` (they run over each other;
harmless up to a line width) and ``off`` (the wire's end beside the rule's middle: above
or below it left to right, left or right of it top to bottom).

It is a measurement, not a test: it exits 0 whatever the numbers are.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace

from layout import SLIDE, chosen, gallery_parser, print_table  # (puts the checkout on the path)

from backpropviz import trace
from backpropviz.render.crossings import path_points
from backpropviz.render.diagram import render_file
from backpropviz.render.dot import CLASSIC
from backpropviz.render.engines import choose_engine

SVG = "{http://www.w3.org/2000/svg}"
#: A wire label's node: a value's (w3), an input's at one use (w0c4_1), a branch's (b4_1, c4_2).
LABEL = re.compile(r"w\d+(c\d+_\d+)?|[bc]\d+_\d+")


def rule(group: ET.Element, down: bool = False) -> tuple[float, float, float, float] | None:
    """A label's rule (where it starts and ends along the wire, its middle across it, its
    thickness): a stroked line or a thin filled bar along the wire (``down``: upright;
    pieces of it, one a row, joined)."""
    pieces = []
    for shape in group:
        tag = shape.tag.removeprefix(SVG)
        if tag not in ("polyline", "polygon"):
            continue
        points = [(y, x) if down else (x, y) for x, y in path_points(shape.get("points", ""))]
        along, across = [a for a, _ in points], [b for _, b in points]
        if tag == "polyline" and max(across) - min(across) < 0.01:
            pieces.append((min(along), max(along), across[0],
                           float(shape.get("stroke-width") or 1)))
        elif shape.get("fill") not in (None, "none", "transparent") and \
                max(across) - min(across) < max(along) - min(along):
            pieces.append((min(along), max(along), (min(across) + max(across)) / 2,
                           max(across) - min(across)))
    pieces = [piece for piece in pieces if abs(piece[2] - pieces[0][2]) < 0.01]
    if not pieces:
        return None
    return (min(p[0] for p in pieces), max(p[1] for p in pieces), pieces[0][2], pieces[0][3])


def seams(svg: bytes, down: bool = False) -> list[tuple[float, float, float]]:
    """(gap, how far off the rule's middle, thickness) where each wire meets a rule
    (``down``: drawn top to bottom)."""
    root = ET.fromstring(svg)
    rules = {title: found for g in root.iter(f"{SVG}g") if g.get("class") == "node"
             and LABEL.fullmatch(title := g.findtext(f"{SVG}title") or "")
             and (found := rule(g, down)) is not None}
    met = []
    for group in root.iter(f"{SVG}g"):
        path = group.find(f"{SVG}path")
        if group.get("class") != "edge" or path is None:
            continue
        points = [(y, x) if down else (x, y) for x, y in path_points(path.get("d", ""))]
        tail, head = (end.split(":")[0] for end in (group.findtext(f"{SVG}title") or
                                                     "->").split("->"))
        if head in rules:
            start, _, middle, thick = rules[head]
            met.append((start - points[-1][0], points[-1][1] - middle, thick))
        if tail in rules:
            _, end, middle, thick = rules[tail]
            met.append((points[0][0] - end, points[0][1] - middle, thick))
    return met


def main(argv: list[str] | None = None) -> int:
    parser = gallery_parser(__doc__ or "")
    parser.add_argument("--collapse", action="store_true",
                        help="draw with --collapse statements")
    args = parser.parse_args(argv)
    engines, graphs = chosen(args)
    styles = [("default", CLASSIC), ("slide", replace(CLASSIC, slide=SLIDE))]
    rows = []
    for name, make, expand in graphs:
        graph = trace(*make(), expand=expand)
        for engine in engines:
            for label, style in styles:
                style = replace(style, collapse="statements" if args.collapse else None,
                                direction=args.direction)
                svg = render_file(graph, "svg", None, choose_engine(engine), style=style).data
                met = seams(svg, args.direction == "TB") or [(0.0, 0.0, 0.0)]
                rows.append([name, engine, label, f"{max(m[2] for m in met):g}",
                             str(len(met)), f"{max(0.0, *(m[0] for m in met)):.2f}",
                             f"{max(0.0, *(-m[0] for m in met)):.2f}",
                             f"{max(abs(m[1]) for m in met):.2f}"])
    print_table(rows, ["graph", "engine", "style", "line", "ends", "gap", "overlap", "off"], 3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
