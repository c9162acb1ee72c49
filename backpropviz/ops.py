"""The op table: every primitive gate as one entry (label, forward, local derivative, formula).

Forward functions follow IEEE float semantics instead of raising (1/0 is inf, log(-1) is nan),
so a domain error marks a node rather than crashing. Local derivatives are plain float math
for speed; ``symbolic`` builds the same primitive in sympy, which the tests differentiate to
prove every derivative here. Kinks follow PyTorch: relu'(0) = 0, abs'(0) = 0, sign' = 0,
max/min ties split the gradient evenly, and asin'(+-1) = inf.

Adding a function is adding one entry: the grammar, ``--help``, ``--check``'s kinks and
``--exact`` read this table, and ``scripts/update_docs.py`` writes the README's and the
JSON Schema's lists from it.
"""

from __future__ import annotations

import math
from typing import Any, Callable, NamedTuple

__all__ = ["Op", "OPS", "BINARY_OPERATOR", "FOLDED", "FUNCTIONS", "CONSTANTS", "FUNCTION_OP",
           "CODE", "grammar_help"]

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
    ``spelling`` is the function's name in the grammar (None for operators and folded gates);
    ``about`` says what it computes and ``derivative_text`` its local derivative, for docs.
    ``kink(x, c)`` / ``kink(a, b)`` describes the non-differentiable point the inputs sit on
    (``"relu at 0"``), else None. ``piecewise``: the local derivative is piecewise constant
    (its floats are exact). ``grows``: finite inputs can overflow it to inf. ``symbol``
    is how a teacher draws the gate, when not by its label (sigmoid as CS231n's σ).
    ``teaching``: per input, the local derivative as the notes write it (``σ(1 - σ)``,
    ``-1/x²``), in x, y, c and ``{...}`` for the gate's own value; lessons substitute
    names, then numbers, into it. Empty: lessons print sympy's derivative.
    """

    name: str
    arity: int
    label: str
    forward: Callable[..., float]
    derivative: Callable[..., Any]
    symbolic: Callable[..., Any]
    formula: str
    spelling: str | None = None
    about: str = ""
    derivative_text: str = ""
    kink: Callable[..., str | None] | None = None
    piecewise: bool = False
    grows: bool = False
    symbol: str = ""
    teaching: tuple[str, ...] = ()


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
_asin = _ieee(math.asin)
_acos = _ieee(math.acos)
_cosh = _ieee(math.cosh)  # overflow: inf, the sign of cosh


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


def _sinh(x: float) -> float:
    """sinh with IEEE semantics: overflow is inf with the sign of x."""
    try:
        return math.sinh(x)
    except OverflowError:
        return math.copysign(inf, x)


def _log_base(x: float, base: float) -> float:
    """log(x) to ``base``: log(0) is -inf, a negative x is nan."""
    if x == 0:
        return -inf
    try:
        return math.log2(x) if base == 2 else math.log10(x)
    except ValueError:
        return nan


def _softplus(x: float) -> float:
    """log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|)); nan stays nan."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


_GELU_K = math.sqrt(2.0 / math.pi)
_GELU_A = 0.044715


def _gelu_inner(x: float) -> float:
    """2u of the tanh form; x*x*x rather than x**3, which raises on overflow."""
    return 2.0 * _GELU_K * (x + _GELU_A * x * x * x)


def _gelu(x: float) -> float:
    """GELU, tanh form 0.5*x*(1 + tanh(u)), computed as x*sigmoid(2u): the same function,
    without the cancellation of 1 + tanh(u) for negative x."""
    return x * _sigmoid(_gelu_inner(x))


def _gelu_grad(x: float) -> float:
    """d gelu / dx = s + 2*x*s*(1-s)*k*(1 + 3a*x**2) with s = sigmoid(2u); where s has
    saturated the second term is 0, not 0 * inf."""
    v = _gelu_inner(x)
    s, slope = _sigmoid(v), _sigmoid(v) * _sigmoid(-v)
    if slope == 0:
        return s
    return s + 2.0 * x * slope * _GELU_K * (1.0 + 3.0 * _GELU_A * x * x)


def _sp_sigmoid(sp: Any, x: Any) -> Any:
    return 1 / (1 + sp.exp(-x))


def _sp_gelu(sp: Any, x: Any) -> Any:
    inner = sp.sqrt(2 / sp.pi) * (x + sp.Rational("0.044715") * x ** 3)
    return x / 2 * (1 + sp.tanh(inner))


