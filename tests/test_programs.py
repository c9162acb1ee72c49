"""Programs (issue 3): statements, re-assignment, named intermediates, files and stdin,
values from JSON.

Numbers come from independent references (the CS231n notes, micrograd's README and
walkthrough) and from ``sympy.diff`` of the same program built symbolically by hand in
Python: each statement is executed as a Python assignment on sympy expressions, so a
re-assignment (``c += c + 1``) rebinds the name exactly as the program does.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Callable, Mapping

import jsonschema
import pytest

import backpropviz
import sympy as sp

from backpropviz import ExpressionSyntaxError, trace
from backpropviz.render.dot import CLASSIC, render_dot
from backpropviz.render.table import table_rows

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "samples"
#: The samples on numbers (those on arrays, whose values are lists: tests/test_tensor.py).
SAMPLES = sorted(p for p in SAMPLES_DIR.glob("*.bp") if not any(
    isinstance(v, list) for v in json.loads(p.with_suffix(".json").read_text()).values()))

STAGED = "q = x + y; f = q * z"
STAGED_VALUES = ("--x", "-2", "--y", "5", "--z", "-4")
SVG = "{http://www.w3.org/2000/svg}"


# --- helpers ------------------------------------------------------------------------------

def run_json(run, *args: str, input: str | None = None) -> dict:
    """Run with --json; the run must succeed; returns the parsed document."""
    result = run(*args, "--json", input=input)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def usage_error(result) -> str:
    """The run failed with exit 2 and a clean message on stderr (nothing on stdout, no
    traceback); returns stderr."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: "), result.stderr
    assert result.stderr.count("Error:") == 1, result.stderr
    return result.stderr


def one_line_error(result) -> str:
    """A usage error of exactly one line; returns that line."""
    err = usage_error(result)
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 1, err
    return lines[0]


def located_error(result, at: str) -> tuple[str, str]:
    """A usage error of three lines: the message, the offending line, a caret under the
    text ``at``. Returns (message line, the shown source line)."""
    err = usage_error(result)
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 3, err
    message, shown, caret = lines
    assert caret.strip() == "^", err
    column = caret.index("^")
    assert shown[column:].startswith(at), f"caret not under {at!r}:\n{err}"
    return message, shown


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


# --- sympy: evaluating hand-built expressions -----------------------------------------------

def symbols(names) -> dict[str, sp.Symbol]:
    return {name: sp.Symbol(name, real=True) for name in names}


def sig(u):
    return 1 / (1 + sp.exp(-u))


def relu(u):
    return sp.Max(0, u)


def numeric(expr, subs: Mapping[sp.Symbol, float]) -> float:
    value = sp.N(expr.subs(subs), 30)
    assert value.is_real, f"{expr} is not a real number at {subs}: {value}"
    return float(value)


def check_against_sympy(graph, expr, sym: Mapping[str, sp.Symbol],
                        values: Mapping[str, float]) -> None:
    """The graph's value and every gradient equal the hand-built expression's and its
    sympy.diff, to a relative 1e-9."""
    subs = {sym[name]: sp.Float(value) for name, value in values.items()}
    assert expr.free_symbols <= set(subs), "the sympy program uses a name without a value"
    assert set(graph.gradients) == {s.name for s in expr.free_symbols}
    want = numeric(expr, subs)
    assert math.isclose(graph.value, want, rel_tol=1e-9, abs_tol=1e-12), (graph.value, want)
    for name, got in graph.gradients.items():
        expected = numeric(sp.diff(expr, sym[name]), subs)
        assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12), (name, got, expected)


# --- the samples, written by hand in sympy ------------------------------------------------

def sym_cs231n_staged(v):
    x, y = v["x"], v["y"]
    sigy = 1 / (1 + sp.exp(-y))
    num = x + sigy
    sigx = 1 / (1 + sp.exp(-x))
    xpy = x + y
    xpysqr = xpy**2
    den = sigx + xpysqr
    invden = 1 / den
    f = num * invden
    return f


def sym_micrograd_neuron(v):
    x1, x2, w1, w2, b = v["x1"], v["x2"], v["w1"], v["w2"], v["b"]
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = sp.tanh(n)
    return o


def sym_micrograd_readme(v):
    a, b = v["a"], v["b"]
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + relu(b + a)
    d += 3 * d + relu(b - a)
    h = c - d
    f = h**2
    g = f / 2
    g += 10 / f
    return g


def sym_mlp_mse(v):
    x1, x2, t = v["x1"], v["x2"], v["t"]
    w11, w12, b1, w21, w22, b2 = v["w11"], v["w12"], v["b1"], v["w21"], v["w22"], v["b2"]
    v1, v2, c = v["v1"], v["v2"], v["c"]
    h1 = sp.tanh(w11 * x1 + w12 * x2 + b1)
    h2 = sp.tanh(w21 * x1 + w22 * x2 + b2)
    y = v1 * h1 + v2 * h2 + c
    diff = y - t
    loss = diff**2
    return loss


