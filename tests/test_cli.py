"""The ``backpropviz`` command: every path, with its exit status and its message."""

from __future__ import annotations

import json
import os
import re
import sys

import pytest

ADD_MUL = ("(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4")
SIGMOID = ("1/(1+exp(-(w0*x0+w1*x1+w2)))",
           "--w0", "2", "--x0", "-1", "--w1", "-3", "--x1", "-2", "--w2", "-3")

ANSI = "\x1b["


def rows(stdout: str) -> dict[str, list[str]]:
    """Table rows keyed by node id: [gate, computes..., value, grad] split on whitespace."""
    table = {}
    for line in stdout.splitlines():
        parts = line.split()
        if parts and parts[0].isdigit():
            table[parts[0]] = parts[1:]
    return table


def error_line(result) -> str:
    """The one 'Error: ...' line of a failed run (there must be exactly one)."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def assert_usage_error(result) -> str:
    """Exit 2, nothing on stdout, no traceback; returns the error line."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stdout == ""
    assert "Traceback" not in result.output
    return error_line(result)


# --- the two CS231n examples --------------------------------------------------------------

def test_add_mul_table(run):
    result = run(*ADD_MUL)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    table = rows(result.stdout)
    assert table == {
        "0": ["x", "input", "x", "-2.0000", "-4.0000"],
        "1": ["y", "input", "y", "5.0000", "-4.0000"],
        "2": ["+", "x+y", "3.0000", "-4.0000"],
        "3": ["z", "input", "z", "-4.0000", "3.0000"],
        "4": ["*", "(x+y)*z", "-12.0000", "1.0000"],
    }
    assert result.stdout.rstrip().splitlines()[-1].split() == ["output", "(x+y)*z", "=", "-12.0000"]
    header = result.stdout.splitlines()[0].split()
    assert header == ["#", "name", "gate", "computes", "value", "grad"]


def test_sigmoid_table(run):
    result = run(*SIGMOID)
    assert result.exit_code == 0, result.output
    table = rows(result.stdout)
    assert len(table) == 13
    gates = [row[0] for _, row in sorted(table.items(), key=lambda kv: int(kv[0]))
             if "input" not in row[:2]]  # input rows: name, "input", ...
    assert gates == ["*", "*", "+", "+", "*-1", "exp", "+1", "1/x"]
    values = {row[-3]: (row[-2], row[-1]) for row in table.values()}
    assert values["w0"] == ("2.0000", "-0.1966")
    assert values["x0"] == ("-1.0000", "0.3932")
    assert values["w1"] == ("-3.0000", "-0.3932")
    assert values["x1"] == ("-2.0000", "-0.5898")
    assert values["w2"] == ("-3.0000", "0.1966")
    assert values["exp(-(w0*x0+w1*x1+w2))"] == ("0.3679", "-0.5344")
    assert values["1+exp(-(w0*x0+w1*x1+w2))"] == ("1.3679", "-0.5344")
    assert values["1/(1+exp(-(w0*x0+w1*x1+w2)))"] == ("0.7311", "1.0000")
    assert result.stdout.rstrip().endswith("= 0.7311")


def test_precision_changes_table_decimals(run):
    result = run(*ADD_MUL, "--precision", "1")
    assert result.exit_code == 0, result.output
    assert rows(result.stdout)["4"] == ["*", "(x+y)*z", "-12.0", "1.0"]


def test_quiet_prints_nothing(run):
    result = run(*ADD_MUL, "-q")
    assert result.exit_code == 0
    assert result.output == ""


# --- how values are given -----------------------------------------------------------------

def test_negative_value_as_separate_word(run):
    result = run("x*y", "--x", "3", "--y", "-2")
    assert result.exit_code == 0, result.output
    assert rows(result.stdout)["2"] == ["*", "x*y", "-6.0000", "1.0000"]


def test_value_with_equals_sign(run):
    result = run("x*y", "--x=3", "--y=-2")
    assert result.exit_code == 0, result.output
    table = rows(result.stdout)
    assert table["1"] == ["y", "input", "y", "-2.0000", "3.0000"]
    assert table["2"] == ["*", "x*y", "-6.0000", "1.0000"]


