"""The grammar: precedence, associativity, numbers, functions, constants, names; located
errors; and scale (no recursion limits)."""

from __future__ import annotations

import math

import pytest

import backpropviz
from backpropviz import ExpressionSyntaxError
from backpropviz.ops import FUNCTIONS
from backpropviz.parse import build_expression as parse


def value(expression: str, **values: float) -> float:
    return backpropviz.trace(expression, values).value


# --- precedence and associativity, checked by values -----------------------------------

@pytest.mark.parametrize("expression, expected", [
    ("2**3**2", 512.0),          # right-associative
    ("(2**3)**2", 64.0),
    ("2^3", 8.0),
    ("2^3^2", 512.0),
    ("2^3**2", 512.0),
    ("-2**2", -4.0),             # -(2**2)
    ("(-2)**2", 4.0),
    ("-2^2", -4.0),
    ("2**-1", 0.5),
    ("2**-1**2", 0.5),           # 2**(-(1**2))
    ("2**-2**2", 2.0 ** -4),
    ("8/4/2", 1.0),              # left-associative
    ("8/(4/2)", 4.0),
    ("2-3-4", -5.0),
    ("2-(3-4)", 3.0),
    ("2+3*4", 14.0),
    ("(2+3)*4", 20.0),
    ("2*3+4", 10.0),
    ("2*3**2", 18.0),
    ("2**3*2", 16.0),
    ("12/2*3", 18.0),            # (12/2)*3
    ("2*3/4", 1.5),
    ("1-2+3", 2.0),
    ("-3", -3.0),
    ("--3", 3.0),
    ("---3", -3.0),
    ("-(3)", -3.0),
    ("2--3", 5.0),
    ("2- -3", 5.0),
    ("2*-3", -6.0),
    ("-2*3", -6.0),
    ("-2*-3", 6.0),
    ("+2", 2.0),
    ("2*+3", 6.0),
    ("-(2+3)*4", -20.0),
    (" 1 +\t2*\n3 ", 7.0),  # a newline after an operator continues the line
])
def test_constant_arithmetic(expression, expected):
    assert value(expression) == expected


@pytest.mark.parametrize("expression, values, expected", [
    ("-x**2", {"x": 3}, -9.0),
    ("(-x)**2", {"x": 3}, 9.0),
    ("-x*y", {"x": 3, "y": 2}, -6.0),
    ("x-y-z", {"x": 1, "y": 2, "z": 3}, -4.0),
    ("x/y/z", {"x": 8, "y": 4, "z": 2}, 1.0),
    ("x**y**z", {"x": 2, "y": 3, "z": 2}, 512.0),
    ("x^y", {"x": 2, "y": 3}, 8.0),
    ("-x", {"x": 3}, -3.0),
    ("--x", {"x": 3}, 3.0),
    ("x- -y", {"x": 3, "y": 2}, 5.0),
    ("x**-y", {"x": 2, "y": 1}, 0.5),
])
def test_variable_arithmetic(expression, values, expected):
    assert value(expression, **values) == expected


def shape(text: str) -> list[tuple[str, int, int]]:
    """(op, first input, second input) of every node, in evaluation order."""
    s = parse(text).store
    return list(zip(s.op, s.a, s.b))


def test_tree_shapes():
    # 2**(3**2): right-associative, the constant base folds into the outer gate
    assert shape("2**3**2") == [("const", -1, -1), ("const", -1, -1), ("pow", 0, 1),
                                ("rpow_const", 2, -1)]
    # (a-b)-c: left-associative
    assert shape("a-b-c") == [("input", -1, -1), ("input", -1, -1), ("sub", 0, 1),
                              ("input", -1, -1), ("sub", 2, 3)]
    assert shape("-x**2") == [("input", -1, -1), ("pow_const", 0, -1), ("neg", 1, -1)]
    assert shape("x^2") == shape("x**2")


# --- numbers ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("0", 0.0), ("7", 7.0), ("42", 42.0), ("3.25", 3.25), ("5.", 5.0), (".5", 0.5),
    ("1e-3", 1e-3), ("1E+2", 100.0), ("2.5e2", 250.0), ("1e3", 1000.0), (".5e1", 5.0),
    ("007", 7.0),
])
def test_numbers(text, expected):
    s = parse(text).store
    assert (s.op, s.param, s.param_text) == (["const"], [expected], [text])
    assert value(text) == expected


