"""Vectors and matrices: values, shapes and gradients against NumPy written by hand and
against the scalar engine on the same program unrolled element by element."""

from __future__ import annotations

import json
from pathlib import Path
import html
import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backpropviz
from backpropviz.engine import evaluate
from backpropviz.errors import ExpressionSyntaxError, ValuesError
from backpropviz.parse import build_expression
from backpropviz.unroll import unroll

RNG = np.random.default_rng(7)


def traced(text: str, **values):
    return backpropviz.trace(text, **values)


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "backpropviz", *args], capture_output=True,
                          text=True, input=stdin, timeout=60)


def softmax(s):
    e = np.exp(s - s.max())
    return e / e.sum()


# --- NumPy by hand -----------------------------------------------------------------------

def test_linear_layer_softmax_cross_entropy_by_hand():
    """L = -log softmax(W x + b)[y]: dL/ds = p - onehot(y), dW = (p - onehot) xᵀ,
    db = p - onehot, dx = Wᵀ (p - onehot) (CS231n's vectorized gradients)."""
    W, x, b = RNG.normal(size=(4, 3)), RNG.normal(size=3), RNG.normal(size=4)
    g = traced("s = W @ x + b; L = logsumexp(s) - s[2]", W=W, x=x, b=b)
    s = W @ x + b
    p = softmax(s)
    ds = p - np.eye(4)[2]
    assert g.value == pytest.approx(-np.log(p[2]), rel=1e-12)
    np.testing.assert_allclose(g.gradients["W"], np.outer(ds, x), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(g.gradients["b"], ds, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(g.gradients["x"], W.T @ ds, rtol=1e-12, atol=1e-14)
    same = traced("L = -log(softmax(W @ x + b)[2])", W=W, x=x, b=b)
    np.testing.assert_allclose(same.gradients["W"], np.outer(ds, x), rtol=1e-10, atol=1e-14)


def test_mlp_on_a_batch_with_broadcast_biases_by_hand():
    """A 2-layer MLP on a batch of 5: each bias (a vector) is broadcast over the batch and
    gets the batch's sum as its gradient, with exactly its own shape."""
    X, W1, b1 = RNG.normal(size=(5, 3)), RNG.normal(size=(3, 4)), RNG.normal(size=4)
    W2, b2 = RNG.normal(size=(4, 2)), RNG.normal(size=2)
    g = traced("H = relu(X @ W1 + b1); S = H @ W2 + b2; L = mean(S**2)",
               X=X, W1=W1, b1=b1, W2=W2, b2=b2)
    Z = X @ W1 + b1
    H = np.maximum(Z, 0)
    S = H @ W2 + b2
    dS = 2 * S / S.size
    dH = dS @ W2.T
    dZ = dH * (Z > 0)
    assert g.value == pytest.approx(np.mean(S ** 2), rel=1e-12)
    for name, want in {"W2": H.T @ dS, "b2": dS.sum(0), "W1": X.T @ dZ, "b1": dZ.sum(0),
                       "X": dZ @ W1.T}.items():
        assert np.shape(g.gradients[name]) == np.shape(want), name
        np.testing.assert_allclose(g.gradients[name], want, rtol=1e-12, atol=1e-14)


def test_dot_product_transpose_and_reductions_by_hand():
    a, b, M = RNG.normal(size=3), RNG.normal(size=3), RNG.normal(size=(2, 3))
    g = traced("L = a @ b + sum(M.T, 1)[0] + mean(M, 0)[2] + max(M, axis=1)[1] + max(a)",
               a=a, b=b, M=M)
    assert g.value == pytest.approx(a @ b + M.T.sum(1)[0] + M.mean(0)[2] + M.max(1)[1]
                                    + a.max(), rel=1e-12)
    dM = np.zeros((2, 3))
    dM[0, 0] += 1
    dM[1, 0] += 1
    dM[:, 2] += 0.5
    dM[1, np.argmax(M[1])] += 1
    da = b.copy()
    da[np.argmax(a)] += 1
    np.testing.assert_allclose(g.gradients["M"], dM, rtol=1e-12)
    np.testing.assert_allclose(g.gradients["a"], da, rtol=1e-12)
    np.testing.assert_allclose(g.gradients["b"], a, rtol=1e-12)


def test_max_ties_share_the_gradient_evenly():
    g = traced("L = max(v)", v=np.array([1.0, 3.0, 3.0]))
    np.testing.assert_array_equal(g.gradients["v"], [0.0, 0.5, 0.5])


def test_transpose_spellings_agree():
    M = RNG.normal(size=(2, 3))
    one = traced("L = sum(M.T @ M)", M=M)
    two = traced("L = sum(transpose(M) @ M)", M=M)
    np.testing.assert_array_equal(one.gradients["M"], two.gradients["M"])
    np.testing.assert_allclose(one.gradients["M"], M @ np.ones((3, 3)) * 2, rtol=1e-12)


# --- every gradient has its value's shape -------------------------------------------------

PROGRAMS = [
    ("s = W @ x + b; L = logsumexp(s) - s[1]",
     {"W": (3, 2), "x": (2,), "b": (3,)}),
    ("H = tanh(X @ W1 + b1); L = sum((H @ W2 + b2 - Y)**2)",
     {"X": (4, 3), "W1": (3, 5), "b1": (5,), "W2": (5, 1), "b2": (1,), "Y": (4, 1)}),
    ("mu = mean(X, 0); d = X - mu; var = mean(d**2, 0); Y = d / sqrt(var + 0.001)\n"
     "L = sum(Y * G)", {"X": (4, 3), "G": (4, 3)}),
    ("A = softmax(Q @ K.T / 1.5); L = sum((A @ V) * G)",
     {"Q": (3, 2), "K": (3, 2), "V": (3, 2), "G": (3, 2)}),
    ("L = sum(sigmoid(u * w + c) * v) + max(u, axis=0)[1] + mean(w)",
     {"u": (2, 3), "w": (3,), "c": (), "v": (2, 1)}),
]


@pytest.mark.parametrize("text, shapes", PROGRAMS)
def test_every_gradient_has_its_values_shape(text, shapes):
    values = {name: RNG.normal(size=shape) if shape else float(RNG.normal())
              for name, shape in shapes.items()}
    g = traced(text, **values)
    for node in g.nodes:
        assert np.shape(node.value) == np.shape(node.grad) == node.shape, node
    for name, shape in shapes.items():
        assert np.shape(g.gradients[name]) == shape


# --- the oracle: the same program unrolled into scalars ---------------------------------

def agree_with_unrolled(text: str, values: dict, expand: bool = False) -> None:
    """The array engine's gradients equal the scalar engine's on the unrolled program
    (to 1e-12, relative to the largest gradient)."""
    graph = backpropviz.run.build(text, expand=expand)
    evaluate(graph, values)
    flat = unroll(graph, values)
    scalar = evaluate(build_expression(flat.text), flat.values)
    assert scalar.value == pytest.approx(graph.value, rel=1e-12, abs=1e-12)
    for node in graph.nodes:  # every gradient has exactly its value's shape
        assert np.shape(node.value) == np.shape(node.grad) == node.shape, node
    for name, names in flat.elements.items():
        # (an element the output does not read is no variable of the scalar program: 0)
        want = np.vectorize(lambda n: scalar.gradients.get(n, 0.0), otypes=[float])(names)
        got = np.asarray(graph.gradients[name])
        assert got.shape == want.shape
        scale = max(1.0, float(np.max(np.abs(want))))
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * scale, err_msg=name)


@pytest.mark.parametrize("text, shapes", PROGRAMS)
def test_named_programs_agree_with_the_unrolled_scalar_program(text, shapes):
    values = {name: RNG.normal(size=shape) if shape else float(RNG.normal())
              for name, shape in shapes.items()}
    agree_with_unrolled(text, values)


SIZES = st.integers(1, 3)
NUMBERS = st.floats(-2, 2, allow_nan=False, width=64)


def arrays(shape):
    return st.lists(NUMBERS, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))).map(
        lambda xs: np.array(xs).reshape(shape))


