"""A lesson by statements (``--collapse statements``): one frame per assignment each way,
over the collapsed diagram. Checked against a hand derivation, finite differences, and the
frames' own drawings."""

from __future__ import annotations

import re
import shutil

import pytest

import backpropviz
from backpropviz.render.statement_frames import statement_frames

# a = x*y; b = a + x; f = a*b at x = 3, y = -2, by hand: a = -6, b = -3, f = 18;
# ∂f/∂b = a = -6; ∂f/∂a = b + ∂f/∂b = -9; ∂f/∂x = ∂f/∂a·y + ∂f/∂b = 18 - 6 = 12;
# ∂f/∂y = ∂f/∂a·x = -27.
FORK = "a = x*y\nb = a + x\nf = a*b\n"


def test_the_fork_program_step_by_step_is_the_hand_derivation():
    graph = backpropviz.trace(FORK, x=3, y=-2)
    frames = statement_frames(graph, 0)
    assert [(f.phase, " / ".join(f.caption)) for f in frames] == [
        ("forward", "a = x*y = -6"),
        ("forward", "b = a + x = -3"),
        ("forward", "f = a*b = 18"),
        ("backward", "∂f/∂f = 1  (start at the output)"),
        ("backward", "∂f/∂f = 1 goes back through f = a*b: / ∂f/∂a += -3 / ∂f/∂b = -6"),
        ("backward", "∂f/∂b = -6 goes back through b = a + x: / ∂f/∂a += -6 / "
                     "∂f/∂a = -6 + (-3) = -9  (sum over the 2 statements that read it) / "
                     "∂f/∂x += -6"),
        ("backward", "∂f/∂a = -9 goes back through a = x*y: / ∂f/∂x += 18 / "
                     "∂f/∂x = 18 + (-6) = 12  (sum over the 2 statements that read it) / "
                     "∂f/∂y = -27"),
    ]


def test_each_frame_shows_what_is_known_and_no_more():
    graph = backpropviz.trace(FORK, x=3, y=-2)
    ids = {n.name: n.id for n in graph.nodes if n.name}
    frames = statement_frames(graph)
    for before, after in zip(frames, frames[1:]):  # nothing once shown disappears
        assert before.view.values <= after.view.values
        assert before.view.grads <= after.view.grads
        assert before.view.branches <= after.view.branches
    assert ids["b"] not in frames[0].view.values and ids["b"] in frames[1].view.values
    # x's gradient is known only once both statements reading it (a and b) have sent theirs
    shown = [ids["x"] in f.view.grads for f in frames]
    assert shown == [False] * 6 + [True]
    assert frames[-1].view.grads >= set(ids.values())


MLP = "\n".join([f"h{k} = tanh(a{k}*x0 + c{k}*x1 + b{k})" for k in range(3)]
                + ["f = " + " + ".join(f"v{k}*h{k}" for k in range(3))]) + "\n"
MLP_VALUES = {"x0": 0.5, "x1": -1.5, **{f"{p}{k}": 0.1 * (k + 1) * (-1) ** j
                                       for k in range(3) for j, p in enumerate("acbv")}}


def test_the_shares_of_a_name_add_up_to_its_gradient_by_finite_differences():
    """Each sum line's shares, as displayed, add up to the total displayed, which is the
    gradient central differences give (x0 and x1 are read by every hidden unit)."""
    graph = backpropviz.trace(MLP, **MLP_VALUES)
    lines = [line for f in statement_frames(graph, 4) for line in f.caption
             if "sum over" in line]
    assert len(lines) == 2
    for line in lines:
        found = re.fullmatch(r"∂f/∂(\w+) = (.+) = (-?[\d.]+)  \(sum over the 3 statements "
                             r"that read it\)", line)
        assert found, line
        name, terms, total = found.group(1), found.group(2), float(found.group(3))
        shares = [float(t.strip("()")) for t in terms.split(" + ")]
        assert abs(sum(shares) - total) <= 0.5e-4 * len(shares) + 1e-12
        h = 1e-6
        up = backpropviz.trace(MLP, **{**MLP_VALUES, name: MLP_VALUES[name] + h}).value
        down = backpropviz.trace(MLP, **{**MLP_VALUES, name: MLP_VALUES[name] - h}).value
        assert total == pytest.approx((up - down) / (2 * h), abs=1e-4)


