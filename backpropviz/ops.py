"""The op table: every primitive gate as one entry (label, forward, local derivative, formula).

Forward functions follow IEEE float semantics instead of raising (1/0 is inf, log(-1) is nan),
so a domain error marks a node rather than crashing. Local derivatives are plain float math
for speed; ``symbolic`` builds the same primitive in sympy, which the tests differentiate to
prove every derivative here. Kinks follow PyTorch: relu'(0) = 0, abs'(0) = 0, and max/min
ties split the gradient evenly.
"""

from __future__ import annotations

import math
from typing import Any, Callable, NamedTuple

__all__ = ["Op", "OPS", "BINARY_OPERATOR", "FOLDED", "FUNCTION_OP", "CODE"]

inf = math.inf
nan = math.nan


class Op(NamedTuple):
    """One primitive gate (immutable: ``op._replace(derivative=...)`` makes a changed copy).

    Unary ops (including a binary operator with one constant operand folded in, ``c``):
    ``forward(x, c)`` and ``derivative(x, out, c) -> d out/d x``.
    Binary ops: ``forward(a, b)`` and ``derivative(a, b, out) -> (d out/d a, d out/d b)``.
    ``symbolic(sympy, *args, c)`` / ``symbolic(sympy, a, b)`` is the same math in sympy.
    ``label`` is the text drawn in the gate; ``{c}`` stands for the folded constant.
    ``formula`` is the operation written with x (and y) for tables and help.
    """

    name: str
    arity: int
    label: str
    forward: Callable[..., float]
    derivative: Callable[..., Any]
    symbolic: Callable[..., Any]
    formula: str


def _div(a: float, b: float) -> float:
    """a / b with IEEE semantics: x/0 is +-inf, 0/0 is nan."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0 or a != a:
            return nan
        return math.copysign(inf, a) * math.copysign(1.0, b)


def _pow(a: float, b: float) -> float:
    """a ** b with IEEE semantics: overflow is inf, 0**-1 is inf, (-8)**(1/3) is nan."""
    try:
        return math.pow(a, b)
    except OverflowError:
        odd = b.is_integer() and b % 2 == 1
        return -inf if (a < 0 and odd) else inf
    except ValueError:
        if a == 0:  # 0 ** negative
            odd = b.is_integer() and b % 2 == 1
            return math.copysign(inf, a) if odd else inf
        return nan


def _ieee(fn: Callable[[float], float]) -> Callable[[float], float]:
    """Wrap a math function so domain errors give nan and overflow gives inf."""

    def safe(x: float) -> float:
        try:
            return fn(x)
        except ValueError:
            return nan
        except OverflowError:
            return inf

    safe.__name__ = fn.__name__
    return safe


_exp = _ieee(math.exp)
_sqrt = _ieee(math.sqrt)
_sin = _ieee(math.sin)
_cos = _ieee(math.cos)
_tan = _ieee(math.tan)


def _log(x: float) -> float:
    if x == 0:
        return -inf
    try:
        return math.log(x)
    except ValueError:
        return nan


def _sigmoid(x: float) -> float:
    """Numerically stable logistic function."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = _exp(x)
    return z / (1.0 + z)


def _max(a: float, b: float) -> float:
    if a != a or b != b:
        return nan
    return a if a >= b else b


def _min(a: float, b: float) -> float:
    if a != a or b != b:
        return nan
    return a if a <= b else b


def _pick(a: float, b: float, first_wins: bool) -> tuple[float, float]:
    """Local derivatives of max/min: 1 to the chosen operand, a tie splits it evenly."""
    if a == b:
        return (0.5, 0.5)
    if a != a or b != b:
        return (nan, nan)
    return (1.0, 0.0) if first_wins else (0.0, 1.0)


def _pow_grads(a: float, b: float, out: float) -> tuple[float, float]:
    da = 0.0 if b == 0 else b * _pow(a, b - 1)
    if a > 0:
        db = out * math.log(a)
    elif a == 0 and b >= 0:
        db = 0.0  # as PyTorch: 0**b does not move with b there
    else:
        db = nan
    return (da, db)


def _sign(x: float) -> float:
    return 1.0 if x > 0 else (-1.0 if x < 0 else (0.0 if x == 0 else nan))


def _sp_sigmoid(sp: Any, x: Any) -> Any:
    return 1 / (1 + sp.exp(-x))


