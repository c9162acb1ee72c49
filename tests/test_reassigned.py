"""A name assigned several times (``c += c + 1``, micrograd's README example): each version
after the first is told apart in formulas (c, c′, c″, c‴, c⁽⁴⁾; c', c(4) with --plain-names),
says once what it is, and a lesson's wires say the same; tables, JSON and static diagrams
keep the program's names.

The expectations are worked out by hand: at a = -4, b = 2, ``c = a + b; c += c + 1`` makes
c = -2, q₁ = c + 1 = -1 and c′ = c + q₁ = -3, so ∂c′/∂c = 1 (straight into c′) + 1 (through
q₁) = 2, i.e. the local gradient of c′ = c + c + 1.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import backpropviz
from backpropviz.render.dot import render_dot
from backpropviz.render.frames import lesson_frames
from backpropviz.render.names import name_html, name_text
from backpropviz.render.statement_frames import statement_frames
from backpropviz.steps import display_names

SAMPLES = Path(__file__).parent.parent / "samples"
MICROGRAD = ("-f", str(SAMPLES / "micrograd_readme.bp"),
             "--values", str(SAMPLES / "micrograd_readme.json"))
TWICE = ("c = a + b; c += c + 1", "--a", "-4", "--b", "2")
SVG = "{http://www.w3.org/2000/svg}"
ENGINES = [pytest.param("dot", marks=pytest.mark.needs_dot),
           pytest.param("embedded", marks=pytest.mark.needs_embedded)]
_PARTIAL = re.compile(r"∂(\S+?)/∂(\S+?)(?=[ ,:)]|$)")


def explained(run, *args: str) -> list[str]:
    result = run(*args, "--explain")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Backward pass ("))
    key = lines[start + 1].startswith("Names assigned again: ")  # (see the last test)
    return lines[start + 1 + key:]


def test_twice_assigned_reads_as_the_hand_derivation(run):
    assert explained(run, *TWICE) == [
        "1. ∂c′/∂c′ = 1  (start at the output)   [c′ = c + (c + 1)]",
        "2. ∂c′/∂q₁ = ∂c′/∂c′ · ∂c′/∂q₁ = 1.00 · 1 = 1.00   [q₁ = c + 1]",
        "3. ∂c′/∂c = 1.00 (via c′) + 1.00 (via q₁) = 2.00",
        "     via c′: ∂c′/∂c′ · ∂c′/∂c = 1.00 · 1 = 1.00",
        "     via q₁: ∂c′/∂q₁ · ∂q₁/∂c = 1.00 · 1 = 1.00",
        "4. ∂c′/∂a = ∂c′/∂c · ∂c/∂a = 2.00 · 1 = 2.00",
        "5. ∂c′/∂b = ∂c′/∂c · ∂c/∂b = 2.00 · 1 = 2.00",
    ]


def test_plain_names_use_apostrophes(run):
    lines = explained(run, *TWICE, "--plain-names")
    assert lines[0] == "1. ∂c'/∂c' = 1  (start at the output)   [c' = c + (c + 1)]"
    assert lines[2] == "3. ∂c'/∂c = 1.00 (via c') + 1.00 (via q1) = 2.00"


def test_micrograd_readme_never_differentiates_a_name_by_itself(run):
    """Before, ``2. ∂g/∂g = ∂g/∂g · ∂g/∂g``: now only the start is d out / d out, and each
    chain-rule product joins three different names (g′ = g + 10/f: ∂g′/∂g = 1)."""
    lines = explained(run, *MICROGRAD)
    for line in lines[1:]:  # (∂g′/∂g′, the gradient the output starts with, may be a factor)
        for top, bottom in _PARTIAL.findall(line):
            assert top != bottom or top == "g′", line
        assert not re.search(r"(∂\S+/∂\S+) = \1 ", line), line
    assert lines[0] == " 1. ∂g′/∂g′ = 1  (start at the output)   [g′ = g + 10.0 / f]"
    assert lines[1] == " 2. ∂g′/∂g = ∂g′/∂g′ · ∂g′/∂g = 1.00 · 1 = 1.00"
    # each version says once what it is, in the versions it reads (c += 1 + c + (-a))
    said = [line for line in lines if "[c″ = " in line]
    assert len(said) == 1 and said[0].endswith("[c″ = c′ + (c′ + 1 + (-a))]")
    assert any(line.endswith("[q₆ = c′ + 1 + (-a)]") for line in lines)
    # micrograd's own numbers: dg/da = 138.8338, dg/db = 645.5773
    totals = {line.split(" = ")[0]: line.rsplit(" = ", 1)[1] for line in lines
              if re.match(r"2[67]\. ", line)}
    assert totals == {"26. ∂g′/∂a": "138.83", "27. ∂g′/∂b": "645.58"}


def test_names_never_reassigned_and_the_json_keep_the_program_names(run):
    doc = json.loads(run(*MICROGRAD, "--json", "--explain").stdout)
    assert [n["name"] for n in doc["nodes"] if n["name"]] == [
        "a", "b", "c", "d", "c", "c", "d", "d", "h", "f", "g", "g"]
    graph = backpropviz.trace((SAMPLES / "micrograd_readme.bp").read_text(), a=-4, b=2)
    names = display_names(graph)
    named = [(n.name, names[n.id]) for n in graph.nodes if n.name]
    assert named == [("a", "a"), ("b", "b"), ("c", "c"), ("d", "d"), ("c", "c′"),
                     ("c", "c″"), ("d", "d′"), ("d", "d″"), ("h", "h"), ("f", "f"),
                     ("g", "g"), ("g", "g′")]
    table = run(*MICROGRAD).stdout
    assert "′" not in table and "'" not in table


def test_a_long_chain_counts_its_versions():
    """13 assignments of v: v, v′, v″, v‴, then v⁽⁴⁾ ... v⁽¹²⁾ (plain: v(12)). With
    ``v = x`` first, v is only another name for the input x, which keeps it: the first
    gate is v and the twelfth v⁽¹¹⁾."""
    program = "v = tanh(x*w + b)\n" + "v = tanh(v*w + b)\n" * 12
    graph = backpropviz.trace(program, x=0.5, w=0.9, b=-0.1)
    tanh = [i for i, n in enumerate(graph.nodes) if n.op == "tanh"]
    pretty, plain = display_names(graph), display_names(graph, plain=True)
    assert [pretty[i] for i in tanh] == ["v", "v′", "v″", "v‴", "v⁽⁴⁾", "v⁽⁵⁾", "v⁽⁶⁾",
                                         "v⁽⁷⁾", "v⁽⁸⁾", "v⁽⁹⁾", "v⁽¹⁰⁾", "v⁽¹¹⁾", "v⁽¹²⁾"]
    assert [plain[i] for i in tanh][3:6] == ["v'''", "v(4)", "v(5)"]
    assert plain[tanh[-1]] == "v(12)"
    aliased = backpropviz.trace("v = x\n" + "v = tanh(v*w + b)\n" * 12, x=0.5, w=0.9, b=-0.1)
    names = display_names(aliased)
    assert names[0] == "x"
    assert [names[n.id] for n in aliased.nodes if n.op == "tanh"][::11] == ["v", "v⁽¹¹⁾"]


def test_subscripts_survive_the_mark():
    assert name_text("w0′") == "w₀′" and name_text("theta_1⁽¹²⁾") == "θ₁⁽¹²⁾"
    assert name_text("w0") == "w₀" and name_text("x_in") == "x_in"
    assert name_html("w0″").startswith("w<sub>") and name_html("w0″").endswith("</sub>″")
    graph = backpropviz.trace("w0 = x*2; w0 = w0 + 1", x=3)
    frames = lesson_frames(graph)
    assert frames[1].caption == ("w₀′ = w₀ + 1 = 6.00 + 1 = 7.00",)


@pytest.mark.parametrize(("program", "values"), [
    ("c = x*y\nc = (c + 1) * (c - 2) ** 2", {"x": 1.5, "y": -2}),
    ("c = x*y\nc = c - (c - 1) / (c * 2)", {"x": 1.5, "y": -2}),
    ("c = x*y\nc = 2 ** (c * x) - -c", {"x": 0.5, "y": 3}),
    ("c = x*y\nc = (c ** 2) ** 3 + tanh(c + x) * -(c - y)", {"x": 0.5, "y": 0.7}),
    ("c = x*y\nc = 1 / (c - x - (y - c)) - c / (x / y)", {"x": 0.5, "y": 3}),
])
def test_a_version_is_written_so_it_computes_its_value(program, values):
    """The where-line of c′ written from the graph, parsed again, gives c′'s value: its
    parentheses are where they must be."""
    graph = backpropviz.trace(program, **values)
    names = display_names(graph)
    out = graph.output
    line = next(f.caption for f in lesson_frames(graph) if f.node == out and f.phase ==
                "backward" and len(f.caption) > 1)[-1]
    where = line.removeprefix("where ").split(", ")[0]
    assert where.startswith(f"{names[out]} = ")
    c = next(n for n in graph.nodes if n.name == "c")
    rhs = where.split(" = ", 1)[1]
    used = {k: v for k, v in values.items() if re.search(rf"\b{k}\b", rhs)}
    again = backpropviz.trace(rhs, c=c.value, **used)
    assert again.value == pytest.approx(graph.nodes[out].value, rel=1e-12)


def test_a_statement_lesson_gives_the_local_gradient_two():
    graph = backpropviz.trace("c = a + b; c += c + 1", a=-4, b=2)
    captions = [" / ".join(f.caption) for f in statement_frames(graph, 2)]
    assert captions[1] == "c′ = c + (c + 1) = -3.00"  # (as the gate lesson and --explain)
    assert captions[3] == "∂c′/∂c′ = 1.00 goes back through c′ = c + (c + 1): / ∂c′/∂c = 2.00"
    plain = [" / ".join(f.caption) for f in statement_frames(graph, 2, plain=True)]
    assert plain[1] == "c' = c + (c + 1) = -3.00"  # (--plain-names)


def test_a_lesson_wire_carries_the_version_the_captions_name():
    graph = backpropviz.trace("c = a + b; c += c + 1", a=-4, b=2)
    frames = lesson_frames(graph)
    dot = render_dot(graph, view=frames[-1].view)
    assert "<i>c′</i>" in dot and "<i>c</i>" in dot
    assert "where c′ = c + (c + 1), q₁ = c + 1" in frames[4].caption
    static = render_dot(graph)
    assert "′" not in static


@pytest.mark.parametrize("engine", ENGINES)
def test_a_lesson_frame_svg_shows_the_version(run, tmp_path, engine):
    steps = tmp_path / "steps"
    result = run(*TWICE, "--engine", engine, "--steps", str(steps), "--steps-format", "svg")
    assert result.exit_code == 0, result.output
    first_back = sorted(steps.glob("*-backward.svg"))[0]
    texts = ["".join(t.itertext()).strip()
             for t in ET.parse(first_back).getroot().iter(f"{SVG}text")]
    assert "c′" in texts and "c" in texts
    assert "∂c′/∂c′ = 1  (start at the output)" in [" ".join(t.split()) for t in texts] or \
        any(t.startswith("∂c′/∂c′ = 1") for t in texts)
    target = tmp_path / "static.svg"
    assert run(*TWICE, "--engine", engine, "-o", str(target)).exit_code == 0
    static = ["".join(t.itertext()) for t in ET.parse(target).getroot().iter(f"{SVG}text")]
    assert not any("′" in t for t in static)


def test_arrays_explain_says_each_version(run):
    """h = W @ x = [-0.3, -0.5]; h′ = tanh(h); h″ = 2 h′; L = sum(h″): ∂L/∂h″ = [1, 1],
    ∂L/∂h′ = [2, 2]."""
    lines = explained(run, "h = W @ x; h = tanh(h); h = h * 2; L = sum(h)",
                      "--W", "[[1, 2], [3, 4]]", "--x", "[0.1, -0.2]")
    assert lines[1] == " 2. ∂L/∂h″ = ∂L/∂L copied to every element = [1.00, 1.00]   [scalar → 2]"
    assert lines[2] == "      where h″ = h′ * 2"
    assert lines[3] == " 3. ∂L/∂h′ = 2 · ∂L/∂h″ = [2.00, 2.00]   [2]"
    assert lines[4] == "      where h′ = tanh(h)"
    assert lines[5].startswith(" 4. ∂L/∂h = ∂L/∂h′ ⊙ ")


def test_a_big_version_is_written_one_gate_deep(run):
    """Over 32 gates a version is not written out in full: ``c′ = c + q₇₉`` (q₇₉ = the
    sum, whose own line quotes it as typed); a lesson by statements quotes it as typed."""
    program = "c = x*y; c += " + " + ".join(["c*x"] * 40)
    lines = explained(run, program, "--x", "0.5", "--y", "2")
    assert lines[0] == " 1. ∂c′/∂c′ = 1  (start at the output)   [c′ = c + q₇₉]"
    assert "   [q₇₉ = c*x + c*x + c*x" in lines[1] and "…" in lines[1]
    graph = backpropviz.trace(program, x=0.5, y=2)
    assert statement_frames(graph, 2)[1].caption[0].startswith("c += c*x + c*x")


def test_a_statement_lesson_wire_carries_the_version():
    from dataclasses import replace

    from backpropviz.render.collapse import iter_collapsed
    from backpropviz.render.dot import CLASSIC

    graph = backpropviz.trace("c = a + b; c += c + 1", a=-4, b=2)
    style = replace(CLASSIC, collapse="statements")
    frame = statement_frames(graph, 2)[-1]
    drawn = "".join(iter_collapsed(graph, 2, style, view=frame.view))
    assert "<i>c′</i>" in drawn and "<i>c</i>" in drawn
    static = "".join(iter_collapsed(graph, 2, style))
    assert "′" not in static and "<i>c</i>" in static


def test_the_first_line_says_what_each_version_is(run):
    """A bare prime reads as a derivative, and c′ was first used at one step and said at
    another: --explain says under its first heading what each version is, as the first
    step of a lesson does, in English and in Chinese."""
    from dataclasses import replace

    from backpropviz.render.dot import CLASSIC
    from backpropviz.render.statement_frames import lesson_of

    result = run(*TWICE, "--explain")
    assert result.exit_code == 0, result.output
    lines = result.output.split("\n")
    heading = next(k for k, line in enumerate(lines) if line.startswith("Backward pass"))
    assert lines[heading + 1] == "Names assigned again: c′ is c after c += c + 1"
    chinese = run(*TWICE, "--explain", "--lang", "zh")
    assert "c′ 是执行 c += c + 1 之后的 c" in chinese.output
    graph = backpropviz.trace(TWICE[0], a=-4, b=2)
    for style in (CLASSIC, replace(CLASSIC, collapse="statements")):
        first = lesson_of(graph, 2, style)[0].caption
        assert first[-1] == "Names assigned again: c′ is c after c += c + 1"
    plain = lesson_of(graph, 2, replace(CLASSIC, pretty_names=False))[0].caption
    assert plain[-1] == "Names assigned again: c' is c after c += c + 1"
    never = backpropviz.trace("c = a + b; d = c * 2", a=1, b=2)
    assert not any("assigned again" in line for line in lesson_of(never, 2, CLASSIC)[0].caption)
