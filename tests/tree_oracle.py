"""The tree route: the parser backpropviz used before its one-pass parser (text -> syntax
tree -> graph), kept as an independent reference for the tests. It knows the same grammar
but method calls (u.relu()), and builds the same graph node for node.
"""
from __future__ import annotations

import math
import re

from backpropviz.errors import BackpropvizError, ExpressionSyntaxError, name_list, shorten
from backpropviz.graph import Graph, Store
from backpropviz.ops import AXIS_OP, BINARY_OPERATOR, FOLDED, FUNCTION_OP, ONE_ARGUMENT_OP, OPS
from backpropviz.ops import FUNCTIONS as _FUNCTIONS

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

FUNCTIONS = dict(_FUNCTIONS)

#: Named constants; every other identifier is a variable.
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}


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

_NAME = re.compile(r"[^\W\d]\w*")  # as the name token above and parse.py's scanner


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
    assigned: set[str] = set()
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
            if val in FUNCTIONS:
                raise ExpressionSyntaxError(f"cannot assign to '{val}': it is a function", text, pos)
            target, op = val, tokens[i + 1][1]
            i += 2
        expr, i = _expression(tokens, i, text, assigned)
        statements.append(Statement(target, op, expr, pos))
        if target is not None:
            assigned.add(target)  # e and pi too: from here on they are variables
    if not statements:
        raise ExpressionSyntaxError("the expression is empty", text, len(text))
    for statement in statements[:-1]:
        if statement.target is None:
            raise ExpressionSyntaxError(
                "only the last statement can be a bare expression", text, statement.pos,
                "; give it a name (name = ...)")
    return Program(text, statements)


