"""Slide-ready output through the CLI: themes, direction, title, transparency, font and
scale read back from real SVG and PNG; names as subscripts and Greek letters in the SVG;
--expand against the published CS231n figure, sympy and plain tanh/sigmoid; --steps frames
on disk."""

from __future__ import annotations

import io
import json
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

import backpropviz
from backpropviz.render.dot import THEMES

from conftest import one_line_error
from reference import REFERENCE, SIGMOID, SIMPLE, var_args

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NUMBER = re.compile(r"-?\d+(?:\.\d\d)?")  # (whole numbers as -2 when all are whole)

SIMPLE_ARGS = (SIMPLE, *var_args(REFERENCE[SIMPLE]["values"]))  # x=-2, y=5, z=-4
# (x+y)*z by hand: values x, y, q = x+y, z, f = q*z; gradients df/dx = df/dy = df/dq = z,
# df/dz = q, df/df = 1. All whole, so written as CS231n's figure writes them: -2, not -2.00.
SIMPLE_WIRE_VALUES = Counter(["-2", "5", "3", "-4", "-12"])
SIMPLE_WIRE_GRADS = Counter(["-4", "-4", "-4", "3", "1"])
NEURON = "sigmoid(w0*x0+w1*x1+w2)"
NEURON_ARGS = (NEURON, *var_args(REFERENCE[SIGMOID]["values"]))
CS231N_GATES = ["*", "*", "+", "+", "*-1", "exp", "+1", "1/x"]
CHAIN = ("exp(log(x*2)+1)", "--x", "3")  # four gates in a row
NAMES_ARGS = ("w0*theta + sigma2*Sigma + xi*lambda_1 + x_1", "--w0", "1", "--theta", "2",
              "--sigma2", "3", "--Sigma", "4", "--xi", "5", "--lambda_1", "6", "--x_1", "7")

ENGINES = [pytest.param("dot", marks=pytest.mark.needs_dot),
           pytest.param("embedded", marks=pytest.mark.needs_embedded)]


# --- helpers ----------------------------------------------------------------------------

