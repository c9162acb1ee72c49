"""The one parser against the tree route it replaced (``tree_oracle``, kept in the tests as an
independent reference), on hand-picked and generated programs.

On valid input both build the same graph, node for node, with the same variables, output,
output name and warnings. On invalid input both refuse it; the message is the same, except
where the parser reports an error further left than the tree route did (the tree route
tokenized the whole text first and checked names after parsing; the parser reads once,
so it reports the first error a reader meets), or where the grammar grew (``u.relu()``).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backpropviz.errors import BackpropvizError, ExpressionSyntaxError
from backpropviz.parse import build_expression
from strategies import SETTINGS, expressions, programs
from tree_oracle import build, parse_program

FIELDS = ("op", "code", "label", "a", "b", "name", "param", "param_text", "start", "end")


def tree_route(text: str, output: str | None):
    try:
        return build(parse_program(text), output)
    except BackpropvizError as exc:
        return exc


def parsed(text: str, output: str | None):
    try:
        return build_expression(text, output)
    except BackpropvizError as exc:
        return exc


def assert_same_graph(text: str, output: str | None = None) -> None:
    reference = tree_route(text, output)
    result = parsed(text, output)
    if isinstance(reference, Exception):
        assert isinstance(result, Exception), f"accepted {text!r}: {reference}"
        assert_same_error(text, result, reference)
        return
    assert not isinstance(result, Exception), f"refused valid {text!r}: {result}"
    for field in FIELDS:
        assert getattr(result.store, field) == getattr(reference.store, field), (field, text)
    assert (result.output, result.variable_ids, result.output_name, result.warnings) == (
        reference.output, reference.variable_ids, reference.output_name, reference.warnings), text


def assert_same_error(text: str, error: Exception, reference: Exception) -> None:
    """The same message, or one the reader meets first: further left than the tree route's."""
    if str(error) == str(reference):
        return
    assert isinstance(reference, ExpressionSyntaxError), (text, str(error), str(reference))
    if str(reference).startswith("unexpected character '.'"):
        return  # '.' now starts a method call: its own messages (test_programs)
    assert isinstance(error, ExpressionSyntaxError), (text, str(error), str(reference))
    assert error.pos < reference.pos, (text, str(error), str(reference))


CASES = [
    "(x+y)*z", "1/(1+exp(-(w0*x0+w1*x1+w2)))", "q = x + y; f = q * z", "x", "3", "-3", "-(3)",
    "--3", "-x**2", "2**-1", "x^2^3", "(-3)**2", "max(2, x)", "max(2,3)", "min(x,-y)",
    "a = 1\nb = a + 2\n", "c = x; c += 2; c *= y", "c = x\nc -= (x+y)\n", "c = 2; c += 3",
    "t = (x +\n y)\nt", "x # hi\n", "pi*x + e", "1 + u", "u + 1", "2 - u", "u - 2", "2/u",
    "u/2", "2**u", "u**2", "3*4", "x;", "\n\nx\n", "a = x\nb = 2", "a = 3\na", "y = x\ny",
    "exp(x)", "sigmoid(relu(abs(x)))", "x*-1", "x--y", "x+-+-y", "((x))", "((3))+x", "(3)",
    "x ** 2 ** -y", "1e3*x", ".5*x", "5.*x", "\u0661\u0662*x", "\u00e9 + x", "x\r\ny",
    "(x\n+ y)", "a = x\n# c\nb = a*a # c2\n", "x\t+ y  ",
    "v = x\nv = tanh(v*w0 + b0)\nv = tanh(v*w1 + b1)\n", "a = x\nb = a\na = 3\n",
    # errors: the fast route gives up, the tree route says what is wrong
    "x=", "x +", "(x", "x)", "x y", "foo(x)", "exp x", "pi = 3", "x = y; y = 2",
    "y + (x = 2)", "a=1;b", "a;b", "x $ y", "x, y", "exp(x,)", "min(x)", "min(x, y, z)",
    "x == y", "c += 1", "-", "", "   ", "#", "x*", "max(,)", "a = a + 1", "x;;y", "exp()",
]


