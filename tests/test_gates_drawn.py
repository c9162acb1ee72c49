"""How gates and wires are drawn, read back from the SVG each engine writes: circles of one
size whatever their label, wires as thick as the rule between value and gradient, and the
operand roles of -, / and ** marked on the second input's wire."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reference import REFERENCE, SIGMOID, var_args

SVG = "{http://www.w3.org/2000/svg}"
ENGINES = [pytest.param("dot", marks=pytest.mark.needs_dot),
           pytest.param("embedded", marks=pytest.mark.needs_embedded)]


def draw(run, tmp_path: Path, engine: str, *args: str) -> ET.Element:
    target = tmp_path / "d.svg"
    result = run(*args, "--engine", engine, "-q", "-o", str(target))
    assert result.exit_code == 0, result.output
    return ET.parse(target).getroot()


def groups(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == kind]


def title(group: ET.Element) -> str:
    found = group.find(f"{SVG}title")
    return "" if found is None else (found.text or "")


@pytest.mark.parametrize("engine", ENGINES)
def test_every_gate_circle_has_the_same_size(run, tmp_path, engine):
    """The sigmoid figure's gates are labelled *, +, *-1, exp, +1, 1/x: one radius for all
    (it was 19.6 to 30.3 pt with dot)."""
    ex = REFERENCE[SIGMOID]
    root = draw(run, tmp_path, engine, SIGMOID, *var_args(ex["values"]))
    radii = [(float(e.get("rx")), float(e.get("ry"))) for e in root.iter(f"{SVG}ellipse")]
    assert len(radii) == 8
    assert max(r for pair in radii for r in pair) - min(r for pair in radii for r in pair) < 0.01
    # big enough for its widest label, "exp" at 20 pt: about 37 pt wide and 20 pt high
    assert radii[0][0] > (37 ** 2 + 20 ** 2) ** 0.5 / 2


@pytest.mark.parametrize("engine", ENGINES)
def test_wires_are_as_thick_as_the_rule_they_continue(run, tmp_path, engine):
    """A labelled wire is drawn as edge, rule (in the label), edge: all of one width."""
    root = draw(run, tmp_path, engine, "(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4")
    widths = {float(p.get("stroke-width") or 1) for g in groups(root, "edge")
              for p in g.iter(f"{SVG}path")}
    assert widths == {1.0}
    rules = [p for g in groups(root, "node") for tag in ("polyline", "path", "polygon")
             for p in g.iter(f"{SVG}{tag}") if p.get("stroke") not in (None, "transparent")
             and p.get("fill") in (None, "none")]
    assert rules and {float(p.get("stroke-width") or 1) for p in rules} == {1.0}


def _marks(root: ET.Element) -> dict[str, list[str]]:
    """Edge title (``a->n3``) -> the texts drawn on that edge."""
    return {title(g): ["".join(t.itertext()) for t in g.iter(f"{SVG}text")]
            for g in groups(root, "edge")}


@pytest.mark.parametrize("engine", ENGINES)
def test_operand_roles_are_marked_on_the_second_input(run, tmp_path, engine):
    """(a-b)/(c**d): the wire of b carries −, the divisor's ÷, the exponent's ^; the first
    operands and the commutative gates' wires carry nothing."""
    root = draw(run, tmp_path, engine, "(a-b)/(c**d) + a*c", "--a", "3", "--b", "1",
                "--c", "2", "--d", "3")
    # node ids in evaluation order: a 0, b 1, a-b 2, c 3, d 4, c**d 5, / 6, a*c 7, + 8
    marks = {re.sub(r":\w+", "", edge): texts for edge, texts in _marks(root).items() if texts}
    assert marks == {"w1->n2": ["−"], "w4->n5": ["^"], "w5->n6": ["÷"]}
    # a forked operand's mark is on its branch, where it enters the gate: x*y - y
    root = draw(run, tmp_path, engine, "x*y - y", "--x", "3", "--y", "2")
    marks = {re.sub(r":\w+", "", edge): texts for edge, texts in _marks(root).items() if texts}
    assert marks == {"b3_1->n3": ["−"]}  # x 0, y 1, x*y 2, x*y - y 3