def test_scientific_number_in_expression():
    assert value("x*1e-3", x=2) == 2e-3
    assert value("1E+2-x", x=1) == 99.0


# --- functions, constants, names --------------------------------------------------------

FUNCTION_CASES = {
    "exp": ("exp(x)", {"x": 0.7}, math.exp(0.7)),
    "log": ("log(x)", {"x": 2.5}, math.log(2.5)),
    "sqrt": ("sqrt(x)", {"x": 2.25}, 1.5),
    "sin": ("sin(x)", {"x": 0.7}, math.sin(0.7)),
    "cos": ("cos(x)", {"x": 0.7}, math.cos(0.7)),
    "tan": ("tan(x)", {"x": 0.7}, math.tan(0.7)),
    "tanh": ("tanh(x)", {"x": 0.7}, math.tanh(0.7)),
    "sigmoid": ("sigmoid(x)", {"x": 0.7}, 1 / (1 + math.exp(-0.7))),
    "relu": ("relu(x)", {"x": -0.7}, 0.0),
    "abs": ("abs(x)", {"x": -0.7}, 0.7),
    "max": ("max(x, y)", {"x": -1, "y": 2}, 2.0),
    "min": ("min(x, y)", {"x": -1, "y": 2}, -1.0),
    "atan": ("atan(x)", {"x": 0.7}, math.atan(0.7)),
    "asin": ("asin(x)", {"x": 0.5}, math.pi / 6),
    "acos": ("acos(x)", {"x": 0.5}, math.pi / 3),
    "sinh": ("sinh(x)", {"x": 0.7}, (math.exp(0.7) - math.exp(-0.7)) / 2),
    "cosh": ("cosh(x)", {"x": 0.7}, (math.exp(0.7) + math.exp(-0.7)) / 2),
    "log2": ("log2(x)", {"x": 8}, 3.0),
    "log10": ("log10(x)", {"x": 1000}, 3.0),
    "softplus": ("softplus(x)", {"x": 0.7}, math.log(1 + math.exp(0.7))),
    "gelu": ("gelu(x)", {"x": 0.7},
             0.35 * (1 + math.tanh(math.sqrt(2 / math.pi) * (0.7 + 0.044715 * 0.7 ** 3)))),
    "sign": ("sign(x)", {"x": -0.7}, -1.0),
}


def test_function_cases_cover_grammar():
    from backpropviz.ops import FUNCTION_OP, OPS

    # (the functions of arrays: tests/test_tensor.py)
    assert set(FUNCTION_CASES) == {f for f in FUNCTIONS if not OPS[FUNCTION_OP[f]].tensor}


@pytest.mark.parametrize("func", sorted(FUNCTION_CASES))
def test_every_function(func):
    expression, values, expected = FUNCTION_CASES[func]
    assert value(expression, **values) == pytest.approx(expected, rel=1e-15)
    graph = parse(expression)
    out = graph.nodes[graph.output]
    assert out.op == func and len(out.inputs) == FUNCTIONS[func]


def test_functions_with_expression_arguments():
    assert value("max(2*x, x+3)", x=1) == 4.0
    assert value("relu(x) + relu(-x)", x=-2) == 2.0
    assert value("exp(log(x))", x=3) == pytest.approx(3.0, rel=1e-15)
    assert value("abs(min(x, -x))", x=5) == 5.0


def test_constants():
    assert value("pi") == math.pi
    assert value("e") == math.e
    assert value("2*pi*x", x=0.5) == math.pi
    assert value("e**x", x=2) == pytest.approx(math.e ** 2, rel=1e-15)
    g = backpropviz.trace("pi*e*x", x=1)
    assert list(g.variable_ids) == ["x"]


def test_constants_are_not_values():
    with pytest.raises(backpropviz.ValuesError):
        backpropviz.trace("pi*x", x=1, pi=3)


SPECIAL_NAMES = ["E", "I", "N", "S", "O", "Q", "beta", "gamma", "zeta", "lambda", "a_1", "w0"]


