"""The lesson as step frames (no Graphviz needed): which frames exist and in what order,
which numbers each frame's DOT text shows, the captions, the highlighted gate, the fork
branches, and how names are spelled.

What a frame should show is derived here from the rule itself (a value is known once its
gate has run; a node's gradient once every gate reading it has been visited on the way
back, a branch's once its gate has), and the numbers are worked out by hand.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

import backpropviz
from backpropviz.render.frames import frame_names, lesson_frames
from backpropviz.render.dot import CLASSIC, THEMES, render_dot
from backpropviz.render.engines import lowered_digits
from backpropviz.render.names import GREEK, name_html, name_text

from reference import SIGMOID, SIMPLE

HIDDEN = "transparent"

SIMPLE_VALUES = {"x": -2, "y": 5, "z": -4}
SIGMOID_VALUES = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
FORK = "a = x*y; b = a + x; f = a*b"  # a feeds two gates, x feeds two gates
FORK_VALUES = {"x": 3, "y": -2}
PROGRAMS = {
    "simple": (SIMPLE, SIMPLE_VALUES),
    "sigmoid": (SIGMOID, SIGMOID_VALUES),
    "fork": (FORK, FORK_VALUES),
}

_LABEL_NODE = re.compile(r"^\s*([wb][\d_]+) \[shape=plaintext, margin=0, width=0, height=0, "
                         r"label=<(.*)>\];$", re.M)
_CELL = re.compile(r"<td[^>]*>(.*?)</td>")
_NUMBER = re.compile(r'<font color="([^"]+)" point-size="\d+">(?:<u>)?(?:<[bi]>)?([^<]*)'
                     r"(?:</[bi]>)?(?:</u>)?</font>$")
_EDGE = re.compile(r"^\s*(\w+)(?::[nsew])? -> (\w+)(?::[nsew])?(?: \[(.*)\])?;$", re.M)
_GATE_FILL = re.compile(r'^\s*n(\d+) \[shape=circle, [^\n]*fillcolor="([^"]+)"', re.M)


# --- helpers ----------------------------------------------------------------------------

def drawn_numbers(dot: str) -> dict[tuple, tuple[str, str]]:
    """Every number of the wire labels as ``key -> (colour, text)``; keys are
    ``("value", node)``, ``("grad", node)`` and ``("branch", gate, slot)``."""
    found: dict[tuple, tuple[str, str]] = {}
    for name, label in _LABEL_NODE.findall(dot):
        cells = []
        for cell in _CELL.findall(label):
            match = _NUMBER.search(cell)
            cells.append((match.group(1), match.group(2)) if match else None)
        if name.startswith("w"):
            node = int(name[1:])
            assert len(cells) == 2, label
            found[("value", node)], found[("grad", node)] = cells
        else:
            gate, slot = map(int, name[1:].split("_"))
            assert len(cells) == 2 and cells[0] is None, label  # an empty cell above
            found[("branch", gate, slot)] = cells[1]
    return found


def readers(graph) -> dict[int, list[int]]:
    """node -> the gates reading it (once per use)."""
    uses: dict[int, list[int]] = {n.id: [] for n in graph.nodes}
    for node in graph.nodes:
        for src in node.inputs:
            uses[src].append(node.id)
    return uses


def expected_keys(graph, phase: str, step: int) -> set[tuple]:
    """The numbers frame ``step`` of ``phase`` should show. Forward step k (1-based): the
    leaves' and the first k gates' values. Backward step 0 is the output alone; step j has
    visited the last j gates."""
    gates = [n.id for n in graph.nodes if n.op not in ("input", "const")]
    if phase == "forward":
        return ({("value", n.id) for n in graph.nodes if n.op in ("input", "const")}
                | {("value", g) for g in gates[:step]})
    shown = {("value", n.id) for n in graph.nodes}
    visited = set(gates[len(gates) - step:]) if step else set()
    uses = readers(graph)
    for node in graph.nodes:
        if node.id == graph.output or (uses[node.id] and set(uses[node.id]) <= visited):
            shown.add(("grad", node.id))
    fork = {src for src, who in uses.items() if len(who) > 1}
    for gate in visited:
        for slot, src in enumerate(graph.nodes[gate].inputs):
            if src in fork:
                shown.add(("branch", gate, slot))
    return shown


def check_frame(graph, frame, phase: str, step: int, style=CLASSIC) -> None:
    full = drawn_numbers(render_dot(graph, style=style))
    drawn = drawn_numbers(render_dot(graph, style=style, view=frame.view))
    assert drawn.keys() == full.keys()  # the same layout in every frame
    want = expected_keys(graph, phase, step)
    for key, (color, text) in drawn.items():
        assert text == full[key][1], key  # hidden numbers keep their text (and size)
        visible = style.value_color if key[0] == "value" else style.grad_color
        assert color == (visible if key in want else HIDDEN), (frame.index, key)


def traced(name: str):
    expression, values = PROGRAMS[name]
    return backpropviz.trace(expression, values)


def gate_ids(graph) -> list[int]:
    return [n.id for n in graph.nodes if n.op not in ("input", "const")]


# --- frame count and order --------------------------------------------------------------

@pytest.mark.parametrize("name, gates", [("simple", 2), ("sigmoid", 8), ("fork", 3)])
def test_frame_count_and_order(name, gates):
    graph = traced(name)
    frames = lesson_frames(graph)
    forward = [f for f in frames if f.phase == "forward"]
    backward = [f for f in frames if f.phase == "backward"]
    assert len(forward) == gates and len(backward) == gates + 1
    assert frames == forward + backward  # all forward frames first
    assert [f.index for f in frames] == list(range(1, 2 * gates + 2))
    order = gate_ids(graph)  # node ids are the evaluation order
    assert [f.node for f in forward] == order
    assert [f.node for f in backward] == [graph.output] + order[::-1]


def test_forward_frames_follow_the_cs231n_gate_order():
    frames = lesson_frames(traced("sigmoid"))
    graph = traced("sigmoid")
    labels = [graph.nodes[f.node].label for f in frames if f.phase == "forward"]
    assert labels == ["*", "*", "+", "+", "*-1", "exp", "+1", "1/x"]


def test_frame_names_sort_in_lesson_order():
    frames = lesson_frames(traced("simple"))
    assert frame_names(frames, "svg") == [
        "step-01-forward.svg", "step-02-forward.svg", "step-03-backward.svg",
        "step-04-backward.svg", "step-05-backward.svg"]
    chain = backpropviz.trace("x" + "+1" * 50, x=0)  # 50 gates: 101 frames
    frames = lesson_frames(chain)
    names = frame_names(frames, "png")
    assert len(frames) == len(set(names)) == 101
    assert sorted(names) == names
    assert names[0] == "step-001-forward.png" and names[-1] == "step-101-backward.png"
    assert [int(n.split("-")[1]) for n in names] == list(range(1, 102))


# --- what each frame shows --------------------------------------------------------------

@pytest.mark.parametrize("name", PROGRAMS)
def test_forward_frame_k_shows_values_up_to_gate_k_and_no_gradient(name):
    graph = traced(name)
    forward = [f for f in lesson_frames(graph) if f.phase == "forward"]
    for k, frame in enumerate(forward, start=1):
        check_frame(graph, frame, "forward", k)


@pytest.mark.parametrize("name", PROGRAMS)
def test_backward_frame_shows_exactly_the_known_gradients(name):
    graph = traced(name)
    backward = [f for f in lesson_frames(graph) if f.phase == "backward"]
    for step, frame in enumerate(backward):
        check_frame(graph, frame, "backward", step)


def test_frames_in_the_dark_theme_hide_and_show_the_same_numbers():
    graph = traced("fork")
    frames = lesson_frames(graph)
    for frame in frames:
        phase_frames = [f for f in frames if f.phase == frame.phase]
        step = phase_frames.index(frame) + (frame.phase == "forward")
        check_frame(graph, frame, frame.phase, step, THEMES["dark"])


def test_simple_frames_by_hand():
    """(x+y)*z at -2, 5, -4: q = 3, f = -12; ∂f/∂q = z = -4, ∂f/∂z = q = 3, ∂f/∂x = ∂f/∂y = -4."""
    graph = traced("simple")
    x, y, q, z, f = 0, 1, 2, 3, 4  # node ids in evaluation order
    assert [n.label for n in graph.nodes] == ["x", "y", "+", "z", "*"]
    shown = []
    for frame in lesson_frames(graph):
        drawn = drawn_numbers(render_dot(graph, 2, view=frame.view))
        shown.append(({k[1]: t for k, (c, t) in drawn.items()
                       if k[0] == "value" and c == CLASSIC.value_color},
                      {k[1]: t for k, (c, t) in drawn.items()
                       if k[0] == "grad" and c == CLASSIC.grad_color}))
    leaves = {x: "-2.00", y: "5.00", z: "-4.00"}
    every = {**leaves, q: "3.00", f: "-12.00"}
    assert shown == [
        ({**leaves, q: "3.00"}, {}),
        (every, {}),
        (every, {f: "1.00"}),
        (every, {f: "1.00", q: "-4.00", z: "3.00"}),
        (every, {f: "1.00", q: "-4.00", z: "3.00", x: "-4.00", y: "-4.00"}),
    ]


def test_fork_frames_by_hand():
    """a = xy = -6, b = a + x = -3, f = ab = 18 at x=3, y=-2. Back: ∂f/∂a = b + a = -3 - 6 = -9
    (two branches), ∂f/∂b = a = -6, ∂f/∂x = -6 (via b) + y*(-9) = 18 (via a) = 12,
    ∂f/∂y = x*(-9) = -27 (as sympy: f = x^2 y^2 + x^2 y)."""
    graph = traced("fork")
    assert [(n.label, n.inputs) for n in graph.nodes] == [
        ("x", ()), ("y", ()), ("*", (0, 1)), ("+", (2, 0)), ("*", (2, 3))]
    backward = [f for f in lesson_frames(graph) if f.phase == "backward"]

    def visible(frame):
        drawn = drawn_numbers(render_dot(graph, 2, view=frame.view))
        return {k: t for k, (c, t) in drawn.items() if c == CLASSIC.grad_color}

    assert [visible(f) for f in backward] == [
        {("grad", 4): "1.00"},
        {("grad", 4): "1.00", ("grad", 3): "-6.00", ("branch", 4, 0): "-3.00"},
        {("grad", 4): "1.00", ("grad", 3): "-6.00", ("branch", 4, 0): "-3.00",
         ("branch", 3, 0): "-6.00", ("grad", 2): "-9.00", ("branch", 3, 1): "-6.00"},
        {("grad", 4): "1.00", ("grad", 3): "-6.00", ("branch", 4, 0): "-3.00",
         ("branch", 3, 0): "-6.00", ("grad", 2): "-9.00", ("branch", 3, 1): "-6.00",
         ("branch", 2, 0): "18.00", ("grad", 0): "12.00", ("grad", 1): "-27.00"},
    ]


def test_last_frame_shows_every_number_of_the_full_diagram():
    for name in PROGRAMS:
        graph = traced(name)
        last = lesson_frames(graph)[-1]
        assert (drawn_numbers(render_dot(graph, view=last.view))
                == drawn_numbers(render_dot(graph))), name


def test_constant_leaf_gradient_appears_once_its_gate_is_visited():
    """``max(x, 0)`` has a constant leaf 0 read by the max gate: once that gate has been
    visited, the constant's gradient is as known as x's (the full diagram draws both)."""
    graph = backpropviz.trace("max(x, 0)", x=2)
    assert [n.op for n in graph.nodes] == ["input", "const", "max"]
    last = lesson_frames(graph)[-1]
    check_frame(graph, last, "backward", 1)
    assert (drawn_numbers(render_dot(graph, view=last.view))
            == drawn_numbers(render_dot(graph)))


# --- captions ---------------------------------------------------------------------------

def test_simple_captions_exact():
    captions = [f.caption for f in lesson_frames(traced("simple"))]
    assert captions == [
        ("q₁ = x + y = -2.00 + 5.00 = 3.00",),
        ("f = q₁ · z = 3.00 · (-4.00) = -12.00",),
        ("∂f/∂f = 1  (start at the output)",),
        ("local gradient ∂f/∂q₁ = z = -4", "local gradient ∂f/∂z = q₁ = 3",
         "∂f/∂q₁ = ∂f/∂f · ∂f/∂q₁ = 1.00 · z = 1.00 · (-4) = -4.00",
         "∂f/∂z = ∂f/∂f · ∂f/∂z = 1.00 · q₁ = 1.00 · 3 = 3.00", "where q₁ = x+y"),
        ("local gradient ∂q₁/∂x = 1", "local gradient ∂q₁/∂y = 1",
         "∂f/∂x = ∂f/∂q₁ · ∂q₁/∂x = -4.00 · 1 = -4.00",
         "∂f/∂y = ∂f/∂q₁ · ∂q₁/∂y = -4.00 · 1 = -4.00", "where q₁ = x+y"),
    ]


def test_named_program_captions_use_the_names():
    graph = backpropviz.trace("q = x + y; f = q * z", SIMPLE_VALUES)
    captions = [f.caption for f in lesson_frames(graph)]
    assert captions[:2] == [("q = x + y = -2.00 + 5.00 = 3.00",),
                            ("f = q · z = 3.00 · (-4.00) = -12.00",)]
    assert captions[3] == ("local gradient ∂f/∂q = z = -4", "local gradient ∂f/∂z = q = 3",
                           "∂f/∂q = ∂f/∂f · ∂f/∂q = 1.00 · z = 1.00 · (-4) = -4.00",
                           "∂f/∂z = ∂f/∂f · ∂f/∂z = 1.00 · q = 1.00 · 3 = 3.00")


def test_caption_is_drawn_under_the_frame():
    graph = traced("simple")
    frame = lesson_frames(graph)[-1]
    dot = render_dot(graph, view=frame.view)
    assert ("label=<local gradient ∂q₁/∂x = 1<br/>local gradient ∂q₁/∂y = 1<br/>"
            "∂f/∂x = ∂f/∂q₁ · ∂q₁/∂x = -4.00 · 1 = -4.00<br/>"
            "∂f/∂y = ∂f/∂q₁ · ∂q₁/∂y = -4.00 · 1 = -4.00<br/>where q₁ = x+y<br/>>") in dot
    assert "labelloc=b" in dot
    assert "labelloc=b" not in render_dot(graph)  # the full diagram has no caption


def test_fork_sum_line_comes_with_the_last_use():
    """The sum line of a fork appears in the frame of its last use on the way back, and
    sums the branch shares: a: -3 (via f) + -6 (via b) = -9; x: -6 (via b) + 18 (via a) = 12."""
    graph = traced("fork")
    backward = [f for f in lesson_frames(graph) if f.phase == "backward"]
    sums = {}
    for frame in backward:
        for line in frame.caption:
            match = re.fullmatch(r"∂f/∂(\w+) = (.*) = (\S+)  \(sum over its (\d) uses\)", line)
            if match:
                parts = sorted(float(p.strip("()")) for p in match.group(2).split(" + "))
                sums[match.group(1)] = (graph.nodes[frame.node].name, parts,
                                        float(match.group(3)), int(match.group(4)))
    assert sums == {"a": ("b", [-6.0, -3.0], -9.0, 2), "x": ("a", [-6.0, 18.0], 12.0, 2)}


def test_square_sums_its_two_branches():
    graph = backpropviz.trace("x*x", x=3)
    last = lesson_frames(graph)[-1]
    assert last.caption[-1] == "∂f/∂x = 3.00 + 3.00 = 6.00  (sum over its 2 uses)"


# --- the current gate -------------------------------------------------------------------

@pytest.mark.parametrize("name", PROGRAMS)
@pytest.mark.parametrize("theme", ["classic", "dark"])
def test_current_gate_and_exactly_its_input_wires_are_highlighted(name, theme):
    graph = traced(name)
    style = THEMES[theme]
    fork = {src for src, who in readers(graph).items() if len(who) > 1}
    for frame in lesson_frames(graph):
        dot = render_dot(graph, style=style, view=frame.view)
        fills = dict(_GATE_FILL.findall(dot))
        cur = frame.node
        assert {int(n) for n, c in fills.items() if c == style.highlight_fill} == {cur}
        lit = {(a, b) for a, b, attrs in _EDGE.findall(dot)
               if f'color="{style.highlight_wire}"' in attrs}
        want = set()
        for slot, src in enumerate(graph.nodes[cur].inputs):
            if src in fork:
                want |= {(f"w{src}", f"b{cur}_{slot}"), (f"b{cur}_{slot}", f"n{cur}")}
            else:
                want.add((f"w{src}", f"n{cur}"))
        assert lit == want, frame.index


def test_full_diagram_highlights_nothing():
    dot = render_dot(traced("fork"))
    assert CLASSIC.highlight_fill not in dot and CLASSIC.highlight_wire not in dot


# --- forks ------------------------------------------------------------------------------

def test_each_branch_carries_its_own_gradient():
    """f = x*y + theta_1*x at x=2, y=3, theta_1=-5: the branch into x*y carries y = 3, the
    branch into theta_1*x carries theta_1 = -5, x's own wire their sum -2."""
    graph = backpropviz.trace("x*y + theta_1*x", x=2, y=3, theta_1=-5)
    drawn = drawn_numbers(render_dot(graph, 2))
    x = graph.variable_ids["x"]
    branches = {}
    for gate in graph.nodes:
        for slot, src in enumerate(gate.inputs):
            if src == x:
                other = next(graph.nodes[i].label for i in gate.inputs if i != x)
                branches[other] = drawn[("branch", gate.id, slot)]
    grad = CLASSIC.grad_color
    assert branches == {"y": (grad, "3.00"), "theta_1": (grad, "-5.00")}
    assert drawn[("grad", x)] == (grad, "-2.00")
    # only x forks: no other wire has branch labels
    assert {k[1] for k in drawn if k[0] == "branch"} == {g for g in gate_ids(graph)
                                                         if x in graph.nodes[g].inputs}
    assert len([k for k in drawn if k[0] == "branch"]) == 2


