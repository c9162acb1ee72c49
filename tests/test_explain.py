"""``--explain``: the forward and reverse passes as numbered steps, as CS231n narrates them.

The reference numbers are CS231n's two worked figures (tests/data/cs231n.json). Steps come in
the order backprop performs them: a node's step only once every gate that reads it has
handed its gradient back; at a fork the step adds up the contributions of each use.
"""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

import backpropviz
import backpropviz.graph
from backpropviz.render.explain import render_explain, step_text
from backpropviz.steps import backward_steps, display_names, forward_steps

from reference import REFERENCE, SIGMOID, SIMPLE, var_args

STAGED = "q = x + y; f = q * z"
FORK = "q = x + y; r = x * z; f = q + r"


SIMPLE_ARGS = (SIMPLE, *var_args(REFERENCE[SIMPLE]["values"]))
SIGMOID_ARGS = (SIGMOID, *var_args(REFERENCE[SIGMOID]["values"]))
STAGED_ARGS = (STAGED, *var_args(REFERENCE[SIMPLE]["values"]))
FORK_ARGS = (FORK, "--x", "-2", "--y", "5", "--z", "-4")

FORWARD_HEADING = "Forward pass (values, inputs to output):"
BACKWARD_HEADING = "Backward pass (gradients by the chain rule, output to inputs):"


def explain_lines(result) -> list[str]:
    """The --explain part of a table run: from the first pass heading to the end."""
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    starts = [i for i, line in enumerate(lines) if line in (FORWARD_HEADING, BACKWARD_HEADING)]
    assert starts, result.stdout
    return lines[starts[0]:]




