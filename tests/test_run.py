"""run(Options) -> Report as a library: the same numbers, messages and files as the command,
with no click in sight."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from backpropviz import ValuesError, trace
from backpropviz.errors import LimitError, RenderError
from backpropviz.run import Options, OptionsError, Report, program_source, run

run_lib = run  # (tests that compare with the command take its in-process fixture, ``run``)

CHAIN = dict(expression="(x+y)*z", variables=(("x", "-2"), ("y", "5"), ("z", "-4")))


def test_run_returns_the_evaluated_graph():
    # f = q*z with q = x+y: df/dx = df/dy = z = -4, df/dz = q = 3
    report = run(Options(**CHAIN))
    assert isinstance(report, Report)
    assert report.graph.value == -12.0
    assert report.graph.gradients == {"x": -4.0, "y": -4.0, "z": 3.0}
    assert report.ok and report.outputs == () and report.frames == ()
    assert report.steps is None and report.check is None and report.exact is None
    assert report.source is None and report.warnings == ()


def test_run_and_trace_agree():
    report = run(Options(**CHAIN, expand_gates=True))
    graph = trace("(x+y)*z", x=-2, y=5, z=-4, expand=True)
    assert report.graph.gradients == graph.gradients
    assert [n.value for n in report.graph.nodes] == [n.value for n in graph.nodes]


def test_options_from_params_are_the_commands_parameters():
    options = Options.from_params({"expression": "x*2", "precision": 3}, [("x", "1")])
    assert options == Options(expression="x*2", variables=(("x", "1"),), precision=3)
    assert options.decimals == 3 and Options().decimals == 2
    with pytest.raises(TypeError):
        Options.from_params({"no_such_option": 1})


def test_explain_check_and_exact_are_in_the_report():
    report = run(Options(**CHAIN, explain="both", check=True, exact=True))
    assert [s.phase for s in report.steps].count("forward") == 5
    assert report.names is not None and len(report.names) == 5
    assert report.check is not None and report.check.ok and report.ok
    assert str(report.exact.grads[report.graph.variable_ids["z"]]) == "3"


def test_values_file_and_warnings(tmp_path):
    values = tmp_path / "v.json"
    values.write_text('{"x": -2, "y": 5, "z": 1, "w": 0}')
    report = run(Options(expression="(x+y)*z", values_file=str(values),
                         variables=(("z", "-4"),)))
    assert report.graph.gradients == {"x": -4.0, "y": -4.0, "z": 3.0}
    assert report.warnings == (f"{values}: 'w' is not a variable of the program; skipped",)


def test_a_program_file_is_the_reports_source(tmp_path):
    program = tmp_path / "model.bp"
    program.write_text("q = x + y\nf = q * z\n")
    options = Options(expression=f"@{program}", variables=CHAIN["variables"])
    assert program_source(options) == str(program)
    assert run(options).source == str(program)
    assert program_source(Options(expression="-")) == "stdin"
    assert program_source(Options(expression="x")) is None


def test_outputs_are_rendered_then_written(tmp_path):
    target = tmp_path / "out.json"
    report = run(Options(**CHAIN, outputs=(str(target),), check=True))
    (output,) = report.outputs
    assert output.path == str(target) and output.format == "json" and output.engine is None
    assert target.read_bytes() == output.rendered.data
    doc = json.loads(target.read_text("utf-8"))
    assert doc["gradients"] == {"x": -4.0, "y": -4.0, "z": 3.0} and doc["check"]["ok"]


@pytest.mark.needs_embedded
def test_every_output_is_rendered_before_any_is_written(tmp_path):
    # the JSON renders; the PDF, which the embedded engine cannot write, then fails
    with pytest.raises(RenderError, match=r"^\.pdf needs the system Graphviz"):
        run(Options(**CHAIN, outputs=(str(tmp_path / "a.json"), str(tmp_path / "b.pdf")),
                    engine_choice="embedded"))
    assert list(tmp_path.iterdir()) == []


def test_nothing_is_written_when_a_limit_refuses_an_output(tmp_path):
    good = tmp_path / "good.dot"
    with pytest.raises(LimitError, match=r"more than --max-draw 2"):
        run(Options(**CHAIN, outputs=(str(good), str(tmp_path / "big.svg")), max_draw=2))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("options, message", [
    (Options(), "no expression: give EXPRESSION, -f FILE, @FILE, or - for stdin"),
    (Options(expression="x", program_file="f.bp"),
     "give the program either as EXPRESSION or with -f, not both"),
    (Options(expression="-", values_file="-"),
     "the program and --values cannot both come from stdin"),
    (Options(expression="x", steps_dir=" "), "--steps needs a folder name (it is made if missing)"),
])
def test_options_that_do_not_fit_are_options_errors(options, message):
    with pytest.raises(OptionsError) as caught:
        run(options)
    assert str(caught.value) == message


@pytest.mark.parametrize("flag, value, kwargs", [
    ("--q", "1", {"q": 1}),
    ("--pi", "2", {"pi": 2}),
    ("--z", "nan", {"z": float("nan")}),
])
def test_a_bad_value_reads_alike_through_trace_run_and_the_command(run, flag, value, kwargs):
    args = ("(x+y)*z", "--x", "-2", "--y", "5") + (("--z", "-4") if flag != "--z" else ())
    variables = (("x", "-2"), ("y", "5")) + ((("z", "-4"),) if flag != "--z" else ())
    with pytest.raises(ValuesError) as through_run:
        run_lib(Options(expression="(x+y)*z", variables=variables + ((flag[2:], value),)))
    result = run(*args, flag, value)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {through_run.value}\n"
    with pytest.raises(ValuesError) as through_trace:
        trace("(x+y)*z", **{"x": -2, "y": 5, "z": -4, **kwargs})
    if flag == "--z":  # the text as typed, or the number as given
        assert str(through_run.value) == "--z: 'nan' is not a finite number"
        assert str(through_trace.value) == "the value of 'z' is not a finite number (nan)"
    else:  # the command line also says which option gave it
        assert str(through_run.value) == f"{flag}: {through_trace.value}"


def test_a_missing_value_reads_alike_through_trace_run_and_the_command(run):
    with pytest.raises(ValuesError) as through_run:
        run_lib(Options(expression="(x+y)*z", variables=(("x", "1"),)))
    assert str(through_run.value) == "no value for y, z: pass --y VALUE --z VALUE"
    assert run("(x+y)*z", "--x", "1").stderr == f"Error: {through_run.value}\n"
    with pytest.raises(ValuesError, match=r"^no value for y, z$"):
        trace("(x+y)*z", x=1)


def test_run_imports_no_click_and_the_model_no_ui_or_renderer():
    code = ("import sys, backpropviz.run, backpropviz.graph, backpropviz.engine, "
            "backpropviz.values\n"
            "heavy = ('click', 'rich', 'sympy', 'backpropviz.render')\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy[:3] "
            "or m.startswith(heavy[3])))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("fmt", ["json", "dot"])
def test_a_json_or_dot_file_is_written_as_it_is_made(fmt, tmp_path, monkeypatch):
    """-o x.json and -o x.dot are streamed into their files in chunks (the text of a
    10M-node graph never sits in memory whole), byte for byte the text rendered whole."""
    from backpropviz.render import diagram
    from backpropviz.render.dot import render_dot
    from backpropviz.render.json_doc import render_json

    monkeypatch.setattr(diagram, "WRITE_CHUNK", 64)  # many chunks from a small graph
    target = tmp_path / f"out.{fmt}"
    report = run(Options(**CHAIN, outputs=(str(target),)))
    (output,) = report.outputs
    assert output.rendered.pieces is not None and output.rendered.body == b""
    chunks = list(output.rendered.chunks())
    assert len(chunks) >= 2 and all(len(c) >= 64 for c in chunks[:-1])
    whole = render_json(report.graph) if fmt == "json" else render_dot(report.graph)
    assert target.read_bytes() == b"".join(chunks) == whole.encode("utf-8")
