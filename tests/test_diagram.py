"""The CS231n-style diagram: DOT text (no Graphviz needed), and SVG/PNG/PDF through ``dot``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import replace
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

import backpropviz
from backpropviz.render import engines
from backpropviz.render.dot import CLASSIC, render_dot

SIGMOID_EXPR = "1/(1+exp(-(w0*x0+w1*x1+w2)))"
SIGMOID_VALUES = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
SIGMOID = (SIGMOID_EXPR, "--w0", "2", "--x0", "-1", "--w1", "-3", "--x1", "-2", "--w2", "-3")
ADD_MUL = ("(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4")

GATE_LABELS = ["*", "*", "+", "+", "*-1", "exp", "+1", "1/x"]
INPUT_NAMES = ["w0", "x0", "w1", "x1", "w2"]
# Every wire of the CS231n sigmoid figure, in node order (w0, x0, *, w1, x1, *, +, w2, +,
# *-1, exp, +1, 1/x): value above in green, gradient below in red, 2 decimals.
WIRE_VALUES = ["2.00", "-1.00", "-2.00", "-3.00", "-2.00", "6.00", "4.00", "-3.00", "1.00",
               "-1.00", "0.37", "1.37", "0.73"]
WIRE_GRADS = ["-0.20", "0.39", "0.20", "-0.39", "-0.59", "0.20", "0.20", "0.20", "0.20",
              "-0.20", "-0.53", "-0.53", "1.00"]
PUBLISHED_VALUES = ["-2.00", "6.00", "4.00", "1.00", "-1.00", "0.37", "1.37", "0.73"]
PUBLISHED_GRADS = ["0.20", "-0.20", "-0.53", "1.00", "-0.39", "0.39", "-0.59"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def sigmoid_graph():
    return backpropviz.trace(SIGMOID_EXPR, SIGMOID_VALUES)


def wire_numbers(dot: str, color: str) -> list[str]:
    """The numbers printed in ``color`` in the DOT wire labels, in order."""
    return re.findall(rf'<font color="{re.escape(color)}" point-size="\d+">(?:<b>)?([^<]*)', dot)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".")
                  and p.name.endswith(".tmp"))


# --- DOT text -----------------------------------------------------------------------------

def test_dot_has_every_gate_label(sigmoid_graph):
    dot = render_dot(sigmoid_graph)
    gate_labels = re.findall(r'shape=circle, [^\]]*label="([^"]*)"', dot)
    assert gate_labels == GATE_LABELS
    names = re.findall(r'shape=plaintext, fontsize=\d+, label=<<i>([^>]*)<sub><font '
                       r'point-size="\d+">(\d)</font></sub></i>>', dot)
    assert ["".join(name) for name in names] == INPUT_NAMES  # w0 drawn as w, subscript 0
    plain = render_dot(sigmoid_graph, style=replace(CLASSIC, pretty_names=False))
    assert re.findall(r'shape=plaintext, fontsize=\d+, label=<([^>]*)>', plain) == INPUT_NAMES


def test_dot_wire_numbers_at_two_decimals(sigmoid_graph):
    dot = render_dot(sigmoid_graph)
    assert wire_numbers(dot, CLASSIC.value_color) == WIRE_VALUES
    assert wire_numbers(dot, CLASSIC.grad_color) == WIRE_GRADS


def test_dot_precision(sigmoid_graph):
    dot = render_dot(sigmoid_graph, 3)
    values = wire_numbers(dot, CLASSIC.value_color)
    grads = wire_numbers(dot, CLASSIC.grad_color)
    assert values[-3:] == ["0.368", "1.368", "0.731"]
    assert grads[:5] == ["-0.197", "0.393", "0.197", "-0.393", "-0.590"]
    assert all(re.fullmatch(r"-?\d+\.\d{3}", v) for v in values + grads)


def test_dot_precision_option(run, tmp_path):
    default, three = tmp_path / "a.dot", tmp_path / "b.gv"
    assert run(*SIGMOID, "-q", "-o", str(default)).exit_code == 0
    assert run(*SIGMOID, "-q", "--precision", "3", "-o", str(three)).exit_code == 0
    text2, text3 = default.read_text("utf-8"), three.read_text("utf-8")
    assert wire_numbers(text2, CLASSIC.value_color) == WIRE_VALUES
    assert wire_numbers(text2, CLASSIC.grad_color) == WIRE_GRADS
    assert wire_numbers(text3, CLASSIC.value_color)[-1] == "0.731"
    assert wire_numbers(text3, CLASSIC.grad_color)[0] == "-0.197"
    assert ">0.73<" not in text3


def test_dot_wires_follow_the_graph(sigmoid_graph):
    dot = render_dot(sigmoid_graph)
    edges = re.findall(r"  w(\d+):e -> n(\d+);", dot)
    expected = [(str(src), str(node.id)) for node in sigmoid_graph.nodes for src in node.inputs]
    assert edges == expected
    assert f"w{sigmoid_graph.output}:e -> out;" in dot
    assert dot.startswith("digraph backprop {") and dot.endswith("}\n")
    assert "rankdir=LR" in dot


def test_dot_is_deterministic(run, tmp_path):
    first, second = tmp_path / "1.dot", tmp_path / "2.dot"
    assert run(*SIGMOID, "-q", "-o", str(first)).exit_code == 0
    assert run(*SIGMOID, "-q", "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    graph = backpropviz.trace(SIGMOID_EXPR, SIGMOID_VALUES)
    assert first.read_text("utf-8") == render_dot(graph)


def test_dot_flags_nonfinite_nodes():
    dot = render_dot(backpropviz.trace("log(x)*y", x=-1, y=2))
    flagged = re.findall(r"n(\d+) \[shape=circle[^\]]*fillcolor=\"([^\"]+)\"", dot)
    assert flagged == [("1", CLASSIC.flag_fill), ("3", CLASSIC.flag_fill)]
    assert f'<font color="{CLASSIC.value_color}" point-size="16"><b>nan</b></font>' in dot
    # nodes x, log, y, *: d out / d y = log(-1) is nan as well
    # (the finite numbers are whole: written as CS231n writes them, -1 not -1.00)
    assert wire_numbers(dot, CLASSIC.value_color) == ["-1", "nan", "2", "nan"]
    assert wire_numbers(dot, CLASSIC.grad_color) == ["-2", "2", "nan", "1"]
    assert f'<font color="{CLASSIC.grad_color}" point-size="16"><b>nan</b></font>' in dot


def _rgb(color: str) -> tuple[int, int, int]:
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", color), color
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def test_style_values_green_gradients_red():
    r, g, b = _rgb(CLASSIC.value_color)
    assert g > r and g > b
    r, g, b = _rgb(CLASSIC.grad_color)
    assert r > g and r > b


def test_dot_negative_zero_and_tiny_numbers():
    # -0.0 shows as 0 (no sign the value lacks; every number is whole: no decimals)
    dot = render_dot(backpropviz.trace("-x", x=0))
    assert wire_numbers(dot, CLASSIC.value_color) == ["0", "0"]
    assert wire_numbers(render_dot(backpropviz.trace("-x", x=0), 2),
                        CLASSIC.value_color) == ["0.00", "0.00"]
    # By default a tiny number among fixed-point ones rounds to 0.00 (no -0.00) ...
    graph = backpropviz.trace("x*y", x=1e-4, y=-3)
    dot = render_dot(graph)
    assert wire_numbers(dot, CLASSIC.value_color) == ["0.00", "-3.00", "0.00"]
    assert wire_numbers(dot, CLASSIC.grad_color) == ["-3.00", "0.00", "1.00"]
    # ... and an explicit precision shows it in e-notation rather than as a misleading 0.00.
    dot = render_dot(graph, 2)
    assert wire_numbers(dot, CLASSIC.value_color) == ["1.0e-04", "-3.00", "-3.0e-04"]
    assert wire_numbers(dot, CLASSIC.grad_color) == ["-3.00", "1.0e-04", "1.00"]


def test_dot_escapes_quotes_in_labels():
    from backpropviz.render.dot import _quote

    assert _quote('a"b\\c') == '"a\\"b\\\\c"'


def test_dot_output_needs_no_graphviz(run, tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    target = tmp_path / "x.dot"
    result = run(*SIGMOID, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert wire_numbers(target.read_text("utf-8"), CLASSIC.value_color) == WIRE_VALUES


# --- SVG, PNG, PDF through dot ------------------------------------------------------------

def svg_texts(path: Path) -> list[tuple[str, str | None, bool]]:
    """(text, fill, inside a gate circle) of every <text> of the SVG."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    found = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        is_gate = group.find(f"{SVG}ellipse") is not None
        for text in group.iter(f"{SVG}text"):
            found.append(("".join(text.itertext()), text.get("fill"), is_gate))
    return found


