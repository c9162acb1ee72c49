"""A lesson's one drawing: the finished diagram, laid out once, with every number, gate,
wire and arrow marked with the steps that show it, so the HTML stepper shows step k by
switching classes instead of holding one drawing per step (a 200-gate lesson had 401).

The diagram is drawn with two stand-in colours for values and gradients, which find each
number among Graphviz's SVG text; each is then given its colour back and marked with the
first step that shows it (``data-from``). Gates are marked with their node id, the wires
into a gate with that gate (``data-into``), and a gradient a gate sends back with it
(``data-sent``); the page's script highlights the current step's gate from these marks.
What each step shows comes from the lesson's frames; nothing is computed here.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from typing import Sequence

from .crossings import path_points
from .dot import Style, View
from .frames import Frame

__all__ = ["VALUE_MARK", "GRAD_MARK", "whole_view", "marked_style", "mark_steps"]

VALUE_MARK, GRAD_MARK = "#010203", "#040506"  # stand-ins no theme uses
SVG_NS = "http://www.w3.org/2000/svg"
_SVG = f"{{{SVG_NS}}}"
# Graphviz's names for what render.dot draws: a gate or leaf n5, a wire label w5, a fork's
# branch b5_0 (gate 5, slot 0), an input drawn again where gate 7 reads it (n3c7_1, w3c7_1);
# and render.collapse: a statement's box n5, its branch from statement 3, c5_3.
_NODE = re.compile(r"(?P<kind>[nwbc])(?P<id>\d+)(?:_(?P<slot>\d+)|c(?P<gate>\d+)_(?P<at>\d+))?")
_EDGE = re.compile(r"(?P<tail>[^:>-]+)(?::\w+)?->(?P<head>[nbc])(?P<gate>\d+)(?:_\d+)?(?::\w+)?")
SIGMA = "Σ"  # the sign before an input's total gradient, where it is drawn at each use
NEVER = 10**9  # the step of a number no step shows
ALWAYS = 0  # the step of a number every step shows
ARROW = (15.0, 6.0)  # the back arrow's length and half width, in points


@dataclass(frozen=True)
class _Firsts:
    """The first step (1-based) that shows each value, gradient and branch share."""

    values: dict[int, int]
    grads: dict[int, int]
    branches: dict[tuple[int, int], int]
    sends: dict[int, int]  # the step a gate (or statement) first sends a gradient back


def whole_view(frames: Sequence[Frame]) -> View:
    """The view every step is a part of: every number, no gate current."""
    last = frames[-1].view
    return View(last.values, last.grads, last.branches, labels=last.labels)


def marked_style(style: Style) -> Style:
    """``style`` with the stand-in colours that find the numbers in the SVG."""
    return replace(style, value_color=VALUE_MARK, grad_color=GRAD_MARK)


def mark_steps(svg: bytes, frames: Sequence[Frame], inputs: Sequence[Sequence[int]],
               style: Style) -> str:
    """The drawing ``svg`` (made with :func:`marked_style` of :func:`whole_view`) with its
    colours back and each element marked for the steps; ``inputs`` lists each node's
    inputs (for the gradients a gate sends back)."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ET.fromstring(svg)
    firsts = _firsts(frames)
    uses = [0] * len(inputs)
    for ids in inputs:
        for src in ids:
            uses[src] += 1
    reader = {src: gate for gate, ids in enumerate(inputs) for src in ids if uses[src] == 1}
    for group in root.iter(f"{_SVG}g"):
        title = group.find(f"{_SVG}title")
        name = (title.text or "") if title is not None else ""
        if group.get("class") == "node":
            _mark_node(group, name, firsts, reader, style)
        elif group.get("class") == "edge":
            _mark_edge(group, name)
    return ET.tostring(root, encoding="unicode")