@st.composite
def linear_programs(draw):
    m, n = draw(SIZES), draw(SIZES)
    act = draw(st.sampled_from(["tanh", "sigmoid", "relu", "softplus", "sin"]))
    k = draw(st.integers(0, m - 1))
    loss = draw(st.sampled_from([f"logsumexp(y) - y[{k}]", "sum(y**2)", "mean(y)",
                                 f"-log(softmax(y)[{k}])", "max(y)"]))
    text = f"y = {act}(W @ x + b); L = {loss}"
    return text, {"W": draw(arrays((m, n))), "x": draw(arrays((n,))), "b": draw(arrays((m,)))}


@st.composite
def mlp_programs(draw):
    batch, d_in, hidden = draw(SIZES), draw(SIZES), draw(SIZES)
    text = ("H = tanh(X @ W1 + b1)\nS = H @ W2 + b2\n"
            + draw(st.sampled_from(["L = mean((S - Y)**2)",
                                    "L = sum(logsumexp(S) - sum(S * Y, 1))"])))
    return text, {"X": draw(arrays((batch, d_in))), "W1": draw(arrays((d_in, hidden))),
                  "b1": draw(arrays((hidden,))), "W2": draw(arrays((hidden, 2))),
                  "b2": draw(arrays((2,))), "Y": draw(arrays((batch, 2)))}


@st.composite
def batchnorm_programs(draw):
    batch, features = draw(st.integers(2, 3)), draw(SIZES)
    text = ("mu = mean(X, 0)\nd = X - mu\nvar = mean(d**2, 0)\n"
            "Y = gamma * d / sqrt(var + 0.01) + beta\nL = sum(Y * G)")
    shape = (batch, features)
    return text, {"X": draw(arrays(shape)), "gamma": draw(arrays((features,))),
                  "beta": draw(arrays((features,))), "G": draw(arrays(shape))}


@st.composite
def attention_programs(draw):
    tokens, d = draw(SIZES), draw(SIZES)
    text = f"A = softmax(Q @ K.T / sqrt({d}))\nO = A @ V\nL = sum(O * G)"
    shape = (tokens, d)
    return text, {"Q": draw(arrays(shape)), "K": draw(arrays(shape)),
                  "V": draw(arrays(shape)), "G": draw(arrays(shape))}


ELEMENTWISE = ["tanh({})", "sigmoid({})", "sin({})", "exp({} / 4)", "({})**2", "abs({})",
               "softplus({})", "relu({})", "-({})", "({}) * 3", "2 - ({})"]
BINARY = ["{} + {}", "{} - {}", "{} * {}", "max({}, {})", "{} / (1.5 + ({})**2)"]
BROADCASTING = [(), (3,), (2, 3), (2, 1), (1, 3)]


@st.composite
def elementwise_programs(draw):
    """Random trees of elementwise ops over variables of broadcastable shapes."""
    shapes = {name: draw(st.sampled_from(BROADCASTING)) for name in "abc"}
    terms = list(shapes)
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            terms.append(draw(st.sampled_from(ELEMENTWISE)).format(draw(st.sampled_from(terms))))
        else:
            left, right = draw(st.sampled_from(terms)), draw(st.sampled_from(terms))
            terms.append(draw(st.sampled_from(BINARY)).format(left, right))
    text = "L = sum(" + " + ".join(f"({t})" for t in terms[-2:]) + ")"
    return text, {name: draw(arrays(shape)) if shape else draw(NUMBERS)
                  for name, shape in shapes.items() if name in text}


