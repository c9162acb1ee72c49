"""The one reverse-pass schedule: which nodes reach the output, whose uses a gradient sums
over, and the exact order of events, on graphs made by hand (no parser involved)."""

from __future__ import annotations

import math
import random

import pytest

from backpropviz import engine, trace
from backpropviz.render.dot import render_dot
from backpropviz.graph import Graph, Store
from backpropviz.schedule import (COMPLETE, SEND, START, VISIT, Event, depends_on,
                                  reaches_output, readers, reverse_pass)


def make(nodes: list[tuple[str, int, int, float | None]], output: int) -> Graph:
    """A graph from ``(op, a, b, param)`` rows: ``input`` rows are variables ``v<id>``."""
    store = Store()
    variables = {}
    for i, (op, a, b, param) in enumerate(nodes):
        name = f"v{i}" if op == "input" else None
        store.add(op, name or op, a, b, 0, 0, name=name, param=param)
        if name:
            variables[name] = i
    return Graph("(made by hand)", store, output, variables)


def show(events: list[Event]) -> list[str]:
    """Events as short lines: ``visit 4``, ``send 4.1 -> 2``, ``complete 2``."""
    lines = []
    for kind, gate, node, slot, live in events:
        text = {START: f"start {node}", VISIT: f"visit {gate}",
                SEND: f"send {gate}.{slot} -> {node}", COMPLETE: f"complete {node}"}[kind]
        lines.append(text if live else text + " (dead)")
    return lines


# x, y; q = x + y; a = q * x; f = a + q: q is read by two gates, x by two
FORK = [("input", -1, -1, None), ("input", -1, -1, None), ("add", 0, 1, None),
        ("mul", 2, 0, None), ("add", 3, 2, None)]

# x, y; f = x * y (the output); g = f * x and h = tanh(g) after it, never reaching it
AFTER_OUTPUT = [("input", -1, -1, None), ("input", -1, -1, None), ("mul", 0, 1, None),
                ("mul", 2, 0, None), ("tanh", 3, -1, None)]

# x; 2; 3; k = 2 * 3 (reads only constants); f = x * k
CONSTANTS = [("input", -1, -1, None), ("const", -1, -1, 2.0), ("const", -1, -1, 3.0),
             ("mul", 1, 2, None), ("mul", 0, 3, None)]


def test_a_fork_completes_after_its_last_reader():
    graph = make(FORK, 4)
    assert reaches_output(graph) == [True] * 5
    assert readers(graph) == [[(3, 1), (2, 0)], [(2, 1)], [(4, 1), (3, 0)], [(4, 0)], []]
    assert show(list(reverse_pass(graph))) == [
        "start 4",
        "visit 4", "send 4.0 -> 3", "complete 3", "send 4.1 -> 2",
        "visit 3", "send 3.0 -> 2", "complete 2", "send 3.1 -> 0",
        "visit 2", "send 2.0 -> 0", "complete 0", "send 2.1 -> 1", "complete 1",
    ]


def test_a_gate_read_twice_by_one_gate_completes_after_its_second_slot():
    graph = make([("input", -1, -1, None), ("mul", 0, 0, None)], 1)
    assert readers(graph) == [[(1, 0), (1, 1)], []]
    assert show(list(reverse_pass(graph))) == [
        "start 1", "visit 1", "send 1.0 -> 0", "send 1.1 -> 0", "complete 0"]


def test_statements_after_the_output_are_visited_but_send_nothing():
    graph = make(AFTER_OUTPUT, 2)
    assert reaches_output(graph) == [True, True, True, False, False]
    # a dead gate's uses of live nodes do not count; a dead node's uses all do (all 0)
    assert readers(graph) == [[(2, 0)], [(2, 1)], [], [(4, 0)], []]
    assert show(list(reverse_pass(graph))) == [
        "start 2",
        "visit 4 (dead)", "complete 4 (dead)", "send 4.0 -> 3 (dead)", "complete 3 (dead)",
        "visit 3 (dead)", "send 3.0 -> 2 (dead)", "send 3.1 -> 0 (dead)",
        "visit 2", "send 2.0 -> 0", "complete 0", "send 2.1 -> 1", "complete 1",
    ]


