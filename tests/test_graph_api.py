"""Graph's methods (issue 16, point 4): each gives what the command's option gives, checked
against the command's own output and against numbers worked out by hand."""

from __future__ import annotations

import html
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from backpropviz import trace

ADD_MUL = ("(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def g():
    return trace("(x+y)*z", x=-2, y=5, z=-4)


def svg_texts(data: bytes) -> set[str]:
    return {t.text for t in ET.fromstring(data).iter(f"{SVG}text")}


def test_variables_are_the_jsons_names_to_values(g, run):
    document = json.loads(run(*ADD_MUL, "--json").stdout)
    assert g.variables == document["variables"] == {"x": -2.0, "y": 5.0, "z": -4.0}
    assert g.variable_ids == {"x": 0, "y": 1, "z": 3}


def test_to_json_and_to_dict_are_the_json_document(g, run):
    assert g.to_json() == run(*ADD_MUL, "--json").stdout
    full = run(*ADD_MUL, "--json", "--explain", "both", "--exact", "--precision", "3").stdout
    assert g.to_json(explain="both", exact=True, precision=3) == full
    assert g.to_dict(explain="both", exact=True, precision=3) == json.loads(full)


def test_table_prints_as_the_command_does(g, run):
    assert str(g.table()) + "\n" == run(*ADD_MUL).stdout
    out = io.StringIO()
    print(g.table(precision=1), file=out)
    assert out.getvalue().splitlines()[-1] == "output  (x+y)*z = -12.0"


def test_table_renders_with_rich_fitted_to_the_console(g):
    from rich.console import Console

    out = io.StringIO()
    Console(file=out, width=40, color_system=None).print(g.table(exact=True))
    text = out.getvalue()
    assert max(map(len, text.splitlines())) <= 40
    assert "-12.0000" in text.split() and "-12" in text.split()  # value, exact value


def test_explain_is_the_commands_text(g, run):
    printed = run(*ADD_MUL, "--explain", "both").stdout
    assert printed.endswith(g.explain("both") + "\n")
    assert "4. ∂f/∂x = ∂f/∂q₁ · ∂q₁/∂x = -4.00 · 1 = -4.00" in g.explain().splitlines()


def test_check_returns_a_report_and_never_exits(g):
    report = g.check()
    assert report.ok is True
    assert [(c.name, c.backprop) for c in report.checks] == [("x", -4.0), ("y", -4.0),
                                                             ("z", 3.0)]
    assert str(report).splitlines()[-1] == "check passed: all gradients agree"


def test_check_at_a_kink_says_so():
    report = trace("relu(x)", x=0).check()
    assert report.kinks and report.ok


def test_to_dot_is_the_dot_file(g, run, tmp_path):
    target = tmp_path / "g.dot"
    assert run(*ADD_MUL, "-o", str(target), "--theme", "print").exit_code == 0
    assert g.to_dot(theme="print") == target.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["g.svg", "g.png", "g.dot", "g.json", "g.html", "g.gif"])
def test_save_writes_the_same_bytes_as_the_command(g, run, tmp_path, name):
    by_api, by_cli = tmp_path / f"api-{name}", tmp_path / f"cli-{name}"
    g.save(str(by_api), theme="dark", direction="TB", scale=0.5)
    result = run(*ADD_MUL, "-o", str(by_cli), "--theme", "dark", "--direction", "TB",
                 "--scale", "0.5")
    assert result.exit_code == 0, result.output
    assert by_api.read_bytes() == by_cli.read_bytes()


def test_save_precision_shows_in_the_svg(g, tmp_path):
    target = tmp_path / "g.svg"
    g.save(target, precision=3)
    assert {"-12.000", "3.000", "-4.000"} <= svg_texts(target.read_bytes())


def test_lesson_shows_in_jupyter_as_the_stepper(g, tmp_path):
    lesson = g.lesson()
    found = re.fullmatch(r'<iframe srcdoc="([^"]*)"[^>]*></iframe>', lesson._repr_html_())
    assert found is not None and html.unescape(found.group(1)) == lesson.html
    assert lesson.html.count('<section class="frame') == 5  # 2 gates: 2*2 + 1 steps
    assert lesson.html.count("<svg") == 1  # (of one drawing)
    lesson.save(str(tmp_path / "l.html"))
    assert (tmp_path / "l.html").read_text(encoding="utf-8") == lesson.html


@pytest.mark.parametrize("call, error, message", [
    (lambda g: g.to_dot(theem="dark"), TypeError,
     "unknown keyword theem='dark'; did you mean 'theme'?"),
    (lambda g: g.lesson(scael=2), TypeError,
     "unknown keyword scael=2; did you mean 'scale'?"),
    (lambda g: g.save("x.svg", theem="dark"), TypeError,
     "Graph.save() got an unexpected keyword argument 'theem'"),
    (lambda g: g.save("x.svg", scale=0), ValueError,
     "scale must be a number from 0.25 to 8, not 0"),
    (lambda g: g.to_dot(theme="neon"), ValueError,
     "theme must be one of classic, dark, print, safe, not 'neon'"),
    (lambda g: g.to_json(precision=16), ValueError,
     "precision must be a whole number from 0 to 15, not 16"),
    (lambda g: g.explain("sideways"), ValueError,
     "explain must be one of forward, backward, both, not 'sideways'"),
])
def test_bad_keywords_say_what_is_wrong(g, call, error, message):
    with pytest.raises(error) as caught:
        call(g)
    assert str(caught.value).startswith(message)


def test_save_refuses_an_unknown_format(g, tmp_path):
    from backpropviz import RenderError

    with pytest.raises(RenderError, match="cannot tell the format of"):
        g.save(str(tmp_path / "g.bmp"))


def test_explain_is_plain_text_even_where_colour_is_forced(g, monkeypatch):
    """(A Jupyter kernel forces colour; rich would then send the steps to the notebook as
    display data instead of returning them.)"""
    monkeypatch.setenv("FORCE_COLOR", "1")
    text = g.explain()
    assert "\x1b" not in text and text.splitlines()[0].startswith("Backward pass")


# --- the time budget and whole numbers, as the command line has them ----------------------

SQUARING = "\n".join(["a1 = x*x"] + [f"a{i} = a{i - 1}*a{i - 1}" for i in range(2, 31)])


def test_timeout_reaches_the_sympy_work_and_says_timeout_equals():
    import time
    import warnings

    from backpropviz.budget import OutOfTime

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (a23 and later overflow to inf)
        graph = trace(SQUARING, x=1.2345678)
    start = time.monotonic()
    with pytest.raises(OutOfTime) as caught:
        graph.table(exact=True, timeout=1)
    assert time.monotonic() - start < 30
    message = str(caught.value)
    assert message.startswith("--exact: gave up at node ")
    assert "(timeout=1)" in message and "raise timeout to wait longer" in message
    assert "--timeout" not in message


def test_whole_number_keywords_refuse_fractions():
    graph = trace("x*y", x=1, y=2)
    for call in (lambda: graph.to_dot(precision=2.5), lambda: graph.explain(precision=1.5),
                 lambda: graph.to_dot(frame_ms=100.5)):
        with pytest.raises(ValueError, match="must be a whole number from"):
            call()
    assert "2.00" in graph.to_dot(precision=2)  # an int is fine