def svg_root(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return root


def node_texts(path: Path) -> dict[str, list[ET.Element]]:
    """The <text> elements of every node group, by the DOT node name (its <title>)."""
    found = {}
    for group in svg_root(path).iter(f"{SVG}g"):
        if group.get("class") == "node":
            found[group.findtext(f"{SVG}title")] = list(group.iter(f"{SVG}text"))
    return found


def all_texts(path: Path) -> list[ET.Element]:
    return list(svg_root(path).iter(f"{SVG}text"))


def numbers_by_fill(path: Path) -> dict[str | None, Counter]:
    """fill colour -> the numbers (n.nn) drawn in it."""
    found: dict[str | None, Counter] = {}
    for text in all_texts(path):
        if NUMBER.fullmatch(text.text or ""):
            found.setdefault(text.get("fill"), Counter())[text.text] += 1
    return found


def size_of(path: Path) -> tuple[float, float]:
    """Width and height of an SVG's viewBox."""
    _, _, width, height = map(float, svg_root(path).get("viewBox").split())
    return width, height


def rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def png_pixels(path: Path):
    from PIL import Image

    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    return Image.open(io.BytesIO(data))


def background_polygons(path: Path) -> list[ET.Element]:
    """The polygons that paint the page: direct children of the graph and cluster groups."""
    found = []
    for group in svg_root(path).iter(f"{SVG}g"):
        if group.get("class") in ("graph", "cluster"):
            found += group.findall(f"{SVG}polygon")
    return found


def dot_gate_labels(path: Path) -> list[str]:
    return re.findall(r'shape=circle, [^\]]*label="([^"]*)"', path.read_text("utf-8"))


def json_of(run, *args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- themes -----------------------------------------------------------------------------

@pytest.mark.needs_dot
@pytest.mark.parametrize("theme", sorted(THEMES))
def test_theme_renders_every_number_in_its_colours(run, tmp_path, theme):
    target = tmp_path / f"{theme}.svg"
    result = run(*SIMPLE_ARGS, "--theme", theme, "-q", "-o", str(target))
    assert result.exit_code == 0, result.output
    style = THEMES[theme]
    numbers = numbers_by_fill(target)
    assert numbers.pop(style.value_color) == SIMPLE_WIRE_VALUES
    assert numbers.pop(style.grad_color) == SIMPLE_WIRE_GRADS
    assert numbers == {}  # no number in any other colour (nothing hidden either)


@pytest.mark.needs_dot
def test_classic_values_green_above_gradients_red_below(run, tmp_path):
    target = tmp_path / "x.svg"
    assert run(*SIMPLE_ARGS, "-q", "-o", str(target)).exit_code == 0
    style = THEMES["classic"]
    red, green, blue = rgb(style.value_color)
    assert green > 2 * max(red, blue)
    red, green, blue = rgb(style.grad_color)
    assert red > 2 * max(green, blue)
    wires = 0
    for name, texts in node_texts(target).items():
        if re.fullmatch(r"w\d+", name):
            value, grad = texts  # one wire label: value, then gradient
            assert value.get("fill") == style.value_color and grad.get("fill") == style.grad_color
            assert float(value.get("y")) < float(grad.get("y"))  # above the wire (y grows down)
            wires += 1
    assert wires == 5


@pytest.mark.needs_dot
def test_dark_theme_paints_its_background(run, tmp_path):
    target = tmp_path / "x.svg"
    assert run(*SIMPLE_ARGS, "--theme", "dark", "-q", "-o", str(target)).exit_code == 0
    dark = THEMES["dark"]
    assert background_polygons(target)[0].get("fill") == dark.background
    assert sum(rgb(dark.background)) < 3 * 64 < sum(rgb(dark.wire_color))  # light on dark
    names = [t for name, texts in node_texts(target).items() if name in ("n0", "n1", "n3")
             for t in texts]
    assert [t.text for t in names] == ["x", "y", "z"]
    assert {t.get("fill") for t in names} == {dark.wire_color}


@pytest.mark.needs_dot
def test_print_theme_is_grey_and_marks_gradients_in_italics(run, tmp_path):
    target = tmp_path / "x.svg"
    assert run(*SIMPLE_ARGS, "--theme", "print", "-q", "-o", str(target)).exit_code == 0
    colors = set()
    for element in svg_root(target).iter():
        for attr in ("fill", "stroke"):
            value = element.get(attr)
            if value and value.startswith("#"):
                colors.add(value)
    assert colors
    for color in colors:
        r, g, b = rgb(color)
        assert max(r, g, b) - min(r, g, b) <= 8, color  # grey: no green, no red
    style = THEMES["print"]
    for text in all_texts(target):
        if NUMBER.fullmatch(text.text or ""):
            italic = text.get("font-style") == "italic"
            assert italic == (text.get("fill") == style.grad_color), text.text


# --- layout and type --------------------------------------------------------------------

def test_direction_tb_in_dot_text(run, tmp_path):
    target = tmp_path / "x.dot"
    assert run(*CHAIN, "--direction", "TB", "-q", "-o", str(target)).exit_code == 0
    text = target.read_text("utf-8")
    assert "rankdir=TB" in text and "rankdir=LR" not in text
    assert run(*CHAIN, "-q", "-o", str(target)).exit_code == 0
    assert "rankdir=LR" in target.read_text("utf-8")


@pytest.mark.needs_dot
def test_direction_tb_draws_a_chain_tall(run, tmp_path):
    tall, wide = tmp_path / "tb.svg", tmp_path / "lr.svg"
    assert run(*CHAIN, "--direction", "TB", "-q", "-o", str(tall)).exit_code == 0
    assert run(*CHAIN, "--direction", "LR", "-q", "-o", str(wide)).exit_code == 0
    width, height = size_of(tall)
    assert height > 2 * width
    width, height = size_of(wide)
    assert width > 2 * height


@pytest.mark.needs_dot
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("steps", [False, True])
def test_a_title_keeps_the_inputs_in_order(run, tmp_path, engine, steps):
    """x above y above z, as written, with a title too (a title cluster made dot put y
    above x); and in a captioned lesson frame."""
    def heights(*extra: str) -> list[float]:
        if steps:
            folder = tmp_path / f"steps{len(extra)}"
            assert run(*SIMPLE_ARGS, "--engine", engine, "-q", "--steps", str(folder),
                       *extra).exit_code == 0
            target = sorted(folder.glob("*.svg"))[-1]
        else:
            target = tmp_path / f"plain{len(extra)}.svg"
            assert run(*SIMPLE_ARGS, "--engine", engine, "-q", "-o", str(target),
                       *extra).exit_code == 0
        texts = node_texts(target)
        return [float(texts[node][0].get("y")) for node in ("n0", "n1", "n3")]

    plain, titled = heights(), heights("--title", "The chain rule")
    assert plain == sorted(plain)  # x (n0), y (n1), z (n3) top to bottom
    assert titled == sorted(titled)


def test_title_appears_in_the_svg(run, tmp_path):
    target = tmp_path / "x.svg"
    title = 'Backprop <by hand> & "friends"'
    assert run(*SIMPLE_ARGS, "--title", title, "-q", "-o", str(target)).exit_code == 0
    texts = all_texts(target)
    titles = [t for t in texts if t.text == title]
    assert len(titles) == 1
    assert titles[0].get("font-weight") == "bold"
    # above the diagram: a smaller y than every gate, name and number
    assert all(float(titles[0].get("y")) < float(t.get("y")) for t in texts
               if t is not titles[0])


@pytest.mark.needs_dot
def test_transparent_svg_has_no_opaque_background(run, tmp_path):
    opaque, clear = tmp_path / "o.svg", tmp_path / "t.svg"
    assert run(*SIMPLE_ARGS, "--title", "T", "-q", "-o", str(opaque)).exit_code == 0
    assert run(*SIMPLE_ARGS, "--title", "T", "--transparent", "-q",
               "-o", str(clear)).exit_code == 0
    assert background_polygons(opaque)[0].get("fill") == THEMES["classic"].background
    fills = [p.get("fill") for p in background_polygons(clear)]
    assert all(fill in ("transparent", "none") for fill in fills), fills


@pytest.mark.parametrize("engine", ENGINES)
def test_transparent_png_corners(run, tmp_path, engine):
    opaque, clear = tmp_path / "o.png", tmp_path / "t.png"
    assert run(*SIMPLE_ARGS, "--engine", engine, "-q", "-o", str(opaque)).exit_code == 0
    assert run(*SIMPLE_ARGS, "--engine", engine, "--transparent", "-q",
               "-o", str(clear)).exit_code == 0
    image = png_pixels(clear).convert("RGBA")
    width, height = image.size
    corners = [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)]
    assert all(image.getpixel(c)[3] == 0 for c in corners)
    image = png_pixels(opaque).convert("RGBA")
    # (both engines round the page to whole pixels and fill only the page: the last column
    # and row can be partly covered, e.g. alpha 211; one pixel in, the background is opaque)
    inside = [(x + (x == 0) - (x > 0), y + (y == 0) - (y > 0)) for x, y in corners]
    assert all(image.getpixel(c) == (255, 255, 255, 255) for c in inside)
    assert all(image.getpixel(c)[:3] == (255, 255, 255) for c in corners)


@pytest.mark.parametrize("engine", ENGINES)
def test_font_is_the_font_family_of_every_text(run, tmp_path, engine):
    target = tmp_path / "x.svg"
    result = run(*SIMPLE_ARGS, "--engine", engine, "--font", "DejaVu Serif", "--title", "T",
                 "-q", "-o", str(target))
    assert result.exit_code == 0, result.output
    families = {t.get("font-family") for t in all_texts(target)}
    assert families and all(f.split(",")[0] == "DejaVu Serif" for f in families), families


@pytest.mark.parametrize("engine", ENGINES)
def test_scale_2_doubles_png_pixels(run, tmp_path, engine):
    sizes = {}
    for scale in ("1", "2"):
        target = tmp_path / f"s{scale}.png"
        result = run(*SIMPLE_ARGS, "--engine", engine, "--scale", scale, "-q",
                     "-o", str(target))
        assert result.exit_code == 0, result.output
        sizes[scale] = png_pixels(target).size
    (w1, h1), (w2, h2) = sizes["1"], sizes["2"]
    assert w1 > 200 and h1 > 100
    assert abs(w2 - 2 * w1) <= 3 and abs(h2 - 2 * h1) <= 3, sizes


# --- names in the SVG -------------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_subscripts_and_greek_letters_in_svg(run, tmp_path, engine):
    target = tmp_path / "x.svg"
    result = run(*NAMES_ARGS, "--engine", engine, "-q", "-o", str(target))
    assert result.exit_code == 0, result.output
    graph = backpropviz.trace(NAMES_ARGS[0], {"w0": 1, "theta": 2, "sigma2": 3, "Sigma": 4,
                                              "xi": 5, "lambda_1": 6, "x_1": 7})
    texts = node_texts(target)
    lowered = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")

    def reading(text: ET.Element) -> list[tuple[str, bool, float]]:
        """(text, set as a subscript, points) of a text and the subscript in it: a
        ``baseline-shift`` tspan (dot), or Unicode subscript digits (the embedded engine,
        whose PNG ignores ``baseline-shift``)."""
        own = text.text or ""
        parts = [(own.translate(lowered), own.translate(lowered) != own,
                  float(text.get("font-size", "0")))]
        parts += [(span.text or "", span.get("baseline-shift") == "sub",
                   float(span.get("font-size", "0"))) for span in text.iter(f"{SVG}tspan")]
        return parts

    drawn = {name: [part for t in texts[f"n{node}"] for part in reading(t)]
             for name, node in graph.variable_ids.items()}
    assert {name: [(text, sub) for text, sub, _ in parts] for name, parts in drawn.items()} == {
        "w0": [("w", False), ("0", True)],
        "theta": [("\N{GREEK SMALL LETTER THETA}", False)],
        "sigma2": [("\N{GREEK SMALL LETTER SIGMA}", False), ("2", True)],
        "Sigma": [("\N{GREEK CAPITAL LETTER SIGMA}", False)],
        "xi": [("\N{GREEK SMALL LETTER XI}", False)],
        "lambda_1": [("\N{GREEK SMALL LETTER LAMDA}", False), ("1", True)],
        "x_1": [("x", False), ("1", True)],
    }
    if engine == "dot":  # (a Unicode subscript digit is small in itself)
        (_, _, base), (_, _, sub) = drawn["w0"]
        assert sub < base


@pytest.mark.parametrize("engine", ENGINES)
def test_plain_names_in_svg(run, tmp_path, engine):
    target = tmp_path / "x.svg"
    result = run(*NAMES_ARGS, "--engine", engine, "--plain-names", "-q", "-o", str(target))
    assert result.exit_code == 0, result.output
    texts = all_texts(target)
    words = {t.text for t in texts}
    assert {"w0", "theta", "sigma2", "Sigma", "xi", "lambda_1", "x_1"} <= words
    assert not any(t.get("baseline-shift") for t in texts)
    assert not any(0x370 <= ord(c) <= 0x3FF for t in texts for c in t.text or "")


# --- --expand ---------------------------------------------------------------------------

def test_expand_draws_the_cs231n_gates(run, tmp_path):
    target = tmp_path / "x.dot"
    assert run(*NEURON_ARGS, "--expand", "-q", "-o", str(target)).exit_code == 0
    assert dot_gate_labels(target) == CS231N_GATES
    assert [g["gate"] for g in REFERENCE[SIGMOID]["gates"]] == CS231N_GATES


def test_default_draws_sigmoid_as_one_gate(run, tmp_path):
    target = tmp_path / "x.dot"
    assert run(*NEURON_ARGS, "--plain-names", "-q", "-o", str(target)).exit_code == 0
    assert dot_gate_labels(target) == ["*", "*", "+", "+", "sigmoid"]
    assert run(*NEURON_ARGS, "-q", "-o", str(target)).exit_code == 0
    assert dot_gate_labels(target) == ["*", "*", "+", "+", "\N{GREEK SMALL LETTER SIGMA}"]


def test_expand_gradients_agree_with_the_sigmoid_gate_and_the_published_figure(run):
    reference = REFERENCE[SIGMOID]
    one = json_of(run, *NEURON_ARGS)
    expanded = json_of(run, *NEURON_ARGS, "--expand")
    assert one["gradients"].keys() == expanded["gradients"].keys() == \
        reference["gradients"].keys()
    for name, grad in reference["gradients"].items():
        assert expanded["gradients"][name] == pytest.approx(one["gradients"][name],
                                                            rel=0, abs=1e-12)
        assert expanded["gradients"][name] == pytest.approx(grad, rel=0, abs=1e-12)
    assert expanded["value"] == pytest.approx(reference["output"]["value"], rel=0, abs=1e-12)
    gates = [(n["label"], n["value"], n["grad"]) for n in expanded["nodes"]
             if n["op"] not in ("input", "const")]
    published = [(g["gate"], g["value"], g["grad"]) for g in reference["gates"]]
    assert [g[0] for g in gates] == [g[0] for g in published]
    for (_, value, grad), (label, want_value, want_grad) in zip(gates, published):
        assert value == pytest.approx(want_value, rel=0, abs=1e-12), label
        assert grad == pytest.approx(want_grad, rel=0, abs=1e-12), label


def test_expand_json_lists_the_primitive_gates(run):
    expanded = json_of(run, *NEURON_ARGS, "--expand")
    ops = [n["op"] for n in expanded["nodes"] if n["op"] not in ("input", "const")]
    assert "sigmoid" not in ops and len(ops) == 8
    assert [n["label"] for n in expanded["nodes"] if n["inputs"]] == CS231N_GATES
    one = json_of(run, *NEURON_ARGS)
    assert [n["op"] for n in one["nodes"] if n["inputs"]][-1] == "sigmoid"
    # the output is the last primitive gate, and it feeds nothing
    assert expanded["output"] == expanded["nodes"][-1]["id"]
    assert all(expanded["output"] not in n["inputs"] for n in expanded["nodes"])


@pytest.mark.parametrize("w, x, b", [(0.3, 1.3, 0.2), (-1.7, 0.4, -0.5), (2.5, -0.9, 1.1)])
def test_expanded_tanh_agrees_with_tanh_and_sympy(w, x, b):
    import sympy

    expression = "tanh(w*x+b)"
    one = backpropviz.trace(expression, w=w, x=x, b=b)
    expanded = backpropviz.trace(expression, w=w, x=x, b=b, expand=True)
    assert [n.label for n in expanded.gates] == ["*", "+", "*2", "exp", "-1", "+1", "/"]
    assert expanded.value == pytest.approx(math.tanh(w * x + b), rel=0, abs=1e-12)
    symbols = sympy.symbols("w x b")
    f = sympy.tanh(symbols[0] * symbols[1] + symbols[2])
    at = dict(zip(symbols, (w, x, b)))
    for symbol in symbols:
        exact = float(sympy.diff(f, symbol).subs(at).evalf(30))
        name = str(symbol)
        assert expanded.gradients[name] == pytest.approx(exact, rel=0, abs=1e-12), name
        assert expanded.gradients[name] == pytest.approx(one.gradients[name], rel=0,
                                                         abs=1e-12), name


def test_expanded_sigmoid_agrees_with_finite_differences():
    def f(u: float) -> float:
        return 1 / (1 + math.exp(-u))

    for u in (-3.0, -0.2, 0.0, 1.5):
        graph = backpropviz.trace("sigmoid(u)", u=u, expand=True)
        h = 1e-6
        assert graph.gradients["u"] == pytest.approx((f(u + h) - f(u - h)) / (2 * h),
                                                     rel=1e-8, abs=1e-10)


def test_expand_keeps_names_and_output():
    graph = backpropviz.trace("h = tanh(x); f = h*h", x=0.5, expand=True)
    named = [(n.label, n.name) for n in graph.nodes if n.name]
    assert named == [("x", "x"), ("/", "h"), ("*", "f")]
    t = math.tanh(0.5)
    assert graph.gradients["x"] == pytest.approx(2 * t * (1 - t * t), rel=0, abs=1e-12)


@pytest.mark.parametrize("expression, u", [("tanh(u)", 400.0), ("sigmoid(u)", -800.0)])
def test_expanded_gates_overflow_as_the_primitives_do(run, expression, u):
    """Unexpanded, the gates saturate (tanh(400) = 1, sigmoid'(-800) = 0). Expanded, exp of
    a huge argument is inf, and the primitive gates follow IEEE arithmetic from there
    (inf/inf and 0*inf are nan); as documented, the CLI names the exp gate where it starts."""
    one = backpropviz.trace(expression, u=u)
    assert math.isfinite(one.value) and math.isfinite(one.gradients["u"])
    expanded = backpropviz.trace(expression, u=u, expand=True)
    exp_node = next(n for n in expanded.gates if n.op == "exp")
    assert exp_node.value == math.inf
    assert math.isnan(expanded.value) or math.isnan(expanded.gradients["u"])
    result = run(expression, "--u", str(u), "--expand", "--json")
    assert result.exit_code == 0
    # the warning names the exp gate by its own formula (exp(2*u), exp(-u)), not the call
    formula = {"tanh(u)": "exp(2*u)", "sigmoid(u)": "exp(-u)"}[expression]
    assert f"warning: the value of node {exp_node.id} (exp: {formula}) is inf" in result.stderr


@pytest.mark.parametrize("expression, u", [("tanh(u)", 20.0), ("tanh(u)", -20.0),
                                           ("sigmoid(u)", -30.0), ("sigmoid(u)", 30.0)])
def test_expanded_gates_agree_at_large_but_finite_inputs(expression, u):
    one = backpropviz.trace(expression, u=u)
    expanded = backpropviz.trace(expression, u=u, expand=True)
    assert expanded.value == pytest.approx(one.value, abs=1e-12)
    assert expanded.gradients["u"] == pytest.approx(one.gradients["u"], abs=1e-12)


# --- --steps ----------------------------------------------------------------------------

SIMPLE_FRAMES = ["step-01-forward", "step-02-forward", "step-03-backward",
                 "step-04-backward", "step-05-backward"]


@pytest.mark.needs_dot
def test_steps_writes_svg_frames(run, tmp_path):
    folder = tmp_path / "lesson"
    result = run(*SIMPLE_ARGS, "--steps", str(folder))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [f"{n}.svg" for n in SIMPLE_FRAMES]
    assert result.stderr.splitlines()[0].startswith(f"wrote 5 frames to {folder}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson"]  # no temporary left


@pytest.mark.needs_embedded
def test_steps_writes_png_frames(run, tmp_path):
    folder = tmp_path / "lesson"
    result = run(*NEURON_ARGS, "--steps", str(folder), "--steps-format", "png",
                 "--engine", "embedded")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    # 5 gates (sigmoid is one): 5 forward frames, 6 backward
    assert names == [f"step-{k:02d}-forward.png" for k in range(1, 6)] + \
        [f"step-{k:02d}-backward.png" for k in range(6, 12)]
    assert "wrote 11 frames" in result.stderr
    first, last = (png_pixels(folder / names[i]).convert("RGB") for i in (0, -1))
    assert first.tobytes() != last.tobytes()


@pytest.mark.needs_dot
def test_step_frames_keep_every_gate_in_place(run, tmp_path):
    folder = tmp_path / "lesson"
    assert run(*NEURON_ARGS, "--steps", str(folder), "-q").exit_code == 0

    def gate_places(path: Path) -> dict[str, tuple[float, float]]:
        """Each gate's centre measured from the top left of the page."""
        root = svg_root(path)
        graph = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "graph")
        dx, dy = map(float, re.search(r"translate\(([-\d.]+) ([-\d.]+)\)",
                                      graph.get("transform")).groups())
        places = {}
        for group in root.iter(f"{SVG}g"):
            ellipse = group.find(f"{SVG}ellipse")
            if group.get("class") == "node" and ellipse is not None:
                places[group.findtext(f"{SVG}title")] = (
                    round(float(ellipse.get("cx")) + dx, 1),
                    round(float(ellipse.get("cy")) + dy, 1))
        return places

    frames = sorted(folder.iterdir())
    first = gate_places(frames[0])
    assert len(first) == 5
    for frame in frames[1:]:
        assert gate_places(frame) == first, frame.name


