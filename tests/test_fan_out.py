"""Fan-out: an input read by three or more gates is drawn again at each use (as schematics
repeat a net's label), each copy with its value over the gradient that comes back along
that use, the first with their sum (Σ); so is an input read by the parallel gates of
several statements (the neurons of a layer); other inputs read twice keep their branches
(the fork lesson: x*x, a = x*y; b = a + x)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

import backpropviz
from backpropviz.render.dot import CLASSIC, render_dot


REPO = Path(__file__).resolve().parent.parent
MICROGRAD = (REPO / "samples" / "micrograd_readme.bp").read_text("utf-8")
# micrograd's README prints dg/da = 138.8338 and dg/db = 645.5773 at a = -4, b = 2
PUBLISHED = {"a": 138.8338, "b": 645.5773}


def copies(dot: str, leaf: int) -> dict[str, tuple[str, str]]:
    """Copy id (``0c5_1``) -> (value, gradient share) drawn on that copy's wire."""
    found = {}
    for key, label in re.findall(rf"^  w({leaf}c\d+_\d+) \[.*?label=<(.*)>\];$", dot, re.M):
        numbers = re.findall(r'point-size="\d+">(?:<[bi]>)?([^<]+)<', label)
        found[key] = (numbers[0], numbers[1])
    return found


def test_micrograd_inputs_are_drawn_at_each_use():
    graph = backpropviz.trace(MICROGRAD, a=-4, b=2)
    dot = render_dot(graph)
    for name, published in PUBLISHED.items():
        leaf = graph.variable_ids[name]
        uses = sum(node.inputs.count(leaf) for node in graph.nodes)
        drawn = copies(dot, leaf)
        assert uses >= 5 and len(drawn) == uses
        assert f"  n{leaf} [" not in dot and f"  w{leaf} [" not in dot  # no shared wire
        value = "-4.00" if name == "a" else "2.00"
        assert {v for v, _ in drawn.values()} == {value}
        # the shares add up to the published gradient (to the 2 decimals shown, per copy)
        assert sum(float(g) for _, g in drawn.values()) == pytest.approx(published,
                                                                       abs=0.005 * uses)
        sigma = re.findall(rf'^  n{leaf}c\d+_\d+ \[.*Σ </font><font [^>]*>([^<]+)<', dot, re.M)
        assert sigma == [f"{published:.2f}"]  # once, on the first copy


@pytest.mark.parametrize("program, values", [("x*x", {"x": 3}),
                                             ("a = x*y\nb = a + x\nf = a*b", {"x": 3, "y": -2})])
def test_the_fork_lesson_keeps_its_branches(program, values):
    graph = backpropviz.trace(program, values)
    dot = render_dot(graph)
    x = graph.variable_ids["x"]
    assert not copies(dot, x) and f"  n{x} [" in dot
    assert len(re.findall(rf"^  w{x}:e -> b\d+_\d+:w", dot, re.M)) == 2  # two branches


def test_fan_out_can_be_turned_off():
    graph = backpropviz.trace(MICROGRAD, a=-4, b=2)
    dot = render_dot(graph, style=replace(CLASSIC, fan_out=0))
    assert not copies(dot, graph.variable_ids["a"]) and "Σ" not in dot


@pytest.mark.needs_embedded
def test_micrograd_readme_has_no_crossing_wires(run, tmp_path):
    """The crossing count (from the SVG's curves) was 13 before."""
    from backpropviz.render import crossings as layout

    target = tmp_path / "m.svg"
    result = run("-f", str(REPO / "samples" / "micrograd_readme.bp"), "--a", "-4", "--b", "2",
                 "--engine", "embedded", "-q", "-o", str(target))
    assert result.exit_code == 0, result.output
    graph = backpropviz.trace(MICROGRAD, a=-4, b=2)
    root = ET.parse(target).getroot()
    assert len(list(layout._wires(root, graph))) > 40  # (the wires were found)
    assert layout.crossings(root, graph) == 0


