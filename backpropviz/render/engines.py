"""Which Graphviz draws the diagram: the system's ``dot``, or the one pip installs with
backpropviz (``graphviz-pure``, a self-contained port of Graphviz with its fonts).

``auto`` prefers the system ``dot`` when it is on PATH (it also writes PDF), else the
embedded one, so ``pip install backpropviz`` alone renders SVG and PNG.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import RenderError, shorten
from ..lang import message, os_reason
from .names import SUBSCRIPT_DIGITS

if TYPE_CHECKING:
    from ..budget import Budget

__all__ = ["Engine", "choose_engine", "embedded_executable", "joined_subscripts",
           "lowered_digits"]

EMBEDDED = "graphviz-pure"

INSTALL_HINT = message("engine.install")
#: A text and the subscript text Graphviz writes after it (SVG), and the attributes that
#: placed the subscript on its own.
_SUBSCRIPT_TEXT = re.compile(rb'(<text\b[^>]*>[^<]*)</text>\s*<text\b([^>]*?)\s'
                             rb'baseline-shift="sub"([^>]*)>([^<]*)</text>')
_PLACED = re.compile(rb'\s(?:x|y|text-anchor)="[^"]*"')
#: Marks the embedded engine's fonts lack (drawn as empty boxes), as ones they have.
_EMBEDDED_GLYPHS = str.maketrans({"⇉": "»"})  # (a broadcast input: render.dot's mark)
#: A subscript of digits (an element's ``10,2`` too) in DOT's HTML-like labels.
_FONT_OR_SUBSCRIPT = re.compile(
    r'<sub>(?:<font point-size="(?P<sub>\d+)">)?(?P<digits>[\d,]+)(?:</font>)?</sub>'
    r'|(?P<open><font\b[^>]*?\bpoint-size="(?P<size>\d+)"[^>]*>|<font\b[^>]*>)|</font>')


@dataclass(frozen=True)
class Engine:
    """A Graphviz to run: ``name`` is ``dot`` or ``embedded``; ``formats`` what it writes."""

    name: str
    executable: str
    formats: frozenset[str]
    budget: Budget | None = field(default=None, compare=False)  # each run ends by its deadline

    @property
    def description(self) -> str:
        return message("engine.system_dot" if self.name == "dot" else "engine.embedded")

    def render(self, source: str, fmt: str) -> bytes:
        """Lay out DOT ``source`` and return the ``fmt`` output (svg, png or pdf)."""
        if fmt not in self.formats:
            raise RenderError(message("engine.needs_system", fmt=fmt, engine=self.description,
                                      formats=", ".join(sorted(self.formats)),
                                      install=INSTALL_HINT))
        timeout = self.budget.left() if self.budget is not None else None
        if self.name == "embedded":  # (dot lowers <sub>: as SVG, and in its PNG)
            source = lowered_digits(source).translate(_EMBEDDED_GLYPHS)
        if self.name == "dot" and timeout is None:
            image = _pipe_dot(source, fmt)
            return joined_subscripts(image) if fmt == "svg" else image
        try:
            proc = subprocess.run([self.executable, f"-T{fmt}"], input=source.encode("utf-8"),
                                  capture_output=True, check=False, timeout=timeout)
        except subprocess.TimeoutExpired:  # (the Graphviz run is killed)
            assert self.budget is not None, "a run times out only with a budget"
            raise self.budget.out_of_time(
                "render", message("engine.graphviz_run", engine=self.description, fmt=fmt)
            ) from None
        except OSError as exc:
            raise RenderError(message("engine.cannot_run", executable=self.executable,
                                      error=os_reason(exc))) from None
        if proc.returncode != 0:
            detail = _reason(proc.stderr) or message("engine.exit_status", code=proc.returncode)
            raise RenderError(message("engine.failed", engine=self.description, fmt=fmt,
                                      detail=detail))
        return joined_subscripts(proc.stdout) if fmt == "svg" else proc.stdout


def lowered_digits(source: str) -> str:
    """DOT ``source`` with each subscript of digits (``w<sub>0</sub>``) written in Unicode's
    subscript digits (w₀): the embedded engine's PNG ignores ``baseline-shift`` and sets
    subscripts on the line, so w₀ read "wo". The glyphs are about 0.7 em, hence a larger
    size, but none larger than the text around them: a wire's name set so made its line
    taller than the gradient's, and the rule between them stood off the wire."""
    out: list[str] = []
    sizes: list[int | None] = []  # (the point size of each font open around)
    at = 0
    for match in _FONT_OR_SUBSCRIPT.finditer(source):
        out.append(source[at:match.start()])
        at = match.end()
        if match.group("digits") is None:  # a font opened or closed: the size around
            opened = match.group("open")
            if opened is not None:
                sizes.append(int(match.group("size")) if match.group("size") else
                             (sizes[-1] if sizes else None))
            elif sizes:
                sizes.pop()
            out.append(match.group())
            continue
        digits = match.group("digits").translate(SUBSCRIPT_DIGITS)
        if match.group("sub") is None:
            out.append(digits)
            continue
        size = round(int(match.group("sub")) / 0.7)
        around = sizes[-1] if sizes else None
        out.append(f'<font point-size="{min(size, around) if around else size}">{digits}</font>')
    return "".join(out) + source[at:]