@pytest.mark.parametrize("fmt, engine", [
    pytest.param("svg", "dot", marks=pytest.mark.needs_dot),
    pytest.param("png", "embedded", marks=pytest.mark.needs_embedded)])
def test_step_frames_have_one_size(run, tmp_path, fmt, engine):
    """Slides show each frame in the same place: a frame that is taller (a caption of more
    lines) is scaled differently and the diagram jumps between slides."""
    folder = tmp_path / "lesson"
    result = run(*NEURON_ARGS, "--steps", str(folder), "--steps-format", fmt,
                 "--engine", engine, "-q")
    assert result.exit_code == 0, result.output
    frames = sorted(folder.iterdir())
    assert len(frames) == 11
    if fmt == "png":
        sizes = {f.name: png_pixels(f).size for f in frames}
    else:
        sizes = {f.name: size_of(f) for f in frames}
    assert len(set(sizes.values())) == 1, sizes


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("theme", ["classic", "dark"])
def test_step_svgs_hide_what_is_not_known_yet(run, tmp_path, engine, theme):
    """Hidden numbers keep their place but must not be painted: in the dark theme a
    near-white fill would show them before their step."""
    folder = tmp_path / "lesson"
    result = run(*SIMPLE_ARGS, "--steps", str(folder), "--engine", engine, "--theme", theme,
                 "-q")
    assert result.exit_code == 0, result.output
    style = THEMES[theme]

    def painted(name: str) -> dict[str, Counter]:
        found: dict[str, Counter] = {}
        for text in all_texts(folder / name):
            if NUMBER.fullmatch(text.text or ""):
                fill = text.get("fill")
                if fill in ("transparent", "none") or text.get("fill-opacity") == "0":
                    fill = "hidden"
                found.setdefault(fill, Counter())[text.text] += 1
        return found

    first = painted("step-01-forward.svg")
    assert first == {style.value_color: Counter(["-2", "5", "3", "-4"]),
                     "hidden": SIMPLE_WIRE_GRADS + Counter(["-12"])}
    captions = [t.text for t in all_texts(folder / "step-01-forward.svg")]
    assert "q₁ = x + y = -2 + 5 = 3" in captions
    assert painted("step-03-backward.svg") == {
        style.value_color: SIMPLE_WIRE_VALUES, style.grad_color: Counter(["1"]),
        "hidden": SIMPLE_WIRE_GRADS - Counter(["1"])}
    assert painted("step-05-backward.svg") == {style.value_color: SIMPLE_WIRE_VALUES,
                                                style.grad_color: SIMPLE_WIRE_GRADS}


