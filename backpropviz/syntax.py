"""Text -> syntax tree, with source positions so errors can point at a line and column.

A linear tokenizer and an iterative operator-precedence (shunting-yard) parser: no input
can run code (nothing is ever evaluated), and depth is limited only by memory, not by
Python's recursion limit (1,000 nested parentheses and 100,000-term sums both parse).
"""

from __future__ import annotations

import re

from .errors import ExpressionSyntaxError, shorten
from .ops import CONSTANTS, FUNCTIONS  # the op table says which functions exist

__all__ = [
    "FUNCTIONS",
    "CONSTANTS",
    "Expr",
    "Number",
    "Name",
    "Unary",
    "Binary",
    "Call",
    "Statement",
    "Program",
    "parse",
    "parse_program",
    "is_name",
]



class Expr:
    """A syntax-tree node; ``start``/``end`` delimit its text (0-based, end exclusive).

    ``outer_start``/``outer_end`` also cover the parentheses written around it, so a parent
    spans its operands exactly as the user wrote them.
    """

    __slots__ = ("start", "end", "outer_start", "outer_end")

    def __init__(self, start: int, end: int) -> None:
        self.start = self.outer_start = start
        self.end = self.outer_end = end


class Number(Expr):
    """A numeric literal (or named constant); ``text`` is how the user wrote it."""

    __slots__ = ("value", "text")

    def __init__(self, value: float, text: str, start: int, end: int) -> None:
        super().__init__(start, end)
        self.value = value
        self.text = text


class Name(Expr):
    """A variable."""

    __slots__ = ("name",)

    def __init__(self, name: str, start: int, end: int) -> None:
        super().__init__(start, end)
        self.name = name


class Unary(Expr):
    """Prefix negation ``-operand``."""

    __slots__ = ("op", "operand")

    def __init__(self, op: str, operand: Expr, start: int) -> None:
        super().__init__(start, operand.outer_end)
        self.op = op
        self.operand = operand


class Binary(Expr):
    """``left op right`` for op in ``+ - * / **`` (``^`` is read as ``**``)."""

    __slots__ = ("op", "left", "right")

    def __init__(self, op: str, left: Expr, right: Expr) -> None:
        super().__init__(left.outer_start, right.outer_end)
        self.op = op
        self.left = left
        self.right = right


class Call(Expr):
    """``func(args...)`` for one of :data:`FUNCTIONS`."""

    __slots__ = ("func", "args")

    def __init__(self, func: str, args: list[Expr], start: int, end: int) -> None:
        super().__init__(start, end)
        self.func = func
        self.args = args


class Statement:
    """One statement of a program: ``target op expr`` (op is ``=``, ``+=``, ``-=``, ``*=``,
    ``/=``), or a bare expression when ``target`` is None. ``pos`` is where it starts."""

    __slots__ = ("target", "op", "expr", "pos")

    def __init__(self, target: str | None, op: str | None, expr: Expr, pos: int) -> None:
        self.target = target
        self.op = op
        self.expr = expr
        self.pos = pos


class Program:
    """A parsed program: statements in order (a single expression is one bare statement)."""

    __slots__ = ("text", "statements")

    def __init__(self, text: str, statements: list[Statement]) -> None:
        self.text = text
        self.statements = statements

    def __repr__(self) -> str:
        return f"Program(text={self.text!r}, statements={self.statements!r})"


# A token is (kind, text, pos); kind is num, name, op, assign, sep (';' or a newline
# outside parentheses) or end.
Token = tuple

_TOKEN = re.compile(
    r"""(?P<ws>[ \t\r\f\v]+)
      | (?P<comment>\#[^\n]*)
      | (?P<nl>\n)
      | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
      | (?P<name>[^\W\d]\w*)
      | (?P<assign>[-+*/]?=(?!=))
      | (?P<op>\*\*|[-+*/^(),])
      | (?P<sep>;)""",
    re.VERBOSE,
)

_NAME = re.compile(r"[^\W\d]\w*")  # as the name token above and compile.py's scanner


def is_name(text: str) -> bool:
    """Whether ``text`` is a name as the parser reads one (``x₁`` is, though Python's
    ``isidentifier`` says no), so every variable can be given a value by name."""
    return _NAME.fullmatch(text) is not None


