"""The HTML stepper in a real browser: Debian's chromium, headless, driven by Playwright.

It loads from file:// with no console or page error, the arrow keys, Home/End and the
buttons move between frames, ``#3`` opens frame 3, the diagram is scaled up to the window,
a screenshot shows it in colour, and with JavaScript off every frame is still shown.
"""

from __future__ import annotations

import html
import io
import shutil

import pytest
from PIL import Image

pytestmark = [pytest.mark.needs_chromium, pytest.mark.needs_embedded]

VIEWPORT = {"width": 1280, "height": 800}
# The lesson of (x+y)*z at x=-2, y=5, z=-4 as the command writes it: 2 gates, so 5 frames.
COMMAND = ("(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4", "--engine", "embedded", "-q")
FIRST_CAPTION = "q₁ = x + y = -2 + 5 = 3"
LAST_CAPTION = ("local gradient ∂q₁/∂x = 1\nlocal gradient ∂q₁/∂y = 1\n∂f/∂x = ∂f/∂q₁ · ∂q₁/∂x = -4 · 1 = -4\n"
                "∂f/∂y = ∂f/∂q₁ · ∂q₁/∂y = -4 · 1 = -4\nwhere q₁ = x+y")


@pytest.fixture(scope="module")
def lesson_url(tmp_path_factory) -> str:
    from click.testing import CliRunner

    from backpropviz.cli import cli

    path = tmp_path_factory.mktemp("stepper") / "lesson.html"
    result = CliRunner().invoke(cli, [*COMMAND, "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path.as_uri()


@pytest.fixture(scope="module")
def browser():
    """One headless chromium for the module (root in CI, hence --no-sandbox)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page; ``page.errors`` collects console errors and uncaught exceptions."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def state(page) -> tuple[str, list[str]]:
    """The counter's text and the ids of the current steps (one, whose caption the panel
    shows, over the lesson's one drawing)."""
    counter = page.locator("#bpv-counter").inner_text()
    shown = [f.get_attribute("id") for f in page.locator("section.frame.current").all()]
    assert page.locator(".drawing svg").is_visible()
    return counter, shown


def test_keys_and_buttons_step_through_the_frames(page, lesson_url):
    page.goto(lesson_url)
    assert state(page) == ("Step 1 of 5 \u00b7 forward pass", ["bpv-frame-1"])
    assert page.locator("#bpv-caption").inner_text() == FIRST_CAPTION
    assert page.locator("#bpv-prev").is_disabled()

    page.keyboard.press("ArrowRight")
    assert state(page) == ("Step 2 of 5 \u00b7 forward pass", ["bpv-frame-2"])
    assert page.locator("#bpv-caption").is_visible()
    page.keyboard.press("ArrowLeft")
    assert state(page) == ("Step 1 of 5 \u00b7 forward pass", ["bpv-frame-1"])

    page.locator("#bpv-next").click()
    page.locator("#bpv-next").click()
    assert state(page) == ("Step 3 of 5 \u00b7 backward pass", ["bpv-frame-3"])
    page.keyboard.press("End")
    assert state(page) == ("Step 5 of 5 \u00b7 backward pass", ["bpv-frame-5"])
    assert page.locator("#bpv-caption").inner_text() == LAST_CAPTION
    assert page.locator("#bpv-next").is_disabled()
    page.keyboard.press("ArrowRight")  # past the end: stays
    assert state(page)[1] == ["bpv-frame-5"]
    page.locator("#bpv-prev").click()
    assert state(page)[1] == ["bpv-frame-4"]
    page.keyboard.press("Home")
    assert state(page)[1] == ["bpv-frame-1"]
    assert page.errors == []


def test_a_fragment_opens_that_frame(page, lesson_url):
    page.goto(lesson_url + "#3")
    assert state(page) == ("Step 3 of 5 \u00b7 backward pass", ["bpv-frame-3"])
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("location.hash") == "#2"
    assert page.errors == []


def test_the_screenshot_shows_the_diagram_scaled_to_the_window(page, lesson_url):
    page.goto(lesson_url)
    svg = page.locator(".drawing svg").bounding_box()
    natural = page.locator(".drawing svg").evaluate("s => s.viewBox.baseVal.height")
    assert svg["width"] > 0.85 * VIEWPORT["width"]
    assert svg["height"] > 1.5 * natural  # drawn larger than its own size, for a projector
    page.keyboard.press("End")  # the last frame shows every value and gradient
    shot = page.screenshot()
    image = Image.open(io.BytesIO(shot))
    assert image.format == "PNG" and image.size == (VIEWPORT["width"], VIEWPORT["height"])
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colours) > 50  # antialiased text and lines, not a blank page
    greens = sum(n for n, (r, g, b) in colours if g > 100 and g > r + 50 and g > b + 50)
    reds = sum(n for n, (r, g, b) in colours if r > 150 and r > g + 80 and r > b + 80)
    assert greens > 200 and reds > 200  # the values (green) and gradients (red) are drawn
    assert page.errors == []


def test_without_javascript_every_frame_is_shown(browser, lesson_url):
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(lesson_url)
        shown = [f.get_attribute("id") for f in page.locator("section.frame").all()
                 if f.is_visible()]
        assert shown == [f"bpv-frame-{k}" for k in range(1, 6)]
        assert page.locator(".drawing svg").is_visible()  # the finished diagram, above them
        assert page.locator("#bpv-frame-5 .step").inner_text() == "Step 5 of 5 \u00b7 backward pass"
        assert not page.locator("#bpv-next").is_visible()
    finally:
        context.close()


# --- a lesson a teacher can present: fixed buttons, the caption on screen, readable numbers

SIGMOID = ("sigmoid(w0*x0+w1*x1+w2)", "--w0", "2", "--x0", "-1", "--w1", "-3", "--x1", "-2",
           "--w2", "-3", "--expand", "--engine", "embedded", "-q")
# A 3-4-1 tanh MLP and its squared error: 38 gates, 77 frames.
MLP = "\n".join(["# a 3-4-1 MLP"]
                + [f"h{j} = tanh(" + " + ".join(f"w{j}{i}*x{i}" for i in range(3)) + f" + b{j})"
                   for j in range(4)]
                + ["y = " + " + ".join(f"v{j}*h{j}" for j in range(4)) + " + c",
                   "loss = (y - t)**2"])
MLP_VALUES = {**{f"w{j}{i}": 0.1 * (i - j) for j in range(4) for i in range(3)},
              **{f"x{i}": 1.0 - i for i in range(3)}, **{f"b{j}": 0.05 * j for j in range(4)},
              **{f"v{j}": 0.5 - 0.25 * j for j in range(4)}, "c": 0.1, "t": 1.0}


def write_lesson(folder, name: str, args: list[str]) -> str:
    from click.testing import CliRunner

    from backpropviz.cli import cli

    path = folder / f"{name}.html"
    result = CliRunner().invoke(cli, [*args, "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path.as_uri()


@pytest.fixture(scope="module")
def lessons(tmp_path_factory) -> dict[str, str]:
    import json

    folder = tmp_path_factory.mktemp("lessons")
    (folder / "mlp.bp").write_text(MLP, encoding="utf-8")
    (folder / "mlp.json").write_text(json.dumps(MLP_VALUES), encoding="utf-8")
    return {"sigmoid": write_lesson(folder, "sigmoid", list(SIGMOID)),
            "sigmoid-zh": write_lesson(folder, "sigmoid-zh", [*SIGMOID, "--lang", "zh"]),
            "mlp": write_lesson(folder, "mlp", ["-f", str(folder / "mlp.bp"), "--values",
                                                str(folder / "mlp.json"), "--engine",
                                                "embedded", "-q"])}


def boxes(page) -> tuple[dict, dict, dict]:
    return (page.locator("#bpv-prev").bounding_box(), page.locator("#bpv-next").bounding_box(),
            page.locator("#bpv-caption").bounding_box())


def number_to_caption_ratio(page) -> float:
    """The drawn size of the current frame's numbers over the caption's font size."""
    return page.evaluate("""() => {
      const svg = document.querySelector(".drawing svg");
      const text = [...svg.querySelectorAll("text")].find(t => /^-?\\d+\\.\\d+$/.test(t.textContent));
      const drawn = parseFloat(text.getAttribute("font-size")) * svg.getScreenCTM().a;
      return drawn / parseFloat(getComputedStyle(document.getElementById("bpv-caption")).fontSize);
    }""")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 720},
                                      {"width": 1920, "height": 1080}])
