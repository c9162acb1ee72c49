"""The README's pictures (docs/*.svg and docs/*.png) are what the README's own commands draw
today: compared by structure (the DOT's nodes, wires, gate labels and numbers against the
SVG's), not by bytes, which depend on the Graphviz version."""

from __future__ import annotations

import html
import re
import struct
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from conftest import load_script

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "make_docs.py"
SVG = "{http://www.w3.org/2000/svg}"
HINT = "the README's pictures are out of date: run python scripts/make_docs.py"


make_docs = load_script(SCRIPT, "make_docs")
COMMANDS = {Path(make_docs.outputs(args)[0]).stem: args for args in make_docs.commands()}


def test_every_readme_picture_has_its_command():
    readme = (REPO / "README.md").read_text("utf-8")
    shown = set(re.findall(r"\]\((docs/[^/)]+\.(?:png|svg))\)", readme))
    made = {path for args in COMMANDS.values() for path in make_docs.outputs(args)}
    assert shown and shown <= made, shown - made
    assert set(COMMANDS) == {"sigmoid", "chain_rule", "cs231n_staged"}
    for path in made:
        assert (REPO / path).is_file(), f"{path} missing: {HINT}"


def test_commands_are_read_from_the_readme_text():
    text = ("x\nThe diagrams in `docs/` were made by the tool itself:\n\n"
            '    backpropviz "x*y" --x 1 --y 2 -o docs/a.svg -o docs/a.png\n\nafter\n')
    (args,) = make_docs.commands(text)
    assert args == ["x*y", "--x", "1", "--y", "2", "-o", "docs/a.svg", "-o", "docs/a.png"]
    assert make_docs.without_outputs(args) == ["x*y", "--x", "1", "--y", "2"]


def _dot_structure(dot: str) -> tuple[Counter, Counter, list[str]]:
    """(node ids, edges as 'a->b', gate labels) of our DOT text (the invisible node ``out``,
    which the output's arrow points at, is not drawn)."""
    nodes = Counter(n for n in re.findall(r"^  (\w+) \[", dot, re.M)
                    if n not in ("graph", "node", "edge", "out"))
    edges = Counter(f"{a}->{b}" for a, b in re.findall(r"^  (\w+)(?::\w)? -> (\w+)", dot, re.M))
    gates = sorted(re.findall(r'shape=circle, [^\]]*label="([^"]*)"', dot))
    return nodes, edges, gates


def _svg_structure(root: ET.Element) -> tuple[Counter, Counter, list[str]]:
    def titles(kind: str) -> list[str]:
        return [html.unescape(g.findtext(f"{SVG}title") or "") for g in root.iter(f"{SVG}g")
                if g.get("class") == kind]

    nodes = Counter(titles("node"))
    edges = Counter(re.sub(r":\w", "", t) for t in titles("edge"))
    gates = sorted("".join(t.itertext()) for g in root.iter(f"{SVG}g")
                   if g.get("class") == "node" and g.find(f"{SVG}ellipse") is not None
                   for t in g.iter(f"{SVG}text"))
    return nodes, edges, gates


def _numbers(dot: str, root: ET.Element, colors: tuple[str, ...]) -> tuple[list, list]:
    in_dot = sorted((c, html.unescape(t)) for c, t in re.findall(
        r'<font color="(#[0-9a-f]{6})" point-size="\d+">(?:<[bi]>)?([^<]+)', dot) if c in colors)
    in_svg = sorted((t.get("fill"), "".join(t.itertext())) for t in root.iter(f"{SVG}text")
                    if t.get("fill") in colors)
    return in_dot, in_svg


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_readme_svg_is_what_its_command_draws(run, tmp_path, name):
    from backpropviz.render.dot import CLASSIC

    args = COMMANDS[name]
    target = tmp_path / f"{name}.dot"
    result = run(*make_docs.without_outputs(args), "-q", "-o", str(target))
    assert result.exit_code == 0, result.output
    dot = target.read_text("utf-8")
    root = ET.parse(REPO / "docs" / f"{name}.svg").getroot()
    assert _svg_structure(root) == _dot_structure(dot), HINT
    in_dot, in_svg = _numbers(dot, root, (CLASSIC.value_color, CLASSIC.grad_color))
    assert len(in_dot) >= 8 and in_svg == in_dot, HINT


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_readme_png_was_drawn_with_its_svg(name):
    """Drawn by the same command: the PNG is the SVG's size at 150 dpi (a PNG from another
    command, or from before a change of layout, has another shape)."""
    data = (REPO / "docs" / f"{name}.png").read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    assert b"pHYs" in data[:100], HINT  # (written with its dpi)
    _, _, w, h = map(float, ET.parse(REPO / "docs" / f"{name}.svg").getroot()
                     .get("viewBox", "").split())
    assert abs(width - w * 150 / 72) <= 2 and abs(height - h * 150 / 72) <= 2, HINT