def test_square_draws_two_branches_of_x_each():
    """d(x*x)/dx = 2x = 6 at x=3: each of the two branches carries x = 3."""
    graph = backpropviz.trace("x*x", x=3)
    drawn = drawn_numbers(render_dot(graph, 2))
    grad = CLASSIC.grad_color
    assert {k: v for k, v in drawn.items() if k[0] == "branch"} == {
        ("branch", 1, 0): (grad, "3.00"), ("branch", 1, 1): (grad, "3.00")}
    assert drawn[("grad", 0)] == (grad, "6.00")
    assert drawn[("value", 1)] == (CLASSIC.value_color, "9.00")


def test_an_inputs_sum_is_hidden_with_its_number_until_known():
    """x read by three gates is drawn at each use, the first copy saying Σ and x's
    gradient: until the step that knows it, the Σ is hidden too (a lone red Σ stood in
    every forward frame)."""
    graph = backpropviz.trace("x*y + x*z + x*w", x=2, y=3, z=-1, w=0.5)
    sigma = re.compile(r'<font color="([^"]*)" point-size="\d+">Σ </font>')
    frames = lesson_frames(graph)
    x = next(node.id for node in graph.nodes if node.name == "x")
    known = [f.index for f in frames if x in f.view.grads]
    assert known and known[0] > 0
    for frame in frames:
        colors = sigma.findall(render_dot(graph, view=frame.view))
        assert colors == [CLASSIC.grad_color if frame.index in known else "transparent"]