@pytest.mark.parametrize("name", ["sigmoid", "mlp"])
def test_buttons_never_move_and_the_caption_stays_on_screen(browser, lessons, name, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(lessons[name])
        frames = page.locator("section.frame").count()
        first = boxes(page)
        ratios = []
        for k in range(frames):
            prev, next_, caption = boxes(page)
            assert (prev, next_) == first[:2], f"the buttons moved at step {k + 1}"
            assert caption == first[2], f"the caption panel moved at step {k + 1}"
            assert caption["y"] >= 0 and caption["y"] + caption["height"] <= viewport["height"]
            assert next_["y"] + next_["height"] <= viewport["height"]
            ratios.append(number_to_caption_ratio(page))
            whole = page.evaluate("""() => { const live = document.getElementById("bpv-caption");
                                            return live.scrollHeight <= live.clientHeight + 1; }""")
            assert whole, f"step {k + 1}'s caption does not fit its panel"
            page.keyboard.press("ArrowRight")
        # the picture's numbers are at least 60% of the caption's size, zoomed in if need be
        assert min(ratios) >= 0.6 - 1e-6, (name, min(ratios))
        assert errors == []
    finally:
        context.close()


def test_space_steps_forward_once_even_on_a_button(page, lessons):
    page.goto(lessons["sigmoid"])
    page.keyboard.press(" ")
    assert state(page)[1] == ["bpv-frame-2"]
    page.keyboard.press("Shift+ ")
    assert state(page)[1] == ["bpv-frame-1"]
    page.locator("#bpv-next").focus()
    page.keyboard.press(" ")  # the button's own click: one step, not two
    assert state(page)[1] == ["bpv-frame-2"]
    assert page.errors == []


def test_a_zoomed_frame_centres_its_gate(browser, lessons):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(lessons["mlp"] + "#30")
        inside = page.evaluate("""() => {
          const frame = document.querySelector(".frame.current");
          const gate = frame.getAttribute("data-gate"), svg = document.querySelector(".drawing svg");
          const node = [...svg.querySelectorAll("g.node > title")]
              .find(t => t.textContent === gate).parentNode;
          const r = node.getBoundingClientRect();
          const s = svg.getBoundingClientRect();
          return r.left >= s.left && r.right <= s.right && r.top >= s.top && r.bottom <= s.bottom;
        }""")
        assert inside
    finally:
        context.close()


def test_a_zoomed_thin_picture_is_centred_not_pinned_to_the_top(browser, tmp_path):
    """A collapsed RNN is a thin strip: zoomed in, its window is taller than the picture,
    which sat at the stage's top with the rest empty; it is centred."""
    program = ("h0 = tanh(u*x1); h1 = tanh(w*h0 + u*x2); h2 = tanh(w*h1 + u*x3); "
               "h3 = tanh(w*h2 + u*x4); loss = (h3 - y)**2")
    values = ["--w", "0.5", "--u", "-0.7", "--y", "0.2", "--x1", "0.3", "--x2", "0.6",
              "--x3", "0.9", "--x4", "1.2"]
    url = write_lesson(tmp_path, "rnn", [program, *values, "--collapse", "statements",
                                         "--engine", "embedded", "-q"])
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        page.goto(url + "#4")
        middle, drawn = page.evaluate("""() => {
          const svg = document.querySelector(".drawing svg"), s = svg.getBoundingClientRect();
          const boxes = [...svg.querySelectorAll("g.node")].map(g => g.getBoundingClientRect())
              .filter(r => r.height > 0);
          const top = Math.min(...boxes.map(r => r.top));
          const bottom = Math.max(...boxes.map(r => r.bottom));
          return [(s.top + s.bottom) / 2, (top + bottom) / 2];
        }""")
        assert svg_zoomed(page)
        assert abs(drawn - middle) < 20
    finally:
        context.close()


def svg_zoomed(page) -> bool:
    """Whether the one drawing shows a part of itself (its viewBox changed by the zoom)."""
    return page.evaluate("""() => { const svg = document.querySelector(".drawing svg");
                                   return svg.getAttribute("viewBox") !== svg.dataset.box; }""")


def test_a_programs_heading_is_one_clean_line(page, lessons):
    page.goto(lessons["mlp"])
    heading = page.locator("h1").inner_text()
    assert heading.startswith("backpropviz: h0 = tanh(")
    assert "#" not in heading and "\n" not in heading and "\\n" not in heading
    assert heading.endswith("; loss = (y - t)**2")


@pytest.mark.parametrize("name", ["sigmoid", "mlp", "sigmoid-zh"])
def test_axe_finds_no_accessibility_violation(page, lessons, name):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright",
                              reason="axe-playwright-python comes with the browser extra")
    page.goto(lessons[name])
    results = axe.Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.keyboard.press("End")
    assert axe.Axe().run(page).violations_count == 0


