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

from .lang import message, say

__all__ = ["Op", "Array", "OPS", "TENSOR_OPS", "AXIS_OP", "ONE_ARGUMENT_OP", "ShapeMismatch",
           "show_shape", "broadcast_shape", "unbroadcast", "matmul_shape", "BINARY_OPERATOR", "FOLDED", "FUNCTIONS", "CONSTANTS", "FUNCTION_OP",
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
    ``mark`` is drawn at a binary gate's second input where the operands' roles differ
    (÷ at the divisor), so a diagram shows which wire is which.
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
    mark: str = ""
    teaching: tuple[str, ...] = ()
    array: Array | None = None
    tensor: bool = False  # only for arrays (matmul, sum, ...): the scalar engine has no rule


class Array(NamedTuple):
    """An op on NumPy arrays (:mod:`backpropviz.tensor`): ``forward(np, a, b_or_c)`` as the
    scalar one with broadcasting, and either ``local`` -- the elementwise local derivative,
    with the scalar ``derivative``'s arguments after ``np`` -- or, for ops that are not
    elementwise, ``vjp(np, g, a, b_or_c, out)``: the vector-Jacobian products, the gradient
    each input receives given the output's gradient ``g``."""

    forward: Callable[..., Any]
    local: Callable[..., Any] | None = None
    vjp: Callable[..., Any] | None = None
    shape: Callable[..., tuple[int, ...]] | None = None  # (not elementwise) output shape


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
    return lambda x, c: message("kink.at_zero", name=name) if x == 0 else None


def _tie(name: str) -> Callable[[float, float], str | None]:
    """Kink of max/min where the operands tie."""
    return lambda a, b: message("kink.tie", name=name, at=f"{a:g}") if a == b else None


def _zero_to_zero(base: float, exponent: float) -> str | None:
    """0**y jumps from 1 to 0 as y leaves 0."""
    return "0**0" if base == 0 and exponent == 0 else None


# --- the same functions on NumPy arrays (the module is passed in: only tensors import it)

def _np_pow(np: Any, a: Any, b: Any) -> Any:
    """a ** b elementwise, as :func:`_pow`: 0**-1 is inf, (-8)**(1/3) is nan."""
    if isinstance(b, float) and b == 2.0:  # (the square of a loss: a product is 10x faster)
        return a * a
    return np.power(np.float64(a) if np.ndim(a) == 0 else a, b)


def _np_pow_grads(np: Any, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    """:func:`_pow_grads` elementwise."""
    da = np.where(b == 0, 0.0, b * _np_pow(np, a, b - 1))
    db = np.where(a > 0, out * np.log(np.where(a > 0, a, 1.0)),
                  np.where((a == 0) & (b >= 0), 0.0, np.nan))
    return da, db


def _np_sigmoid(np: Any, x: Any) -> Any:
    """The logistic function without overflow, as :func:`_sigmoid`."""
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def _np_relu(np: Any, x: Any, c: Any) -> Any:
    return np.maximum(x, 0.0)  # (nan stays nan, as in the scalar rule)


def _np_relu_grad(np: Any, x: Any, o: Any, c: Any) -> Any:
    """1 where x > 0, else 0 (0 at 0, as PyTorch), nan where x is nan."""
    d = (np.asarray(x) > 0).astype(float)
    nan = np.isnan(x)
    if nan.any():
        d[nan] = np.nan
    return d


def _np_pick(np: Any, a: Any, b: Any, first_wins: Any) -> tuple[Any, Any]:
    """:func:`_pick` elementwise: 1 to the chosen operand, 1/2 each at a tie."""
    tie, nan_in = a == b, np.isnan(a) | np.isnan(b)
    da = np.where(tie, 0.5, np.where(nan_in, np.nan, np.where(first_wins, 1.0, 0.0)))
    db = np.where(tie, 0.5, np.where(nan_in, np.nan, np.where(first_wins, 0.0, 1.0)))
    return da, db


def _np_gelu(np: Any, x: Any, c: Any) -> Any:
    return x * _np_sigmoid(np, 2.0 * _GELU_K * (x + _GELU_A * x * x * x))


def _np_gelu_grad(np: Any, x: Any, o: Any, c: Any) -> Any:
    v = 2.0 * _GELU_K * (x + _GELU_A * x * x * x)
    s = _np_sigmoid(np, v)
    slope = s * _np_sigmoid(np, -v)
    return np.where(slope == 0, s, s + 2.0 * x * slope * _GELU_K * (1.0 + 3.0 * _GELU_A * x * x))


_LN2 = math.log(2.0)
_LN10 = math.log(10.0)

_OPS = [
    # Binary operators, both operands are wires.
    Op("add", 2, "+", lambda a, b: a + b, lambda a, b, o: (1.0, 1.0),
       lambda sp, a, b: a + b, "x + y", about="sum", derivative_text="1, 1",
       array=Array(lambda np, a, b: a + b, lambda np, a, b, o: (1.0, 1.0))),
    Op("sub", 2, "-", lambda a, b: a - b, lambda a, b, o: (1.0, -1.0),
       lambda sp, a, b: a - b, "x - y", about="difference", derivative_text="1, -1",
       mark="−", array=Array(lambda np, a, b: a - b, lambda np, a, b, o: (1.0, -1.0))),
    Op("mul", 2, "*", lambda a, b: a * b, lambda a, b, o: (b, a),
       lambda sp, a, b: a * b, "x * y", about="product", derivative_text="y, x",
       teaching=("y", "x"),
       array=Array(lambda np, a, b: a * b, lambda np, a, b, o: (b, a))),
    Op("div", 2, "/", _div, lambda a, b, o: (_div(1.0, b), _div(-a, b * b)),
       lambda sp, a, b: a / b, "x / y", about="quotient", derivative_text="1/y, -x/y**2",
       mark="÷",
       teaching=("1/y", "-x/y²"),
       array=Array(lambda np, a, b: a / b, lambda np, a, b, o: (1.0 / b, -a / (b * b)))),
    Op("pow", 2, "**", _pow, _pow_grads, lambda sp, a, b: a ** b, "x ** y",
       about="power", derivative_text="y*x**(y-1), x**y*log(x)", kink=_zero_to_zero, grows=True,
       mark="^", array=Array(_np_pow, _np_pow_grads)),
    # A binary operator with a constant operand, drawn as a unary gate as CS231n does.
    Op("add_const", 1, "+{c}", lambda x, c: x + c, lambda x, o, c: 1.0,
       lambda sp, x, c: x + c, "x + c", about="plus a constant", derivative_text="1",
       array=Array(lambda np, x, c: x + c, lambda np, x, o, c: 1.0)),
    Op("sub_const", 1, "-{c}", lambda x, c: x - c, lambda x, o, c: 1.0,
       lambda sp, x, c: x - c, "x - c", about="minus a constant", derivative_text="1",
       array=Array(lambda np, x, c: x - c, lambda np, x, o, c: 1.0)),
    Op("rsub_const", 1, "{c}-x", lambda x, c: c - x, lambda x, o, c: -1.0,
       lambda sp, x, c: c - x, "c - x", about="a constant minus x", derivative_text="-1",
       array=Array(lambda np, x, c: c - x, lambda np, x, o, c: -1.0)),
    Op("mul_const", 1, "*{c}", lambda x, c: x * c, lambda x, o, c: c,
       lambda sp, x, c: x * c, "x * c", about="times a constant", derivative_text="c",
       array=Array(lambda np, x, c: x * c, lambda np, x, o, c: c)),
    Op("div_const", 1, "/{c}", lambda x, c: _div(x, c), lambda x, o, c: _div(1.0, c),
       lambda sp, x, c: x / c, "x / c", about="divided by a constant", derivative_text="1/c",
       array=Array(lambda np, x, c: x / c, lambda np, x, o, c: 1.0 / np.float64(c))),
    Op("rdiv_const", 1, "{c}/x", lambda x, c: _div(c, x), lambda x, o, c: _div(-c, x * x),
       lambda sp, x, c: c / x, "c / x", about="a constant divided by x",
       derivative_text="-c/x**2",
       teaching=("-c/x²",),
       array=Array(lambda np, x, c: c / x, lambda np, x, o, c: -c / (x * x))),
    Op("pow_const", 1, "**{c}", _pow, lambda x, o, c: 0.0 if c == 0 else c * _pow(x, c - 1),
       lambda sp, x, c: x ** c, "x ** c", about="x to a constant power",
       derivative_text="c*x**(c-1)", grows=True,
       array=Array(lambda np, x, c: _np_pow(np, x, c),
             lambda np, x, o, c: np.zeros_like(x) if c == 0 else c * _np_pow(np, x, c - 1))),
    Op("rpow_const", 1, "{c}**x", lambda x, c: _pow(c, x), lambda x, o, c: _pow_grads(c, x, o)[1],
       lambda sp, x, c: c ** x, "c ** x", about="a constant to the power x",
       derivative_text="c**x*log(c)", kink=lambda x, c: _zero_to_zero(c, x), grows=True,
       array=Array(lambda np, x, c: _np_pow(np, c, x),
             lambda np, x, o, c: _np_pow_grads(np, np.float64(c), x, o)[1])),
    # Unary gates.
    Op("neg", 1, "*-1", lambda x, c: -x, lambda x, o, c: -1.0,
       lambda sp, x, c: -x, "-x", about="negation", derivative_text="-1",
       array=Array(lambda np, x, c: -x, lambda np, x, o, c: -1.0)),
    # Functions of the grammar, in the order the help lists them.
    Op("exp", 1, "exp", lambda x, c: _exp(x), lambda x, o, c: o,
       lambda sp, x, c: sp.exp(x), "exp(x)", spelling="exp", about="e to the power x",
       derivative_text="exp(x)", grows=True,
       teaching=("e^x",),
       array=Array(lambda np, x, c: np.exp(x), lambda np, x, o, c: o)),
    Op("log", 1, "log", lambda x, c: _log(x), lambda x, o, c: _div(1.0, x),
       lambda sp, x, c: sp.log(x), "log(x)", spelling="log",
       about="natural logarithm (log(0) is -inf, below 0 nan)", derivative_text="1/x",
       teaching=("1/x",),
       array=Array(lambda np, x, c: np.log(x), lambda np, x, o, c: 1.0 / x)),
    Op("sqrt", 1, "sqrt", lambda x, c: _sqrt(x), lambda x, o, c: _div(0.5, o),
       lambda sp, x, c: sp.sqrt(x), "sqrt(x)", spelling="sqrt", about="square root",
       derivative_text="1/(2*sqrt(x))",
       array=Array(lambda np, x, c: np.sqrt(x), lambda np, x, o, c: 0.5 / o)),
    Op("sin", 1, "sin", lambda x, c: _sin(x), lambda x, o, c: _cos(x),
       lambda sp, x, c: sp.sin(x), "sin(x)", spelling="sin", about="sine (radians)",
       derivative_text="cos(x)",
       array=Array(lambda np, x, c: np.sin(x), lambda np, x, o, c: np.cos(x))),
    Op("cos", 1, "cos", lambda x, c: _cos(x), lambda x, o, c: -_sin(x),
       lambda sp, x, c: sp.cos(x), "cos(x)", spelling="cos", about="cosine (radians)",
       derivative_text="-sin(x)",
       array=Array(lambda np, x, c: np.cos(x), lambda np, x, o, c: -np.sin(x))),
    Op("tan", 1, "tan", lambda x, c: _tan(x), lambda x, o, c: 1.0 + o * o,
       lambda sp, x, c: sp.tan(x), "tan(x)", spelling="tan", about="tangent (radians)",
       derivative_text="1 + tan(x)**2",
       array=Array(lambda np, x, c: np.tan(x), lambda np, x, o, c: 1.0 + o * o)),
    Op("tanh", 1, "tanh", lambda x, c: math.tanh(x), lambda x, o, c: 1.0 - o * o,
       lambda sp, x, c: sp.tanh(x), "tanh(x)", spelling="tanh", about="hyperbolic tangent",
       derivative_text="1 - tanh(x)**2",
       teaching=("1 - {tanh}²",),
       array=Array(lambda np, x, c: np.tanh(x), lambda np, x, o, c: 1.0 - o * o)),
    Op("sigmoid", 1, "sigmoid", lambda x, c: _sigmoid(x), lambda x, o, c: o * (1.0 - o),
       lambda sp, x, c: _sp_sigmoid(sp, x), "sigmoid(x)", spelling="sigmoid",
       about="logistic function 1/(1+exp(-x))", derivative_text="sigmoid(x)*(1 - sigmoid(x))",
       symbol="σ",
       teaching=("{σ}(1 - {σ})",),
       array=Array(lambda np, x, c: _np_sigmoid(np, x), lambda np, x, o, c: o * (1.0 - o))),
    Op("relu", 1, "relu", lambda x, c: x if x > 0 else (0.0 if x == x else nan),
       lambda x, o, c: 1.0 if x > 0 else (0.0 if x == x else nan),
       lambda sp, x, c: sp.Max(0, x), "relu(x)", spelling="relu", about="max(x, 0)",
       derivative_text="1 if x > 0 else 0 (0 at 0)", kink=_at_zero("relu"), piecewise=True,
       array=Array(_np_relu, _np_relu_grad)),
    Op("abs", 1, "abs", lambda x, c: abs(x), lambda x, o, c: _sign(x),
       lambda sp, x, c: sp.Abs(x), "abs(x)", spelling="abs", about="absolute value",
       derivative_text="sign(x) (0 at 0)", kink=_at_zero("abs"), piecewise=True,
       array=Array(lambda np, x, c: np.abs(x), lambda np, x, o, c: np.sign(x))),
    Op("max", 2, "max", _max, lambda a, b, o: _pick(a, b, a > b),
       lambda sp, a, b: sp.Max(a, b), "max(x, y)", spelling="max", about="the larger of x and y",
       derivative_text="1 to the larger, 0 to the other (1/2 each at a tie)", kink=_tie("max"),
       piecewise=True,
       array=Array(lambda np, a, b: np.maximum(a, b), lambda np, a, b, o: _np_pick(np, a, b, a > b))),
    Op("min", 2, "min", _min, lambda a, b, o: _pick(a, b, a < b),
       lambda sp, a, b: sp.Min(a, b), "min(x, y)", spelling="min",
       about="the smaller of x and y",
       derivative_text="1 to the smaller, 0 to the other (1/2 each at a tie)", kink=_tie("min"),
       piecewise=True,
       array=Array(lambda np, a, b: np.minimum(a, b), lambda np, a, b, o: _np_pick(np, a, b, a < b))),
    Op("atan", 1, "atan", lambda x, c: math.atan(x), lambda x, o, c: 1.0 / (1.0 + x * x),
       lambda sp, x, c: sp.atan(x), "atan(x)", spelling="atan", about="inverse tangent",
       derivative_text="1/(1 + x**2)",
       array=Array(lambda np, x, c: np.arctan(x), lambda np, x, o, c: 1.0 / (1.0 + x * x))),
    Op("asin", 1, "asin", lambda x, c: _asin(x), lambda x, o, c: _div(1.0, _sqrt(1.0 - x * x)),
       lambda sp, x, c: sp.asin(x), "asin(x)", spelling="asin",
       about="inverse sine (nan outside [-1, 1])", derivative_text="1/sqrt(1 - x**2) (inf at +-1)",
       array=Array(lambda np, x, c: np.arcsin(x), lambda np, x, o, c: 1.0 / np.sqrt(1.0 - x * x))),
    Op("acos", 1, "acos", lambda x, c: _acos(x), lambda x, o, c: _div(-1.0, _sqrt(1.0 - x * x)),
       lambda sp, x, c: sp.acos(x), "acos(x)", spelling="acos",
       about="inverse cosine (nan outside [-1, 1])",
       derivative_text="-1/sqrt(1 - x**2) (-inf at +-1)",
       array=Array(lambda np, x, c: np.arccos(x), lambda np, x, o, c: -1.0 / np.sqrt(1.0 - x * x))),
    Op("sinh", 1, "sinh", lambda x, c: _sinh(x), lambda x, o, c: _cosh(x),
       lambda sp, x, c: sp.sinh(x), "sinh(x)", spelling="sinh", about="hyperbolic sine",
       derivative_text="cosh(x)", grows=True,
       array=Array(lambda np, x, c: np.sinh(x), lambda np, x, o, c: np.cosh(x))),
    Op("cosh", 1, "cosh", lambda x, c: _cosh(x), lambda x, o, c: _sinh(x),
       lambda sp, x, c: sp.cosh(x), "cosh(x)", spelling="cosh", about="hyperbolic cosine",
       derivative_text="sinh(x)", grows=True,
       array=Array(lambda np, x, c: np.cosh(x), lambda np, x, o, c: np.sinh(x))),
    Op("log2", 1, "log2", lambda x, c: _log_base(x, 2), lambda x, o, c: _div(1.0, x * _LN2),
       lambda sp, x, c: sp.log(x, 2), "log2(x)", spelling="log2", about="base-2 logarithm",
       derivative_text="1/(x*log(2))",
       array=Array(lambda np, x, c: np.log2(x), lambda np, x, o, c: 1.0 / (x * _LN2))),
    Op("log10", 1, "log10", lambda x, c: _log_base(x, 10), lambda x, o, c: _div(1.0, x * _LN10),
       lambda sp, x, c: sp.log(x, 10), "log10(x)", spelling="log10",
       about="base-10 logarithm", derivative_text="1/(x*log(10))",
       array=Array(lambda np, x, c: np.log10(x), lambda np, x, o, c: 1.0 / (x * _LN10))),
    Op("softplus", 1, "softplus", lambda x, c: _softplus(x), lambda x, o, c: _sigmoid(x),
       lambda sp, x, c: sp.log(1 + sp.exp(x)), "softplus(x)", spelling="softplus",
       about="log(1 + exp(x)), computed without overflow", derivative_text="sigmoid(x)",
       array=Array(lambda np, x, c: np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x))),
             lambda np, x, o, c: _np_sigmoid(np, x))),
    Op("gelu", 1, "gelu", lambda x, c: _gelu(x), lambda x, o, c: _gelu_grad(x),
       lambda sp, x, c: _sp_gelu(sp, x), "gelu(x)", spelling="gelu",
       about="GELU, tanh form: x/2*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x**3)))",
       derivative_text="(1 + t)/2 + x*(1 - t**2)*sqrt(2/pi)*(1 + 0.134145*x**2)/2, t the tanh",
       array=Array(_np_gelu, _np_gelu_grad)),
    Op("sign", 1, "sign", lambda x, c: _sign(x), lambda x, o, c: 0.0,
       # not sp.sign: sympy leaves d sign(u)/dx unevaluated when it cannot prove u real
       lambda sp, x, c: 2 * sp.Heaviside(x) - 1, "sign(x)", spelling="sign", about="-1, 0 or 1",
       derivative_text="0 (also at the jump at 0)", kink=_at_zero("sign"), piecewise=True,
       array=Array(lambda np, x, c: np.sign(x), lambda np, x, o, c: np.zeros_like(x))),
]

