"""Outputs by file extension: JSON, DOT text as is, DOT drawn by a Graphviz engine, and the
step-by-step lesson as an HTML stepper or an animated GIF."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from ..choices import (DEFAULT_TEXT_PX, DIAGRAM_DECIMALS, FRAME_MS, SLIDE_DPI, SLIDE_MARGIN_PX,
                       SLIDE_TEXT_PX, SLIDES)
from ..errors import RenderError, shorten
from ..graph import Graph, statements_of
from ..lang import message
from .describe import describe, program_line, with_description
from .dot import CLASSIC, HIDDEN, Style, View, iter_dot
from .engines import Engine
from .json_doc import iter_json
from .numbers import figure_decimals
from .png import png_size, with_dpi
from .seams import seamless

if TYPE_CHECKING:
    from .frames import Frame
    from .fitting import Draw, Layout
    from ..check import CheckReport
    from ..steps import Step
    from ..symbolic import ExactPass

__all__ = ["FORMATS", "DRAWN", "LESSONS", "Rendered", "format_of", "render_file",
           "render_frames", "png_size"]

#: File extension -> output format.
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot",
           ".json": "json", ".html": "html", ".htm": "html", ".gif": "gif"}
DRAWN = frozenset({"svg", "png", "pdf", "html", "gif"})  # formats a Graphviz engine draws
LESSONS = frozenset({"html", "gif"})  # formats made of one frame per step

WRITE_CHUNK = 1 << 20  # characters of streamed text encoded and written at a time
PNG_DPI = 150  # sharp on a projector; SVG and PDF are vector anyway
PNG_MAX_PIXELS = 8_000  # per side: a 100,000-node chain would otherwise be 97,000 px wide
WRAP_MAX_NODES = 200  # bigger graphs are not laid out again to be made readable
GIF_SCREEN = (1920, 1080)  # a GIF is shown at its own size: its frames fit a screen
GIF_TEXT_PX = 12  # smaller text in a GIF's frames gets a note
GIF_AHEAD = 3  # frames drawn ahead of the one being encoded

Progress = Callable[[int, int], None]  # (frames done, frames in all)


@dataclass(frozen=True)
class Rendered:
    """An output's bytes, and what the user should know about it (e.g. a capped PNG).
    Text that can be as big as the graph (JSON, DOT) is ``pieces`` instead, made while it is
    written, so it never sits in memory whole."""

    body: bytes = b""
    notes: tuple[str, ...] = ()
    pieces: Callable[[], Iterable[str]] | None = None

    @property
    def data(self) -> bytes:
        """The whole output (streamed text joined: for small outputs and tests)."""
        return self.body if self.pieces is None else b"".join(self.chunks())

    def chunks(self) -> Iterator[bytes]:
        """The output as UTF-8 bytes, about :data:`WRITE_CHUNK` characters at a time."""
        if self.pieces is None:
            yield self.body
            return
        batch: list[str] = []
        size = 0
        for piece in self.pieces():
            batch.append(piece)
            size += len(piece)
            if size >= WRITE_CHUNK:
                yield "".join(batch).encode("utf-8")
                batch, size = [], 0
        yield "".join(batch).encode("utf-8")


def format_of(path: str) -> str:
    """The output format for ``path``, from its extension."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise RenderError(message("render.unknown_format", path=shorten(path, 100),
                                  formats=", ".join(FORMATS)))
    return fmt


