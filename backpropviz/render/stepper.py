"""A lesson's frames as one self-contained HTML page: one diagram at a time, fitted to the
window, with a caption panel of fixed height, Prev/Next buttons that never move, keys
(arrows, Space, PageUp/PageDown as clickers send, Home/End), ``#N`` links and a step
counter, for a teacher to click through on a projector; the caption is announced to
screen readers (an ARIA live region).

A lesson is one drawing (:func:`render_lesson_html`, made by render.drawing) whose marks
the script switches per step; :func:`render_html` takes one SVG per step instead.

Nothing is fetched: the SVGs, the style and the script are all inline, so the file works
offline and from a USB stick. Without JavaScript the page shows the lesson's finished
drawing and every step's caption under it (or every frame one under the other, each with
its step and caption).
"""

from __future__ import annotations

import re
from html import escape
from typing import Sequence

from .. import lang
from ..lang import localize, say

__all__ = ["render_html", "render_lesson_html"]

# A CSS colour we can put in the style sheet as is: #hex, a name, or rgb()/hsl() numbers.
_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|(?:rgb|hsl)a?\([0-9.,%/ ]+\)")
_SVG_START = re.compile(r"<svg\b")
_ID = re.compile(r'(\sid=")([^"]+)(")')
# (in an attribute only: a title's text "url(#node1)" is text, and " is &quot; in text)
_REF = re.compile(r'(="url\(#|href="#)([^)"]+)')
_WIDTH_PT = re.compile(r'<svg\b[^>]*?\swidth="([0-9.]+)(?:pt)?"')

_STYLE = """
*{box-sizing:border-box}
html{background:var(--bg);color:var(--fg)}
body{margin:0 auto;padding:1rem 2vw;max-width:1800px;
 font:clamp(1rem,1.6vw,1.6rem)/1.4 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
header{display:flex;flex-wrap:wrap;gap:.3em 1.5em;align-items:baseline;
 justify-content:space-between}
h1{font-size:1.1em;margin:0}
.js header{flex-wrap:nowrap}
.js h1{min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.js .counter{flex:none}
.counter,.step{font-size:1.1em;font-weight:600;margin:0}
.frame{margin:1rem 0 2.5rem}
.diagram{margin:0 auto;max-width:100%}
.diagram svg{display:block;width:100%;max-width:100%;height:auto;max-height:78vh;margin:0 auto}
.caption,.live{font-size:clamp(1rem,1.7vw,2rem);line-height:1.35;white-space:pre-line;
 text-align:center;margin:.6em auto 0;max-width:60em}
.controls{display:flex;gap:1rem;justify-content:center;margin:.4rem 0 0}
button{font:inherit;font-size:1.1em;padding:.3em 1.4em;color:inherit;background:transparent;
 border:2px solid currentColor;border-radius:.4em;cursor:pointer}
button:disabled{opacity:.35;cursor:default}
button:focus-visible{outline:3px solid currentColor;outline-offset:2px}
.counter,.panel{display:none}
.js body{height:100vh;display:flex;flex-direction:column;overflow:hidden;padding:.6rem 2vw}
.js header,.js .panel{flex:none}
.js .counter{display:block}
.js main{flex:1 1 auto;min-height:0}
.js .frame{margin:0;height:100%}
.js .step,.js .frame .caption,.js .frame:not(.current){display:none}
.js .diagram{width:100%!important;height:100%}
.js .diagram svg{width:100%;height:100%;max-height:none}
.js .panel{display:block}
.live{height:4.2em;overflow-y:auto;margin:.3em auto 0}
.js .drawing{height:100%}
.js .drawing~.frame{display:none}
.bpv-later{visibility:hidden}
.bpv-arrow{display:none}
.bpv-current ellipse,.bpv-current polygon{fill:var(--hl);stroke-width:3}
.bpv-current path:not([fill="none"]){fill:var(--hl)}
.bpv-current path[fill="none"]{stroke:var(--hw);stroke-width:2}
.bpv-hot path{stroke:var(--hw);stroke-width:3}
.bpv-hot polygon{fill:var(--hw);stroke:var(--hw)}
.bpv-back .bpv-head{display:none}
.bpv-back .bpv-arrow{display:inline}
.bpv-sent{text-decoration:underline}
"""

