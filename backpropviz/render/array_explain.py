"""``--explain`` for programs on arrays: each step of the reverse pass as the rule for
vectorized gradients (CS231n's "gradients for vectorized operations"), with the shapes
written out and, for small arrays, the numbers.

``∂L/∂W = ∂L/∂y · xᵀ   (3)·(2)ᵀ = (3×2)``: the vector-Jacobian product of each gate, read
from the op and the shapes; the numbers are the engine's (the share each gate sent back,
stored by the array passes), never recomputed here.
"""

from __future__ import annotations

import math
import re
from typing import Any, Sequence

from ..graph import Graph
from ..lang import say
from ..ops import OPS, matmul_shape
from ..schedule import COMPLETE, readers, reverse_pass
from ..steps import MARK
from .arrays import INLINE, array_cell, shape_text
from .explain import written

__all__ = ["array_explain", "array_forward", "vjp_rule", "array_forward_text",
           "array_use_text", "array_sum_text"]

#: Arrays of at most this many numbers are written out in a step.
SHOWN = max(INLINE, 16)


def array_explain(graph: Graph, names: Sequence[str], decimals: int = 2) -> list[str]:
    """The reverse pass, one step a node in the order backprop completes them."""
    s = graph.store
    out = names[graph.output]
    uses = readers(graph)
    lines = [say("array.backward_heading"), f" 1. {say('explain.start', partial=f'∂{out}/∂{out}')}",
             *_where(graph, graph.output, names)]
    index = 1
    for event in reverse_pass(graph, uses):
        node = event.node
        if event.kind != COMPLETE or not event.live or s.op[node] == "const" \
                or node == graph.output:
            continue
        index += 1
        lines.extend(_step(graph, node, uses[node], names, decimals, index))
        lines.extend(_where(graph, node, names))
    return lines


def _where(graph: Graph, node: int, names: Sequence[str]) -> list[str]:
    """A version of a name assigned again (``h″``) says what it is, under its step's line."""
    if not MARK.search(names[node]) or graph.store.a[node] < 0:
        return []
    return ["      " + say("explain.where", items=f"{names[node]} = {written(graph, node, names)}")]


def array_forward(graph: Graph, names: Sequence[str], decimals: int = 2) -> list[str]:
    """The forward pass: each variable and gate with its shape and (if small) its value."""
    s = graph.store
    lines = [say("explain.forward_heading")]
    for node in graph.nodes:
        if node.op == "const":
            continue
        what = "" if node.op == "input" else f" = {written(graph, node.id, names)}"
        lines.append(f"{len(lines):2d}. {names[node.id]}{what}"
                     f"{_numbers(s.value[node.id] if s.value else None, decimals)}"
                     f"   [{shape_text(node.shape)}]")
    return lines


def array_forward_text(graph: Graph, node: int, names: Sequence[str], decimals: int) -> str:
    """A lesson's forward caption: ``q₁ = W @ x = [0.90, 1.70, -0.25]   [3]``."""
    s = graph.store
    n = graph.nodes[node]
    return (f"{names[node]} = {written(graph, node, names)}"
            f"{_numbers(s.value[node] if s.value else None, decimals)}   [{shape_text(n.shape)}]")


def array_use_text(graph: Graph, gate: int, slot: int, names: Sequence[str],
                   decimals: int) -> str:
    """A lesson's backward caption for one use: the VJP, its numbers, its shapes."""
    s = graph.store
    rule, shapes = vjp_rule(graph, gate, slot, names)
    sent = s.shares[gate] if s.shares else None
    return f"{rule}{_numbers(None if sent is None else sent[slot], decimals)}   [{shapes}]"


def array_sum_text(graph: Graph, node: int, names: Sequence[str], decimals: int) -> str:
    """At a fork: the node's gradient, the sum of what came back along each use."""
    s = graph.store
    out = names[graph.output]
    shape = shape_text(s.shape[node] if s.shape else ())
    total = _numbers(s.grad[node] if s.grad else None, decimals)
    return f"∂{out}/∂{names[node]} = {say('array.sum_uses')}{total}   [{shape}]"


def _step(graph: Graph, node: int, uses: list[tuple[int, int]], names: Sequence[str],
          decimals: int, index: int) -> list[str]:
    """One node: its use's rule with the numbers and shapes, or at a fork each use's and
    their sum."""
    s = graph.store
    out, name = names[graph.output], names[node]
    parts = []
    for gate, slot in uses:
        rule, shapes = vjp_rule(graph, gate, slot, names)
        sent = s.shares[gate] if s.shares else None
        share = None if sent is None else sent[slot]
        parts.append((gate, rule.split(" = ", 1)[1], _numbers(share, decimals), shapes))
    if len(parts) == 1:
        _, rule, numbers, shapes = parts[0]
        return [f"{index:2d}. ∂{out}/∂{name} = {rule}{numbers}   [{shapes}]"]
    total = _numbers(s.grad[node] if s.grad else None, decimals)
    shape = shape_text(s.shape[node] if s.shape else ())
    return [f"{index:2d}. ∂{out}/∂{name} = {say('array.sum_n_uses', count=len(parts))}"
            f"{total}   [{shape}]",
            *("      " + say("explain.via", via=names[gate], use=f"{rule}{numbers}   [{shapes}]")
              for gate, rule, numbers, shapes in parts)]


