"""Displayed arithmetic adds up (issue 15): in every caption of every lesson of the gallery's
samples, and every --explain line, a sum or product written with numbers gives, worked out
by hand from the numbers as shown, the result as shown (or the line says ≈). A student who
checks `-0.14 * 7.39 = -1.00` with a calculator found -1.03."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sympy

from backpropviz import trace
from backpropviz.render.explain import step_text
from backpropviz.render.frames import lesson_frames
from backpropviz.render.numbers import EXTRA_DECIMALS, fixed
from backpropviz.steps import backward_steps, display_names, forward_steps
from backpropviz.symbolic import local_formula

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
RESULT = r"-?\d+(?:\.\d+)?"
# A line's arithmetic, in the notes' notation: numbers with + - · / ² ^ and e, then = (or ≈)
# and the result; the last such stretch of the line.
TAIL = re.compile(rf"= ([-\d.(][-\d.()e^ ·+/²]*?) ([=≈]) ({RESULT})"
                  r"(?:  \(sum over its \d+ uses\))?$")
VIA = re.compile(r" \(via [^)]*\)")
OPERATOR = re.compile(r"[·+/²^]| - ")


def graphs():
    """The gallery's samples (programs with their values) and the two seed figures."""
    found = [("chain rule", trace("(x+y)*z", x=-2, y=5, z=-4)),
             ("sigmoid, expanded", trace("sigmoid(w0*x0+w1*x1+w2)", w0=2, x0=-1, w1=-3,
                                         x1=-2, w2=-3, expand=True)),
             ("tanh, expanded", trace("tanh(x*w + b)", x=0.7, w=1.3, b=-0.2, expand=True)),
             ("rounding", trace("a = x + y; f = a * z + x*y", x=1.004, y=1.004, z=0.333))]
    for program in sorted(SAMPLES.glob("*.bp")):
        values = json.loads(program.with_suffix(".json").read_text(encoding="utf-8"))
        if any(isinstance(v, list) for v in values.values()):
            continue  # (a program on arrays: its explanation is checked in test_tensor.py)
        text = program.read_text(encoding="utf-8")
        found.append((program.stem, trace(text, values)))
        found.append((program.stem + ", expanded", trace(text, values, expand=True)))
    return found


def worked_out(expression: str) -> float:
    """The arithmetic as a student types it into sympy: · is *, x² is x**2, e^x is E**x."""
    text = (expression.replace("·", "*").replace("²", "**2").replace("e^", "E**")
            .replace("^", "**"))
    return float(sympy.sympify(text, locals={"E": sympy.E}))


def checked(line: str) -> bool | None:
    """None when the line writes no arithmetic; else whether it adds up as shown."""
    match = TAIL.search(VIA.sub("", line))
    if match is None or not OPERATOR.search(match.group(1)):
        return None
    expression, sign, result = match.groups()
    again = worked_out(expression)
    places = len(result.split(".")[1]) if "." in result else 0
    return sign == "≈" or fixed(again, places) == fixed(float(result), places)


def explain_lines(graph) -> list[str]:
    names = display_names(graph)
    steps = forward_steps(graph) + backward_steps(
        graph, lambda gate, slot, n: local_formula(graph.nodes[gate], slot, n), names)
    return [line for step in steps for line in step_text(graph, step, names, 2)]


@pytest.mark.parametrize("name, graph", graphs(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_caption_and_explain_line_adds_up(name, graph):
    lines = [line for frame in lesson_frames(graph) for line in frame.caption]
    lines += explain_lines(graph)
    results = [(line, checked(line)) for line in lines]
    assert any(ok is not None for _, ok in results), "no arithmetic found to check"
    bad = [line for line, ok in results if ok is False]
    assert not bad, bad


def test_the_rounding_cases_show_more_digits_not_wrong_sums():
    graph = trace("a = x + y; f = a * z", x=1.004, y=1.004, z=0.333)
    lines = explain_lines(graph)
    # 1.00 + 1.00 = 2.01 would not add up: the inputs get the digits that make it
    assert "a = x + y = 1.004 + 1.004 = 2.01" in lines
    assert "f = a · z = 2.008 · 0.333 = 0.67" in lines
    # the sigmoid neuron's ∂f/∂w1: 0.20 · (-2) = -0.40, not the -0.39 shown; 0.197 · (-2) is
    sigmoid = trace("sigmoid(w0*x0+w1*x1+w2)", w0=2, x0=-1, w1=-3, x1=-2, w2=-3, expand=True)
    assert any(line.endswith("= 0.197 · (-2) = -0.39") for line in explain_lines(sigmoid))


def test_a_product_that_cannot_add_up_says_approximately():
    # 1/3 shown with up to 2 + EXTRA_DECIMALS places, times 3e6, never rounds to 1000000.00
    graph = trace("f = x * y", x=1 / 3, y=3e6)
    line = [text for text in explain_lines(graph) if text.startswith("f = x · y")][0]
    assert " ≈ " in line, line
    assert EXTRA_DECIMALS == 4


@pytest.mark.parametrize("line, ok", [
    ("∂f/∂q₇ = ∂f/∂f · ∂f/∂q₇ = 1.00 · (-1/q₇²) = 1.00 · (-1/1.37²) = -0.53", True),
    ("∂f/∂q₇ = ∂f/∂f · ∂f/∂q₇ = 1.00 · (-1/q₇²) = 1.00 · (-1/1.37²) = -0.54", False),
    ("∂f/∂q = ∂f/∂f · ∂f/∂q = 1.00 · σ(1 - σ) = 1.00 · 0.73 · (1 - 0.73) = 0.20", True),
    ("∂f/∂q = 1.00 · (1 - tanh²) = 1.00 · (1 - 0.61²) = 0.63", True),
    ("∂f/∂q = -0.534 · e^q₅ = -0.534 · e^(-1) = -0.20", True),
    ("∂f/∂q = -0.53 · e^q₅ = -0.53 · e^(-1) = -0.20", False),
    ("q₆ = exp(q₅) = exp(-1.00) = 0.37", None),
])
def test_the_checker_reads_the_notation(line, ok):
    """The check itself can fail: σ, ², e^ and · forms worked out by hand."""
    assert checked(line) is ok


def test_teaching_forms_are_in_the_lines():
    """The local derivatives read as the notes write them, with their numbers."""
    sigmoid = trace("sigmoid(w0*x0+w1*x1+w2)", w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
    expanded = trace("sigmoid(w0*x0+w1*x1+w2)", w0=2, x0=-1, w1=-3, x1=-2, w2=-3, expand=True)
    tanh = trace("tanh(x*w + b)", x=0.7, w=1.3, b=-0.2)
    lines = [line.split("   [")[0]
             for line in explain_lines(sigmoid) + explain_lines(expanded) + explain_lines(tanh)]
    assert "∂f/∂q₄ = ∂f/∂f · ∂f/∂q₄ = 1.00 · σ(1 - σ) = 1.00 · 0.73 · (1 - 0.73) = 0.20" in lines
    assert "∂f/∂q₇ = ∂f/∂f · ∂f/∂q₇ = 1.00 · (-1/q₇²) = 1.00 · (-1/1.37²) = -0.53" in lines
    assert "∂f/∂q₅ = ∂f/∂q₆ · ∂q₆/∂q₅ = -0.534 · e^q₅ = -0.534 · e^(-1) = -0.20" in lines
    assert "∂f/∂q₂ = ∂f/∂f · ∂f/∂q₂ = 1.00 · (1 - tanh²) = 1.00 · (1 - 0.61²) = 0.63" in lines