def sym_softmax_ce(v):
    x1, x2 = v["x1"], v["x2"]
    s1 = v["w11"] * x1 + v["w12"] * x2 + v["b1"]
    s2 = v["w21"] * x1 + v["w22"] * x2 + v["b2"]
    s3 = v["w31"] * x1 + v["w32"] * x2 + v["b3"]
    e1 = sp.exp(s1)
    e2 = sp.exp(s2)
    e3 = sp.exp(s3)
    total = e1 + e2 + e3
    p1 = e1 / total
    loss = -sp.log(p1)
    return loss


SYMPY_SAMPLES: dict[str, Callable[[dict[str, sp.Symbol]], sp.Expr]] = {
    "cs231n_staged": sym_cs231n_staged,
    "micrograd_neuron": sym_micrograd_neuron,
    "micrograd_readme": sym_micrograd_readme,
    "mlp_mse": sym_mlp_mse,
    "softmax_ce": sym_softmax_ce,
}


def sample_values(path: Path) -> dict[str, float]:
    return json.loads(path.with_suffix(".json").read_text("utf-8"))


def test_samples_exist_with_values():
    assert SAMPLES, "samples/*.bp is empty"
    for path in SAMPLES:
        assert path.with_suffix(".json").is_file(), f"{path.name} has no {path.stem}.json"


def test_every_sample_has_a_sympy_counterpart():
    assert {p.stem for p in SAMPLES} == set(SYMPY_SAMPLES)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_matches_sympy(run, path):
    assert path.stem in SYMPY_SAMPLES, f"write a sympy counterpart of {path.name}"
    values = sample_values(path)
    sym = symbols(values)
    expr = SYMPY_SAMPLES[path.stem](sym)
    doc = run_json(run, "-f", str(path), "--values", str(path.with_suffix(".json")))
    assert doc["warnings"] == []
    graph = trace(path.read_text("utf-8"), values)
    assert graph.value == doc["value"] and graph.gradients == doc["gradients"]
    check_against_sympy(graph, expr, sym, values)


# --- independent reference numbers ----------------------------------------------------------

def test_cs231n_staged_reference(run):
    path = SAMPLES_DIR / "cs231n_staged.bp"
    doc = run_json(run, "-f", str(path), "--x", "3", "--y", "-4")
    assert doc["output_name"] == "f"
    assert f"{doc['value']:.6f}" == "1.545645"
    assert f"{doc['gradients']['x']:.6f}" == "2.059570"
    assert f"{doc['gradients']['y']:.6f}" == "1.592233"
    names = [n["name"] for n in doc["nodes"] if n["op"] not in ("input", "const")
             and n["name"] is not None]
    assert names == ["sigy", "num", "sigx", "xpy", "xpysqr", "den", "invden", "f"]


def test_micrograd_readme_reference(run):
    path = SAMPLES_DIR / "micrograd_readme.bp"
    doc = run_json(run, "-f", str(path), "--a", "-4", "--b", "2")
    assert f"{doc['value']:.4f}" == "24.7041"
    assert f"{doc['gradients']['a']:.4f}" == "138.8338"
    assert f"{doc['gradients']['b']:.4f}" == "645.5773"


def test_micrograd_neuron_reference(run):
    path = SAMPLES_DIR / "micrograd_neuron.bp"
    doc = run_json(run, "-f", str(path), "--values", str(path.with_suffix(".json")))
    assert f"{doc['value']:.4f}" == "0.7071"
    grads = doc["gradients"]
    for name, want in {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}.items():
        assert math.isclose(grads[name], want, rel_tol=0, abs_tol=1e-12), (name, grads[name])


def test_micrograd_sanity_check_reference():
    # micrograd's test_engine.py test_sanity_check (checked there against PyTorch)
    graph = trace("z = 2*x + 2 + x; q = relu(z) + z*x; h = relu(z*z); y = h + q + q*x", x=-4)
    assert graph.value == -20.0
    assert graph.gradients == {"x": 46.0}


# --- micrograd-style re-assignment programs vs sympy ------------------------------------------

def sym_chain(v):
    a, b = v["a"], v["b"]
    c = a * b
    c += c + 1
    c *= a
    c -= b / 2
    c /= 3
    return c


def sym_relu_mix(v):
    a, b = v["a"], v["b"]
    c = a + b
    d = a * b + b**3
    c += c + 1
    d += d * 2 + relu(b + a)
    d -= relu(a - 2 * b)
    k = c - d
    g = k**2 / 2
    return g


def sym_tanh_unit(v):
    w, x, b, t = v["w"], v["x"], v["b"], v["t"]
    h = sp.tanh(w * x + b)
    h *= h
    h += sig(x)
    h /= 1 + x**2
    loss = (h - t)**2
    return loss


def sym_max_min_abs(v):
    a, b = v["a"], v["b"]
    m = sp.Max(a, b)
    m -= sp.Min(a * b, 1)
    m *= sp.Abs(a - b)
    m += m * 2 + sp.sqrt(a * a + 1)
    m /= a
    m = m - sp.log(b * b)
    return m


