"""Chinese text in pictures is drawn as glyphs, not as missing-glyph boxes.

A missing glyph does not look the same for every character (Pango draws a box with the
character's code in it), so each picture is compared with the same picture drawn where
fontconfig knows no Chinese font: the known rendering of those characters as missing. The
two must differ; and a picture with no Chinese in it must not (so the only difference is
the Chinese glyphs). System Graphviz (``dot``) draws through Pango and fontconfig; the
embedded engine has no CJK fonts and says so (tests/test_diagram.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import cjk_font_files

pytestmark = [pytest.mark.needs_dot, pytest.mark.needs_cjk_font]

CHINESE = ("权重*x + 偏置", "--权重", "2", "--x", "3", "--偏置", "1", "--title", "反向传播")
LATIN = ("w*x + b", "--w", "2", "--x", "3", "--b", "1", "--title", "backprop")


def without_cjk_fonts(tmp_path: Path) -> dict[str, str]:
    """An environment whose fontconfig is the system's, with every Chinese font rejected."""
    rejected = "".join(f"<glob>{f}</glob>" for f in cjk_font_files())
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    "<fontconfig>\n  <include ignore_missing=\"yes\">/etc/fonts/fonts.conf"
                    f"</include>\n  <selectfont><rejectfont>{rejected}</rejectfont>"
                    f"</selectfont>\n  <cachedir>{tmp_path / 'fc-cache'}</cachedir>\n"
                    "</fontconfig>\n")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def draw(args: tuple[str, ...], out: Path, env: dict[str, str] | None = None) -> bytes:
    result = subprocess.run([sys.executable, "-m", "backpropviz", *args, "--engine", "dot",
                             "-q", "-o", str(out)], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


@pytest.mark.parametrize("suffix", [".png", ".gif"])
def test_chinese_names_and_titles_are_drawn_with_real_glyphs(tmp_path, suffix):
    missing_env = without_cjk_fonts(tmp_path)
    drawn = draw(CHINESE, tmp_path / f"drawn{suffix}")
    as_missing = draw(CHINESE, tmp_path / f"missing{suffix}", missing_env)
    assert drawn != as_missing, "the Chinese text is drawn as missing-glyph boxes"
    # the comparison is fair: without Chinese text the two font setups draw the same
    assert draw(LATIN, tmp_path / f"l1{suffix}") == draw(LATIN, tmp_path / f"l2{suffix}",
                                                         missing_env)


def screenshot(html: Path, env: dict[str, str] | None) -> bytes:
    """The lesson's first step as headless chromium shows it, fonts from ``env``'s
    fontconfig."""
    import shutil

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, env=env,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(html.as_uri())
        page.wait_for_timeout(200)
        shot: bytes = page.screenshot()
        browser.close()
    return shot


@pytest.mark.needs_chromium
def test_the_html_lesson_shows_chinese_with_real_glyphs(tmp_path):
    missing_env = without_cjk_fonts(tmp_path)
    chinese = tmp_path / "zh.html"
    latin = tmp_path / "en.html"
    draw(CHINESE, chinese)
    draw(LATIN, latin)
    assert screenshot(chinese, None) != screenshot(chinese, missing_env)
    assert screenshot(latin, None) == screenshot(latin, missing_env)