def render_file(graph: Graph, fmt: str, decimals: int | None, engine: Engine | None = None,
                style: Style = CLASSIC, scale: float = 1.0, frame_ms: int = FRAME_MS,
                progress: Progress | None = None, *, steps: Sequence[Step] | None = None,
                names: Sequence[str] | None = None, check: CheckReport | None = None,
                exact: ExactPass | None = None) -> Rendered:
    """Output ``fmt`` (a value of :data:`FORMATS`) for ``graph``, its numbers with
    ``decimals`` decimals (None: ``--precision auto``); ``engine`` draws svg, png,
    pdf and the lessons (html, gif); ``scale`` multiplies PNG and GIF resolution;
    ``steps``, ``names``, ``check`` and ``exact`` go into JSON as in
    :func:`~backpropviz.render.json_doc.to_document`."""
    if fmt == "json":
        places = DIAGRAM_DECIMALS if decimals is None else decimals
        return Rendered(pieces=lambda: iter_json(graph, decimals=places, steps=steps,
                                                 names=names, check=check, exact=exact))
    if fmt == "dot":
        return Rendered(pieces=lambda: _iter_source(graph, decimals, style))
    if engine is None:
        raise RenderError(message("render.needs_engine", fmt=fmt))
    if fmt in LESSONS:
        return _render_lesson(graph, fmt, decimals, engine, style, scale, frame_ms, progress)
    return _draw(graph, fmt, decimals, engine, style, scale)


def render_frames(graph: Graph, views: Sequence[View], fmt: str, decimals: int | None,
                  engine: Engine, style: Style = CLASSIC, scale: float = 1.0,
                  progress: Progress | None = None,
                  first: Callable[[Rendered, int], None] | None = None) -> list[Rendered]:
    """One drawing (svg or png) per step ``view``, all of one size: captions are padded to
    the longest one's number of lines, so the diagram does not move between frames.
    ``first(drawing, count)`` sees the first frame before the others are drawn."""
    drawn = []
    for k, view in enumerate(_padded(views)):
        drawn.append(_draw(graph, fmt, decimals, engine, style, scale, view))
        if k == 0 and style.slide:  # (said once, with the first)
            drawn[0] = replace(drawn[0], notes=drawn[0].notes + (message("note.slide_steps"),))
        if first is not None and k == 0:
            first(drawn[0], len(views))
        if progress is not None:
            progress(k + 1, len(views))
    return drawn


def _padded(views: Sequence[View]) -> list[View]:
    """The views with captions padded to the longest one's number of lines, so the
    diagram does not move between frames."""
    lines = max((len(v.caption) for v in views), default=0)
    return [replace(v, caption=v.caption + (" ",) * (lines - len(v.caption)))
            if len(v.caption) < lines else v for v in views]


def _iter_source(graph: Graph, decimals: int | None, style: Style, dpi: float | None = None,
                 max_inches: tuple[float, float] | None = None, view: View | None = None,
                 pad: tuple[float, float] | None = None) -> Iterator[str]:
    """The DOT text of the diagram: every gate (render.dot), or with ``--collapse
    statements`` one node per statement (render.collapse)."""
    if style.collapse == "statements":
        from .collapse import iter_collapsed

        return iter_collapsed(graph, decimals, style, dpi, max_inches, pad, view)
    return iter_dot(graph, decimals, style, dpi, max_inches, view, pad)


def _source(graph: Graph, decimals: int | None, style: Style, dpi: float | None = None,
               max_inches: tuple[float, float] | None = None, view: View | None = None,
               pad: tuple[float, float] | None = None) -> str:
    """:func:`_iter_source`'s text, whole."""
    return "".join(_iter_source(graph, decimals, style, dpi, max_inches, view, pad))