@pytest.mark.needs_embedded
def test_the_command_draws_one_frame_per_statement(run, tmp_path):
    from PIL import Image

    program = tmp_path / "mlp.bp"
    program.write_text(MLP, encoding="utf-8")
    args = ["-f", str(program), *[a for n, v in MLP_VALUES.items() for a in (f"--{n}", str(v))],
            "--engine", "embedded", "-q"]
    result = run(*args, "--collapse", "statements", "--steps", str(tmp_path / "steps"),
                 "-o", str(tmp_path / "lesson.gif"))
    assert result.exit_code == 0, result.output
    frames = sorted((tmp_path / "steps").glob("*.svg"))
    assert len(frames) == 2 * 4 + 1  # 4 statements (the gate lesson has 2 * 27 + 1)
    with Image.open(tmp_path / "lesson.gif") as gif:
        assert gif.n_frames == len(frames)
    first = frames[0].read_text("utf-8")
    assert "h0 = tanh(a0*x0 + c0*x1 + b0)" in first  # the statement's box
    assert "h0 = tanh(a0*x0 + c0*x1 + b0) = " in first  # and the caption under it


def test_a_statement_the_output_does_not_read_sends_nothing_back():
    """--output b: f reads b but b's gradient comes only from b itself; f's step says it
    does not feed the output, and a's gradient is b's share alone (by hand: ∂b/∂a = 2)."""
    graph = backpropviz.trace("a = x*y; b = a*2; f = b + a", x=1, y=2, output="b")
    captions = [" / ".join(f.caption) for f in statement_frames(graph, 0)]
    assert captions[3:] == [
        "∂b/∂b = 1  (start at the output)",
        "f does not feed the output b: nothing flows back",
        "∂b/∂b = 1 goes back through b = a*2: / ∂b/∂a = 2",
        "∂b/∂a = 2 goes back through a = x*y: / ∂b/∂x = 4 / ∂b/∂y = 2",
    ]


def test_constants_get_no_chain_rule_line_and_assignments_read_as_typed_or_versioned():
    graph = backpropviz.trace("k = 2*3; f = k*x", x=2)
    captions = [" / ".join(f.caption) for f in statement_frames(graph, 0)]
    assert captions[-1] == "∂f/∂k = 2 goes back through k = 2*3: / k reads only constants: " \
                           "nothing flows further back"
    graph = backpropviz.trace("c = x + 1\nc += c*2\nf = c*x", x=2)
    forward = [f.caption[0] for f in statement_frames(graph, 0)[:3]]
    # (c assigned again is c′, and what reads it says so: c′ = 3 + 3*2, f = 9*2)
    assert forward == ["c = x + 1 = 3", "c′ = c + c * 2 = 9", "f = c′ * x = 18"]


def test_a_program_on_arrays_steps_by_statement():
    """The linear layer y = W @ x + b; L = sum((y - t)**2): its shares are arrays, shown
    whole; ∂L/∂y = 2(y - t) by hand."""
    import numpy as np

    W, x, b, t = [[1.0, 2.0], [3.0, 4.0]], [1.0, -1.0], [0.5, 0.0], [0.0, 1.0]
    graph = backpropviz.trace("y = W @ x + b\nL = sum((y - t)**2)", W=W, x=x, b=b, t=t)
    frames = statement_frames(graph, 2)
    y = np.array(W) @ np.array(x) + np.array(b)
    assert frames[0].caption == (f"y = W @ x + b = [{y[0]:.2f}, {y[1]:.2f}]",)
    grad_y = 2 * (y - np.array(t))
    assert f"∂L/∂y = [{grad_y[0]:.2f}, {grad_y[1]:.2f}]" in frames[3].caption


def test_max_frames_counts_the_steps_by_statement(run, tmp_path):
    """80 gates in 2 statements: 161 frames by gate, 5 by statement."""
    program = "h = " + " + ".join(f"{k}*x" for k in range(1, 41)) + "\nf = h*2"
    args = [program, "--x", "1", "-q", "--max-frames", "10", "-o", str(tmp_path / "l.html")]
    refused = run(*args)
    assert refused.exit_code == 2 and "161 frames" in refused.stderr
    if shutil.which("dot") is None:
        args += ["--engine", "embedded"]
    assert run(*args, "--collapse", "statements").exit_code == 0