def test_sympy_special_names_are_plain_variables():
    expression = "+".join(SPECIAL_NAMES)
    values = {name: float(i + 1) for i, name in enumerate(SPECIAL_NAMES)}
    g = backpropviz.trace(expression, values)
    assert list(g.variable_ids) == SPECIAL_NAMES
    assert g.value == sum(values.values())
    assert g.gradients == {name: 1.0 for name in SPECIAL_NAMES}
    for name in SPECIAL_NAMES:
        assert g[name].op == "input"


@pytest.mark.parametrize("name", SPECIAL_NAMES + ["exp2", "e1", "pie", "logx", "_x", "x_", "inf", "nan", "None", "__import__"])
def test_name_is_a_variable(name):
    s = parse(name).store
    assert (s.op, s.name) == (["input"], [name])
    # each is a variable with a value of its own, not a number, constant or function
    g = backpropviz.trace(f"{name}*3", {name: 2.0})
    assert g.value == 6.0
    assert g.gradients == {name: 3.0}


def test_special_names_behave_as_numbers_in_products():
    # sympy would read I as sqrt(-1), E as e and N as a function: here they are variables
    assert value("I*I", I=3) == 9.0
    assert value("E-e", E=1) == pytest.approx(1 - math.e, rel=1e-15)
    assert value("N*S", N=2, S=5) == 10.0


# --- errors: exact column and message ---------------------------------------------------

def syntax_error(text: str) -> ExpressionSyntaxError:
    with pytest.raises(ExpressionSyntaxError) as info:
        parse(text)
    err = info.value
    # trace reports the same error
    with pytest.raises(ExpressionSyntaxError) as again:
        backpropviz.trace(text)
    assert (again.value.column, str(again.value)) == (err.column, str(err))
    return err


@pytest.mark.parametrize("text, column, message", [
    ("(x+1", 1, "'(' is never closed at column 1"),
    ("2*(x+(y-1)", 3, "'(' is never closed at column 3"),
    ("x+1)", 4, "')' has no matching '(' at column 4"),
    ("(x))", 4, "')' has no matching '(' at column 4"),
    ("", 1, "the expression is empty at column 1"),
    ("   ", 4, "the expression is empty at column 4"),
    ("x+", 3, "expected a number, a name or '(' but found the end of the expression at column 3"),
    ("x*", 3, "expected a number, a name or '(' but found the end of the expression at column 3"),
    ("x**", 4, "expected a number, a name or '(' but found the end of the expression at column 4"),
    ("x*/y", 3, "expected a number, a name or '(' but found '/' at column 3"),
    ("()", 2, "expected a number, a name or '(' but found ')' at column 2"),
    ("2x", 2, "expected an operator but found 'x' at column 2; write '*' to multiply: 2*x"),
    ("x y", 3, "expected an operator but found 'y' at column 3; write '*' to multiply: x*y"),
    ("2(x)", 2, "expected an operator but found '(' at column 2; write '*' to multiply: 2*("),
    ("exp", 1, "'exp' is a function: write exp(...) at column 1"),
    ("2*sin+1", 3, "'sin' is a function: write sin(...) at column 3"),
    ("min(1)", 1, "min() takes 2 arguments, got 1 at column 1"),
    ("x+max(1,2,3)", 3, "max() takes 1 or 2 arguments, got 3 at column 3"),
    ("exp(1,2)", 1, "exp() takes 1 argument, got 2 at column 1"),
    ("exp()", 5, "exp() needs 1 argument at column 5"),
    ("max()", 5, "max() needs 1 or 2 arguments at column 5"),  # (max(A); max(x, y))
    ("sum()", 5, "sum() needs 1 or 2 arguments at column 5"),  # (sum(A); sum(A, 0))
    ("1,2", 2, "',' outside a function call at column 2"),
    ("(1,2)", 3, "',' outside a function call at column 3"),
    ("x$y", 2, "unexpected character '$' at column 2"),
    ("x.y", 3, f"unknown function 'y' at column 3; supported: {', '.join(FUNCTIONS)}"),
    ("x.", 3, "expected a function name after '.' but found the end of the expression at column 3"),
    ("x.min()", 3, "min() takes 2 arguments: write min(...), not .min() at column 3"),
    ("x.exp", 6, "expected '(' after '.exp' but found the end of the expression at column 6"
                 "; write .exp()"),
    ("x.exp(y)", 7, "expected ')' after '.exp(' but found 'y' at column 7; .exp() takes no "
                    "argument: write exp(x) or x.exp()"),
    ("x+\x00", 3, "unexpected character '\\x00' at column 3"),
    ('x+"1"', 3, "unexpected character '\"' at column 3"),
    ("x{0}", 2, "unexpected character '{' at column 2"),
    ("x==1", 2, "unexpected character '=' at column 2"),
    ("x;y", 1, "only the last statement can be a bare expression at column 1; "
               "give it a name (name = ...)"),
])
def test_error_column_and_message(text, column, message):
    err = syntax_error(text)
    assert err.column == column
    assert err.pos == column - 1
    assert str(err) == message