# Binary operators: precedence and right-associativity.
_BINARY = {"+": (1, False), "-": (1, False), "*": (2, False), "/": (2, False), "**": (4, True)}
_UNARY_PREC = 3  # -x**2 is -(x**2); -x*y is (-x)*y, as in Python


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; anything outside the grammar is a located error.

    A newline separates statements, except inside parentheses where it is just space.
    """
    tokens: list[Token] = []
    append = tokens.append
    pos, n, depth = 0, len(text), 0
    match = _TOKEN.match
    while pos < n:
        m = match(text, pos)
        if m is None:
            raise ExpressionSyntaxError(f"unexpected character {_show_char(text[pos])}", text, pos)
        kind = m.lastgroup
        tok = m.group()
        if kind == "op":
            if tok == "(":
                depth += 1
            elif tok == ")" and depth:
                depth -= 1
            append(("op", "**" if tok == "^" else tok, pos))
        elif kind == "nl":
            if not depth:
                append(("sep", "\n", pos))
        elif kind != "ws" and kind != "comment":
            append((kind, tok, pos))
        pos = m.end()
    append(("end", "", n))
    return tokens


def _show_char(ch: str) -> str:
    """Quote one character readably, escaping control characters such as NUL."""
    if ch == "'":
        return '"\'"'
    if ch.isprintable():
        return f"'{ch}'"
    return repr(ch)


def _describe(tok: Token) -> str:
    kind, text = tok[0], tok[1]
    if kind == "end":
        return "the end of the expression"
    if text == "\n":
        return "the end of the line"
    return f"'{text}'"


class _Group:
    """An open parenthesis on the operator stack; ``func`` is set for a call's parenthesis."""

    __slots__ = ("pos", "func", "func_pos", "args")

    def __init__(self, pos: int, func: str | None = None, func_pos: int = 0) -> None:
        self.pos = pos
        self.func = func
        self.func_pos = func_pos
        self.args: list[Expr] = []


def parse(text: str) -> Expr:
    """Parse one expression (not a program) into a syntax tree."""
    program = parse_program(text)
    first = program.statements[0]
    if len(program.statements) > 1 or first.target is not None:
        raise ExpressionSyntaxError("expected one expression, not a program", text, first.pos)
    return first.expr


def parse_program(text: str) -> Program:
    """Parse statements separated by ';' or newlines, each ``NAME = expr``, an augmented
    assignment (``NAME += expr``, ``-=``, ``*=``, ``/=``), or, last, a bare expression."""
    tokens = tokenize(text)
    statements: list[Statement] = []
    i = 0
    while True:
        kind, val, pos = tokens[i]
        if kind == "sep":
            i += 1
            continue
        if kind == "end":
            break
        target = op = None
        if kind == "name" and tokens[i + 1][0] == "assign":
            if val in FUNCTIONS or val in CONSTANTS:
                what = "function" if val in FUNCTIONS else "constant"
                raise ExpressionSyntaxError(f"cannot assign to '{val}': it is a {what}", text, pos)
            target, op = val, tokens[i + 1][1]
            i += 2
        expr, i = _expression(tokens, i, text)
        statements.append(Statement(target, op, expr, pos))
    if not statements:
        raise ExpressionSyntaxError("the expression is empty", text, len(text))
    for statement in statements[:-1]:
        if statement.target is None:
            raise ExpressionSyntaxError(
                "only the last statement can be a bare expression", text, statement.pos,
                "; give it a name (name = ...)")
    return Program(text, statements)