def _draw(graph: Graph, fmt: str, decimals: int | None, engine: Engine, style: Style, scale: float,
          view: View | None = None, dpi: float | None = None) -> Rendered:
    """One drawing in ``fmt``; a PNG at ``dpi`` (default 150 x ``scale``), at most
    :data:`PNG_MAX_PIXELS` a side."""
    if style.slide is not None and view is None and fmt in ("svg", "png"):
        return _draw_on_slide(graph, fmt, decimals, engine, style, style.slide)
    png = fmt == "png"
    dpi = dpi or round(PNG_DPI * scale)
    drawn = None  # (the layout as an SVG, once drawn: where the wires meet their labels)
    if view is None and len(graph.nodes) <= WRAP_MAX_NODES:
        original = style
        style, drawn = _fewest_crossings(graph, decimals, engine, style)
        chosen = _readable(graph, decimals, engine, style, drawn) if style.wrap else None
        if chosen is not None:
            style = chosen.style
            if chosen.fit.text_px >= DEFAULT_TEXT_PX:  # (as sharp as a 4K screen needs: 2x
                dpi = min(dpi, 2 * chosen.fit.dpi * scale)  # the slide; else as drawn)
            cap = PNG_MAX_PIXELS / dpi
            source = _slide_source(graph, decimals, chosen.style, chosen.rows,
                                   dpi if png else None, across=chosen.across,
                                   max_inches=(cap, cap) if png else None)
            grown = chosen.style.number_size / max(original.number_size, 1)
            return _finish(graph, fmt, decimals, engine, style,
                           seamless(source, chosen.svg), dpi, view, dpi * grown)
    cap = PNG_MAX_PIXELS / dpi
    source = _source(graph, decimals, style, dpi=dpi if png else None,
                     max_inches=(cap, cap) if png else None, view=view)
    if drawn is None and view is None:  # (a big graph, not laid out yet: once more, for
        drawn = engine.render(_source(graph, decimals, style), "svg")  # its seams, 0.7 s)
    if drawn is not None:
        source = seamless(source, drawn)
    return _finish(graph, fmt, decimals, engine, style, source, dpi, view)


def _finish(graph: Graph, fmt: str, decimals: int | None, engine: Engine, style: Style,
            source: str, dpi: float, view: View | None, paste_dpi: float | None = None
            ) -> Rendered:
    """The drawing of DOT ``source`` in ``fmt``, described (SVG) or with its dpi (PNG):
    ``paste_dpi``, where its type was made bigger, the dpi at which it prints at its
    style's sizes (a 4x type drawn at 38 dpi pastes as at 150, not 95 inches wide)."""
    png = fmt == "png"
    data = engine.render(source, fmt)
    if fmt == "svg":
        data = with_description(data, *describe(graph, decimals, style, view))
    if fmt == "svg" and view is not None:
        # dot 2.x writes the font colour "transparent" as near-white #fffffe, which shows
        # on a dark or transparent background; SVG itself knows "transparent".
        data = data.replace(b'fill="#fffffe"', f'fill="{HIDDEN}"'.encode())
    if not png:
        return Rendered(data)
    data = with_dpi(data, paste_dpi or dpi)
    notes = [] if engine.name == "dot" else _missing_glyphs(source)
    width, height = png_size(data)
    if max(width, height) >= PNG_MAX_PIXELS - 2:
        notes.append(message("note.png_scaled", width=width, height=height,
                             most=f"{PNG_MAX_PIXELS:,}"))
    return Rendered(data, tuple(notes))


def _draw_on_slide(graph: Graph, fmt: str, decimals: int | None, engine: Engine,
                   style: Style, slide: tuple[int, int]) -> Rendered:
    """``--slide``: the diagram centred on a slide of ``slide`` pixels (see render.slide)."""
    from .slide import small_text_note, svg_on_slide

    drawn = None
    if len(graph.nodes) <= WRAP_MAX_NODES:
        style, drawn = _fewest_crossings(graph, decimals, engine, style)
    chosen = _slide_layout(graph, decimals, engine, style, slide, drawn)
    where = chosen.fit
    note = small_text_note(where, slide, bool(style.collapse) or _one_statement(graph))
    notes = (note,) if note else ()
    if fmt == "svg":
        source = seamless(_slide_source(graph, decimals, chosen.style, chosen.rows,
                                        across=chosen.across), chosen.svg)
        svg = svg_on_slide(engine.render(source, "svg"), where, slide,
                           None if style.transparent else style.background)
        return Rendered(with_description(svg, *describe(graph, decimals, style)), notes)
    def draw(pad: tuple[float, float]) -> tuple[str, bytes]:
        source = seamless(_slide_source(graph, decimals, chosen.style, chosen.rows, where.dpi,
                                        pad, across=chosen.across), chosen.svg)
        return source, engine.render(source, "png")

    source, data = draw(where.pad)
    off = [got - want for got, want in zip(png_size(data), slide)]
    if any(off):  # the embedded engine's PNG can be a pixel or two off what its SVG said
        source, data = draw((where.pad[0] - off[0] / 2 / where.dpi,
                             where.pad[1] - off[1] / 2 / where.dpi))
    data = with_dpi(data, SLIDE_DPI)
    return Rendered(data, notes + tuple(_missing_glyphs(source) if engine.name != "dot" else ()))


