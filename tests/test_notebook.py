"""The Python API in a real notebook (issue 16, point 4): ``docs/notebook.ipynb`` executed
by nbclient on an ipykernel, its outputs checked: the diagram as SVG, the lesson as HTML,
the table and the files ``save`` writes."""

from __future__ import annotations

import html
import os
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import PACKAGE_ROOT

NOTEBOOK = PACKAGE_ROOT / "docs" / "notebook.ipynb"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook run top to bottom in a fresh kernel, in a temporary folder."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    folder = tmp_path_factory.mktemp("notebook")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), saved]))
    try:
        nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        if saved is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = saved
    return notebook, folder


def outputs(executed, source_start: str) -> list[dict]:
    notebook, _ = executed
    cell = next(c for c in notebook.cells if c.cell_type == "code"
                and c.source.startswith(source_start))
    assert not [o for o in cell.outputs if o.output_type == "error"], cell.outputs
    return cell.outputs


def test_the_graph_shows_as_its_diagram(executed):
    (shown,) = outputs(executed, "import backpropviz")
    root = ET.fromstring(shown["data"]["image/svg+xml"])
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"-12", "3", "-4", "1"} <= texts  # (x+y)*z, x+y, dz... by hand (all whole)


def test_variables_and_gradients_match_the_json(executed):
    (shown,) = outputs(executed, "g.variables")
    assert shown["data"]["text/plain"] == (
        "({'x': -2.0, 'y': 5.0, 'z': -4.0}, {'x': -4.0, 'y': -4.0, 'z': 3.0})")


def test_print_table_shows_every_row(executed):
    (shown,) = outputs(executed, "print(g.table())")
    lines = shown["text"].splitlines()
    assert lines[0].split() == ["#", "name", "gate", "computes", "value", "grad"]
    assert lines[-1] == "output  (x+y)*z = -12.0000"
    assert lines[6].split() == ["4", "*", "(x+y)*z", "-12.0000", "1.0000"]


def test_explain_and_check(executed):
    (explained,) = outputs(executed, "print(g.explain())")
    assert "4. ∂f/∂x = ∂f/∂q₁ · ∂q₁/∂x = -4.00 · 1 = -4.00" in explained["text"]
    (checked,) = outputs(executed, "g.check()")  # shown as the report, as --check prints it
    lines = checked["data"]["text/plain"].splitlines()
    assert lines[0].split() == ["variable", "backprop", "sympy", "rel", "err", "finite",
                                "diff", "rel", "err", "status"]
    assert [line.split()[:2] for line in lines[2:5]] == [["x", "-4.000000"],
                                                         ["y", "-4.000000"], ["z", "3.000000"]]
    assert lines[-1] == "check passed: all gradients agree"


def test_save_writes_the_files(executed):
    from PIL import Image

    _, folder = executed
    assert outputs(executed, "g.save(") == []
    with Image.open(folder / "circuit.png") as image:
        assert image.format == "PNG"
        assert image.getpixel((2, 2))[:3] != (255, 255, 255)  # the dark theme's background
    svg = ET.parse(folder / "circuit.svg").getroot()
    assert "-12.000" in {t.text for t in svg.iter(f"{SVG}text")}  # precision=3


def test_the_lesson_shows_as_the_stepper(executed):
    (shown,) = outputs(executed, "g.lesson()")
    frame = shown["data"]["text/html"]
    found = re.fullmatch(r'<iframe srcdoc="([^"]*)"[^>]*></iframe>', frame)
    assert found is not None, frame[:200]
    page = html.unescape(found.group(1))
    assert page.startswith("<!DOCTYPE html>")
    # 2 gates: 2 forward steps, the start and 2 backward steps, over one drawing
    assert page.count('<section class="frame') == 5 and page.count("<svg") == 1