@pytest.mark.needs_dot
def test_steps_into_existing_folder_replaces_stale_frames_only(run, tmp_path):
    folder = tmp_path / "lesson"
    assert run(*NEURON_ARGS, "--steps", str(folder), "-q").exit_code == 0
    assert len(list(folder.iterdir())) == 11
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    (folder / "step-by-step.svg").write_text("<svg/>", encoding="utf-8")
    result = run(*SIMPLE_ARGS, "--steps", str(folder), "-q")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{n}.svg" for n in SIMPLE_FRAMES] + ["notes.txt", "step-by-step.svg"])
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"
    captions = [t.text for t in all_texts(folder / "step-01-forward.svg")]
    assert "q₁ = x + y = -2 + 5 = 3" in captions  # the new lesson's frame


@pytest.mark.needs_dot
def test_steps_into_a_file_is_refused(run, tmp_path):
    target = tmp_path / "lesson"
    target.write_text("not a folder", encoding="utf-8")
    result = run(*SIMPLE_ARGS, "--steps", str(target), "-q")
    assert result.exit_code == 2
    line = one_line_error(result.stderr)
    assert str(target) in line and "file" in line
    assert target.read_text(encoding="utf-8") == "not a folder"
    assert [p.name for p in tmp_path.iterdir()] == ["lesson"]


