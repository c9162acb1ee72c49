"""``--check``: every gradient recomputed with sympy (the symbolic derivative of the whole
expression) and with central finite differences; kinks are said to be kinks, a domain edge
is 'undefined', and a real disagreement exits 1."""

from __future__ import annotations

import json
import math

import pytest
import sympy as sp

import backpropviz
import backpropviz.symbolic
from backpropviz.check import (FD_RTOL, SYMBOLIC_RTOL, check_gradients, find_kinks,
                               relative_error)
from backpropviz.cli import main
from backpropviz.ops import OPS

from reference import REFERENCE, SIGMOID, SIMPLE, var_args


def check_json(run, *args: str, code: int = 0) -> dict:
    result = run(*args, "--check", "--json")
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


@pytest.fixture
def wrong_sin(monkeypatch):
    """Backprop with a wrong local derivative for sin (2 instead of cos x)."""
    monkeypatch.setitem(OPS, "sin", OPS["sin"]._replace(
        derivative=lambda x, o, c: 2.0))


def test_tolerances():
    assert 0 < SYMBOLIC_RTOL <= 1e-9
    assert SYMBOLIC_RTOL < FD_RTOL <= 1e-4


# --- the CS231n examples pass ------------------------------------------------------------------

@pytest.mark.parametrize("expression", [SIMPLE, SIGMOID])
def test_cs231n_examples_pass(run, validator, expression):
    ex = REFERENCE[expression]
    doc = check_json(run, expression, *var_args(ex["values"]))
    validator.validate(doc)
    check = doc["check"]
    assert check["ok"] is True
    assert check["kinks"] == [] and check["notes"] == []
    assert list(check["gradients"]) == list(ex["gradients"])
    for name, expected in ex["gradients"].items():
        row = check["gradients"][name]
        assert row["status"] == "ok"
        assert row["backprop"] == pytest.approx(expected, rel=1e-12)
        assert row["symbolic"] == pytest.approx(expected, rel=SYMBOLIC_RTOL)
        assert row["finite_difference"] == pytest.approx(expected, rel=FD_RTOL)
        assert 0 <= row["symbolic_rel_error"] <= SYMBOLIC_RTOL
        assert 0 <= row["finite_difference_rel_error"] <= FD_RTOL
        assert row["symbolic_rel_error"] == relative_error(row["backprop"], row["symbolic"])
        assert row["finite_difference_rel_error"] == relative_error(
            row["backprop"], row["finite_difference"])
    if expression == SIGMOID:
        # finite differences of a curved function are not exact: really computed, not copied
        assert all(row["finite_difference_rel_error"] > 0
                   for row in check["gradients"].values())


@pytest.mark.parametrize("expression", [SIMPLE, SIGMOID])
def test_cs231n_check_table(run, expression):
    ex = REFERENCE[expression]
    result = run(expression, *var_args(ex["values"]), "--check")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("variable"))
    assert header.split() == ["variable", "backprop", "sympy", "rel", "err", "finite", "diff",
                              "rel", "err", "status"]
    rows = {line.split()[0]: line.split() for line in lines[lines.index(header) + 2:]
            if line.split() and line.split()[0] in ex["gradients"]}
    assert set(rows) == set(ex["gradients"])
    for name, expected in ex["gradients"].items():
        row = rows[name]
        assert row[1] == f"{expected:.6f}" and row[2] == f"{expected:.6f}"
        assert row[-1] == "ok"
    assert lines[-1] == "check passed: all gradients agree"


# --- kinks and domain edges --------------------------------------------------------------------

def test_relu_kink_is_a_kink_not_a_failure(run, validator):
    doc = check_json(run, "relu(x)*y", "--x", "0", "--y", "2")
    validator.validate(doc)
    check = doc["check"]
    assert check["ok"] is True
    assert check["kinks"] == ["relu at 0 (node 1)"]
    x = check["gradients"]["x"]
    assert x["status"] == "kink"
    assert x["backprop"] == 0.0                       # PyTorch's relu'(0) = 0
    assert x["symbolic"] == pytest.approx(1.0)        # sympy: Heaviside(0) = 1/2, times y
    assert x["finite_difference"] == pytest.approx(1.0, rel=1e-6)
    assert check["gradients"]["y"]["status"] == "ok"