def _expression(tokens: list[Token], i: int, text: str) -> tuple[Expr, int]:
    """Parse one expression from ``tokens[i]`` up to a separator or the end.

    Returns the tree and the index of the token after it.
    """
    operands: list[Expr] = []
    # Operator stack entries: ("bin", op, pos), ("neg", "-", pos) or a _Group.
    stack: list[object] = []

    def reduce_top() -> None:
        kind, op, pos = stack.pop()  # type: ignore[misc]
        if kind == "bin":
            right = operands.pop()
            left = operands.pop()
            operands.append(Binary(op, left, right))
        else:
            operand = operands.pop()
            if type(operand) is Number and operand.outer_start == operand.start:
                # -3 is the number -3 (a constant, not a negation gate)
                operands.append(Number(-operand.value, "-" + operand.text, pos, operand.end))
            else:
                operands.append(Unary("-", operand, pos))

    expect_operand = True
    while True:
        tok = tokens[i]
        kind, val, pos = tok
        if kind == "assign":
            raise ExpressionSyntaxError(f"'{val}' can only follow a name at the start of a "
                                        "statement", text, pos, _open_paren_hint(stack, text, pos))
        if expect_operand:
            if kind == "num":
                operands.append(Number(float(val), val, pos, pos + len(val)))
                expect_operand = False
            elif kind == "name":
                nxt = tokens[i + 1]
                if nxt[1] == "(" and nxt[0] == "op":
                    if val not in FUNCTIONS:
                        raise ExpressionSyntaxError(
                            f"unknown function '{shorten(val)}'", text, pos,
                            f"; supported: {', '.join(FUNCTIONS)}")
                    stack.append(_Group(nxt[2], val, pos))
                    i += 1  # the '(' is consumed with the name
                elif val in FUNCTIONS:
                    raise ExpressionSyntaxError(
                        f"'{val}' is a function: write {val}(...)", text, pos)
                elif val in CONSTANTS:
                    operands.append(Number(CONSTANTS[val], val, pos, pos + len(val)))
                    expect_operand = False
                else:
                    operands.append(Name(val, pos, pos + len(val)))
                    expect_operand = False
            elif val == "(":
                stack.append(_Group(pos))
            elif val == "-":
                stack.append(("neg", "-", pos))
            elif val == "+" or val == "\n":
                pass  # unary plus changes nothing; a line may break after an operator
            elif val == ")" and stack and isinstance(stack[-1], _Group) and stack[-1].func:
                group = stack[-1]
                raise ExpressionSyntaxError(
                    f"{group.func}() needs {_arguments(FUNCTIONS[group.func])}", text, pos)
            else:
                raise ExpressionSyntaxError(
                    f"expected a number, a name or '(' but found {_describe(tok)}", text, pos)
        else:
            if kind == "op" and val in _BINARY:
                prec, right_assoc = _BINARY[val]
                while stack and not isinstance(stack[-1], _Group):
                    top = stack[-1]
                    top_prec = _BINARY[top[1]][0] if top[0] == "bin" else _UNARY_PREC  # type: ignore[index]
                    if top_prec > prec or (top_prec == prec and not right_assoc):
                        reduce_top()
                    else:
                        break
                stack.append(("bin", val, pos))
                expect_operand = True
            elif val == ")" or val == ",":
                while stack and not isinstance(stack[-1], _Group):
                    reduce_top()
                if not stack:
                    what = "')' has no matching '('" if val == ")" else "',' outside a function call"
                    raise ExpressionSyntaxError(what, text, pos)
                group = stack[-1]
                assert isinstance(group, _Group)
                if val == ",":
                    if group.func is None:
                        raise ExpressionSyntaxError("',' outside a function call", text, pos)
                    group.args.append(operands.pop())
                    expect_operand = True
                else:
                    stack.pop()
                    if group.func is None:
                        inner = operands[-1]
                        inner.outer_start, inner.outer_end = group.pos, pos + 1
                    else:
                        group.args.append(operands.pop())
                        want = FUNCTIONS[group.func]
                        if len(group.args) != want:
                            raise ExpressionSyntaxError(
                                f"{group.func}() takes {_arguments(want)}, got {len(group.args)}",
                                text, group.func_pos)
                        operands.append(Call(group.func, group.args, group.func_pos, pos + 1))
            elif kind == "end" or kind == "sep":
                break
            else:
                hint = _open_paren_hint(stack, text, pos)
                if not hint and (kind in ("name", "num") or val == "("):
                    hint = f"; write '*' to multiply: {shorten(tokens[i - 1][1], 15)}*{shorten(val, 15)}"
                raise ExpressionSyntaxError(f"expected an operator but found {_describe(tok)}",
                                            text, pos, hint)
        i += 1
    while stack:
        top = stack[-1]
        if isinstance(top, _Group):
            raise ExpressionSyntaxError("'(' is never closed", text, top.pos)
        reduce_top()
    return operands[0], i


def _open_paren_hint(stack: list[object], text: str, pos: int) -> str:
    """When an error follows a line break inside parentheses, the likely cause: a '('
    left open on an earlier line (inside parentheses a newline does not end a statement)."""
    group = next((g for g in reversed(stack) if isinstance(g, _Group)), None)
    if group is None or "\n" not in text[group.pos:pos]:
        return ""
    line = text.count("\n", 0, group.pos) + 1
    column = group.pos - text.rfind("\n", 0, group.pos)
    return f"; the '(' at line {line}, column {column} is still open"


def _arguments(count: int) -> str:
    return "1 argument" if count == 1 else f"{count} arguments"