@pytest.mark.needs_dot
def test_mark_sits_below_the_wire_it_names(run, tmp_path):
    """In the left-to-right layout the mark is under its wire's end, outside the pair of
    wires, so it is not read as part of the other operand's label."""
    root = draw(run, tmp_path, "dot", "x/y", "--x", "3", "--y", "2")
    (edge,) = [g for g in groups(root, "edge") if g.find(f"{SVG}text") is not None]
    path = edge.find(f"{SVG}path")
    assert path is not None
    end_y = float(re.findall(r"[-\d.]+", path.get("d") or "")[-1])
    text = edge.find(f"{SVG}text")
    assert text is not None and "".join(text.itertext()) == "÷"
    assert float(text.get("y") or 0) > end_y


@pytest.mark.parametrize("engine", ENGINES)
def test_top_to_bottom_wires_run_through_the_rule_clear_of_the_numbers(run, tmp_path, engine):
    """--direction TB: value | gradient side by side. The rule between them lines up with
    the wire that enters and leaves the label (it was up to 36 pt off) and runs from where
    the wire into it ends to where the wires out start (a point short at labels lower than
    their row, beside a name), and the gradient starts at least 5 pt right of it (numbers
    touched the wire, about 2 px)."""
    root = draw(run, tmp_path, engine, "a = x*y\nb = a + x\nf = a*b", "--x", "3", "--y", "-2",
                "--direction", "TB")
    ends: dict[str, list[float]] = {}
    tops: dict[str, float] = {}  # (y where the wire into a label ends)
    bottoms: dict[str, list[float]] = {}  # (y where the wires out of it start)
    for edge in groups(root, "edge"):
        path = edge.find(f"{SVG}path")
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d") or "")]
        tail, head = re.sub(r":\w+", "", title(edge)).split("->")
        ends.setdefault(tail, []).append(numbers[0])  # x where the wire leaves
        ends.setdefault(head, []).append(numbers[-2])  # x where it arrives
        tops[head] = numbers[-1]
        bottoms.setdefault(tail, []).append(numbers[1])
    checked = 0
    for node in groups(root, "node"):
        name = title(node)
        rules = [p for p in node.iter() if p.tag in (f"{SVG}polyline", f"{SVG}path",
                                                      f"{SVG}polygon")
                 and p.get("stroke") not in (None, "transparent", "none")]
        if not name.startswith("w") or not rules:
            continue
        numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", rules[0].get("points") or
                                                rules[0].get("d") or "")]
        xs, ys = numbers[0::2], numbers[1::2]
        assert max(xs) - min(xs) < 0.01  # a vertical rule
        assert -1 <= min(ys) - tops[name] <= 0.55, (name, min(ys), tops[name])
        assert all(-1 <= y - max(ys) <= 0.55 for y in bottoms[name]), (name, max(ys))
        assert all(abs(x - xs[0]) <= 1.5 for x in ends.get(name, [])), name
        right = [float(t.get("x") or 0) for t in node.iter(f"{SVG}text")
                 if t.get("text-anchor") == "start" and float(t.get("x") or 0) > xs[0]]
        assert right and min(right) - xs[0] >= 5, name
        checked += 1
    assert checked >= 4


SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FORK = "a = x*y\nb = a + x\nf = a*b"
#: A wire label's node: a value's (w3), an input drawn at one use (w0c4_1), a fork branch's
#: (b4_1), a collapsed statement's branch (c4_2).
LABEL = re.compile(r"w\d+(c\d+_\d+)?|[bc]\d+_\d+")