def visible_numbers(page) -> list[str]:
    """The numbers the one drawing shows now (each number's text, sorted)."""
    return sorted(page.evaluate("""() => [...document.querySelectorAll(".drawing svg text")]
        .filter(t => t.hasAttribute("data-from") && getComputedStyle(t).visibility !== "hidden")
        .map(t => t.textContent)"""))


def underlined_numbers(page) -> list[str]:
    """The numbers the one drawing underlines now: those the current gate sends back."""
    return sorted(page.evaluate("""() => [...document.querySelectorAll(".drawing svg text")]
        .filter(t => getComputedStyle(t).textDecorationLine.includes("underline")
                  && getComputedStyle(t).visibility !== "hidden")
        .map(t => t.textContent)"""))


def step_numbers(svg: str, underlined: bool = False) -> list[str]:
    """The numbers a --steps frame draws: text in the value or gradient colour (a number
    not known yet is drawn transparent, and the Σ before it); or those it underlines."""
    import re

    from backpropviz.render.dot import CLASSIC

    colours = "|".join((CLASSIC.value_color, CLASSIC.grad_color))
    line = r'[^>]*text-decoration="underline"' if underlined else ""
    pattern = rf'<text\b{line}[^>]*fill="(?:{colours})"[^>]*>([^<]*)</text>'
    return sorted(html.unescape(t) for t in re.findall(pattern, svg))