# --- names ------------------------------------------------------------------------------

THETA, LAMBDA, XI = "\N{GREEK SMALL LETTER THETA}", "\N{GREEK SMALL LETTER LAMDA}", \
    "\N{GREEK SMALL LETTER XI}"
SMALL_SIGMA, CAPITAL_SIGMA = "\N{GREEK SMALL LETTER SIGMA}", "\N{GREEK CAPITAL LETTER SIGMA}"


@pytest.mark.parametrize("name, html, text", [
    ("w0", "w<sub>0</sub>", "w\N{SUBSCRIPT ZERO}"),
    ("x_1", "x<sub>1</sub>", "x\N{SUBSCRIPT ONE}"),
    ("w12", "w<sub>12</sub>", "w\N{SUBSCRIPT ONE}\N{SUBSCRIPT TWO}"),
    ("theta", THETA, THETA),
    ("lambda", LAMBDA, LAMBDA),
    ("sigma2", f"{SMALL_SIGMA}<sub>2</sub>", SMALL_SIGMA + "\N{SUBSCRIPT TWO}"),
    ("Sigma", CAPITAL_SIGMA, CAPITAL_SIGMA),
    ("xi", XI, XI),
    ("theta_1", f"{THETA}<sub>1</sub>", THETA + "\N{SUBSCRIPT ONE}"),
    ("x_in", "x<sub>in</sub>", "x_in"),
    ("x", "x", "x"),
    ("zeta_theta", "\N{GREEK SMALL LETTER ZETA}<sub>" + THETA + "</sub>",
     "\N{GREEK SMALL LETTER ZETA}_" + THETA),
])
def test_name_spelling(name, html, text):
    assert name_html(name) == html
    assert name_text(name) == text


