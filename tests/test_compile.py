"""The fast routes against their references, on generated programs and values.

* :func:`backpropviz.compile.build_fast` (text straight to a graph) builds exactly the graph
  of :func:`parse_program` + :func:`build` (the tree route), node for node, with the same
  variables, output and warnings; on any input the tree route rejects it gives up (so the
  user sees the tree route's error), and it gives up on valid input only in the rare cases
  it leaves to the tree route.
* The engine's inline ops give the same numbers, to the last bit, as the op table.
* The JSON written column by column is byte for byte what one ``json`` encoder call per
  node dict writes.
"""

from __future__ import annotations

import json
import math
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backpropviz.compile import GiveUp, build_fast
from backpropviz.engine import backward, forward
from backpropviz.errors import BackpropvizError
from backpropviz.graph import Store, build, build_expression
from backpropviz.ops import OPS
from backpropviz.steps import reaches_output
from backpropviz.render.json_doc import SCHEMA_ID, _head, _node_dict, render_json
from backpropviz.syntax import parse_program

SETTINGS = dict(deadline=None, derandomize=True, database=None, max_examples=400,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

FIELDS = ("op", "code", "label", "a", "b", "name", "param", "param_text", "start", "end")


def tree_route(text: str, output: str | None):
    try:
        return build(parse_program(text), output)
    except BackpropvizError as exc:
        return exc


def assert_same_graph(text: str, output: str | None = None, may_give_up: bool = False) -> None:
    reference = tree_route(text, output)
    store = Store()
    try:
        result = build_fast(text, output, store)
    except GiveUp:
        assert isinstance(reference, Exception) or may_give_up, f"gave up on valid {text!r}"
        return
    assert not isinstance(reference, Exception), f"accepted {text!r}: {reference}"
    for field in FIELDS:
        assert getattr(store, field) == getattr(reference.store, field), (field, text)
    assert result == (reference.output, reference.variables, reference.output_name,
                      reference.warnings), text


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
    "y + (x = 2)", "a=1;b", "a;b", "x $ y", "x, y", "exp(x,)", "max(x)", "max(x, y, z)",
    "x == y", "c += 1", "-", "", "   ", "#", "x*", "max(,)", "a = a + 1", "x;;y", "exp()",
]


@pytest.mark.parametrize("text", CASES)
@pytest.mark.parametrize("output", [None, "a", "c"])
def test_the_fast_route_builds_the_tree_routes_graph(text, output):
    assert_same_graph(text, output)


def test_it_leaves_a_comment_between_a_function_and_its_parenthesis_to_the_tree_route():
    text = "(exp #c\n (x))"
    with pytest.raises(GiveUp):
        build_fast(text, None, Store())
    assert build_expression(text).store.op == ["input", "exp"]


def test_errors_come_from_the_tree_route_unchanged():
    with pytest.raises(BackpropvizError) as fast:
        build_expression("a = 1\nb = c + a\nc = 2")
    with pytest.raises(BackpropvizError) as tree:
        build(parse_program("a = 1\nb = c + a\nc = 2"))
    assert str(fast.value) == str(tree.value)


ATOMS = ["x", "y", "z", "a", "b", "2", "0.5", "1e-3", "pi", "e", "-1", "3"]
OPERATORS = [" + ", "-", "*", "/", "**", "^", " - "]
FUNCS = ["exp", "tanh", "log", "sqrt", "relu", "sin", "sigmoid", "abs"]


def expressions(depth: int = 3) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(ATOMS)
    return st.recursive(leaf, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(OPERATORS), inner).map("".join),
        inner.map(lambda e: f"-{e}"),
        inner.map(lambda e: f"({e})"),
        st.tuples(st.sampled_from(FUNCS), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["max", "min"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"),
    ), max_leaves=8)


programs = st.tuples(
    st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(["=", "=", "+=", "*=", "-=", "/="]),
                       expressions()), min_size=1, max_size=4),
    st.one_of(st.none(), expressions()),
    st.sampled_from(["\n", "; ", "\n\n", " # note\n"]),
).map(lambda t: t[2].join([f"{n} {op} {e}" for n, op, e in t[0]] + ([t[1]] if t[1] else [])))

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
    # a newline inserted inside parentheses may leave a function's '(' on the next line:
    # valid, and left to the tree route
    assert_same_graph(text[:where] + noise + text[where:], output, may_give_up=True)


# --- the engine's inline ops against the op table ---------------------------------------

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e300, -1e300, 5e-324, 1e-308, 710.0, -710.0,
           math.inf, -math.inf, math.nan, 2.0 ** 0.5, math.pi]


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def evaluated(text: str, values: dict[str, float]):
    """The graph of ``text`` after both passes at ``values``, or None for invalid text."""
    try:
        graph = build_expression(text)
    except BackpropvizError:
        return None
    forward(graph, {n: v for n, v in values.items() if n in graph.variables})
    backward(graph)
    return graph