@pytest.mark.parametrize("text", CASES)
@pytest.mark.parametrize("output", [None, "a", "c"])
def test_the_fast_route_builds_the_tree_routes_graph(text, output):
    assert_same_graph(text, output)


def test_a_comment_between_a_function_and_its_parenthesis():
    assert build_expression("(exp #c\n (x))").store.op == ["input", "exp"]


def test_errors_come_from_the_tree_route_unchanged():
    with pytest.raises(BackpropvizError) as one:
        build_expression("a = 1\nb = c + a\nc = 2")
    with pytest.raises(BackpropvizError) as tree:
        build(parse_program("a = 1\nb = c + a\nc = 2"))
    assert str(one.value) == str(tree.value)


NOISE = ["(", ")", ",", "=", "$", "\n", "#", " ", "# c\n", "\n\n", "^", "**", ";", "+=", "-",
         "\t", "1", "x", "exp", "..", "e5"]


@settings(**SETTINGS)
@given(text=st.one_of(expressions(), programs), output=st.sampled_from([None, "a", "b"]))
def test_generated_programs(text, output):
    assert_same_graph(text, output)


@settings(**SETTINGS)
@given(text=st.one_of(expressions(), programs), where=st.integers(0, 10_000),
       noise=st.sampled_from(NOISE), output=st.sampled_from([None, "a"]))
def test_generated_programs_with_noise(text, where, noise, output):
    where %= len(text) + 1
    assert_same_graph(text[:where] + noise + text[where:], output)


@pytest.mark.parametrize("piece", [1, 3, 8])
def test_scanning_in_small_pieces_changes_nothing(monkeypatch, piece):
    from backpropviz import parse

    monkeypatch.setattr(parse, "PIECE", piece)
    long_line = " + ".join(f"w{i % 4}*x{i % 3}" for i in range(30)) + " # a + comment, (\n"
    program = "v = x\n" + "".join(f"v = tanh(v*w{i} + b{i})  # l{i} + \n" for i in range(12))
    for text in [*CASES, long_line, program, "q = (x +\n y) * exp(x\n)\nq += 1 -\n 2"]:
        assert_same_graph(text)


PLAN_LINES = ["v{i} = tanh(v{j}*w{i} + b{i})", "t{i} = tanh(t{j} + t{j}*x{i})", "y{i} = x{j}",
              "y = (x{i})", "z{i} = a{j}*a{j}", "a = a*b{i}", "u{i} = u{i} + 1", "v = max(v, w{i})",
              "exp = x{i}*y", "c{i} = -(x{i}**y{j})^2 / (q{i} - -r)", "pi = x{i}", "q{i} = x{i}$",
              "s{i} = x{i}; r{i} = s{i}*2", "d{i} = x{i} # note {i}", "e{i} =\tx{i} * y", "x{i}*y{i}",
              "k{i} += x{i}", "m{i} = (x{i} +", "  n{i} = sqrt(n{j})", "p{i} = x{i}  ", "v = v + v{i}",
              "z{i} = a{j}*a{i} + a{i}", "z = b{i}*b{j}"]


@settings(**SETTINGS)
@given(lines=st.lists(st.tuples(st.sampled_from(PLAN_LINES), st.integers(0, 12),
                                st.integers(0, 12)), min_size=1, max_size=12),
       repeat=st.integers(1, 3), last_newline=st.booleans(), output=st.sampled_from([None, "v", "y"]))
def test_repeated_line_shapes(lines, repeat, last_newline, output):
    text = "\n".join(form.format(i=i, j=j) for form, i, j in lines * repeat)
    assert_same_graph(text + ("\n" if last_newline else ""), output)
    assert_same_graph("v = x\n" + text + "\n", output)


def test_a_long_program_of_repeated_shapes():
    program = "v = x\n" + "".join(f"v = tanh(v*w{i % 70} + b{i % 70})\n" for i in range(300))
    dag = "".join(f"t{i} = tanh(t{i - 1} + t{i - 2}*t{i - 3})\n" for i in range(3, 300))
    for text in [program, dag, program + "v", program + "v*2\nv = x\n", "v = x\n" + dag]:
        assert_same_graph(text)
        assert_same_graph(text, "v")