def test_relu_kink_message(run):
    result = run("relu(x)*y", "--x", "0", "--y", "2", "--check")
    assert result.exit_code == 0, result.output
    text = result.stdout
    kink_line = next(line for line in text.splitlines() if line.startswith("at a kink"))
    assert "relu at 0" in kink_line and "kink" in kink_line
    x_row = next(line for line in text.splitlines() if line.startswith("x "))
    assert x_row.split()[-1] == "kink"
    assert text.splitlines()[-1] == "check passed: the gradients agree except at the kink"
    assert "FAILED" not in text and "mismatch" not in text


@pytest.mark.parametrize("expression, values, kink", [
    ("abs(x)*y", {"x": 0, "y": 2}, "abs at 0 (node 1)"),
    ("max(x,y)", {"x": 1, "y": 1}, "max tie at 1 (node 2)"),
    ("min(x,y)*z", {"x": 1, "y": 1, "z": 3}, "min tie at 1 (node 2)"),
])
def test_other_kinks_are_reported(run, validator, expression, values, kink):
    doc = check_json(run, expression, *var_args(values))
    validator.validate(doc)
    check = doc["check"]
    assert check["ok"] is True
    assert check["kinks"] == [kink]
    # averaging the one-sided derivatives gives what backprop's convention gives here
    assert all(row["status"] in ("ok", "kink") for row in check["gradients"].values())
    result = run(expression, *var_args(values), "--check")
    assert result.exit_code == 0
    assert f"at a kink: {kink}" in result.stdout
    assert "FAILED" not in result.stdout


def test_max_tie_splits_evenly_and_agrees(run):
    doc = check_json(run, "max(x,y)", "--x", "1", "--y", "1")
    for name in ("x", "y"):
        row = doc["check"]["gradients"][name]
        assert row["backprop"] == 0.5 and row["symbolic"] == 0.5
        assert row["finite_difference"] == pytest.approx(0.5, rel=1e-9)


@pytest.mark.parametrize("expression", ["sqrt(x)", "sqrt(x)*y", "log(x)"])
def test_domain_edge_is_undefined_not_a_failure(run, validator, expression):
    values = {"x": 0, "y": 1} if "y" in expression else {"x": 0}
    doc = check_json(run, expression, *var_args(values))
    validator.validate(doc)
    check = doc["check"]
    assert check["ok"] is True
    assert check["kinks"] == []
    x = check["gradients"]["x"]
    assert x["status"] == "undefined"
    assert x["backprop"] == "inf"
    # no method finds a finite derivative (sympy may also be skipped, with a note)
    assert x["symbolic"] in ("nan", "inf", "-inf", None)
    assert x["finite_difference"] in ("nan", "inf", "-inf")
    if "y" in expression:
        assert check["gradients"]["y"]["status"] == "ok"


@pytest.mark.parametrize("expression, values, grads", [
    # sympy's d/dx x**y is y*x**y/x: 0/0 at x = 0, though x**2 has derivative 0 there
    ("x**y", {"x": 0, "y": 2}, {"x": 0.0, "y": 0.0}),
    ("x**y*z", {"x": 0, "y": 3, "z": 2}, {"x": 0.0, "y": 0.0, "z": 0.0}),
    ("x**y", {"x": 0, "y": 0.5}, {"y": 0.0}),
])
def test_a_formula_that_is_0_over_0_at_the_point_is_no_failure(run, expression, values,
                                                               grads):
    """Backprop and finite differences agree; --check said FAILED (exit 1) because sympy's
    formula for the whole gradient is undefined there."""
    doc = check_json(run, expression, *var_args(values))
    check = doc["check"]
    assert check["ok"] is True
    for name, expected in grads.items():
        row = check["gradients"][name]
        assert row["status"] == "ok", row
        assert row["backprop"] == row["symbolic"] == expected