@pytest.mark.needs_dot
def test_steps_with_missing_parent_is_refused(run, tmp_path):
    target = tmp_path / "missing" / "lesson"
    result = run(*SIMPLE_ARGS, "--steps", str(target), "-q")
    assert result.exit_code == 2
    line = one_line_error(result.stderr)
    assert "does not exist" in line and str(tmp_path / "missing") in line
    assert list(tmp_path.iterdir()) == []


# --- lessons through the command: .html and .gif -------------------------------------------

@pytest.mark.needs_embedded
def test_gif_lesson_has_one_frame_per_step(run, tmp_path):
    from PIL import Image

    target = tmp_path / "backprop.gif"
    result = run(SIGMOID, *var_args(REFERENCE[SIGMOID]["values"]), "-o", str(target),
                 "--frame-ms", "800", "--engine", "embedded")
    assert result.exit_code == 0, result.output
    assert f"wrote {target} (embedded graphviz-pure)" in result.stderr
    with Image.open(target) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == 2 * 8 + 1  # 8 gates forward, the output and 8 gates back
        durations = []
        for k in range(gif.n_frames):
            gif.seek(k)
            durations.append(gif.info["duration"])
    assert durations == [800] * 16 + [1600]  # the last frame is held twice as long


@pytest.mark.needs_embedded
def test_html_lesson_holds_every_frame_and_caption(run, tmp_path):
    from html.parser import HTMLParser

    target = tmp_path / "lesson.html"
    values = REFERENCE[SIMPLE]["values"]
    result = run(SIMPLE, *var_args(values), "-o", str(target), "--engine", "embedded",
                 "--theme", "dark")
    assert result.exit_code == 0, result.output
    page = target.read_text("utf-8")

    class Collect(HTMLParser):
        def __init__(self):
            super().__init__()
            self.svgs, self.steps, self.external = 0, 0, []

        def handle_starttag(self, tag, attrs):
            self.svgs += tag == "svg"
            self.steps += tag == "section" and "frame" in (dict(attrs).get("class") or "")
            for name, value in attrs:
                if name in ("src", "href") and value and not value.startswith("#"):
                    self.external.append(value)

    parser = Collect()
    parser.feed(page)
    gates = len(backpropviz.trace(SIMPLE, values).gates)
    assert parser.steps == 2 * gates + 1 and parser.svgs == 1 and parser.external == []
    assert "Step 1 of 5" in page and "backward pass" in page
    assert "#0d1117" in page  # the dark theme's background
    assert "∂f/∂f = 1  (start at the output)" in page


