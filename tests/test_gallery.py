"""The gallery in docs/gallery is current: every sample is there, and its DOT text is what the
code draws today (DOT does not depend on the Graphviz version, SVG and PNG do)."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from backpropviz.render.dot import CLASSIC

from conftest import load_script

REPO = Path(__file__).resolve().parent.parent
GALLERY = REPO / "docs" / "gallery"
SCRIPT = REPO / "scripts" / "make_gallery.py"
SVG = "{http://www.w3.org/2000/svg}"
HINT = "the gallery is out of date: run python scripts/make_gallery.py"


gallery = load_script(SCRIPT, "make_gallery")
SAMPLES = gallery.samples()


def test_every_sample_is_in_the_gallery():
    assert len(SAMPLES) >= 7
    for name in SAMPLES:
        for fmt in gallery.FORMATS:
            assert (GALLERY / f"{name}.{fmt}").is_file(), f"{name}.{fmt} missing: {HINT}"
    drawn = {p.stem for p in GALLERY.glob("*.dot")}
    assert drawn == set(SAMPLES), HINT
    for target, _, _ in gallery.SLIDES:
        assert (GALLERY / target).is_file(), f"{target} missing: {HINT}"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_gallery_dot_is_current(run, tmp_path, name):
    target = tmp_path / f"{name}.dot"
    result = run(*SAMPLES[name], "-q", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text("utf-8") == (GALLERY / f"{name}.dot").read_text("utf-8"), HINT


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_gallery_svg_shows_the_dot_numbers(name):
    """The SVG was drawn from that DOT: the same numbers, in the same colours."""
    colors = (CLASSIC.value_color, CLASSIC.grad_color)
    dot = (GALLERY / f"{name}.dot").read_text("utf-8")
    in_dot = sorted((color, html.unescape(text)) for color, text in re.findall(
        r'<font color="(#[0-9a-f]{6})" point-size="\d+">(?:<[bi]>)?([^<]+)', dot)
        if color in colors)
    root = ET.parse(GALLERY / f"{name}.svg").getroot()
    in_svg = sorted((t.get("fill"), "".join(t.itertext())) for t in root.iter(f"{SVG}text")
                    if t.get("fill") in colors)
    assert len(in_dot) >= 10 and in_svg == in_dot, HINT


def test_sample_arguments_drop_the_output(tmp_path):
    script = tmp_path / "x.sh"
    script.write_text('#!/bin/sh\n# a comment\nbackpropviz "(x+y)*z" --x 1 -o x.svg --y 2 '
                      '--z 3 "$@"\n', "utf-8")
    assert gallery.sample_arguments(script) == ["(x+y)*z", "--x", "1", "--y", "2", "--z", "3"]
