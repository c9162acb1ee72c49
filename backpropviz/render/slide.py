"""``--slide``: a diagram made to fill a slide (1920x1080 or 1440x1080 pixels) inside a
margin, centred, so a teacher pastes it as it is.

The diagram is laid out once as SVG to learn its size; the PNG is then drawn at the
resolution that fits it (with Graphviz's ``pad`` making up the rest of the slide), and the
SVG gets the slide's size and a viewBox that centres it. The smallest text on the slide is
measured from the SVG: below :data:`~backpropviz.choices.SLIDE_TEXT_PX` a note says so.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from typing import NamedTuple

from ..choices import SLIDE_MARGIN_PX, SLIDE_TEXT_PX

__all__ = ["Fit", "fit", "svg_on_slide", "small_text_note", "text_sizes"]

SVG = "{http://www.w3.org/2000/svg}"
MAX_DPI = 300  # a tiny graph is not blown up past twice the PNG's usual 150 dpi
GRAPHVIZ_PAD = 4.0  # points Graphviz puts around a drawing by default


class Fit(NamedTuple):
    """How a drawing of ``width`` x ``height`` points sits on the slide: drawn at ``dpi``
    (pixels per inch), padded by ``pad`` (x, y inches) to the slide's size; its smallest
    text is then ``text_px`` pixels high."""

    width: float
    height: float
    dpi: float
    pad: tuple[float, float]
    text_px: float


def fit(svg: bytes, slide: tuple[int, int]) -> Fit:
    """Where the drawing ``svg`` (as Graphviz wrote it) goes on a ``slide`` of pixels."""
    root = ET.fromstring(svg)
    _, _, width, height = map(float, (root.get("viewBox") or "0 0 1 1").split())
    inner_w, inner_h = slide[0] - 2 * SLIDE_MARGIN_PX, slide[1] - 2 * SLIDE_MARGIN_PX
    dpi = min(72 * min(inner_w / width, inner_h / height), MAX_DPI)
    drawn_w, drawn_h = width - 2 * GRAPHVIZ_PAD, height - 2 * GRAPHVIZ_PAD
    pad = ((slide[0] * 72 / dpi - drawn_w) / 2 / 72, (slide[1] * 72 / dpi - drawn_h) / 2 / 72)
    return Fit(width, height, dpi, pad, min(text_sizes(root), default=0.0) * dpi / 72)


def text_sizes(root: ET.Element) -> list[float]:
    """The size (points) of every piece of text in Graphviz's SVG ``root``: each text with
    something to read, and each subscript inside one (a ``tspan``)."""
    sizes = []
    for text in root.iter(f"{SVG}text"):
        if (text.text or "").strip():
            sizes.append(float(text.get("font-size") or 14))
        sizes.extend(float(span.get("font-size") or text.get("font-size") or 14)
                     for span in text.iter(f"{SVG}tspan") if (span.text or "").strip())
    return sizes


def svg_on_slide(svg: bytes, where: Fit, slide: tuple[int, int], background: str | None
                 ) -> bytes:
    """The SVG sized as the slide (in px), the drawing centred at ``where.dpi``, on
    ``background`` (None: transparent) to the slide's edges."""
    scale = where.dpi / 72  # px a point
    view_w, view_h = slide[0] / scale, slide[1] / scale
    x0, y0 = -(view_w - where.width) / 2, -(view_h - where.height) / 2
    text = svg.decode("utf-8")
    head = re.search(r"<svg\b[^>]*>", text)
    if head is None:
        return svg
    tag = re.sub(r'\swidth="[^"]*"', f' width="{slide[0]}px"', head.group(), count=1)
    tag = re.sub(r'\sheight="[^"]*"', f' height="{slide[1]}px"', tag, count=1)
    tag = re.sub(r'\sviewBox="[^"]*"',
                 f' viewBox="{x0:.2f} {y0:.2f} {view_w:.2f} {view_h:.2f}"', tag, count=1)
    fill = (f'\n<rect x="{x0:.2f}" y="{y0:.2f}" width="{view_w:.2f}" height="{view_h:.2f}" '
            f'fill="{background}"/>') if background else ""
    return (text[:head.start()] + tag + fill + text[head.end():]).encode("utf-8")


def small_text_note(where: Fit, slide: tuple[int, int], collapsed: bool = False
                    ) -> str | None:
    """A note when the slide's smallest text is under :data:`SLIDE_TEXT_PX` pixels (it
    suggests ``--collapse statements`` unless the picture is ``collapsed`` already, or one
    statement, which it would draw as one box)."""
    if where.text_px >= SLIDE_TEXT_PX:
        return None
    from ..lang import message

    key = "note.small_text_collapsed" if collapsed else "note.small_text"
    return message(key, width=slide[0], height=slide[1],
                   px=f"{math.floor(where.text_px * 10) / 10:g}", least=SLIDE_TEXT_PX)