def test_every_greek_letter_by_its_unicode_name():
    import unicodedata

    letters = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
               "omicron pi rho sigma tau upsilon phi chi psi omega").split()
    for letter in letters:
        spelled = "lamda" if letter == "lambda" else letter  # Unicode's spelling
        assert unicodedata.name(GREEK[letter]) == f"GREEK SMALL LETTER {spelled.upper()}"
        assert (unicodedata.name(GREEK[letter.capitalize()])
                == f"GREEK CAPITAL LETTER {spelled.upper()}")


def test_subscript_is_set_smaller():
    assert name_html("w0", 22) == 'w<sub><font point-size="15">0</font></sub>'


def test_the_embedded_engine_gets_subscript_digits_it_can_lower():
    """The embedded engine's PNG ignores ``baseline-shift``: w<sub>0</sub> came out as "wo".
    Digits go to it as Unicode subscript digits (glyphs about 0.7 em, hence the size)."""
    assert lowered_digits('<i>w<sub><font point-size="14">10,2</font></sub></i>') == (
        '<i>w<font point-size="20">\N{SUBSCRIPT ONE}\N{SUBSCRIPT ZERO},'
        '\N{SUBSCRIPT TWO}</font></i>')
    assert lowered_digits("x<sub>0</sub> x<sub>in</sub>") == "x\N{SUBSCRIPT ZERO} x<sub>in</sub>"
    # (never bigger than the text around it: a wire's name's line kept the numbers' height)
    assert lowered_digits('<font point-size="168"><i>h<sub><font point-size="166">1</font>'
                          '</sub></i> = </font>') == (
        '<font point-size="168"><i>h<font point-size="168">\N{SUBSCRIPT ONE}</font></i> = </font>')


