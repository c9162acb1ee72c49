"""One continuous wire through each label: a wire label's rule made as wide as the gap its
wires leave for it.

Left to right, a wire is three pieces: the edge into its label, the label's rule (the
lower border of the value's cell), the edge out. Graphviz makes every node of a rank as
wide as the widest and ends the edges at the rank's sides, so a narrower label's rule
stopped short of its wires by up to a point or two each side. One layout tells how wide
each gap is; the rules are then set to exactly that, which moves nothing else (mostly:
Graphviz widens a few labels' nodes as their rules widen, which leaves those a point
short, as before).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .crossings import path_points


__all__ = ["seamless"]

SVG = "{http://www.w3.org/2000/svg}"
#: A wire label's rule cell in render.dot's DOT text (left to right): its node and width.
RULE = re.compile(r'^(  (w\w+) \[shape=plaintext, .*?<td border="\d+" sides="b" width=")(\d+)"',
                  re.M)


def seamless(source: str, drawn: bytes) -> str:
    """``source`` (DOT, wires left to right) with each wire label's rule as wide as the
    gap between the wire into it and the wires out of it in ``drawn``, its layout as SVG
    (the same layout: the DOT may differ in size and resolution)."""
    if not RULE.search(source):
        return source
    gaps = _gaps(drawn)

    def widen(match: re.Match[str]) -> str:
        gap = gaps.get(match.group(2))
        width = int(match.group(3))
        wider = max(width, round(gap)) if gap is not None and gap < width + 24 else width
        return f'{match.group(1)}{wider}"'

    return RULE.sub(widen, source)


def _gaps(svg: bytes) -> dict[str, float]:
    """Per wire label: from where the wire into it ends to where the wires out of it start
    (points), from a drawing."""
    ends: dict[str, float] = {}
    starts: dict[str, float] = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        path = group.find(f"{SVG}path")
        title = group.findtext(f"{SVG}title") or ""
        if group.get("class") != "edge" or path is None or "->" not in title:
            continue
        points = path_points(path.get("d", ""))
        if len(points) < 2:
            continue
        tail, head = (end.split(":")[0] for end in title.split("->"))
        ends[head] = points[-1][0]  # (into a label: where the wire stops)
        starts[tail] = min(points[0][0], starts.get(tail, float("inf")))
    return {name: starts[name] - ends[name] for name in ends.keys() & starts.keys()
            if name.startswith("w")}
