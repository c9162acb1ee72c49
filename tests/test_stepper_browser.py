"""The HTML stepper in a real browser: Debian's chromium, headless, driven by Playwright.

It loads from file:// with no console or page error, the arrow keys, Home/End and the
buttons move between frames, ``#3`` opens frame 3, the diagram is scaled up to the window,
a screenshot shows it in colour, and with JavaScript off every frame is still shown.
"""

from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image

pytestmark = [pytest.mark.needs_chromium, pytest.mark.needs_embedded]

VIEWPORT = {"width": 1280, "height": 800}
# The lesson of (x+y)*z at x=-2, y=5, z=-4 as the command writes it: 2 gates, so 5 frames.
COMMAND = ("(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4", "--engine", "embedded", "-q")
FIRST_CAPTION = "n2 = x + y = -2.00 + 5.00 = 3.00"
LAST_CAPTION = ("df/dx = df/dn2 * dn2/dx = -4.00 * 1 = -4.00\n"
                "df/dy = df/dn2 * dn2/dy = -4.00 * 1 = -4.00\nwhere n2 = x+y")


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
    """The counter's text and the ids of the frames on screen."""
    counter = page.locator("#bpv-counter").inner_text()
    shown = [f.get_attribute("id") for f in page.locator("section.frame").all() if f.is_visible()]
    return counter, shown


def test_keys_and_buttons_step_through_the_frames(page, lesson_url):
    page.goto(lesson_url)
    assert state(page) == ("Step 1 of 5 \u00b7 forward pass", ["bpv-frame-1"])
    assert page.locator("#bpv-frame-1 .caption").inner_text() == FIRST_CAPTION
    assert page.locator("#bpv-prev").is_disabled()

    page.keyboard.press("ArrowRight")
    assert state(page) == ("Step 2 of 5 \u00b7 forward pass", ["bpv-frame-2"])
    assert page.locator("#bpv-frame-2 .caption").is_visible()
    page.keyboard.press("ArrowLeft")
    assert state(page) == ("Step 1 of 5 \u00b7 forward pass", ["bpv-frame-1"])

    page.locator("#bpv-next").click()
    page.locator("#bpv-next").click()
    assert state(page) == ("Step 3 of 5 \u00b7 backward pass", ["bpv-frame-3"])
    page.keyboard.press("End")
    assert state(page) == ("Step 5 of 5 \u00b7 backward pass", ["bpv-frame-5"])
    assert page.locator("#bpv-frame-5 .caption").inner_text() == LAST_CAPTION
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
    svg = page.locator("#bpv-frame-1 svg").bounding_box()
    natural = page.locator("#bpv-frame-1 svg").evaluate("s => s.viewBox.baseVal.height")
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
        assert state(page)[1] == [f"bpv-frame-{k}" for k in range(1, 6)]
        assert page.locator("#bpv-frame-5 .step").inner_text() == "Step 5 of 5 \u00b7 backward pass"
        assert not page.locator("#bpv-next").is_visible()
    finally:
        context.close()