@pytest.mark.needs_embedded
def test_embedded_diagram_sets_subscript_digits_below_the_line():
    from backpropviz.render.diagram import render_file
    from backpropviz.render.engines import choose_engine

    graph = backpropviz.trace("w0*x_in", w0=2, x_in=3)
    svg = render_file(graph, "svg", None, choose_engine("embedded")).data.decode()
    texts = re.findall(r"<t(?:ext|span)([^>]*)>([^<]*)(?=<)", svg)
    assert "\N{SUBSCRIPT ZERO}" in "".join(text for _, text in texts)
    shifted = [text for attrs, text in texts if "baseline-shift" in attrs]
    assert shifted == ["in"]  # (Unicode has no subscript i or n)


def test_diagram_and_captions_spell_names_unless_plain():
    graph = backpropviz.trace("theta_1*x0", theta_1=2, x0=3)
    pretty = render_dot(graph)
    assert f"<i>{THETA}<sub>" in pretty and "<i>x<sub>" in pretty
    assert "theta" not in pretty
    plain = render_dot(graph, style=replace(CLASSIC, pretty_names=False))
    assert "label=<theta_1>" in plain and "label=<x0>" in plain
    assert "<sub>" not in plain and THETA not in plain
    back = [f for f in lesson_frames(graph) if f.phase == "backward"][-1]
    assert back.caption[2].startswith(
        f"∂f/∂{THETA}\N{SUBSCRIPT ONE} = ∂f/∂f · ∂f/∂{THETA}\N{SUBSCRIPT ONE} = 1.00 · "
        "x\N{SUBSCRIPT ZERO}")
    back = lesson_frames(graph, pretty_names=False)[-1]
    assert back.caption[2].startswith("∂f/∂theta_1 = ∂f/∂f · ∂f/∂theta_1 = 1.00 · x0")