def _at_zero(name: str) -> Callable[[float, float | None], str | None]:
    """Kink of a unary function at x = 0."""
    return lambda x, c: f"{name} at 0" if x == 0 else None


def _tie(name: str) -> Callable[[float, float], str | None]:
    """Kink of max/min where the operands tie."""
    return lambda a, b: f"{name} tie at {a:g}" if a == b else None


def _zero_to_zero(base: float, exponent: float) -> str | None:
    """0**y jumps from 1 to 0 as y leaves 0."""
    return "0**0" if base == 0 and exponent == 0 else None


_LN2 = math.log(2.0)
_LN10 = math.log(10.0)

_OPS = [
    # Binary operators, both operands are wires.
    Op("add", 2, "+", lambda a, b: a + b, lambda a, b, o: (1.0, 1.0),
       lambda sp, a, b: a + b, "x + y", about="sum", derivative_text="1, 1"),
    Op("sub", 2, "-", lambda a, b: a - b, lambda a, b, o: (1.0, -1.0),
       lambda sp, a, b: a - b, "x - y", about="difference", derivative_text="1, -1"),
    Op("mul", 2, "*", lambda a, b: a * b, lambda a, b, o: (b, a),
       lambda sp, a, b: a * b, "x * y", about="product", derivative_text="y, x",
       teaching=("y", "x")),
    Op("div", 2, "/", _div, lambda a, b, o: (_div(1.0, b), _div(-a, b * b)),
       lambda sp, a, b: a / b, "x / y", about="quotient", derivative_text="1/y, -x/y**2",
       teaching=("1/y", "-x/y²")),
    Op("pow", 2, "**", _pow, _pow_grads, lambda sp, a, b: a ** b, "x ** y",
       about="power", derivative_text="y*x**(y-1), x**y*log(x)", kink=_zero_to_zero, grows=True),
    # A binary operator with a constant operand, drawn as a unary gate as CS231n does.
    Op("add_const", 1, "+{c}", lambda x, c: x + c, lambda x, o, c: 1.0,
       lambda sp, x, c: x + c, "x + c", about="plus a constant", derivative_text="1"),
    Op("sub_const", 1, "-{c}", lambda x, c: x - c, lambda x, o, c: 1.0,
       lambda sp, x, c: x - c, "x - c", about="minus a constant", derivative_text="1"),
    Op("rsub_const", 1, "{c}-x", lambda x, c: c - x, lambda x, o, c: -1.0,
       lambda sp, x, c: c - x, "c - x", about="a constant minus x", derivative_text="-1"),
    Op("mul_const", 1, "*{c}", lambda x, c: x * c, lambda x, o, c: c,
       lambda sp, x, c: x * c, "x * c", about="times a constant", derivative_text="c"),
    Op("div_const", 1, "/{c}", lambda x, c: _div(x, c), lambda x, o, c: _div(1.0, c),
       lambda sp, x, c: x / c, "x / c", about="divided by a constant", derivative_text="1/c"),
    Op("rdiv_const", 1, "{c}/x", lambda x, c: _div(c, x), lambda x, o, c: _div(-c, x * x),
       lambda sp, x, c: c / x, "c / x", about="a constant divided by x",
       derivative_text="-c/x**2", teaching=("-c/x²",)),
    Op("pow_const", 1, "**{c}", _pow, lambda x, o, c: 0.0 if c == 0 else c * _pow(x, c - 1),
       lambda sp, x, c: x ** c, "x ** c", about="x to a constant power",
       derivative_text="c*x**(c-1)", grows=True),
    Op("rpow_const", 1, "{c}**x", lambda x, c: _pow(c, x), lambda x, o, c: _pow_grads(c, x, o)[1],
       lambda sp, x, c: c ** x, "c ** x", about="a constant to the power x",
       derivative_text="c**x*log(c)", kink=lambda x, c: _zero_to_zero(c, x), grows=True),
    # Unary gates.
    Op("neg", 1, "*-1", lambda x, c: -x, lambda x, o, c: -1.0,
       lambda sp, x, c: -x, "-x", about="negation", derivative_text="-1"),
    # Functions of the grammar, in the order the help lists them.
    Op("exp", 1, "exp", lambda x, c: _exp(x), lambda x, o, c: o,
       lambda sp, x, c: sp.exp(x), "exp(x)", spelling="exp", about="e to the power x",
       derivative_text="exp(x)", grows=True, teaching=("e^x",)),
    Op("log", 1, "log", lambda x, c: _log(x), lambda x, o, c: _div(1.0, x),
       lambda sp, x, c: sp.log(x), "log(x)", spelling="log",
       about="natural logarithm (log(0) is -inf, below 0 nan)", derivative_text="1/x",
       teaching=("1/x",)),
    Op("sqrt", 1, "sqrt", lambda x, c: _sqrt(x), lambda x, o, c: _div(0.5, o),
       lambda sp, x, c: sp.sqrt(x), "sqrt(x)", spelling="sqrt", about="square root",
       derivative_text="1/(2*sqrt(x))"),
    Op("sin", 1, "sin", lambda x, c: _sin(x), lambda x, o, c: _cos(x),
       lambda sp, x, c: sp.sin(x), "sin(x)", spelling="sin", about="sine (radians)",
       derivative_text="cos(x)"),
    Op("cos", 1, "cos", lambda x, c: _cos(x), lambda x, o, c: -_sin(x),
       lambda sp, x, c: sp.cos(x), "cos(x)", spelling="cos", about="cosine (radians)",
       derivative_text="-sin(x)"),
    Op("tan", 1, "tan", lambda x, c: _tan(x), lambda x, o, c: 1.0 + o * o,
       lambda sp, x, c: sp.tan(x), "tan(x)", spelling="tan", about="tangent (radians)",
       derivative_text="1 + tan(x)**2"),
    Op("tanh", 1, "tanh", lambda x, c: math.tanh(x), lambda x, o, c: 1.0 - o * o,
       lambda sp, x, c: sp.tanh(x), "tanh(x)", spelling="tanh", about="hyperbolic tangent",
       derivative_text="1 - tanh(x)**2", teaching=("1 - {tanh}²",)),
    Op("sigmoid", 1, "sigmoid", lambda x, c: _sigmoid(x), lambda x, o, c: o * (1.0 - o),
       lambda sp, x, c: _sp_sigmoid(sp, x), "sigmoid(x)", spelling="sigmoid",
       about="logistic function 1/(1+exp(-x))", derivative_text="sigmoid(x)*(1 - sigmoid(x))",
       symbol="σ", teaching=("{σ}(1 - {σ})",)),
    Op("relu", 1, "relu", lambda x, c: x if x > 0 else (0.0 if x == x else nan),
       lambda x, o, c: 1.0 if x > 0 else (0.0 if x == x else nan),
       lambda sp, x, c: sp.Max(0, x), "relu(x)", spelling="relu", about="max(x, 0)",
       derivative_text="1 if x > 0 else 0 (0 at 0)", kink=_at_zero("relu"), piecewise=True),
    Op("abs", 1, "abs", lambda x, c: abs(x), lambda x, o, c: _sign(x),
       lambda sp, x, c: sp.Abs(x), "abs(x)", spelling="abs", about="absolute value",
       derivative_text="sign(x) (0 at 0)", kink=_at_zero("abs"), piecewise=True),
    Op("max", 2, "max", _max, lambda a, b, o: _pick(a, b, a > b),
       lambda sp, a, b: sp.Max(a, b), "max(x, y)", spelling="max", about="the larger of x and y",
       derivative_text="1 to the larger, 0 to the other (1/2 each at a tie)", kink=_tie("max"),
       piecewise=True),
    Op("min", 2, "min", _min, lambda a, b, o: _pick(a, b, a < b),
       lambda sp, a, b: sp.Min(a, b), "min(x, y)", spelling="min",
       about="the smaller of x and y",
       derivative_text="1 to the smaller, 0 to the other (1/2 each at a tie)", kink=_tie("min"),
       piecewise=True),
    Op("atan", 1, "atan", lambda x, c: math.atan(x), lambda x, o, c: 1.0 / (1.0 + x * x),
       lambda sp, x, c: sp.atan(x), "atan(x)", spelling="atan", about="inverse tangent",
       derivative_text="1/(1 + x**2)"),
    Op("asin", 1, "asin", lambda x, c: _asin(x), lambda x, o, c: _div(1.0, _sqrt(1.0 - x * x)),
       lambda sp, x, c: sp.asin(x), "asin(x)", spelling="asin",
       about="inverse sine (nan outside [-1, 1])", derivative_text="1/sqrt(1 - x**2) (inf at +-1)"),
    Op("acos", 1, "acos", lambda x, c: _acos(x), lambda x, o, c: _div(-1.0, _sqrt(1.0 - x * x)),
       lambda sp, x, c: sp.acos(x), "acos(x)", spelling="acos",
       about="inverse cosine (nan outside [-1, 1])",
       derivative_text="-1/sqrt(1 - x**2) (-inf at +-1)"),
    Op("sinh", 1, "sinh", lambda x, c: _sinh(x), lambda x, o, c: _cosh(x),
       lambda sp, x, c: sp.sinh(x), "sinh(x)", spelling="sinh", about="hyperbolic sine",
       derivative_text="cosh(x)", grows=True),
    Op("cosh", 1, "cosh", lambda x, c: _cosh(x), lambda x, o, c: _sinh(x),
       lambda sp, x, c: sp.cosh(x), "cosh(x)", spelling="cosh", about="hyperbolic cosine",
       derivative_text="sinh(x)", grows=True),
    Op("log2", 1, "log2", lambda x, c: _log_base(x, 2), lambda x, o, c: _div(1.0, x * _LN2),
       lambda sp, x, c: sp.log(x, 2), "log2(x)", spelling="log2", about="base-2 logarithm",
       derivative_text="1/(x*log(2))"),
    Op("log10", 1, "log10", lambda x, c: _log_base(x, 10), lambda x, o, c: _div(1.0, x * _LN10),
       lambda sp, x, c: sp.log(x, 10), "log10(x)", spelling="log10",
       about="base-10 logarithm", derivative_text="1/(x*log(10))"),
    Op("softplus", 1, "softplus", lambda x, c: _softplus(x), lambda x, o, c: _sigmoid(x),
       lambda sp, x, c: sp.log(1 + sp.exp(x)), "softplus(x)", spelling="softplus",
       about="log(1 + exp(x)), computed without overflow", derivative_text="sigmoid(x)"),
    Op("gelu", 1, "gelu", lambda x, c: _gelu(x), lambda x, o, c: _gelu_grad(x),
       lambda sp, x, c: _sp_gelu(sp, x), "gelu(x)", spelling="gelu",
       about="GELU, tanh form: x/2*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x**3)))",
       derivative_text="(1 + t)/2 + x*(1 - t**2)*sqrt(2/pi)*(1 + 0.134145*x**2)/2, t the tanh"),
    Op("sign", 1, "sign", lambda x, c: _sign(x), lambda x, o, c: 0.0,
       # not sp.sign: sympy leaves d sign(u)/dx unevaluated when it cannot prove u real
       lambda sp, x, c: 2 * sp.Heaviside(x) - 1, "sign(x)", spelling="sign", about="-1, 0 or 1",
       derivative_text="0 (also at the jump at 0)", kink=_at_zero("sign"), piecewise=True),
]