@pytest.mark.parametrize("expression, values, kink", [
    ("x**y", {"x": 0, "y": 0}, "0**0 (node 2)"),
    ("0**y", {"y": 0}, "0**0 (node 1)"),
])
def test_zero_to_the_zero_is_a_kink_for_the_exponent(run, expression, values, kink):
    """0**y is 1 at y = 0 and 0 just above: no derivative in y (sympy and finite differences
    say -inf or nan); backprop takes 0 as PyTorch does. Was a mismatch, exit 1."""
    doc = check_json(run, expression, *var_args(values))
    check = doc["check"]
    assert check["ok"] is True and check["kinks"] == [kink]
    row = check["gradients"]["y"]
    assert row["backprop"] == 0.0 and row["status"] == "kink"
    assert row["finite_difference"] == "-inf"


def test_the_one_variable_fallback_refuses_a_division_by_zero(run):
    """x/0 is zoo whatever x is: sympy would call its derivative 0; it stays undefined."""
    doc = check_json(run, "x/y", "--x", "1", "--y", "0")
    assert doc["check"]["gradients"]["x"]["symbolic"] == "nan"
    assert doc["check"]["gradients"]["x"]["status"] == "undefined"


@pytest.mark.parametrize("expression, values, output", [
    ("x/x", {"x": 0}, "nan"),  # 0/0: sympy (x/x is 1) and finite differences say 0
    ("x/y", {"x": 1, "y": 0}, "inf"),  # a pole: finite differences give 2.7e10 for y
    ("x**-2", {"x": 0}, "inf"),  # finite differences give 0 (the two sides cancel)
    ("log(x)", {"x": -1}, "nan"),  # sympy's complex derivative is -1, as backprop's
])
def test_where_the_output_is_not_finite_every_gradient_is_undefined(run, validator, expression,
                                                                    values, output):
    """The function has no finite value at the point, so no gradient to check: the methods'
    limits or complex answers are no mismatch (these all said FAILED, exit 1)."""
    doc = check_json(run, expression, *var_args(values))
    validator.validate(doc)
    assert doc["value"] == output
    check = doc["check"]
    assert check["ok"] is True
    assert {name: row["status"] for name, row in check["gradients"].items()} == {
        name: "undefined" for name in values}
    assert any(note.startswith(f"the output is {output} at this point") for note in check["notes"])


def test_undefined_is_not_reported_as_agreement(run):
    """backprop says inf where sympy and finite differences find no derivative: the summary
    must not claim that all gradients agree."""
    result = run("sqrt(x)", "--x", "0", "--check")
    assert result.exit_code == 0
    x_row = next(line for line in result.stdout.splitlines() if line.startswith("x "))
    assert x_row.split()[-1] == "undefined"
    assert "all gradients agree" not in result.stdout


# --- a real disagreement exits 1 ------------------------------------------------------------------

def test_wrong_derivative_is_a_mismatch(wrong_sin):
    graph = backpropviz.trace("sin(x)*y", x=0.5, y=3)
    report = check_gradients(graph)
    assert report.ok is False
    by_name = {c.name: c for c in report.checks}
    x = by_name["x"]
    assert x.status == "mismatch"
    assert x.backprop == 6.0                                   # 2 (wrong) * y
    assert x.symbolic == pytest.approx(3 * math.cos(0.5), rel=1e-15)
    assert x.finite_difference == pytest.approx(3 * math.cos(0.5), rel=FD_RTOL)
    assert x.symbolic_error == pytest.approx(relative_error(6.0, 3 * math.cos(0.5)))
    assert by_name["y"].status == "ok"


