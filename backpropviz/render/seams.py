"""One continuous wire through each label: a wire label's rule made as wide as the gap its
wires leave for it.

Left to right, a wire is three pieces: the edge into its label, the label's rule (a row of
the label's table filled in the wire's colour, render.dot), the edge out. Graphviz ends
the edges at the sides of the label's node, which can be wider than the table it holds
(it rounds a node's size, and widens some to their rank's widest), so the rule stopped
short of its wires by up to a point or two each side. One layout tells how much wider than
its rule each label's gap is; the rules are then widened by that much, which moves
nothing else.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from .crossings import path_points


__all__ = ["seamless"]

SVG = "{http://www.w3.org/2000/svg}"
#: A wire label's rule cell in render.dot's DOT text (left to right): its node and width.
RULE = re.compile(r'^(  (\w+) \[shape=plaintext, .*?<td (?:border="1" sides="b"|height="\d+" '
                  r'cellpadding="0" bgcolor="[^"]*") width=")(\d+)"', re.M)
MOST = 24  # points: a rule is widened by at most this much (more: not the same layout)


def seamless(source: str, drawn: bytes) -> str:
    """``source`` (DOT, wires left to right) with each wire label's rule as wide as the
    gap between the wire into it and the wires out of it in ``drawn``, its layout as SVG
    (the same layout: the DOT may differ in size and resolution)."""
    if not RULE.search(source):
        return source
    short = _short(drawn)

    def widen(match: re.Match[str]) -> str:
        width, more = int(match.group(3)), short.get(match.group(2), 0.0)
        wider = width + math.ceil(more - 0.25) if 0 < more < MOST else width
        return f'{match.group(1)}{wider}"'

    return RULE.sub(widen, source)


def _short(svg: bytes) -> dict[str, float]:
    """Per wire label: how much narrower (points) its rule is than the gap from where the
    wire into it ends to where the wires out of it start, in a drawing."""
    ends: dict[str, float] = {}
    starts: dict[str, float] = {}
    rules: dict[str, float] = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        title = group.findtext(f"{SVG}title") or ""
        if group.get("class") == "node":
            widths = [_span(shape) for shape in group.iter()
                      if shape.tag == f"{SVG}polygon" and _painted(shape.get("fill"))
                      or shape.tag == f"{SVG}polyline" and _painted(shape.get("stroke"))]
            if widths:
                rules[title] = max(widths)
            continue
        path = group.find(f"{SVG}path")
        if group.get("class") != "edge" or path is None or "->" not in title:
            continue
        points = path_points(path.get("d", ""))
        if len(points) < 2:
            continue
        tail, head = (end.split(":")[0] for end in title.split("->"))
        ends[head] = points[-1][0]  # (into a label: where the wire stops)
        starts[tail] = min(points[0][0], starts.get(tail, float("inf")))
    return {name: starts[name] - ends[name] - rules[name]
            for name in ends.keys() & starts.keys() & rules.keys()}


def _painted(colour: str | None) -> bool:
    return colour not in (None, "none", "transparent")


def _span(shape: ET.Element) -> float:
    """How wide (points) a drawn polygon or line is."""
    xs = [x for x, _ in path_points(shape.get("points", ""))]
    return max(xs) - min(xs)
