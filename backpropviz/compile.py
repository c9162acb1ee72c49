"""Program text straight to a graph: one pass, no token objects, no syntax tree.

The command line's route for every input, from a one-liner to 100,000-operation programs.
It is the same grammar and builds the same graph, node for node, as
:func:`backpropviz.syntax.parse_program` followed by :func:`backpropviz.graph.build` (the
tests compare the two on generated programs), but it only knows the way a valid program
goes: at anything else (a syntax error, a name used before it is assigned, a comment
between a function's name and its '(') it gives up, and :func:`build_fast`'s caller runs
the tree route, which says what is wrong and where, exactly as always.

The scanner is one compiled regex run by ``findall`` (in C); positions are the running sum
of the matched lengths, and a character no token matches shows as a gap in that sum. The
parser is the tree route's shunting-yard, with the same precedences, but each reduction
makes its node at once, so nodes are numbered in the same (post-) order.

Most lines of a long program are not scanned or parsed at all: a line whose shape (its text
with the digits zeroed) was met before is built by code generated from that shape, and a
long sum term by term the same way (see "statement plans" below).
"""

from __future__ import annotations

import re
from itertools import islice, repeat
from typing import Callable

from .ops import BINARY_OPERATOR, CODE, CONSTANTS, FOLDED, FUNCTION_OP, FUNCTIONS, OPS
from .syntax import _BINARY, _UNARY_PREC

__all__ = ["build_fast", "GiveUp"]


class GiveUp(Exception):
    """Not a valid program, or one this route leaves to the tree route."""


# The tree route's tokens, each after optional spaces: findall gives (spaces, token) pairs.
# The alternatives start with different characters (but '*=' and '**' and '*'), so their
# order only matters for speed: the commonest first. Other blanks are tokens of their own.
_SCAN = re.compile(r"""([ ]*)
    ( [^\W\d]\w*
    | \*\* | [-+*/]=(?!=) | =(?!=) | [-+*/^(),;\n]
    | (?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?
    | \#[^\n]*
    | [\ \t\r\f\v]+ )""", re.VERBOSE)

# Token kinds: by the token's text, else (names, numbers) by its first character.
NUM, NAME, FUNC, CONSTANT, BIN, LPAREN, RPAREN, COMMA, SEP, NEWLINE, ASSIGN, COMMENT, END = range(13)
_KIND: dict[str, int] = {"+": BIN, "-": BIN, "*": BIN, "/": BIN, "**": BIN, "^": BIN,
                         "(": LPAREN, ")": RPAREN, ",": COMMA, ";": SEP, "\n": NEWLINE,
                         "=": ASSIGN, "+=": ASSIGN, "-=": ASSIGN, "*=": ASSIGN, "/=": ASSIGN,
                         "": END}
_KIND.update({name: FUNC for name in FUNCTIONS})
_KIND.update({name: CONSTANT for name in CONSTANTS})
_PREC = {op: (prec, right) for op, (prec, right) in _BINARY.items()}
_PREC["^"] = _PREC["**"]
_GATE_LABEL = {name: op.label for name, op in OPS.items()}
_GROUP = 0  # the precedence of an open parenthesis on the operator stack: below them all
_NEG_LABEL = OPS["neg"].label


def _kind(tok: str) -> int:
    """The kind of a name or number token (the rest are in _KIND)."""
    ch = tok[0]
    if ch == "#" or ch in " \t\r\f\v":
        return COMMENT  # (a comment or blanks: skipped)
    return NUM if ch == "." or ch.isdecimal() else NAME  # \d is any decimal digit


#: Characters scanned at a time (about 10,000 tokens).
PIECE = 1 << 16
# Where a piece may end: after a newline, or after an operator that a space follows.
_CUT = re.compile(r"\n|(?<=[-+*/(,;]) ")


def _piece_end(text: str, at: int, size: int) -> int:
    """Where the piece that starts at ``at`` ends: after the next newline if it is within
    PIECE characters, else (a long line) after an operator that a space follows, at least
    PIECE characters on and not inside a comment."""
    piece = PIECE
    nl = text.find("\n", at, at + piece)
    if nl >= 0:
        return nl + 1
    search = at + piece
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


