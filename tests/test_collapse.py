"""``--collapse statements``: one node per assignment, its inputs' values and gradient
shares inside it, its result on a labelled wire; the JSON keeps every gate."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import backpropviz
from backpropviz.render.collapse import iter_collapsed, statements_of
from backpropviz.render.crossings import path_points
from backpropviz.render.dot import CLASSIC

SVG = "{http://www.w3.org/2000/svg}"
FORK = "a = x*y\nb = a + x\nf = a*b"  # at x=3, y=-2 (see test_frames' fork by hand)


def panels(dot: str) -> dict[str, list[tuple[str, str, str]]]:
    """Statement text -> its (input, value, gradient share) rows, from the DOT text."""
    found = {}
    for label in re.findall(r'label=<(<table border="1".*?</table>)>', dot):
        text = re.search(r'cellpadding="\d+"><font [^>]*>([^<]*)</font>', label).group(1)
        cell = r'(?:<td width="\d+"></td>)?<td[^>]*><font [^>]*>'  # (spacers between)
        rows = re.findall(rf"<i>([^<]*)</i></font></td>{cell}([^<]*)</font></td>{cell}"
                          r"([^<]*)<", label)
        found[text] = rows
    return found


def test_statements_of_a_program():
    graph = backpropviz.trace(FORK, x=3, y=-2)
    # nodes: x 0, y 1, a = x*y 2, b = a + x 3, f = a*b 4: each gate is its own statement
    assert statements_of(graph) == [-1, -1, 2, 3, 4]
    graph = backpropviz.trace("h = tanh(w*x + c)\nf = (h - t)**2", w=0.5, x=2, c=0.1, t=1)
    gates = {n.label: n.id for n in graph.nodes if n.is_gate}
    owner = statements_of(graph)
    h, f = graph.nodes[gates["tanh"]].id, graph.output
    assert {owner[gates[g]] for g in ("*", "+", "tanh")} == {h}
    assert {owner[gates[g]] for g in ("-", "**2")} == {f}


def test_fork_program_collapsed_by_hand():
    """df/da = b + a = -9 arrives as -6 (via b) and -3 (via f); df/dx = 18 (via a) - 6
    (via b) = 12; df/dy = x * df/da = -27."""
    graph = backpropviz.trace(FORK, x=3, y=-2)
    dot = "".join(iter_collapsed(graph, None, CLASSIC))
    assert panels(dot) == {"a = x*y": [("x", "3", "18"), ("y", "-2", "-27")],
                           "b = a + x": [("x", "3", "-6")], "f = a*b": []}
    assert "shape=circle" not in dot  # no gate is drawn
    # x, read by two statements, says its gradient 18 - 6 = 12 once, after its share in
    # the first's box
    assert len(re.findall(r">18</font><font [^>]*> \(Σ </font><font [^>]*>12</font>"
                          r"<font [^>]*>\)</font>", dot)) == 1
    # a's wire: value -6, gradient -9, and a branch into each statement that reads it
    assert re.search(r"<i>a</i> = </font><font [^>]*>-6</font></td></tr><tr><td "
                     r'cellpadding="3"><font [^>]*>-9<', dot)
    branches = dict(re.findall(r'  (c\d+_2) \[.*?<font color="[^"]*" point-size="\d+">'
                               r"([^<]*)</font></td></tr></table>>\];", dot))
    assert branches == {"c3_2": "-6", "c4_2": "-3"}
    # the shares of each input add up to its gradient
    assert 18 + -6 == graph.gradients["x"] and graph.gradients["y"] == -27


def test_mlp_statement_per_neuron(run, tmp_path):
    """A 2-2-1 tanh MLP: one box per neuron (h0, h1), one for y and one for the loss."""
    program = ("h0 = tanh(w00*x0 + w01*x1 + c0)\nh1 = tanh(w10*x0 + w11*x1 + c1)\n"
               "y = v0*h0 + v1*h1 + b\nloss = (y - t)**2")
    values = ["--w00", "0.5", "--w01", "-0.3", "--w10", "0.2", "--w11", "0.8", "--c0", "0.1",
              "--c1", "-0.1", "--x0", "1", "--x1", "2", "--v0", "0.7", "--v1", "-0.4",
              "--b", "0", "--t", "1"]
    target = tmp_path / "mlp.dot"
    result = run(program, *values, "--collapse", "statements", "-q", "-o", str(target))
    assert result.exit_code == 0, result.output
    found = panels(target.read_text("utf-8"))
    assert list(found) == program.split("\n")
    assert [name for name, _, _ in found["y = v0*h0 + v1*h1 + b"]] == ["v0", "v1", "b"]
    graph = backpropviz.trace(program, w00=0.5, w01=-0.3, w10=0.2, w11=0.8, c0=0.1,
                              c1=-0.1, x0=1, x1=2, v0=0.7, v1=-0.4, b=0, t=1)
    # each weight is read by one statement: its share is its whole gradient
    shares = {name: grad for rows in found.values() for name, _, grad in rows}
    for name in ("w00", "w11", "v0", "b", "t"):
        assert float(shares[name]) == pytest.approx(graph.gradients[name], abs=0.005), name
        assert re.fullmatch(r"-?\d+\.\d\d", shares[name])


@pytest.mark.needs_embedded
def test_collapsed_svg_and_json(run, tmp_path):
    svg, collapsed, full = tmp_path / "c.svg", tmp_path / "c.json", tmp_path / "f.json"
    args = (FORK, "--x", "3", "--y", "-2", "-q")
    assert run(*args, "--collapse", "statements", "--engine", "embedded", "-o", str(svg),
               "-o", str(collapsed)).exit_code == 0
    assert run(*args, "-o", str(full)).exit_code == 0
    assert json.loads(collapsed.read_text()) == json.loads(full.read_text())  # every gate
    root = ET.parse(svg).getroot()
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert {"a = x*y", "b = a + x", "f = a*b"} <= set(texts)
    assert not list(root.iter(f"{SVG}ellipse"))


@pytest.mark.parametrize("engine", [pytest.param("dot", marks=pytest.mark.needs_dot),
                                    pytest.param("embedded", marks=pytest.mark.needs_embedded)])
def test_a_statements_box_keeps_air_around_its_text_at_any_type_size(run, tmp_path, engine):
    """On a slide the type grows up to 10x; the box's air grew not at all, so statements
    touched its border (5 points beside 50-point text)."""
    svg = tmp_path / "c.svg"
    sample = Path(__file__).resolve().parent.parent / "samples"
    for extra in ((), ("--slide",)):
        assert run("-f", str(sample / "mlp_mse.bp"), "--values", str(sample / "mlp_mse.json"),
                   "--collapse", "statements", "--engine", engine, "-q", "-o", str(svg),
                   *extra).exit_code == 0
        boxes = 0
        for group in ET.parse(svg).getroot().iter(f"{SVG}g"):
            border = group.find(f"{SVG}path")
            if group.get("class") != "node" or border is None:
                continue
            left = min(x for x, _ in path_points(border.get("d", "")))
            texts = [t for t in group.iter(f"{SVG}text") if t.get("text-anchor") == "start"]
            size = float(texts[0].get("font-size", "0"))
            assert min(float(t.get("x", "0")) for t in texts) - left >= 0.25 * size
            boxes += 1
        assert boxes == 5  # (the mlp_mse sample has five statements)


@pytest.mark.needs_embedded
def test_an_input_read_by_several_statements_says_its_gradient_once(run, tmp_path):
    """micrograd's README: a and b are read by four statements each; their gradients,
    dg/da = 138.83 and dg/db = 645.58 (micrograd's printout), the sums of the shares, are
    said once, after each one's share in the first statement that reads it (c = a + b)."""
    svg = tmp_path / "c.svg"
    sample = Path(__file__).resolve().parent.parent / "samples"
    assert run("-f", str(sample / "micrograd_readme.bp"), "--values",
               str(sample / "micrograd_readme.json"), "--collapse", "statements", "--engine",
               "embedded", "-q", "-o", str(svg)).exit_code == 0
    boxes = {}
    for group in ET.parse(svg).getroot().iter(f"{SVG}g"):
        texts = ["".join(t.itertext()).strip() for t in group.iter(f"{SVG}text")]
        if group.get("class") == "node" and texts and "=" in texts[0]:
            boxes[texts[0]] = texts
    summed = {box: [t for t in texts if "Σ" in t or t in ("138.83", "645.58")]
              for box, texts in boxes.items()}
    assert summed.pop("c = a + b") == ["(Σ", "138.83", "(Σ", "645.58"]
    assert not any(summed.values())


def test_collapse_refuses_other_words(run):
    result = run(FORK, "--x", "3", "--y", "-2", "--collapse", "gates")
    assert result.exit_code == 2 and "--collapse" in result.stderr