def _firsts(frames: Sequence[Frame]) -> _Firsts:
    """When each number first shows (a frame shows all that the one before did)."""
    values: dict[int, int] = {}
    grads: dict[int, int] = {}
    branches: dict[tuple[int, int], int] = {}
    sends: dict[int, int] = {}
    for frame in frames:
        for nid in frame.view.values:
            values.setdefault(nid, frame.index)
        for nid in frame.view.grads:
            grads.setdefault(nid, frame.index)
        for branch in frame.view.branches:
            branches.setdefault(branch, frame.index)
            sends.setdefault(branch[0], frame.index)
    return _Firsts(values, grads, branches, sends)


def _mark_node(group: ET.Element, name: str, firsts: _Firsts, reader: dict[int, int],
               style: Style) -> None:
    """Mark a node's numbers (by what the node is, from its Graphviz name) or its gate."""
    match = _NODE.fullmatch(name)
    if match is None:
        return
    nid = int(match["id"])
    value = firsts.values.get(nid)
    grad, sent = firsts.grads.get(nid), reader.get(nid)
    if match["kind"] == "n" and match["gate"] is None:  # a gate, a leaf, or a statement's
        group.set("data-node", str(nid))  # box: its inputs' values and their shares
        value, grad, sent = ALWAYS, firsts.sends.get(nid), nid  # (inputs: known at once)
    elif match["slot"] is not None:  # a fork's branch: gate nid's share, from `slot`
        grad, sent = firsts.branches.get((nid, int(match["slot"]))), nid
    elif match["gate"] is not None and match["kind"] == "w":  # an input drawn again
        key = (int(match["gate"]), int(match["at"]))
        grad, sent = firsts.branches.get(key), None
    for text in group.iter(f"{_SVG}text"):
        fill = text.get("fill")
        if fill == GRAD_MARK and (text.text or "").strip() == SIGMA:  # (with its sum)
            _mark_number(text, style.grad_color, grad, None)
        elif fill == VALUE_MARK:
            _mark_number(text, style.value_color, value, None)
        elif fill == GRAD_MARK:
            _mark_number(text, style.grad_color, grad, sent)
    for box in group.iter(f"{_SVG}polygon"):  # (an array input's Σ grid, boxed: with it)
        if box.get("stroke") == GRAD_MARK:
            box.set("stroke", style.grad_color)
            box.set("data-from", str(grad if grad is not None else NEVER))


def _mark_number(text: ET.Element, color: str, first: int | None, sent: int | None) -> None:
    """A number in its colour, shown from step ``first``; underlined when gate ``sent``
    sends it back."""
    text.set("fill", color)
    text.set("data-from", str(first if first is not None else NEVER))
    if sent is not None:
        text.set("data-sent", str(sent))


def _mark_edge(group: ET.Element, name: str) -> None:
    """A wire into a gate: marked with the gate; its arrowhead marked, and an arrow added
    at its tail, hidden, that a backward step shows pointing back along it."""
    match = _EDGE.fullmatch(name.replace(" ", ""))
    if match is None:
        return
    group.set("data-into", match["gate"])
    path = group.find(f"{_SVG}path")
    for head in group.iter(f"{_SVG}polygon"):
        head.set("class", "bpv-head")
    if path is None or not match["tail"].startswith("w"):
        return
    arrow = _back_arrow(path.get("d") or "")
    if arrow:
        group.append(ET.Element(f"{_SVG}polygon", {"class": "bpv-arrow", "points": arrow}))


def _back_arrow(d: str) -> str:
    """The points of an arrowhead at the start of path ``d``, pointing back out of it."""
    points = path_points(d)
    if len(points) < 2:
        return ""
    (x0, y0), rest = points[0], points[1:]
    far = next(((x, y) for x, y in rest if math.hypot(x - x0, y - y0) > 1e-6), None)
    if far is None:
        return ""
    length = math.hypot(far[0] - x0, far[1] - y0)
    ux, uy = (far[0] - x0) / length, (far[1] - y0) / length
    bx, by = x0 + ux * ARROW[0], y0 + uy * ARROW[0]
    corners = [(x0, y0), (bx - uy * ARROW[1], by + ux * ARROW[1]),
               (bx + uy * ARROW[1], by - ux * ARROW[1])]
    return " ".join(f"{x:.2f},{y:.2f}" for x, y in corners)