# ---- statement plans: one compiled function per line shape
#
# A line ``NAME = expr`` whose expression has names, operators, functions and parentheses
# only (no numbers, no constants) builds the same nodes, in the same order and with the same
# spans relative to the line's start, as every other line that differs from it only in its
# digits (``v = tanh(v*w3 + b3)`` and ``v = tanh(v*w7 + b7)``): only which node each name
# means, and whether a name is new (a variable made where it first appears), change. So the
# second time such a shape is met, the line is parsed once more on its own (with this module's
# parser, the assignment blanked out) and its nodes become the straight-line code of a
# function that builds any line of that shape with no scanning and no parsing.

_DIGITS = str.maketrans("0123456789", "0000000000")
_BDIGITS = bytes.maketrans(b"0123456789", b"0000000000")
_TARGET = re.compile(r"( *)([^\W\d]\w*) *=(?!=)")
#: Shape (str, or bytes for ASCII text) -> its plan, or None if it has none.
_PLANS: dict[object, object] = {}
_MAX_PLANS = 256
# A long line that is a sum: [NAME =] term (+|- term)..., where no term has a + or - of
# its own. A + or - binds less than anything in a term, so the nodes are each term's (built by
# the term's plan, shapes again keyed on their digits zeroed) and then the + or - gate.
_LONG = 256
_SUM_BODY = re.compile(r"[\w ()*/,+-]*")
_SUM_SPLIT = re.compile(r"([-+])")
_BSUM_SPLIT = re.compile(rb"([-+])")
#: Term shape -> (its plan, its leading blanks, its trailing blanks), or None.
_TERM_PLANS: dict[object, object] = {}
_SUM_GATES = {sym: (BINARY_OPERATOR[sym], _GATE_LABEL[BINARY_OPERATOR[sym]]) for sym in "+-"}


def _make_plan(line: str, term: bool = False) -> Callable[..., tuple[int, int]] | None:
    """The plan of ``line`` (one line, with its newline), or None if it has none; with
    ``term``, of ``line`` as a term of a sum (names and ``*``, ``/``, ``**`` only)."""
    from .graph import Store

    m = None if term else _TARGET.match(line)
    if not term and (m is None or m.group(2) in FUNCTIONS or m.group(2) in CONSTANTS):
        return None
    store = Store()
    try:
        # each use of a name its own variable: each becomes a lookup in the plan (two lines
        # of one shape may use one name twice, or two names)
        root, _, _, _ = build_fast(line if m is None else " " * m.end() + line[m.end():], None,
                                   store, plans=False, fresh=True)
    except Exception:  # GiveUp: the line is left to the parser
        return None
    if len(store.op) > 64:
        return None
    if m is None:
        src = ["def plan(t, o, n, env, variables, read, row):"]
    else:
        ts, te = m.start(2), m.end(2)
        src = ["def plan(t, o, n, env, variables, read, row, statements, named):",
               f" target = t[o+{ts}:o+{te}]",
               " stmt = len(statements)",
               f" statements.append((target, o+{ts}))",
               " read.append(False)"]
    gates: list[str] = []  # the gates made one after another: one row call for them all

    def flush() -> None:
        if gates:
            src.append(f" row(({' '.join(gates)}))")
            src.append(f" n += {len(gates)}")
            gates.clear()

    for k, (op, label, a, b, param, start, end) in enumerate(zip(
            store.op, store.label, store.a, store.b, store.param, store.start, store.end)):
        if op == "input":
            flush()
            src += [f" s = t[o+{start}:o+{end}]",
                    " h = env.get(s)",
                    " if h is None:",
                    f"  variables[s] = n; env[s] = (n, 0); r{k} = n; n += 1",
                    f"  row(('input', s, -1, -1, None, None, o+{start}, o+{end}))",
                    " else:",
                    f"  r{k} = h[0]; read[h[1]] = True"]
        elif op == "const" or param is not None or _GATE_LABEL.get(op) != label:
            return None  # (so the generated code holds only the op table's own words)
        else:
            second = f"r{b}" if b >= 0 else "-1"
            src.append(f" r{k} = n + {len(gates)}" if gates else f" r{k} = n")
            gates.append(f"{op!r}, {label!r}, r{a}, {second}, None, None, o+{start}, o+{end},")
    flush()
    if m is not None:
        src += [" if target in variables:",
                "  raise GiveUp",  # read before the statement that assigns it
                f" named[r{root}] = target" if store.op[root] != "input" else "",
                f" env[target] = (r{root}, stmt)"]
    src.append(f" return r{root}, n")
    scope: dict[str, object] = {"GiveUp": GiveUp}
    # The source is ours: op names and labels from the op table, and numbers. User text
    # (the names) is only ever sliced out of ``t`` at run time, never written into it.
    exec("\n".join(src), scope)  # noqa: S102
    return scope["plan"]  # type: ignore[return-value]