def _slide_source(graph: Graph, decimals: int | None, style: Style, rows: int,
                  dpi: float | None = None, pad: tuple[float, float] | None = None,
                  across: dict[str, float] | None = None,
                  max_inches: tuple[float, float] | None = None) -> str:
    """The DOT text of the diagram, wrapped into ``rows`` rows when more than one (cut
    where the one-row layout has its gates, ``across``)."""
    source = _source(graph, decimals, style, dpi=dpi, max_inches=max_inches, pad=pad)
    if rows == 1:
        return source
    from .wrap import wrapped

    return wrapped(source, graph, rows, style.name_size, across,
                   boxes=style.aligned and style.direction == "LR")


def _fewest_crossings(graph: Graph, decimals: int | None, engine: Engine, style: Style
                      ) -> tuple[Style, bytes]:
    """The style, and its SVG, whose drawing crosses fewer wires: each gate's inputs in the
    order written (CS231n's), or where Graphviz puts them if that crosses strictly fewer
    (``a = x*y; b = a + x``: x's branch to + need not cross y's wire)."""
    from .fitting import Layout
    from .slide import fit

    draw, screen = _drawer(graph, decimals, engine), SLIDES["16:9"]
    svg = draw(style, 1, None)
    chosen = _uncrossed(graph, Layout(style, 1, svg, fit(svg, screen)), draw, screen, 0.0)
    return chosen.style, chosen.svg


def _drawer(graph: Graph, decimals: int | None, engine: Engine) -> Draw:
    """Draws ``graph`` as SVG in a style, in rows cut where the one-row layout has its
    gates (render.fitting's Draw)."""
    def draw(style: Style, rows: int, across: dict[str, float] | None) -> bytes:
        return engine.render(_slide_source(graph, decimals, style, rows, across=across), "svg")
    return draw


def _readable(graph: Graph, decimals: int | None, engine: Engine, style: Style,
              drawn: bytes) -> Layout | None:
    """How to draw a picture by default: None (as it is) unless, fitted to a 1920x1080
    slide, its smallest text would be under :data:`DEFAULT_TEXT_PX`; then the first of
    ``--slide``'s layouts (bigger type; rows) that makes it that big, or the best."""
    from .slide import fit

    screen = SLIDES["16:9"]
    if fit(drawn, screen).text_px >= DEFAULT_TEXT_PX:
        return None
    return _slide_layout(graph, decimals, engine, style, screen, drawn, DEFAULT_TEXT_PX)


def _slide_layout(graph: Graph, decimals: int | None, engine: Engine, style: Style,
                  slide: tuple[int, int], drawn: bytes | None = None,
                  target: float = SLIDE_TEXT_PX) -> Layout:
    """The first layout whose smallest text is ``target`` px on the slide, or the one with
    the biggest (see render.fitting). ``drawn``: the one-row SVG, if made already."""
    from .fitting import best_layout

    draw = _drawer(graph, decimals, engine)
    names_on_wires = (not style.collapse  # (an array's name is
                      and any(node.name and isinstance(node.value, float)  # in its caption)
                          for node in graph.nodes if node.is_gate))
    arrays = graph.store.shape is not None  # (vectors and matrices: compact grids)
    expression = not style.collapse and _one_statement(graph)  # (cut along its spine)
    chosen = best_layout(draw, style, slide, len(graph.nodes), names_on_wires, drawn, target,
                         arrays, expression)
    if chosen.svg is drawn or len(graph.nodes) > WRAP_MAX_NODES:
        return chosen
    return _uncrossed(graph, chosen, draw, slide, target)


def _one_statement(graph: Graph) -> bool:
    """Whether ``graph`` is one expression (a program of one statement): render.wrap cuts
    it along its running total, and --collapse statements would draw it as one box."""
    owner = statements_of(graph)
    return len({owner[node.id] for node in graph.nodes if node.is_gate}) == 1


