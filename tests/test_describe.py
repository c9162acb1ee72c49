"""Diagrams described in words: every SVG has role="img", a <title> and a <desc> with the
expression, the inputs, the output's value and each input's gradient (read back by an XML
parser and checked against hand-computed numbers); each lesson frame's desc has its
caption."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from backpropviz import trace
from backpropviz.render.describe import MAX_LISTED, describe, with_description
from backpropviz.render.dot import CLASSIC, View

SVG = "{http://www.w3.org/2000/svg}"
ENGINES = [pytest.param("dot", marks=pytest.mark.needs_dot),
           pytest.param("embedded", marks=pytest.mark.needs_embedded)]
SEED = ("(x+y)*z", "--x", "3", "--y", "-2", "--z", "-4")


def words(path) -> tuple[ET.Element, str, str]:
    root = ET.parse(path).getroot()
    children = list(root)
    assert [c.tag for c in children[:2]] == [f"{SVG}title", f"{SVG}desc"]
    return root, children[0].text or "", children[1].text or ""


@pytest.mark.parametrize("engine", ENGINES)
def test_a_diagram_says_what_it_shows(run, tmp_path, engine):
    target = tmp_path / "seed.svg"
    assert run(*SEED, "--engine", engine, "-q", "-o", str(target)).exit_code == 0
    root, title, desc = words(target)
    assert root.get("role") == "img"
    assert title == "Backpropagation through (x+y)*z"
    # by hand: f = (3 + -2) * -4 = -4; df/dx = df/dy = z = -4; df/dz = x + y = 1
    # (all whole, written as the picture writes them)
    assert desc == ("Computation graph of (x+y)*z at x = 3, y = -2, z = -4. Forward "
                    "pass: f = -4. Reverse pass, the gradients: ∂f/∂x = -4, "
                    "∂f/∂y = -4, ∂f/∂z = 1.")


@pytest.mark.needs_embedded
def test_the_title_option_and_markup_in_it(run, tmp_path):
    target = tmp_path / "t.svg"
    title = 'Chain rule <b> & "q"'
    assert run(*SEED, "--engine", "embedded", "--title", title, "-q", "-o",
               str(target)).exit_code == 0
    _, said, _ = words(target)
    assert said == title  # escaped in the file, the same text once parsed


@pytest.mark.needs_embedded
def test_each_lesson_frame_describes_its_step(run, tmp_path):
    folder = tmp_path / "steps"
    assert run(*SEED, "--engine", "embedded", "-q", "--steps", str(folder)).exit_code == 0
    frames = sorted(folder.glob("*.svg"))
    assert len(frames) >= 5
    for frame in frames:
        _, _, desc = words(frame)
        assert desc.startswith("Computation graph of (x+y)*z, one step of its backpropagation lesson")
        assert "This step: " in desc
    # by hand: z's gradient is q = x + y = 1, x's is z = -4; lines end in ';', no padding
    step_4, step_5 = words(frames[3])[2], words(frames[4])[2]
    assert "∂f/∂z = ∂f/∂f · ∂f/∂z = 1 · q₁ = 1 · 1 = 1;" in step_4  # (whole, as the wires)
    assert step_4.endswith("where q₁ = x+y.")
    assert "∂f/∂x = ∂f/∂q₁ · ∂q₁/∂x = -4 · 1 = -4;" in step_5
    assert "  " not in step_5


def test_a_big_graph_lists_twenty_inputs_and_counts_the_rest():
    text = " + ".join(f"a{i}*b{i}" for i in range(15))
    graph = trace(text, {**{f"a{i}": i for i in range(15)}, **{f"b{i}": 1 for i in range(15)}})
    _, desc = describe(graph, 2, CLASSIC)
    assert desc.count("∂f/∂") == MAX_LISTED
    assert desc.count("(and 10 more inputs)") == 2
    # f = sum of i for i < 15 = 105
    assert "f = 105.00" in desc


def test_a_frame_without_a_caption_and_markup_in_the_expression_is_escaped():
    graph = trace("x*2", x=1)
    title, desc = describe(graph, 2, CLASSIC, View(frozenset(), frozenset(), frozenset()))
    svg = with_description(b'<svg a="1"><g/></svg>', "<x> & y", desc)
    root = ET.fromstring(svg)
    assert root.findtext("title") == "<x> & y"
    assert root.findtext("desc") == "Computation graph of x*2, one step of its backpropagation lesson."


@pytest.mark.needs_embedded
def test_in_chinese_the_diagram_and_its_frames_are_described_in_chinese(run, tmp_path):
    target, folder = tmp_path / "seed.svg", tmp_path / "steps"
    assert run(*SEED, "--engine", "embedded", "-q", "--lang", "zh", "-o", str(target),
               "--steps", str(folder)).exit_code == 0
    _, title, desc = words(target)
    assert title == "(x+y)*z 的反向传播"
    # the same numbers as in English (by hand above), in Chinese sentences
    assert desc == ("(x+y)*z 的计算图，输入 x = 3，y = -2，z = -4。前向传播：f = -4。"
                    "反向传播求出的梯度：∂f/∂x = -4，∂f/∂y = -4，∂f/∂z = 1。")
    step = words(sorted(folder.glob("*.svg"))[3])[2]
    assert step.startswith("(x+y)*z 的计算图，反向传播分步演示中的一步。这一步：")
    assert "∂f/∂z = ∂f/∂f · ∂f/∂z = 1 · q₁ = 1 · 1 = 1" in step