def test_a_gate_of_constants_completes_its_constants():
    graph = make(CONSTANTS, 4)
    assert reaches_output(graph) == [True] * 5
    assert show(list(reverse_pass(graph))) == [
        "start 4",
        "visit 4", "send 4.0 -> 0", "complete 0", "send 4.1 -> 3", "complete 3",
        "visit 3", "send 3.0 -> 1", "complete 1", "send 3.1 -> 2", "complete 2",
    ]


def test_a_leaf_nothing_reads_never_completes():
    # ``a = x; y``: x is a variable only aliased, the output is the leaf y
    graph = make([("input", -1, -1, None), ("input", -1, -1, None)], 1)
    assert reaches_output(graph) == [False, True]
    assert show(list(reverse_pass(graph))) == ["start 1"]


def test_every_gate_completes_once_before_its_visit_or_as_it_if_nothing_reads_it():
    for seed in range(200):
        graph = random_graph(random.Random(seed))
        events = list(reverse_pass(graph))
        uses = readers(graph)
        done = {e.node: k for k, e in enumerate(events) if e.kind in (START, COMPLETE)}
        assert len(done) == sum(e.kind in (START, COMPLETE) for e in events)
        for k, e in enumerate(events):
            if e.kind == VISIT:
                assert done[e.gate] < k or done[e.gate] == k + 1 and not uses[e.gate]
        gates = [i for i, a in enumerate(graph.store.a) if a >= 0]
        assert [e.gate for e in events if e.kind == VISIT] == gates[::-1]


def test_depends_on_is_the_forward_reach():
    graph = make(FORK, 4)
    assert depends_on(graph, {2}) == [True, True, True, False, False]
    assert depends_on(graph, [3, 1]) == [True, True, True, True, False]
    assert depends_on(graph, ()) == [False] * 5
    after = make(AFTER_OUTPUT, 2)
    assert depends_on(after, {4}) == [True, True, True, True, True]
    assert depends_on(after, {after.output}) == reaches_output(after)


@pytest.mark.parametrize("seed", range(100))
def test_the_engine_reaches_the_nodes_the_schedule_says(seed):
    # engine.backward finds the same reach on the way (by float identity, for speed)
    graph = random_graph(random.Random(seed))
    engine.evaluate(graph, {name: 0.5 + i for i, name in enumerate(graph.variable_ids)})
    found = [g is not engine._UNREACHED for g in graph.store.grad]
    assert found == reaches_output(graph)
    dead = [g == 0.0 for g, live in zip(graph.store.grad, found) if not live]
    assert all(dead)


def random_graph(rng: random.Random) -> Graph:
    """Up to 12 nodes: variables, constants, unary and binary gates; any node the output."""
    rows: list[tuple[str, int, int, float | None]] = [("input", -1, -1, None)]
    for i in range(1, rng.randint(2, 12)):
        kind = rng.random()
        if kind < 0.15:
            rows.append(("input", -1, -1, None))
        elif kind < 0.25:
            rows.append(("const", -1, -1, 2.0))
        elif kind < 0.5:
            rows.append((rng.choice(["tanh", "exp", "neg"]), rng.randrange(i), -1, None))
        else:
            rows.append((rng.choice(["add", "mul", "sub"]), rng.randrange(i), rng.randrange(i),
                         None))
    return make(rows, rng.randrange(len(rows)))


def test_a_gate_the_output_does_not_read_sends_0_along_its_wires_not_nan():
    # a = sqrt(x) is never used: at x = 0 its local derivative is inf, and 0 * inf would
    # show nan on x's branch into it; nothing flows back there (x's gradient is y's 2)
    graph = trace("a = sqrt(x); y = x*2", x=0.0)
    wires = {(w.dst, w.slot): w for w in graph.wires()}
    sqrt_gate = next(n.id for n in graph.nodes if n.op == "sqrt")
    assert wires[(sqrt_gate, 0)].local_grad == math.inf
    assert wires[(sqrt_gate, 0)].grad == 0.0
    assert sum(w.grad for w in wires.values() if w.src == graph.variable_ids["x"]) == 2.0
    assert "nan" not in render_dot(graph)
