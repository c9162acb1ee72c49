"""Text -> graph: the one parser, with located errors (line, column, a caret).

One scan and one shunting-yard: a compiled regex splits the text into (blanks, token)
pairs (in C), and each operator reduction appends its gate to the graph's columns at once,
so nodes come out in evaluation (post-) order with no syntax tree in between. Nothing is
ever evaluated or compiled, and depth is limited only by memory (1,000 nested parentheses
and 300,000-term sums both parse).

The graph mirrors the text as written: ``x - y`` is a subtraction gate, ``a+b+c`` two ``+``
gates, a variable one leaf however often it is read, and a binary operator with one
constant operand a one-input gate labelled as CS231n does (``1 + u`` -> ``+1``). A program
is statements separated by ';' or newlines, each ``NAME = expr``, an augmented assignment
(``NAME += expr``, ``-=``, ``*=``, ``/=``) or, last, a bare expression. Each assignment
names the node it makes; a re-assigned name is a new node each time. ``e`` and ``pi`` are
constants until a statement assigns them (then variables, as in Python), and
``u.relu()`` is ``relu(u)``, as micrograd writes it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Iterator, List, Optional, Tuple, cast

from .errors import BackpropvizError, ExpressionSyntaxError, name_list, shorten
from .lang import Message, message
from .graph import Graph, PausedGC, Store
from .ops import (AXIS_OP, BINARY_OPERATOR, CODE, CONSTANTS, FOLDED, FUNCTION_OP, FUNCTIONS,
                  ONE_ARGUMENT_OP, OPS, axis_label)

__all__ = ["build_expression", "is_name", "normal_name"]

# (blanks, token) pairs; the catch-all '.' last makes every character part of some token,
# so a character outside the grammar is a token of its own, reported where it stands.
_SCAN = re.compile(r"""([ \t\r\f\v]*)
    ( axis[ \t]*=(?!=)
    | [^\W\d]\w*
    | (?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?
    | \*\* | ==+ | [-+*/]?=(?!=) | [-+*/^(),;\n.@\[\]]
    | \#[^\n]*
    | [ \t\r\f\v]+
    | . )""", re.VERBOSE | re.DOTALL)
_NAME = re.compile(r"[^\W\d]\w*")

# Token kinds.
NAME, FUNC, CONST, NUM, BIN, LPAREN, RPAREN, COMMA, SEP, NEWLINE, ASSIGN, COMMENT, DOT, \
    BAD, END, WIDE, LBRACK, RBRACK, AXIS = range(19)
# (WIDE: a name with a character beyond ASCII, NFKC'd first; AXIS: 'axis=' in sum(A, axis=0))
_KIND: dict[str, int] = {"+": BIN, "-": BIN, "*": BIN, "/": BIN, "**": BIN, "^": BIN,
                         "(": LPAREN, ")": RPAREN, ",": COMMA, ";": SEP, "\n": NEWLINE,
                         "=": ASSIGN, "+=": ASSIGN, "-=": ASSIGN, "*=": ASSIGN, "/=": ASSIGN,
                         ".": DOT, "": END, "@": BIN, "[": LBRACK, "]": RBRACK}

# Binary operators: (precedence, right-associative). Unary minus binds between * and **:
# -x**2 is -(x**2), -x*y is (-x)*y, as in Python.
_BINARY = {"+": (1, False), "-": (1, False), "*": (2, False), "/": (2, False),
           "@": (2, False), "**": (4, True), "^": (4, True)}
_NEG = 3
_GROUP = 0  # an open parenthesis on the operator stack: below every operator

# Parser states: what the next token may be.
START, TARGET, OPERAND, OPERATOR, CALL, METHOD, METHOD_OPEN, METHOD_CLOSE, INDEX, \
    INDEX_NEXT = range(10)
# The states where a name means something (elsewhere it is an error, quoted as typed).
_NAMING = frozenset({START, OPERAND, METHOD})

PIECE = 1 << 16  # characters scanned at a time (about 10,000 tokens)
_CUT = re.compile(r"\n|(?<=[-+*/(,;]) ")

# An operand: (node id, or -1 for a constant not yet made a node; start; end; outer start;
# outer end (with the parentheses written around it); constant value; constant text).
Operand = Tuple[int, int, int, int, int, Optional[float], Optional[str]]
_AXIS = -2  # an argument list's mark: the next argument is the axis (sum(A, axis=0))
# An operator-stack entry: (precedence, operator, position) or, for a parenthesis,
# (_GROUP, function name or None, '(' position, function position, arguments).
Entry = Tuple[int, Optional[str], int, int, Optional[List[Operand]]]


def is_name(text: str) -> bool:
    """Whether ``text`` is a name as the parser reads one (``x₁`` is, though Python's
    ``isidentifier`` says no), so every variable can be given a value by name."""
    return _NAME.fullmatch(text) is not None


def normal_name(name: str) -> str:
    """``name`` as Python reads an identifier: NFKC-normalised, so fullwidth ``ｘ`` is
    ``x`` and ``x₁`` is ``x1`` (unless the result is no name). ASCII is left as is."""
    if name.isascii():
        return name
    normal = unicodedata.normalize("NFKC", name)
    return normal if _NAME.fullmatch(normal) else name


def build_expression(text: str, output: Optional[str] = None) -> Graph:
    """Parse ``text`` (an expression or a program) into its graph; ``output`` picks an
    assigned name as the output instead of the last statement."""
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
    return _name_kind(tok) if tok.isascii() else WIDE


def _name_kind(name: str) -> int:
    """A name's kind: a function, a constant or a variable's name."""
    if name in FUNCTIONS:
        return FUNC
    return CONST if name in CONSTANTS else NAME


def _pieces(text: str) -> Iterator[list[tuple[str, str]]]:
    """The (blanks, token) pairs of ``text``, a piece of about :data:`PIECE` characters
    at a time (memory stays small for 10 MB programs), the last one ending with the end."""
    size, at = len(text), 0
    findall = _SCAN.findall
    while at < size:
        end = _piece_end(text, at, size)
        yield findall(text, at, end)
        at = end
    yield [("", "")]


def _piece_end(text: str, at: int, size: int) -> int:
    """Where a piece starting at ``at`` ends: after its last newline, or on a long line before
    the space after an operator (never inside a comment), so no token is cut in two."""
    if at + PIECE >= size:
        return size
    nl = text.rfind("\n", at, at + PIECE)
    if nl >= 0:
        return nl + 1
    search = at + PIECE
    while search < size:
        m = _CUT.search(text, search)
        if m is None:
            break
        if m.group() == "\n":
            return m.end()
        cut = m.start()
        if text.find("#", text.rfind("\n", 0, cut) + 1, cut) < 0:
            return cut
        search = text.find("\n", cut)  # inside a comment: on to its end
        if search < 0:
            break
    return size


def _describe(kind: int, tok: str) -> str:
    """A token as a message names it."""
    if kind == END:
        return message("parse.end_of_expression")
    if tok == "\n":
        return message("parse.end_of_line")
    return message("parse.token", token="'**'" if tok == "^" else f"'{tok}'")


def _show_char(ch: str) -> str:
    """Quote one character readably, escaping control characters such as NUL."""
    if ch == "'":
        return '"\'"'
    return f"'{ch}'" if ch.isprintable() else repr(ch)


def _arguments(count: int | None) -> Message:
    """``1 argument``, ``2 arguments``; None: ``1 or 2 arguments``."""
    if count is None:
        return message("parse.arguments_1_or_2")
    return message("parse.argument") if count == 1 else message("parse.arguments", count=count)


def _supported() -> Message:
    """The hint after an unknown function: the functions there are."""
    return message("parse.hint_supported", functions=", ".join(FUNCTIONS))


class _Parser:
    """The state of one parse: the graph's columns as they grow, the operand and operator
    stacks of the current expression, and which name means which node."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.rows: list[object] = []   # 8 fields a node, flat (split into columns at the end)
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
        self.target: Optional[str] = None
        self.aug: Optional[str] = None
        self.previous = -1             # the node an augmented assignment updates
        self.first = 0                 # the first node of the current statement
        self.bare = False              # the last statement was a bare expression
        self.result = -1
        self.kinds = dict(_KIND)
        self.spellings: dict[str, tuple[int, str]] = {}  # a WIDE name -> (kind, NFKC)
        self.labels = {name: op.label for name, op in OPS.items()}
        self.call: tuple[str, int] = ("", 0)  # a function (or method) waiting for '('
        self.index: list[int] = []     # the integers read so far of an index [i, j]
        self.index_at = (0, 1)         # (where its '[' is, the sign of the next integer)
        self.unassigned: Optional[ExpressionSyntaxError] = None  # a read before assignment
        self.handlers: tuple[Callable[[int, str, int], None], ...] = (
            self._start, self._target, self._operand, self._operator, self._call_paren,
            self._method_name, self._method_open, self._method_close, self._index,
            self._index_next)

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
        if not self.text.isascii():  # (ASCII text pays nothing for the spellings)
            handlers = tuple(self._spelled(h) if state in _NAMING else h
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
            if kind != WIDE:
                handler(kind, tok, pos)
                return
            kind, name = self.wide(tok)
            handler(kind, name, pos)
            if len(name) != len(tok):
                self.respan(pos, pos + len(name), pos + len(tok))
        return spelled

    def respan(self, pos: int, end: int, typed_end: int) -> None:
        """A name read at ``pos`` whose NFKC spelling is longer or shorter than typed (``ﬁ``
        is ``fi``): the operand, and a variable's leaf made there, end where the typed
        name ends (``end`` is where the spelling would)."""
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
            found = self.spellings[tok] = (_name_kind(normal), normal)
        return found

    def error(self, reason: str, pos: int, hint: str = "") -> ExpressionSyntaxError:
        """The error to raise: this one, or a read before assignment found further left
        (the first error a reader meets)."""
        found = self.unassigned
        if found is not None and found.pos < pos:
            return found
        return ExpressionSyntaxError(reason, self.text, pos, hint)

    def _stray(self, kind: int, tok: str, pos: int) -> None:
        """Tokens that are wrong wherever they stand: a stray character, a misplaced '='."""
        if kind == BAD:
            raise self.error(message("parse.unexpected_char", char=_show_char(tok[0])), pos)
        if kind == ASSIGN:
            raise self.error(message("parse.assign_misplaced", tok=tok),
                             pos, self.open_paren_hint(pos))
        if kind == AXIS:
            raise self.error(message("parse.axis_misplaced"), pos, message("parse.hint_axis"))

    # ---- statements

    def _start(self, kind: int, tok: str, pos: int) -> None:
        """A token where a statement may begin."""
        if kind in (SEP, NEWLINE, COMMENT):
            return
        if kind == END:
            self.state = START
            return
        if kind == AXIS:  # 'axis = ...': a statement assigning a variable named axis
            self._start(NAME, "axis", pos)
            self._target(ASSIGN, "=", pos + len(tok) - 1)
            return
        self._stray(kind, tok, pos)
        if self.bare:
            raise self.error(message("parse.bare_not_last"), self.statements[-1][1],
                             message("parse.hint_name_it"))
        self.statements.append((None, pos))
        self.read.append(False)
        self.first = self.n
        self.target = self.aug = None
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
        self._operand(_name_kind(name), name, name_pos)
        if self.spellings:  # a name typed beyond ASCII: its span is the typed one
            typed = _NAME.match(self.text, name_pos)
            if typed is not None:
                self.respan(name_pos, name_pos + len(name), typed.end())
        self.handlers[self.state](kind, tok, pos)

    def _begin_assignment(self, name: str, aug: str, pos: int) -> None:
        """``name =`` (or ``name +=`` ...) starts the statement."""
        if name in FUNCTIONS:
            raise self.error(message("parse.assign_function", name=name), pos)
        self.statements[-1] = (name, pos)
        self.target, self.aug = name, aug
        if aug != "=":
            if name in self.variables:
                self._used_before(name)
            hit = self.env.get(name)
            if hit is None:
                raise self.error(message("parse.used_before", name=shorten(name)), pos,
                                 message("parse.hint_aug", aug=aug))
            self.previous = hit[0]
            self.read[hit[1]] = True

    def _used_before(self, name: str) -> None:
        """``name`` was read as a variable and is assigned only now: an error at the read,
        raised when the parse ends (or at a later error), unless one further left is."""
        first_read = self.rows[8 * self.variables[name] + 6]
        assert isinstance(first_read, int)
        found = self.unassigned
        if found is None or first_read < found.pos:
            line = self.text.count("\n", 0, self.statements[-1][1]) + 1
            self.unassigned = ExpressionSyntaxError(
                message("parse.used_before", name=shorten(name)), self.text, first_read,
                message("parse.hint_assigned_on", line=line))

    def _end_statement(self) -> None:
        """The expression is complete: its root is the statement's node."""
        self.reduce_to(-1)
        if self.stack:
            raise self.error(message("parse.never_closed"), self.stack[-1][2])
        top = self.pop()
        root = top[0]
        if self.aug is not None and self.aug != "=":
            root = self.binary(self.aug[:-1], (self.previous, 0, 0, 0, 0, None, None), top,
                               self.statements[-1][1], top[2])
        elif root < 0:
            root = self.leaf(top)
        self.result = root
        self.state = START
        target = self.target
        if target is None:
            self.bare = True
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
                node = self.variables.get(tok, -1)
                if node < 0:
                    node = self.variable(tok, pos, end)
                self.push((node, pos, end, pos, end, None, None))
            self.state = OPERATOR
        elif kind == NUM:
            self.push((-1, pos, end, pos, end, float(tok), tok))
            self.state = OPERATOR
        else:
            self._operand_other(kind, tok, pos)

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
                                     arguments=_arguments(FUNCTIONS[func])), pos)
        else:
            self._stray(kind, tok, pos)
            raise self.error(message("parse.expected_operand", found=_describe(kind, tok)), pos)

    def variable(self, name: str, start: int, end: int) -> int:
        """A new variable's leaf (each variable has one, made where it is first read)."""
        node = self.variables[name] = self.n
        self.n += 1
        self.row(("input", name, -1, -1, None, None, start, end))
        return node

    def leaf(self, x: Operand) -> int:
        """A constant operand's leaf node."""
        self.row(("const", x[6], -1, -1, x[5], x[6], x[1], x[2]))
        self.n += 1
        return self.n - 1

    def _call_paren(self, kind: int, tok: str, pos: int) -> None:
        """After a function's name: its '('."""
        if kind == LPAREN:
            func, func_pos = self.call
            self.stack.append((_GROUP, func, pos, func_pos, []))
            self.depth += 1
            self.state = OPERAND
        elif kind != COMMENT and not (kind == NEWLINE and self.depth):
            func, func_pos = self.call
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
            if kind == END:
                self._start(kind, tok, pos)
        elif kind == DOT:
            self.state = METHOD
        elif kind == LBRACK:
            self.index, self.index_at = [], (pos, 1)
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
            raise self.error(message("parse.unknown_function", name=shorten(last_tok)),
                             last_pos, _supported())
        hint = self.open_paren_hint(pos)
        if not hint and kind in (NAME, FUNC, CONST, NUM, LPAREN, WIDE):
            hint = message("parse.hint_multiply", left=shorten(last_tok, 15),
                           right=shorten(tok, 15))
        raise self.error(message("parse.expected_operator", found=_describe(kind, tok)), pos,
                         hint)

    def token_before(self, pos: int) -> tuple[int, str, int]:
        """The last token before ``pos`` that is not a blank or comment (found again only
        for an error message, so the token loop keeps no record of it)."""
        at = self.statements[-1][1]
        last = (END, "", at)
        for ws, tok in _SCAN.findall(self.text, at, pos):
            at += len(ws)
            kind = self.kinds.get(tok, -1)
            kind = _kind(tok) if kind < 0 else kind
            if kind == WIDE:
                kind, tok = self.wide(tok)
            if kind != COMMENT and kind != NEWLINE:
                last = (kind, tok, at)
            at += len(tok)
        return last

    def open_paren_hint(self, pos: int) -> Message | str:
        """When an error follows a line break inside parentheses, the likely cause: a '('
        left open on an earlier line (inside parentheses a newline does not end a
        statement)."""
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
            counts = None if func in ONE_ARGUMENT_OP or func in AXIS_OP else want
            raise self.error(message("parse.takes_arguments", func=func,
                                     arguments=_arguments(counts), count=len(args)), func_pos)
        self.apply(func, args, func_pos, pos + 1)

    def apply(self, func: str, args: list[Operand], start: int, end: int) -> None:
        """A function's gate over ``args`` (constants become leaves, in order)."""
        a = args[0][0]
        if a < 0:
            a = self.leaf(args[0])
        b = -1
        if len(args) > 1:
            b = args[1][0] if args[1][0] >= 0 else self.leaf(args[1])
        name = ONE_ARGUMENT_OP[func] if len(args) == 1 and func in ONE_ARGUMENT_OP \
            else FUNCTION_OP.get(func, func)
        self.row((name, self.labels[name], a, b, None, None, start, end))
        self.push((self.n, start, end, start, end, None, None))
        self.n += 1

    def reduce_along(self, func: str, x: Operand, axis: Operand, start: int, end: int) -> None:
        """``sum(A, 1)``, ``max(A, axis=1)``: a reduction gate with its axis folded in."""
        value = axis[5]
        if axis[0] >= 0 or value is None or not value.is_integer() or "." in (axis[6] or "."):
            raise self.error(message("parse.axis_whole", func=func), axis[1])
        a = x[0] if x[0] >= 0 else self.leaf(x)
        name, text = AXIS_OP[func], str(int(value))
        self.row((name, axis_label(name, text), a, -1, value, text, start, end))
        self.push((self.n, start, end, start, end, None, None))
        self.n += 1

    # ---- indexing: p[2], A[1, 0]

    def _index(self, kind: int, tok: str, pos: int) -> None:
        """Inside '[': an integer (or its '-')."""
        at, sign = self.index_at
        if kind == NUM and tok.isdecimal():
            self.index.append(sign * int(tok))
            self.index_at = (at, 1)
            self.state = INDEX_NEXT
        elif tok == "-" and sign == 1:
            self.index_at = (at, -1)
        elif kind != COMMENT and kind != NEWLINE:
            self._stray(kind, tok, pos)
            raise self.error(message("parse.expected_index", found=_describe(kind, tok)), pos,
                             message("parse.hint_index"))

    def _index_next(self, kind: int, tok: str, pos: int) -> None:
        """After an index's integer: ',' or ']'."""
        if kind == COMMA:
            self.state = INDEX
        elif kind == RBRACK:
            x = self.pop()
            if x[0] < 0:
                raise self.error(message("parse.number_indexed"), x[1])
            text = ", ".join(map(str, self.index))
            self.row(("index", f"[{text}]", x[0], -1, None, text, x[3], pos + 1))
            self.push((self.n, x[3], pos + 1, x[3], pos + 1, None, None))
            self.n += 1
            self.state = OPERATOR
        elif kind != COMMENT and kind != NEWLINE:
            self._stray(kind, tok, pos)
            raise self.error(message("parse.expected_comma_bracket", found=_describe(kind, tok)),
                             pos)

    # ---- method calls: u.relu()

    def _method_name(self, kind: int, tok: str, pos: int) -> None:
        if tok == "T" and kind == NAME:  # A.T, the transpose
            x = self.pop()
            self.apply("transpose", [x], x[3], pos + 1)
            self.state = OPERATOR
        elif kind == FUNC and (FUNCTIONS[tok] == 1 or tok in ONE_ARGUMENT_OP):
            self.call = (tok, pos)
            self.state = METHOD_OPEN
        elif kind == FUNC:
            raise self.error(message("parse.method_arguments", func=tok,
                                     arguments=_arguments(FUNCTIONS[tok])), pos)
        elif kind in (NAME, CONST):
            raise self.error(message("parse.unknown_function", name=shorten(tok)), pos,
                             _supported())
        else:
            self._stray(kind, tok, pos)
            raise self.error(message("parse.expected_method", found=_describe(kind, tok)),
                             pos)

    def _method_open(self, kind: int, tok: str, pos: int) -> None:
        if kind != LPAREN:
            self._stray(kind, tok, pos)
            func = self.call[0]
            raise self.error(message("parse.expected_open_after", func=func,
                                     found=_describe(kind, tok)), pos,
                             message("parse.hint_write_method", func=func))
        self.state = METHOD_CLOSE

    def _method_close(self, kind: int, tok: str, pos: int) -> None:
        func = self.call[0]
        if kind != RPAREN:
            self._stray(kind, tok, pos)
            raise self.error(message("parse.expected_close_after", func=func,
                                     found=_describe(kind, tok)), pos,
                             message("parse.hint_no_argument", func=func))
        x = self.pop()
        self.apply(func, [x], x[3], pos + 1)
        self.state = OPERATOR

    # ---- reductions: each makes its gate at once

    def reduce_to(self, prec: int, right: bool = False) -> None:
        """Reduce the operators that bind tighter than one of precedence ``prec`` (-1:
        every operator down to the innermost parenthesis)."""
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
                y = pop()
                x = pop()
                node = self.binary(top[1] or "", x, y, x[3], y[4])
                self.push((node, x[3], y[4], x[3], y[4], None, None))

    def negate(self, pos: int) -> None:
        """Unary minus: ``-3`` is the number -3; anything else a ``*-1`` gate."""
        x = self.pop()
        if x[0] < 0 and x[3] == x[1] and x[5] is not None:
            self.push((-1, pos, x[2], pos, x[2], -x[5], "-" + (x[6] or "")))
            return
        a = x[0] if x[0] >= 0 else self.leaf(x)
        self.row(("neg", self.labels["neg"], a, -1, None, None, pos, x[4]))
        self.push((self.n, pos, x[4], pos, x[4], None, None))
        self.n += 1

    def binary(self, op: str, x: Operand, y: Operand, start: int, end: int) -> int:
        """The gate for ``x op y``; one constant side folds into the gate (``+1``)."""
        a, b = x[0], y[0]
        if op == "@" and (a < 0 or b < 0):  # no folded form: the constant is a leaf
            a = a if a >= 0 else self.leaf(x)
            b = b if b >= 0 else self.leaf(y)
        if a < 0 and b >= 0:
            name = FOLDED[op][1]
            self.row((name, self.labels[name].format(c=x[6]), b, -1, x[5], x[6], start, end))
        elif b < 0 and a >= 0:
            name = FOLDED[op][0]
            self.row((name, self.labels[name].format(c=y[6]), a, -1, y[5], y[6], start, end))
        else:
            if a < 0:  # both constant: two leaves and the gate
                a, b = self.leaf(x), self.leaf(y)
            name = BINARY_OPERATOR[op]
            self.row((name, self.labels[name], a, b, None, None, start, end))
        self.n += 1
        return self.n - 1

    # ---- the end

    def finish(self, output: Optional[str]) -> Graph:
        """Split the rows into the graph's columns; name the output; warn of names
        assigned and never read."""
        if self.unassigned is not None:
            raise self.unassigned
        if not self.statements:
            raise self.error(message("parse.empty"), len(self.text))
        result = self._output(output)
        rows, s = self.rows, Store()
        # (rows is flat: column k is every 8th item from k, typed as self.row's tuple says.)
        s.op = cast("list[str]", rows[0::8])
        s.code = list(map(CODE.__getitem__, s.op))
        s.label = cast("list[str]", rows[1::8])
        s.a, s.b = cast("list[int]", rows[2::8]), cast("list[int]", rows[3::8])
        s.param = cast("list[Optional[float]]", rows[4::8])
        s.param_text = cast("list[Optional[str]]", rows[5::8])
        s.start, s.end = cast("list[int]", rows[6::8]), cast("list[int]", rows[7::8])
        names: list[Optional[str]] = [None] * self.n
        for name, node in self.variables.items():
            names[node] = name
        for node, name in self.named.items():
            names[node] = name
        s.name = names
        last_target = self.statements[-1][0]
        output_name = (output and normal_name(output)) or last_target or self.named.get(result)
        return Graph(self.text, s, result, self.variables, output_name, self._warnings())

    def _output(self, output: Optional[str]) -> int:
        """The output node: the last statement's, or the last value of ``output``."""
        if output is None:
            if not self.bare:
                self.read[-1] = True
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

