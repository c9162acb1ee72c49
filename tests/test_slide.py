"""``--slide``: the diagram fills a 1920x1080 (or 1440x1080) slide inside a margin, and says
when its text would be too small there."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from backpropviz.choices import SLIDE_MARGIN_PX, SLIDE_TEXT_PX
from backpropviz.render.crossings import path_points
from backpropviz.render.dot import CLASSIC
from reference import REFERENCE, SIGMOID, var_args

SVG = "{http://www.w3.org/2000/svg}"
ENGINES = [pytest.param("dot", marks=pytest.mark.needs_dot),
           pytest.param("embedded", marks=pytest.mark.needs_embedded)]
NEURON = (SIGMOID, *var_args(REFERENCE[SIGMOID]["values"]))
CHAIN = ("v = x\n" + "v = tanh(v*w + b)\n" * 12, "--x", "0.5", "--w", "0.9", "--b", "-0.1")


def png_header(path: Path) -> tuple[int, int, float]:
    """Width, height and dpi (from pHYs) of a PNG, read by hand."""
    data = path.read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    at = data.index(b"pHYs")
    per_metre = struct.unpack(">I", data[at + 4:at + 8])[0]
    return width, height, per_metre * 0.0254


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("shape, size", [("16:9", (1920, 1080)), ("4:3", (1440, 1080))])
def test_png_is_the_slide(run, tmp_path, engine, shape, size):
    target = tmp_path / "s.png"
    result = run(*NEURON, "--slide", shape, "--engine", engine, "-o", str(target))
    assert result.exit_code == 0, result.output
    width, height, dpi = png_header(target)
    assert (width, height) == size
    # the sigmoid figure is wide: it spans the slide's width less the margins; its type is
    # made bigger until its smallest text (w's subscript) is 24 px there
    svg = tmp_path / "s.svg"
    assert run(*NEURON, "--slide", shape, "--engine", engine, "-q", "-o", str(svg)).exit_code == 0
    root = ET.parse(svg).getroot()
    px = size[0] / float(root.get("viewBox", "").split()[2])
    smallest = min(float(t.get("font-size", "0")) for t in root.iter(f"{SVG}text")
                   if "".join(t.itertext()).strip())
    # it pastes slide-wide: 1920 (1440) px across a 13.33 (10) inch slide is 144 dpi,
    # whatever resolution it was drawn at (with 10x type, 10 dpi: 190 inches wide)
    assert dpi == pytest.approx(144, abs=0.01)
    assert size[0] / dpi == pytest.approx(13.333 if shape == "16:9" else 10, abs=0.01)
    assert smallest * px >= SLIDE_TEXT_PX and "note:" not in result.stderr
    # (16:9: in one row with bigger type; 4:3 may need rows joined by connectors k1a-k1b...)
    wrapped = "k1a" in {t.text for t in root.iter(f"{SVG}title")}
    assert not wrapped or shape == "4:3"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("program", [("(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4"),
                                     ("x*x", "--x", "3")])
def test_a_small_picture_drawn_large_is_the_slide_to_the_pixel(run, tmp_path, engine, program):
    """Drawn at a high resolution the embedded engine's PNG came out a pixel or two off
    its SVG's size (1920x1082, 1919x1080): slide apps then scale or crop it."""
    target = tmp_path / "s.png"
    for shape, size in (("16:9", (1920, 1080)), ("4:3", (1440, 1080))):
        assert run(*program, "--slide", shape, "--engine", engine, "-q",
                   "-o", str(target)).exit_code == 0
        assert png_header(target) == (*size, pytest.approx(144, abs=0.01))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_default_png_drawn_with_bigger_type_pastes_at_its_styles_size(run, tmp_path,
                                                                        engine):
    """A picture made readable (type grown k times, drawn at about 150/k dpi) says the
    dpi at which its text prints at the style's size: 150 dpi for its unscaled layout, as
    a picture not made bigger does (it said 38 dpi: 95 inches wide)."""
    png, svg = tmp_path / "c.png", tmp_path / "c.svg"
    for target in (png, svg):
        assert run(*CHAIN, "--engine", engine, "-q", "-o", str(target)).exit_code == 0
    width, _, dpi = png_header(png)
    root = ET.parse(svg).getroot()
    numbers = [float(t.get("font-size", "0")) for t in root.iter(f"{SVG}text")
               if t.get("fill") == CLASSIC.value_color]
    grown = max(numbers) / CLASSIC.number_size  # (the numbers' size in the picture)
    assert grown > 1.5  # (the 12-step chain is made readable with bigger type)
    px_per_point = width / float(root.get("viewBox", "").split()[2])
    assert dpi == pytest.approx(72 * px_per_point * grown, rel=0.02)
    assert 100 <= dpi <= 300  # (a 12-step chain: about 150)


@pytest.mark.parametrize("engine", ENGINES)
def test_svg_is_the_slide_with_the_drawing_centred_inside_the_margin(run, tmp_path, engine):
    target = tmp_path / "s.svg"
    result = run(*NEURON, "--slide", "--engine", engine, "-q", "-o", str(target))
    assert result.exit_code == 0, result.output
    root = ET.parse(target).getroot()
    assert (root.get("width"), root.get("height")) == ("1920px", "1080px")
    x0, y0, width, height = map(float, root.get("viewBox", "").split())
    assert width / height == pytest.approx(1920 / 1080, rel=1e-3)
    px = 1920 / width  # pixels a user unit
    drawing = [g for g in root.iter(f"{SVG}g") if g.get("class") == "graph"][0]
    points = [tuple(map(float, p.split(","))) for p in
              drawing.find(f"{SVG}polygon").get("points", "").split()]
    # Graphviz's own page, translated: its corners in the viewBox's units
    dx, dy = map(float, drawing.get("transform", "").split("translate(")[1].rstrip(")").split())
    xs = [x + dx for x, _ in points]
    ys = [y + dy for _, y in points]
    left, right = (min(xs) - x0) * px, (x0 + width - max(xs)) * px
    top, bottom = (min(ys) - y0) * px, (y0 + height - max(ys)) * px
    assert min(left, right, top, bottom) >= SLIDE_MARGIN_PX - 5  # (Graphviz's 4 pt pad)
    assert abs(left - right) < 2 and abs(top - bottom) < 2  # centred
    assert min(left, right) < SLIDE_MARGIN_PX + 10 or min(top, bottom) < SLIDE_MARGIN_PX + 10
    # the slide's margin has the theme's background too
    rect = root.find(f"{SVG}rect")
    assert rect is not None and rect.get("fill") == "#ffffff"