@pytest.mark.parametrize("name, args", [("sigmoid", SIGMOID),
                                        ("fork", ("x*y + x", "--x", "3", "--y", "-2",
                                                  "--engine", "embedded", "-q")),
                                        ("copies", ("x*a + x*b + x*c", "--x", "2", "--a", "3",
                                                    "--b", "-1", "--c", "0.5", "--engine",
                                                    "embedded", "-q")),
                                        ("statements", ("a = x*y; b = a + x; f = a*b", "--x",
                                                        "3", "--y", "-2", "--collapse",
                                                        "statements", "--engine", "embedded",
                                                        "-q")),
                                        ("layer", ("h1 = tanh(w1*x + b1); h2 = tanh(w2*x)\n"
                                                   "y = v1*h1 + v2*h2", "--x", "0.5",
                                                   "--w1", "2", "--b1", "-1", "--w2", "-3",
                                                   "--v1", "1.5", "--v2", "0.5", "--collapse",
                                                   "statements", "--engine", "embedded",
                                                   "-q"))])
def test_each_step_of_the_drawing_shows_what_that_steps_own_frame_shows(
        page, tmp_path, name, args):
    import re

    from click.testing import CliRunner

    from backpropviz.cli import cli
    from backpropviz.render.dot import CLASSIC

    url = write_lesson(tmp_path, name, list(args))
    result = CliRunner().invoke(cli, [*args, "--steps", str(tmp_path / "steps")])
    assert result.exit_code == 0, result.output
    frames = sorted((tmp_path / "steps").glob("*.svg"))
    page.goto(url)
    lit = 0
    for k, frame in enumerate(frames, 1):
        svg = frame.read_text("utf-8")
        assert visible_numbers(page) == step_numbers(svg), k
        assert underlined_numbers(page) == step_numbers(svg, underlined=True), k
        gate = page.locator(".frame.current").get_attribute("data-gate")
        current = page.evaluate("""() => [...document.querySelectorAll(
            ".drawing svg g.bpv-current > title")].map(t => t.textContent)""")
        assert current == [gate]
        hot = len(re.findall(r'<g id="[^"]*" class="edge">\s*<title>[^<]*</title>\s*<path '
                             rf'[^>]*stroke="{CLASSIC.highlight_wire}"', svg))
        assert page.locator(".drawing svg g.bpv-hot").count() == hot
        lit += hot
        arrows = page.locator(".drawing svg g.bpv-back polygon.bpv-arrow")
        assert (arrows.count() > 0) == ("backward" in frame.name and hot > 0)
        page.keyboard.press("ArrowRight")
    assert lit > 0 and page.errors == []


@pytest.mark.parametrize("engine", [pytest.param("dot", marks=pytest.mark.needs_dot),
                                    "embedded"])
def test_a_subscript_starts_where_its_letter_ends(page, tmp_path, engine):
    """A subscript was a text of its own, placed where Graphviz's font measured its letter
    to end; the browser's font ended elsewhere (dot: "w  11"). As a tspan of its letter's
    text it follows the letter, wherever the browser's font ends it."""
    url = write_lesson(tmp_path, "subscript", ["x_in*w11", "--x_in", "2", "--w11", "3",
                                               "--engine", engine, "-q"])
    page.goto(url)
    gaps = page.evaluate("""() => [...document.querySelectorAll('[baseline-shift="sub"]')]
        .map(sub => {
          const base = sub.tagName === "tspan" ? sub.parentNode : sub.previousElementSibling;
          const letters = (sub.tagName === "tspan" ? base.firstChild.textContent
                                                   : base.textContent).length;
          const end = base.getEndPositionOfChar(letters - 1).x;
          const start = sub.tagName === "tspan" ? base.getStartPositionOfChar(letters).x
                                                : sub.getStartPositionOfChar(0).x;
          return start - end;
        })""")
    assert gaps and all(abs(gap) < 0.01 for gap in gaps), gaps