def sym_alias_keeps_old_version(v):
    a, b = v["a"], v["b"]
    c = a * b
    d = c
    c += 1
    c *= d
    d -= c / 4
    g = d + c
    return g


def sym_sanity_check(v):
    x = v["x"]
    z = 2 * x + 2 + x
    q = relu(z) + z * x
    h = relu(z * z)
    y = h + q + q * x
    return y


REASSIGNMENT_PROGRAMS = {
    "chain": ("c = a*b; c += c + 1; c *= a; c -= b/2; c /= 3", sym_chain,
              [{"a": 2, "b": 3}, {"a": -1.5, "b": 0.25}, {"a": 0.7, "b": -4}]),
    "relu_mix": ("c = a + b\nd = a*b + b**3\nc += c + 1\nd += d*2 + relu(b + a)\n"
                 "d -= relu(a - 2*b)\nk = c - d\ng = k**2 / 2",
                 sym_relu_mix,
                 # away from the kinks b + a = 0 and a - 2b = 0
                 [{"a": -4, "b": 2}, {"a": 1.5, "b": 0.5}, {"a": 3, "b": -1}]),
    "tanh_unit": ("h = tanh(w*x + b); h *= h; h += sigmoid(x); h /= 1 + x**2; "
                  "loss = (h - t)**2",
                  sym_tanh_unit,
                  [{"w": 0.5, "x": -1.2, "b": 0.3, "t": 0.1},
                   {"w": -2, "x": 0.7, "b": 1, "t": -0.4}]),
    "max_min_abs": ("m = max(a, b); m -= min(a*b, 1); m *= abs(a - b); "
                    "m += m*2 + sqrt(a*a + 1); m /= a; m = m - log(b*b)",
                    sym_max_min_abs,
                    # away from a = b and a*b = 1
                    [{"a": 2, "b": -3}, {"a": -0.5, "b": 1.5}, {"a": 1.25, "b": 0.75}]),
    "alias_keeps_old_version": ("c = a * b; d = c; c += 1; c *= d; d -= c / 4; g = d + c",
                                sym_alias_keeps_old_version,
                                [{"a": 2, "b": 3}, {"a": -0.5, "b": 1.75}]),
    "sanity_check": ("z = 2*x + 2 + x; q = relu(z) + z*x; h = relu(z*z); y = h + q + q*x",
                     sym_sanity_check,
                     [{"x": -4}, {"x": 1.5}, {"x": 0.25}]),
}

REASSIGNMENT_CASES = [
    pytest.param(name, i, id=f"{name}-{i}")
    for name, (_, _, points) in REASSIGNMENT_PROGRAMS.items() for i in range(len(points))
]


@pytest.mark.parametrize("name,point", REASSIGNMENT_CASES)
def test_reassignment_program_matches_sympy(name, point):
    program, builder, points = REASSIGNMENT_PROGRAMS[name]
    values = {k: float(v) for k, v in points[point].items()}
    sym = symbols(values)
    graph = trace(program, values)
    assert graph.warnings == []
    check_against_sympy(graph, builder(sym), sym, values)


def test_reassignment_program_through_the_cli(run):
    program, builder, points = REASSIGNMENT_PROGRAMS["chain"]
    doc = run_json(run, program, "--a", "2", "--b", "3")
    sym = symbols(["a", "b"])
    expr = builder(sym)
    subs = {sym["a"]: 2, sym["b"]: 3}
    assert doc["value"] == pytest.approx(float(expr.subs(subs)), rel=1e-12)  # 49/6
    assert doc["gradients"]["a"] == pytest.approx(float(sp.diff(expr, sym["a"]).subs(subs)))
    assert doc["gradients"]["b"] == pytest.approx(float(sp.diff(expr, sym["b"]).subs(subs)))
    assert doc["output_name"] == "c"


# --- semantics: names, SSA, output selection, JSON -------------------------------------------

def test_reassigned_name_is_a_new_node_each_time():
    graph = trace("c = a*b; c += c + 1; c *= a", a=2, b=3)
    named_c = [n for n in graph.nodes if n.name == "c"]
    assert len(named_c) == 3
    assert len({n.id for n in named_c}) == 3
    first, second, third = named_c
    assert (first.op, second.op, third.op) == ("mul", "add", "mul")
    # c += c + 1 reads the first c twice (directly and through +1); c *= a reads the second
    assert first.id in second.inputs
    plus_one = graph.nodes[[i for i in second.inputs if i != first.id][0]]
    assert plus_one.label == "+1" and plus_one.inputs == (first.id,)
    assert third.inputs == (second.id, graph.variable_ids["a"])
    assert graph.output == third.id and graph.output_name == "c"
    assert (first.value, second.value, third.value) == (6.0, 13.0, 26.0)
    # d(3rd c)/d(1st c) = a * d(2c + 1)/dc = 2 * 2
    assert first.grad == 4.0


