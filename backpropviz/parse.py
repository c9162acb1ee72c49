"""Text -> graph: the one parser, with located errors (line, column, a caret).

One regex scan (in C) and one shunting-yard whose every reduction appends its gate to the
graph's columns (as :mod:`backpropviz.graph` describes the graph): no syntax tree, nothing
evaluated or compiled, no recursion. ``e`` and ``pi`` are constants until assigned.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator, List, Optional, Tuple

from .errors import BackpropvizError, ExpressionSyntaxError, name_list, shorten
from .lang import Message, message
from .graph import Graph, PausedGC, Store
from .names import NAME_PATTERN as _NAME, normal_name
from .ops import (AXIS_OP, BINARY_OPERATOR, CONSTANTS, FOLDED, FUNCTION_OP, FUNCTIONS,
                  ONE_ARGUMENT_OP, OPS, axis_label)

__all__ = ["build_expression"]

# (blanks, token) pairs; the catch-all '.' makes a character outside the grammar a token.
_SCAN = re.compile(r"""([ \t\r\f\v]*)
    ( axis[ \t]*=(?!=)
    | [^\W\d]\w*
    | (?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?
    | \*\* | ==+ | [-+*/]?=(?!=) | [-+*/^(),;\n.@\[\]]
    | \#[^\n]*
    | [ \t\r\f\v]+
    | . )""", re.VERBOSE | re.DOTALL)

# Token kinds (WIDE: a name with a character beyond ASCII; AXIS: 'axis=' in sum(A, axis=0)).
NAME, FUNC, CONST, NUM, BIN, LPAREN, RPAREN, COMMA, SEP, NEWLINE, ASSIGN, COMMENT, DOT, \
    BAD, END, WIDE, LBRACK, RBRACK, AXIS = range(19)
_KIND: dict[str, int] = {"+": BIN, "-": BIN, "*": BIN, "/": BIN, "**": BIN, "^": BIN,
                         "(": LPAREN, ")": RPAREN, ",": COMMA, ";": SEP, "\n": NEWLINE,
                         "=": ASSIGN, "+=": ASSIGN, "-=": ASSIGN, "*=": ASSIGN, "/=": ASSIGN,
                         ".": DOT, "": END, "@": BIN, "[": LBRACK, "]": RBRACK}
_NAME_KIND = {**dict.fromkeys(CONSTANTS, CONST), **dict.fromkeys(FUNCTIONS, FUNC)}  # else NAME

# Binary operators: (precedence, right-associative). Unary minus binds between * and **.
_BINARY = {"+": (1, False), "-": (1, False), "*": (2, False), "/": (2, False),
           "@": (2, False), "**": (4, True), "^": (4, True)}
_NEG = 3
_GROUP = 0  # an open parenthesis on the operator stack: below every operator

# Parser states: what the next token may be.
START, TARGET, OPERAND, OPERATOR, CALL, METHOD, METHOD_OPEN, METHOD_CLOSE, INDEX, \
    INDEX_NEXT = range(10)

PIECE = 1 << 16  # characters scanned at a time (about 10,000 tokens: little memory at 10 MB)
_CUT = re.compile(r"(?<=[-+*/(,;]) ")

# An operand: (node id, or -1 for a constant not yet made a node; start; end; outer start;
# outer end (with the parentheses written around it); constant value; constant text).
Operand = Tuple[int, int, int, int, int, Optional[float], Optional[str]]
_AXIS = -2  # an argument list's mark: the next argument is the axis (sum(A, axis=0))
# An operator-stack entry: (precedence, operator, position) or, for a parenthesis,
# (_GROUP, function name or None, '(' position, function position, arguments).
Entry = Tuple[int, Optional[str], int, int, Optional[List[Operand]]]
Row = Tuple[str, str, int, int, Optional[float], Optional[str], int, int]


def build_expression(text: str, output: Optional[str] = None) -> Graph:
    """The graph of ``text`` (an expression or a program); ``output``: an assigned name."""
    parser = _Parser(text)
    try:
        with PausedGC():  # many small tuples, no cycles: the collector would only rescan them
            return parser.run(output)
    finally:
        parser.close()


def _kind(tok: str) -> int:
    """The kind of a token not in the fixed table: a name, number, comment or stray."""
    ch = tok[0]
    if tok[-1] == "=" and tok.startswith("axis"):
        return AXIS
    if ch == "#" or ch in " \t\r\f\v":
        return COMMENT  # (a comment, or blanks at the end: skipped)
    if ch.isdecimal() or (ch == "." and len(tok) > 1):
        return NUM
    if not _NAME.match(ch):
        return BAD  # a stray character, or '=='
    return _NAME_KIND.get(tok, NAME) if tok.isascii() else WIDE


def _pieces(text: str) -> Iterator[list[tuple[str, str]]]:
    """The (blanks, token) pairs of ``text``, :data:`PIECE` characters at a time, then the end."""
    size, at = len(text), 0
    while at < size:
        end = _piece_end(text, at, size)
        yield _SCAN.findall(text, at, end)
        at = end
    yield [("", "")]


def _piece_end(text: str, at: int, size: int) -> int:
    """Where a piece starting at ``at`` ends: after its last newline, or on a long line at a
    space after an operator before any comment, so no token is cut in two."""
    if at + PIECE >= size:
        return size
    nl = text.rfind("\n", at, at + PIECE)
    if nl >= 0:
        return nl + 1
    line_end = text.find("\n", at + PIECE) + 1 or size  # (after the line's newline)
    comment = text.find("#", text.rfind("\n", 0, at) + 1, line_end)
    cut = _CUT.search(text, at + PIECE, line_end if comment < 0 else comment)
    return line_end if cut is None else cut.start()


def _describe(kind: int, tok: str) -> str:
    """A token as a message names it."""
    if kind == END:
        return message("parse.end_of_expression")
    if tok == "\n":
        return message("parse.end_of_line")
    return message("parse.token", token="'**'" if tok == "^" else f"'{tok}'")


def _arguments(func: str) -> Message:
    """``1 argument``, ``2 arguments``; ``1 or 2 arguments`` where a second is optional."""
    count = FUNCTIONS[func]
    if func in ONE_ARGUMENT_OP or func in AXIS_OP:
        return message("parse.arguments_1_or_2")
    return message("parse.argument") if count == 1 else message("parse.arguments", count=count)


class _Parser:
    """One parse: the graph's rows as they grow, the operand and operator stacks, the names."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.rows: list[Any] = []      # 8 fields a node, flat (split into columns at the end)
        self.row = self.rows.extend
        self.n = 0                     # nodes made
        self.operands: list[Operand] = []
        self.push = self.operands.append
        self.pop = self.operands.pop
        self.stack: list[Entry] = []
        self.depth = 0                 # open parentheses (a newline inside them is a blank)
        self.state = START
        self.env: dict[str, tuple[int, int]] = {}  # name -> (node, statement that set it)
        self.variables: dict[str, int] = {}
        self.named: dict[int, str] = {}
        self.statements: list[tuple[Optional[str], int]] = []  # (target, position)
        self.read: list[bool] = []
        self.aug: Optional[tuple[str, int]] = None  # name += ...: ('+', the node it updates)
        self.first = 0                 # the first node of the current statement
        self.result = -1
        self.kinds = dict(_KIND)
        self.spellings: dict[str, tuple[int, str]] = {}  # a WIDE name -> (kind, NFKC)
        self.labels = {name: op.label for name, op in OPS.items()}
        self.call: tuple[str, int] = ("", 0)  # a function (or method) waiting for '('
        self.index: list[int] = []     # the integers read so far of an index [i, j]
        self.sign = 1                  # the sign of its next integer
        self.unassigned: Optional[ExpressionSyntaxError] = None  # a read before assignment
        self.handlers: tuple[Callable[[int, str, int], None], ...] = (
            self._start, self._target, self._operand, self._operator, self._call_paren,
            self._method_name, self._method_open, self._method_close, self._index, self._index_next)

    def close(self) -> None:
        """Drop the rows and the bound methods: they make the parser a reference cycle, which
        the command never collects (its cyclic collector is off), so the rows would stay."""
        self.handlers = ()
        self.rows = []
        del self.row, self.push, self.pop

    # ---- the token loop
    def run(self, output: Optional[str]) -> Graph:
        """Read every token, then finish the graph."""
        kinds, handlers = self.kinds, self.handlers
        if not self.text.isascii():  # the states where a name means something get spellings
            handlers = tuple(self._spelled(h) if state in (START, OPERAND, METHOD) else h
                             for state, h in enumerate(handlers))
        pos = 0
        for pairs in _pieces(self.text):
            for ws, tok in pairs:
                p = pos + len(ws)
                pos = p + len(tok)
                kind = kinds.get(tok)
                if kind is None:
                    kind = kinds[tok] = _kind(tok)
                handlers[self.state](kind, tok, p)
        return self.finish(output)

    def _spelled(self, handler: Callable[[int, str, int], None]
                 ) -> Callable[[int, str, int], None]:
        """``handler``, given a name with non-ASCII characters in its NFKC spelling."""
        def spelled(kind: int, tok: str, pos: int) -> None:
            kind, name = self.wide(tok) if kind == WIDE else (kind, tok)
            handler(kind, name, pos)
            if len(name) != len(tok):
                self.respan(pos, pos + len(name), pos + len(tok))
        return spelled

    def respan(self, pos: int, end: int, typed_end: int) -> None:
        """A name read at ``pos`` whose NFKC spelling ends at ``end`` (``ﬁ`` is ``fi``): its
        operand, and a variable's leaf made there, end where the typed name ends."""
        x = self.operands[-1] if self.operands else None
        if x is None or x[1] != pos or x[2] != end or end == typed_end:
            return
        self.operands[-1] = (x[0], pos, typed_end, pos, typed_end, x[5], x[6])
        row = 8 * x[0]
        if x[0] >= 0 and self.rows[row + 6] == pos and self.rows[row + 7] == end:
            self.rows[row + 7] = typed_end  # the variable's leaf, made at this read

    def wide(self, tok: str) -> tuple[int, str]:
        """A name with non-ASCII characters: its kind and its NFKC spelling (remembered)."""
        found = self.spellings.get(tok)
        if found is None:
            normal = normal_name(tok)
            found = self.spellings[tok] = (_NAME_KIND.get(normal, NAME), normal)
        return found

    def error(self, reason: str, pos: int, hint: str = "") -> ExpressionSyntaxError:
        """The error to raise: this one, or a read before assignment further left."""
        found = self.unassigned
        if found is not None and found.pos < pos:
            return found
        return ExpressionSyntaxError(reason, self.text, pos, hint)

    def _stray(self, kind: int, tok: str, pos: int) -> None:
        """Tokens that are wrong wherever they stand: a stray character, a misplaced '='."""
        if kind == BAD:  # (quoted readably: a control character such as NUL escaped)
            ch = tok[0]
            char = f"'{ch}'" if ch.isprintable() and ch != "'" else repr(ch)
            raise self.error(message("parse.unexpected_char", char=char), pos)
        if kind == ASSIGN:
            raise self.error(message("parse.assign_misplaced", tok=tok),
                             pos, self.open_paren_hint(pos))
        if kind == AXIS:
            raise self.error(message("parse.axis_misplaced"), pos, message("parse.hint_axis"))

    def expected(self, key: str, kind: int, tok: str, pos: int, hint: str = "",
                 **fields: str) -> ExpressionSyntaxError:
        """The error for ``tok`` where message ``key``'s token was expected."""
        self._stray(kind, tok, pos)
        return self.error(message(key, found=_describe(kind, tok), **fields), pos, hint)

    # ---- statements
    def _start(self, kind: int, tok: str, pos: int) -> None:
        """A token where a statement may begin."""
        if kind in (SEP, NEWLINE, COMMENT, END):
            return
        if kind == AXIS:  # 'axis = ...': a statement assigning a variable named axis
            self._start(NAME, "axis", pos)
            self._target(ASSIGN, "=", pos + len(tok) - 1)
            return
        self._stray(kind, tok, pos)
        if self.statements and self.statements[-1][0] is None:  # after a bare expression
            raise self.error(message("parse.bare_not_last"), self.statements[-1][1],
                             message("parse.hint_name_it"))
        self.statements.append((None, pos))
        self.read.append(False)
        self.first = self.n
        self.aug = None
        if kind in (NAME, CONST, FUNC):  # NAME = ... or an expression: the next token tells
            self.call = (tok, pos)
            self.state = TARGET
            return
        self.state = OPERAND
        self._operand(kind, tok, pos)

    def _target(self, kind: int, tok: str, pos: int) -> None:
        """The token after a statement's first name: '=' makes the name its target."""
        if kind == COMMENT:
            return
        name, name_pos = self.call
        self.state = OPERAND
        if kind == ASSIGN:
            self._begin_assignment(name, tok, name_pos)
            return
        self._operand(_NAME_KIND.get(name, NAME), name, name_pos)
        typed = _NAME.match(self.text, name_pos)  # (a name typed beyond ASCII: its typed span)
        if typed is not None:
            self.respan(name_pos, name_pos + len(name), typed.end())
        self.handlers[self.state](kind, tok, pos)

    def _begin_assignment(self, name: str, aug: str, pos: int) -> None:
        """``name =`` (or ``name +=`` ...) starts the statement."""
        if name in FUNCTIONS:
            raise self.error(message("parse.assign_function", name=name), pos)
        self.statements[-1] = (name, pos)
        if aug != "=":
            if name in self.variables:
                self._used_before(name)
            hit = self.env.get(name)
            if hit is None:  # (read before it is assigned, as below; parsed on as an input)
                self._defer(name, pos, message("parse.hint_aug", aug=aug))
                hit = (self._leaf(name, pos), len(self.read) - 1)  # (the error is raised)
            self.aug = (aug[:-1], hit[0])
            self.read[hit[1]] = True

    def _used_before(self, name: str) -> None:
        """``name`` was read as a variable and is assigned only now: an error at the read,
        raised when the parse ends (or at a later error), unless one further left is."""
        self._defer(name, self.rows[8 * self.variables[name] + 6], message(
            "parse.hint_assigned_on", line=self.text.count("\n", 0, self.statements[-1][1]) + 1))

    def _defer(self, name: str, pos: int, hint: str) -> None:
        """``name`` read at ``pos`` before it is assigned: the error, kept if leftmost."""
        if self.unassigned is None or pos < self.unassigned.pos:
            self.unassigned = ExpressionSyntaxError(
                message("parse.used_before", name=shorten(name)), self.text, pos, hint)

    def _end_statement(self) -> None:
        """The expression is complete: its root is the statement's node."""
        self.reduce_to(-1)
        if self.stack:
            raise self.error(message("parse.never_closed"), self.stack[-1][2])
        top = self.pop()
        target = self.statements[-1][0]
        if self.aug is not None:
            self.binary(self.aug[0], (self.aug[1], 0, 0, 0, 0, None, None), top,
                        self.statements[-1][1], top[2])
            top = self.pop()
        root = self.result = self.node_of(top)
        self.state = START
        if target is None:
            return
        if target in self.variables:
            self._used_before(target)
        if root >= self.first and self.rows[8 * root] != "input":
            self.named[root] = target
        self.env[target] = (root, len(self.statements) - 1)

    # ---- operands
    def _operand(self, kind: int, tok: str, pos: int) -> None:
        """A token where an operand is expected."""
        end = pos + len(tok)
        if kind == NAME or kind == CONST:
            hit = self.env.get(tok)
            if hit is not None:
                self.read[hit[1]] = True
                self.push((hit[0], pos, end, pos, end, None, None))
            elif kind == CONST:
                self.push((-1, pos, end, pos, end, CONSTANTS[tok], tok))
            else:
                self.push((self._leaf(tok, pos), pos, end, pos, end, None, None))
            self.state = OPERATOR
        elif kind == NUM:
            self.push((-1, pos, end, pos, end, float(tok), tok))
            self.state = OPERATOR
        else:
            self._operand_other(kind, tok, pos)

    def _leaf(self, name: str, pos: int) -> int:
        """The variable ``name``'s one leaf, made where it is first read."""
        if name not in self.variables:
            self.variables[name] = self.n
            self.row(("input", name, -1, -1, None, None, pos, pos + len(name)))
            self.n += 1
        return self.variables[name]

    def _operand_other(self, kind: int, tok: str, pos: int) -> None:
        """The rarer tokens where an operand is expected."""
        if kind == LPAREN:
            self.stack.append((_GROUP, None, pos, pos, None))
            self.depth += 1
        elif kind == FUNC:
            self.call = (tok, pos)
            self.state = CALL
        elif tok == "-":
            self.stack.append((_NEG, "neg", pos, 0, None))
        elif tok == "+" or kind == NEWLINE or kind == COMMENT:
            pass  # unary plus changes nothing; a line may break after an operator
        elif kind == AXIS and self.stack and self.stack[-1][1] in AXIS_OP \
                and self.stack[-1][4]:  # after the first argument of sum/mean/max
            args = self.stack[-1][4]
            args.append((_AXIS, pos, pos, pos, pos, None, "axis="))
        elif kind == RPAREN and self.stack and self.stack[-1][0] == _GROUP \
                and self.stack[-1][1] is not None:
            func = self.stack[-1][1]
            raise self.error(message("parse.needs_arguments", func=func,
                                     arguments=_arguments(func)), pos)
        else:
            raise self.expected("parse.expected_operand", kind, tok, pos)

    def node_of(self, x: Operand) -> int:
        """An operand's node: its own, or a new leaf for a constant."""
        if x[0] >= 0:
            return x[0]
        self.row(("const", x[6], -1, -1, x[5], x[6], x[1], x[2]))
        self.n += 1
        return self.n - 1

    def _call_paren(self, kind: int, tok: str, pos: int) -> None:
        """After a function's name: its '('."""
        func, func_pos = self.call
        if kind == LPAREN:
            self.stack.append((_GROUP, func, pos, func_pos, []))
            self.depth += 1
            self.state = OPERAND
        elif kind != COMMENT and not (kind == NEWLINE and self.depth):
            raise self.error(message("parse.is_function", func=func), func_pos)

    # ---- operators
    def _operator(self, kind: int, tok: str, pos: int) -> None:
        """A token where an operator is expected."""
        if kind == BIN:
            prec, right = _BINARY[tok]
            if self.stack:
                self.reduce_to(prec, right)
            self.stack.append((prec, "**" if tok == "^" else tok, pos, 0, None))
            self.state = OPERAND
        elif kind == RPAREN:
            self._close(pos)
        elif kind == COMMA:
            self.reduce_to(-1)
            arguments = self.stack[-1][4] if self.stack else None
            if arguments is None:  # not inside a function call's parentheses
                raise self.error(message("parse.comma_outside"), pos)
            arguments.append(self.pop())
            self.state = OPERAND
        elif kind == SEP or kind == END or (kind == NEWLINE and not self.depth):
            self._end_statement()
        elif kind == DOT:
            self.state = METHOD
        elif kind == LBRACK:
            self.index, self.sign = [], 1
            self.state = INDEX
        elif kind != COMMENT and kind != NEWLINE:
            self._not_an_operator(kind, tok, pos)

    def _not_an_operator(self, kind: int, tok: str, pos: int) -> None:
        """An operand (or stray) where an operator belongs: say what was probably meant."""
        self._stray(kind, tok, pos)
        last_kind, last_tok, last_pos = self.token_before(pos)
        if kind == LPAREN and last_tok == "T" and self.text[:last_pos].endswith("."):
            raise self.error(message("parse.transpose_call"), pos)
        if kind == LPAREN and last_kind in (NAME, CONST):
            raise self.unknown_function(last_tok, last_pos)
        hint = self.open_paren_hint(pos)
        if not hint and kind in (NAME, FUNC, CONST, NUM, LPAREN, WIDE):
            hint = message("parse.hint_multiply", left=shorten(last_tok, 15),
                           right=shorten(tok, 15))
        raise self.expected("parse.expected_operator", kind, tok, pos, hint)

    def unknown_function(self, name: str, pos: int) -> ExpressionSyntaxError:
        """``name(`` where ``name`` is no function: the error, with the functions there are."""
        hint = message("parse.hint_supported", functions=", ".join(FUNCTIONS))
        return self.error(message("parse.unknown_function", name=shorten(name)), pos, hint)

    def token_before(self, pos: int) -> tuple[int, str, int]:
        """The last token before ``pos`` that is not a blank or comment (for a message)."""
        at = self.statements[-1][1]
        last = (END, "", at)
        for ws, tok in _SCAN.findall(self.text, at, pos):
            at += len(ws)
            kind = self.kinds[tok] if tok in self.kinds else _kind(tok)
            if kind == WIDE:
                kind, tok = self.wide(tok)
            if kind != COMMENT and kind != NEWLINE:
                last = (kind, tok, at)
            at += len(tok)
        return last

    def open_paren_hint(self, pos: int) -> Message | str:
        """When an error follows a line break inside parentheses, the likely cause: a '('
        left open on an earlier line (where a newline does not end the statement)."""
        group = next((g for g in reversed(self.stack) if g[0] == _GROUP), None)
        if group is None or "\n" not in self.text[group[2]:pos]:
            return ""
        line = self.text.count("\n", 0, group[2]) + 1
        column = group[2] - self.text.rfind("\n", 0, group[2])
        return message("parse.hint_open_paren", line=line, column=column)

    def _close(self, pos: int) -> None:
        """')': the group's operand gets its parentheses, or the call its gate."""
        self.reduce_to(-1)
        if not self.stack:
            raise self.error(message("parse.unmatched_close"), pos)
        _, func, paren, func_pos, args = self.stack.pop()
        self.depth -= 1
        if func is None:
            x = self.operands[-1]
            self.operands[-1] = (x[0], x[1], x[2], paren, pos + 1, x[5], x[6])
            return
        assert args is not None
        args.append(self.pop())
        if func in AXIS_OP and (len(args) == 3 and args[1][0] == _AXIS
                                or len(args) == 2 and func != "max"):
            self.reduce_along(func, args[0], args[-1], func_pos, pos + 1)
            return
        if any(x[0] == _AXIS for x in args):
            raise self.error(message("parse.axis_once", func=func), func_pos)
        want = FUNCTIONS[func]
        if len(args) != want and not (len(args) == 1 and func in ONE_ARGUMENT_OP):
            raise self.error(message("parse.takes_arguments", func=func,
                                     arguments=_arguments(func), count=len(args)), func_pos)
        self.apply(func, args, func_pos, pos + 1)

    def apply(self, func: str, args: list[Operand], start: int, end: int) -> None:
        """A function's gate over ``args`` (constants become leaves, in order)."""
        a = self.node_of(args[0])
        b = self.node_of(args[1]) if len(args) > 1 else -1
        name = ONE_ARGUMENT_OP[func] if len(args) == 1 and func in ONE_ARGUMENT_OP \
            else FUNCTION_OP.get(func, func)
        self.gate((name, self.labels[name], a, b, None, None, start, end))

    def gate(self, row: Row) -> None:
        """Append a gate's row (fields as ``graph.ROW``) and push it as an operand."""
        self.row(row)
        self.push((self.n, row[6], row[7], row[6], row[7], None, None))
        self.n += 1

    def reduce_along(self, func: str, x: Operand, axis: Operand, start: int, end: int) -> None:
        """``sum(A, 1)``, ``max(A, axis=1)``: a reduction gate with its axis folded in."""
        value = axis[5]
        if axis[0] >= 0 or value is None or not value.is_integer() or "." in (axis[6] or "."):
            raise self.error(message("parse.axis_whole", func=func), axis[1])
        name, text = AXIS_OP[func], str(int(value))
        self.gate((name, axis_label(name, text), self.node_of(x), -1, value, text, start, end))

    # ---- indexing: p[2], A[1, 0]
    def _index(self, kind: int, tok: str, pos: int) -> None:
        """Inside '[': an integer (or its '-')."""
        if kind == NUM and tok.isdecimal():
            self.index.append(self.sign * int(tok))
            self.sign = 1
            self.state = INDEX_NEXT
        elif tok == "-" and self.sign == 1:
            self.sign = -1
        elif kind != COMMENT and kind != NEWLINE:
            hint = message("parse.hint_index")
            raise self.expected("parse.expected_index", kind, tok, pos, hint)

    def _index_next(self, kind: int, tok: str, pos: int) -> None:
        """After an index's integer: ',' or ']'."""
        if kind == COMMA:
            self.state = INDEX
        elif kind == RBRACK:
            x = self.pop()
            if x[0] < 0:
                raise self.error(message("parse.number_indexed"), x[1])
            text = ", ".join(map(str, self.index))
            self.gate(("index", f"[{text}]", x[0], -1, None, text, x[3], pos + 1))
            self.state = OPERATOR
        elif kind != COMMENT and kind != NEWLINE:
            raise self.expected("parse.expected_comma_bracket", kind, tok, pos)

    # ---- method calls: u.relu()
    def _method_name(self, kind: int, tok: str, pos: int) -> None:
        if tok == "T" and kind == NAME:  # A.T: as A.transpose()
            self.call = ("transpose", pos)
            self._method_close(RPAREN, "", pos)
        elif kind == FUNC and (FUNCTIONS[tok] == 1 or tok in ONE_ARGUMENT_OP):
            self.call = (tok, pos)
            self.state = METHOD_OPEN
        elif kind == FUNC:
            raise self.error(message("parse.method_arguments", func=tok,
                                     arguments=_arguments(tok)), pos)
        elif kind in (NAME, CONST):
            raise self.unknown_function(tok, pos)
        else:
            raise self.expected("parse.expected_method", kind, tok, pos)

    def _method_open(self, kind: int, tok: str, pos: int) -> None:
        if kind != LPAREN:
            func = self.call[0]
            raise self.expected("parse.expected_open_after", kind, tok, pos,
                                message("parse.hint_write_method", func=func), func=func)
        self.state = METHOD_CLOSE

    def _method_close(self, kind: int, tok: str, pos: int) -> None:
        func = self.call[0]
        if kind != RPAREN:
            raise self.expected("parse.expected_close_after", kind, tok, pos,
                                message("parse.hint_no_argument", func=func), func=func)
        x = self.pop()
        self.apply(func, [x], x[3], pos + 1)
        self.state = OPERATOR

    # ---- reductions: each makes its gate at once
    def reduce_to(self, prec: int, right: bool = False) -> None:
        """Reduce the operators above precedence ``prec`` (-1: all down to the innermost '(')."""
        stack, pop = self.stack, self.pop
        while stack:
            top = stack[-1]
            top_prec = top[0]
            if top_prec == _GROUP or top_prec < prec or (top_prec == prec and right):
                return
            stack.pop()
            if top_prec == _NEG:
                self.negate(top[2])
            else:
                y, x = pop(), pop()
                self.binary(top[1] or "", x, y, x[3], y[4])

    def negate(self, pos: int) -> None:
        """Unary minus: ``-3`` is the number -3; anything else a ``*-1`` gate."""
        x = self.pop()
        if x[0] < 0 and x[3] == x[1] and x[5] is not None:
            self.push((-1, pos, x[2], pos, x[2], -x[5], "-" + (x[6] or "")))
            return
        self.gate(("neg", self.labels["neg"], self.node_of(x), -1, None, None, pos, x[4]))

    def binary(self, op: str, x: Operand, y: Operand, start: int, end: int) -> None:
        """Push the gate for ``x op y``; one constant side folds into the gate (``+1``)."""
        a, b = x[0], y[0]
        if (a < 0) != (b < 0) and op != "@":  # ('@' has no folded form)
            name, c, a = (FOLDED[op][1], x, b) if a < 0 else (FOLDED[op][0], y, a)
            self.row((name, self.labels[name].format(c=c[6]), a, -1, c[5], c[6], start, end))
        else:
            if a < 0 or b < 0:  # constants without a folded form: leaves
                a, b = self.node_of(x), self.node_of(y)
            name = BINARY_OPERATOR[op]
            self.row((name, self.labels[name], a, b, None, None, start, end))
        self.push((self.n, start, end, start, end, None, None))
        self.n += 1

    # ---- the end
    def finish(self, output: Optional[str]) -> Graph:
        """The graph: its columns, its output, a warning per name assigned and never read."""
        if self.unassigned is not None:
            raise self.unassigned
        if not self.statements:
            raise self.error(message("parse.empty"), len(self.text))
        result = self._output(output)
        names: list[Optional[str]] = [None] * self.n
        for name, node in [*self.variables.items(), *((n, k) for k, n in self.named.items())]:
            names[node] = name
        out = (output and normal_name(output)) or self.statements[-1][0] or self.named.get(result)
        return Graph(self.text, Store.from_rows(self.rows, names), result, self.variables, out,
                     self._warnings())

    def _output(self, output: Optional[str]) -> int:
        """The output node: the last statement's, or the last value of ``output``."""
        if output is None:
            self.read[-1] = True  # (the last statement's value is read)
            return self.result
        hit = self.env.get(normal_name(output))
        if hit is None:
            assigned = name_list(list(self.env)) or message("parse.none")
            raise BackpropvizError(message("parse.no_statement_assigns", name=shorten(output),
                                           assigned=assigned))
        self.read[hit[1]] = True
        return hit[0]

    def _warnings(self) -> list[Message]:
        """A warning per name assigned and never read."""
        warnings, line, last = [], 1, 0
        for (target, start), was_read in zip(self.statements, self.read):
            if target is not None and not was_read:
                line += self.text.count("\n", last, start)
                last = start
                warnings.append(message("warn.unused_name", name=target, line=line))
        return warnings