def reference_passes(graph):
    """Values, gradients and local gradients through the op table alone (the engine as it
    was before the inline ops)."""
    nodes = graph.nodes
    values = []
    for node in nodes:
        if node.op == "input":
            values.append(node.value)  # (as forward() set it)
        elif node.op == "const":
            values.append(node.param)
        else:
            fn, ins = OPS[node.op].forward, node.inputs
            values.append(fn(values[ins[0]], node.param) if len(ins) == 1
                          else fn(values[ins[0]], values[ins[1]]))
    grads = [0.0] * len(nodes)
    grads[graph.output] = 1.0
    locals_ = [()] * len(nodes)
    needed = reaches_output(graph)
    for node in reversed(nodes):
        ins = node.inputs
        if not ins:
            continue
        op = OPS[node.op]
        if len(ins) == 1:
            local = (op.derivative(values[ins[0]], values[node.id], node.param),)
        else:
            local = op.derivative(values[ins[0]], values[ins[1]], values[node.id])
        locals_[node.id] = local
        if needed[node.id]:  # (a gate the output does not depend on sends nothing back)
            for src, d in zip(ins, local):
                grads[src] += grads[node.id] * d
    return values, grads, locals_


#: Graphs of generated programs after both passes at generated values (inf, nan, -0.0...).
evaluated_graphs = st.builds(
    evaluated, st.one_of(expressions(), programs),
    st.fixed_dictionaries({n: st.sampled_from(SPECIAL) | st.floats(-5, 5) for n in "xyzab"}),
).filter(lambda graph: graph is not None)


@settings(**SETTINGS)
@given(graph=evaluated_graphs)
def test_inline_ops_match_the_op_table_to_the_bit(graph):
    text = graph.expression
    ref_values, ref_grads, ref_locals = reference_passes(graph)
    for node in graph.nodes:
        assert bits(node.value) == bits(ref_values[node.id]), (text, node)
        assert bits(node.grad) == bits(ref_grads[node.id]), (text, node)
        assert list(map(bits, node.local_grads)) == list(map(bits, ref_locals[node.id]))


# --- the JSON writer against one encoder call per node ------------------------------------

def reference_json(graph) -> str:
    """render_json as it was: a dict per node, each encoded by json."""
    head, tail = _head(graph), {"warnings": list(graph.warnings)}
    indented = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=2).encode
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    body = ",\n    ".join(encode(_node_dict(node)) for node in graph.nodes)
    return f'{indented(head)[:-2]},\n  "nodes": [\n    {body}\n  ],{indented(tail)[1:]}\n'


@settings(**SETTINGS)
@given(graph=evaluated_graphs)
def test_json_is_byte_for_byte_one_encoder_call_per_node(graph):
    assert render_json(graph) == reference_json(graph)


def test_json_of_a_graph_larger_than_one_piece(monkeypatch):
    from backpropviz.render import json_doc

    monkeypatch.setattr(json_doc, "CHUNK", 7)
    text = " + ".join(f"w{i % 5}*x{i % 3} - 0.0*y" for i in range(40))
    graph = build_expression(text)
    forward(graph, {**{f"w{i}": -0.0 if i else math.inf for i in range(5)},
                    **{f"x{i}": 0.5 * i for i in range(3)}, "y": 1.0})
    backward(graph)
    text_out = render_json(graph)
    assert text_out == reference_json(graph)
    assert json.loads(text_out)["schema"] == SCHEMA_ID


def test_json_before_the_passes():
    graph = build_expression("x*2 + y")
    assert render_json(graph) == reference_json(graph)


@pytest.mark.parametrize("piece", [1, 3, 8])
def test_scanning_in_small_pieces_changes_nothing(monkeypatch, piece):
    from backpropviz import compile as compile_module

    monkeypatch.setattr(compile_module, "PIECE", piece)
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
def test_repeated_line_shapes_built_by_plans(lines, repeat, last_newline, output):
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
    # the second line's shape is the first's (digits zeroed): the plan made from one must
    # look each name up, not reuse the first lookup for the repeated name
    for text in ["z1 = a1*a1\nz2 = a2*a2\nz3 = a3*a4\nz3\n", "z1 = a1*a2\nz2 = a2*a3\nz3 = a3*a3\n"]:
        assert_same_graph(text)
    long = "+".join(["a1*a1", "a2*a3"] * 60) + "\n"
    assert_same_graph("y = " + long + "q = " + long)


def test_a_long_sum_of_products():
    text = " + ".join(f"w{i % 64}*x{i % 64}" for i in range(400)) + "\n"
    for extra in ["", "y = ", "q = w1\ny = q*"]:
        assert_same_graph(extra + text)
        assert_same_graph(extra + text.replace("+", "-", 7))


def test_line_plans_never_hold_user_text(monkeypatch):
    """The generated plans are built from the op table and numbers only: every name of the
    program (even ones that read like Python) is sliced from the text at run time."""
    import builtins

    from backpropviz import compile as compile_module

    sources: list[str] = []
    real_exec = builtins.exec

    def spy(source, scope):  # noqa: ANN001
        sources.append(source)
        return real_exec(source, scope)

    monkeypatch.setattr(compile_module, "exec", spy, raising=False)
    compile_module._PLANS.clear()
    compile_module._TERM_PLANS.clear()
    names = ["__import__", "os", "system", "exec", "eval", "quit", "sys"]
    lines = [f"{names[k % 7]}_t{k} = tanh({names[(k + 1) % 7]}{k}*eval{k} + sys{k})"
             for k in range(20)]
    lines.append("f = " + " + ".join(f"{n}*{n}{k}" for k, n in enumerate(names * 40)))
    text = "\n".join(lines) + "\n"
    graph = build_expression(text)
    forward(graph, {name: 1.0 for name in graph.variables})
    assert sources, "no plan was generated"
    for source in sources:
        for name in names:
            assert name not in source.replace("GiveUp", ""), (name, source)
    assert graph.value == graph.value and len(graph.variables) > 100  # built and evaluated