# Runs at the end of the body: the frames exist; `#3` in the URL opens frame 3. The caption
# panel has a fixed height, so the buttons never move; on a big graph whose numbers would
# be small, the picture zooms to the step's gate (numbers at least 60% of the caption's).
_SCRIPT = """
(function () {
  var frames = document.querySelectorAll(".frame"), n = frames.length, cur = 0;
  var counter = document.getElementById("bpv-counter");
  var live = document.getElementById("bpv-caption");
  var prev = document.getElementById("bpv-prev"), next = document.getElementById("bpv-next");
  var drawing = document.querySelector(".drawing svg");  // a lesson's one drawing, if any
  function svgOf(frame) { return frame.querySelector("svg") || drawing; }
  function marked(selector, name) {
    drawing.querySelectorAll(selector).forEach(function (e) { e.classList.add(name); });
  }
  function mark(k) {  // the one drawing as step k shows it: its numbers so far, its gate
    if (!drawing) return;
    var frame = frames[k], back = frame.hasAttribute("data-back");
    var gate = (frame.getAttribute("data-gate") || "").slice(1);
    drawing.querySelectorAll("[data-from]").forEach(function (e) {
      e.classList.toggle("bpv-later", parseInt(e.getAttribute("data-from"), 10) > k + 1);
    });
    ["bpv-current", "bpv-hot", "bpv-back", "bpv-sent"].forEach(function (name) {
      drawing.querySelectorAll("." + name).forEach(function (e) { e.classList.remove(name); });
    });
    var desc = drawing.querySelector("desc");
    if (desc && frame.hasAttribute("data-desc")) desc.textContent = frame.getAttribute("data-desc");
    if (!gate) return;
    marked('[data-node="' + gate + '"]', "bpv-current");
    marked('[data-into="' + gate + '"]', "bpv-hot");
    if (!back) return;
    marked('[data-into="' + gate + '"]', "bpv-back");
    marked('[data-sent="' + gate + '"]', "bpv-sent");
  }
  function fitPanel() {  // as tall as the longest caption (up to 40% of the window): fixed
    live.style.height = "";  // (its least height, from the style sheet)
    var box = document.createElement("p"), tallest = live.clientHeight;
    box.className = "live";  // measured aside, out of the page's flow and unannounced
    box.setAttribute("aria-hidden", "true");
    box.style.cssText = "position:absolute;visibility:hidden;height:auto;left:0;top:0;" +
      "width:" + live.clientWidth + "px";
    document.body.appendChild(box);
    for (var k = 0; k < n; k++) {
      box.textContent = frames[k].querySelector(".caption").textContent;
      tallest = Math.max(tallest, box.offsetHeight);
    }
    document.body.removeChild(box);
    live.style.height = Math.min(tallest, 0.4 * window.innerHeight) + "px";
  }
  function zoom(frame) {
    var svg = svgOf(frame), texts = svg ? svg.querySelectorAll("text, tspan") : [];
    if (!texts.length) return;
    if (!svg.dataset.box) svg.dataset.box = svg.getAttribute("viewBox");
    svg.setAttribute("viewBox", svg.dataset.box);
    var box = svg.viewBox.baseVal, rect = svg.getBoundingClientRect();
    var scale = Math.min(rect.width / box.width, rect.height / box.height);
    var want = 0.6 * parseFloat(getComputedStyle(live).fontSize);
    var size = Infinity;  // the smallest text decides
    texts.forEach(function (t) {  // (not the blank spacers of top-to-bottom wire labels)
      if (t.textContent.trim()) size = Math.min(size, parseFloat(t.getAttribute("font-size")) || 14);
    });
    if (size * scale >= want) return;
    var gate = frame.getAttribute("data-gate"), node = null;
    svg.querySelectorAll("g.node > title").forEach(function (t) {
      if (t.textContent === gate) node = t.parentNode;
    });
    var zoomed = want / size, w = rect.width / zoomed, h = rect.height / zoomed;
    var cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    if (node) {
      var r = node.getBoundingClientRect(), m = svg.getScreenCTM().inverse();
      var p = svg.createSVGPoint();
      p.x = r.x + r.width / 2; p.y = r.y + r.height / 2;
      p = p.matrixTransform(m); cx = p.x; cy = p.y;
    }
    function clamp(c, size, low, span) {  // in the picture; one smaller than the window:
      return size >= span ? low + (span - size) / 2  // centred in it (a thin strip was
        : Math.max(low, Math.min(c - size / 2, low + span - size));  // pinned to its top)
    }
    var x = clamp(cx, w, box.x, box.width), y = clamp(cy, h, box.y, box.height);
    svg.setAttribute("viewBox", [x, y, w, h].join(" "));
  }
  function show(i) {
    cur = Math.max(0, Math.min(n - 1, i));
    for (var k = 0; k < n; k++) frames[k].classList.toggle("current", k === cur);
    counter.textContent = frames[cur].getAttribute("data-step");
    live.textContent = frames[cur].querySelector(".caption").textContent;
    prev.disabled = cur === 0;
    next.disabled = cur === n - 1;
    mark(cur);
    zoom(frames[cur]);
    try { history.replaceState(null, "", "#" + (cur + 1)); } catch (e) { /* e.g. sandboxed */ }
  }
  function fromHash() {
    var k = parseInt(location.hash.slice(1), 10);
    return k >= 1 ? k - 1 : 0;
  }
  prev.addEventListener("click", function () { show(cur - 1); });
  next.addEventListener("click", function () { show(cur + 1); });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if ((e.key === " " || e.key === "Enter") && e.target.tagName === "BUTTON") return;
    var to;
    switch (e.key) {  // PageUp/PageDown: what presentation clickers send
      case "ArrowRight": case "PageDown": case " ": to = e.shiftKey ? cur - 1 : cur + 1; break;
      case "ArrowLeft": case "PageUp": to = cur - 1; break;
      case "Home": to = 0; break;
      case "End": to = n - 1; break;
      default: return;
    }
    e.preventDefault();
    show(to);
  });
  window.addEventListener("hashchange", function () { show(fromHash()); });
  window.addEventListener("resize", function () { fitPanel(); zoom(frames[cur]); });
  fitPanel();
  show(fromHash());
})();
"""


