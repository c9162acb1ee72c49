"""``--json`` and ``-o FILE.json``: strict JSON, valid against the packaged JSON Schema, with
the CS231n reference numbers."""

from __future__ import annotations

import copy
import json
import math
from importlib import resources

import jsonschema
import pytest

import backpropviz
from backpropviz.ops import OPS
from backpropviz.render.json_doc import SCHEMA_ID, render_json, to_document

ADD_MUL = ("(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4")
SIGMOID = ("1/(1+exp(-(w0*x0+w1*x1+w2)))",
           "--w0", "2", "--x0", "-1", "--w1", "-3", "--x1", "-2", "--w2", "-3")

# CS231n, "Backpropagation, Intuitions": the two worked figures.
ADD_MUL_VALUE = -12.0
ADD_MUL_GRADIENTS = {"x": -4.0, "y": -4.0, "z": 3.0}
SIGMOID_VALUE = 0.7310585786300049
SIGMOID_GRADIENTS = {
    "w0": -0.19661193324148188,
    "x0": 0.39322386648296376,
    "w1": -0.39322386648296376,
    "x1": -0.5898357997244457,
    "w2": 0.19661193324148188,
}


def _reject_constant(name: str) -> None:
    raise ValueError(f"non-standard JSON constant {name}")


def strict_loads(text: str):
    """json.loads that refuses NaN, Infinity and -Infinity, as RFC 8259 does."""
    return json.loads(text, parse_constant=_reject_constant)


@pytest.fixture(scope="module")
def schema() -> dict:
    source = resources.files("backpropviz").joinpath("schema", "backpropviz-1.schema.json")
    return json.loads(source.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema) -> jsonschema.protocols.Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def run_json(run, *args: str) -> tuple[dict, str]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return strict_loads(result.stdout), result.stdout


# --- the schema itself --------------------------------------------------------------------