@pytest.mark.needs_embedded
def test_jupyter_displays_the_traced_graph_as_its_diagram():
    graph = backpropviz.trace(SIMPLE, REFERENCE[SIMPLE]["values"])
    svg = graph._repr_svg_()
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "-12" in texts and "3" in texts  # f and ∂f/∂z of the published figure (whole)


def test_the_command_knows_every_theme():
    from backpropviz.cli import THEME_NAMES

    assert THEME_NAMES == tuple(THEMES)


def test_theme_and_direction_ignore_case(run, tmp_path):
    target = tmp_path / "x.dot"
    result = run(SIMPLE, *var_args(REFERENCE[SIMPLE]["values"]), "-o", str(target),
                 "--direction", "tb", "--theme", "DARK")
    assert result.exit_code == 0, result.output
    dot = target.read_text("utf-8")
    assert "rankdir=TB" in dot and f'bgcolor="{THEMES["dark"].background}"' in dot


@pytest.mark.parametrize("args, message", [
    (["--scale", "nan", "-o", "x.png"], "Invalid value for '--scale': 'nan' is not a number"),
    (["--scale", "9", "-o", "x.png"], "Invalid value for '--scale'"),
    (["--steps", ""], "--steps needs a folder name"),
    (["--steps", " "], "--steps needs a folder name"),
])
def test_bad_slide_options_are_one_line_errors(run, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = run(SIMPLE, *var_args(REFERENCE[SIMPLE]["values"]), *args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # nothing written
