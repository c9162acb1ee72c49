"""Mistyped options and variables (issue 16, point 2): a ``--NAME`` that is no variable of
the expression and looks like an option is reported as that option's typo, not taken as a
variable; one close to a variable suggests the variable."""

from __future__ import annotations

import pytest

from conftest import one_line_error

EXPR = ("(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4")

#: (what was typed, the option meant): realistic slips of 30 options, each placed after
#: the expression with a value (a value-taking option) or alone (a flag).
OPTION_TYPOS = [
    ("--jsn", "--json", None), ("--josn", "--json", None), ("--son", "--json", None),
    ("--precison", "--precision", "3"), ("--precisoin", "--precision", "3"),
    ("--theem", "--theme", "dark"), ("--them", "--theme", "dark"),
    ("--engin", "--engine", "dot"), ("--enigne", "--engine", "dot"),
    ("--directon", "--direction", "TB"), ("--explian", "--explain", None),
    ("--exlpain", "--explain", None), ("--chekc", "--check", None),
    ("--chek", "--check", None), ("--exatc", "--exact", None), ("--quite", "--quiet", None),
    ("--qiuet", "--quiet", None), ("--vlaues", "--values", "v.json"),
    ("--outptu", "--output", "f"), ("--stpes", "--steps", "frames"),
    ("--fnot", "--font", "Arial"), ("--scael", "--scale", "2"),
    ("--transparant", "--transparent", None), ("--titel", "--title", "T"),
    ("--expnad", "--expand", None), ("--frame_ms", "--frame-ms", "100"),
    ("--verison", "--version", None), ("--hepl", "--help", None),
    ("--plain_names", "--plain-names", None), ("--max_draw", "--max-draw", "9"),
]


def test_thirty_typos_are_listed():
    assert len({typed for typed, _, _ in OPTION_TYPOS}) == 30


@pytest.mark.parametrize("typed, meant, value", OPTION_TYPOS)
def test_a_mistyped_option_after_the_expression_names_the_option(run, typed, meant, value):
    args = EXPR + ((typed,) if value is None else (typed, value))
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert one_line_error(result.stderr) == (
        f"Error: no such option {typed} (did you mean {meant}?)")


@pytest.mark.parametrize("typed, meant", [("--jsn", "--json"), ("--precison", "--precision")])
def test_a_mistyped_flag_before_the_expression_does_not_eat_it_silently(run, typed, meant):
    """``--jsn "(x+y)*z" ...`` took the expression as the value of a variable 'jsn' and
    said 'no expression'."""
    result = run(typed, *EXPR)
    assert result.exit_code == 2
    assert one_line_error(result.stderr) == f"Error: no such option {typed} (did you mean {meant}?)"


def test_a_mistyped_option_with_a_program_file(run, tmp_path):
    program = tmp_path / "p.bp"
    program.write_text("q = x + y\nf = q * z\n", encoding="utf-8")
    result = run("-f", str(program), *EXPR[1:], "--precison", "3")
    assert result.exit_code == 2
    assert one_line_error(result.stderr) == (
        "Error: no such option --precison (did you mean --precision?)")


def test_a_dashed_typo_suggests_the_option(run):
    result = run(*EXPR, "--max-sise", "9")
    assert one_line_error(result.stderr) == (
        "Error: no such option: --max-sise (did you mean --max-size?)")


def test_a_variable_named_like_an_option_is_still_a_variable(run):
    """'jsn' is a word of the expression: --jsn gives it its value, no option is meant."""
    result = run("jsn*2", "--jsn", "3", "--json")
    assert result.exit_code == 0, result.output
    assert '"value": 6.0' in result.stdout


def test_a_variable_named_like_an_option_without_a_value_needs_one(run):
    result = run("jsn*2", "--jsn")
    assert one_line_error(result.stderr) == "Error: --jsn needs a value: --jsn VALUE"


@pytest.mark.parametrize("typed, meant", [("xx", "x"), ("w00", "w0"), ("x_1", "x1"),
                                          ("W0", "w0")])
def test_a_mistyped_variable_suggests_the_variable(run, typed, meant):
    result = run("w0*x + x1", "--w0", "1", "--x", "2", "--x1", "3", f"--{typed}", "4")
    assert one_line_error(result.stderr) == (
        f"Error: --{typed}: the expression has no variable '{typed}'; did you mean "
        f"'{meant}'? (its variables: w0, x, x1)")


def test_an_unrelated_name_suggests_nothing(run):
    result = run(*EXPR, "--q", "4")
    assert one_line_error(result.stderr) == (
        "Error: --q: the expression has no variable 'q' (its variables: x, y, z)")


def test_the_python_api_suggests_the_variable():
    import backpropviz

    with pytest.raises(backpropviz.ValuesError) as caught:
        backpropviz.trace("w0*x", w0=1, x=2, w00=3)
    assert str(caught.value) == (
        "the expression has no variable 'w00'; did you mean 'w0'? (its variables: w0, x)")