def test_schema_is_draft_2020_12(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema"]["const"] == SCHEMA_ID == "backpropviz/1"
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["node"]["additionalProperties"] is False


def test_schema_op_enum_is_the_op_table(schema):
    ops = schema["$defs"]["node"]["properties"]["op"]["enum"]
    assert len(ops) == len(set(ops))
    assert set(ops) == {"input", "const"} | {name for name, op in OPS.items() if not op.tensor}


def test_schema_number_accepts_exactly_numbers_and_nonfinite_strings(schema):
    number = jsonschema.Draft202012Validator({"$defs": schema["$defs"],
                                             "$ref": "#/$defs/number"})
    for ok in (0, -1.5, 1e300, "nan", "inf", "-inf"):
        assert number.is_valid(ok), ok
    for bad in ("NaN", "Infinity", "1.0", None, True, [1.0], {}):
        assert not number.is_valid(bad), bad


# --- the CS231n examples ------------------------------------------------------------------

def test_add_mul_document(run, validator):
    doc, _ = run_json(run, *ADD_MUL)
    validator.validate(doc)
    assert doc["schema"] == "backpropviz/1"
    assert doc["expression"] == "(x+y)*z"
    assert doc["variables"] == {"x": -2.0, "y": 5.0, "z": -4.0}
    assert doc["value"] == ADD_MUL_VALUE
    assert doc["gradients"] == ADD_MUL_GRADIENTS
    assert list(doc["gradients"]) == ["x", "y", "z"]
    nodes = doc["nodes"]
    assert [n["id"] for n in nodes] == list(range(5))
    assert [(n["op"], n["label"], n["inputs"]) for n in nodes] == [
        ("input", "x", []), ("input", "y", []), ("add", "+", [0, 1]),
        ("input", "z", []), ("mul", "*", [2, 3]),
    ]
    assert [(n["value"], n["grad"]) for n in nodes] == [
        (-2.0, -4.0), (5.0, -4.0), (3.0, -4.0), (-4.0, 3.0), (-12.0, 1.0),
    ]
    assert nodes[2]["local_grads"] == [1.0, 1.0]
    assert nodes[4]["local_grads"] == [-4.0, 3.0]
    assert doc["output"] == 4
    assert nodes[4]["span"] == [0, 7]
    assert nodes[2]["span"] == [1, 4]


def test_sigmoid_document(run, validator):
    doc, _ = run_json(run, *SIGMOID)
    validator.validate(doc)
    assert doc["value"] == pytest.approx(SIGMOID_VALUE, rel=1e-15, abs=0)
    assert list(doc["gradients"]) == list(SIGMOID_GRADIENTS)
    for name, grad in SIGMOID_GRADIENTS.items():
        assert doc["gradients"][name] == pytest.approx(grad, rel=1e-12, abs=0), name
    gates = [n for n in doc["nodes"] if n["op"] not in ("input", "const")]
    assert [g["label"] for g in gates] == ["*", "*", "+", "+", "*-1", "exp", "+1", "1/x"]
    assert [g["op"] for g in gates] == ["mul", "mul", "add", "add", "neg", "exp", "add_const",
                                        "rdiv_const"]
    assert [round(g["value"], 2) for g in gates] == [-2.0, 6.0, 4.0, 1.0, -1.0, 0.37, 1.37,
                                                      0.73]
    assert [round(g["grad"], 2) for g in gates] == [0.2, 0.2, 0.2, 0.2, -0.2, -0.53, -0.53,
                                                     1.0]
    assert gates[-1]["id"] == doc["output"]
    assert gates[6]["param"] == 1.0 and gates[7]["param"] == 1.0
    # gradients are the input nodes' grads
    for node in doc["nodes"]:
        if node["op"] == "input":
            assert doc["gradients"][node["name"]] == node["grad"]
            assert doc["variables"][node["name"]] == node["value"]


def test_every_input_precedes_its_gate(run):
    doc, _ = run_json(run, *SIGMOID)
    for node in doc["nodes"]:
        assert all(i < node["id"] for i in node["inputs"])
        assert len(node["local_grads"]) == len(node["inputs"])


# --- every op validates -------------------------------------------------------------------

OP_EXAMPLES = {
    "add": "x+y", "sub": "x-y", "mul": "x*y", "div": "x/y", "pow": "x**y",
    "max": "max(x,y)", "min": "min(x,y)",
    "add_const": "x+2", "sub_const": "x-2", "rsub_const": "2-x", "mul_const": "2*x",
    "div_const": "x/2", "rdiv_const": "2/x", "pow_const": "x^2", "rpow_const": "2**x",
    "neg": "-x", "exp": "exp(x)", "log": "log(x)", "sqrt": "sqrt(x)", "sin": "sin(x)",
    "cos": "cos(x)", "tan": "tan(x)", "tanh": "tanh(x)", "sigmoid": "sigmoid(x)",
    "relu": "relu(x)", "abs": "abs(x)", "atan": "atan(x)", "asin": "asin(x/2)",
    "acos": "acos(x/2)", "sinh": "sinh(x)", "cosh": "cosh(x)", "log2": "log2(x)",
    "log10": "log10(x)", "softplus": "softplus(x)", "gelu": "gelu(x)", "sign": "sign(x)",
}


def test_op_examples_cover_the_op_table():
    assert set(OP_EXAMPLES) == {name for name, op in OPS.items() if not op.tensor}


@pytest.mark.parametrize("op", sorted(OP_EXAMPLES))
def test_every_op_gives_a_valid_document(validator, op):
    expression = OP_EXAMPLES[op]
    values = {"x": 1.5, "y": 0.5} if "y" in expression else {"x": 1.5}
    graph = backpropviz.trace(expression, values)
    doc = strict_loads(render_json(graph))
    validator.validate(doc)
    assert op in [n["op"] for n in doc["nodes"]]


def test_constants_validate(validator):
    doc = to_document(backpropviz.trace("pi*x + e", x=2))
    validator.validate(doc)
    assert doc["nodes"][-1]["param"] == pytest.approx(math.e)
    lone = to_document(backpropviz.trace("3"))
    validator.validate(lone)
    assert lone["nodes"] == [{"id": 0, "op": "const", "label": "3", "inputs": [], "value": 3.0,
                              "grad": 1.0, "local_grads": [], "name": None, "param": 3.0,
                              "span": [0, 1]}]
    assert lone["variables"] == {} and lone["gradients"] == {}


# --- the schema rejects what it should ----------------------------------------------------

@pytest.fixture
def good_doc() -> dict:
    return to_document(backpropviz.trace("(x+y)*z", x=-2, y=5, z=-4))


@pytest.mark.parametrize("change", [
    lambda d: d.update(extra=1),
    lambda d: d.update(schema="backpropviz/2"),
    lambda d: d.pop("gradients"),
    lambda d: d.update(value="NaN"),
    lambda d: d.update(value=None),
    lambda d: d["gradients"].update(x="Infinity"),
    lambda d: d.update(output=-1),
    lambda d: d.update(output=1.5),
    lambda d: d.update(nodes=[]),
    lambda d: d["nodes"][0].update(extra=True),
    lambda d: d["nodes"][0].pop("grad"),
    lambda d: d["nodes"][2].update(op="plus"),
    lambda d: d["nodes"][2].update(inputs=["0", "1"]),
    lambda d: d["nodes"][2].update(inputs=[]),
    lambda d: d["nodes"][2].update(local_grads=["one", 1.0]),
    lambda d: d["nodes"][2].update(span=[1]),
    lambda d: d["nodes"][2].update(span=[1, 4, 5]),
    lambda d: d["nodes"][2].update(span=[1.5, 4]),
    lambda d: d["nodes"][2].update(param="pi"),
    lambda d: d["nodes"][0].update(name=None),
    lambda d: d["nodes"][0].update(inputs=[1]),
    lambda d: d["nodes"][0].update(label=None),
])
def test_schema_rejects_malformed_documents(validator, good_doc, change):
    validator.validate(good_doc)
    bad = copy.deepcopy(good_doc)
    change(bad)
    assert not validator.is_valid(bad)


# --- non-finite numbers -------------------------------------------------------------------

def test_nan_is_a_string_and_the_text_is_strict_json(run, validator):
    doc, text = run_json(run, "log(x)*y", "--x", "-1", "--y", "2")
    assert "NaN" not in text and "Infinity" not in text
    validator.validate(doc)
    log_node = doc["nodes"][1]
    assert log_node["op"] == "log"
    assert log_node["value"] == "nan"
    assert doc["value"] == "nan"
    assert [n["op"] for n in doc["nodes"]] == ["input", "log", "input", "mul"]
    assert doc["nodes"][3]["local_grads"] == [2.0, "nan"]
    assert doc["gradients"] == {"x": -2.0, "y": "nan"}


def test_inf_and_minus_inf_are_strings(run, validator):
    doc, text = run_json(run, "1/x", "--x", "0")
    validator.validate(doc)
    assert doc["value"] == "inf"
    assert doc["gradients"] == {"x": "-inf"}
    assert doc["nodes"][1]["local_grads"] == ["-inf"]
    doc, _ = run_json(run, "log(x)", "--x", "0")
    validator.validate(doc)
    assert doc["value"] == "-inf"
    assert doc["gradients"] == {"x": "inf"}


def test_nonfinite_param_is_a_string(validator):
    doc = to_document(backpropviz.trace("x*1e999", x=1))
    validator.validate(doc)
    assert doc["nodes"][1]["param"] == "inf"
    assert doc["value"] == "inf"


def test_strict_loads_rejects_nonstandard_constants():
    # The control for the tests above: the strict parser does refuse NaN.
    with pytest.raises(ValueError):
        strict_loads('{"value": NaN}')


# --- -o FILE.json and determinism -----------------------------------------------------------

@pytest.mark.parametrize("example", [ADD_MUL, SIGMOID], ids=["add_mul", "sigmoid"])
def test_output_file_is_the_same_document(run, validator, tmp_path, example):
    target = tmp_path / "out.json"
    result = run(*example, "--json", "-o", str(target))
    assert result.exit_code == 0, result.output
    written = target.read_bytes()
    assert written == result.stdout.encode("utf-8")
    validator.validate(strict_loads(written.decode("utf-8")))
    assert written.endswith(b"}\n")


def test_output_file_without_json_flag(run, tmp_path):
    target = tmp_path / "out.json"
    result = run(*ADD_MUL, "-o", str(target))
    assert result.exit_code == 0
    doc = strict_loads(target.read_text(encoding="utf-8"))
    assert doc["gradients"] == ADD_MUL_GRADIENTS
    assert "-12.0000" in result.stdout  # the table still goes to stdout


def test_two_runs_are_byte_identical(run):
    _, first = run_json(run, *SIGMOID)
    _, second = run_json(run, *SIGMOID)
    assert first == second


def test_two_processes_are_byte_identical(run_process):
    first = run_process(*SIGMOID, "--json")
    second = run_process(*SIGMOID, "--json")
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert strict_loads(first.stdout)["value"] == pytest.approx(SIGMOID_VALUE, rel=1e-15)


def test_expression_text_is_kept_verbatim(run, validator):
    # Spaces and all: the document holds the text as given, spans index into it.
    doc, _ = run_json(run, "x  *  y", "--x", "2", "--y", "3")
    validator.validate(doc)
    assert doc["expression"] == "x  *  y"
    assert doc["nodes"][2]["span"] == [0, 7]


@pytest.mark.parametrize("chunk", [1, 3, 4096])
def test_steps_are_one_per_line_and_parse_to_the_document(monkeypatch, validator, chunk):
    """The steps are written one per line, several to an encoder call: the text parses to
    the same steps as the document built as dicts, whatever the piece size."""
    from backpropviz.render import json_doc
    from backpropviz.run import Options, run as run_options

    monkeypatch.setattr(json_doc, "CHUNK", chunk)
    report = run_options(Options(expression="q = x*x  # a, \"b\"\nf = q + x*(x - 1)",
                                 variables=(("x", "3"),), explain="both", check=True))
    text = render_json(report.graph, steps=report.steps, names=report.names,
                       check=report.check)
    doc = strict_loads(text)
    validator.validate(doc)
    assert doc == to_document(report.graph, steps=report.steps, names=report.names,
                              check=report.check)
    lines = text.splitlines()
    first = lines.index('  "steps": [')
    count = len(report.steps)
    assert count == 10  # x, q, x - 1, x*(x - 1), f forward; f, q, n3, n2, x backward
    assert [json.loads(line.rstrip(","))["index"] for line in lines[first + 1:first + 1 + count]
            ] == [s.index for s in report.steps]
    assert lines[first + 1 + count] == "  ],"
    assert list(doc)[-3:] == ["warnings", "steps", "check"]


def test_no_steps_is_an_empty_list():
    from backpropviz.run import Options, run as run_options

    report = run_options(Options(expression="2", explain="backward"))
    doc = strict_loads(render_json(report.graph, steps=[], names=report.names))
    assert doc["steps"] == []


def test_step_contributions_with_nan_and_inf_are_strings(validator):
    """A contribution's numbers go straight to the encoder when finite, else as strings."""
    from backpropviz.run import Options, run as run_options

    report = run_options(Options(expression="f = log(x) * y + x", variables=(("x", "0"),
                                                                              ("y", "2")),
                                 explain="backward"))
    doc = strict_loads(render_json(report.graph, steps=report.steps, names=report.names))
    validator.validate(doc)
    parts = [p for step in doc["steps"] for p in step["contributions"]]
    assert [list(p) for p in parts] == [["via", "slot", "upstream", "local", "formula",
                                         "grad"]] * len(parts)
    assert {"inf", "-inf", "nan"} & {str(p[k]) for p in parts for k in ("local", "grad")}
    assert doc == to_document(report.graph, steps=report.steps, names=report.names)