@pytest.mark.needs_dot
def test_svg_sigmoid(run, tmp_path):
    target = tmp_path / "x.svg"
    result = run(*SIGMOID, "-o", str(target), "--plain-names")
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in result.stderr
    texts = svg_texts(target)
    all_texts = Counter(t for t, _, _ in texts)

    gates = [t for t, _, gate in texts if gate]
    assert sorted(gates) == sorted(GATE_LABELS)
    for name in INPUT_NAMES:
        assert all_texts[name] == 1, name

    green = Counter(t for t, fill, _ in texts if fill == CLASSIC.value_color)
    red = Counter(t for t, fill, _ in texts if fill == CLASSIC.grad_color)
    for value in PUBLISHED_VALUES:
        assert green[value] >= 1, value
    for grad in PUBLISHED_GRADS:
        assert red[grad] >= 1, grad
    # every wire: its value in green and its gradient in red, nothing else in those colours
    assert green == Counter(WIRE_VALUES)
    assert red == Counter(WIRE_GRADS)
    # gate labels and names are neither green nor red
    for text, fill, _ in texts:
        if text in GATE_LABELS or text in INPUT_NAMES:
            assert fill not in (CLASSIC.value_color, CLASSIC.grad_color), text


@pytest.mark.needs_dot
def test_svg_precision(run, tmp_path):
    target = tmp_path / "x.svg"
    assert run(*SIGMOID, "--precision", "3", "-q", "-o", str(target)).exit_code == 0
    texts = svg_texts(target)
    green = [t for t, fill, _ in texts if fill == CLASSIC.value_color]
    red = [t for t, fill, _ in texts if fill == CLASSIC.grad_color]
    assert "0.731" in green and "0.73" not in green
    assert "-0.590" in red and "-0.59" not in red