def test_reassigned_name_in_table_json_and_diagram(run, tmp_path):
    program = "c = a*b; c += c + 1; c *= a"
    dot = tmp_path / "c.dot"
    doc = run_json(run, program, "--a", "2", "--b", "3", "-o", str(dot))
    assert [n["name"] for n in doc["nodes"]].count("c") == 3
    rows = table_rows(trace(program, a=2, b=3))
    assert [row[1] for row in rows].count("c") == 3
    assert dot.read_text("utf-8").count("<i>c</i> = ") == 3


def test_named_nodes_in_json(run):
    doc = run_json(run, STAGED, *STAGED_VALUES)
    by_name = {n["name"]: n for n in doc["nodes"] if n["name"] is not None}
    assert set(by_name) == {"x", "y", "z", "q", "f"}
    assert (by_name["q"]["op"], by_name["q"]["value"], by_name["q"]["grad"]) == ("add", 3.0, -4.0)
    assert (by_name["f"]["op"], by_name["f"]["value"]) == ("mul", -12.0)
    assert doc["output"] == by_name["f"]["id"]
    assert doc["output_name"] == "f"
    assert doc["value"] == -12.0
    assert doc["gradients"] == {"x": -4.0, "y": -4.0, "z": 3.0}


def test_named_nodes_in_table(run):
    result = run(STAGED, *STAGED_VALUES)
    assert result.exit_code == 0, result.output
    out = result.stdout
    header = out.splitlines()[0].split()
    assert header[:2] == ["#", "name"]
    assert re.search(r"^\s*2\s+q\s+\+\s+x \+ y\s+3\.0000\s+-4\.0000$", out, re.M), out
    assert re.search(r"^\s*4\s+f\s+\*\s+q \* z\s+-12\.0000\s+1\.0000$", out, re.M), out
    assert out.rstrip().splitlines()[-1] == "output  f = -12.0000"


def test_named_wire_in_dot(run, tmp_path):
    target = tmp_path / "staged.dot"
    result = run(STAGED, *STAGED_VALUES, "-o", str(target))
    assert result.exit_code == 0, result.output
    dot = target.read_text("utf-8")
    graph = trace(STAGED, x=-2, y=5, z=-4)
    q = next(n for n in graph.nodes if n.name == "q")
    wire = re.search(rf"^  w{q.id} \[.*$", dot, re.M).group()
    assert re.search(r"<i>q</i> = </font><font color=\"" + re.escape(CLASSIC.value_color)
                     + r"\" point-size=\"\d+\">3<", wire), wire  # (all whole: as CS231n, 3)
    assert "<i>f</i> = " in dot
    # input wires carry no "name =": the name is already the node's label
    assert dot.count("</i> = ") == 2


@pytest.mark.needs_dot
def test_named_wire_in_svg(run, tmp_path):
    target = tmp_path / "staged.svg"
    result = run(STAGED, *STAGED_VALUES, "-q", "-o", str(target))
    assert result.exit_code == 0, result.output
    root = ET.parse(target).getroot()
    texts = [("".join(t.itertext()), t.get("fill")) for t in root.iter(f"{SVG}text")]
    joined = [t for t, _ in texts]
    i = joined.index("q")
    assert joined[i + 1].strip() == "="
    assert joined[i + 2] == "3" and texts[i + 2][1] == CLASSIC.value_color
    j = joined.index("f")
    assert joined[j + 1].strip() == "=" and joined[j + 2] == "-12"


def test_alias_does_not_rename_the_input():
    graph = trace("q = x; f = q * z", x=-2, z=3)
    x = graph["x"]
    assert (x.op, x.label, x.name) == ("input", "x", "x")
    assert all(n.name != "q" for n in graph.nodes)
    assert set(graph.variable_ids) == {"x", "z"}
    assert graph.value == -6.0 and graph.gradients == {"x": 3.0, "z": -2.0}
    assert "</i> = " not in render_dot(graph).replace("<i>f</i> = ", "")


def test_output_picks_an_intermediate(run):
    doc = run_json(run, STAGED, *STAGED_VALUES, "--output", "q")
    assert doc["output_name"] == "q"
    assert doc["value"] == 3.0
    assert doc["gradients"] == {"x": 1.0, "y": 1.0, "z": 0.0}
    out = doc["nodes"][doc["output"]]
    assert out["name"] == "q" and out["op"] == "add" and out["grad"] == 1.0


def test_output_picks_the_latest_version_of_a_reassigned_name():
    graph = trace("c = a*b; c += 1; d = c * 2", a=2, b=3, output="c")
    assert graph.value == 7.0
    assert graph.gradients == {"a": 3.0, "b": 2.0}


def test_output_name_is_null_for_a_bare_last_expression(run):
    doc = run_json(run, "q = x + y; q * z", *STAGED_VALUES)
    assert doc["output_name"] is None
    assert doc["value"] == -12.0
    doc = run_json(run, "(x+y)*z", *STAGED_VALUES)
    assert doc["output_name"] is None and doc["warnings"] == []