@pytest.mark.needs_embedded
def test_a_note_when_the_text_is_too_small_on_the_slide(run, tmp_path):
    """A sum of 60 products (120 inputs) stays under 24 px on a slide even in rows. It is
    one expression, which --collapse statements would draw as one box: the note does not
    suggest it."""
    target = tmp_path / "c.png"
    terms = " + ".join(f"w{i}*x{i}" for i in range(60))
    values = [arg for i in range(60) for arg in (f"--w{i}", "0.5", f"--x{i}", "-1")]
    result = run(terms, *values, "--slide", "--engine", "embedded", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "note: on a 1920x1080 slide the smallest text is" in result.stderr
    assert "--collapse" not in result.stderr and "a smaller part of the program" in result.stderr
    width, height, _ = png_header(target)
    assert (width, height) == (1920, 1080)


@pytest.mark.needs_embedded
def test_a_collapsed_picture_too_small_is_not_told_to_collapse(run, tmp_path):
    """The note's advice fits the picture: --collapse statements was given already."""
    program = "f = " + " + ".join(f"w{i}*x{i}" for i in range(20))
    values = [arg for i in range(20) for arg in (f"--w{i}", "0.5", f"--x{i}", "-1")]
    result = run(program, *values, "--slide", "--collapse", "statements", "--engine",
                 "embedded", "-o", str(tmp_path / "c.png"))
    assert result.exit_code == 0, result.output
    note = [line for line in result.stderr.splitlines() if line.startswith("note: on a")]
    assert len(note) == 1 and "a smaller part of the program" in note[0]
    assert "--collapse" not in note[0]


def test_slide_refuses_other_shapes(run):
    result = run(*NEURON, "--slide=21:9")
    assert result.exit_code == 2 and "--slide" in result.stderr


def test_wrapped_rows_are_joined_by_numbered_tags():
    """The chain cut into 3 rows: every wire that crossed a row now ends at a numbered tag
    (a flowchart's off-page connector, pointing on) and starts again from the same number;
    no other edge joins two rows. (Circled numbers read as constants' gates, circled
    letters as variables.)"""
    import re

    import backpropviz
    from backpropviz.render.dot import render_dot
    from backpropviz.render.wrap import wrapped

    graph = backpropviz.trace(CHAIN[0], x=0.5, w=0.9, b=-0.1)
    plain = render_dot(graph)
    dot = wrapped(plain, graph, 3, 22)
    labels = dict(re.findall(r'^  (k\d+[ab]) \[shape=cds, .*label="(\d+)"\];$', dot, re.M))
    pairs = sorted({key[:-1] for key in labels})
    assert len(pairs) >= 2
    assert all(labels[p + "a"] == labels[p + "b"] for p in pairs)
    assert len({labels[p + "a"] for p in pairs}) == len(pairs)  # one number a joint
    edges = re.findall(r"^  (\w+)(?::\w+)? -> (\w+)(?!.*style=invis)", dot, re.M)
    assert all((tail, head) != (p + "a", p + "b") for tail, head in edges for p in pairs)
    assert sum(head.startswith("k") for _, head in edges) == len(pairs)  # into each "a"
    assert sum(tail.startswith("k") for tail, _ in edges) >= len(pairs)  # out of each "b"
    # the rest of the text is the same diagram: same nodes, one edge fewer per joint
    nodes = set(re.findall(r"^  (\w+) \[", plain, re.M))
    assert nodes | {p + e for p in pairs for e in "ab"} == set(re.findall(r"^  (\w+) \[", dot,
                                                                         re.M))
    assert len(edges) == len(re.findall(r" -> ", plain)) + len(pairs)


def test_tags_are_numbered_row_by_row_in_the_programs_order():
    """Wires listed in any order: the tags into row 1 first, each row's in the order the
    program computes the wires (the number in a node's name), one a wire and row."""
    from backpropviz.render.wrap import _joints

    row = {"w23": 1, "w4": 0, "w8": 0, "w12": 0, "n30": 2, "n20": 1, "n21": 1, "n24": 2}
    edges = [("w23", ":e", "n30", "", ""), ("w12", ":e", "n21", "", ""),
             ("w4", ":e", "n20", "", ""), ("w8", ":e", "n20", "", ""),
             ("w8", ":e", "n24", "", ""), ("w4", ":e", "n21", "", "")]
    assert _joints(edges, row) == {("w4:e", 1): 1, ("w8:e", 1): 2, ("w12:e", 1): 3,
                                   ("w8:e", 2): 4, ("w23:e", 2): 5}


@pytest.mark.parametrize("engine", ENGINES)
def test_tags_are_numbered_in_the_programs_order(engine):
    """Four class scores s0..s3 go on in the next row of a 4:3 slide: tags 1..4 in that
    order (they were numbered as the DOT text listed the wires: z got 1)."""
    import re
    from dataclasses import replace

    import backpropviz
    from backpropviz.render.diagram import render_file
    from backpropviz.render.engines import choose_engine

    program = "\n".join([*(f"s{k} = w{k}*x + b{k}" for k in range(4)),
                         "z = " + " + ".join(f"exp(s{k})" for k in range(4)),
                         "loss = log(z) - s1"])
    values = {"x": 1.5, **{f"w{k}": 0.2 * k - 0.3 for k in range(4)},
              **{f"b{k}": 0.1 * k for k in range(4)}}
    graph = backpropviz.trace(program, values)
    svg = render_file(graph, "svg", None, choose_engine(engine),
                      style=replace(CLASSIC, slide=(1440, 1080))).data.decode()
    named = {node.id: node.name for node in graph.nodes if node.name}
    into = [(int(k), named[int(w)]) for w, k in re.findall(r"<title>w(\d+)(?::\w+)?"
                                                           r"&#45;&gt;k(\d+)a</title>", svg)]
    # (dot makes 3 rows: s0 s1 s2 go on in row 2, s1 and z in row 3)
    assert [name for _, name in sorted(into)] in (["s0", "s1", "s2", "s3"],
                                                  ["s0", "s1", "s2", "s1", "z"])


@pytest.mark.needs_embedded
def test_a_long_chain_is_wrapped_into_rows_on_the_slide(run, tmp_path):
    """12 steps of tanh(v*w + b): in one row its text is 7 px on the slide; in rows, with
    bigger type, 24 px (and no note)."""
    target = tmp_path / "c.svg"
    result = run(*CHAIN, "--slide", "--engine", "embedded", "-o", str(target))
    assert result.exit_code == 0, result.output
    root = ET.parse(target).getroot()
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    titles = {t.text for t in root.iter(f"{SVG}title")}
    assert {"k1a", "k1b"} <= titles and texts.count("1") == 2  # a joint: "1" at both ends
    px = 1920 / float(root.get("viewBox", "").split()[2])
    smallest = min(float(t.get("font-size", "0")) * px for t in root.iter(f"{SVG}text")
                   if "".join(t.itertext()).strip())
    assert smallest >= SLIDE_TEXT_PX and "note:" not in result.stderr


@pytest.mark.needs_embedded
def test_a_wrapped_rnn_keeps_each_time_step_in_one_row():
    """Rows are cut where the one-row picture has its gates: the product u*x_t sits in the
    row of the step that adds it (the cut by rank put every u*x_t in the first row)."""
    import re

    import backpropviz
    from backpropviz.render.diagram import _slide_layout, _slide_source
    from backpropviz.render.dot import CLASSIC
    from backpropviz.render.engines import choose_engine

    steps = ["h0 = tanh(u*x1)"] + [f"h{t} = tanh(w*h{t - 1} + u*x{t + 1})" for t in range(1, 4)]
    program = "\n".join(steps + ["loss = (h3 - y)**2"])
    graph = backpropviz.trace(program, w=0.5, u=-0.7, y=0.2, x1=0.3, x2=0.6, x3=0.9, x4=1.2)
    chosen = _slide_layout(graph, None, choose_engine("embedded"), CLASSIC, (1920, 1080))
    assert chosen.rows > 1
    dot = _slide_source(graph, None, chosen.style, chosen.rows, across=chosen.across)
    products = [n.id for n in graph.nodes if n.op == "mul" and
                any(graph.nodes[i].label.startswith("x") for i in n.inputs)]
    assert len(products) == 4
    # a product's wire label w<id> leads to its reader in the same row: no connector
    assert not [p for p in products if re.search(rf"^  w{p}(?::\w+)? -> k\d+a", dot, re.M)]


RNN = "\n".join(["h0 = tanh(u*x1)"] + [f"h{t} = tanh(w*h{t - 1} + u*x{t + 1})"
                                       for t in range(1, 4)] + ["loss = (h3 - y)**2"])
RNN_VALUES = ("--w", "0.5", "--u", "-0.7", "--y", "0.2", "--x1", "0.3", "--x2", "0.6",
              "--x3", "0.9", "--x4", "1.2")


def smallest_px_on_a_slide(svg_path) -> float:
    """The smallest text of an SVG, in px, once it is fitted to a 1920x1080 slide."""
    from backpropviz.render.slide import fit

    where = fit(svg_path.read_bytes(), (1920 + 120, 1080 + 120))  # (fit keeps a 60 px margin)
    return where.text_px


@pytest.mark.needs_embedded
def test_a_wide_picture_is_readable_by_default_and_one_row_with_no_wrap(run, tmp_path):
    """Under 16 px on a slide as drawn, a picture is drawn bigger by default: the RNN
    unrolled 4 steps (7:1) with bigger type, still in one row; the 12-step chain (11:1,
    7 px, too long for bigger type alone) in rows too. --no-wrap keeps each as it was."""
    for program, values, in_rows in ((RNN, RNN_VALUES, False), (CHAIN[0], CHAIN[1:], True)):
        default, one_row = tmp_path / "d.svg", tmp_path / "o.svg"
        for target, extra in ((default, ()), (one_row, ("--no-wrap",))):
            result = run(program, *values, "--engine", "embedded", "-q", *extra,
                         "-o", str(target))
            assert result.exit_code == 0, result.output
        assert smallest_px_on_a_slide(default) >= 16 > smallest_px_on_a_slide(one_row)
        assert ("<title>k1a</title>" in default.read_text("utf-8")) == in_rows
        assert "<title>k1a</title>" not in one_row.read_text("utf-8")


@pytest.mark.needs_embedded
def test_a_picture_already_readable_is_drawn_as_it_was(run, tmp_path):
    """The seed sigmoid keeps 24 px on a slide in one row: the same file with --no-wrap."""
    args = ("1/(1+exp(-(w0*x0+w1*x1+w2)))", "--w0", "2", "--x0", "-1", "--w1", "-3",
            "--x1", "-2", "--w2", "-3", "--engine", "embedded", "-q")
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    assert run(*args, "-o", str(first)).exit_code == 0
    assert run(*args, "--no-wrap", "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert smallest_px_on_a_slide(first) >= 16


def _teaching_graphs():
    """The layout benchmark's scalar teaching graphs of 11 to 40 gates."""
    from conftest import load_script

    layout = load_script(Path(__file__).resolve().parent.parent / "benchmarks" / "layout.py",
                         "layout_gallery")
    return {name: make() for name, make, _ in layout.GALLERY
            if name.split(":")[0] in ("micrograd README", "MLP 2-3-1 + squared error",
                                      "RNN unrolled 4 steps", "shared weight, 12 steps",
                                      "softmax CE, 4 classes", "tanh neuron, 5 inputs")}


@pytest.mark.parametrize("engine", ENGINES)
def test_slide_makes_every_teaching_graph_24_px(run, tmp_path, engine):
    """#14's goal: with --slide, the smallest text of each teaching graph up to 40 gates is
    24 px on a 1920x1080 slide (they were 15-23 px), and no note says otherwise."""
    for k, (text, values) in enumerate(_teaching_graphs().values()):
        target = tmp_path / f"g{k}.svg"
        args = [arg for name, value in values.items() for arg in (f"--{name}", str(value))]
        result = run(text, *args, "--slide", "--engine", engine, "-o", str(target))
        assert result.exit_code == 0, result.output
        root = ET.parse(target).getroot()
        px = 1920 / float(root.get("viewBox", "").split()[2])
        smallest = min(float(t.get("font-size", "0")) * px for t in root.iter(f"{SVG}text")
                       if "".join(t.itertext()).strip())
        assert smallest >= SLIDE_TEXT_PX, (text, smallest)
        assert "note:" not in result.stderr


def test_the_type_factor_is_predicted_from_two_layouts():
    """A picture of fixed wires a and text b*f (f: the type factor) fitted to W px shows
    text of s*f*W/(a + b*f) px: from two layouts the next factor lands on the target."""
    from backpropviz.render.fitting import MAX_TYPE, _next_factor

    def px(f: float) -> float:  # 16 pt type; 400 pt of wires, 100 pt of text a factor
        return 16 * f * 1800 / (400 + 1200 * f)

    tried = [(1.0, px(1.0)), (1.6, px(1.6))]
    # by hand: as f grows, text tends to 16*1800/1200 = 24 px, never reached: a step x1.6
    assert px(1.0) == pytest.approx(18.0) and _next_factor(tried, 24) == pytest.approx(2.56)
    # a reachable target: 22 px -> 28800 f = 22*(400 + 1200 f) -> f = 8800 / 2400 = 11/3
    assert _next_factor(tried, 22) == pytest.approx(11 / 3 * 1.03)  # (3% over: rounding)
    assert _next_factor([(1.0, 10.0)], 24) == pytest.approx(1.6)  # one try: a step up
    assert _next_factor([(6.0, 20.0), (7.5, 21.0)], 24) <= MAX_TYPE


@pytest.mark.parametrize("engine", ENGINES)
def test_names_go_above_their_values_when_that_fits_a_slide(run, tmp_path, engine):
    """The 2-3-1 MLP is too wide for 24 px with `h00 = 0.02` on its wires: on the slide
    each named wire has its name on a line of its own, above its value."""
    text, values = _teaching_graphs()["MLP 2-3-1 + squared error"]
    args = [arg for name, value in values.items() for arg in (f"--{name}", str(value))]
    target = tmp_path / "m.svg"
    assert run(text, *args, "--slide", "--engine", engine, "-o", str(target)).exit_code == 0
    texts = [t for t in ET.parse(target).getroot().iter(f"{SVG}text")]
    names = [t for t in texts if "".join(t.itertext()).startswith("h") and t.get("fill")
             == "#24292f"]
    assert len(names) == 3 and not any(" = " in "".join(t.itertext()) for t in texts)
    for name in names:  # the value (green) straight under the name, nothing beside it
        y, x = float(name.get("y", "0")), float(name.get("x", "0"))
        below = [t for t in texts if t.get("fill") == "#1a7f37"
                 and 0 < float(t.get("y", "0")) - y < 2 * float(t.get("font-size", "0"))
                 and abs(float(t.get("x", "0")) - x) < 3 * float(t.get("font-size", "0"))]
        assert below, "".join(name.itertext())


def test_a_wire_read_twice_in_the_next_row_has_one_connector():
    """micrograd's README example in 3 rows: `c` (and `d`) are each read by two gates of
    the next row; each leaves its row by one numbered tag, whose twin in the next row
    feeds both (it was one connector a reader, ①② for the same c)."""
    import re
    from pathlib import Path

    import backpropviz
    from backpropviz.render.dot import render_dot
    from backpropviz.render.wrap import wrapped

    text = (Path(__file__).resolve().parent.parent / "samples" / "micrograd_readme.bp"
            ).read_text("utf-8")
    graph = backpropviz.trace(text, a=-4, b=2)
    dot = wrapped(render_dot(graph), graph, 3, 22)
    into = re.findall(r"^  (\w+)(?::\w+)? -> (k\d+)a", dot, re.M)
    assert into and len({tail for tail, _ in into}) == len(into)  # one joint a wire
    outs = {k: len(re.findall(rf"^  {k}b -> ", dot, re.M)) for _, k in into}
    assert max(outs.values()) >= 2  # a joint feeding two gates of the next row


@pytest.mark.parametrize("engine", ENGINES)
def test_a_long_chain_top_to_bottom_is_cut_into_columns_on_the_slide(run, tmp_path, engine):
    """12 steps of tanh(v*w + b) with --direction TB: one column is 5 px on a slide; cut
    into columns, left to right in the program's order (the first statement's x at the
    far left, each joint from the foot of a column to the head of the next), each column
    straight (no staircase) and `v` above its value: 24 px (it was 18.9 px with dot,
    19.5 px embedded), with no note."""
    target = tmp_path / "c.svg"
    result = run(*CHAIN, "--direction", "TB", "--slide", "--engine", engine,
                 "-o", str(target))
    assert result.exit_code == 0, result.output
    root = ET.parse(target).getroot()
    titles = {t.text for t in root.iter(f"{SVG}title")}
    assert {"k1a", "k1b"} <= titles
    px = 1920 / float(root.get("viewBox", "").split()[2])
    sizes = [float(t.get("font-size", "0")) * px for t in root.iter(f"{SVG}text")
             if "".join(t.itertext()).strip()]
    assert min(sizes) >= SLIDE_TEXT_PX and "note:" not in result.stderr
    where = {}
    for group in root.iter(f"{SVG}g"):
        title = group.findtext(f"{SVG}title") or ""
        shape = group.find(f"{SVG}ellipse")
        text = group.find(f"{SVG}text")
        if shape is not None:
            where[title] = (float(shape.get("cx", "0")), float(shape.get("cy", "0")))
        elif text is not None and (title.startswith("n") or title.startswith("k")):
            where[title] = (float(text.get("x", "0")), float(text.get("y", "0")))
    # the joint leaves the bottom of a column and comes in at the top of the next
    assert where["k1a"][1] > where["k1b"][1]
    assert where["n0"][0] == min(x0 for x0, _ in where.values())  # x, the first input


SUM_OF_PRODUCTS = " + ".join(["x*y"] * 30)  # one statement of 59 gates


SUM_OF_20 = " + ".join(f"w{i}*x{i}" for i in range(20))  # one statement, 40 inputs


@pytest.mark.parametrize("engine, before", [
    pytest.param("dot", 18.5, marks=pytest.mark.needs_dot),
    pytest.param("embedded", 17.4, marks=pytest.mark.needs_embedded)])
def test_a_long_sum_is_cut_into_rows_between_its_gates(run, tmp_path, engine, before):
    """A single statement too long for the slide is cut between its gates: rows of the
    running total, kept straight, each product in the row of the + that adds it. Its
    smallest text was `before` px (each row a staircase as tall as the whole); now 24."""
    target = tmp_path / "s.svg"
    values = [arg for i in range(20) for arg in (f"--w{i}", "0.5", f"--x{i}", "-1")]
    result = run(SUM_OF_20, *values, "--slide", "--engine", engine, "-o", str(target))
    assert result.exit_code == 0, result.output
    root = ET.parse(target).getroot()
    titles = {t.text for t in root.iter(f"{SVG}title")}
    assert {"k1a", "k1b"} <= titles  # in rows, joined by numbered connectors
    px = 1920 / float(root.get("viewBox", "").split()[2])
    smallest = min(float(t.get("font-size", "0")) * px for t in root.iter(f"{SVG}text")
                   if "".join(t.itertext()).strip())
    assert smallest >= SLIDE_TEXT_PX > before and "note:" not in result.stderr


@pytest.mark.needs_embedded
def test_a_long_sum_keeps_each_product_with_its_sum_and_rows_in_order():
    """The rows of the sum: a connector only where the running total goes on to the next
    row (one a row, numbered 1, 2 ... in order), never a product cut from its +; no gate
    in a row above a gate it reads; the output's arrow in the last row with its wire."""
    import re

    import backpropviz
    from backpropviz.render.crossings import crossings
    from backpropviz.render.diagram import _slide_layout, _slide_source
    from backpropviz.render.dot import CLASSIC
    from backpropviz.render.engines import choose_engine
    from backpropviz.render.wrap import EDGE, _rows, _spine

    graph = backpropviz.trace(SUM_OF_PRODUCTS, x=0.5, y=2)
    chosen = _slide_layout(graph, None, choose_engine("embedded"), CLASSIC, (1920, 1080))
    assert chosen.rows >= 2
    dot = _slide_source(graph, None, chosen.style, chosen.rows, across=chosen.across)
    into = re.findall(r"^  (\w+)(?::\w+)? -> k(\d+)a", dot, re.M)
    sums = {f"w{n.id}" for n in graph.nodes if n.op == "add"}
    numbers = {int(k): int(tail[1:]) for tail, k in into}  # number -> the + it leaves
    assert sorted(numbers) == list(range(1, chosen.rows))  # one a row, 1, 2 ...
    assert sorted(numbers.values()) == [numbers[k] for k in sorted(numbers)]  # in order
    assert {tail for tail, _ in into} <= sums  # only the running total leaves a row
    plain = _slide_source(graph, None, chosen.style, 1)
    edges = [m.groups() for line in plain.split("\n") if (m := EDGE.match(line))]
    row = _rows(graph, edges, chosen.rows, chosen.across, _spine(graph))
    for node in graph.nodes:
        for i in node.inputs:
            if node.is_gate and graph.nodes[i].is_gate:
                assert row[f"n{i}"] <= row[f"n{node.id}"]
    assert row["out"] == row[f"n{graph.output}"] == chosen.rows - 1
    # each product between its x and y: no wires braid on their way in
    assert crossings(chosen.svg, graph) == 0


def test_the_spine_of_a_sum_is_its_running_total():
    """x*y + x*y + x*y: gates 2, 3 (*), 4 (+), 5 (*), 6 (+). The first + reads two products
    as deep as each other: no main input; the second reads the first + (2 gates deep)
    and a product (1): its main input is the +, whose wire is drawn heavier (straight)."""
    import re

    import backpropviz
    from backpropviz.render.dot import render_dot
    from backpropviz.render.wrap import INPUT_WEIGHT, SPINE_WEIGHT, _spine, wrapped

    graph = backpropviz.trace("x*y + x*y + x*y", x=0.5, y=2)
    assert [n.op for n in graph.nodes[2:]] == ["mul", "mul", "add", "mul", "add"]
    assert _spine(graph) == {("n4", "w4"), ("w4", "n6")}
    dot = wrapped(render_dot(graph), graph, 2, 22)  # (cut by rank: after the first +)
    assert f"  n4 -> w4:w [arrowhead=none, weight={SPINE_WEIGHT}];" in dot
    assert "  w4:e -> k1a [arrowhead=none];" in dot and dot.count(f"weight={SPINE_WEIGHT}") == 1
    # each product sits between its inputs: x's and y's wires into it a little heavier
    assert len(re.findall(rf"^  w[01]c\d_\d:e -> n[235] \[weight={INPUT_WEIGHT}\];$", dot,
                          re.M)) == 6


def test_a_grid_is_as_wide_as_its_columns():
    """Top to bottom, a wire label's halves are as wide as the wider of value and
    gradient; for a 3x3 array that is one row of the grid (3 numbers with 2 pt of padding
    each side and the SLACK dot may take more, the 4 gaps of 0.4 em between and beside
    them), not its 9 numbers in a line (which spread the grid's columns far apart). Each
    column is as wide as its widest number, whatever its row: [[-0.25, 0.25], [0.25,
    -0.25]] is two minus signs wider than a row of it (the widest row was taken, and the
    grid drew wider than reckoned: the rule 16 points off the wire)."""
    import numpy as np

    from backpropviz.render.arrays import array_html
    from backpropviz.render.dot import SLACK, _html_width, _text_width

    def grid(value):
        return array_html(np.array(value), lambda v: f"{v:.2f}", "#1a7f37", 16)

    one = _text_width('<font point-size="16">-0.25</font>', 16)
    assert _html_width(grid(np.full((3, 3), -0.25)), 16) == pytest.approx(
        3 * (one + 4 + SLACK) + 4 * 6)
    assert _html_width(grid(np.full((3, 3), -0.25)), 16) < _text_width(
        grid(np.full((3, 3), -0.25)), 16) / 2
    crossed = _html_width(grid([[-0.25, 0.25], [0.25, -0.25]]), 16)
    assert crossed == pytest.approx(_html_width(grid([[-0.25, -0.25]]), 16))
    assert crossed - _html_width(grid([[-0.25, 0.25]]), 16) == pytest.approx(
        _text_width("-", 16))


@pytest.mark.parametrize("engine", ENGINES)
def test_the_attention_head_top_to_bottom_on_a_slide(run, tmp_path, engine):
    """samples/attention.bp with --direction TB --slide: its matrices' grids compact, the
    smallest text is over 15 px (it was 10.9 px with both engines: each grid's columns
    spread over the width of all its numbers in a line)."""
    sample = Path(__file__).resolve().parent.parent / "samples" / "attention.bp"
    target = tmp_path / "a.svg"
    result = run("-f", str(sample), "--values", str(sample.with_suffix(".json")),
                 "--direction", "TB", "--slide", "--engine", engine, "-o", str(target))
    assert result.exit_code == 0, result.output
    root = ET.parse(target).getroot()
    px = 1920 / float(root.get("viewBox", "").split()[2])
    smallest = min(float(t.get("font-size", "0")) * px for t in root.iter(f"{SVG}text")
                   if "".join(t.itertext()).strip())
    assert smallest > 15


@pytest.mark.parametrize("engine", ENGINES)
def test_rows_of_statement_boxes_start_in_one_column(run, tmp_path, engine):
    """Graphviz gives every row the same columns, each as wide as its widest node: a row
    that began with a connector had its first box in the column after the first row's
    wide box, each row further right (the batch MLP's P box 975 px in, the first row's H
    box at 45). Now each row's first box is in the first row's first column."""
    sample = Path(__file__).resolve().parent.parent / "samples"
    target = tmp_path / "c.svg"
    result = run("-f", str(sample / "mlp_batch.bp"), "--values", str(sample / "mlp_batch.json"),
                 "--collapse", "statements", "--slide", "--engine", engine, "-q",
                 "-o", str(target))
    assert result.exit_code == 0, result.output
    boxes = []  # (x of the centre, y of the top) of each statement's box
    for group in ET.parse(target).getroot().iter(f"{SVG}g"):
        border = group.find(f"{SVG}path")
        title = group.findtext(f"{SVG}title") or ""
        if group.get("class") == "node" and border is not None and title.startswith("n"):
            points = path_points(border.get("d", ""))
            xs, ys = [x for x, _ in points], [y for _, y in points]
            boxes.append(((min(xs) + max(xs)) / 2, min(ys)))
    assert len(boxes) == 3  # H, P and L: one a row on the slide
    centres = [x for x, _ in sorted(boxes, key=lambda box: box[1])]
    assert max(centres) - min(centres) < 1


@pytest.mark.parametrize("engine", ENGINES)
def test_slide_makes_the_array_programs_24_px(run, tmp_path, engine):
    """#14's goal for the samples on arrays: the batch MLP and the attention head were
    20.4/19.5 px and 22.5/23.5 px (dot/embedded) on a slide, bound by their grids. Their
    grids set compactly (columns closer, no shape where the grid shows it, a column vector
    on one line marked ᵀ) bring both to 24 px, and no note says otherwise."""
    sample = Path(__file__).resolve().parent.parent / "samples"
    for name in ("mlp_batch", "attention"):
        target = tmp_path / f"{name}.svg"
        result = run("-f", str(sample / f"{name}.bp"), "--values",
                     str(sample / f"{name}.json"), "--slide", "--engine", engine,
                     "-o", str(target))
        assert result.exit_code == 0, result.output
        assert "note:" not in result.stderr
        root = ET.parse(target).getroot()
        px = 1920 / float(root.get("viewBox", "").split()[2])
        texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
        smallest = min(float(t.get("font-size", "0")) * px for t in root.iter(f"{SVG}text")
                       if "".join(t.itertext()).strip())
        assert smallest >= SLIDE_TEXT_PX, (name, smallest)
        if name == "mlp_batch":  # P = H @ W2 + b2 (4x1), its value and gradient on a line
            assert "P: 4×1" in texts or ("P" in texts and ": 4×1" in texts)
            # W2, H @ W2, P, Y, P - Y and (P - Y)**2: value and gradient each
            assert texts.count("]ᵀ") == 2 * 6


def test_a_compact_grid_lays_a_column_vector_on_one_line():
    """Compactly set, a 4x1 array is one line of its 4 numbers in order between [ and ]ᵀ,
    its columns 0.25 em apart (0.4 em otherwise) and its cells unpadded; a 2x2 matrix keeps
    its rows, and only a grid that does not show its shape keeps the shape in its caption."""
    import numpy as np

    from backpropviz.render.arrays import array_html, shape_shown

    column = np.array([[0.5], [-1.0], [2.0], [0.25]])
    number = "{:.2f}".format
    rows = re.findall(r"<tr>(.*?)</tr>", array_html(column, number, "#000", 20, compact=True))
    cells = re.findall(r'point-size="20">([^<]*)</font>', rows[0])
    assert len(rows) == 1 and cells == ["[", "0.50", "-1.00", "2.00", "0.25", "]ᵀ"]
    assert len(re.findall(r"<tr>", array_html(column, number, "#000", 20))) == 4
    gaps = re.findall(r'<td width="(\d+)"></td>', rows[0])
    assert gaps == ["3", "5", "5", "5", "3"]  # (0.15 em beside, 0.25 em between, of 20 pt)
    assert 'cellpadding="0"' in array_html(column, number, "#000", 20, compact=True)
    square = array_html(np.eye(2), number, "#000", 20, compact=True)
    assert len(re.findall(r"<tr>", square)) == 2 and "ᵀ" not in square
    assert shape_shown(column, True) and not shape_shown(np.eye(2), True)
    assert shape_shown(np.eye(2), False) and shape_shown(np.zeros((5, 5)), True)


def test_grids_are_set_compactly_only_when_the_text_is_still_small():
    """The compact grids are the slide's last lever: tried only for a picture of arrays whose
    text is under the target after bigger type and rows, and kept only if bigger."""
    from backpropviz.render.fitting import best_layout

    calls = []

    def draw(style, rows, across):  # all text: 300 em wide (200 compact), 30 em a row
        calls.append(style.compact)
        width = style.number_size * (200 if style.compact else 300) / rows
        height = style.number_size * 30 * rows
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">'
                f'<text font-size="{style.number_size}">1</text></svg>').encode()

    style = CLASSIC
    best = best_layout(draw, style, (1920, 1080), 10, False, arrays=True)
    assert best.style.compact and best.rows == 2  # (16 px; 12 px as drawn, in 2 rows)
    assert round(best.fit.text_px) == 16
    calls.clear()
    best = best_layout(draw, style, (1920, 1080), 10, False, arrays=False)
    assert not best.style.compact and True not in calls
    calls.clear()
    best = best_layout(draw, style, (1920, 1080), 10, False, arrays=True, target=8)
    assert not best.style.compact and True not in calls  # (8 px reached as drawn)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_sum_drawn_as_a_staircase_is_still_cut_into_rows(run, tmp_path, engine):
    """`x*y` 30 times over: the embedded engine draws its one row as a diagonal staircase,
    narrower than the slide's shape, so rows were not tried and its text was 11.5 px. A
    single expression is tried in rows whatever its one row's shape (the rows keep its
    running total straight): over 20 px, in rows joined by tags, on both engines."""
    target = tmp_path / "s.svg"
    result = run(" + ".join(["x*y"] * 30), "--x", "2", "--y", "3", "--slide",
                 "--engine", engine, "-o", str(target))
    assert result.exit_code == 0, result.output
    root = ET.parse(target).getroot()
    assert {"k1a", "k1b"} <= {t.text for t in root.iter(f"{SVG}title")}
    px = 1920 / float(root.get("viewBox", "").split()[2])
    smallest = min(float(t.get("font-size", "0")) * px for t in root.iter(f"{SVG}text")
                   if "".join(t.itertext()).strip())
    assert smallest > 20


@pytest.mark.needs_dot
def test_labels_side_by_side_top_to_bottom_stay_apart_at_big_type():
    """Top to bottom a wire label is a line (value | gradient); a product's x_k hangs its
    label beside the previous product's, which at the slide's big type stood 0.2 em away
    and read as one line of four numbers. Neighbouring labels are now at least 0.4 em of
    the numbers apart, measured in the layout dot makes."""
    import json
    import subprocess

    import backpropviz
    from backpropviz.render.diagram import _slide_layout, _slide_source
    from backpropviz.render.engines import choose_engine

    text = "*".join(f"x{i}" for i in range(20))
    graph = backpropviz.trace(text, **{f"x{i}": 1.1 for i in range(20)})
    style = replace(CLASSIC, direction="TB")
    chosen = _slide_layout(graph, None, choose_engine("dot"), style, (1920, 1080))
    assert chosen.style.number_size >= 3 * CLASSIC.number_size  # (big type: the case)
    source = _slide_source(graph, None, chosen.style, chosen.rows, across=chosen.across)
    laid = json.loads(subprocess.run(["dot", "-Tjson"], input=source.encode(),
                                     capture_output=True, check=True).stdout)
    labels = [(float(o["pos"].split(",")[0]), float(o["pos"].split(",")[1]),
               float(o["width"]) * 72) for o in laid["objects"]
              if "pos" in o and re.fullmatch(r"w\d+", o["name"])]
    gaps = [abs(x1 - x0) - (w0 + w1) / 2 for x0, y0, w0 in labels for x1, y1, w1 in labels
            if y0 == y1 and x1 > x0]
    assert gaps and min(gaps) >= 0.4 * chosen.style.number_size - 0.5


@pytest.mark.parametrize("engine", ENGINES)
def test_a_chain_of_statements_in_rows_keeps_each_row_straight(run, tmp_path, engine):
    """12 steps of v = tanh(v*w + b) on a slide, in rows: each row stepped down a little
    at every step (a staircase), so rows overlapped each other's heights. Each step's
    main input is now kept straight: the 12 tanh gates stand at as many heights as there
    are rows, and the rows do not overlap."""
    target = tmp_path / "c.svg"
    result = run(*CHAIN, "--slide", "--engine", engine, "-o", str(target))
    assert result.exit_code == 0, result.output
    gates = {}  # title -> (cy, ry) of each gate's circle
    for group in ET.parse(target).getroot().iter(f"{SVG}g"):
        shape, texts = group.find(f"{SVG}ellipse"), list(group.iter(f"{SVG}text"))
        if shape is not None and group.get("class") == "node":
            gates[group.findtext(f"{SVG}title")] = (
                float(shape.get("cy", "0")), float(shape.get("ry", "0")),
                "".join(texts[0].itertext()) if texts else "")
    tanh = sorted(cy for cy, _, label in gates.values() if label == "tanh")
    assert len(tanh) == 12
    heights = sorted({round(cy) for cy in tanh})
    rows = len([t for t in ET.parse(target).getroot().iter(f"{SVG}title")
                if re.fullmatch(r"k\d+a", t.text or "")]) + 1
    assert 1 < rows == len(heights)
    circles = sorted(gates.values())
    for above, below in zip(heights, heights[1:]):  # no gate of one row in the next's band
        low = max(cy + ry for cy, ry, _ in circles if abs(cy - above) < abs(cy - below))
        high = min(cy - ry for cy, ry, _ in circles if abs(cy - below) <= abs(cy - above))
        assert low < high


@pytest.mark.parametrize("engine", ENGINES)
def test_an_operand_mark_on_a_slide_stands_under_the_gradient_not_after_it(run, tmp_path,
                                                                          engine):
    """The subtrahend's `−` is written 1 em off the arrowhead, 40° off the wire; at a
    slide's type the wire from a label to its gate is shorter than an em, and the mark ran
    on from the gradient (`0.11]ᵀ−`, `-6.94 −`). There it stands under the gradient's
    line: its baseline over 1.3 em below the wire it marks."""
    sample = Path(__file__).resolve().parent.parent / "samples"
    target = tmp_path / "m.svg"
    result = run("-f", str(sample / "mlp_batch.bp"), "--values", str(sample / "mlp_batch.json"),
                 "--slide", "--engine", engine, "-o", str(target))
    assert result.exit_code == 0, result.output
    root = ET.parse(target).getroot()
    for group in root.iter(f"{SVG}g"):
        texts = [t for t in group.iter(f"{SVG}text") if "".join(t.itertext()) == "−"]
        path = group.find(f"{SVG}path")
        if group.get("class") != "edge" or not texts or path is None:
            continue
        wire_y = path_points(path.get("d", ""))[-1][1]  # (where the wire meets the gate)
        size = float(texts[0].get("font-size", "0"))
        assert size >= 1.3 * CLASSIC.number_size  # (big type: the case)
        assert float(texts[0].get("y", "0")) - wire_y > 1.3 * size
        break
    else:
        raise AssertionError("no marked wire")


@pytest.mark.parametrize("engine", ENGINES)
def test_an_inputs_total_stands_apart_from_the_gradient_beside_it(run, tmp_path, engine):
    """`x*y` 30 times on a slide: x's total, `Σ 90` under its name, stood 0.1 em from its
    first use's gradient 3, level with it, and read `Σ 903`. The nearest number right of
    the total on its line is now at least 0.4 em away."""
    from backpropviz.render.dot import _text_width

    target = tmp_path / "s.svg"
    result = run(" + ".join(["x*y"] * 30), "--x", "2", "--y", "3", "--slide",
                 "--engine", engine, "-o", str(target))
    assert result.exit_code == 0, result.output
    texts = [(float(t.get("x", "0")), float(t.get("y", "0")), float(t.get("font-size", "0")),
              "".join(t.itertext()), t.get("fill")) for t in ET.parse(target).getroot().iter(
                  f"{SVG}text")]
    sigma = next(k for k, (*_, text, _) in enumerate(texts) if text.strip() == "Σ")
    x, y, size, total, colour = texts[sigma + 1]
    assert total == "90"
    end = x + _text_width(f'<font point-size="{size:g}">90</font>', round(size))
    right = [tx - end for tx, ty, _, text, fill in texts
             if fill == colour and abs(ty - y) < 0.5 * size and tx > x and text.strip()]
    assert right and min(right) >= 0.4 * size


def test_slide_says_what_it_does_not_fit(run, tmp_path):
    """--slide fits pictures; an HTML lesson fits its window and --steps frames keep their
    size, which it did silently (the files were the same with and without it). A note says
    so, once, only with --slide, in English and in Chinese."""
    args = ("(x+y)*z", "--x", "3", "--y", "-2", "--z", "-4", "-o", str(tmp_path / "l.html"),
            "--steps", str(tmp_path / "s"))
    quiet = run(*args)
    assert quiet.exit_code == 0 and "--slide" not in quiet.stderr
    told = run(*args, "--slide")
    assert told.exit_code == 0, told.output
    assert told.stderr.count("note: --slide fits pictures") == 2
    assert "an HTML lesson fits the window" in told.stderr and "--steps frames" in told.stderr
    chinese = run(*args, "--slide", "--lang", "zh")
    assert "HTML 课程会适配显示它的窗口" in chinese.stderr