ORACLE = settings(max_examples=50, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow])


@ORACLE
@given(linear_programs())
def test_linear_layers_agree_with_unrolled(program):
    agree_with_unrolled(*program)


@ORACLE
@given(mlp_programs())
def test_mlps_on_a_batch_agree_with_unrolled(program):
    agree_with_unrolled(*program)


@ORACLE
@given(batchnorm_programs())
def test_batchnorm_written_out_agrees_with_unrolled(program):
    agree_with_unrolled(*program)


@ORACLE
@given(attention_programs())
def test_attention_scores_agree_with_unrolled(program):
    agree_with_unrolled(*program)


@ORACLE
@given(elementwise_programs())
def test_broadcast_elementwise_programs_agree_with_unrolled(program):
    text, values = program
    try:
        agree_with_unrolled(text, values)
    except ExpressionSyntaxError as exc:  # shapes drawn that do not broadcast: say so
        assert "differ and neither is 1" in str(exc)


# --- grammar and shape errors ------------------------------------------------------------

@pytest.mark.parametrize("text, values, message, column", [
    ("W @ x", {"W": (3, 2), "x": (3,)}, "cannot multiply (3,2) @ (3,): inner sizes 2 and 3 "
     "differ", 3),
    ("(a + b) @ (c)", {"a": (2, 2), "b": (2, 2), "c": (3, 1)}, "inner sizes 2 and 3", 9),
    ("sum(a * b)", {"a": (3, 2), "b": (3,)}, "cannot broadcast (3,2) * (3,): sizes 2 and 3 "
     "differ and neither is 1", 7),
    ("sum(v[3])", {"v": (3,)}, "index 3 is out of range for axis 0 of size 3", 6),
    ("sum(A[0, 1, 2])", {"A": (2, 2)}, "3 indices for shape (2,2)", 6),
    ("sum(A, 2)", {"A": (2, 2)}, "axis 2 is out of range for shape (2,2)", 1),
    ("softmax(x)", {"x": ()}, "softmax() needs a vector or a matrix", 1),
    ("x @ y", {"x": (), "y": (2,)}, "'@' needs vectors or matrices", 3),
])
def test_shape_errors_name_both_shapes_at_the_operator(text, values, message, column):
    arrays_given = {k: np.ones(s) if s else 1.0 for k, s in values.items()}
    with pytest.raises(ExpressionSyntaxError) as info:
        traced(text, **arrays_given)
    assert message in str(info.value)
    assert info.value.column == column


def test_a_non_scalar_output_suggests_sum_or_grad_output():
    result = run_cli("W @ x", "--W", "[[1, 2], [3, 4]]", "--x", "[1, 1]")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "shape (2,)" in result.stderr and "sum(...)" in result.stderr
    assert "--grad-output" in result.stderr
    seeded = json.loads(run_cli("W @ x", "--W", "[[1, 2], [3, 4]]", "--x", "[1, 1]",
                                "--grad-output", "[1, -1]", "--json").stdout)
    assert seeded["gradients"]["W"] == [[1.0, 1.0], [-1.0, -1.0]]
    assert seeded["gradients"]["x"] == [1 - 3, 2 - 4]
    ones = json.loads(run_cli("W @ x", "--W", "[[1, 2], [3, 4]]", "--x", "[1, 1]",
                              "--grad-output", "ones", "--json").stdout)
    assert ones["gradients"]["x"] == [4.0, 6.0]


@pytest.mark.parametrize("text, message", [
    ("p[x]", "expected a whole number as an index but found 'x'"),
    ("p[1.5]", "expected a whole number as an index"),
    ("p[1", "expected ',' or ']' but found the end of the expression"),
    ("2[0]", "a number cannot be indexed"),
    ("sum(A, x)", "the axis of sum() must be a whole number"),
    ("sum(A, 0.5)", "the axis of sum() must be a whole number"),
    ("exp(x, axis=1)", "'axis=' names the axis of sum(), mean() or max()"),
    ("sum(A, axis=0, axis=1)", "sum() takes 'axis=' once"),
    ("sum(A, 1, 2)", "sum() takes 1 or 2 arguments, got 3"),
    ("x.T()", "'.T' is the transpose, not a function call: write A.T"),
])
def test_grammar_errors(text, message):
    with pytest.raises(ExpressionSyntaxError) as info:
        build_expression(text)
    assert message in str(info.value)


def test_axis_is_still_a_variable_name():
    g = traced("axis = x * 2; f = axis + 1", x=3.0)
    assert g.value == 7.0 and g.gradients == {"x": 2.0}
    assert traced("axis * 2", axis=1.5).value == 3.0


def test_max_of_two_stays_elementwise_and_max_of_one_reduces():
    v = np.array([-1.0, 2.0, 0.5])
    relu_like = traced("L = sum(max(v, 0))", v=v)
    assert relu_like.value == 2.5
    np.testing.assert_array_equal(relu_like.gradients["v"], [0.0, 1.0, 1.0])
    assert traced("L = max(v)", v=v).value == 2.0
    assert traced("L = v.max()", v=v).value == 2.0


# --- values ------------------------------------------------------------------------------