SUM_TERMS = ["w{i}*x{i}", " w{i} * x{i} ", "a{i}", "(a{i})", "exp(b{i})", "max(a{i}, b{i})",
             "a{i}/b{i}**c", "(a{i}*b{i})", "-a{i}", "2*a{i}", "pi*a{i}", "a{i}*-b{i}", "(a{i}",
             "b{i})", "", " ", "a{i} ", "y", "e{i}-5", "a{i}**b{i}", "a{i} $"]


@settings(**SETTINGS)
@given(terms=st.lists(st.tuples(st.sampled_from(SUM_TERMS), st.integers(0, 30)), min_size=1,
                      max_size=8),
       signs=st.lists(st.sampled_from(["+", "-", " + ", " - ", "+ ", " -"]), min_size=1,
                      max_size=3),
       repeat=st.integers(1, 20), head=st.sampled_from(["", "y = ", "  y=", "z = x\n", "x\n",
                                                        "exp = ", "y += "]),
       tail=st.sampled_from(["\n", "  \n", "\ny\n", "\nq = y\n", "", " # c\n", ";\n"]),
       output=st.sampled_from([None, "y"]))
def test_long_sums_built_term_by_term(terms, signs, repeat, head, tail, output):
    pieces = [form.format(i=i) for form, i in terms * repeat]
    body = "".join(piece + (signs[k % len(signs)] if k + 1 < len(pieces) else "")
                   for k, piece in enumerate(pieces))
    text = head + body + tail
    assert_same_graph(text, output)
    assert_same_graph(text + text, output)


def test_one_shape_with_one_name_twice_or_two_names():
    for text in ["z1 = a1*a1\nz2 = a2*a2\nz3 = a3*a4\nz3\n", "z1 = a1*a2\nz2 = a2*a3\nz3 = a3*a3\n"]:
        assert_same_graph(text)
    long = "+".join(["a1*a1", "a2*a3"] * 60) + "\n"
    assert_same_graph("y = " + long + "q = " + long)


def test_a_long_sum_of_products():
    text = " + ".join(f"w{i % 64}*x{i % 64}" for i in range(400)) + "\n"
    for extra in ["", "y = ", "q = w1\ny = q*"]:
        assert_same_graph(extra + text)
        assert_same_graph(extra + text.replace("+", "-", 7))


def test_the_parser_frees_itself_without_the_cyclic_collector():
    """The command runs with the cyclic collector off: a parse must leave no parser (and so
    none of its per-node rows) behind, on success or on error."""
    import gc

    from backpropviz.parse import _Parser

    def parsers() -> int:
        return sum(isinstance(o, _Parser) for o in gc.get_objects())

    gc.collect()
    before = parsers()
    enabled = gc.isenabled()
    gc.disable()
    try:
        build_expression("q = x*y\nf = -q + 1")
        with pytest.raises(ExpressionSyntaxError):
            build_expression("x * (y")
        assert parsers() == before
    finally:
        if enabled:
            gc.enable()


@pytest.mark.parametrize("text, where, hint", [
    ("c = a\nb += x\na = x", (1, 5), "(it is assigned on line 3)"),  # a's read comes first
    ("c = x\nb += x\na = b", (2, 1), "(+= needs an earlier value)"),
    ("b += x\nc = a\na = 1", (1, 1), "(+= needs an earlier value)"),
])
def test_the_leftmost_read_before_assignment_is_the_error(text, where, hint):
    """A `+=` with no earlier value was an error at once, though a name read further left
    is assigned only later (found by the generated programs): the leftmost is reported,
    as for any read before assignment."""
    result = parsed(text, None)
    assert isinstance(result, ExpressionSyntaxError)
    line, column = where
    assert result.pos == len("\n".join(text.split("\n")[:line - 1])) + (line > 1) + column - 1
    assert str(result).endswith(hint)