def _expression(tokens: list[Token], i: int, text: str,
                assigned: set[str] = frozenset()) -> tuple[Expr, int]:
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
                elif val in CONSTANTS and val not in assigned:
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
                    f"{group.func}() needs {_arguments(_wanted(group.func))}", text, pos)
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
                        one = len(group.args) == 1 and group.func in ONE_ARGUMENT_OP
                        if len(group.args) != want and not one:
                            raise ExpressionSyntaxError(
                                f"{group.func}() takes {_arguments(_wanted(group.func))}, "
                                f"got {len(group.args)}",
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


def _wanted(func: str) -> int | None:
    """How many arguments ``func`` takes; None: 1 or 2 (max(A), max(x, y); sum(A, 0))."""
    return None if func in ONE_ARGUMENT_OP or func in AXIS_OP else FUNCTIONS[func]


def _arguments(count: int | None) -> str:
    if count is None:
        return "1 or 2 arguments"
    return "1 argument" if count == 1 else f"{count} arguments"


def build(program: Program, output: str | None = None) -> Graph:
    """Turn a parsed program into a graph, iteratively (no recursion, so any depth works).

    Each assignment names the node it makes; a re-assigned name is a new node each time
    (static single assignment). The output is the last statement's value, or the last
    value assigned to ``output``.
    """
    return _Builder(program).finish(output)


class _Builder:
    """Builds a graph statement by statement, tracking which name means which node."""

    def __init__(self, program: Program) -> None:
        self.text = program.text
        self.store = Store()
        self.variables: dict[str, int] = {}
        self.env: dict[str, int] = {}            # assigned name -> its current node
        self.version: dict[str, Statement] = {}  # assigned name -> the statement assigning it
        self.read: set[int] = set()              # ids of statements whose value was read
        first: dict[str, Statement] = {}
        for statement in program.statements:
            if statement.target is not None:
                first.setdefault(statement.target, statement)
        self.first_assignment = first
        self.warnings: list[str] = []
        self.statements = program.statements
        for statement in program.statements:
            self.statement(statement)

    def add(self, op: str, label: str, inputs: tuple[int, ...], span: tuple[int, int],
            name: str | None = None, const: Number | None = None) -> int:
        param, text = (const.value, const.text) if const is not None else (None, None)
        a = inputs[0] if inputs else -1
        b = inputs[1] if len(inputs) > 1 else -1
        return self.store.add(op, label, a, b, span[0], span[1], name, param, text)

    def name(self, expr: Name) -> int:
        """The node a name stands for: an assigned value, else a variable (one leaf each)."""
        name = expr.name
        if name in self.env:
            self.read.add(id(self.version[name]))
            return self.env[name]
        if name in self.first_assignment:
            line = _line(self.text, self.first_assignment[name].pos)
            raise ExpressionSyntaxError(f"'{shorten(name)}' is used before it is assigned", self.text,
                                        expr.start, f" (it is assigned on line {line})")
        if name not in self.variables:
            self.variables[name] = self.add("input", name, (), (expr.start, expr.end), name=name)
        return self.variables[name]

    def const(self, expr: Number) -> int:
        return self.add("const", expr.text, (), (expr.start, expr.end), const=expr)

    def binary(self, op: str, left: Expr | int, right: Expr | int, span: tuple[int, int]) -> int:
        """A gate for ``left op right``, where each side is a constant or a built node id.

        One constant side is folded into a one-input gate labelled as CS231n does (``+1``).
        """
        lconst, rconst = type(left) is Number, type(right) is Number
        if lconst != rconst:
            const, other = (left, right) if lconst else (right, left)
            name = FOLDED[op][1 if lconst else 0]
            label = OPS[name].label.format(c=const.text)  # type: ignore[union-attr]
            return self.add(name, label, (other,), span,  # type: ignore[arg-type]
                            const=const)  # type: ignore[arg-type]
        a = self.const(left) if lconst else left  # type: ignore[arg-type]
        b = self.const(right) if rconst else right  # type: ignore[arg-type]
        name = BINARY_OPERATOR[op]
        return self.add(name, OPS[name].label, (a, b), span)  # type: ignore[arg-type]

    def expr(self, tree: Expr) -> int:
        """Build the nodes of one expression; return the id of its root."""
        kind = type(tree)
        if kind is Number:
            return self.const(tree)  # type: ignore[arg-type]
        if kind is Name:
            return self.name(tree)  # type: ignore[arg-type]
        done: dict[int, int] = {}  # id(subtree) -> node id
        # Post-order walk with an explicit stack of (subtree, children_pushed).
        stack: list[tuple[Expr, bool]] = [(tree, False)]
        while stack:
            expr, expanded = stack.pop()
            kind = type(expr)
            if kind is Name:
                done[id(expr)] = self.name(expr)  # type: ignore[arg-type]
                continue  # (visited in reading order, so variables are numbered that way)
            if not expanded:
                stack.append((expr, True))
                for child in reversed(_children(expr)):
                    if type(child) is not Number:  # constants wait for the parent: they may fold
                        stack.append((child, False))
                continue
            span = (expr.start, expr.end)
            if kind is Binary:
                node_id = self.binary(expr.op, *(c if type(c) is Number else done.pop(id(c))  # type: ignore[attr-defined]
                                                 for c in (expr.left, expr.right)), span)  # type: ignore[attr-defined]
            else:
                inputs = tuple(self.const(c) if type(c) is Number else done.pop(id(c))  # type: ignore[arg-type]
                               for c in _children(expr))
                op = "neg" if kind is Unary else FUNCTION_OP[expr.func]  # type: ignore[attr-defined]
                if len(inputs) == 1 and op in ONE_ARGUMENT_OP:  # max(A): the largest element
                    op = ONE_ARGUMENT_OP[op]
                node_id = self.add(op, OPS[op].label, inputs, span)
            done[id(expr)] = node_id
        return done[id(tree)]

    def statement(self, statement: Statement) -> None:
        target, expr = statement.target, statement.expr
        count = len(self.store.op)
        if statement.op is not None and statement.op != "=":
            # c += e is c = c + e: the gate reads the previous c
            if target not in self.env:
                raise ExpressionSyntaxError(f"'{shorten(target)}' is used before it is assigned",
                                            self.text, statement.pos,
                                            f" ({statement.op} needs an earlier value)")
            previous = self.name(Name(target, statement.pos, statement.pos))  # type: ignore[arg-type]
            right: Expr | int = expr if type(expr) is Number else self.expr(expr)
            root = self.binary(statement.op[:-1], previous, right, (statement.pos, expr.end))
        else:
            root = self.expr(expr)
        if target is None:
            self.result = root
            return
        store = self.store
        if root >= count and store.op[root] != "input":
            store.name[root] = target  # a node made by this statement takes its name
        self.env[target] = root
        self.version[target] = statement
        self.result = root

    def finish(self, output: str | None) -> Graph:
        last = self.statements[-1]
        if output is not None:
            if output not in self.env:
                assigned = name_list(list(self.env)) or "none"
                raise BackpropvizError(f"no statement assigns '{shorten(output)}' "
                                       f"(assigned names: {assigned})")
            root = self.env[output]
            self.read.add(id(self.version[output]))
        else:
            root = self.result
            if last.target is not None:
                self.read.add(id(last))
        for statement in self.statements:
            if statement.target is not None and id(statement) not in self.read:
                self.warnings.append(f"'{statement.target}' (line {_line(self.text, statement.pos)})"
                                     " is assigned but never used")
        store = self.store
        named = store.name[root] if store.op[root] != "input" else None  # `q = x*2; q`
        return Graph(self.text, store, root, self.variables,
                     output_name=output or last.target or named, warnings=self.warnings)


def _count(n: int, noun: str) -> str:
    """``1 node``, ``2 nodes``."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _children(expr: Expr) -> tuple[Expr, ...]:
    kind = type(expr)
    if kind is Binary:
        return (expr.left, expr.right)  # type: ignore[attr-defined]
    if kind is Unary:
        return (expr.operand,)  # type: ignore[attr-defined]
    return tuple(expr.args)  # type: ignore[attr-defined]
