"""``-o - --format FMT`` writes an output to stdout (issue 16, point 5): binary safe, the
same bytes as the file, and nothing else on stdout."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from conftest import one_line_error, process_env

ADD_MUL = ("(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4")
SVG = "{http://www.w3.org/2000/svg}"


def stdout_bytes(*args: str) -> subprocess.CompletedProcess[bytes]:
    """``python -m backpropviz ARGS`` with stdout kept as bytes."""
    return subprocess.run([sys.executable, "-m", "backpropviz", *args], capture_output=True,
                          env=process_env(), timeout=120)


def test_svg_on_stdout_is_the_diagram(tmp_path):
    proc = stdout_bytes(*ADD_MUL, "-o", "-", "--format", "svg")
    assert proc.returncode == 0, proc.stderr
    root = ET.fromstring(proc.stdout)
    assert root.tag == f"{SVG}svg"
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"-12", "3", "-4"} <= texts  # (x+y)*z = -12, dz = x+y = 3, dx = z = -4 (all whole)
    assert b"wrote svg to stdout" in proc.stderr
    drawn = tmp_path / "f.svg"
    assert stdout_bytes(*ADD_MUL, "-o", str(drawn), "-q").returncode == 0
    assert drawn.read_bytes() == proc.stdout


def test_png_on_stdout_is_binary_safe(tmp_path):
    from PIL import Image

    proc = stdout_bytes(*ADD_MUL, "-o", "-", "--format", "png", "-q")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    image = Image.open(io.BytesIO(proc.stdout))
    assert image.format == "PNG" and image.size[0] > 100
    drawn = tmp_path / "f.png"
    assert stdout_bytes(*ADD_MUL, "-o", str(drawn), "-q").returncode == 0
    assert drawn.read_bytes() == proc.stdout


def test_json_on_stdout_is_the_json_document():
    proc = stdout_bytes(*ADD_MUL, "-o", "-", "--format", "json")
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    assert doc["value"] == -12.0 and doc["gradients"] == {"x": -4.0, "y": -4.0, "z": 3.0}


def test_dot_and_html_on_stdout():
    dot = stdout_bytes(*ADD_MUL, "-o", "-", "--format", "dot")
    assert dot.returncode == 0 and dot.stdout.startswith(b"digraph")
    html = stdout_bytes(*ADD_MUL, "-o", "-", "--format", "html", "-q")
    assert html.returncode == 0
    page = html.stdout.decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 1  # one drawing
    assert page.count('<section class="frame') == 5  # its steps; 2 gates: 2*2+1


def test_stdout_and_a_file_together(tmp_path):
    target = tmp_path / "g.dot"
    proc = stdout_bytes(*ADD_MUL, "-o", "-", "--format", "json", "-o", str(target))
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["value"] == -12.0
    assert target.read_text(encoding="utf-8").startswith("digraph")


@pytest.mark.parametrize("args, message", [
    (("-o", "-"), "-o - (stdout) needs --format svg|png|dot|json|html"),
    (("--format", "svg"), "--format is the format of -o - (stdout); give -o -"),
    (("--format", "svg", "-o", "x.svg"),
     "--format is the format of -o - (stdout); a file's format comes from its extension"),
    (("-o", "-", "-o", "-", "--format", "svg"),
     "only one output can go to stdout: give -o - once, without --json"),
    (("-o", "-", "--format", "svg", "--json"),
     "only one output can go to stdout: give -o - once, without --json"),
    (("-o", "-", "--format", "gif"), "Invalid value for '--format': 'gif' is not one of "
                                     "'svg', 'png', 'dot', 'json', 'html'."),
])
def test_wrong_uses_are_one_line_errors(run, tmp_path, args, message):
    result = run(*ADD_MUL, *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert one_line_error(result.stderr).startswith(f"Error: {message}")


def test_a_failed_check_with_the_output_on_stdout_says_so_on_stderr(run, monkeypatch):
    """The table (which shows the failure) is not printed when stdout takes an output."""
    from backpropviz.ops import OPS

    monkeypatch.setitem(OPS, "sin", OPS["sin"]._replace(derivative=lambda x, o, c: 2.0))
    result = run("sin(x)*y", "--x", "0.5", "--y", "3", "--check", "-o", "-", "--format",
                 "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["check"]["ok"] is False
    assert "error: --check found gradients that disagree" in result.stderr.splitlines()