#: Every primitive by name.
OPS: dict[str, Op] = {op.name: op for op in _OPS}

#: Functions the grammar accepts, with how many arguments each takes.
FUNCTIONS: dict[str, int] = {op.spelling: op.arity for op in _OPS if op.spelling is not None}

#: Named constants; every other identifier is a variable.
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}

#: Function name in the grammar -> op name.
FUNCTION_OP: dict[str, str] = {op.spelling: op.name for op in _OPS if op.spelling is not None}


def grammar_help(width: int = 80) -> str:
    """The grammar's functions and constants as a sentence for help, wrapped to ``width``."""
    import textwrap

    constants = " and ".join(CONSTANTS)
    return "\n".join(textwrap.wrap(f"{' '.join(FUNCTIONS)}, the constants {constants}.", width))


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

#: Integer opcodes of the engine's loops: the hottest ops are computed inline there (with
#: exactly the float operations of their entries above); every other op is OTHER and runs
#: through its entry in :data:`OPS`.
(INPUT, CONST, ADD, SUB, MUL, ADD_CONST, SUB_CONST, RSUB_CONST, MUL_CONST, NEG, TANH, EXP,
 RELU, OTHER) = range(14)
CODE: dict[str, int] = {name: OTHER for name in OPS}
CODE.update(input=INPUT, const=CONST, add=ADD, sub=SUB, mul=MUL, add_const=ADD_CONST,
            sub_const=SUB_CONST, rsub_const=RSUB_CONST, mul_const=MUL_CONST, neg=NEG, tanh=TANH,
            exp=EXP, relu=RELU)
