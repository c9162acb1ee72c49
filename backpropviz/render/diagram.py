"""Diagram outputs by file extension: DOT text as is, or DOT run through Graphviz's ``dot``."""

from __future__ import annotations

from pathlib import Path

from ..errors import RenderError
from ..graph import Graph
from .dot import render_dot
from .json_doc import render_json

__all__ = ["FORMATS", "format_of", "render_file"]

#: File extension -> output format.
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot", ".json": "json"}

PNG_DPI = 150  # sharp on a projector; SVG and PDF are vector anyway

INSTALL_HINT = ("install Graphviz (Debian/Ubuntu: apt install graphviz; macOS: brew install "
                "graphviz; conda: conda install graphviz), or write .dot or .json instead")


def format_of(path: str) -> str:
    """The output format for ``path``, from its extension."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise RenderError(f"cannot tell the format of '{path}': use one of "
                          + ", ".join(FORMATS))
    return fmt


def render_file(graph: Graph, fmt: str, decimals: int) -> bytes:
    """The bytes of the output ``fmt`` (a value of :data:`FORMATS`) for ``graph``."""
    if fmt == "json":
        return render_json(graph).encode("utf-8")
    source = render_dot(graph, decimals, dpi=PNG_DPI if fmt == "png" else None)
    if fmt == "dot":
        return source.encode("utf-8")
    return _run_dot(source, fmt)


def _run_dot(source: str, fmt: str) -> bytes:
    """Run Graphviz's ``dot`` on ``source`` through the ``graphviz`` package."""
    import graphviz

    try:
        return graphviz.pipe("dot", fmt, source.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound:
        raise RenderError(f"Graphviz's 'dot' program is needed for .{fmt} but was not "
                          f"found: {INSTALL_HINT}") from None
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"Graphviz could not render .{fmt}: "
                          f"{detail[-1] if detail else exc}") from None