# --- gates the output does not depend on ------------------------------------------------

def test_gates_after_the_output_send_nothing_back_and_leave_its_gradient_1():
    # --output q: f and g read q but come after it. ∂q/∂q is 1 (the start), not the sum of
    # what f and g would send back (0 + 0 + 0); ∂q/∂x = y = 2, ∂q/∂y = x = 0.7 by hand.
    graph = backpropviz.trace("q = x*y; f = q + 1; g = q*q", x=0.7, y=2, output="q")
    frames = lesson_frames(graph)
    assert len(frames) == 2 * 3 + 1
    assert [f.caption for f in frames[3:]] == [
        ("∂q/∂q = 1  (start at the output)",),
        ("g does not feed the output q: nothing flows back",),
        ("f does not feed the output q: nothing flows back",),
        ("local gradient ∂q/∂x = y = 2", "local gradient ∂q/∂y = x = 0.70",
         "∂q/∂x = ∂q/∂q · ∂q/∂x = 1.00 · y = 1.00 · 2 = 2.00",
         "∂q/∂y = ∂q/∂q · ∂q/∂y = 1.00 · x = 1.00 · 0.70 = 0.70"),
    ]
    assert all("∂q/∂q +=" not in line for f in frames for line in f.caption)


def test_an_unused_statement_before_the_output_does_not_delay_a_gradient():
    # f = log(x) is never used: x's gradient (∂q/∂x = 2) is complete, and drawn, once q
    # has been visited, not after f; f's frame says it sends nothing back.
    graph = backpropviz.trace("f = log(x); q = x*2; q", x=2)
    backward = [f for f in lesson_frames(graph) if f.phase == "backward"]
    assert [f.node for f in backward] == [2, 2, 1]
    assert backward[1].caption == ("local gradient ∂q/∂x = 2", "∂q/∂x = ∂q/∂q · ∂q/∂x = 1.00 · 2 = 2.00")
    assert 0 in backward[1].view.grads
    assert backward[2].caption == ("f does not feed the output q: nothing flows back",)