def _numbers(value: Any, decimals: int) -> str:
    """`` = [0.52, -0.13]`` for a small array or a number; nothing for a large one."""
    if value is None:
        return ""
    size = 1 if isinstance(value, float) else value.size
    return f" = {array_cell(value, decimals, tiny_as_zero=True)}" if size <= SHOWN else ""


def vjp_rule(graph: Graph, gate: int, slot: int, names: Sequence[str]) -> tuple[str, str]:
    """(``∂L/∂x = Wᵀ · ∂L/∂y``, ``(2×3)·(3) = (2)``): what ``gate`` sends back along input
    ``slot``, as the notes write it, and the shapes that make it."""
    s = graph.store
    shapes = s.shape or [()] * len(s.op)
    op, a, b = s.op[gate], s.a[gate], s.b[gate]
    src = a if slot == 0 else b
    out = names[graph.output]
    g = f"∂{out}/∂{names[gate]}"
    lhs = f"∂{out}/∂{names[src]} = "
    if op == "matmul":
        product, made = _matmul_rule(g, names[a], names[b], shapes[a], shapes[b], slot)
        return lhs + product, made
    rule = _RULES.get(op)
    constant = s.param_text[gate] or ""
    if op in ("mean", "mean_axis"):  # the n of the mean
        own = shapes[a]
        constant = str(math.prod(own) if op == "mean" else own[int(s.param[gate] or 0)])
    if rule is not None:
        text = rule(g, names[a], names[b] if b >= 0 else "", slot, constant)
    else:
        local, note = _local(op, names[src], s.param_text[gate])
        simple = re.fullmatch(r"[^ +\-*/]+", local)  # (a sum is bracketed: g ⊙ (1 - t²))
        text = (f"{g} ⊙ {local}" if simple else f"{g} ⊙ ({local})") + note
    if OPS[op].tensor:  # a transpose, an index, a reduction: the shapes, nothing summed
        made = shape_text(shapes[src]) if shapes[gate] == shapes[src] else \
            f"{shape_text(shapes[gate])} → {shape_text(shapes[src])}"
        return lhs + text, made
    summed, made = _broadcast_note(shapes[gate], shapes[src])
    if summed:
        text = say("vjp.sum_over", where=summed, rule=f"({text})" if " " in text else text)
    return lhs + text, made


def _matmul_rule(g: str, a: str, b: str, sa: tuple[int, ...], sb: tuple[int, ...],
                 slot: int) -> tuple[str, str]:
    """Y = A · B sends ∂L/∂Y · Bᵀ to A and Aᵀ · ∂L/∂Y to B (a vector as a row or a column;
    over a batch, the last two axes are the matrix and a broadcast operand sums the batch)."""
    out = matmul_shape(sa, sb)
    if len(sa) == 1 and len(sb) == 1:  # the dot product: a number times the other vector
        return (f"{g} · {b}", f"{_p(())} · {_p(sb)} = {_p(sa)}") if slot == 0 else \
            (f"{g} · {a}", f"{_p(())} · {_p(sa)} = {_p(sb)}")
    if slot == 0 and len(sb) == 1:  # y = W x: an outer product
        rule, shapes = f"{g} · {b}ᵀ", f"{_p(out)}·{_p(sb)}ᵀ"
        made, own, what = out + sb, sa, say("vjp.outer")
    elif slot == 1 and len(sa) == 1:  # y = xᵀ W
        rule, shapes = f"{a} · {g}ᵀ", f"{_p(sa)}·{_p(out)}ᵀ"
        made, own, what = sa + out[-1:], sb, say("vjp.outer")
    elif slot == 0:
        rule, shapes = f"{g} · {b}ᵀ", f"{_p(out)}·{_p(_swapped(sb))}"
        made, own, what = out[:-1] + sa[-1:], sa, ""
    else:
        rule, shapes = f"{a}ᵀ · {g}", f"{_p(_swapped(sa))}·{_p(out)}"
        made, own, what = (out[:-2] if len(sb) > 1 else out[:-1]) + sb[-2:], sb, ""
    if made != own:  # the operand was broadcast over the batch: its uses add up
        return say("vjp.batch", rule=rule), f"{shapes} = {_p(made)} → {_p(own)}{what}"
    return rule, f"{shapes} = {_p(own)}{what}"