def test_check_exits_1_on_a_mismatch_in_process(run, wrong_sin):
    result = run("sin(x)*y", "--x", "0.5", "--y", "3", "--check")
    lines = result.stdout.splitlines()
    x_row = next(line for line in lines if line.startswith("x "))
    assert x_row.split()[-2:] == ["mismatch", "!"]
    assert lines[-1] == "check FAILED: some gradients disagree (marked !)"
    assert result.exit_code == 1, "the mismatch is reported but the exit status is 0"


def test_check_exits_1_on_a_mismatch_via_main(capsys, wrong_sin):
    with pytest.raises(SystemExit) as exit_info:
        main(["sin(x)*y", "--x", "0.5", "--y", "3", "--check"])
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "check FAILED: some gradients disagree (marked !)" in out


def test_check_json_on_a_mismatch(run, validator, wrong_sin):
    result = run("sin(x)*y", "--x", "0.5", "--y", "3", "--check", "--json")
    doc = json.loads(result.stdout)
    validator.validate(doc)
    assert doc["check"]["ok"] is False
    assert doc["check"]["gradients"]["x"]["status"] == "mismatch"
    assert doc["check"]["gradients"]["y"]["status"] == "ok"
    assert result.stderr.strip() == "error: --check found gradients that disagree"
    assert result.exit_code == 1


def test_check_json_mismatch_exit_status_via_main(capsys, wrong_sin):
    with pytest.raises(SystemExit) as exit_info:
        main(["sin(x)*y", "--x", "0.5", "--y", "3", "--check", "--json"])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["check"]["ok"] is False
    assert "error: --check found gradients that disagree" in captured.err


def test_quiet_mismatch_says_so_on_stderr(capsys, wrong_sin):
    with pytest.raises(SystemExit) as exit_info:
        main(["sin(x)*y", "--x", "0.5", "--y", "3", "--check", "-q"])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == "error: --check found gradients that disagree"


def test_a_kink_elsewhere_does_not_excuse_a_mismatch(wrong_sin):
    """y's gradient does not pass through the relu at 0, so its disagreement is real."""
    graph = backpropviz.trace("sin(y) + relu(x)", x=0, y=0.5)
    report = check_gradients(graph)
    by_name = {c.name: c for c in report.checks}
    assert report.kinks == ["relu at 0 (node 3)"]
    assert by_name["x"].status == "kink"
    assert by_name["y"].status == "mismatch"
    assert report.ok is False


def test_correct_ops_pass_where_the_patched_one_failed():
    report = check_gradients(backpropviz.trace("sin(x)*y", x=0.5, y=3))
    assert report.ok and [c.status for c in report.checks] == ["ok", "ok"]


# --- the references are independent of backprop ---------------------------------------------------

def test_symbolic_reference_is_sympy_of_the_whole_expression(monkeypatch):
    """The symbolic gradient is sympy.diff of the whole expression, not built from the
    per-gate derivatives that backprop (or --explain) uses."""

    def no_local_derivatives(*args, **kwargs):
        raise AssertionError("the symbolic check used a per-gate derivative")

    monkeypatch.setattr(backpropviz.symbolic, "_derivative", no_local_derivatives)
    ex = REFERENCE[SIGMOID]
    graph = backpropviz.trace(SIGMOID, ex["values"])
    report = check_gradients(graph)
    names = {n: sp.Symbol(n, real=True) for n in ex["values"]}
    w0, x0, w1, x1, w2 = (names[n] for n in ("w0", "x0", "w1", "x1", "w2"))
    f = 1 / (1 + sp.exp(-(w0 * x0 + w1 * x1 + w2)))
    point = {names[n]: sp.Integer(v) for n, v in ex["values"].items()}
    for check in report.checks:
        exact = float(sp.diff(f, names[check.name]).subs(point).evalf(30))
        assert check.symbolic == pytest.approx(exact, rel=1e-15), check.name
        assert check.status == "ok"