def render_html(svgs: Sequence[str], captions: Sequence[str], *, title: str = "backpropviz",
                background: str = "#ffffff", foreground: str = "#24292f",
                phases: Sequence[str] | None = None,
                gates: Sequence[int | None] | None = None) -> str:
    """The page for the frames ``svgs`` (Graphviz SVG text, trusted) with their ``captions``
    (plain text, newlines kept); ``phases`` (e.g. "forward pass") joins the step counter;
    ``gates`` (a node id per frame) is the gate a zoomed-in frame centres on."""
    n = len(svgs)
    if n == 0:
        raise ValueError("render_html needs at least one frame")
    _check(n, captions, phases, {"background": background, "foreground": foreground})
    svg_bodies = [_inline_svg(svg, f"bpv-f{k}-") for k, svg in enumerate(svgs, 1)]
    # Every frame is drawn at the same scale: its width as a share of the widest frame's.
    widths = [_width_pt(svg) for svg in svg_bodies]
    widest = max((w for w in widths if w), default=0.0)
    steps = _steps(n, phases)
    sections = []
    for k, (svg, caption, width) in enumerate(zip(svg_bodies, captions, widths), 1):
        share = f' style="width:{100 * width / widest:.2f}%"' if width and widest else ""
        diagram = f'<div class="diagram"{share}>\n{svg}\n</div>\n'
        sections.append(_section(k, steps[k - 1], caption, gates[k - 1] if gates else None,
                                 diagram))
    return _page(title, steps[0], captions[0], "\n".join(sections),
                 f":root{{--bg:{background};--fg:{foreground}}}")


def render_lesson_html(drawing: str, captions: Sequence[str], *, title: str,
                       background: str, foreground: str, highlight: tuple[str, str],
                       phases: Sequence[str], gates: Sequence[int], backward: Sequence[bool],
                       descriptions: Sequence[str]) -> str:
    """The page for a lesson drawn once (:mod:`~backpropviz.render.drawing`: its numbers
    marked with the step that shows them): per step, its caption, the gate it is about,
    whether it is a backward step (the wires point back) and the drawing's description.
    ``highlight`` is the current gate's fill and its wires' colour."""
    n = len(captions)
    if n == 0:
        raise ValueError("render_lesson_html needs at least one step")
    _check(n, captions, phases, {"background": background, "foreground": foreground,
                                 "highlight fill": highlight[0], "highlight wire": highlight[1]})
    steps = _steps(n, phases)
    sections = [f'<div class="diagram drawing">\n{_inline_svg(drawing, "bpv-")}\n</div>']
    for k, caption in enumerate(captions, 1):
        extra = (" data-back" if backward[k - 1] else "") + \
            f' data-desc="{escape(descriptions[k - 1])}"'
        sections.append(_section(k, steps[k - 1], caption, gates[k - 1], "", extra))
    return _page(title, steps[0], captions[0], "\n".join(sections),
                 f":root{{--bg:{background};--fg:{foreground};--hl:{highlight[0]};"
                 f"--hw:{highlight[1]}}}")