def joined_subscripts(svg: bytes) -> bytes:
    """Graphviz's SVG with each subscript a ``tspan`` of the text it follows (``w`` then
    ``11``): as a text of its own, placed where Graphviz's font measured ``w`` to end, it
    stood apart from it in a browser whose font is narrower ("w  11")."""
    def join(match: re.Match[bytes]) -> bytes:
        attrs = _PLACED.sub(b"", match.group(2) + match.group(3))
        return (match.group(1) + b'<tspan baseline-shift="sub"' + attrs + b">"
                + match.group(4) + b"</tspan></text>")

    return _SUBSCRIPT_TEXT.sub(join, svg)


def _pipe_dot(source: str, fmt: str) -> bytes:
    """Run the system ``dot`` through the ``graphviz`` package."""
    import graphviz

    try:
        image: bytes = graphviz.pipe("dot", fmt, source.encode("utf-8"), quiet=True)
        return image
    except graphviz.ExecutableNotFound:
        raise RenderError(message("engine.dot_missing", fmt=fmt, install=INSTALL_HINT)
                          ) from None
    except graphviz.CalledProcessError as exc:
        raise RenderError(message("engine.dot_failed", fmt=fmt,
                                  detail=_reason(exc.stderr or b"") or str(exc))) from None


def _reason(stderr: bytes) -> str:
    """Why Graphviz failed, in one line: its first ``Error:`` line (the cause; the lines
    after it quote the DOT text, e.g. ``String starting:<<i>aaaa...``), else its last line."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()
             if line.strip()]
    errors = [line for line in lines if line.startswith("Error")]
    if not lines:
        return ""
    reason = errors[0] if errors else lines[-1]
    reason = re.sub(r"^Error:\s*(<stdin>:\s*)?", "", reason)
    return shorten(reason, 200)


def embedded_executable() -> str | None:
    """The ``graphviz-pure`` program installed beside this Python (a venv's bin folder need
    not be on PATH), else on PATH."""
    name = EMBEDDED + (".exe" if os.name == "nt" else "")
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(EMBEDDED)


def choose_engine(choice: str = "auto") -> Engine:
    """The engine for ``--engine`` ``choice``; a clear error when it is not installed."""
    if choice in ("auto", "dot"):
        dot = shutil.which("dot")
        if dot is not None:
            return Engine("dot", dot, frozenset({"svg", "png", "pdf"}))
        if choice == "dot":
            raise RenderError(message("engine.dot_not_on_path", install=INSTALL_HINT))
    embedded = embedded_executable()
    if embedded is not None:
        return Engine("embedded", embedded, frozenset({"svg", "png"}))
    raise RenderError(message("engine.none", install=INSTALL_HINT))