def _uncrossed(graph: Graph, chosen: Layout, draw: Draw,
               slide: tuple[int, int], target: float) -> Layout:
    """``chosen``, or the same layout with each gate's inputs in the other order (written
    / Graphviz's) if that crosses strictly fewer wires and keeps its text as big."""
    from .crossings import crossings
    from .fitting import Layout
    from .slide import fit

    count = crossings(chosen.svg, graph)
    if count == 0:
        return chosen
    other = replace(chosen.style, in_order=not chosen.style.in_order)
    svg = draw(other, chosen.rows, chosen.across)
    where = fit(svg, slide)
    if crossings(svg, graph) < count and where.text_px >= min(chosen.fit.text_px, target):
        return Layout(other, chosen.rows, svg, where, chosen.across)
    return chosen


def _missing_glyphs(source: str) -> list[str]:
    """The embedded engine draws with its own fonts (Tinos, Arimo, Cousine), which have no
    Chinese, Japanese or Korean: in a PNG such text is boxes. Say so, and what draws it."""
    wide = [ch for ch in dict.fromkeys(source) if unicodedata.east_asian_width(ch) in "WF"]
    if not wide:
        return []
    shown = "".join(wide[:5]) + ("…" if len(wide) > 5 else "")
    return [message("note.missing_glyphs", chars=shown, count=len(wide))]


def _render_lesson(graph: Graph, fmt: str, decimals: int | None, engine: Engine, style: Style,
                   scale: float, frame_ms: int, progress: Progress | None) -> Rendered:
    """The HTML stepper (captions as text under each SVG) or the GIF (captions drawn in)."""
    from .statement_frames import lesson_of

    frames = lesson_of(graph, figure_decimals(graph, decimals), style)
    if fmt == "html":
        return _render_stepper(graph, frames, decimals, engine, style, progress)
    return _render_gif(graph, [f.view for f in frames], decimals, engine, style, scale,
                       frame_ms, progress)


def _render_stepper(graph: Graph, frames: Sequence[Frame], decimals: int | None,
                    engine: Engine, style: Style, progress: Progress | None) -> Rendered:
    """The HTML stepper: the diagram laid out and drawn once, every number and highlight
    marked with its steps (render.drawing), the captions as text beside it."""
    from .drawing import mark_steps, marked_style, whole_view
    from .stepper import render_lesson_html

    source = _source(graph, decimals, marked_style(style), view=whole_view(frames))
    svg = with_description(engine.render(source, "svg"), *describe(graph, decimals, style))
    if progress is not None:
        progress(len(frames), len(frames))
    # (dot 2.x writes "transparent", a number no step shows, as near-white #fffffe)
    svg = svg.replace(b'fill="#fffffe"', f'fill="{HIDDEN}"'.encode())
    drawing = mark_steps(svg, frames, _readers_of(graph, style), style)
    title = style.title or f"backpropviz: {program_line(graph.expression, 80)}"
    page = render_lesson_html(
        drawing, ["\n".join(f.caption) for f in frames], title=title,
        background=style.background, foreground=style.wire_color,
        highlight=(style.highlight_fill, style.highlight_wire),
        phases=[f"{f.phase} pass" for f in frames], gates=[f.node for f in frames],
        backward=[f.phase == "backward" for f in frames],
        descriptions=[describe(graph, decimals, style, f.view)[1] for f in frames])
    notes = (message("note.slide_html"),) if style.slide else ()
    return Rendered(page.encode("utf-8"), notes)


def _readers_of(graph: Graph, style: Style) -> list[list[int]]:
    """Per node, what it reads as the drawing shows it: a gate's inputs, or with
    ``--collapse statements`` a statement's inputs and the statements it reads."""
    if style.collapse != "statements":
        return [list(node.inputs) for node in graph.nodes]
    from .collapse import statement_reads, statements_of

    reads = statement_reads(graph, statements_of(graph))
    return [list(reads.get(node.id, ())) for node in graph.nodes]


