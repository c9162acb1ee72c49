"""One continuous wire through each label: a wire label's rule made as long as the gap its
wires leave for it.

Left to right, a wire is three pieces: the edge into its label, the label's rule (render.dot
draws it edge to edge of the label's table), the edge out. Graphviz lines up the nodes of a
rank (a column) on one centre, and ends a wire at a side port a point outside a node, or
at the side of the rank's widest node if that is nearer: so a label narrower than its rank
was short of its wires by a point or two each side, however much it was widened. One
layout tells how wide each rank is; each label's rule is then widened to that, which ends
its wires on its rule and moves nothing else. Top to bottom, likewise with rows and the
rules' heights.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from .crossings import path_points


__all__ = ["seamless"]

SVG = "{http://www.w3.org/2000/svg}"
#: A wire label's rule cell in render.dot's DOT text: its node and its length along the
#: wire (left to right, its width; top to bottom, its height).
RULE = re.compile(r'^(  (\w+) \[shape=plaintext, .*?<td (?:border="1" sides="b"|height="\d+" '
                  r'cellpadding="0" bgcolor="[^"]*") width=")(\d+)"', re.M)
RULE_DOWN = re.compile(r'^(  (\w+) \[shape=plaintext, .*?<td (?:align="right" )?(?:valign="top" )?'
                       r'width="\d+" height=")(\d+)"', re.M)
SHAPES = ("polygon", "polyline", "path")
SAME_RANK = 2.0  # points: nodes centred this close share a rank (a column)
NAME_CLIP = 0.5  # points: a name's wire starts up to this much inside its node's side


def seamless(source: str, drawn: bytes) -> str:
    """``source`` (DOT) with each wire label's rule as long as its rank (a column left to
    right, a row top to bottom) is wide in ``drawn``, its layout as SVG (the same layout:
    the DOT may differ in size and resolution), so that the wires into and out of it end
    on it."""
    down = "rankdir=TB" in source
    rule = RULE_DOWN if down else RULE
    if not rule.search(source):
        return source
    labels = {match.group(2) for match in rule.finditer(source)}
    ranks = _rank_widths(drawn, labels, down)
    over = _rows_over_rule_cell(drawn, labels) if down else {}

    def widen(match: re.Match[str]) -> str:
        # (whole points. dot centres a label of odd width half a point off: such a rank's
        # labels met one wire half a point short and overlapped the other by as much, so
        # left to right an odd rank's labels are a point wider: the picture grows by at
        # most a point a rank, a few points in thousands on a slide)
        name = match.group(2)
        width, rank = int(match.group(3)), ranks.get(name, 0.0) - over.get(name, 0.0)
        wide = math.floor(rank + 0.1)
        return f'{match.group(1)}{max(width, wide + (wide % 2 and not down))}"'

    return rule.sub(widen, source)


def _rank_widths(svg: bytes, labels: set[str], down: bool = False) -> dict[str, float]:
    """Per wire label (of ``labels``): how wide (points; ``down``: how high) the widest
    node of its rank is in a drawing. A label's width runs from where the wire into it
    ends to where the wires out of it start; a gate's or a panel's is its drawn shape's; a
    name's (text alone) is twice from its rank's centre to where its wire leaves it."""
    root = ET.fromstring(svg)
    ends, starts = _wire_ends(root, down)
    spans: list[tuple[float, float, str]] = []  # (left, right, the label's name or "")
    names: list[tuple[float, float]] = []  # text alone: (where its text starts, its side)
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        name = group.findtext(f"{SVG}title") or ""
        if name in labels and name in ends and name in starts:
            spans.append((ends[name], starts[name], name))
        elif (drawn := _extent(group, down)) is not None:
            spans.append((*drawn, ""))
        elif name in starts and (text := _text_start(group, down)) is not None:
            names.append((text, starts[name]))
    ranks: list[list[float]] = []  # [centre, width] of each rank, left to right
    rank_of: dict[str, list[float]] = {}
    for left, right, name in sorted(spans, key=lambda span: span[0] + span[1]):
        centre = (left + right) / 2
        if not ranks or centre - ranks[-1][0] > SAME_RANK:
            ranks.append([centre, 0.0])
        ranks[-1][1] = max(ranks[-1][1], right - left)
        if name:
            rank_of[name] = ranks[-1]
    for text, side in names:  # (its rank: the one centre between its text and its side)
        for rank in [rank for rank in ranks if text < rank[0] < side][:1]:
            rank[1] = max(rank[1], 2 * (side - rank[0]) + NAME_CLIP)
    return {name: rank[1] for name, rank in rank_of.items()}


def _rows_over_rule_cell(svg: bytes, labels: set[str]) -> dict[str, float]:
    """Top to bottom, per wire label (of ``labels``) whose rule is the border of a cell in
    each of its rows (a point thick, a name over its value): how high (points) the rows
    over the last one are, the one whose height render.dot gives (its rule's lower piece)."""
    over = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") != "node" or group.findtext(f"{SVG}title") not in labels:
            continue
        pieces = []
        for line in group.iter(f"{SVG}polyline"):
            points = path_points(line.get("points", ""))
            if points and max(x for x, _ in points) - min(x for x, _ in points) < 0.01:
                pieces.append((min(y for _, y in points), max(y for _, y in points)))
        if len(pieces) > 1:  # (from the top of the first to that of the last)
            over[group.findtext(f"{SVG}title") or ""] = max(pieces)[0] - min(pieces)[0]
    return over


def _wire_ends(root: ET.Element, down: bool = False
               ) -> tuple[dict[str, float], dict[str, float]]:
    """Per node: where the wire into it ends, and where the first of the wires out of it
    starts (x, points; ``down``: y)."""
    ends: dict[str, float] = {}
    starts: dict[str, float] = {}
    for group in root.iter(f"{SVG}g"):
        path = group.find(f"{SVG}path")
        title = group.findtext(f"{SVG}title") or ""
        if group.get("class") != "edge" or path is None or "->" not in title:
            continue
        points = path_points(path.get("d", ""))
        if len(points) < 2:
            continue
        tail, head = (end.split(":")[0] for end in title.split("->"))
        ends[head] = points[-1][down]  # (into a label: where the wire stops)
        starts[tail] = min(points[0][down], starts.get(tail, math.inf))
    return ends, starts


def _extent(group: ET.Element, down: bool = False) -> tuple[float, float] | None:
    """From where to where (x, points; ``down``: y) a node reaches, by its drawn shapes: a
    gate's circle, a panel's box; None for text alone."""
    xs: list[float] = []
    for shape in group.iter():
        tag = shape.tag.removeprefix(SVG)
        if tag == "ellipse":
            centre, radius = (float(shape.get(key, 0)) for key in
                              (("cy", "ry") if down else ("cx", "rx")))
            xs += [centre - radius, centre + radius]
        elif tag in SHAPES and (_painted(shape.get("fill")) or _painted(shape.get("stroke"))):
            # (a table's border is drawn inset by half its width)
            half = float(shape.get("stroke-width", 1)) / 2 if _painted(shape.get("stroke")) else 0
            points = [point[down] for point in
                      path_points(shape.get("points") or shape.get("d") or "")]
            xs += [min(points) - half, max(points) + half]
    return (min(xs), max(xs)) if xs else None


def _text_start(group: ET.Element, down: bool = False) -> float | None:
    """Left of where a node's text begins (x, points: a point left of a centred line's
    middle), or (``down``) above it (y: a type size above its first baseline), if it has
    text."""
    texts = list(group.iter(f"{SVG}text"))
    if down:
        return min((float(text.get("y", 0)) - float(text.get("font-size", 14))
                    for text in texts), default=None)
    return min((float(text.get("x", 0)) - (text.get("text-anchor") == "middle")
                for text in texts if text.get("text-anchor") != "end"), default=None)


def _painted(colour: str | None) -> bool:
    """Whether a shape's fill or stroke colour shows."""
    return colour not in (None, "none", "transparent")