def test_unknown_function_lists_supported_ones():
    err = syntax_error("1+foo(x)")
    assert err.column == 3
    assert err.reason == "unknown function 'foo'"
    assert str(err).startswith("unknown function 'foo' at column 3; supported: ")
    listed = str(err).split("supported: ", 1)[1].split(", ")
    assert set(listed) == set(FUNCTIONS)


def test_code_injection_is_a_syntax_error():
    for text in ("__import__('os').system('true')", "x.__class__", "lambda: 1", "exec('1')"):
        with pytest.raises(ExpressionSyntaxError):
            parse(text)


@pytest.mark.parametrize("text", ["(x+1", "x+1)", "2x", "foo(x)", "x$y", "x+\x00", "min(1)",
                                  "1,2", "x+"])
def test_caret_under_the_column(text):
    err = syntax_error(text)
    shown, marker = err.caret().split("\n")
    assert marker.strip() == "^"
    col = marker.index("^")
    assert shown == "  " + "".join(c if c.isprintable() else "?" for c in text)
    assert col == 2 + err.pos
    if err.pos < len(text):
        expected = text[err.pos] if text[err.pos].isprintable() else "?"
        assert shown[col] == expected


def test_caret_in_a_long_expression():
    text = "+".join(["x"] * 200) + "$" + "+y" * 200
    err = syntax_error(text)
    assert err.pos == text.index("$")
    shown, marker = err.caret().split("\n")
    assert shown[marker.index("^")] == "$"
    assert len(shown) < len(text)  # a window, not the whole text


# --- scale: no recursion limits ---------------------------------------------------------

def count(text: str, op: str) -> int:
    """Gates of kind ``op`` in the graph of ``text``."""
    return parse(text).store.op.count(op)


def test_flat_sum_of_100000_terms():
    terms = 100_000
    text = "+".join(f"x{i % 7}" for i in range(terms))
    s = parse(text).store
    assert s.op.count("add") == terms - 1
    # left-associative: each + reads the previous + and a variable
    assert s.op[-1] == "add" and s.op[s.a[-1]] == "add" and s.op[s.b[-1]] == "input"


def test_1000_nested_parentheses():
    assert parse("(" * 1000 + "x+1" + ")" * 1000).store.op == ["input", "add_const"]
    assert value("(" * 1000 + "x*2" + ")" * 1000, x=3) == 6.0


def test_1000_nested_exp():
    text = "exp(" * 1000 + "x" + ")" * 1000
    assert count(text, "exp") == 1000
    g = backpropviz.trace(text, x=0.0)
    assert sum(1 for n in g.gates if n.op == "exp") == 1000
    assert g.value == math.inf  # exp(exp(exp(exp(exp(0))))) already overflows


def test_100000_chained_unary_minus():
    assert count("-" * 100_000 + "x", "neg") == 100_000
    assert value("-" * 100_000 + "x", x=2) == 2.0
    assert value("-" * 99_999 + "x", x=2) == -2.0


def test_power_tower_of_5000():
    text = "x" + "**x" * 4999
    s = parse(text).store
    assert s.op.count("pow") == 4999
    assert s.op[s.a[-1]] == "input" and s.op[s.b[-1]] == "pow"  # right-associative
    g = backpropviz.trace(text, x=1.0)
    assert g.value == 1.0
    # d/dx of x^(x^(...)) at x=1 is 1 for every height
    assert g.gradients == {"x": 1.0}