@pytest.mark.needs_dot
def test_png_signature(run, tmp_path):
    target = tmp_path / "x.png"
    assert run(*SIGMOID, "-q", "-o", str(target)).exit_code == 0
    data = target.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > height > 100  # left to right, and big enough to read


@pytest.mark.needs_dot
def test_pdf_signature(run, tmp_path):
    target = tmp_path / "x.pdf"
    assert run(*ADD_MUL, "-q", "-o", str(target)).exit_code == 0
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"%%EOF" in data[-1024:]


@pytest.mark.needs_dot
def test_several_outputs_at_once(run, tmp_path):
    names = ["a.svg", "b.png", "c.pdf", "d.dot", "e.gv", "f.json"]
    args = [arg for name in names for arg in ("-o", str(tmp_path / name))]
    result = run(*ADD_MUL, *args)
    assert result.exit_code == 0, result.output
    drawn = " (system Graphviz dot)"
    assert result.stderr.splitlines() == [
        f"wrote {tmp_path / name}{drawn if name[-3:] in ('svg', 'png', 'pdf') else ''}"
        for name in names]
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    assert ET.parse(tmp_path / "a.svg").getroot().tag == f"{SVG}svg"
    assert (tmp_path / "b.png").read_bytes()[:8] == PNG_SIGNATURE
    assert (tmp_path / "c.pdf").read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / "d.dot").read_bytes() == (tmp_path / "e.gv").read_bytes()
    assert b'"gradients"' in (tmp_path / "f.json").read_bytes()


@pytest.mark.needs_dot
def test_svg_flags_nonfinite_gate(run, tmp_path):
    target = tmp_path / "x.svg"
    result = run("log(x)", "--x", "-1", "-o", str(target))
    assert result.exit_code == 0
    root = ET.parse(target).getroot()
    fills = [e.get("fill") for g in root.iter(f"{SVG}g") if g.get("class") == "node"
             for e in g.iter(f"{SVG}ellipse")]
    assert fills == [CLASSIC.flag_fill]
    green = [t for t, fill, _ in svg_texts(target) if fill == CLASSIC.value_color]
    assert green == ["-1", "nan"]


# --- atomic writes ------------------------------------------------------------------------

@pytest.mark.needs_dot
def test_writes_leave_no_temporary_files(run, tmp_path):
    result = run(*SIGMOID, "-q", "-o", str(tmp_path / "x.svg"), "-o", str(tmp_path / "x.png"),
                 "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.json", "x.png", "x.svg"]
    assert leftovers(tmp_path) == []


def test_written_file_gets_normal_permissions(run, tmp_path):
    target = tmp_path / "x.dot"
    assert run(*ADD_MUL, "-q", "-o", str(target)).exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    if sys.platform != "win32":
        assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_replacing_overwrites_whole_file(run, tmp_path):
    target = tmp_path / "x.dot"
    target.write_text("x" * 100_000, encoding="utf-8")
    assert run(*ADD_MUL, "-q", "-o", str(target)).exit_code == 0
    text = target.read_text("utf-8")
    assert text.startswith("digraph") and text.endswith("}\n") and "xxx" not in text
    assert leftovers(tmp_path) == []