def _render_gif(graph: Graph, views: Sequence[View], decimals: int | None, engine: Engine,
                style: Style, scale: float, frame_ms: int, progress: Progress | None
                ) -> Rendered:
    """The GIF lesson, its frames fitted to a screen (:func:`_gif_dpi`), drawn two at a
    time while the one before is encoded, and encoded one at a time (memory flat in the
    number of frames). The last frame is drawn first: its size is checked and its colours,
    which are every colour of the lesson, make the one palette; it is added last."""
    from .gif import GifWriter, check_gif_size, palette_of

    views = _padded(views)
    dpi, notes = _gif_dpi(graph, views[-1], decimals, engine, style, scale)
    last = _draw(graph, "png", decimals, engine, style, scale, views[-1], dpi)
    size = png_size(last.data)
    check_gif_size(size, len(views), scale)
    writer = GifWriter(size, frame_ms, palette_of(last.data))
    notes.update(dict.fromkeys(last.notes))
    drawn = _drawn_ahead(lambda view: _draw(graph, "png", decimals, engine, style, scale,
                                            view, dpi), views[:-1])
    for k, frame in enumerate(drawn, 1):
        if progress is not None:
            progress(k, len(views))
        notes.update(dict.fromkeys(frame.notes))
        writer.add(frame.data)
    writer.add(last.data)
    if progress is not None:
        progress(len(views), len(views))
    return Rendered(writer.finish(), _one_glyph_note(notes, views, style.title or ""))


def _one_glyph_note(notes: dict[str, None], views: Sequence[View], title: str
                    ) -> tuple[str, ...]:
    """The notes of a lesson's frames, their missing-glyph notes (one a frame whose
    caption has other characters) said once, for every frame's characters."""
    kept = [note for note in notes if getattr(note, "key", "") != "note.missing_glyphs"]
    if len(kept) < len(notes):
        kept += _missing_glyphs(title + "".join(line for view in views for line in view.caption)
                                + "".join(label for _, label in views[-1].labels)
                                + "".join(str(getattr(n, "fields", {}).get("chars", ""))
                                          for n in notes))
    return tuple(kept)


def _drawn_ahead(draw: Callable[[View], Rendered], views: Sequence[View]) -> Iterator[Rendered]:
    """``draw(view)`` of each view in order, while the next ones are drawn on two threads
    (Graphviz runs as its own process: the encoding of one frame overlaps the drawing of
    the next); at most :data:`GIF_AHEAD` frames wait, so memory stays flat."""
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=2)
    waiting: deque[Future[Rendered]] = deque()
    try:
        for view in views:
            waiting.append(pool.submit(draw, view))
            if len(waiting) > GIF_AHEAD:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()
    finally:  # (an error, Ctrl-C or a timeout: the frames not started yet are dropped)
        pool.shutdown(wait=False, cancel_futures=True)


def _gif_dpi(graph: Graph, view: View, decimals: int | None, engine: Engine, style: Style,
             scale: float) -> tuple[float, dict[str, None]]:
    """The resolution of a GIF lesson's frames: 150 dpi x ``scale``, less if that would be
    bigger than the screen (:data:`GIF_SCREEN`, or the ``--slide``) x ``scale``, as a GIF
    is shown at its own size; and a note when its smallest text is then small."""
    from .slide import fit

    screen = style.slide or GIF_SCREEN
    screen = (round(screen[0] * scale), round(screen[1] * scale))
    where = fit(engine.render(_source(graph, decimals, style, view=view), "svg"), screen)
    inner = (screen[0] - 2 * SLIDE_MARGIN_PX, screen[1] - 2 * SLIDE_MARGIN_PX)
    dpi = min(PNG_DPI * scale, 72 * min(inner[0] / where.width, inner[1] / where.height))
    text_px = where.text_px * dpi / where.dpi
    if text_px >= GIF_TEXT_PX * scale:
        return dpi, {}
    key = "note.gif_small_text_collapsed" if style.collapse else "note.gif_small_text"
    return dpi, {message(key, width=screen[0], height=screen[1], px=f"{text_px:.0f}"): None}