@pytest.mark.parametrize("program, name", [
    ("q = (x + y)*z; q", "q"),
    ("q = (x + y)*z\nr = q\nr", "q"),  # r is another name for q's node, which is named q
    ("q = x + y; q = q * z; q", "q"),  # the latest version
    ("q = x; w = y*z; q", None),  # a variable's own node: not an assigned output
])
def test_a_bare_last_name_names_the_output(run, program, name):
    """`q = x + y; q` outputs q's node: the footer said `output x + y = ...` and the JSON
    had no output name."""
    doc = run_json(run, program, *STAGED_VALUES)
    assert doc["output_name"] == name
    assert doc["nodes"][doc["output"]]["name"] == (name or "x")
    result = run(program, *STAGED_VALUES)
    footer = result.stdout.splitlines()[-1]
    assert footer.startswith(f"output  {name or 'x'} = "), footer


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    source = resources.files("backpropviz").joinpath("schema", "backpropviz-1.schema.json")
    schema = json.loads(source.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("args", [
    (STAGED, *STAGED_VALUES),
    (STAGED, *STAGED_VALUES, "--output", "q"),
    ("t = x; f = x * y", "--x", "1", "--y", "2"),
    ("c = a*b; c += c + 1; c *= a", "--a", "2", "--b", "3"),
], ids=["staged", "output-q", "warning", "reassigned"])
def test_program_json_validates(run, validator, args):
    doc = run_json(run, *args)
    validator.validate(doc)
    assert "output_name" in doc and "warnings" in doc


def test_program_json_of_every_sample_validates(run, validator):
    for path in SAMPLES:
        validator.validate(run_json(run, "-f", str(path), "--values",
                                    str(path.with_suffix(".json"))))


def test_warnings_in_json(run):
    doc = run_json(run, "t = x; f = x * y", "--x", "1", "--y", "2")
    assert doc["warnings"] == [{"code": "warn.unused_name",
                                "message": "'t' (line 1) is assigned but never used"}]


# --- errors: exit 2, one clear message ------------------------------------------------------

def test_use_before_assignment(run):
    result = run("f = q * z\nq = x + y", *STAGED_VALUES)
    message, shown = located_error(result, "q * z")
    assert "'q' is used before it is assigned" in message
    assert "line 1, column 5" in message
    assert "assigned on line 2" in message
    assert shown.strip() == "f = q * z"


def test_use_before_assignment_library():
    with pytest.raises(ExpressionSyntaxError) as info:
        trace("a = 1\nf = q * z\nq = x + y", x=1, y=2, z=3)
    assert (info.value.line, info.value.column) == (2, 5)
    assert "'q'" in str(info.value) and "line 3" in str(info.value)


def test_augmented_assignment_without_earlier_value(run):
    message, _ = located_error(run("c += 1", "--c", "1"), "c += 1")
    assert "'c' is used before it is assigned" in message
    assert "+=" in message


def test_augmented_assignment_of_a_later_name(run):
    message, _ = located_error(run("y = x\nc *= y\nc = 2 * x", "--x", "1"), "c *= y")
    assert "'c'" in message and "line 2, column 1" in message


@pytest.mark.parametrize("program,name", [
    ("exp = 2", "exp"),
    ("y = x\nrelu = y * 2", "relu"),
])
def test_assignment_to_function(run, program, name):
    message, shown = located_error(run(program, "--x", "1"), name)
    assert f"cannot assign to '{name}': it is a function" in message


def test_e_and_pi_are_constants_until_assigned():
    """As in Python: assigning e makes it a variable from there on (micrograd's
    test_engine.py names an intermediate e); read before, it is Euler's number."""
    g = backpropviz.trace("y = e*x\ne = y + 1\npi = e*2\nf = pi + e", x=2.0)
    assert g.value == pytest.approx(3 * (2 * math.e + 1))
    assert g.gradients == {"x": pytest.approx(3 * math.e)}
    assert set(g.variable_ids) == {"x"}


def test_bare_expression_not_last(run):
    message, _ = located_error(run("x + 1; y = x * 2", "--x", "1"), "x + 1")
    assert "only the last statement can be a bare expression" in message
    assert "column 1" in message


@pytest.mark.parametrize("program,at,fragment,where", [
    ("q = x = y", "= y", "'=' can only follow a name at the start of a statement", "column 7"),
    ("x + = 2", "= 2", "'=' can only follow a name at the start of a statement", "column 5"),
    ("f = (a = 1) * x", "= 1", "'=' can only follow a name", "column 8"),
    ("2 = x", "= x", "'=' can only follow a name", "column 3"),
    # two errors: the first a reader meets (f has no earlier value) is reported
    ("y = x\nf += y *= 2", "f +=", "'f' is used before it is assigned", "line 2, column 1"),
    ("y = x\nf == y", "== y", "unexpected character '='", "line 2, column 3"),
])
def test_assign_in_the_wrong_place(run, program, at, fragment, where):
    result = run(program, "--x", "1", "--y", "2", "--a", "3")
    message, _ = located_error(result, at)
    assert fragment in message
    assert f"at {where}" in message


def test_unclosed_paren_then_next_statement(run):
    # 'f' follows the operand 1: the open '(' of line 1 is named
    message, _ = located_error(run("y = (x + 1\nf = y * 2\n", "--x", "1"), "f")
    assert "line 2, column 1" in message
    assert "'(' at line 1, column 5 is still open" in message


def test_unclosed_paren_after_an_operator_then_next_statement(run):
    # the line ends with '+', so 'f' is read as its operand and '=' is the first token that
    # cannot fit; the real mistake is still the '(' left open on line 1
    message, _ = located_error(run("y = (x +\nf = y * 2\n", "--x", "1"), "=")
    assert re.search(r"'\(' .*line 1, column 5", message), message


def test_unclosed_paren_at_end_of_file(run, tmp_path):
    path = write(tmp_path / "open.bp", "y = (x +\n  1\n")
    message, shown = located_error(run("-f", str(path), "--x", "1"), "(")
    assert message.startswith(f"Error: {path}: ")
    assert "'(' is never closed at line 1, column 5" in message
    assert shown.strip() == "y = (x +"


def test_output_not_assigned(run):
    message = one_line_error(run(STAGED, *STAGED_VALUES, "--output", "w"))
    assert "'w'" in message
    assert "assigned names: q, f" in message


def test_output_naming_an_input_variable(run):
    message = one_line_error(run(STAGED, *STAGED_VALUES, "--output", "x"))
    assert "no statement assigns 'x'" in message and "q, f" in message


def test_output_without_assignments(run):
    message = one_line_error(run("(x+y)*z", *STAGED_VALUES, "--output", "q"))
    assert "'q'" in message and "none" in message


def test_expression_and_file_both(run, tmp_path):
    path = write(tmp_path / "p.bp", "f = x * 2\n")
    message = one_line_error(run("x*3", "-f", str(path), "--x", "1"))
    assert "either" in message and "-f" in message


@pytest.mark.parametrize("args", [("--x", "1"), ("--json",), ("-q", "--x", "1")])
def test_no_expression_but_options(run, args):
    message = one_line_error(run(*args))
    assert "no expression" in message


@pytest.mark.parametrize("form", ["-f", "@"])
def test_missing_program_file(run, tmp_path, form):
    path = tmp_path / "nope.bp"
    args = ("-f", str(path)) if form == "-f" else (f"@{path}",)
    message = one_line_error(run(*args, "--x", "1"))
    assert f"program file '{path}' does not exist" in message


@pytest.mark.parametrize("form", ["-f", "@"])
def test_program_file_is_a_folder(run, tmp_path, form):
    args = ("-f", str(tmp_path)) if form == "-f" else (f"@{tmp_path}",)
    message = one_line_error(run(*args))
    assert f"'{tmp_path}'" in message and "folder" in message


def test_program_file_not_utf8(run, tmp_path):
    path = write(tmp_path / "latin1.bp", "f = x * 2  # caf\xe9\n".encode("latin-1"))
    message = one_line_error(run("-f", str(path), "--x", "1"))
    assert str(path) in message and "UTF-8" in message


def test_values_file_missing(run, tmp_path):
    path = tmp_path / "nope.json"
    message = one_line_error(run("x*2", "--values", str(path)))
    assert f"values file '{path}' does not exist" in message


def test_values_file_invalid_json(run, tmp_path):
    path = write(tmp_path / "v.json", '{"x": 1,\n "y": }\n')
    message = one_line_error(run("x*y", "--values", str(path)))
    assert str(path) in message and "not valid JSON" in message
    assert "line 2, column 7" in message


@pytest.mark.parametrize("content,fragments", [
    ("[1, 2]", ["JSON object"]),
    ("3", ["JSON object"]),
    ("null", ["JSON object"]),
    ('{"x": "1"}', ["'x'", "not a number"]),
    ('{"x": [1, "a"]}', ["'x'", "not a number"]),
    ('{"x": null}', ["'x'", "not a number"]),
    # like every other bad value, a NaN or Infinity literal names its key
    ('{"w": 1, "x": NaN}', ["'x'", "not a finite number"]),
    ('{"x": Infinity}', ["'x'", "not a finite number"]),
    ('{"x": 1e400}', ["'x'", "not a finite number"]),
    ('{"x": true}', ["'x'", "not a number"]),
    # json keeps the last of two equal keys silently; like --x 1 --x 2 it is an error
    ('{"x": 1, "y": 2, "x": 3}', ["'x' is given more than once"]),
    ('{"x": 1' + "0" * 5000 + '}', ["a number has too many digits"]),
    ("[" * 100_000 + "]" * 100_000, ["nested too deeply", "JSON object"]),
], ids=["list", "number", "null", "string", "array-value", "null-value", "nan", "infinity",
        "overflow", "bool", "duplicate-key", "too-many-digits", "deep-nesting"])
def test_values_file_bad_content(run, tmp_path, content, fragments):
    path = write(tmp_path / "v.json", content)
    message = one_line_error(run("x*2", "--values", str(path)))
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize("option", ["--values", "-f"])
def test_an_empty_file_name_is_an_error(run, option):
    """``--values ''`` (an unset shell variable) was ignored silently."""
    args = ["x*2", "--values", ""] if option == "--values" else ["-f", ""]
    message = one_line_error(run(*args))
    assert message == f"Error: {option} needs a file name ('-' for stdin)"


def test_program_and_values_both_from_stdin(run):
    message = one_line_error(run("-", "--values", "-", input='x*2\n'))
    assert "stdin" in message
    message = one_line_error(run("-f", "-", "--values", "-", input='x*2\n'))
    assert "stdin" in message


def test_syntax_error_in_file_names_file_line_and_column(run, tmp_path):
    path = write(tmp_path / "model.bp", "# a model\nq = x + y\n\nf = q * * z\n")
    message, shown = located_error(run("-f", str(path), *STAGED_VALUES), "* z")
    assert message.startswith(f"Error: {path}: ")
    assert "line 4, column 9" in message
    assert shown.strip() == "f = q * * z"


def test_semantic_error_in_file_names_file(run, tmp_path):
    path = write(tmp_path / "model.bp", "f = q * z\nq = x + y\n")
    message, _ = located_error(run(f"@{path}", *STAGED_VALUES), "q")
    assert message.startswith(f"Error: {path}: ")
    assert "line 1, column 5" in message and "line 2" in message


def test_syntax_error_in_one_line_file_without_newline(run, tmp_path):
    # a file is lines, even one with no final newline: still "line L, column C"
    path = write(tmp_path / "one.bp", "f = x * * z")
    message, _ = located_error(run("-f", str(path), "--x", "1", "--z", "2"), "* z")
    assert message.startswith(f"Error: {path}: ")
    assert "line 1, column 9" in message


def test_syntax_error_from_stdin_names_stdin(run):
    message, _ = located_error(run("-", "--x", "1", input="a = x\nf = a +* 2\n"), "* 2")
    assert message.startswith("Error: stdin: ")
    assert "line 2, column 8" in message


def test_syntax_error_in_crlf_file(run, tmp_path):
    path = write(tmp_path / "crlf.bp", b"q = x + y\r\nf = q * * z\r\n")
    message, shown = located_error(run("-f", str(path), *STAGED_VALUES), "* z")
    assert "line 2, column 9" in message
    assert shown == "  f = q * * z", repr(shown)  # no stray '\r' (or '?') shown


# --- warnings ------------------------------------------------------------------------------

def test_assigned_but_never_used(run):
    result = run("t = x\nf = x * y", "--x", "1", "--y", "2")
    assert result.exit_code == 0, result.output
    assert "warning: 't' (line 1) is assigned but never used" in result.stderr.splitlines()
    assert "warning" not in result.stdout
    assert "output  f = 2.0000" in result.stdout


def test_overwritten_before_use_warns_with_its_line(run):
    result = run("c = a\nc = b * 2\nf = c + 1", "--a", "1", "--b", "2")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: 'c' (line 1) is assigned but never used"]


def test_used_names_give_no_warning(run):
    result = run(STAGED, *STAGED_VALUES)
    assert result.exit_code == 0 and result.stderr == ""


def test_values_file_unknown_names_skipped_with_warning(run, tmp_path):
    path = write(tmp_path / "vals.json", '{"x": -2, "y": 5, "z": -4, "w": 7}')
    result = run(STAGED, "--values", str(path))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert str(path) in warnings[0] and "'w'" in warnings[0] and "skipped" in warnings[0]
    assert "warning" not in result.stdout
    assert "output  f = -12.0000" in result.stdout


def test_unknown_name_on_command_line_is_an_error(run):
    message = one_line_error(run(STAGED, *STAGED_VALUES, "--w", "7"))
    assert "'w'" in message


def test_command_line_overrides_values_file(run, tmp_path):
    path = write(tmp_path / "vals.json", '{"x": -2, "y": 5, "z": -4}')
    doc = run_json(run, STAGED, "--values", str(path), "--z", "10")
    assert doc["variables"] == {"x": -2.0, "y": 5.0, "z": 10.0}
    assert doc["value"] == 30.0
    assert doc["gradients"] == {"x": 10.0, "y": 10.0, "z": 3.0}
    doc = run_json(run, STAGED, "--values", str(path), "--var", "x=1")
    assert doc["value"] == -24.0


def test_values_file_may_leave_values_to_the_command_line(run, tmp_path):
    path = write(tmp_path / "vals.json", '{"x": -2, "y": 5}')
    assert run_json(run, STAGED, "--values", str(path), "--z", "-4")["value"] == -12.0
    message = one_line_error(run(STAGED, "--values", str(path)))
    assert "z" in message


def test_quiet_suppresses_warnings(run, tmp_path):
    path = write(tmp_path / "vals.json", '{"x": 1, "y": 2, "w": 3}')
    result = run("t = x; f = x * y", "--values", str(path), "-q")
    assert result.exit_code == 0, result.output
    assert result.stderr == "" and result.stdout == ""
    result = run("t = x; f = x * y", "--values", str(path), "-q", "--json")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["value"] == 2.0


# --- input forms ----------------------------------------------------------------------------

MODEL = "q = x + y\nf = q * z\n"


def test_program_from_file_forms(run, tmp_path):
    path = write(tmp_path / "model.bp", MODEL)
    for args in (("-f", str(path)), ("--file", str(path)), (f"@{path}",)):
        doc = run_json(run, *args, *STAGED_VALUES)
        assert doc["expression"] == MODEL
        assert doc["value"] == -12.0 and doc["output_name"] == "f"
        assert doc["gradients"] == {"x": -4.0, "y": -4.0, "z": 3.0}


@pytest.mark.parametrize("args", [("-",), ("-f", "-")], ids=["dash", "f-dash"])
def test_program_from_stdin(run, args):
    doc = run_json(run, *args, *STAGED_VALUES, input=MODEL)
    assert doc["value"] == -12.0 and doc["gradients"]["z"] == 3.0


def test_values_from_stdin(run):
    doc = run_json(run, STAGED, "--values", "-", input='{"x": -2, "y": 5, "z": -4}')
    assert doc["value"] == -12.0 and doc["variables"] == {"x": -2.0, "y": 5.0, "z": -4.0}


def test_program_file_and_values_from_stdin(run, tmp_path):
    path = write(tmp_path / "model.bp", MODEL)
    doc = run_json(run, "-f", str(path), "--values", "-", input='{"x": 3, "y": -2, "z": -4}')
    assert doc["value"] == -4.0


def test_comments_blank_lines_and_mixed_separators(run, tmp_path):
    program = ("# staged (x + y) * z\n"
               "\n"
               "q = x + y   # the sum\n"
               "   \n"
               "r = q; s = r * 1  # ; inside a comment does not split\n"
               ";;\n"
               "f = s * z;\n"
               "# trailing comment\n")
    path = write(tmp_path / "model.bp", program)
    doc = run_json(run, "-f", str(path), *STAGED_VALUES)
    assert doc["value"] == -12.0
    assert doc["gradients"] == {"x": -4.0, "y": -4.0, "z": 3.0}
    assert doc["output_name"] == "f" and doc["warnings"] == []
    assert {n["name"] for n in doc["nodes"]} >= {"q", "s", "f"}


def test_a_comment_inside_a_statement_is_not_shown_as_part_of_it(run, tmp_path):
    """A statement over two lines with a comment in between: the table, the output line
    and --explain show the expression without it (they showed `x + # the sum y`)."""
    path = write(tmp_path / "model.bp", "f = (x +  # the sum\n     y) * z  # and the product\n")
    result = run("-f", str(path), *STAGED_VALUES, "--explain")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[4].split() == ["2", "+", "x", "+", "y", "3.0000", "-4.0000"]
    assert lines[6].split() == ["4", "f", "*", "(x", "+", "y)", "*", "z", "-12.0000", "1.0000"]
    assert "[q₁ = x + y]" in result.stdout
    assert "the sum" not in result.stdout and "product" not in result.stdout


def test_crlf_line_endings(run, tmp_path):
    path = write(tmp_path / "crlf.bp", b"# comment\r\nq = x + y\r\n\r\nf = q * z\r\n")
    doc = run_json(run, "-f", str(path), *STAGED_VALUES)
    assert doc["value"] == -12.0 and doc["output_name"] == "f"
    assert doc["warnings"] == []


def test_utf8_bom_files(run, tmp_path):
    program = write(tmp_path / "bom.bp", b"\xef\xbb\xbf" + MODEL.encode())
    values = write(tmp_path / "bom.json", b'\xef\xbb\xbf{"x": -2, "y": 5, "z": -4}')
    doc = run_json(run, "-f", str(program), "--values", str(values))
    assert doc["value"] == -12.0
    assert not doc["expression"].startswith("\ufeff")


def test_newline_inside_parentheses_continues_the_statement(run):
    doc = run_json(run, "f = (x +\n     y\n) * z", *STAGED_VALUES)
    assert doc["value"] == -12.0 and doc["output_name"] == "f"
    doc = run_json(run, "f = max(x,\n y) * (z\n)", *STAGED_VALUES)
    assert doc["value"] == -20.0


def test_newline_after_an_operator_continues_the_statement(run):
    doc = run_json(run, "q = x +\n  y\nf = q *\n z", *STAGED_VALUES)
    assert doc["value"] == -12.0
    assert [n["name"] for n in doc["nodes"] if n["op"] not in ("input", "const")] == ["q", "f"]


def test_newline_ends_a_complete_statement():
    # "f = x\n- y" is two statements: f = x, then the bare expression -y
    graph = trace("f = x\n-y", x=2, y=3)
    assert graph.value == -3.0
    assert graph.warnings == ["'f' (line 1) is assigned but never used"]


def test_single_expression_is_still_a_program_of_one():
    graph = trace("(x+y)*z", x=-2, y=5, z=-4)
    assert graph.output_name is None and graph.warnings == []
    assert all(n.name is None for n in graph.nodes if n.is_gate)


def test_empty_program_file(run, tmp_path):
    path = write(tmp_path / "empty.bp", "# nothing here\n\n")
    result = run("-f", str(path))
    err = usage_error(result)
    assert "empty" in err and str(path) in err