def test_failed_write_keeps_the_old_file_and_no_temporary(run, tmp_path, monkeypatch):
    target = tmp_path / "x.dot"
    target.write_bytes(b"OLD")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    result = run(*ADD_MUL, "-o", str(target))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"cannot write '{target}'" in result.stderr
    assert "Permission denied" in result.stderr
    assert target.read_bytes() == b"OLD"
    assert leftovers(tmp_path) == []


# --- Graphviz missing ---------------------------------------------------------------------

@pytest.fixture
def no_dot(tmp_path, monkeypatch) -> Path:
    """PATH holds only an empty folder: no system 'dot' (the embedded engine remains)."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None
    out = tmp_path / "out"
    out.mkdir()
    return out


@pytest.fixture
def no_graphviz(no_dot, monkeypatch) -> Path:
    """Neither the system 'dot' nor the embedded graphviz-pure."""
    monkeypatch.setattr(engines, "embedded_executable", lambda: None)
    return no_dot


@pytest.mark.parametrize("ext", ["svg", "png", "pdf"])
def test_no_graphviz_at_all_is_one_clear_line(run, no_graphviz, ext):
    target = no_graphviz / f"x.{ext}"
    result = run(*SIGMOID, "-o", str(target))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("Error: no Graphviz to draw with")
    assert "'dot'" in line and "graphviz-pure" in line
    assert "apt install graphviz" in line
    assert not target.exists()
    assert list(no_graphviz.iterdir()) == []


@pytest.mark.needs_embedded
@pytest.mark.parametrize("ext", ["svg", "png"])
def test_without_dot_the_embedded_engine_draws(run, no_dot, ext):
    target = no_dot / f"x.{ext}"
    result = run(*SIGMOID, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"wrote {target} (embedded graphviz-pure)"]
    if ext == "png":
        assert target.read_bytes()[:8] == PNG_SIGNATURE
    else:
        texts = svg_texts(target)
        assert sorted(t for t, _, gate in texts if gate) == sorted(GATE_LABELS)
        assert Counter(t for t, fill, _ in texts if fill == CLASSIC.value_color) == Counter(WIRE_VALUES)
        assert Counter(t for t, fill, _ in texts if fill == CLASSIC.grad_color) == Counter(WIRE_GRADS)


@pytest.mark.needs_embedded
def test_without_dot_pdf_says_what_to_install(run, no_dot):
    target = no_dot / "x.pdf"
    result = run(*SIGMOID, "-o", str(target))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert ".pdf needs the system Graphviz" in lines[0]
    assert "apt install graphviz" in lines[0]
    assert not target.exists()


def test_engine_dot_without_dot_is_an_error(run, no_dot):
    result = run(*SIGMOID, "-o", str(no_dot / "x.svg"), "--engine", "dot")
    assert result.exit_code == 2
    assert "--engine dot: Graphviz's 'dot' is not on PATH" in result.stderr
    assert list(no_dot.iterdir()) == []


def test_missing_graphviz_still_writes_dot_and_json(run, no_graphviz):
    result = run(*SIGMOID, "-o", str(no_graphviz / "x.dot"), "-o", str(no_graphviz / "x.json"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in no_graphviz.iterdir()) == ["x.dot", "x.json"]
    assert wire_numbers((no_graphviz / "x.dot").read_text("utf-8"), CLASSIC.grad_color) == WIRE_GRADS


def test_missing_graphviz_leaves_existing_files_untouched(run, no_graphviz):
    svg, dot = no_graphviz / "x.svg", no_graphviz / "x.dot"
    svg.write_bytes(b"<svg>old</svg>")
    dot.write_bytes(b"old dot")
    # The .dot could be written, but nothing is written when any output fails.
    result = run(*SIGMOID, "-o", str(dot), "-o", str(svg))
    assert result.exit_code == 2
    assert svg.read_bytes() == b"<svg>old</svg>"
    assert dot.read_bytes() == b"old dot"
    assert sorted(p.name for p in no_graphviz.iterdir()) == ["x.dot", "x.svg"]


@pytest.mark.needs_embedded
def test_without_dot_in_a_real_process(run_process, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    target = tmp_path / "x.svg"
    proc = run_process(*SIGMOID, "-o", str(target), env={"PATH": str(empty)})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == f"wrote {target} (embedded graphviz-pure)"
    assert ET.parse(target).getroot().tag == f"{SVG}svg"


# --- the needs_dot marker itself ----------------------------------------------------------

def _run_marked_test(tmp_path: Path, child_env, require: str | None) -> subprocess.CompletedProcess:
    """Run a one-test suite, marked needs_dot, with this conftest and no 'dot' on PATH."""
    suite = tmp_path / "suite"
    suite.mkdir()
    shutil.copy(Path(__file__).with_name("conftest.py"), suite / "conftest.py")
    (suite / "pytest.ini").write_text(textwrap.dedent("""\
        [pytest]
        markers =
            needs_dot: renders through the Graphviz 'dot' binary
        """), encoding="utf-8")
    (suite / "test_marked.py").write_text(textwrap.dedent("""\
        import pytest

        @pytest.mark.needs_dot
        def test_marked():
            pass
        """), encoding="utf-8")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = child_env(PATH=str(empty), BACKPROPVIZ_REQUIRE_DOT=require, PYTEST_ADDOPTS=None)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           str(suite)], capture_output=True, text=True, env=env, cwd=suite,
                          timeout=120)


def test_needs_dot_is_skipped_without_dot(tmp_path, child_env):
    proc = _run_marked_test(tmp_path, child_env, require=None)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 skipped" in proc.stdout
    assert "Graphviz's 'dot' is not on PATH" in proc.stdout


def test_needs_dot_fails_without_dot_when_required(tmp_path, child_env):
    proc = _run_marked_test(tmp_path, child_env, require="1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "skipped" not in proc.stdout
    assert "BACKPROPVIZ_REQUIRE_DOT=1 requires it" in proc.stdout


def test_a_graphviz_failure_is_told_by_its_error_line_not_the_quoted_text():
    # Graphviz ends with the DOT text it choked on; the cause is its "Error:" line
    stderr = (b"Error: <stdin>: syntax error in line 5 scanning a HTML string (missing '>'? "
              b"bad nesting? longer than 16384?)\nString starting:<<i>aaaaaaaaaaaaaaaaaaaa\n")
    assert engines._reason(stderr) == ("syntax error in line 5 scanning a HTML string "
                                       "(missing '>'? bad nesting? longer than 16384?)")
    assert engines._reason(b"Warning: something\nlast words\n") == "last words"
    assert engines._reason(b"") == ""


@pytest.mark.needs_dot
def test_a_name_longer_than_graphviz_takes_is_a_clear_error():
    # Graphviz 2.x refuses an HTML label over 16,384 characters
    name = "a" * 20_000
    dot = render_dot(backpropviz.trace(f"{name}*x", {name: 2, "x": 3}))
    try:
        engines.choose_engine("dot").render(dot, "svg")
    except backpropviz.RenderError as exc:
        message = str(exc)
    else:
        pytest.skip("this Graphviz takes labels over 16,384 characters")
    assert message.startswith("Graphviz could not render .svg: syntax error in line ")
    assert message.endswith("longer than 16384?)")
    assert "String starting" not in message and "aaaa" not in message


def test_a_folded_gates_x_is_not_confused_with_a_variable_x():
    """`2**y` was drawn `2**x` while a variable x existed (issue 14): then the gate's own
    input is written `·`; without a name x, CS231n's `1/x` stays."""
    import backpropviz

    def gate_labels(text: str, **values: float) -> list[str]:
        dot = render_dot(backpropviz.trace(text, **values))
        return re.findall(r'shape=circle, [^\]]*label="([^"]*)"', dot)

    assert gate_labels("2**y + x", x=1, y=3) == ["2**·", "+"]
    assert gate_labels("1/y - x", x=1, y=3) == ["1/·", "-"]
    assert gate_labels("x = 2; f = 1 - y*x", y=3) == ["*", "1-·"]
    assert gate_labels("2**y + 1/z", y=3, z=1) == ["2**x", "1/x", "+"]


def test_side_by_side_numbers_keep_clear_of_the_wire_in_tb():
    """--direction TB: value | gradient side by side touched the rule (~2 px, issue 14);
    a 6-point cell on each side keeps them apart (checked by eye in both engines' PNGs)."""
    import backpropviz
    from backpropviz.render.dot import CLASSIC

    graph = backpropviz.trace("(x+y)*z", x=3, y=-2, z=-4)
    tb = render_dot(graph, style=replace(CLASSIC, direction="TB"))
    # (the rule is the value cell's right border; a 6-point cell keeps the gradient off it;
    # tests/test_gates_drawn.py measures both in the SVG)
    assert tb.count('sides="r">') == tb.count('<td width="6"></td>') == len(graph.nodes)
    assert 'sides="r"' not in render_dot(graph)  # LR: value above, gradient below