def rule_of(group: ET.Element, down: bool = False) -> tuple[float, float, float, float] | None:
    """A wire label's rule as drawn (where it starts and ends along the wire, its middle
    across it, its thickness): a stroked line or a thin filled bar along the wire, level
    (``down``: upright, its pieces, one a row, joined)."""
    pieces = []
    for shape in group:
        tag = shape.tag.removeprefix(SVG)
        points = [tuple(map(float, pair.split(","))) for pair in
                  (shape.get("points") or "").split()] if tag in ("polyline", "polygon") else []
        if not points:
            continue
        along = [point[down] for point in points]
        across = [point[not down] for point in points]
        if tag == "polyline" and max(across) - min(across) < 0.01:
            pieces.append((min(along), max(along), across[0], float(shape.get("stroke-width")
                                                                     or 1)))
        elif (tag == "polygon" and shape.get("fill") not in (None, "none", "transparent")
                and max(across) - min(across) < max(along) - min(along)):
            pieces.append((min(along), max(along), (min(across) + max(across)) / 2,
                           max(across) - min(across)))
    if not pieces:
        return None
    assert all(abs(piece[2] - pieces[0][2]) < 0.01 for piece in pieces), pieces  # (one line)
    return min(p[0] for p in pieces), max(p[1] for p in pieces), pieces[0][2], pieces[0][3]


def seams(root: ET.Element, down: bool = False) -> list[tuple[str, float, float, float, float]]:
    """Where each wire meets a label's rule: (edge, gap along the wire (negative: they
    overlap), how far the wire's end is beside the rule's middle (above or below it;
    ``down``, drawn top to bottom: left or right of it), the wire's and the rule's
    thickness)."""
    rules = {title(g): rule for g in groups(root, "node")
             if LABEL.fullmatch(title(g)) and (rule := rule_of(g, down)) is not None}
    found = []
    for group in groups(root, "edge"):
        tail, head = (end.split(":")[0] for end in title(group).split("->"))
        path = group.find(f"{SVG}path")
        assert path is not None
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
        first, last = numbers[:2], numbers[-2:]
        if down:
            first, last = first[::-1], last[::-1]
        width = float(path.get("stroke-width") or 1)
        if head in rules:  # the wire into a label ends where its rule starts (or on it)
            start, _, middle, thick = rules[head]
            found.append((title(group), start - last[0], last[1] - middle, width, thick))
        if tail in rules:  # and the wire out starts where it ends
            _, end, middle, thick = rules[tail]
            found.append((title(group), first[0] - end, first[1] - middle, width, thick))
    assert len(found) >= 2 * len(rules) >= 4
    return found


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("program", [
    ("(x+y)*z", "--x", "3", "--y", "-2", "--z", "-4"),
    (SIGMOID, *var_args(REFERENCE[SIGMOID]["values"])),
    (FORK, "--x", "2", "--y", "-3"),
    (FORK, "--x", "2", "--y", "-3", "--collapse", "statements"),
    ("tanh(x1*w1 + x2*w2 + b)", "--x1", "2", "--x2", "0", "--w1", "-3", "--w2", "1",
     "--b", "6.88"),
    ("exp(exp(exp(exp(x*y))))*y", "--x", "0.5", "--y", "0.2", "--slide", "4:3"),
    ("exp(exp(exp(exp(x*y))))*y", "--x", "0.5", "--y", "0.2", "--slide", "16:9"),
    ("-f", str(SAMPLES / "linear_layer.bp"), "--values", str(SAMPLES / "linear_layer.json")),
    ("-f", str(SAMPLES / "linear_layer.bp"), "--values", str(SAMPLES / "linear_layer.json"),
     "--slide", "16:9"),
    ("h1 = tanh(w1*x1 + b1)\nh2 = tanh(w2*h1 + b2)\nL = (h2 - 1)**2", "--w1", "0.5",
     "--x1", "2", "--b1", "-0.3", "--w2", "-1.2", "--b2", "0.4", "--slide", "16:9"),
    (" + ".join(["x+y"] * 100), "--x", "1", "--y", "2")],
    ids=["seed", "sigmoid", "fork", "collapsed", "neuron", "line2", "line5", "arrays",
         "arrays-slide", "names-slide", "big"])