def _check(n: int, captions: Sequence[str], phases: Sequence[str] | None,
           colors: dict[str, str]) -> None:
    """Refuse lists of other lengths than ``n`` and colours that are not plain CSS."""
    if len(captions) != n:
        raise ValueError(f"{n} frames but {len(captions)} captions")
    if phases is not None and len(phases) != n:
        raise ValueError(f"{n} frames but {len(phases)} phases")
    for name, color in colors.items():
        if not _COLOR.fullmatch(color):
            raise ValueError(f"{name} must be a CSS colour such as #ffffff, not {color!r}")


def _steps(n: int, phases: Sequence[str] | None) -> list[str]:
    """The step counter's text for each step: "Step 3 of 9 · forward pass"."""
    return [say("stepper.step", step=k, steps=n)
            + (f" \u00b7 {localize(phases[k - 1])}" if phases is not None else "")
            for k in range(1, n + 1)]


def _section(k: int, step: str, caption: str, gate: int | None, diagram: str,
             extra: str = "") -> str:
    """Step ``k``: its counter, its drawing (when each step has its own) and its caption."""
    current = " current" if k == 1 else ""
    focus = f' data-gate="n{gate}"' if gate is not None else ""
    return (f'<section class="frame{current}" id="bpv-frame-{k}" data-step="{escape(step)}"'
            f'{focus}{extra}>\n<p class="step">{escape(step)}</p>\n{diagram}'
            f'<p class="caption">{escape(caption)}</p>\n</section>')


def _page(title: str, first_step: str, first_caption: str, main: str, root: str) -> str:
    """The whole page around the steps' ``main`` content; ``root`` sets its colours."""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang.current()}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title>{escape(title)}</title>\n'
        # Set before the body is drawn, so the stacked no-script view never flashes.
        '<script>document.documentElement.className = "js";</script>\n'
        f'<style>{root + _STYLE}</style>\n</head>\n<body>\n'
        f'<header><h1>{escape(title)}</h1>'
        f'<p class="counter" id="bpv-counter">{escape(first_step)}</p></header>\n<main>\n'
        + main +
        '\n</main>\n<footer class="panel">'
        f'<p class="live" id="bpv-caption" aria-live="polite" tabindex="0">{escape(first_caption)}</p>'
        f'<nav class="controls" aria-label="{say("stepper.nav_label")}">'
        f'<button type="button" id="bpv-prev" aria-label="{say("stepper.prev_label")}">'
        f'{say("stepper.prev")}</button>'
        f'<button type="button" id="bpv-next" aria-label="{say("stepper.next_label")}">'
        f'{say("stepper.next")}</button>'
        f'</nav></footer>\n<script>{_SCRIPT}</script>\n</body>\n</html>\n')


def _inline_svg(svg: str, prefix: str) -> str:
    """``svg`` from its ``<svg`` tag on (no XML prolog, DOCTYPE or leading comments), with
    every id and reference to one prefixed, so frames sharing a page share no id."""
    start = _SVG_START.search(svg)
    if start is None:
        raise ValueError("a frame is not SVG text (no <svg> tag)")
    body = svg[start.start():].strip()
    ids = set(m.group(2) for m in _ID.finditer(body))
    body = _ID.sub(lambda m: m.group(1) + prefix + m.group(2) + m.group(3), body)
    return _REF.sub(lambda m: m.group(1) + (prefix + m.group(2) if m.group(2) in ids
                                            else m.group(2)), body)


def _width_pt(svg: str) -> float:
    """The width the SVG asks for (Graphviz writes points), or 0 when it names none."""
    match = _WIDTH_PT.search(svg)
    return float(match.group(1)) if match else 0.0