class _Unknown(dict):  # type: ignore[type-arg]
    """An environment where no name is known yet: each use of a name is a new variable."""

    def get(self, key: object, default: object = None) -> object:
        return default


def _scan_piece(text: str, start: int, size: int) -> tuple[list[tuple[str, str]], int]:
    """The (blanks, token) pairs of the piece at ``start``, ending in ("", ""), and where
    the next piece starts."""
    end = _piece_end(text, start, size)
    pairs = _SCAN.findall(text, start, end)
    pairs.append(("", ""))
    return pairs, end


def build_fast(text: str, output: str | None, store: object, plans: bool = True,
               fresh: bool = False) -> tuple[int, dict[str, int], str | None, list[str]]:
    """Fill ``store`` (an empty :class:`~backpropviz.graph.Store`) with the graph of
    ``text``; return (output id, variables, output name, warnings), or raise :class:`GiveUp`.

    ``plans=False`` parses every line (no plans are used or made); ``fresh`` makes every use
    of a name a new variable (how a plan is made from one line).
    """
    # The text is scanned a piece at a time, so the (blanks, token) pairs of a long program
    # are never all in memory; a piece is a line, or part of a long line ending after an
    # operator (no lookahead needed across it). Each piece's pairs end in ("", ""), of kind
    # END; a line with a plan is built by its plan and never scanned.
    size = len(text)
    scan_at = 0                         # where the next piece starts
    pairs = [("", "")]
    shapes = _PLANS if plans else {}
    terms = _TERM_PLANS
    sum_gates = _SUM_GATES
    # the text with every digit 0, as bytes (fast to slice): a line's shape
    digits = text.encode().translate(_BDIGITS) if plans and text.isascii() else None
    find = text.find
    seen: set[str] = set()              # line shapes met once
    # One row per node: (op, label, a, b, param, param_text, start, end), the rows one after
    # another in one flat list (extending it is faster than a list of rows); the store's
    # columns are its slices, every 8th entry, at the end.
    rows: list[object] = []
    row = rows.extend
    kinds = dict(_KIND)  # also caches the kinds of the names and numbers met
    prec_of, gate_label, functions = _PREC, _GATE_LABEL, FUNCTIONS

    variables: dict[str, int] = {}
    # Name -> (its node, the statement that assigned it); a variable's statement is 0.
    env: dict[str, tuple[int, int]] = _Unknown() if fresh else {}
    # Per statement, from 1 (0 stands for the variables): (target or None, where it starts).
    statements: list[tuple[str | None, int]] = [(None, 0)]
    bare = False                        # was the last statement a bare expression
    read: list[bool] = [False]          # per statement: was its value read
    named: dict[int, str] = {}          # node -> the target of the statement that made it
    n = 0                               # nodes so far
    pos = 0
    depth = 0                           # open parentheses (a newline inside them is a blank)
    i = 0
    result = -1
    operands: list[tuple] = []  # type: ignore[type-arg]
    stack: list[tuple] = []  # type: ignore[type-arg]
    push, pop = operands.append, operands.pop

    # Operands: (node id or -1 for a constant not yet made, start, end, outer start, outer
    # end, constant value, constant text); operators: (precedence, symbol, pos), or for a
    # parenthesis (_GROUP, function or None, pos, function pos, argument operands).
    while True:
        # ---- the start of a statement: skip separators, read "NAME =" if there
        while True:
            ws, tok = pairs[i]
            kind = kinds.get(tok)
            if kind is None:
                kind = kinds[tok] = _kind(tok)
            if kind == SEP or kind == NEWLINE or kind == COMMENT:
                pos += len(ws) + len(tok)
                i += 1
                continue
            if kind == END and scan_at < size:
                if pos != scan_at:
                    raise GiveUp  # a character no token matches
                if plans and (scan_at == 0 or text[scan_at - 1] == "\n"):
                    # lines with a plan, one after another
                    while True:
                        nl = find("\n", scan_at)
                        if nl < 0:
                            break
                        if nl - scan_at >= _LONG:  # (a long line has no plan of its own)
                            key = plan = None
                        else:
                            key = (digits[scan_at:nl + 1] if digits is not None
                                   else text[scan_at:nl + 1].translate(_DIGITS))
                            plan = shapes.get(key)
                        if plan is None and key is not None and key not in shapes:
                            if key in seen:
                                if len(shapes) >= _MAX_PLANS:
                                    shapes.clear()
                                plan = shapes[key] = _make_plan(text[scan_at:nl + 1])
                            else:
                                seen.add(key)
                        if plan is None:
                            if nl - scan_at < _LONG:
                                break
                            # ---- a long line: a sum of terms that have plans?
                            target = None
                            body_start = scan_at
                            tm = _TARGET.match(text, scan_at, nl)
                            if tm is not None:
                                target = tm.group(2)
                                if target in functions or target in CONSTANTS:
                                    break
                                body_start = tm.end()
                            body = text[body_start:nl].rstrip(" ")
                            if _SUM_BODY.fullmatch(body) is None:
                                break
                            if "-" in body:
                                parts = _SUM_SPLIT.split(body)
                                texts, seps = parts[0::2], parts[1::2]
                            else:
                                texts, seps = body.split("+"), None
                            if len(texts) < 2:
                                break
                            if digits is None:
                                keys = [term.translate(_DIGITS) for term in texts]
                            else:
                                zeroed = digits[body_start:body_start + len(body)]
                                keys = (_BSUM_SPLIT.split(zeroed)[0::2] if seps is not None
                                        else zeroed.split(b"+"))
                            tplans = list(map(terms.get, keys))
                            if None in tplans:
                                missing = [(key, term) for key, term
                                           in dict(zip(keys, texts)).items()
                                           if key not in terms]
                                if len(missing) > _MAX_PLANS:
                                    break
                                if len(terms) + len(missing) > _MAX_PLANS:
                                    terms.clear()
                                for key, term in missing:
                                    run = _make_plan(term, term=True)
                                    terms[key] = None if run is None else (
                                        run, len(term) - len(term.lstrip(" ")),
                                        len(term) - len(term.rstrip(" ")))
                                tplans = list(map(terms.get, keys))
                                if None in tplans:
                                    break
                            if bare:
                                raise GiveUp  # only the last statement can be a bare expression
                            o = body_start
                            run, lead, trail = tplans[0]
                            first_start = o + lead
                            stmt = len(statements)
                            statements.append(
                                (target, first_start if tm is None else tm.start(2)))
                            read.append(False)
                            acc, n = run(text, o, n, env, variables, read, row)
                            o += len(texts[0])
                            for (run, lead, trail), term, sep in zip(
                                    islice(tplans, 1, None), islice(texts, 1, None),
                                    repeat("+") if seps is None else seps):
                                right, n = run(text, o + 1, n, env, variables, read, row)
                                o += 1 + len(term)
                                gate, label = sum_gates[sep]
                                row((gate, label, acc, right, None, None, first_start, o - trail))
                                acc = n
                                n += 1
                            result = acc
                            if target is None:
                                bare = True
                            else:
                                if target in variables:
                                    raise GiveUp  # read before the statement that assigns it
                                named[acc] = target
                                env[target] = (acc, stmt)
                            pos = scan_at = nl + 1
                            continue
                        if bare:
                            raise GiveUp  # only the last statement can be a bare expression
                        result, n = plan(text, scan_at, n, env, variables, read, row,
                                         statements, named)
                        pos = scan_at = nl + 1
                    if scan_at >= size:
                        continue
                pairs, scan_at = _scan_piece(text, scan_at, size)
                i = 0
                continue
            break
        if kind == END:
            break
        if bare:
            raise GiveUp  # only the last statement can be a bare expression
        stmt_pos = pos + len(ws)
        stmt = len(statements)
        target = aug = None
        first = n
        if kind == NAME and kinds.get(pairs[i + 1][1]) == ASSIGN:
            target = tok
            ws2, aug = pairs[i + 1]
            pos = stmt_pos + len(tok) + len(ws2) + len(aug)
            i += 2
            if aug != "=":
                hit = env.get(target)
                if hit is None:
                    raise GiveUp
                previous = hit[0]
                read[hit[1]] = True
        elif kind == FUNC or kind == CONSTANT:
            if kinds.get(pairs[i + 1][1]) == ASSIGN:
                raise GiveUp  # cannot assign to a function or constant
        statements.append((target, stmt_pos))
        bare = target is None
        read.append(False)

        # ---- one expression, up to a separator or the end
        expect = True
        while True:
            ws, tok = pairs[i]
            i += 1
            p = pos + len(ws)
            pos = p + len(tok)
            kind = kinds.get(tok)
            if kind is None:
                kind = kinds[tok] = _kind(tok)
            if kind == END and scan_at < size:
                pairs, scan_at = _scan_piece(text, scan_at, size)
                i = 0
                continue
            if expect:
                if kind == NAME:
                    hit = env.get(tok)
                    if hit is None:
                        node = variables[tok] = n
                        env[tok] = (n, 0)
                        n += 1
                        row(("input", tok, -1, -1, None, None, p, pos))
                    else:
                        node = hit[0]
                        read[hit[1]] = True
                    push((node, p, pos, p, pos, None, None))
                    expect = False
                elif kind == NUM:
                    push((-1, p, pos, p, pos, float(tok), tok))
                    expect = False
                elif kind == LPAREN:
                    stack.append((_GROUP, None, p, p, None))
                    depth += 1
                elif kind == FUNC:
                    ws, nxt = pairs[i]
                    if nxt != "(":
                        raise GiveUp
                    i += 1
                    stack.append((_GROUP, tok, pos + len(ws), p, []))
                    pos += len(ws) + 1
                    depth += 1
                elif kind == CONSTANT:
                    push((-1, p, pos, p, pos, CONSTANTS[tok], tok))
                    expect = False
                elif tok == "-":
                    stack.append((_UNARY_PREC, "neg", p))
                elif tok == "+" or (kind == NEWLINE and not depth) or kind == COMMENT:
                    pass  # unary plus changes nothing; a line may break after an operator
                elif kind == NEWLINE:
                    pass  # a blank inside parentheses
                else:
                    raise GiveUp
                continue

            # ---- expecting an operator
            if kind == BIN:
                prec, right_assoc = prec_of[tok]
            elif kind == RPAREN or kind == COMMA or kind == SEP or kind == END:
                prec = -1
            elif kind == NEWLINE:
                if depth:
                    continue  # a blank inside parentheses
                prec = -1
            elif kind == COMMENT:
                continue
            else:
                raise GiveUp
            # reduce what binds tighter (for ')' ',' and the end: up to the parenthesis)
            while stack:
                top = stack[-1]
                top_prec = top[0]
                if top_prec == _GROUP or (prec > 0 and top_prec < prec
                                          or (top_prec == prec and right_assoc)):
                    break
                stack.pop()
                if top[1] == "neg":
                    x = pop()
                    if x[0] < 0:
                        if x[3] == x[1]:  # -3 is the number -3, not a gate
                            push((-1, top[2], x[2], top[2], x[2], -x[5], "-" + x[6]))
                            continue
                        row(("const", x[6], -1, -1, x[5], x[6], x[1], x[2]))
                        a = n
                        n += 1
                    else:
                        a = x[0]
                    start, end = top[2], x[4]
                    row(("neg", _NEG_LABEL, a, -1, None, None, start, end))
                    push((n, start, end, start, end, None, None))
                    n += 1
                    continue
                y = pop()
                x = pop()
                start, end = x[3], y[4]
                a, b = x[0], y[0]
                if a < 0 or b < 0:
                    if b >= 0:  # 2*x: the constant folds into the gate
                        name = FOLDED[top[1]][1]
                        row((name, gate_label[name].format(c=x[6]), b, -1, x[5], x[6], start, end))
                    elif a >= 0:
                        name = FOLDED[top[1]][0]
                        row((name, gate_label[name].format(c=y[6]), a, -1, y[5], y[6], start, end))
                    else:  # both constant: two constant leaves and the gate
                        row(("const", x[6], -1, -1, x[5], x[6], x[1], x[2]))
                        row(("const", y[6], -1, -1, y[5], y[6], y[1], y[2]))
                        name = BINARY_OPERATOR[top[1]]
                        row((name, gate_label[name], n, n + 1, None, None, start, end))
                        n += 2
                else:
                    name = BINARY_OPERATOR[top[1]]
                    row((name, gate_label[name], a, b, None, None, start, end))
                push((n, start, end, start, end, None, None))
                n += 1
            if kind == BIN:
                stack.append((prec, "**" if tok == "^" else tok, p))
                expect = True
                continue
            if kind != RPAREN and kind != COMMA:  # the end of the expression
                if stack:
                    raise GiveUp  # '(' never closed
                break
            if not stack:
                raise GiveUp
            group = stack[-1]
            func = group[1]
            if kind == COMMA:
                if func is None:
                    raise GiveUp
                group[4].append(pop())
                expect = True
                continue
            stack.pop()
            if depth:
                depth -= 1
            if func is None:
                x = operands[-1]
                operands[-1] = (x[0], x[1], x[2], group[2], pos, x[5], x[6])
                continue
            args = group[4]
            args.append(pop())
            if len(args) != functions[func]:
                raise GiveUp
            ids = []
            for x in args:
                if x[0] < 0:
                    row(("const", x[6], -1, -1, x[5], x[6], x[1], x[2]))
                    ids.append(n)
                    n += 1
                else:
                    ids.append(x[0])
            name = FUNCTION_OP[func]
            start = group[3]
            row((name, gate_label[name], ids[0], ids[1] if len(ids) > 1 else -1, None, None,
                 start, pos))
            push((n, start, pos, start, pos, None, None))
            n += 1

        # ---- the statement's node
        top = pop()
        if operands:
            raise GiveUp  # (never: a valid expression leaves one operand)
        root = top[0]
        if aug is not None and aug != "=":
            sym = aug[:-1]
            if root < 0:  # c += 2: the constant folds into the gate
                name = FOLDED[sym][0]
                row((name, gate_label[name].format(c=top[6]), previous, -1, top[5], top[6],
                     stmt_pos, top[2]))
            else:
                name = BINARY_OPERATOR[sym]
                row((name, gate_label[name], previous, root, None, None, stmt_pos, top[2]))
            root = n
            n += 1
        elif root < 0:
            row(("const", top[6], -1, -1, top[5], top[6], top[1], top[2]))
            root = n
            n += 1
        result = root
        if target is not None:
            if target in variables:
                raise GiveUp  # read before the statement that assigns it
            if root >= first and rows[8 * root] != "input":
                named[root] = target
            env[target] = (root, stmt)
        if kind == END:
            break

    if len(statements) == 1 or pos != size:
        raise GiveUp  # empty, or a character no token matches (a gap in the positions)
    if output is not None:
        hit = env.get(output)
        if hit is None or hit[1] == 0:
            raise GiveUp
        result = hit[0]
        read[hit[1]] = True
    elif not bare:
        read[-1] = True

    s = store
    s.op = rows[0::8]  # type: ignore[attr-defined]
    s.code = list(map(CODE.__getitem__, s.op))  # type: ignore[attr-defined]
    (s.label, s.a, s.b, s.param, s.param_text, s.start,  # type: ignore[attr-defined]
     s.end) = [rows[k::8] for k in range(1, 8)]
    names: list[str | None] = [None] * n
    for name, node in variables.items():
        names[node] = name
    for node, name in named.items():
        names[node] = name
    s.name = names  # type: ignore[attr-defined]

    warnings = []
    line, last = 1, 0
    for (target, start), was_read in zip(statements[1:], read[1:]):
        if target is not None and not was_read:
            line += text.count("\n", last, start)
            last = start
            warnings.append(f"'{target}' (line {line}) is assigned but never used")
    # a bare last line that reads a name (`q = x*2; q`) has that name's output
    return result, variables, output or statements[-1][0] or named.get(result), warnings