# --- ops on arrays only: shapes, vector-Jacobian products ---------------------------------

class ShapeMismatch(ValueError):
    """An op's operands have shapes it cannot take; the message names them."""


def show_shape(shape: tuple[int, ...]) -> str:
    """``(3,2)``, ``(3,)``, ``()``: a shape as messages write it."""
    return f"({shape[0]},)" if len(shape) == 1 else "(" + ",".join(map(str, shape)) + ")"


def matmul_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """NumPy's matmul shape rule, with the inner sizes and both shapes named when it fails."""
    if not a or not b:
        raise ShapeMismatch(message("shape.matmul_number", a=show_shape(a), b=show_shape(b)))
    a2 = a if len(a) > 1 else (1, *a)
    b2 = b if len(b) > 1 else (*b, 1)
    if a2[-1] != b2[-2]:
        raise ShapeMismatch(message("shape.matmul_inner", a=show_shape(a), b=show_shape(b),
                                    x=a2[-1], y=b2[-2]))
    batch = _broadcast(a2[:-2], b2[:-2], "@")
    return batch + a[-2:-1] * (len(a) > 1) + b[-1:] * (len(b) > 1)


def _broadcast(a: tuple[int, ...], b: tuple[int, ...], op: str) -> tuple[int, ...]:
    """The broadcast shape of ``a`` and ``b``, as NumPy's, or why not."""
    out = []
    for x, y in zip(reversed((1,) * (len(b) - len(a)) + a), reversed((1,) * (len(a) - len(b)) + b)):
        if x != y and 1 not in (x, y):
            raise ShapeMismatch(message("shape.broadcast", a=show_shape(a), op=op,
                                        b=show_shape(b), x=x, y=y))
        out.append(max(x, y) if 1 not in (x, y) else x * y)
    return tuple(reversed(out))