@pytest.mark.parametrize("given, message", [
    ("[[1, 2], [3]]", "--W: ragged array: at depth 1 item 1 has 1 item, the first has 2 items"),
    ("[1, \"a\"]", "--W: \"a\" is not a number"),
    ("[1, true]", "--W: true is not a number"),
    ("[1, [2]]", "--W: ragged array: item 1 at depth 1 is a list where the others are numbers"),
    ("[1, NaN]", "--W: element [1] is not a finite number"),
    ("[[1, Infinity]]", "--W: element [0, 1] is not a finite number"),
    ("[]", "--W: an empty list has no numbers"),
    ("[[[[[1]]]]]", "--W: more than 4 nested levels"),
    ("[1, 2", "--W: '[1, 2' is not a list of numbers"),
])
def test_bad_array_values_are_one_line_errors(given, message):
    result = run_cli("sum(W)", "--W", given)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_more_than_ten_million_numbers_is_refused_before_converting():
    rows = [[0] * 4000] * 2501
    with pytest.raises(ValuesError, match="more than 10,000,000 numbers"):
        traced("sum(W)", W=rows)


def test_values_file_and_numpy_and_lists_give_the_same_graph(tmp_path):
    W = [[0.5, -1.0], [2.0, 0.25]]
    (tmp_path / "v.json").write_text(json.dumps({"W": W, "x": [1, 2]}))
    from_file = json.loads(run_cli("sum(W @ x)", "--values", str(tmp_path / "v.json"),
                                   "--json").stdout)
    from_flags = json.loads(run_cli("sum(W @ x)", "--W", json.dumps(W), "--x", "[1, 2]",
                                    "--json").stdout)
    assert from_file == from_flags
    api = traced("sum(W @ x)", W=np.array(W), x=[1, 2])
    assert api.to_dict() == from_file
    assert from_file["gradients"]["x"] == [2.5, -0.75]


def test_api_refuses_a_bool_or_complex_array():
    with pytest.raises(TypeError, match="not an array of real numbers"):
        traced("sum(W)", W=np.array([True, False]))
    with pytest.raises(TypeError, match="not an array of real numbers"):
        traced("sum(W)", W=np.array([1j]))


# --- table and JSON ----------------------------------------------------------------------

def test_table_shows_shapes_small_arrays_whole_and_large_ones_summarised():
    result = run_cli("y = W @ x; L = sum(y)", "--W", "[[1, 2, 3], [4, 5, 6], [7, 8, 9]]",
                     "--x", "[1, 0, -1]", "--color", "never")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["#", "name", "gate", "shape"]
    w_row = next(line for line in lines if line.split()[1:3] == ["W", "input"])
    assert "3×3" in w_row and "1.0000..9.0000, norm 16.8819" in w_row
    x_row = next(line for line in lines if line.split()[1:3] == ["x", "input"])
    assert "[1.0000, 0.0000, -1.0000]" in x_row and "[12.0000, 15.0000, 18.0000]" in x_row
    full = run_cli("y = W @ x; L = sum(y)", "--W", "[[1, 2, 3], [4, 5, 6], [7, 8, 9]]",
                   "--x", "[1, 0, -1]", "--color", "never", "--full").stdout
    assert "[[1.0000, 2.0000, 3.0000], [4.0000, 5.0000, 6.0000], [7.0000, 8.0000, 9.0000]]" \
        in full


def test_json_of_arrays_is_version_2_and_validates():
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources

    doc = json.loads(run_cli("s = W @ x + b; L = logsumexp(s) - s[0]", "--W",
                             "[[1, 2], [3, 4], [5, 6]]", "--x", "[0.5, -1]", "--b",
                             "[0, 0, 1]", "--json").stdout)
    schema = json.loads(resources.files("backpropviz").joinpath(
        "schema", "backpropviz-2.schema.json").read_text())
    jsonschema.validate(doc, schema)
    assert doc["schema"] == "backpropviz/2"
    shapes = {node["id"]: node["shape"] for node in doc["nodes"]}
    # W, x, W @ x, b, s, logsumexp(s), s[0], L
    assert [shapes[i] for i in range(len(shapes))] == [[3, 2], [2], [3], [3], [3], [], [], []]
    assert np.shape(doc["gradients"]["W"]) == (3, 2)


def test_scalar_documents_are_unchanged():
    """No shape key, schema 1, and the same bytes whatever the array code does."""
    text = run_cli("(x+y)*z", "--x", "3", "--y", "-2", "--z", "-4", "--json").stdout
    doc = json.loads(text)
    assert doc["schema"] == "backpropviz/1" and "shape" not in text
    assert '{"id": 4, "op": "mul", "label": "*", "inputs": [2, 3], "value": -4.0, ' \
           '"grad": 1.0, "local_grads": [-4.0, 1.0], "name": null, "param": null, ' \
           '"span": [0, 7]}' in text


def test_nonfinite_array_values_are_strings_in_json_and_flagged_in_the_table():
    doc = json.loads(run_cli("sum(log(v))", "--v", "[1, 0, -1]", "--json").stdout)
    node = doc["nodes"][1]
    assert node["value"] == [0.0, "-inf", "nan"]
    table = run_cli("sum(log(v))", "--v", "[1, 0, -1]", "--color", "never").stdout
    assert "[0.0000, -inf, nan] !" in table


# --- --check and what is not made for arrays yet -------------------------------------------

def test_check_compares_every_element_with_sympy_and_finite_differences():
    result = run_cli("y = W @ x + b; L = sum(relu(y)**2)", "--W", "[[1, -1], [0.5, 2]]",
                     "--x", "[1, 1]", "--b", "[0, -1]", "--check", "--color", "never")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {line.split()[0] + (line.split()[1] if line.split()[1].endswith("]") else ""): line
            for line in result.stdout.splitlines() if line.startswith(("W[", "x[", "b["))}
    assert set(rows) == {"W[0,0]", "W[0,1]", "W[1,0]", "W[1,1]", "x[0]", "x[1]", "b[0]",
                         "b[1]"}
    # y = [0, 1.5]: relu sits at its kink on y[0], so W[0,:] and b[0] are kinks, not errors
    assert "kink" in rows["b[0]"] and "ok" in rows["b[1]"]
    assert " 3.000000 " in rows["b[1]"]  # 2 * relu(1.5) * 1