def test_scientific_value(run):
    result = run("w*x", "--w", "1e-3", "--x", "-2.5E2", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["variables"] == {"w": 0.001, "x": -250.0}
    assert doc["value"] == pytest.approx(-0.25, rel=1e-15)
    assert doc["gradients"] == {"w": -250.0, "x": 0.001}


def test_var_option_for_a_name_clashing_with_an_option(run):
    result = run("x*json", "--x", "2", "--var", "json=3", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["variables"] == {"x": 2.0, "json": 3.0}
    assert doc["value"] == 6.0
    assert doc["gradients"] == {"x": 3.0, "json": 2.0}


def test_var_option_negative_value_and_repeat(run):
    result = run("var*q", "--var", "var=-1.5", "--var", "q=4", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["variables"] == {"var": -1.5, "q": 4.0}
    assert doc["gradients"] == {"var": 4.0, "q": -1.5}


def test_options_before_the_expression(run):
    result = run("--x", "2", "--y", "-3", "--precision", "2", "x*y")
    assert result.exit_code == 0, result.output
    assert rows(result.stdout)["2"] == ["*", "x*y", "-6.00", "1.00"]


def test_expression_starting_with_minus(run):
    result = run("-x*y", "--x", "2", "--y", "3")
    assert result.exit_code == 0, result.output
    table = rows(result.stdout)
    assert table["1"] == ["*-1", "-x", "-2.0000", "3.0000"]
    assert table["3"] == ["*", "-x*y", "-6.0000", "1.0000"]


def test_expression_starting_with_minus_after_double_dash(run):
    result = run("--x", "2", "--", "-x")
    assert result.exit_code == 0, result.output
    assert rows(result.stdout)["1"] == ["*-1", "-x", "-2.0000", "1.0000"]


def test_constant_expression_needs_no_values(run):
    result = run("2*pi", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["value"] == pytest.approx(6.283185307179586, rel=1e-15)


# --- value errors -------------------------------------------------------------------------

def test_missing_value(run):
    line = assert_usage_error(run("(x+y)*z", "--x", "-2", "--y", "5"))
    assert "z" in line
    assert "--z VALUE" in line
    assert "--x VALUE" not in line and "--y VALUE" not in line


def test_missing_values_all_named(run):
    line = assert_usage_error(run("(x+y)*z", "--y", "5"))
    assert "--x VALUE" in line and "--z VALUE" in line


def test_value_for_a_name_not_in_the_expression(run):
    line = assert_usage_error(run(*ADD_MUL, "--w", "1"))
    assert "'w'" in line
    assert "--w" in line
    assert "x, y, z" in line  # the expression's variables, listed


def test_value_not_a_number(run):
    line = assert_usage_error(run("(x+y)*z", "--x", "-2", "--y", "five", "--z", "-4"))
    assert "--y" in line
    assert "'five'" in line
    assert "not a number" in line


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "NaN"])
def test_non_finite_value(run, text):
    line = assert_usage_error(run("x*2", "--x", text))
    assert "--x" in line
    assert f"'{text}'" in line
    assert "finite" in line


def test_duplicate_value(run):
    line = assert_usage_error(run("x*2", "--x", "1", "--x", "2"))
    assert "'x'" in line
    assert "more than once" in line


def test_duplicate_value_through_var(run):
    line = assert_usage_error(run("x*2", "--x", "1", "--var", "x=2"))
    assert "'x'" in line
    assert "more than once" in line


def test_option_without_value(run):
    line = assert_usage_error(run("x*y", "--y", "2", "--x"))
    assert "--x" in line
    assert "--x VALUE" in line


def test_unknown_option_with_dashes(run):
    line = assert_usage_error(run("x*y", "--x", "1", "--y", "2", "--foo-bar", "3"))
    assert "--foo-bar" in line
    assert "no such option" in line


@pytest.mark.parametrize("name, kind", [("pi", "constant"), ("e", "constant"),
                                        ("exp", "function"), ("max", "function")])
def test_value_for_a_constant_or_function(run, name, kind):
    line = assert_usage_error(run("exp(x)*pi + max(x, e)", "--x", "1", f"--{name}", "3"))
    assert f"'{name}'" in line
    assert f"is a {kind}" in line


def test_var_without_equals(run):
    line = assert_usage_error(run("x*json", "--x", "2", "--var", "json"))
    assert "--var" in line
    assert "NAME=VALUE" in line
    assert "'json'" in line


def test_var_with_a_bad_name(run):
    line = assert_usage_error(run("x*2", "--var", "2x=3"))
    assert "NAME=VALUE" in line and "'2x=3'" in line


@pytest.mark.parametrize("how", ["option", "var"])
def test_every_name_the_parser_reads_can_be_given_a_value(run, how):
    """``x₁`` and ``x²`` are names of the grammar (word characters) though Python's
    isidentifier says no; they were variables no option could set ('no such option').
    As Python reads names, they are NFKC-normalised: x₁ is x1, x² is x2."""
    values = (["--x₁", "2", "--x²", "5"] if how == "option"
              else ["--var", "x₁=2", "--var", "x²=5"])
    result = run("x₁*x²", *values, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["value"] == 10.0
    assert doc["gradients"] == {"x1": 5.0, "x2": 2.0}


def test_a_name_outside_the_grammar_is_still_no_option(run):
    line = assert_usage_error(run("x", "--x", "1", "--a-b", "2"))
    assert line == "Error: no such option: --a-b"


@pytest.mark.parametrize("option, text, reason", [
    ("--title", "a\x1b[31mb", "the control character '\\x1b' at character 2"),
    ("--title", "a\x01", "the control character '\\x01' at character 2"),
    ("--font", "\udcff", "not UTF-8 text (at character 1)"),  # the byte 0xff in argv
    ("--title", "caf\udce9", "not UTF-8 text (at character 4)"),
])
def test_title_and_font_must_be_printable_text(run, tmp_path, option, text, reason):
    """Graphviz failed on a control character ('could not render .svg: in label of graph
    cluster_title'), and bytes that are not UTF-8 crashed the DOT writer (exit 70)."""
    out = tmp_path / "out.dot"
    line = assert_usage_error(run(*ADD_MUL, "-o", str(out), option, text))
    assert line.startswith(f"Error: Invalid value for '{option}': it ")
    assert reason in line
    assert not out.exists()


def test_title_may_have_newlines_tabs_and_unicode(run, tmp_path):
    out = tmp_path / "out.dot"
    result = run(*ADD_MUL, "-q", "-o", str(out), "--title", "two\nlines\tθ")
    assert result.exit_code == 0, result.output
    assert "θ" in out.read_text(encoding="utf-8")


def test_var_value_not_a_number(run):
    line = assert_usage_error(run("x*json", "--x", "2", "--var", "json=abc"))
    assert "--var json" in line
    assert "'abc'" in line and "not a number" in line


def test_bad_precision(run):
    result = run(*ADD_MUL, "--precision", "99")
    assert result.exit_code == 2
    assert "--precision" in result.stderr
    assert result.stdout == ""


# --- expression errors --------------------------------------------------------------------

@pytest.mark.parametrize("expression, column, char", [
    ("(x+*y)", 4, "*"),
    ("x + y )", 7, ")"),
    ("x $ y", 3, "$"),
    ("2 3", 3, "3"),
])
def test_syntax_error_points_at_the_column(run, expression, column, char):
    result = run(expression, "--x", "1", "--y", "2")
    line = assert_usage_error(result)
    assert f"column {column}" in line
    lines = result.stderr.splitlines()
    at = lines.index(line)
    shown, caret = lines[at + 1], lines[at + 2]
    assert shown.strip() == expression
    assert caret.strip() == "^"
    offset = caret.index("^")
    assert shown[offset] == char
    assert offset - shown.index(expression) == column - 1


def test_unclosed_parenthesis(run):
    result = run("(x+1", "--x", "1")
    line = assert_usage_error(result)
    assert "never closed" in line and "column 1" in line
    caret = result.stderr.splitlines()[-1]
    assert caret.index("^") == result.stderr.splitlines()[-2].index("(")


def test_empty_expression(run):
    line = assert_usage_error(run(""))
    assert "empty" in line


def test_syntax_error_in_a_real_process_has_no_traceback(run_process):
    proc = run_process("x +* y", "--x", "1", "--y", "2")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("Error:") and "column 4" in lines[0]
    assert lines[1].index("*") == lines[2].index("^")


def test_unknown_function_lists_supported_ones(run):
    line = assert_usage_error(run("foo(x)", "--x", "1"))
    assert "'foo'" in line
    for name in ("exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "abs",
                 "max", "min"):
        assert re.search(rf"\b{name}\b", line.split("supported", 1)[1]), name


# --- outputs ------------------------------------------------------------------------------

def test_unknown_output_extension(run, tmp_path):
    target = tmp_path / "out.txt"
    line = assert_usage_error(run(*ADD_MUL, "-o", str(target)))
    assert "out.txt" in line
    for ext in (".svg", ".png", ".pdf", ".dot", ".gv", ".json"):
        assert ext in line
    assert not target.exists()


def test_output_into_a_missing_folder(run, tmp_path):
    target = tmp_path / "missing" / "out.dot"
    line = assert_usage_error(run(*ADD_MUL, "-o", str(target)))
    assert "does not exist" in line
    assert str(tmp_path / "missing") in line
    assert not (tmp_path / "missing").exists()
    assert list(tmp_path.iterdir()) == []


def test_output_into_a_missing_folder_writes_no_other_output(run, tmp_path):
    good = tmp_path / "good.dot"
    line = assert_usage_error(run(*ADD_MUL, "-o", str(good), "-o",
                                  str(tmp_path / "missing" / "out.json")))
    assert "does not exist" in line
    assert list(tmp_path.iterdir()) == []


def test_output_onto_a_folder(run, tmp_path):
    (tmp_path / "d.json").mkdir()
    line = assert_usage_error(run(*ADD_MUL, "-o", str(tmp_path / "d.json")))
    assert "is a folder" in line


def test_output_reports_what_it_wrote(run, tmp_path):
    target = tmp_path / "out.dot"
    result = run(*ADD_MUL, "-o", str(target))
    assert result.exit_code == 0
    assert f"wrote {target}" in result.stderr
    assert f"wrote {target}" not in result.stdout
    assert target.read_text(encoding="utf-8").startswith("digraph")


def test_bad_input_writes_no_output(run, tmp_path):
    target = tmp_path / "out.dot"
    assert_usage_error(run("(x+y)*z", "--x", "1", "-o", str(target)))
    assert not target.exists()


# --- version, help ------------------------------------------------------------------------

def test_version(run_process):
    import backpropviz

    proc = run_process("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"backpropviz, version {backpropviz.__version__}"
    assert proc.stderr == ""


def test_help(run_process):
    proc = run_process("--help")
    assert proc.returncode == 0
    assert proc.stderr == ""
    text = proc.stdout
    assert text.startswith("Usage: backpropviz")
    assert 'backpropviz "(x+y)*z" --x -2 --y 5 --z -4' in text  # an example
    assert "--var json=3" in text
    assert "Exit status: 0 ok, 1 --check found a gradient that disagrees" in text
    assert "2 bad input or output" in text
    assert "130 interrupted" in text
    for option in ("--var", "-o, --out", "--json", "--precision", "-q, --quiet", "--version"):
        assert option in text
    # choices are shown as their default is (click lower-cases case-insensitive ones)
    assert re.search(r"--direction \[LR\|TB\] +Inputs on the left \(LR\)", text)


def test_short_help_option(run):
    result = run("-h")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: backpropviz")


def test_no_arguments_shows_help(run_process):
    proc = run_process()
    # click < 8.2 prints the help on stdout and exits 0, click >= 8.2 on stderr with exit 2.
    shown = proc.stdout if proc.returncode == 0 else proc.stderr
    assert proc.returncode in (0, 2)
    assert (proc.stdout if proc.returncode == 2 else proc.stderr) == ""
    assert shown.startswith("Usage: backpropviz")
    assert "Examples:" in shown
    assert "Exit status" in shown
    assert "Traceback" not in proc.stderr


# --- domain errors ------------------------------------------------------------------------

def test_log_of_negative_is_flagged_not_fatal(run):
    result = run("log(x)*y", "--x", "-1", "--y", "2")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "warning: the value of node 1 (log: log(x)) is nan"
    table = rows(result.stdout)
    assert table["1"][:3] == ["log", "log(x)", "nan"]
    assert table["1"][3] == "!"  # the flag
    assert "nan !" in result.stdout.splitlines()[-1]


def test_division_by_zero_is_flagged_not_fatal(run):
    result = run("1/x", "--x", "0")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "warning: the value of node 1 (1/x: 1/x) is inf"
    table = rows(result.stdout)
    assert table["1"] == ["1/x", "1/x", "inf", "!", "1.0000"]
    assert table["0"] == ["x", "input", "x", "0.0000", "-inf", "!"]


def test_domain_error_in_a_real_process(run_process):
    proc = run_process("x*log(y)", "--x", "2", "--y", "-3")
    assert proc.returncode == 0
    assert proc.stderr.splitlines() == ["warning: the value of node 2 (log: log(y)) is nan"]
    assert "Traceback" not in proc.stderr
    assert "nan !" in proc.stdout


def test_nonfinite_gradient_only_is_named(run):
    # sqrt(x) at 0 is 0, but its gradient is inf: the warning names the gradient.
    result = run("sqrt(x)", "--x", "0")
    assert result.exit_code == 0
    assert result.stderr.strip() == "warning: the gradient of node 0 (x: x) is inf"
    assert rows(result.stdout)["0"] == ["x", "input", "x", "0.0000", "inf", "!"]


# --- colour and streams -------------------------------------------------------------------

def test_piped_output_has_no_ansi_codes(run_process):
    proc = run_process(*SIGMOID)
    assert proc.returncode == 0
    assert ANSI not in proc.stdout and ANSI not in proc.stderr
    assert "0.7311" in proc.stdout


def test_piped_flagged_output_has_no_ansi_codes(run_process):
    proc = run_process("log(x)", "--x", "-1")
    assert proc.returncode == 0
    assert ANSI not in proc.stdout and ANSI not in proc.stderr
    assert "nan !" in proc.stdout


def _run_on_a_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """stdout of ``python -m backpropviz ARGS`` when stdout is a pseudo-terminal."""
    pty = pytest.importorskip("pty")
    import subprocess

    main, child = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "backpropviz", *args], stdout=child,
                                stderr=subprocess.DEVNULL, env=env)
    finally:
        os.close(child)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(main)
    assert proc.wait(timeout=60) == 0
    return out


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_terminal_output_is_styled_without_no_color(child_env):
    # The control for the NO_COLOR test below: on a terminal, rich does style the table.
    out = _run_on_a_terminal(["log(x)", "--x", "-1"], child_env(TERM="xterm"))
    assert ANSI.encode() in out


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_no_color_on_a_terminal_gives_plain_text(child_env):
    out = _run_on_a_terminal(["log(x)", "--x", "-1"], child_env(NO_COLOR="1", TERM="xterm"))
    assert b"nan" in out
    assert ANSI.encode() not in out, out[:200]


def test_json_stdout_is_only_json(run):
    result = run("log(x)*y", "--x", "-1", "--y", "2", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)  # all of stdout, nothing before or after
    assert doc["value"] == "nan"
    assert result.stderr.startswith("warning: the value of node 1 (log: log(x)) is nan")
    assert "warning:" not in result.stdout  # the warning line went to stderr


def test_json_stdout_is_only_json_with_outputs(run_process, tmp_path):
    target = tmp_path / "d.dot"
    proc = run_process("1/x", "--x", "0", "--json", "-o", str(target))
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    assert doc["value"] == "inf"
    assert proc.stderr.splitlines() == ["warning: the value of node 1 (1/x: 1/x) is inf",
                                        f"wrote {target}"]
    assert target.is_file()


@pytest.mark.parametrize("args", [
    ["(x+y)*z", "--explain", "bogus"],
    ["--explain", "bogus", "(x+y)*z"],  # then 'bogus' was taken for the expression
])
def test_an_unknown_explain_choice_is_named(run, args):
    """Was: "Got unexpected extra argument (bogus)", or "... ((x+y)*z)"."""
    result = run(*args, "--x", "1", "--y", "2", "--z", "3")
    assert result.exit_code == 2
    assert result.stderr == "Error: --explain takes forward, backward or both, not 'bogus'\n"


def test_explain_before_a_one_name_expression_still_explains_it(run):
    """A plain word after --explain that is no choice is the expression, as before."""
    result = run("--explain", "x", "--x", "2")
    assert result.exit_code == 0, result.stderr
    assert "1. ∂x/∂x = 1  (start at the output)" in result.stdout


@pytest.mark.parametrize("option, value", [("--frame-ms", "1e3"), ("--precision", "2.5"),
                                           ("--max-draw", "many")])
def test_a_count_that_is_not_a_whole_number_says_so(run, option, value):
    """click said "'1e3' is not a valid integer range"."""
    result = run("x", "--x", "1", option, value)
    assert result.exit_code == 2
    assert result.stderr == (f"Error: Invalid value for '{option}': '{value}' is not a valid "
                             "whole number. (see backpropviz --help)\n")


def test_values_from_stdin_are_called_stdin_in_messages(run):
    warned = run("x*2", "--values", "-", input='{"x": 1, "q": 2}')
    assert warned.exit_code == 0
    assert "warning: stdin: 'q' is not a variable of the program; skipped" in warned.stderr
    bad = run("x*2", "--values", "-", input="nope")
    assert bad.exit_code == 2 and bad.stderr.startswith("Error: stdin: not valid JSON")


def test_a_title_over_two_lines_is_drawn_on_two(run, tmp_path):
    target = tmp_path / "t.dot"
    assert run("x*2", "--x", "1", "-q", "--title", "line one\nline\ttwo", "-o",
               str(target)).exit_code == 0
    assert "<b>line one<br/>line two</b>" in target.read_text(encoding="utf-8")


def test_an_invisible_format_character_is_named_as_such(run, tmp_path):
    result = run("x*2", "--x", "1", "--title", "a\u200db", "-o", str(tmp_path / "t.svg"))
    assert result.exit_code == 2
    assert "an invisible format character '\\u200d' at character 2" in result.stderr