def _swapped(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of the transpose as a matrix product reads it: the last two axes swapped."""
    return shape[:-2] + shape[-1:] + shape[-2:-1] if len(shape) > 1 else shape


def _p(shape: tuple[int, ...]) -> str:
    """A shape inside a product of shapes: ``(3×2)``, ``scalar``."""
    return f"({shape_text(shape)})" if shape else shape_text(shape)


def _dims(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape))


def _broadcast_note(out: tuple[int, ...], own: tuple[int, ...]) -> tuple[str, str]:
    """(the axes summed over, the shapes): nothing and ``3``; ``scalar → 3`` where a gradient
    is spread out; ``axis 0`` and ``4×3 → 3`` where broadcasting is undone
    (a bias added to each row of a batch: its gradient is the sum over the batch)."""
    if out == own:
        return "", shape_text(own)
    if math.prod(out) < math.prod(own):
        return "", f"{shape_text(out)} → {shape_text(own)}"
    extra = len(out) - len(own)
    axes = list(range(extra)) + [extra + k for k, n in enumerate(own) if n == 1 and
                                 out[extra + k] != 1]
    where = "vjp.axis" if len(axes) == 1 else "vjp.axes"
    return (say(where, axes=", ".join(map(str, axes))),
            say("vjp.broadcast", shapes=f"{shape_text(out)} → {shape_text(own)}"))


def _local(op: str, x: str, c: str | None) -> tuple[str, str]:
    """The op's local derivative written with the input's name (``1 - tanh(h)**2``), and
    what a letter in it stands for (gelu's ``t``), or ""."""
    text, note = OPS[op].derivative_text.split(" (")[0], ""
    if text.endswith(TANH_NOTE):  # (gelu's: the tanh its formula names t)
        text, note = text[:-len(TANH_NOTE)], say("vjp.t_tanh", x=x)
    text = re.sub(r"\bx\b", x, text)
    return re.sub(r"\bc\b", c or "c", text), note


TANH_NOTE = ", t the tanh"


def _axis_text(c: str) -> str:
    return say("vjp.axis", axes=c)


_RULES: dict[str, Any] = {
    "add": lambda g, a, b, k, c: g,
    "sub": lambda g, a, b, k, c: g if k == 0 else f"-{g}",
    "mul": lambda g, a, b, k, c: f"{g} ⊙ {b if k == 0 else a}",
    "div": lambda g, a, b, k, c: f"{g} ⊙ 1/{b}" if k == 0 else f"{g} ⊙ (-{a}/{b}²)",
    "add_const": lambda g, a, b, k, c: g, "sub_const": lambda g, a, b, k, c: g,
    "rsub_const": lambda g, a, b, k, c: f"-{g}", "neg": lambda g, a, b, k, c: f"-{g}",
    "mul_const": lambda g, a, b, k, c: f"{c} · {g}",
    "div_const": lambda g, a, b, k, c: f"{g} / {c}",
    "transpose": lambda g, a, b, k, c: f"({g})ᵀ",
    "sum": lambda g, a, b, k, c: say("vjp.copied", g=g),
    "sum_axis": lambda g, a, b, k, c: say("vjp.copied_along", g=g, axis=_axis_text(c)),
    "sum_keep": lambda g, a, b, k, c: say("vjp.copied_along", g=g, axis=_axis_text(c)),
    "mean": lambda g, a, b, k, c: say("vjp.mean", g=g, c=c),
    "mean_axis": lambda g, a, b, k, c: say("vjp.mean_along", g=g, c=c),
    "amax": lambda g, a, b, k, c: say("vjp.largest", g=g),
    "amax_axis": lambda g, a, b, k, c: say("vjp.largest_along", g=g, axis=_axis_text(c)),
    "index": lambda g, a, b, k, c: say("vjp.index", g=g, c=c),
    "softmax": lambda g, a, b, k, c: f"p ⊙ ({g} - Σ {g} ⊙ p), p = softmax({a})",
    "logsumexp": lambda g, a, b, k, c: f"{g} · softmax({a})",
    "tanh": lambda g, a, b, k, c: f"{g} ⊙ (1 - tanh({a})²)",
    "sigmoid": lambda g, a, b, k, c: f"{g} ⊙ σ({a})(1 - σ({a}))",
    "exp": lambda g, a, b, k, c: f"{g} ⊙ exp({a})",
    "relu": lambda g, a, b, k, c: f"{g} ⊙ [{a} > 0]",
    "pow_const": lambda g, a, b, k, c: f"{g} ⊙ {c}·{a}^{_minus_one(c)}" if c != "2"
    else f"{g} ⊙ 2·{a}",
    "pow": lambda g, a, b, k, c: f"{g} ⊙ {b}·{a}^({b}-1)" if k == 0
    else f"{g} ⊙ {a}^{b}·log({a})",
    "max": lambda g, a, b, k, c: f"{g} ⊙ [{a} > {b}]" if k == 0 else f"{g} ⊙ [{b} > {a}]",
    "min": lambda g, a, b, k, c: f"{g} ⊙ [{a} < {b}]" if k == 0 else f"{g} ⊙ [{b} < {a}]",
}


def _minus_one(c: str) -> str:
    try:
        return f"{float(c) - 1:g}"
    except ValueError:
        return f"({c}-1)"
