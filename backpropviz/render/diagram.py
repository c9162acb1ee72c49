"""Outputs by file extension: JSON, DOT text as is, or DOT drawn by a Graphviz engine."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import RenderError, shorten
from ..graph import Graph
from .dot import render_dot
from .engines import Engine
from .json_doc import render_json

__all__ = ["FORMATS", "Rendered", "format_of", "render_file", "png_size"]

#: File extension -> output format.
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot", ".json": "json"}

PNG_DPI = 150  # sharp on a projector; SVG and PDF are vector anyway
PNG_MAX_PIXELS = 8_000  # per side: a 100,000-node chain would otherwise be 97,000 px wide


@dataclass(frozen=True)
class Rendered:
    """An output's bytes, and what the user should know about it (e.g. a capped PNG)."""

    data: bytes
    notes: tuple[str, ...] = ()


def format_of(path: str) -> str:
    """The output format for ``path``, from its extension."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise RenderError(f"cannot tell the format of '{shorten(path, 100)}': use one of "
                          + ", ".join(FORMATS))
    return fmt


def render_file(graph: Graph, fmt: str, decimals: int, engine: Engine | None = None,
                **extras: Any) -> Rendered:
    """Output ``fmt`` (a value of :data:`FORMATS`) for ``graph``; ``engine`` draws svg, png
    and pdf; ``extras`` go into JSON as in :func:`~backpropviz.render.json_doc.to_document`."""
    if fmt == "json":
        return Rendered(render_json(graph, decimals=decimals, **extras).encode("utf-8"))
    png = fmt == "png"
    source = render_dot(graph, decimals, dpi=PNG_DPI if png else None,
                        max_inches=PNG_MAX_PIXELS / PNG_DPI if png else None)
    if fmt == "dot":
        return Rendered(source.encode("utf-8"))
    if engine is None:
        raise RenderError(f".{fmt} needs a Graphviz engine")
    data = engine.render(source, fmt)
    if png:
        width, height = png_size(data)
        if max(width, height) >= PNG_MAX_PIXELS - 2:
            return Rendered(data, (f"the PNG was scaled down to {width} x {height} pixels "
                                   f"(at most {PNG_MAX_PIXELS:,} a side); write .svg for "
                                   "full detail",))
    return Rendered(data)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return (0, 0)
    return struct.unpack(">II", data[16:24])