# --- every name a caption says is in the picture (issue 15) -------------------------------

@pytest.mark.parametrize("text, values", [
    ("sigmoid(w0*x0+w1*x1+w2)", {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}),
    ("a = x*y; b = a + x; a*b + tanh(x - y)", {"x": 2, "y": -3}),
])
def test_every_gate_a_caption_names_is_labelled_on_its_wire(text, values):
    graph = backpropviz.trace(text, values, expand=True)
    for frame in lesson_frames(graph):
        dot = render_dot(graph, 2, view=frame.view)
        drawn = set(re.findall(r"<i>([^<]+)</i> = </font>", dot))
        said = set(re.findall(r"\b(n\d+|f)\b", " ".join(frame.caption)))
        assert said <= drawn, (frame.index, said - drawn)
    # and never in a plain diagram (no captions there)
    assert "<i>n" not in render_dot(graph)


def test_backward_frames_point_back_and_show_the_local_derivative():
    """A backward frame draws arrows back along the current gate's input wires and
    underlines the gradients it sends, and its caption starts with the gate's local gradient
    (σ(1 - σ) = 0.20 for the seed neuron: 0.7311 · 0.2689 by hand); forward frames draw
    no arrow back."""
    graph = backpropviz.trace("sigmoid(w0*x0+w1*x1+w2)", w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
    frames = lesson_frames(graph)
    at_sigmoid = [f for f in frames if f.phase == "backward" and f.node == graph.output][1]
    assert at_sigmoid.caption[0] == "local gradient ∂f/∂q₄ = σ(1 - σ) = 0.20"
    source = render_dot(graph, view=at_sigmoid.view)
    gate = graph.output
    (wire,) = [line for line in source.splitlines() if f"-> n{gate}" in line]
    assert "dir=back" in wire and "arrowtail=normal" in wire
    q4 = graph.nodes[gate].inputs[0]
    (label,) = [line for line in source.splitlines() if line.startswith(f"  w{q4} [")]
    assert "<u>0.20</u>" in label
    product = [f for f in frames if f.phase == "backward" and f.node == 2][0]
    assert product.caption[:2] == ("local gradient ∂q₁/∂w₀ = x₀ = -1",
                                   "local gradient ∂q₁/∂x₀ = w₀ = 2")
    for frame in frames:
        if frame.phase == "forward":
            assert "dir=back" not in render_dot(graph, view=frame.view)
