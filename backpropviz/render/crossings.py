"""Wire crossings of a drawing, counted from its SVG: pairs of wires carrying different
values whose curves cross. The diagram is drawn with whichever order of a gate's inputs
crosses fewer wires (render.diagram), and benchmarks/layout.py reports them.

Each cubic Bézier is flattened to :data:`SAMPLES_PER_CURVE` segments; meeting at a shared
end, as two wires into one gate do, is not a crossing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Iterator

from ..graph import Graph

__all__ = ["Wire", "crossings", "path_points"]

SVG = "{http://www.w3.org/2000/svg}"
SAMPLES_PER_CURVE = 16
END_RADIUS = 3.0  # points: curves meeting this close to a shared end do not cross

Point = tuple[float, float]
Box = tuple[float, float, float, float]


_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def path_points(d: str) -> list[Point]:
    """The points of an SVG path's ``d`` as Graphviz writes it (``M x,y C x,y x,y ...``)."""
    numbers = [float(n) for n in _NUMBER.findall(d)]
    return list(zip(numbers[0::2], numbers[1::2]))


def _bezier(points: list[Point]) -> list[Point]:
    """A path's cubic Bézier pieces (start, then three points each) as a polyline."""
    line = [points[0]]
    for k in range(1, len(points) - 2, 3):
        p0, p1, p2, p3 = points[k - 1], points[k], points[k + 1], points[k + 2]
        for step in range(1, SAMPLES_PER_CURVE + 1):
            t = step / SAMPLES_PER_CURVE
            u = 1 - t
            line.append((u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0]
                         + t**3 * p3[0],
                         u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1]
                         + t**3 * p3[1]))
    return line


def _cross(a: Point, b: Point, c: Point, d: Point) -> Point | None:
    """Where segments ab and cd cross, if they do."""
    r = (b[0] - a[0], b[1] - a[1])
    s = (d[0] - c[0], d[1] - c[1])
    denominator = r[0] * s[1] - r[1] * s[0]
    if denominator == 0:
        return None
    t = ((c[0] - a[0]) * s[1] - (c[1] - a[1]) * s[0]) / denominator
    u = ((c[0] - a[0]) * r[1] - (c[1] - a[1]) * r[0]) / denominator
    if 0 <= t <= 1 and 0 <= u <= 1:
        return (a[0] + t * r[0], a[1] + t * r[1])
    return None


@dataclass
class Wire:
    """A drawn wire: the node whose value it carries, and its curve as a polyline."""

    net: int
    line: list[Point]

    def box(self) -> tuple[float, float, float, float]:
        """Its bounding box: (left, top, right, bottom)."""
        xs, ys = [p[0] for p in self.line], [p[1] for p in self.line]
        return min(xs), min(ys), max(xs), max(ys)


def _near_an_end(p: Point, *wires: Wire) -> bool:
    """Whether ``p`` is where one of the ``wires`` starts or ends."""
    return any(abs(p[0] - q[0]) + abs(p[1] - q[1]) < END_RADIUS
               for w in wires for q in (w.line[0], w.line[-1]))


def _crosses(a: Wire, b: Wire, boxes: tuple[Box, Box] | None = None) -> bool:
    """Whether two wires cross (away from their ends); ``boxes``: theirs, if known."""
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = boxes or (a.box(), b.box())
    if ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0:
        return False
    for p, q in zip(a.line, a.line[1:]):
        for r, s in zip(b.line, b.line[1:]):
            hit = _cross(p, q, r, s)
            if hit is not None and not _near_an_end(hit, a, b):
                return True
    return False


def _net(title: str, graph: Graph) -> int:
    """The node whose value the DOT edge ``title`` (``w3:e->n5``, ``b5_1:e->n5``) carries."""
    tail = title.split("->")[0].split(":")[0]
    if tail.startswith("b"):  # a fork's branch box b<gate>_<slot>
        gate, slot = map(int, tail[1:].split("_"))
        return graph.nodes[gate].inputs[slot]
    if tail.startswith("c"):  # a collapsed diagram's branch box c<statement>_<source>
        return int(tail[1:].split("_")[1])
    if "c" in tail:  # an input drawn again at a use: w<input>c<gate>_<slot>, n<input>c...
        return int(tail[1:].split("c")[0])
    return int(tail[1:])


def _wires(root: ET.Element, graph: Graph) -> Iterator[Wire]:
    """The wires of a drawing of ``graph`` (its edges, each named by its DOT title)."""
    edges = [(group.findtext(f"{SVG}title") or "", group.find(f"{SVG}path"))
             for group in root.iter(f"{SVG}g") if group.get("class") == "edge"]
    # a picture wrapped into rows: a wire leaves a row into connector k<n>a and comes back
    # from k<n>b into the next row; both halves carry the value of what led into k<n>a
    into = {title.split("->")[1].split(":")[0][:-1]: title.split("->")[0]
            for title, _ in edges if re.search(r"->k\d+a\b", title)}
    for title, path in edges:
        if path is None or "->" not in title or "out" in title:
            continue
        tail = title.split("->")[0].split(":")[0]
        if tail.startswith("k"):
            if tail[:-1] not in into:
                continue
            title = into[tail[:-1]] + "->" + title.split("->")[1]
        points = path_points(path.get("d", ""))
        if len(points) >= 4:
            yield Wire(_net(title, graph), _bezier(points))


def crossings(svg: bytes | ET.Element, graph: Graph) -> int:
    """How many pairs of wires carrying different values cross in ``svg`` (a drawing of
    ``graph``, as bytes or parsed)."""
    root = ET.fromstring(svg) if isinstance(svg, bytes) else svg
    wires = list(_wires(root, graph))
    boxes = [wire.box() for wire in wires]
    return sum(_crosses(a, b, (boxes[i], boxes[j])) for i, a in enumerate(wires)
               for j, b in enumerate(wires[i + 1:], i + 1) if a.net != b.net)