MLP_221 = (REPO / "samples" / "mlp_mse.bp").read_text("utf-8")


def test_an_input_each_neuron_of_a_layer_reads_is_drawn_at_each_neuron():
    """x1 and x2 are read once by each hidden unit (h1, h2: two statements, both at the
    first rank): drawn at each use, each copy with its own share, which add up (by
    finite differences) to the Σ on the first."""
    import json

    values = json.loads((REPO / "samples" / "mlp_mse.json").read_text("utf-8"))
    graph = backpropviz.trace(MLP_221, values)
    dot = render_dot(graph, 4)
    for name in ("x1", "x2"):
        leaf = graph.variable_ids[name]
        drawn = copies(dot, leaf)
        assert len(drawn) == 2, name
        shares = [float(share) for _, share in drawn.values()]
        h = 1e-6
        up = backpropviz.trace(MLP_221, {**values, name: values[name] + h}).value
        down = backpropviz.trace(MLP_221, {**values, name: values[name] - h}).value
        assert sum(shares) == pytest.approx((up - down) / (2 * h), abs=2e-4)
        assert re.search(rf"^  n{leaf}c\d+_\d+ \[.*Σ ", dot, re.M)  # the sum, once
    assert not re.search(r"^  b\d+_\d+ ", dot, re.M)  # no branch wires across the layer


@pytest.mark.parametrize("program, values", [
    ("a = x*y; b = a + x; f = a*b", {"x": 3, "y": -2}),  # along a chain of statements
    ("x*x + y", {"x": 3, "y": 1}),                     # one gate reads it twice
    ("(x + y) * (x - y)", {"x": 3, "y": 1}),            # one statement, the same rank
])
def test_other_inputs_read_twice_keep_their_branches(program, values):
    graph = backpropviz.trace(program, values)
    dot = render_dot(graph)
    assert re.search(r"^  b\d+_\d+ ", dot, re.M)  # the fork's branches
    assert not re.search(r"^  n\d+c\d+_\d+ ", dot, re.M)  # and no copies


FORK = "a = x*y\nb = a + x\nf = a*b"


@pytest.mark.parametrize("engine", [pytest.param("dot", marks=pytest.mark.needs_dot),
                                    pytest.param("embedded", marks=pytest.mark.needs_embedded)])
def test_a_fork_is_drawn_with_no_crossing_and_the_seed_as_written(run, tmp_path, engine):
    """a = x*y; b = a + x; f = a*b: with x above y at the product (inputs as written), x's
    branch to + must cross y's wire; with the inputs where Graphviz puts them, nothing
    crosses, so the picture takes that. (x+y)*z crosses nothing as written: x stays on top."""
    from backpropviz.render.crossings import crossings
    from backpropviz.render.diagram import _source
    from backpropviz.render.engines import choose_engine

    graph = backpropviz.trace(FORK, x=2, y=-3)
    as_written = choose_engine(engine).render(_source(graph, None, CLASSIC), "svg")
    assert crossings(as_written, graph) == 1
    target = tmp_path / "f.svg"
    assert run(FORK, "--x", "2", "--y", "-3", "--engine", engine, "-q",
               "-o", str(target)).exit_code == 0
    assert crossings(target.read_bytes(), graph) == 0
    seed = tmp_path / "s.svg"
    assert run("(x+y)*z", "--x", "3", "--y", "-2", "--z", "-4", "--engine", engine, "-q",
               "-o", str(seed)).exit_code == 0
    where = {}
    for group in ET.parse(seed).getroot().iter("{http://www.w3.org/2000/svg}g"):
        title = group.findtext("{http://www.w3.org/2000/svg}title")
        text = group.find("{http://www.w3.org/2000/svg}text")
        if title in ("n0", "n1") and text is not None:
            where["".join(text.itertext())] = float(text.get("y", "0"))
    assert where["x"] < where["y"]  # (SVG's y grows downward)