def test_check_samples_large_arrays_with_a_note():
    v = RNG.normal(size=1200)
    report = traced("L = sum(tanh(v))", v=v).check()
    assert report.ok and len(report.checks) == 1000
    assert any("sample of 1,000 elements" in note for note in report.notes)
    assert any("symbolic check skipped" in note for note in report.notes)


@pytest.mark.parametrize("option, message", [
    (["--exact"], "--exact works on numbers only"),
])
def test_what_arrays_do_not_have_yet_is_a_clear_error(option, message, tmp_path):
    result = subprocess.run([sys.executable, "-m", "backpropviz", "sum(v)", "--v", "[1, 2]",
                             *option], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr
    assert not (tmp_path / "d.html").exists()


def test_scalar_runs_do_not_import_numpy():
    code = ("import sys, backpropviz; backpropviz.trace('(x+y)*z', x=1, y=2, z=3).to_json();"
            "print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


TENSOR_EXAMPLES = {
    "matmul": "sum(A @ v)", "transpose": "sum(A.T @ A)", "sum": "sum(v)",
    "sum_axis": "sum(sum(A, 0))", "sum_keep": "sum(softmax(A) * A)", "mean": "mean(v)", "mean_axis": "sum(mean(A, axis=1))",
    "amax": "max(v)", "amax_axis": "sum(max(A, axis=0))", "index": "A[1, 0] + v[2]",
    "softmax": "softmax(v)[0]", "logsumexp": "logsumexp(v)",
}


def test_tensor_examples_cover_every_array_op():
    from backpropviz.ops import OPS

    assert set(TENSOR_EXAMPLES) == {name for name, op in OPS.items() if op.tensor}


@pytest.mark.parametrize("op", sorted(TENSOR_EXAMPLES))
def test_every_array_op_gives_a_valid_version_2_document_and_agrees_with_unrolled(op):
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources

    schema = json.loads(resources.files("backpropviz").joinpath(
        "schema", "backpropviz-2.schema.json").read_text())
    text = TENSOR_EXAMPLES[op]
    values = {"A": RNG.normal(size=(2, 3)), "v": RNG.normal(size=3)}
    values = {k: v for k, v in values.items() if k in text}
    doc = traced(text, **values, expand=op == "sum_keep").to_dict()  # (only --expand makes it)
    jsonschema.validate(doc, schema)
    assert op in [n["op"] for n in doc["nodes"]]
    agree_with_unrolled(text, values, expand=op == "sum_keep")


@pytest.mark.parametrize("text, shapes", [
    ("L = -log(softmax(s)[1])", {"s": (4,)}),
    ("P = softmax(S); L = sum(P * G)", {"S": (3, 4), "G": (3, 4)}),
    ("L = sum(logsumexp(S) * g) + sigmoid(logsumexp(v))", {"S": (2, 3), "g": (2,), "v": (3,)}),
])
def test_expand_writes_softmax_and_logsumexp_as_primitives_with_the_same_numbers(text, shapes):
    values = {name: RNG.normal(size=shape) for name, shape in shapes.items()}
    whole = backpropviz.trace(text, **values)
    expanded = backpropviz.trace(text, **values, expand=True)
    ops = [n.op for n in expanded.nodes]
    assert "softmax" not in ops and "logsumexp" not in ops and "exp" in ops
    assert expanded.value == pytest.approx(whole.value, rel=1e-12)
    for name in shapes:
        np.testing.assert_allclose(expanded.gradients[name], whole.gradients[name],
                                   rtol=1e-12, atol=1e-14)
    agree_with_unrolled(text, values)
    texts = {expanded.text(n) for n in expanded.nodes}
    if "softmax" in text:
        assert f"exp({'s' if 's' in shapes else 'S'})/sum(exp(" in " ".join(texts)


@pytest.mark.parametrize("call, message", [
    (lambda g: g.table(exact=True), "--exact works on numbers only"),
])
def test_the_api_refuses_what_is_not_made_for_arrays_yet(call, message):
    from backpropviz.run import OptionsError

    g = traced("L = sum(W @ x)", W=np.ones((2, 2)), x=[1, 2])
    with pytest.raises(OptionsError, match=message):
        call(g)



# --- --unroll: the scalar circuit ------------------------------------------------------------

LAYER = ("s = W @ x + b; L = logsumexp(s) - s[0]", "--W", "[[0.2, -0.5], [1.5, 1.3], [0, 0.25]]",
         "--x", "[2, -1]", "--b", "[0.1, -0.3, 0.2]")


def test_unroll_gives_each_element_the_tensor_gradient():
    tensor = json.loads(run_cli(*LAYER, "--json").stdout)
    flat = json.loads(run_cli(*LAYER, "--unroll", "--json").stdout)
    assert flat["schema"] == "backpropviz/1" and flat["value"] == pytest.approx(tensor["value"])
    for name, grad in tensor["gradients"].items():
        for index in np.ndindex(np.shape(grad)):
            element = "_".join([name, *map(str, index)])
            assert flat["gradients"][element] == pytest.approx(np.asarray(grad)[index],
                                                               rel=1e-12, abs=1e-15)
    ops = [n["op"] for n in flat["nodes"]]
    assert ops.count("mul") == 6 and ops.count("exp") == 3 and "matmul" not in ops
    # the program reads as the notes write a linear layer: one line per output element
    assert flat["expression"].splitlines()[0] == "s_0 = (W_0_0*x_0 + W_0_1*x_1) + b_0"


def test_unroll_draws_element_names_with_subscripts(tmp_path):
    out = tmp_path / "layer.svg"
    result = run_cli(*LAYER, "--unroll", "-o", str(out))
    assert result.returncode == 0, result.stderr
    svg = out.read_text()
    import re
    # (a subscript: a tspan in its letter's text, or with the embedded engine, whose PNG
    # ignores baseline-shift, Unicode subscript digits)
    texts = [t.translate(str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")) for t in
             re.findall(r">([^<>]+)</?t(?:ext|span)", svg)]
    assert "W" in texts and "01" in texts and "21" in texts  # W with subscript 01 ...
    assert not [t for t in texts if "W_" in t]


def test_unroll_refuses_a_big_program_with_its_size_and_the_limit():
    big = json.dumps(np.ones((40, 40)).tolist())
    result = run_cli("L = sum(W @ W)", "--W", big, "--unroll")
    assert result.returncode == 2
    # 1,600 elements of 40 products and 39 sums each, and a sum of 1,600 (2 a number)
    assert "about 129,600 scalar gates, more than the limit of 2,000" in result.stderr
    assert result.stderr.count("\n") == 1


# --- --explain with shapes ----------------------------------------------------------------

NUMBER = r"-?(?:\d+\.\d+(?:e[-+]\d+)?|inf|nan)"


def shown_numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(NUMBER, text)]


def explained(text: str, values: dict) -> tuple[list[str], object]:
    g = traced(text, **values)
    return g.explain("backward").splitlines(), g


@pytest.mark.parametrize("text, shapes", PROGRAMS)
def test_every_number_of_every_explained_step_is_the_engines(text, shapes):
    """Each step's numbers (a use's share, or a node's whole gradient) are the engine's,
    rounded to the 2 decimals shown; each step names the shapes."""
    from backpropviz.steps import display_names

    values = {name: RNG.normal(size=shape) if shape else float(RNG.normal())
              for name, shape in shapes.items()}
    lines, g = explained(text, values)
    names = display_names(g)
    by_name = {name: i for i, name in enumerate(names)}
    wires = {(w.dst, w.src): w.grad for w in g.wires()}
    checked = 0
    node = None
    for line in lines[2:]:
        head = re.match(r"\s*\d+\. ∂\S+/∂(\S+) = (.*)", line)
        via = re.match(r"\s+via (\S+): (.*)", line)
        if head:
            node = by_name[head.group(1)]
            want, body = g.nodes[node].grad, head.group(2)
        elif via:
            want, body = wires[(by_name[via.group(1)], node)], via.group(2)
        else:
            continue
        assert body.endswith("]") and "[" in body, line  # [shapes] close every step
        numbers = body.rsplit("   [", 1)[0]
        if " = " not in numbers:
            continue  # too big to write out: min..max instead
        shown = numbers.rsplit(" = ", 1)[1]
        if ".." in shown:
            continue
        got = np.array(shown_numbers(shown))
        np.testing.assert_allclose(got, np.round(np.ravel(want), 2), atol=0.0051, err_msg=line)
        checked += 1
    assert checked >= 3


def test_explain_writes_the_vectorized_rules_with_their_shapes():
    lines, _ = explained("y = W @ x + b; L = sum(y * y)",
                         {"W": RNG.normal(size=(2, 3)), "x": RNG.normal(size=3),
                          "b": RNG.normal(size=2)})
    text = "\n".join(lines)
    assert "∂L/∂W = ∂L/∂q₁ · xᵀ = [[" in text and "[(2)·(3)ᵀ = (2×3), an outer product]" in text
    assert "∂L/∂x = Wᵀ · ∂L/∂q₁ = [" in text and "[(3×2)·(2) = (3)]" in text
    batch, _ = explained("L = sum(X @ W + b)", {"X": RNG.normal(size=(4, 3)),
                                                 "W": RNG.normal(size=(3, 2)),
                                                 "b": RNG.normal(size=2)})
    assert any("∂L/∂b = Σ over axis 0 of ∂L/∂L" not in line and "Σ over axis 0 of" in line
               and "[4×2 → 2: it was broadcast" in line for line in batch)


# --- found in review ---------------------------------------------------------------------

def test_check_with_infinite_gradients_reports_them_instead_of_crashing():
    result = run_cli("sum(1/x)", "--x", "[1, 0, 3]", "--check", "--color", "never")
    assert result.returncode == 0, result.stderr
    assert "undefined" in result.stdout and "Traceback" not in result.stderr


def test_check_calls_every_tied_maximum_a_kink():
    result = run_cli("max(A)", "--A", "[[1, 3, 3], [2, 3, 0]]", "--check", "--color", "never")
    assert result.returncode == 0, result.stdout
    rows = [line for line in result.stdout.splitlines() if line.startswith("A[")]
    assert [row.split()[-1] for row in rows] == ["ok", "kink", "kink", "ok", "kink", "ok"]
    assert " 0.333333 " in rows[1]  # the array engine shares a 3-way tie evenly


@pytest.mark.parametrize("text, values, wanted", [
    ("sum(A.T * B)", {"A": (2, 3), "B": (3, 2)}, "∂f/∂A = (∂f/∂q₁)ᵀ = "),
    ("sum(A @ B)", {"A": (2, 2, 2), "B": (2, 3)},
     "∂f/∂B = Σ over the batch of Aᵀ · ∂f/∂q₁"),
    ("sum(A @ B)", {"A": (2, 2, 2), "B": (2, 2, 3)}, "[(2×2×3)·(2×3×2) = (2×2×2)]"),
    ("sum(x ** y)", {"x": (2,), "y": (2,)}, "∂f/∂y = ∂f/∂q₁ ⊙ x^y·log(x)"),
    ("sum(x ** y)", {"x": (2,), "y": (2,)}, "∂f/∂x = ∂f/∂q₁ ⊙ y·x^(y-1)"),
    ("sum(max(x, y))", {"x": (2,), "y": (2,)}, "∂f/∂x = ∂f/∂q₁ ⊙ [x > y]"),
    ("sum(x ** 2)", {"x": (2,)}, "∂f/∂x = ∂f/∂q₁ ⊙ 2·x"),
])
def test_explain_rules_and_shapes(text, values, wanted):
    arrays_given = {k: RNG.uniform(0.5, 2, size=s) for k, s in values.items()}
    lines = traced(text, **arrays_given).explain()
    assert wanted in lines
    assert "broadcast" not in lines or "Σ over axis" in lines


def test_unroll_computes_each_element_once():
    flat = json.loads(run_cli("sum(relu(x * 2) @ W)", "--x", "[1, -1]", "--W",
                              "[[1, 2, 3], [4, 5, 6]]", "--unroll", "--json").stdout)
    ops = [n["op"] for n in flat["nodes"]]
    assert ops.count("relu") == 2 and ops.count("mul_const") == 2
    soft = json.loads(run_cli("p = softmax(s); L = -log(p[1])", "--s", "[1, 2, 3]", "--unroll",
                              "--json").stdout)
    assert [n["op"] for n in soft["nodes"]].count("exp") == 3


def test_unroll_of_a_long_product_of_matrices_is_refused_quickly():
    import time

    values = {name: np.ones((3, 3)).tolist() for name in "ABCDEFGHI"}
    args = [a for name, v in values.items() for a in (f"--{name}", json.dumps(v))]
    start = time.perf_counter()
    result = run_cli("sum(A @ B @ C @ D @ E @ F @ G @ H @ I)", *args, "--unroll", "--json")
    assert time.perf_counter() - start < 20
    if result.returncode == 0:  # small enough: then every gate is computed once
        assert len(json.loads(result.stdout)["nodes"]) < 2_500
    else:
        assert "more than the limit of 2,000" in result.stderr


def test_unroll_of_numbers_only_is_refused_and_grad_output_names_ones():
    result = run_cli("x*2", "--x", "1", "--unroll")
    assert result.returncode == 2 and "this program has none" in result.stderr
    bad = run_cli("W @ x", "--W", "[[1, 2], [3, 4]]", "--x", "[1, 1]", "--grad-output", "one")
    assert bad.returncode == 2 and "expected 'ones' or a JSON array" in bad.stderr


def test_json_of_arrays_carries_the_explanation_and_the_index():
    doc = json.loads(run_cli("sum(W @ x) + x[-1]", "--W", "[[1, 2], [3, 4]]", "--x", "[1, 2]",
                             "--json", "--explain").stdout)
    assert doc["explanation"][0].startswith("Backward pass")
    assert any("∂f/∂W = ∂f/∂q₁ · xᵀ = [[1.00, 2.00], [1.00, 2.00]]" in line
               for line in doc["explanation"])
    assert [n["index"] for n in doc["nodes"] if n["op"] == "index"] == [[-1]]


# --- diagrams of arrays ------------------------------------------------------------------------

def svg_texts(svg: str) -> list[str]:
    import html

    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


@pytest.mark.parametrize("engine", [
    pytest.param("dot", marks=pytest.mark.needs_dot),
    pytest.param("embedded", marks=pytest.mark.needs_embedded)])
def test_a_diagram_of_arrays_draws_each_wires_shape_and_grids(engine, tmp_path):
    """Every array wire: its shape, then its value grid (green) over its gradient grid
    (red), the numbers the engine's rounded to 2 decimals; a broadcast operand is marked."""
    out = tmp_path / "layer.svg"
    args = ("H = relu(X @ W1 + b1); L = mean((H @ W2)**2)", "--X", "[[1, 2], [3, -4]]",
            "--W1", "[[0.1, 0.2, -0.3], [0.4, -0.5, 0.6]]", "--b1", "[0.1, 0.1, 0.1]",
            "--W2", "[[1], [2], [-1]]")
    result = run_cli(*args, "--engine", engine, "-o", str(out))
    assert result.returncode == 0, result.stderr
    texts = svg_texts(out.read_text())
    for shape in ("2×2", "2×3", "3", "3×1", ": 2×3", "2×1"):  # (H in italics before ": ")
        assert shape in texts, shape
    assert texts[texts.index(": 2×3") - 1] == "H"
    # b1 is broadcast over the batch (the embedded engine's fonts lack ⇉, drawn as a box)
    assert ("⇉" if engine == "dot" else "»") in texts
    g = traced(args[0], X=np.array([[1, 2], [3, -4]]), W1=np.array(
        [[0.1, 0.2, -0.3], [0.4, -0.5, 0.6]]), b1=np.array([0.1, 0.1, 0.1]),
        W2=np.array([[1], [2], [-1]]))
    numbers = [t for t in texts if re.fullmatch(r"-?\d+\.\d\d", t)]
    for node in g.nodes:  # each array's numbers appear, in order, in the picture
        for value in (node.value, node.grad):
            cells = [f"{x:.2f}" if f"{x:.2f}" != "-0.00" else "0.00"
                     for x in np.ravel(value)]
            joined = " ".join(numbers)
            assert " ".join(cells) in joined, (node, cells)


@pytest.mark.parametrize("engine, em", [
    pytest.param("dot", 0.5, marks=pytest.mark.needs_dot),
    pytest.param("embedded", 0.2, marks=pytest.mark.needs_embedded)])
def test_a_matrix_has_its_columns_apart(engine, em, tmp_path):
    """Numbers side by side in a grid keep a gap (they ran together: "1.00-1.00"): in each
    row of the SVG, the next number starts ``em`` after the last ends, its width taken
    generously (render.dot's estimate). Measured before: 0.3 em (dot), -0.09 (embedded,
    whose layout takes text narrower); now 0.68 and 0.28."""
    import xml.etree.ElementTree as ET

    from backpropviz.render.dot import _text_width

    out = tmp_path / "m.svg"
    result = run_cli("L = sum(A * B)", "--A", "[[1, -1, 0.5], [-0.04, 0.01, -0.02]]",
                     "--B", "[[-1, 1, -1], [1, -1, 1]]", "--engine", engine, "--no-wrap",
                     "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows: dict[tuple[str, str], list[tuple[float, str, float]]] = {}
    for t in ET.parse(out).getroot().iter("{http://www.w3.org/2000/svg}text"):
        text = "".join(t.itertext())
        if re.fullmatch(r"-?\d+\.\d\d", text):
            rows.setdefault((t.get("y", ""), t.get("fill", "")), []).append(
                (float(t.get("x", "0")), text, float(t.get("font-size", "0"))))
    assert sum(len(r) == 3 for r in rows.values()) >= 4  # each matrix row, value and grad
    for row in rows.values():
        row.sort()
        for (x, text, size), (x_next, _, _) in zip(row, row[1:]):
            assert x + _text_width(text, int(size)) + em * size <= x_next, row


def test_a_big_array_is_drawn_as_its_range():
    g = traced("L = sum(tanh(v))", v=np.linspace(-1, 1, 20))
    dot = g.to_dot()
    assert "-1.00..1.00" in dot and "20</font>" in dot


ARRAY_SAMPLES = sorted(p for p in (Path(__file__).resolve().parent.parent / "samples")
                       .glob("*.bp") if any(isinstance(v, list) for v in json.loads(
                           p.with_suffix(".json").read_text()).values()))


@pytest.mark.parametrize("path", ARRAY_SAMPLES, ids=lambda p: p.stem)
def test_every_sample_on_arrays_agrees_with_its_unrolled_program_and_validates(path):
    """Each sample on arrays (and its smallest case) against the scalar program it stands
    for; its document against the version 2 schema."""
    jsonschema = pytest.importorskip("jsonschema")
    from importlib import resources

    assert len(ARRAY_SAMPLES) >= 4
    for values_file in (path.with_suffix(".json"), path.with_suffix(".small.json")):
        values = {k: np.array(v, dtype=float) for k, v in
                  json.loads(values_file.read_text()).items()}
        agree_with_unrolled(path.read_text(), values)
    schema = json.loads(resources.files("backpropviz").joinpath(
        "schema", "backpropviz-2.schema.json").read_text())
    doc = json.loads(run_cli("-f", str(path), "--values", str(path.with_suffix(".json")),
                             "--json").stdout)
    jsonschema.validate(doc, schema)
    assert doc["warnings"] == []


def test_a_lesson_of_arrays_has_a_frame_per_gate_with_the_rule_and_shapes(tmp_path):
    """--steps on arrays: forward frames with each value's shape, backward frames with each
    gate's vector-Jacobian product, its numbers (the engine's) and its shapes."""
    from backpropviz.render.frames import lesson_frames

    g = traced("s = W @ x + b; L = logsumexp(s) - s[0]", W=np.array(
        [[0.2, -0.5], [1.5, 1.3], [0.0, 0.25]]), x=np.array([2.0, -1.0]),
        b=np.array([0.1, -0.3, 0.2]))
    frames = lesson_frames(g)
    assert len(frames) == 2 * g.gate_count + 1
    captions = ["\n".join(f.caption) for f in frames]
    assert captions[0] == "q₁ = W @ x = [0.90, 1.70, -0.25]   [3]"
    backward = "\n".join(captions[g.gate_count:])
    assert "∂L/∂W = ∂L/∂q₁ · xᵀ = [[-1.30, 0.65], [1.05, -0.52], [0.25, -0.12]]" in backward
    assert "[(3)·(2)ᵀ = (3×2), an outer product]" in backward
    assert "∂L/∂s = the sum over its uses = [-0.65, 0.52, 0.12]   [3]" in backward
    html = tmp_path / "lesson.html"
    result = run_cli("s = W @ x + b; L = logsumexp(s) - s[0]", "--W",
                     "[[0.2, -0.5], [1.5, 1.3], [0, 0.25]]", "--x", "[2, -1]", "--b",
                     "[0.1, -0.3, 0.2]", "-q", "-o", str(html))
    assert result.returncode == 0, result.stderr
    assert html.read_text().count("<section") == len(frames)


@pytest.mark.needs_embedded
def test_arrays_draw_top_to_bottom(tmp_path):
    """--direction TB puts value and gradient side by side; an array's grid is a table in
    its cell, which Graphviz refused with anything after it (it was a syntax error)."""
    target = tmp_path / "a.svg"
    result = run_cli("W @ x", "--W", "[[1, 2], [3, 4]]", "--x", "[1, -1]", "--grad-output",
                     "ones", "--direction", "TB", "--engine", "embedded", "-o", str(target))
    assert result.returncode == 0, result.stderr
    texts = re.findall(r">([^<>]+)</text>", target.read_text("utf-8"))
    # W @ x = [1 - 2, 3 - 4] = [-1, -1]; ∂/∂x = Wᵀ·1 = [4, 6] (by hand)
    assert {"-1", "4", "6"} <= {html.unescape(t).strip() for t in texts}