_OPS = [
    # Binary operators, both operands are wires.
    Op("add", 2, "+", lambda a, b: a + b, lambda a, b, o: (1.0, 1.0),
       lambda sp, a, b: a + b, "x + y"),
    Op("sub", 2, "-", lambda a, b: a - b, lambda a, b, o: (1.0, -1.0),
       lambda sp, a, b: a - b, "x - y"),
    Op("mul", 2, "*", lambda a, b: a * b, lambda a, b, o: (b, a),
       lambda sp, a, b: a * b, "x * y"),
    Op("div", 2, "/", _div, lambda a, b, o: (_div(1.0, b), _div(-a, b * b)),
       lambda sp, a, b: a / b, "x / y"),
    Op("pow", 2, "**", _pow, _pow_grads, lambda sp, a, b: a ** b, "x ** y"),
    Op("max", 2, "max", _max, lambda a, b, o: _pick(a, b, a > b),
       lambda sp, a, b: sp.Max(a, b), "max(x, y)"),
    Op("min", 2, "min", _min, lambda a, b, o: _pick(a, b, a < b),
       lambda sp, a, b: sp.Min(a, b), "min(x, y)"),
    # A binary operator with a constant operand, drawn as a unary gate as CS231n does.
    Op("add_const", 1, "+{c}", lambda x, c: x + c, lambda x, o, c: 1.0,
       lambda sp, x, c: x + c, "x + c"),
    Op("sub_const", 1, "-{c}", lambda x, c: x - c, lambda x, o, c: 1.0,
       lambda sp, x, c: x - c, "x - c"),
    Op("rsub_const", 1, "{c}-x", lambda x, c: c - x, lambda x, o, c: -1.0,
       lambda sp, x, c: c - x, "c - x"),
    Op("mul_const", 1, "*{c}", lambda x, c: x * c, lambda x, o, c: c,
       lambda sp, x, c: x * c, "x * c"),
    Op("div_const", 1, "/{c}", lambda x, c: _div(x, c), lambda x, o, c: _div(1.0, c),
       lambda sp, x, c: x / c, "x / c"),
    Op("rdiv_const", 1, "{c}/x", lambda x, c: _div(c, x), lambda x, o, c: _div(-c, x * x),
       lambda sp, x, c: c / x, "c / x"),
    Op("pow_const", 1, "**{c}", _pow, lambda x, o, c: 0.0 if c == 0 else c * _pow(x, c - 1),
       lambda sp, x, c: x ** c, "x ** c"),
    Op("rpow_const", 1, "{c}**x", lambda x, c: _pow(c, x), lambda x, o, c: _pow_grads(c, x, o)[1],
       lambda sp, x, c: c ** x, "c ** x"),
    # Unary gates.
    Op("neg", 1, "*-1", lambda x, c: -x, lambda x, o, c: -1.0,
       lambda sp, x, c: -x, "-x"),
    Op("exp", 1, "exp", lambda x, c: _exp(x), lambda x, o, c: o,
       lambda sp, x, c: sp.exp(x), "exp(x)"),
    Op("log", 1, "log", lambda x, c: _log(x), lambda x, o, c: _div(1.0, x),
       lambda sp, x, c: sp.log(x), "log(x)"),
    Op("sqrt", 1, "sqrt", lambda x, c: _sqrt(x), lambda x, o, c: _div(0.5, o),
       lambda sp, x, c: sp.sqrt(x), "sqrt(x)"),
    Op("sin", 1, "sin", lambda x, c: _sin(x), lambda x, o, c: _cos(x),
       lambda sp, x, c: sp.sin(x), "sin(x)"),
    Op("cos", 1, "cos", lambda x, c: _cos(x), lambda x, o, c: -_sin(x),
       lambda sp, x, c: sp.cos(x), "cos(x)"),
    Op("tan", 1, "tan", lambda x, c: _tan(x), lambda x, o, c: 1.0 + o * o,
       lambda sp, x, c: sp.tan(x), "tan(x)"),
    Op("tanh", 1, "tanh", lambda x, c: math.tanh(x), lambda x, o, c: 1.0 - o * o,
       lambda sp, x, c: sp.tanh(x), "tanh(x)"),
    Op("sigmoid", 1, "sigmoid", lambda x, c: _sigmoid(x), lambda x, o, c: o * (1.0 - o),
       lambda sp, x, c: _sp_sigmoid(sp, x), "sigmoid(x)"),
    Op("relu", 1, "relu", lambda x, c: x if x > 0 else (0.0 if x == x else nan),
       lambda x, o, c: 1.0 if x > 0 else (0.0 if x == x else nan),
       lambda sp, x, c: sp.Max(0, x), "relu(x)"),
    Op("abs", 1, "abs", lambda x, c: abs(x), lambda x, o, c: _sign(x),
       lambda sp, x, c: sp.Abs(x), "abs(x)"),
]

#: Every primitive by name.
OPS: dict[str, Op] = {op.name: op for op in _OPS}

#: Binary operator symbol -> op name, when both operands are wires.
BINARY_OPERATOR = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow"}

#: Binary operator symbol -> (op name when the constant is on the right, ... on the left).
FOLDED = {
    "+": ("add_const", "add_const"),
    "-": ("sub_const", "rsub_const"),
    "*": ("mul_const", "mul_const"),
    "/": ("div_const", "rdiv_const"),
    "**": ("pow_const", "rpow_const"),
}

#: Function name in the grammar -> op name.
FUNCTION_OP = {name: name for name in
               ("exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "abs",
                "max", "min")}

#: Integer opcodes of the engine's loops: the hottest ops are computed inline there (with
#: exactly the float operations of their entries above); every other op is OTHER and runs
#: through its entry in :data:`OPS`.
(INPUT, CONST, ADD, SUB, MUL, ADD_CONST, SUB_CONST, RSUB_CONST, MUL_CONST, NEG, TANH, EXP,
 RELU, OTHER) = range(14)
CODE: dict[str, int] = {name: OTHER for name in OPS}
CODE.update(input=INPUT, const=CONST, add=ADD, sub=SUB, mul=MUL, add_const=ADD_CONST,
            sub_const=SUB_CONST, rsub_const=RSUB_CONST, mul_const=MUL_CONST, neg=NEG, tanh=TANH,
            exp=EXP, relu=RELU)

#: Functions the grammar accepts, with how many arguments each takes.
FUNCTIONS: dict[str, int] = {name: OPS[op].arity for name, op in FUNCTION_OP.items()}

#: Named constants; every other identifier is a variable.
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
