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
"""

from __future__ import annotations

import re

from .ops import BINARY_OPERATOR, CODE, CONST, FOLDED, FUNCTION_OP, INPUT, NEG, OPS
from .syntax import _BINARY, _UNARY_PREC, CONSTANTS, FUNCTIONS

__all__ = ["build_fast", "GiveUp"]


class GiveUp(Exception):
    """Not a valid program, or one this route leaves to the tree route."""


# The tree route's tokens in its order (comment, newline, number, name, assign, operator,
# ';'), each after optional blanks: findall gives (blanks, token) pairs.
_SCAN = re.compile(r"""([ \t\r\f\v]*)
    ( \#[^\n]*
    | \n
    | (?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?
    | [^\W\d]\w*
    | [-+*/]?=(?!=)
    | \*\*|[-+*/^(),]
    | ; )""", re.VERBOSE)

# Token kinds by the token's text (operators) or its first character (the rest).
NUM, NAME, BIN, LPAREN, RPAREN, COMMA, SEP, NEWLINE, ASSIGN, COMMENT = range(10)
_KIND: dict[str, int] = {"+": BIN, "-": BIN, "*": BIN, "/": BIN, "**": BIN, "^": BIN,
                         "(": LPAREN, ")": RPAREN, ",": COMMA, ";": SEP, "\n": NEWLINE,
                         "=": ASSIGN, "+=": ASSIGN, "-=": ASSIGN, "*=": ASSIGN, "/=": ASSIGN}
_FIRST: dict[str, int] = {ch: NUM for ch in "0123456789."}
_FIRST["#"] = COMMENT
_PREC = {op: (prec, right) for op, (prec, right) in _BINARY.items()}
_PREC["^"] = _PREC["**"]
_GATE_LABEL = {name: op.label for name, op in OPS.items()}
_GROUP = 0  # the precedence of an open parenthesis on the operator stack: below them all


def build_fast(text: str, output: str | None, store: object) -> tuple[int, dict[str, int],
                                                                          str | None, list[str]]:
    """Fill ``store`` (an empty :class:`~backpropviz.graph.Store`) with the graph of
    ``text``; return (output id, variables, output name, warnings), or raise :class:`GiveUp`.
    """
    pairs = _SCAN.findall(text)
    # Store columns, appended to in place (the store's own add(), inlined).
    s = store
    s_op, s_code, s_label, s_a, s_b = s.op.append, s.code.append, s.label.append, s.a.append, s.b.append  # type: ignore[attr-defined]
    s_name, s_param, s_ptext = s.name.append, s.param.append, s.param_text.append  # type: ignore[attr-defined]
    s_start, s_end = s.start.append, s.end.append  # type: ignore[attr-defined]
    names = s.name  # type: ignore[attr-defined]
    ops_col = s.op  # type: ignore[attr-defined]
    kinds, first_kind, prec_of, gate_label = _KIND, _FIRST, _PREC, _GATE_LABEL
    functions, constants = FUNCTIONS, CONSTANTS

    variables: dict[str, int] = {}
    env: dict[str, int] = {}           # assigned name -> its current node
    version: dict[str, int] = {}       # assigned name -> the statement assigning it
    targets: list[str | None] = []     # per statement
    starts: list[int] = []             # per statement: where it starts
    read: list[bool] = []              # per statement: was its value read
    n = 0                              # nodes so far
    pos = 0
    depth = 0                          # open parentheses (a newline inside them is a blank)
    i, count = 0, len(pairs)
    result = -1

    # Operands: (node id or -1 for a constant not yet made, start, end, outer start, outer
    # end, constant value, constant text); operators: (precedence, symbol, pos), or for a
    # parenthesis (_GROUP, function or None, pos, function pos, argument operands).
    while True:
        # ---- the start of a statement: skip separators, read "NAME =" if there
        while i < count:
            ws, tok = pairs[i]
            kind = kinds.get(tok)
            if kind is None:
                kind = first_kind.get(tok[0], NAME)
            if kind == SEP or kind == NEWLINE or kind == COMMENT:
                pos += len(ws) + len(tok)
                i += 1
                continue
            break
        else:
            break
        if targets and targets[-1] is None:
            raise GiveUp  # only the last statement can be a bare expression
        stmt_pos = pos + len(ws)
        target = aug = None
        first = n
        if kind == NAME and i + 1 < count and kinds.get(pairs[i + 1][1]) == ASSIGN:
            if tok in functions or tok in constants:
                raise GiveUp
            target = tok
            aug = pairs[i + 1][1]
            pos = stmt_pos + len(tok)
            ws2, tok2 = pairs[i + 1]
            pos += len(ws2) + len(tok2)
            i += 2
            if aug != "=":
                if target not in env:
                    raise GiveUp
                read[version[target]] = True
                previous = env[target]
        stmt = len(targets)
        targets.append(target)
        starts.append(stmt_pos)
        read.append(False)

        # ---- one expression, up to a separator or the end
        operands: list[tuple] = []  # type: ignore[type-arg]
        stack: list[tuple] = []  # type: ignore[type-arg]
        push, pop = operands.append, operands.pop
        expect = True
        while True:
            if i < count:
                ws, tok = pairs[i]
                i += 1
                pos += len(ws)
                p = pos
                pos += len(tok)
                kind = kinds.get(tok)
                if kind is None:
                    kind = first_kind.get(tok[0], NAME)
                    if kind == NAME and tok[0].isdecimal():
                        kind = NUM  # a non-ASCII digit: \d is any decimal digit
            else:
                kind = SEP
                tok = ""
            if kind == NEWLINE:
                if depth or expect:
                    continue  # a blank inside parentheses; a line may break after an operator
                kind = SEP
            elif kind == COMMENT:
                continue
            if expect:
                if kind == NAME:
                    if i < count and pairs[i][1] == "(":
                        if tok not in functions:
                            raise GiveUp
                        ws, _ = pairs[i]
                        i += 1
                        pos += len(ws)
                        stack.append((_GROUP, tok, pos, p, []))
                        pos += 1
                        depth += 1
                    elif tok in functions:
                        raise GiveUp
                    elif tok in constants:
                        e = p + len(tok)
                        push((-1, p, e, p, e, constants[tok], tok))
                        expect = False
                    else:
                        e = p + len(tok)
                        if tok in env:
                            read[version[tok]] = True
                            node = env[tok]
                        elif tok in variables:
                            node = variables[tok]
                        else:
                            node = variables[tok] = n
                            n += 1
                            s_op("input")
                            s_code(INPUT)
                            s_label(tok)
                            s_a(-1)
                            s_b(-1)
                            s_name(tok)
                            s_param(None)
                            s_ptext(None)
                            s_start(p)
                            s_end(e)
                        push((node, p, e, p, e, None, None))
                        expect = False
                elif kind == NUM:
                    e = p + len(tok)
                    push((-1, p, e, p, e, float(tok), tok))
                    expect = False
                elif kind == LPAREN:
                    stack.append((_GROUP, None, p, p, None))
                    depth += 1
                elif kind == BIN and tok == "-":
                    stack.append((_UNARY_PREC, "neg", p))
                elif kind == BIN and tok == "+":
                    pass  # unary plus changes nothing
                else:
                    raise GiveUp
                continue

            # ---- expecting an operator
            if kind == BIN:
                prec, right_assoc = prec_of[tok]
                sym = "**" if tok == "^" else tok
                reduce_to = (prec, right_assoc)
            elif kind == RPAREN or kind == COMMA or kind == SEP:
                reduce_to = None
            else:
                raise GiveUp
            # reduce what binds tighter (for ')' ',' and the end: up to the parenthesis)
            while stack:
                top = stack[-1]
                top_prec = top[0]
                if top_prec == _GROUP:
                    break
                if reduce_to is not None:
                    if not (top_prec > prec or (top_prec == prec and not right_assoc)):
                        break
                stack.pop()
                if top[1] == "neg":
                    x = pop()
                    if x[0] < 0 and x[3] == x[1]:  # -3 is the number -3, not a gate
                        push((-1, top[2], x[2], top[2], x[2], -x[5], "-" + x[6]))
                        continue
                    if x[0] < 0:
                        a = n
                        n += 1
                        s_op("const")
                        s_code(CONST)
                        s_label(x[6])
                        s_a(-1)
                        s_b(-1)
                        s_name(None)
                        s_param(x[5])
                        s_ptext(x[6])
                        s_start(x[1])
                        s_end(x[2])
                    else:
                        a = x[0]
                    start, end = top[2], x[4]
                    s_op("neg")
                    s_code(NEG)
                    s_label(gate_label["neg"])
                    s_a(a)
                    s_b(-1)
                    s_name(None)
                    s_param(None)
                    s_ptext(None)
                    s_start(start)
                    s_end(end)
                    push((n, start, end, start, end, None, None))
                    n += 1
                    continue
                y = pop()
                x = pop()
                start, end = x[3], y[4]
                bsym = top[1]
                if (x[0] < 0) != (y[0] < 0):
                    if x[0] < 0:
                        name = FOLDED[bsym][1]
                        other, c = y[0], x
                    else:
                        name = FOLDED[bsym][0]
                        other, c = x[0], y
                    s_op(name)
                    s_code(CODE[name])
                    s_label(gate_label[name].format(c=c[6]))
                    s_a(other)
                    s_b(-1)
                    s_name(None)
                    s_param(c[5])
                    s_ptext(c[6])
                else:
                    a, b = x[0], y[0]
                    if a < 0:  # both constant: two constant leaves and the gate
                        for c in (x, y):
                            s_op("const")
                            s_code(CONST)
                            s_label(c[6])
                            s_a(-1)
                            s_b(-1)
                            s_name(None)
                            s_param(c[5])
                            s_ptext(c[6])
                            s_start(c[1])
                            s_end(c[2])
                        a, b = n, n + 1
                        n += 2
                    name = BINARY_OPERATOR[bsym]
                    s_op(name)
                    s_code(CODE[name])
                    s_label(gate_label[name])
                    s_a(a)
                    s_b(b)
                    s_name(None)
                    s_param(None)
                    s_ptext(None)
                s_start(start)
                s_end(end)
                push((n, start, end, start, end, None, None))
                n += 1
            if kind == BIN:
                stack.append((prec, sym, p))
                expect = True
                continue
            if kind == SEP:
                if stack:
                    raise GiveUp  # '(' never closed
                break
            # ')' or ','
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
                operands[-1] = (x[0], x[1], x[2], group[2], p + 1, x[5], x[6])
                continue
            args = group[4]
            args.append(pop())
            if len(args) != functions[func]:
                raise GiveUp
            inputs = []
            for x in args:
                if x[0] < 0:
                    inputs.append(n)
                    n += 1
                    s_op("const")
                    s_code(CONST)
                    s_label(x[6])
                    s_a(-1)
                    s_b(-1)
                    s_name(None)
                    s_param(x[5])
                    s_ptext(x[6])
                    s_start(x[1])
                    s_end(x[2])
                else:
                    inputs.append(x[0])
            name = FUNCTION_OP[func]
            start, end = group[3], p + 1
            s_op(name)
            s_code(CODE[name])
            s_label(gate_label[name])
            s_a(inputs[0])
            s_b(inputs[1] if len(inputs) > 1 else -1)
            s_name(None)
            s_param(None)
            s_ptext(None)
            s_start(start)
            s_end(end)
            push((n, start, end, start, end, None, None))
            n += 1

        # ---- the statement's node
        (root_entry,) = operands
        root = root_entry[0]
        if aug is not None and aug != "=":
            sym = aug[:-1]
            start, end = stmt_pos, root_entry[2]
            if root < 0:  # c += 2: the constant folds into the gate
                name = FOLDED[sym][0]
                s_op(name)
                s_code(CODE[name])
                s_label(gate_label[name].format(c=root_entry[6]))
                s_a(previous)
                s_b(-1)
                s_name(None)
                s_param(root_entry[5])
                s_ptext(root_entry[6])
            else:
                name = BINARY_OPERATOR[sym]
                s_op(name)
                s_code(CODE[name])
                s_label(gate_label[name])
                s_a(previous)
                s_b(root)
                s_name(None)
                s_param(None)
                s_ptext(None)
            s_start(start)
            s_end(end)
            root = n
            n += 1
        elif root < 0:
            s_op("const")
            s_code(CONST)
            s_label(root_entry[6])
            s_a(-1)
            s_b(-1)
            s_name(None)
            s_param(root_entry[5])
            s_ptext(root_entry[6])
            s_start(root_entry[1])
            s_end(root_entry[2])
            root = n
            n += 1
        result = root
        if target is not None:
            if root >= first and ops_col[root] != "input":
                names[root] = target
            env[target] = root
            version[target] = stmt
        if i >= count:
            break

    if not targets or text[pos:].strip(" \t\r\f\v"):
        raise GiveUp  # empty, or a character no token matches (a gap in the positions)
    if any(t in variables for t in env):
        raise GiveUp  # a name read before the statement that assigns it
    if output is not None:
        if output not in env:
            raise GiveUp
        result = env[output]
        read[version[output]] = True
    elif targets[-1] is not None:
        read[-1] = True
    warnings = []
    line, last = 1, 0
    for target, start, was_read in zip(targets, starts, read):
        if target is not None and not was_read:
            line += text.count("\n", last, start)
            last = start
            warnings.append(f"'{target}' (line {line}) is assigned but never used")
    return result, variables, output or targets[-1], warnings