def test_symbolic_reference_ignores_a_wrong_backprop(wrong_sin):
    graph = backpropviz.trace("sin(x**2)", x=0.7)
    report = check_gradients(graph)
    (x,) = report.checks
    assert x.backprop == pytest.approx(2.0 * 2 * 0.7)
    assert x.symbolic == pytest.approx(math.cos(0.49) * 1.4, rel=1e-15)
    assert x.finite_difference == pytest.approx(math.cos(0.49) * 1.4, rel=1e-8)
    assert x.status == "mismatch"


def test_symbolic_check_skipped_for_a_huge_graph(run, validator, monkeypatch):
    import backpropviz.check as check_module

    monkeypatch.setattr(check_module, "SYMBOLIC_NODE_LIMIT", 3)
    doc = check_json(run, "(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4")
    validator.validate(doc)
    check = doc["check"]
    assert check["ok"] is True
    assert len(check["notes"]) == 1 and "symbolic check skipped" in check["notes"][0]
    for row in check["gradients"].values():
        assert row["symbolic"] is None and row["symbolic_rel_error"] is None
        assert row["status"] == "ok"
    result = run("(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4", "--check")
    assert "skipped" in result.stdout
    assert "note: symbolic check skipped" in result.stdout


# --- the symbolic reference must stay quick -------------------------------------------------------

def test_check_of_a_power_of_a_decimal_finishes(child_env):
    """sqrt(x**x) at x = 1.2345678: the symbolic check must evaluate the derivative at the
    point numerically. Substituting the exact rational 6172839/5000000 makes sympy try to
    pull perfect powers out of (6172839/5000000)**(6172839/5000000) and never finish (with
    more digits, e.g. 1.23456789012, it eats gigabytes and dies 'out of memory')."""
    import subprocess
    import sys

    try:
        proc = subprocess.run(
            [sys.executable, "-m", "backpropviz", "sqrt(x**x)", "--x", "1.2345678", "--check",
             "--json"], capture_output=True, text=True, env=child_env(), timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("--check on sqrt(x**x) at x=1.2345678 did not finish in 20 s")
    assert proc.returncode == 0, proc.stderr
    row = json.loads(proc.stdout)["check"]["gradients"]["x"]
    x = 1.2345678
    expected = x ** (x / 2) * (math.log(x) + 1) / 2
    assert row["status"] == "ok"
    assert row["symbolic"] == pytest.approx(expected, rel=1e-12)


# --- relative_error and find_kinks ---------------------------------------------------------------

@pytest.mark.parametrize("a, b, expected", [
    (1.0, 1.0, 0.0),
    (0.0, 0.0, 0.0),
    (1.0, 2.0, 0.5),
    (2.0, 1.0, 0.5),
    (-1.0, 1.0, 2.0),
    (0.0, 1e-300, 1.0),
    (-4.0, -4.000004, 4e-6 / 4.000004),
    (math.inf, math.inf, 0.0),
    (-math.inf, -math.inf, 0.0),
    (math.inf, 1.0, math.inf),
    (1.0, math.nan, math.inf),
    (math.inf, -math.inf, math.inf),
])
def test_relative_error(a, b, expected):
    assert relative_error(a, b) == pytest.approx(expected, rel=1e-9)
    assert relative_error(b, a) == relative_error(a, b)


def test_relative_error_of_nans_is_not_zero():
    assert relative_error(math.nan, math.nan) == math.inf


def test_find_kinks():
    assert find_kinks(backpropviz.trace("relu(x) + abs(y)", x=0, y=1)) == ["relu at 0 (node 1)"]
    assert find_kinks(backpropviz.trace("relu(x) + abs(y)", x=1, y=0)) == ["abs at 0 (node 3)"]
    assert find_kinks(backpropviz.trace("max(x, y) + min(x, y)", x=2, y=2)) == [
        "max tie at 2 (node 2)", "min tie at 2 (node 3)"]
    assert find_kinks(backpropviz.trace("max(x, y) + relu(x)", x=2, y=1)) == []
    # the kink is where the gate's input is 0, not where the variable is
    assert find_kinks(backpropviz.trace("relu(x - 1)", x=1)) == ["relu at 0 (node 2)"]