def broadcast_shape(a: tuple[int, ...], b: tuple[int, ...], op: str) -> tuple[int, ...]:
    """The shape of an elementwise op's output (``op`` its symbol, for the message)."""
    return a if a == b else _broadcast(a, b, op)


def _np_matmul_vjp(np: Any, g: Any, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    """dL/da = g bᵀ, dL/db = aᵀ g, with a vector taken as a row (a) or a column (b) and
    NumPy's batch broadcasting undone."""
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    g2 = np.asarray(g)
    if a.ndim == 1:  # (the row and the column a vector stood for, back in g)
        g2 = np.expand_dims(g2, -1 if b.ndim == 1 else -2)
    if b.ndim == 1:
        g2 = np.expand_dims(g2, -1)
    ga = np.matmul(g2, np.swapaxes(b2, -1, -2))
    gb = np.matmul(np.swapaxes(a2, -1, -2), g2)
    return (np.reshape(unbroadcast(np, ga, a2.shape), a.shape),
            np.reshape(unbroadcast(np, gb, b2.shape), b.shape))


def unbroadcast(np: Any, g: Any, shape: tuple[int, ...]) -> Any:
    """``g`` summed back to ``shape``: over the axes broadcasting added or stretched from 1
    (a bias of shape (3,) added to (4,3) gets a (3,) gradient)."""
    g = np.asarray(g)
    if g.shape == shape:
        return g
    g = np.broadcast_to(g, np.broadcast_shapes(g.shape, shape))
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(k for k, n in enumerate(shape) if n == 1 and g.shape[k] != 1)
    return g.sum(axis=stretched, keepdims=True) if stretched else np.array(g)


def _axis(shape: tuple[int, ...], c: float) -> int:
    """A reduction's axis in ``shape`` (negative counts from the end), or why not."""
    axis = int(c)
    if not -len(shape) <= axis < len(shape):
        raise ShapeMismatch(message("shape.axis_range", axis=axis, shape=show_shape(shape),
                                    more=message("shape.number_no_axes") if not shape else ""))
    return axis % len(shape)


def _reduced(shape: tuple[int, ...], c: float) -> tuple[int, ...]:
    axis = _axis(shape, c)
    return shape[:axis] + shape[axis + 1:]


def _index_shape(shape: tuple[int, ...], index: tuple[int, ...]) -> tuple[int, ...]:
    """``A[i, j]``'s shape, or which index is out of range."""
    if len(index) > len(shape):
        raise ShapeMismatch(message("shape.too_many_indices_1" if len(shape) == 1
                                    else "shape.too_many_indices", count=len(index),
                                    shape=show_shape(shape), axes=len(shape),
                                    more=message("shape.number_no_index") if not shape else ""))
    for k, (i, n) in enumerate(zip(index, shape)):
        if not -n <= i < n:
            raise ShapeMismatch(message("shape.index_range", index=i, axis=k, size=n,
                                        shape=show_shape(shape)))
    return shape[len(index):]


def _last_axis(shape: tuple[int, ...], keep: bool, name: str) -> tuple[int, ...]:
    if not shape:
        raise ShapeMismatch(message("shape.needs_array", func=name))
    return shape if keep else shape[:-1]


def _np_softmax(np: Any, s: Any, c: Any = None) -> Any:
    e = np.exp(s - np.max(s, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _np_logsumexp(np: Any, s: Any, c: Any = None) -> Any:
    m = np.max(s, axis=-1, keepdims=True)
    return np.squeeze(m, -1) + np.log(np.sum(np.exp(s - m), axis=-1))


def _np_amax_vjp(np: Any, g: Any, a: Any, c: Any, out: Any) -> tuple[Any]:
    """The gradient goes to the largest element; ties share it evenly (as max(a, b))."""
    keep = out if c is None else np.expand_dims(out, int(c))
    hit = (a == keep).astype(float)
    share = hit / hit.sum(axis=None if c is None else int(c), keepdims=True)
    return (share * (g if c is None else np.expand_dims(g, int(c))),)


def _np_index_vjp(np: Any, g: Any, a: Any, index: Any, out: Any) -> tuple[Any]:
    grad = np.zeros(np.shape(a))
    grad[index] = g
    return (grad,)


def axis_label(name: str, axis: str) -> str:
    """The label of a reduction along ``axis``, written small: ``Σ₁``, ``max₋₁``."""
    return OPS[name].label.format(c=axis.translate(_SUBSCRIPTS))


_SUBSCRIPTS = str.maketrans("-0123456789", "₋₀₁₂₃₄₅₆₇₈₉")


def _tensor_only(*args: Any) -> Any:
    raise TypeError("this op works on arrays only (backpropviz.tensor)")


def _tensor_op(name: str, arity: int, label: str, formula: str, array: Array,
               spelling: str | None = None, about: str = "", derivative_text: str = "") -> Op:
    """An op that exists for arrays only: no scalar rule, no sympy form."""
    return Op(name, arity, label, _tensor_only, _tensor_only, _tensor_only, formula,
              spelling=spelling, about=about, derivative_text=derivative_text, array=array,
              tensor=True)


_TENSOR_OPS = [
    _tensor_op("matmul", 2, "@", "x @ y", Array(
        lambda np, a, b: np.matmul(a, b), vjp=_np_matmul_vjp, shape=matmul_shape),
        about="matrix product (vector @ vector: the dot product)",
        derivative_text="g @ yᵀ, xᵀ @ g"),
    _tensor_op("transpose", 1, "·ᵀ", "transpose(x)", Array(
        lambda np, a, c: np.transpose(a), vjp=lambda np, g, a, c, o: (np.transpose(g),),
        shape=lambda s, c: s[::-1]), spelling="transpose",
        about="the axes reversed (also written x.T)", derivative_text="gᵀ"),
    _tensor_op("sum", 1, "Σ", "sum(x)", Array(
        lambda np, a, c: np.sum(a), vjp=lambda np, g, a, c, o: (np.full(np.shape(a), g),),
        shape=lambda s, c: ()), spelling="sum",
        about="the sum of all elements; sum(x, axis) along one axis", derivative_text="1"),
    _tensor_op("sum_axis", 1, "Σ{c}", "sum(x, c)", Array(
        lambda np, a, c: np.sum(a, axis=int(c)),
        vjp=lambda np, g, a, c, o: (np.broadcast_to(np.expand_dims(g, int(c)), np.shape(a)) + 0.0,),
        shape=_reduced)),
    _tensor_op("sum_keep", 1, "Σ{c}", "sum(x, c), kept as an axis of size 1", Array(
        lambda np, a, c: np.sum(a, axis=int(c), keepdims=True),
        vjp=lambda np, g, a, c, o: (np.broadcast_to(g, np.shape(a)) + 0.0,),
        shape=lambda s, c: _reduced(s, c)[:_axis(s, c)] + (1,) + _reduced(s, c)[_axis(s, c):]),
        about="a sum along one axis, kept as an axis of size 1 (--expand's softmax)"),
    _tensor_op("mean", 1, "mean", "mean(x)", Array(
        lambda np, a, c: np.mean(a),
        vjp=lambda np, g, a, c, o: (np.full(np.shape(a), g / np.size(a)),),
        shape=lambda s, c: ()), spelling="mean",
        about="the mean of all elements; mean(x, axis) along one axis", derivative_text="1/n"),
    _tensor_op("mean_axis", 1, "mean{c}", "mean(x, c)", Array(
        lambda np, a, c: np.mean(a, axis=int(c)),
        vjp=lambda np, g, a, c, o: (np.broadcast_to(np.expand_dims(g, int(c)), np.shape(a))
                                    / np.shape(a)[int(c)],),
        shape=_reduced)),
    _tensor_op("amax", 1, "max", "max(x)", Array(
        lambda np, a, c: np.max(a), vjp=_np_amax_vjp, shape=lambda s, c: ())),
    _tensor_op("amax_axis", 1, "max{c}", "max(x, axis=c)", Array(
        lambda np, a, c: np.max(a, axis=int(c)), vjp=_np_amax_vjp, shape=_reduced)),
    _tensor_op("index", 1, "[{c}]", "x[c]", Array(
        lambda np, a, c: np.asarray(a)[c], vjp=_np_index_vjp, shape=_index_shape)),
    _tensor_op("softmax", 1, "softmax", "softmax(x)", Array(
        _np_softmax,
        vjp=lambda np, g, a, c, o: (o * (g - np.sum(g * o, axis=-1, keepdims=True)),),
        shape=lambda s, c: _last_axis(s, True, "softmax")), spelling="softmax",
        about="exp(x) / sum(exp(x)) along the last axis", derivative_text="p * (g - sum(g * p))"),
    _tensor_op("logsumexp", 1, "logsumexp", "logsumexp(x)", Array(
        _np_logsumexp,
        vjp=lambda np, g, a, c, o: (np.expand_dims(g, -1) * _np_softmax(np, a),),
        shape=lambda s, c: _last_axis(s, False, "logsumexp")), spelling="logsumexp",
        about="log(sum(exp(x))) along the last axis, without overflow",
        derivative_text="softmax(x)"),
]


#: Every primitive by name.
OPS: dict[str, Op] = {op.name: op for op in _OPS + _TENSOR_OPS}

#: The ops that exist for arrays only: a program using one runs the array passes.
TENSOR_OPS = frozenset(name for name, op in OPS.items() if op.tensor)

#: Functions the grammar accepts, with how many arguments each takes.
FUNCTIONS: dict[str, int] = {op.spelling: op.arity for op in OPS.values()
                             if op.spelling is not None}

#: Named constants; every other identifier is a variable.
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}

#: Function name in the grammar -> op name.
FUNCTION_OP: dict[str, str] = {op.spelling: op.name for op in OPS.values()
                               if op.spelling is not None}

#: A function that also takes an axis (``sum(A, 1)``; ``max(A, axis=1)``) -> that op; with
#: one argument max is the largest element (``max(a, b)`` stays the larger of two).
AXIS_OP: dict[str, str] = {"sum": "sum_axis", "mean": "mean_axis", "max": "amax_axis"}
ONE_ARGUMENT_OP: dict[str, str] = {"max": "amax"}


def grammar_help(width: int = 80) -> str:
    """The grammar's functions and constants as a sentence for help, wrapped to ``width``."""
    import textwrap

    sentence = say("grammar.functions", functions=" ".join(FUNCTIONS),
                   constants=say("grammar.and").join(CONSTANTS))
    return "\n".join(textwrap.wrap(sentence, width))


#: Binary operator symbol -> op name, when both operands are wires.
BINARY_OPERATOR = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow", "@": "matmul"}

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