def test_each_wire_runs_unbroken_through_its_label(run, tmp_path, engine, program):
    """Left to right, a wire is the edge into its label, the label's rule, the edge out:
    they meet with no gap (up to half a point; overlapping by at most the line's width),
    at one height (the rule's middle at most half a point off the wire), of one thickness,
    at every line width and for an array's grid too. There were gaps of half the line's
    width (a thick rule was a cell border, drawn inset), a point at labels narrower than
    their rank, and an array's wires met its grid's middle, 11 points off its rule. With
    dot, no gap at all: a rank of odd width left half a point (dot centres such a label
    half a point off). A wire's name with a digit subscript (h₁) made the embedded
    engine's value line taller than the gradient's: rules 3-14 points off on slides. A
    graph of over 200 nodes was laid out once only, and its rules were a point short."""
    root = draw(run, tmp_path, engine, *program)
    for edge, gap, off, width, thick in seams(root):
        assert -width - 0.05 <= gap <= 0.55, (edge, gap, width)
        if engine == "dot":  # (dot centred a label of odd width half a point off: an
            assert abs(gap) <= 0.05, (edge, gap)  # array's met one wire half a point short)
        assert abs(off) <= 0.55, (edge, off)
        assert abs(thick - width) < 0.01, (edge, thick, width)
    if "--slide" in program:  # (the type was made bigger, and the lines with it)
        assert min(width for *_, width, _ in seams(root)) >= 2


VALUE, GRAD = "#1a7f37", "#cf222e"  # (the classic theme's colours)
ARRAYS = {name: ("-f", str(SAMPLES / f"{name}.bp"), "--values", str(SAMPLES / f"{name}.json"))
          for name in ("linear_layer", "attention", "mlp_batch")}


def text_rows(group: ET.Element, colour: str) -> list[float]:
    """The heights (y of the baselines) of a label's lines of text in ``colour``."""
    return sorted({round(float(text.get("y") or 0), 2) for text in group.iter(f"{SVG}text")
                   if text.get("fill") == colour and (text.text or "").strip()})


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("sample", sorted(ARRAYS))
@pytest.mark.parametrize("slide", [False, True], ids=["default", "slide"])
def test_top_to_bottom_array_labels_are_level_and_on_their_wire(run, tmp_path, engine,
                                                                 sample, slide):
    """--direction TB, a wire carrying an array: the gradient's grid beside the value's,
    row i of one level with row i of the other (the array's name and shape headed the
    value's grid only, which stood a line lower), and every wire meets its label's rule:
    on its middle within half a point (rules were 7 to 42 points off it where a half was
    wider than render.dot reckoned, or the gradient's clearance grew with the type) and
    without a gap or an overlap of more than the line's width."""
    root = draw(run, tmp_path, engine, *ARRAYS[sample], "--direction", "TB",
                *(["--slide"] if slide else []))
    tall = 0  # (grids of several rows: W's 3x4 in the linear layer)
    for group in groups(root, "node"):
        values, grads = text_rows(group, VALUE), text_rows(group, GRAD)
        if not LABEL.fullmatch(title(group)) or not values or not grads:
            continue
        assert len(values) == len(grads), (title(group), values, grads)
        for value_y, grad_y in zip(values, grads):
            assert abs(value_y - grad_y) <= 0.5, (title(group), values, grads)
        tall += len(values) > 1
    assert tall >= 1
    for edge, gap, off, width, thick in seams(root, down=True):
        assert abs(off) <= 0.55, (edge, off)
        # (a thick rule's port: dot and the embedded engine end the wire a point out)
        assert -width - 0.05 <= gap <= (0.55 if width == 1 else 1.05), (edge, gap, width)
        assert abs(thick - width) < 0.01, (edge, thick, width)