def run_json(run, *args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- CS231n: (x+y)*z ------------------------------------------------------------------------

SIMPLE_BACKWARD = [
    BACKWARD_HEADING,
    "1. ∂f/∂f = 1  (start at the output)   [f = (x+y)*z]",
    "2. ∂f/∂q₁ = ∂f/∂f · ∂f/∂q₁ = 1.00 · z = 1.00 · (-4) = -4.00   [q₁ = x+y]",
    "3. ∂f/∂z = ∂f/∂f · ∂f/∂z = 1.00 · q₁ = 1.00 · 3 = 3.00",
    "4. ∂f/∂x = ∂f/∂q₁ · ∂q₁/∂x = -4.00 · 1 = -4.00",
    "5. ∂f/∂y = ∂f/∂q₁ · ∂q₁/∂y = -4.00 · 1 = -4.00",
]


def test_simple_backward_is_the_cs231n_derivation(run):
    assert explain_lines(run(*SIMPLE_ARGS, "--explain")) == SIMPLE_BACKWARD


def test_explain_backward_is_the_default(run):
    assert (explain_lines(run(*SIMPLE_ARGS, "--explain", "backward"))
            == explain_lines(run(*SIMPLE_ARGS, "--explain")) == SIMPLE_BACKWARD)


def test_staged_program_uses_the_names(run):
    assert explain_lines(run(*STAGED_ARGS, "--explain")) == [
        BACKWARD_HEADING,
        "1. ∂f/∂f = 1  (start at the output)",
        "2. ∂f/∂q = ∂f/∂f · ∂f/∂q = 1.00 · z = 1.00 · (-4) = -4.00",
        "3. ∂f/∂z = ∂f/∂f · ∂f/∂z = 1.00 · q = 1.00 · 3 = 3.00",
        "4. ∂f/∂x = ∂f/∂q · ∂q/∂x = -4.00 · 1 = -4.00",
        "5. ∂f/∂y = ∂f/∂q · ∂q/∂y = -4.00 · 1 = -4.00",
    ]


def test_simple_forward(run):
    assert explain_lines(run(*SIMPLE_ARGS, "--explain", "forward")) == [
        FORWARD_HEADING,
        "1. x = -2.00  (input)",
        "2. y = 5.00  (input)",
        "3. q₁ = x + y = -2.00 + 5.00 = 3.00",
        "4. z = -4.00  (input)",
        "5. f = q₁ · z = 3.00 · (-4.00) = -12.00",
    ]


def test_simple_both(run):
    # ten steps in all, so the numbers are right-aligned to two columns
    assert explain_lines(run(*SIMPLE_ARGS, "--explain", "both")) == [
        FORWARD_HEADING,
        " 1. x = -2.00  (input)",
        " 2. y = 5.00  (input)",
        " 3. q₁ = x + y = -2.00 + 5.00 = 3.00",
        " 4. z = -4.00  (input)",
        " 5. f = q₁ · z = 3.00 · (-4.00) = -12.00",
        "",
        BACKWARD_HEADING,
        " 1. ∂f/∂f = 1  (start at the output)   [f = (x+y)*z]",
        " 2. ∂f/∂q₁ = ∂f/∂f · ∂f/∂q₁ = 1.00 · z = 1.00 · (-4) = -4.00   [q₁ = x+y]",
        " 3. ∂f/∂z = ∂f/∂f · ∂f/∂z = 1.00 · q₁ = 1.00 · 3 = 3.00",
        " 4. ∂f/∂x = ∂f/∂q₁ · ∂q₁/∂x = -4.00 · 1 = -4.00",
        " 5. ∂f/∂y = ∂f/∂q₁ · ∂q₁/∂y = -4.00 · 1 = -4.00",
    ]


def test_explain_equals_both_spellings(run):
    assert (explain_lines(run(*SIMPLE_ARGS, "--explain=both"))
            == explain_lines(run(*SIMPLE_ARGS, "--explain", "both")))


def test_explain_follows_the_table(run):
    result = run(*SIMPLE_ARGS, "--explain")
    lines = result.stdout.splitlines()
    heading = lines.index(BACKWARD_HEADING)
    assert lines[heading - 1] == ""
    assert lines[heading - 2].startswith("output  (x+y)*z = -12.0000")


# --- CS231n: the sigmoid neuron ---------------------------------------------------------------

SIGMOID_BACKWARD = [
    BACKWARD_HEADING,
    " 1. ∂f/∂f = 1  (start at the output)   [f = 1/(1+exp(-(w0*x0+w1*x1+w2)))]",
    " 2. ∂f/∂q₇ = ∂f/∂f · ∂f/∂q₇ = 1.00 · (-1/q₇²) = 1.00 · (-1/1.37²) = -0.53"
    "   [q₇ = 1+exp(-(w0*x0+w1*x1+w2))]",
    " 3. ∂f/∂q₆ = ∂f/∂q₇ · ∂q₇/∂q₆ = -0.53 · 1 = -0.53   [q₆ = exp(-(w0*x0+w1*x1+w2))]",
    " 4. ∂f/∂q₅ = ∂f/∂q₆ · ∂q₆/∂q₅ = -0.534 · e^q₅ = -0.534 · e^(-1) = -0.20"
    "   [q₅ = -(w0*x0+w1*x1+w2)]",
    " 5. ∂f/∂q₄ = ∂f/∂q₅ · ∂q₅/∂q₄ = -0.20 · (-1) = 0.20   [q₄ = w0*x0+w1*x1+w2]",
    " 6. ∂f/∂q₃ = ∂f/∂q₄ · ∂q₄/∂q₃ = 0.20 · 1 = 0.20   [q₃ = w0*x0+w1*x1]",
    " 7. ∂f/∂w2 = ∂f/∂q₄ · ∂q₄/∂w2 = 0.20 · 1 = 0.20",
    " 8. ∂f/∂q₁ = ∂f/∂q₃ · ∂q₃/∂q₁ = 0.20 · 1 = 0.20   [q₁ = w0*x0]",
    " 9. ∂f/∂q₂ = ∂f/∂q₃ · ∂q₃/∂q₂ = 0.20 · 1 = 0.20   [q₂ = w1*x1]",
    "10. ∂f/∂w1 = ∂f/∂q₂ · ∂q₂/∂w1 = 0.197 · x1 = 0.197 · (-2) = -0.39",
    "11. ∂f/∂x1 = ∂f/∂q₂ · ∂q₂/∂x1 = 0.197 · w1 = 0.197 · (-3) = -0.59",
    "12. ∂f/∂w0 = ∂f/∂q₁ · ∂q₁/∂w0 = 0.20 · x0 = 0.20 · (-1) = -0.20",
    "13. ∂f/∂x0 = ∂f/∂q₁ · ∂q₁/∂x0 = 0.197 · w0 = 0.197 · 2 = 0.39",
]


def test_sigmoid_backward_full_text(run):
    assert explain_lines(run(*SIGMOID_ARGS, "--explain")) == SIGMOID_BACKWARD


def _main_result(line: str) -> str:
    """The number a step line ends with (before the '   [n = ...]' note)."""
    line = line.split("   [", 1)[0]
    return line.rsplit(" = ", 1)[1]


def test_sigmoid_step_results_are_the_reference_rounded(run):
    ex = REFERENCE[SIGMOID]
    graph = backpropviz.trace(SIGMOID, ex["values"])
    gates = [n for n in graph.nodes if n.is_gate]
    assert len(gates) == len(ex["gates"])
    reference = {g.id: ref["grad"] for g, ref in zip(gates, ex["gates"])}
    for name, grad in ex["gradients"].items():
        reference[graph.variable_ids[name]] = grad
    doc = run_json(run, *SIGMOID_ARGS, "--explain")
    steps = [s for s in doc["steps"] if s["pass"] == "backward"]
    # every gate and every variable gets exactly one step
    assert sorted(s["node"] for s in steps) == sorted(reference)
    shown = {s["node"]: _main_result(s["text"][0]) for s in steps}
    assert shown.pop(graph.output) == "1  (start at the output)"
    for node_id, grad in reference.items():
        if node_id == graph.output:
            continue
        assert shown[node_id] == f"{grad:.2f}", (node_id, shown[node_id], grad)
        step = next(s for s in steps if s["node"] == node_id)
        assert step["result"] == pytest.approx(grad, rel=1e-12, abs=1e-15)
    # the published input gradients, as the figure rounds them
    by_name = {s["name"]: _main_result(s["text"][0]) for s in steps}
    assert [by_name[n] for n in ("q₇", "q₅", "w2", "w0", "x0", "w1", "x1")] == [
        "-0.53", "-0.20", "0.20", "-0.20", "0.39", "-0.39", "-0.59"]


def test_sigmoid_local_formulas_come_from_sympy(run):
    doc = run_json(run, *SIGMOID_ARGS, "--explain")
    formulas = {(s["name"], p["via"]): p["formula"]
                for s in doc["steps"] for p in s["contributions"]}
    assert formulas[("q₇", 12)] == "-1/q₇**2"          # 1/x gate
    assert formulas[("q₅", 10)] == "exp(q₅)"             # exp gate
    assert formulas[("q₄", 9)] == "-1"                   # unary minus
    assert formulas[("q₆", 11)] == "1"                  # +1 gate
    assert formulas[("w0", 2)] == "x0"                   # mul: the other operand
    assert formulas[("x0", 2)] == "w0"
    assert formulas[("w1", 5)] == "x1"
    assert formulas[("x1", 5)] == "w1"


def test_simple_local_formulas(run):
    doc = run_json(run, *SIMPLE_ARGS, "--explain")
    formulas = {s["name"]: [p["formula"] for p in s["contributions"]] for s in doc["steps"]}
    assert formulas == {"f": [], "q₁": ["z"], "z": ["q₁"], "x": ["1"], "y": ["1"]}


@pytest.mark.parametrize("expression, values, name, formula", [
    ("sin(x)*y", {"x": 0.5, "y": 2}, "x", "cos(x)"),
    ("cos(x)*y", {"x": 0.5, "y": 2}, "x", "-sin(x)"),
    ("log(x)*y", {"x": 0.5, "y": 2}, "x", "1/x"),
    ("sqrt(x)*y", {"x": 0.5, "y": 2}, "x", "1/(2*sqrt(x))"),
    ("x**3*y", {"x": 0.5, "y": 2}, "x", "3*x**2"),
    ("x/y", {"x": 0.5, "y": 2}, "y", "-x/y**2"),
    ("x/y", {"x": 0.5, "y": 2}, "x", "1/y"),
    ("tanh(x)*y", {"x": 0.5, "y": 2}, "x", "1 - tanh(x)**2"),
])
def test_local_formulas_read_as_the_derivative(run, expression, values, name, formula):
    doc = run_json(run, expression, *var_args(values), "--explain")
    step = next(s for s in doc["steps"] if s["pass"] == "backward" and s["name"] == name)
    assert [p["formula"] for p in step["contributions"]] == [formula]


def test_a_sum_formula_is_parenthesized_in_the_product(run):
    """'3.00 · 1 - tanh²' would read as (3.00 · 1) - tanh² = 2.79, not the product
    3.00 · 0.79 = 2.36 the step computes; a sum needs parentheses after '·'."""
    lines = explain_lines(run("y*tanh(x)", "--x", "0.5", "--y", "3", "--explain"))
    step = next(line for line in lines if "∂f/∂x =" in line)
    assert "· (1 - tanh²) = 3.000 · (1 - 0.462²) = 2.36" in step, step


# --- forks -------------------------------------------------------------------------------------

def test_fork_adds_the_uses(run):
    assert explain_lines(run(*FORK_ARGS, "--explain")) == [
        BACKWARD_HEADING,
        "1. ∂f/∂f = 1  (start at the output)",
        "2. ∂f/∂q = ∂f/∂f · ∂f/∂q = 1.00 · 1 = 1.00",
        "3. ∂f/∂r = ∂f/∂f · ∂f/∂r = 1.00 · 1 = 1.00",
        "4. ∂f/∂z = ∂f/∂r · ∂r/∂z = 1.00 · x = 1.00 · (-2) = -2.00",
        "5. ∂f/∂x = -4.00 (via r) + 1.00 (via q) = -3.00",
        "     via r: ∂f/∂r · ∂r/∂x = 1.00 · z = 1.00 · (-4) = -4.00",
        "     via q: ∂f/∂q · ∂q/∂x = 1.00 · 1 = 1.00",
        "6. ∂f/∂y = ∂f/∂q · ∂q/∂y = 1.00 · 1 = 1.00",
    ]


def test_fork_json_contributions(run, validator):
    doc = run_json(run, *FORK_ARGS, "--explain")
    validator.validate(doc)
    step = next(s for s in doc["steps"] if s["name"] == "x")
    assert step["result"] == -3.0
    assert [(p["via"], p["slot"], p["upstream"], p["local"], p["formula"], p["grad"])
            for p in step["contributions"]] == [(4, 0, 1.0, -4.0, "z", -4.0),
                                                (2, 0, 1.0, 1.0, "1", 1.0)]
    assert step["text"] == ["∂f/∂x = -4.00 (via r) + 1.00 (via q) = -3.00",
                            "via r: ∂f/∂r · ∂r/∂x = 1.00 · z = 1.00 · (-4) = -4.00",
                            "via q: ∂f/∂q · ∂q/∂x = 1.00 · 1 = 1.00"]


def test_square_is_two_uses_of_one_gate(run):
    assert explain_lines(run("x*x", "--x", "3", "--explain")) == [
        BACKWARD_HEADING,
        "1. ∂f/∂f = 1  (start at the output)   [f = x*x]",
        "2. ∂f/∂x = 3.00 (via f) + 3.00 (via f) = 6.00",
        "     via f (input 1): ∂f/∂f · ∂f/∂x = 1.00 · x = 1.00 · 3 = 3.00",
        "     via f (input 2): ∂f/∂f · ∂f/∂x = 1.00 · x = 1.00 · 3 = 3.00",
    ]
    doc = run_json(run, "x*x", "--x", "3", "--explain")
    step = doc["steps"][1]
    assert [(p["via"], p["slot"]) for p in step["contributions"]] == [(1, 0), (1, 1)]


def test_output_named_out_when_f_is_taken(run):
    lines = explain_lines(run("f*g", "--f", "2", "--g", "3", "--explain"))
    assert lines[1] == "1. ∂out/∂out = 1  (start at the output)   [out = f*g]"
    assert lines[2] == "2. ∂out/∂f = ∂out/∂out · ∂out/∂f = 1.00 · g = 1.00 · 3 = 3.00"
    assert lines[3] == "3. ∂out/∂g = ∂out/∂out · ∂out/∂g = 1.00 · f = 1.00 · 2 = 2.00"


def test_explain_with_no_value_before_the_expression(run):
    result = run("--explain", "x*y", "--x", "1", "--y", "2")
    assert explain_lines(result) == [
        BACKWARD_HEADING,
        "1. ∂f/∂f = 1  (start at the output)   [f = x*y]",
        "2. ∂f/∂x = ∂f/∂f · ∂f/∂x = 1.00 · y = 1.00 · 2 = 2.00",
        "3. ∂f/∂y = ∂f/∂f · ∂f/∂y = 1.00 · x = 1.00 · 1 = 1.00",
    ]


def test_explain_with_a_value_before_the_expression(run):
    lines = explain_lines(run("--explain", "forward", "x*y", "--x", "1", "--y", "2"))
    assert lines == [FORWARD_HEADING, "1. x = 1.00  (input)", "2. y = 2.00  (input)",
                     "3. f = x · y = 1.00 · 2.00 = 2.00"]


def test_explain_rejects_an_unknown_pass(run):
    result = run(*SIMPLE_ARGS, "--explain=sideways")
    assert result.exit_code == 2
    assert "'sideways' is not one of 'forward', 'backward', 'both'" in result.stderr
    assert result.stdout == ""


def test_precision_sets_the_decimals(run):
    lines = explain_lines(run(*SIMPLE_ARGS, "--explain", "--precision", "3"))
    assert lines[4] == "4. ∂f/∂x = ∂f/∂q₁ · ∂q₁/∂x = -4.000 · 1 = -4.000"


# --- the order of the steps ----------------------------------------------------------------------

def _readers(doc: dict) -> dict[int, set[int]]:
    """node -> the gates that read it, among the nodes the output depends on."""
    nodes = doc["nodes"]
    needed = {doc["output"]}
    for node in reversed(nodes):
        if node["id"] in needed:
            needed.update(node["inputs"])
    readers: dict[int, set[int]] = {n["id"]: set() for n in nodes}
    for node in nodes:
        if node["id"] in needed:
            for src in node["inputs"]:
                readers[src].add(node["id"])
    return readers


def assert_backprop_order(doc: dict) -> None:
    steps = [s for s in doc["steps"] if s["pass"] == "backward"]
    assert [s["index"] for s in steps] == list(range(1, len(steps) + 1))
    assert steps[0]["node"] == doc["output"]
    assert steps[0]["contributions"] == []
    position = {s["node"]: k for k, s in enumerate(steps)}
    assert len(position) == len(steps), "a node has two steps"
    readers = _readers(doc)
    for step in steps[1:]:
        gates = readers[step["node"]]
        assert gates, step
        for gate in gates:
            assert position[gate] < position[step["node"]], (step["name"], gate)
    # every non-constant node the output depends on has its step
    kinds = {n["id"]: n["op"] for n in doc["nodes"]}
    expected = {i for i, r in readers.items() if (r or i == doc["output"]) and kinds[i] != "const"}
    assert set(position) == expected


def assert_contributions_add_up(doc: dict) -> None:
    nodes = doc["nodes"]
    readers = _readers(doc)
    for step in doc["steps"]:
        if step["pass"] == "forward":
            assert step["contributions"] == []
            assert step["result"] == nodes[step["node"]]["value"]
            continue
        node = nodes[step["node"]]
        assert step["result"] == node["grad"]
        if step["node"] == doc["output"]:
            assert step["result"] == 1.0
            continue
        uses = sorted((g, slot) for g in readers[step["node"]]
                      for slot, src in enumerate(nodes[g]["inputs"]) if src == step["node"])
        assert sorted((p["via"], p["slot"]) for p in step["contributions"]) == uses
        total = 0.0
        scale = 0.0
        for p in step["contributions"]:
            gate = nodes[p["via"]]
            assert p["upstream"] == gate["grad"]
            assert p["local"] == gate["local_grads"][p["slot"]]
            assert p["grad"] == pytest.approx(p["upstream"] * p["local"], rel=1e-15, abs=0)
            assert isinstance(p["formula"], str) and p["formula"]
            total += p["grad"]
            scale += abs(p["grad"])
        assert total == pytest.approx(node["grad"], rel=1e-12, abs=1e-12 * scale)
        assert len(step["text"]) == (1 if len(step["contributions"]) == 1
                                     else 1 + len(step["contributions"]))


def test_cs231n_steps_come_in_backprop_order(run, validator):
    for args in (SIMPLE_ARGS, SIGMOID_ARGS, STAGED_ARGS, FORK_ARGS):
        doc = run_json(run, *args, "--explain", "both")
        validator.validate(doc)
        assert_backprop_order(doc)
        assert_contributions_add_up(doc)


_FUNCS = ("exp", "sin", "cos", "tanh", "sigmoid", "relu", "abs")


def _random_program(rng: random.Random) -> tuple[str, dict[str, float]]:
    """A program whose statements reuse earlier names, so forks and unused names occur."""
    names = ["a", "b", "c"]
    values = {n: round(rng.uniform(0.3, 2.0), 2) for n in names}
    statements = []
    for k in range(rng.randint(2, 7)):
        pick = lambda: rng.choice(names)  # noqa: E731
        form = rng.randrange(6)
        if form == 0:
            expr = f"{pick()} {rng.choice('+-*')} {pick()}"
        elif form == 1:
            expr = f"{rng.choice(_FUNCS)}({pick()})"
        elif form == 2:
            expr = f"{pick()} * {pick()} + {pick()}"
        elif form == 3:
            expr = f"{pick()} / (1 + {pick()}**2)"
        elif form == 4:
            expr = f"max({pick()}, {pick()} * 0.5) - min({pick()}, 2)"
        else:
            expr = f"{pick()} * {round(rng.uniform(-2, 2), 1)}"
        name = f"t{k}"
        statements.append(f"{name} = {expr}")
        names.append(name)
    statements.append(" + ".join(rng.sample(names[3:], min(2, len(names) - 3))) + " * a")
    program = "; ".join(statements)
    used = backpropviz.parse.build_expression(program, None).variable_ids
    return program, {n: v for n, v in values.items() if n in used}


@pytest.mark.parametrize("seed", range(25))
def test_random_programs_steps(run, validator, seed):
    program, values = _random_program(random.Random(seed))
    doc = run_json(run, program, *var_args(values), "--explain", "both")
    validator.validate(doc)
    assert_backprop_order(doc)
    assert_contributions_add_up(doc)
    forward = [s for s in doc["steps"] if s["pass"] == "forward"]
    assert [s["index"] for s in forward] == list(range(1, len(forward) + 1))
    assert [s["node"] for s in forward] == [n["id"] for n in doc["nodes"]
                                            if n["op"] != "const"]


def test_unused_statement_has_no_backward_step(run):
    doc = run_json(run, "u = y * 2; f = x * 3", "--x", "1", "--y", "2", "--explain")
    names = [s["name"] for s in doc["steps"]]
    assert names == ["f", "x"]


# --- the library API -----------------------------------------------------------------------------

def test_library_steps_match_the_cli(run):
    from backpropviz.symbolic import local_formula

    graph = backpropviz.trace(SIGMOID, REFERENCE[SIGMOID]["values"])
    names = display_names(graph)
    steps = forward_steps(graph) + backward_steps(
        graph, lambda gate, slot, names: local_formula(graph.nodes[gate], slot, names), names)
    doc = run_json(run, *SIGMOID_ARGS, "--explain", "both")
    assert [step_text(graph, s, names, 2) for s in steps] == [s["text"] for s in doc["steps"]]
    out = io.StringIO()
    render_explain(graph, steps, names, 2, file=out)
    assert out.getvalue().splitlines() == explain_lines(run(*SIGMOID_ARGS, "--explain", "both"))


def test_display_names():
    graph = backpropviz.trace(SIGMOID, REFERENCE[SIGMOID]["values"])
    names = display_names(graph)
    assert names[:3] == ["w0", "x0", "q₁"]
    assert names[graph.output] == "f"
    assert len(set(names)) == len(names)
    clash = backpropviz.trace("n1 = x * 2; f = n1 + x", x=1)
    clash_names = display_names(clash)
    assert len(set(clash_names)) == len(clash_names)


def test_short_names_count_in_evaluation_order_and_avoid_a_variables_letter():
    """q₁, q₂ ... number the unnamed gates as they are evaluated; a variable q (or q1, q_2)
    would read as one of them, so another letter is used; --plain-names writes q1."""
    graph = backpropviz.trace("(a*b + c)*d", a=1, b=2, c=3, d=4)
    names = display_names(graph)
    assert [names[n.id] for n in graph.nodes if n.is_gate] == ["q₁", "q₂", "f"]
    assert [names[n.id] for n in graph.nodes if n.is_gate and n.id != graph.output] == [
        "q₁", "q₂"]
    assert display_names(graph, plain=True)[2] == "q1"
    for variable in ("q", "q1", "q_2"):
        clash = backpropviz.trace(f"({variable}*b + c)*d", {variable: 1, "b": 2, "c": 3, "d": 4})
        gates = [display_names(clash)[n.id] for n in clash.nodes if n.is_gate]
        assert gates == ["u₁", "u₂", "f"], variable
    both = backpropviz.trace("(q*u + c)*d", q=1, u=2, c=3, d=4)
    assert [display_names(both)[n.id] for n in both.nodes if n.is_gate] == ["v₁", "v₂", "f"]


def test_plain_names_explain_with_ascii_short_names(run):
    lines = explain_lines(run(*SIMPLE_ARGS, "--explain", "--plain-names"))
    assert "4. ∂f/∂x = ∂f/∂q1 · ∂q1/∂x = -4.00 · 1 = -4.00" in lines


# --- plain when piped, colour in a terminal --------------------------------------------------------

def test_piped_output_is_plain_text(run_process):
    proc = run_process(*SIGMOID_ARGS, "--explain", "both", "--check", "--exact")
    assert proc.returncode == 0, proc.stderr
    assert "\x1b[" not in proc.stdout
    assert "\x1b[" not in proc.stderr
    assert " 2. ∂f/∂q₇ = ∂f/∂f · ∂f/∂q₇ = 1.00 · (-1/q₇²) = 1.00 · (-1/1.37²) = -0.53"
    "   [q₇ = 1+exp(-(w0*x0+w1*x1+w2))]" in (
        proc.stdout.splitlines())


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_output_is_styled_by_rich(monkeypatch):
    from backpropviz.symbolic import local_formula

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("FORCE_COLOR", "1")
    graph = backpropviz.trace(SIMPLE, x=-2, y=5, z=-4)
    names = display_names(graph)
    steps = backward_steps(graph, lambda g, s, n: local_formula(graph.nodes[g], s, n), names)
    terminal = _Terminal()
    render_explain(graph, steps, names, 2, file=terminal)
    assert "\x1b[" in terminal.getvalue()
    plain = re.sub(r"\x1b\[[0-9;]*m", "", terminal.getvalue())
    assert "4. ∂f/∂x = ∂f/∂q₁ · ∂q₁/∂x = -4.00 · 1 = -4.00" in plain
    monkeypatch.setenv("NO_COLOR", "1")
    terminal = _Terminal()
    render_explain(graph, steps, names, 2, file=terminal)
    assert "\x1b[" not in terminal.getvalue()


# --- sympy is imported only when needed -------------------------------------------------------------

_IMPORT_PROBE = """
import sys
from backpropviz.cli import main
try:
    main(["(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4", "--json"] + sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
print('sympy' in sys.modules, file=sys.stderr)
"""


def _sympy_imported(child_env, *extra: str) -> bool:
    proc = subprocess.run([sys.executable, "-c", _IMPORT_PROBE, *extra], capture_output=True,
                          text=True, env=child_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    json.loads(proc.stdout)
    return proc.stderr.strip().splitlines()[-1] == "True"


def test_plain_run_does_not_import_sympy(child_env):
    assert _sympy_imported(child_env) is False


@pytest.mark.parametrize("option", ["--explain", "--check", "--exact"])
def test_options_that_need_sympy_import_it(child_env, option):
    assert _sympy_imported(child_env, option) is True


def test_a_tiny_number_in_a_chain_rule_line_stays_in_fixed_point(run):
    """A gradient under 0.005 was written -4.2e-03 beside 0.50 in the same line (and in
    the lessons' captions). It now keeps fixed point with the digits its e-notation had:
    -10/49² = -0.0041649 is -0.0042; only one tinier than 4 more decimals can show stays
    in e-notation."""
    from backpropviz.render.numbers import fixed_point

    result = run("f = x*2\ng = 10.0/f + f/2", "--x", "24.5", "--explain")
    assert result.exit_code == 0, result.output
    assert "= 1.00 · (-10.0/49²) = -0.0042\n" in result.output
    assert "e-0" not in result.output
    assert [fixed_point(v, 2) for v in (-0.004565, 4.2e-4, 3e-9, 0.25, 0.0, -0.004)] == [
        "-0.0046", "0.00042", "3.0e-09", "0.25", "0.00", "-0.0040"]
    assert fixed_point(0.000423, 3) == "0.000423"


def test_no_explanation_or_lesson_caption_writes_e_notation_among_fixed_point(run, tmp_path):
    """A statements lesson wrote `∂g'/∂f += 0.00` for a share of -10/49² and summed it as
    `-4.2e-03`; --explain of the batch MLP wrote `1.2e-03` among `-0.04`; a sum listed
    `-0.005 (via q₉)` above a line giving it as -0.0046. Now: -0.0042 in the captions, a
    tiny element of an array 0.00 as in the picture, and a summand with its own line's
    digits."""
    from backpropviz.render.numbers import summand

    sample = Path(__file__).resolve().parent.parent / "samples"
    result = run("-f", str(sample / "micrograd_readme.bp"), "--values",
                 str(sample / "micrograd_readme.json"), "--collapse", "statements",
                 "--steps", str(tmp_path / "s"), "--steps-format", "svg")
    assert result.exit_code == 0, result.output
    captions = " ".join(p.read_text(encoding="utf-8") for p in (tmp_path / "s").glob("*.svg"))
    assert "e-0" not in captions and "-0.0042" in captions  # (-10/49² = -0.0041649)
    result = run("-f", str(sample / "mlp_batch.bp"), "--values",
                 str(sample / "mlp_batch.json"), "--explain")
    assert result.exit_code == 0 and "e-0" not in result.output
    assert summand(-0.00456, 3, 2) == "-0.0046" and summand(-0.25, 3, 2) == "-0.250"


def test_a_name_given_to_another_value_is_written_as_that_value(run):
    """`v = x` then `v = tanh(v*w + b)`: the first v read is x. The step lines said
    `[q₂ = v*w + b]` as typed, as if q₂ read the tanh named v it feeds; they now write
    what is read, `x * w + b`, while the later steps' typed `v` is the tanh named v."""
    program = "v = x\n" + "v = tanh(v*w + b)\n" * 3
    result = run(program, "--x", "0.5", "--w", "0.9", "--b", "-0.1", "--explain")
    assert result.exit_code == 0, result.output
    assert "[q₂ = x * w + b]" in result.output and "[q₂ = v*w + b]" not in result.output
    assert "[q₄ = v*w + b]" in result.output  # (the first tanh, named v)
