"""A corpus of hostile inputs: code execution is impossible by construction.

Every input is given to a real ``python -m backpropviz`` process twice - typed on the command
line and written to a ``-f`` file - with the current folder a fresh ``tmp_path``. Each payload
that could run code tries to create the file ``CANARY`` there (``open('CANARY', 'w')``,
``__import__('os').system('touch CANARY')``, shell tricks, sympy's ``sympify``...).

For every input: the expected exit status (2 for anything outside the grammar; inputs that
*are* in the grammar, such as a 100,000-character name, get their values and exit 0), for
exit 2 a message whose first line starts with ``Error:`` (a syntax error adds exactly two
lines: the offending text and a caret), no traceback anywhere, nothing on stdout, no
terminal control characters echoed back, and no ``CANARY`` - nor any other new file.
"""

from __future__ import annotations

import html.parser
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

CANARY = "CANARY"
OPEN = "open('CANARY', 'w')"
SYSTEM = "__import__('os').system('touch CANARY')"
LONG = 100_000
ENGINES = [pytest.param("dot", marks=pytest.mark.needs_dot),
           pytest.param("embedded", marks=pytest.mark.needs_embedded)]
MAX_FIRST_LINE = 300  # characters: a message stays one readable line whatever was typed


@dataclass(frozen=True)
class Case:
    """One hostile input: ``text``, extra arguments (values), the exit status expected,
    and whether it can go on the command line (argv cannot hold NUL)."""

    id: str
    text: str
    args: tuple[str, ...] = ()
    rc: int = 2
    argv_ok: bool = True
    file_ok: bool = True


def case(id: str, text: str, *args: str, rc: int = 2, argv_ok: bool = True,
         file_ok: bool = True) -> Case:
    return Case(id, text, tuple(args), rc, argv_ok, file_ok)


CORPUS: list[Case] = [
    # --- attribute access and dunders ---
    case("attribute", "x.__class__", "--x", "1"),
    case("attribute-chain", "x.__class__.__mro__[1].__subclasses__()", "--x", "1"),
    case("tuple-subclasses", "().__class__.__base__.__subclasses__()"),
    case("dunder-import-system", SYSTEM),
    case("dunder-import-dq", '__import__("os").system("touch CANARY")'),
    case("builtins-open", "__builtins__.open('CANARY', 'w')"),
    case("builtins-dict", "__builtins__['open']('CANARY', 'w')"),
    case("dunder-globals", "exp.__globals__['os'].system('touch CANARY')"),
    # dunder *names* are ordinary variables of the grammar: harmless, and they work
    case("dunder-names-are-variables", "__builtins__ * __import__ + __class__",
         "--__builtins__", "2", "--__import__", "3", "--__class__", "4", rc=0),
    case("dunder-name-without-value", "__import__"),
    # --- calls to names outside the whitelist ---
    case("open", f"{OPEN}.write('pwned')"),
    case("eval", f'eval("{OPEN}")'),
    case("exec", f'exec("{OPEN}")'),
    case("compile", f"compile(\"{OPEN}\", 'CANARY', 'exec')"),
    case("getattr", "getattr(__builtins__, 'open')('CANARY', 'w')"),
    case("globals", "globals()['__builtins__']"),
    case("locals", "locals()"),
    case("vars", "vars(x)", "--x", "1"),
    case("breakpoint", "breakpoint()"),
    case("print", "print(x)", "--x", "1"),
    case("call-a-call", "exp(x)(1)", "--x", "1"),
    case("star-args", "max(*x)", "--x", "1"),
    case("whitelisted-wrapping-open", f"exp({OPEN})"),
    case("whitelisted-wrong-arity", "min(x)", "--x", "1"),
    case("function-as-value", "exp", "--x", "1"),
    # --- lambdas, comprehensions, subscripts ---
    case("lambda", f"lambda: {OPEN}"),
    case("lambda-called", f"(lambda: {OPEN})()"),
    case("list-comprehension", f"[{OPEN} for _ in 'a']"),
    case("set-comprehension", f"{{{OPEN} for _ in 'a'}}"),
    case("generator", f"({OPEN} for _ in 'a')"),
    case("subscript", "x[0]", "--x", "1"),
    case("slice", "x[::-1]", "--x", "1"),
    # --- strings, f-strings, bytes ---
    case("string-sq", "'CANARY'"),
    case("string-dq", '"CANARY"'),
    case("f-string", f'f"{{{OPEN}}}"'),
    case("bytes", "b'CANARY'"),
    case("raw-bytes", "rb'\\x00CANARY'"),
    # --- walrus, statements, import ---
    case("walrus", f"(a := {OPEN})"),
    case("walrus-bare", "a := 1"),
    case("semicolon-import", "x; import os; os.system('touch CANARY')", "--x", "1"),
    case("import", "import os"),
    case("from-import", "from os import system"),
    case("assign-import", "x = __import__('os')"),
    case("assign-to-function", "exp = 1"),
    case("conditional", f"x if x else {OPEN}", "--x", "1"),
    case("boolean", f"x and {OPEN}", "--x", "1"),
    case("not", "not x", "--x", "1"),
    case("comparison", "x == 1", "--x", "1"),
    case("comment-then-code", f"x  # fine\n{SYSTEM}", "--x", "1"),
    case("crlf-import", "x\r\nimport os", "--x", "1"),
    # --- backslashes ---
    case("line-continuation", f"x\\\n{OPEN}", "--x", "1"),
    case("backslash", "x \\ y", "--x", "1", "--y", "2"),
    # --- very long input ---
    case("long-name-no-value", "a" * LONG),
    case("long-name-with-value", "a" * LONG + "*2", "--" + "a" * LONG, "3", rc=0),
    case("long-dunder-attribute", "_" * LONG + ".__class__"),
    case("long-number", "1" * LONG, rc=0),  # a float: 1.1e99999 is inf, flagged
    case("huge-exponent-literal", "1e99999999999", rc=0),
    # --- NUL bytes (a file only: argv cannot hold NUL) ---
    case("nul-then-code", f"x\x00{OPEN}", "--x", "1", argv_ok=False),
    case("nul-only", "\x00", argv_ok=False),
    case("nul-in-name", "a\x00b", "--a", "1", argv_ok=False),
    # --- format-string tricks ---
    case("format-attribute", "{0.__class__}"),
    case("format-dunder-globals", "{x.__init__.__globals__}"),
    case("percent-format", "%s%s%s%n"),
    case("modulo", "x % 2", "--x", "1"),
    case("dollar", "$x", "--x", "1"),
    # --- sympy-specific names: not functions here ---
    case("sympy-Function", "Function('f')(x)", "--x", "1"),
    case("sympy-Symbol", "Symbol('CANARY')"),
    case("sympy-S", "S('CANARY')"),
    case("sympy-sympify", f'sympify("{OPEN}")'),
    case("sympy-parse_expr", f'parse_expr("{SYSTEM}")'),
    case("sympy-Integer", "Integer(1)"),
    case("sympy-Lambda", "Lambda(x, x)", "--x", "1"),
    case("sympy-srepr", "srepr(x)", "--x", "1"),
    case("sympy-N", "N(x)", "--x", "1"),
    # sympy's constants and classes are plain variable names here
    case("sympy-names-are-variables", "oo + zoo + nan + I + E + S + Symbol",
         "--oo", "1", "--zoo", "2", "--nan", "3", "--I", "4", "--E", "5", "--S", "6",
         "--Symbol", "7", rc=0),
    # --- unicode look-alikes, invisible and bidi characters ---
    case("cyrillic-exp", "\u0435\u0445\u0440(x)", "--x", "1"),
    case("fullwidth-open", "\uff4f\uff50\uff45\uff4e('CANARY', 'w')"),
    case("rtl-override", "x\u202e)'YRANAC'(nepo", "--x", "1"),
    case("zero-width-space", "x\u200by", "--x", "1"),
    case("no-break-space", "x\u00a0+\u00a0y", "--x", "1", "--y", "1"),
    case("unicode-minus", "x\u2212y", "--x", "1", "--y", "1"),
    case("byte-order-mark-inside", "x\ufeff+y", "--x", "1", "--y", "1"),
    # --- terminal escape sequences ---
    case("ansi-clear-red", "\x1b[2J\x1b[31mx", "--x", "1"),
    case("osc-title", "x\x1b]0;pwned\x07", "--x", "1"),
    case("backspaces", "x\b\b\bpwned", "--x", "1"),
    # --- shell metacharacters (nothing goes through a shell) ---
    case("command-substitution", "$(touch CANARY)"),
    case("backticks", "`touch CANARY`"),
    case("semicolon-shell", "x; touch CANARY", "--x", "1"),
    case("and-shell", "x && touch CANARY", "--x", "1"),
    case("pipe-shell", "x | tee CANARY", "--x", "1"),
    case("redirect-shell", "x > CANARY", "--x", "1"),
    case("at-file", "@CANARY"),  # reads a file named CANARY: it does not exist, nor appears
    case("value-with-code", "x", "--x", SYSTEM),
    case("value-with-shell", "x", "--x", "1; touch CANARY"),
    case("value-inf", "x", "--x", "1e999"),
    case("value-nan", "x", "--x", "nan"),
    case("var-dunder", "x", "--x", "1", "--var", "__class__=1"),
    case("option-dunder", "x", "--x", "1", "--__class__", "1"),
    # --- extreme nesting ---
    case("open-parens", "(" * LONG),
    case("close-parens", ")" * LONG),
    case("balanced-parens", "(" * 60_000 + "x" + ")" * 60_000, "--x", "1", rc=0),
    case("deep-calls", "exp(" * 20_000 + "x" + ")" * 20_000, "--x", "0", "-q", rc=0),
    case("unary-chain", "-" * LONG + "x", "--x", "1", "-q", rc=0),
    case("deep-lambda-nest", "(lambda: " * 5_000 + OPEN + ")" * 5_000),
    case("empty", ""),
    case("only-comment", "# __import__('os').system('touch CANARY')"),
]


def _argv_for(c: Case) -> list[str]:
    """The expression on the command line ('--' first when it starts with '-')."""
    return [*c.args, *(["--"] if c.text.startswith("-") else []), c.text]


def _start(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "backpropviz", *args], cwd=cwd,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)


def _finish(proc: subprocess.Popen[bytes]) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError("no answer within 60 s: a hang") from None
    return (proc.returncode, out.decode("utf-8", "backslashreplace"),
            err.decode("utf-8", "backslashreplace"))


def assert_no_canary(folder: Path, allowed: set[str]) -> None:
    """Nothing was created: no CANARY, and no file besides ``allowed``."""
    assert not (folder / CANARY).exists(), "the input ran code: CANARY exists"
    assert {p.name for p in folder.iterdir()} <= allowed


def assert_clean_error(err: str, out: str) -> None:
    """Exit 2's message: 'Error: ...' on one line, optionally the text and a caret."""
    assert out == "", "stdout must stay empty on an error"
    assert err.startswith("Error: "), err[:300]
    lines = err.rstrip("\n").split("\n")
    assert len(lines) in (1, 3), f"{len(lines)} lines: {err[:500]!r}"
    assert len(lines[0]) <= MAX_FIRST_LINE, f"first line is {len(lines[0])} characters"
    if len(lines) == 3:  # the offending text, then a caret under the column
        assert lines[1].startswith("  ") and lines[2].strip() == "^", err[:500]
        assert len(lines[1]) <= 2 + 3 + 2 * 60 + 3, "the caret line shows a window, not all"
    # no terminal control characters (ESC, BEL, backspace, bidi overrides...) echoed back
    assert all(ch.isprintable() for ch in err.replace("\n", "")), repr(err[:300])


@pytest.mark.parametrize("c", CORPUS, ids=[c.id for c in CORPUS])
def test_hostile_input(c: Case, tmp_path: Path, child_env):
    runs: list[tuple[str, list[str]]] = []
    if c.argv_ok:
        runs.append(("argv", _argv_for(c)))
    if c.file_ok:
        (tmp_path / "input.bp").write_bytes(c.text.encode("utf-8"))
        runs.append(("file", ["-f", "input.bp", *c.args]))
    env = child_env(COLUMNS="100")
    procs = [(how, _start(args, tmp_path, env)) for how, args in runs]  # both at once
    results = [(how, *_finish(proc)) for how, proc in procs]
    for how, rc, out, err in results:
        where = f"[{how}] rc={rc} stderr={err[:400]!r}"
        assert "Traceback" not in err and "Traceback" not in out, where
        assert "internal error" not in err, where
        assert rc == c.rc, where
        if rc == 2:
            assert_clean_error(err, out)
        else:
            assert ("output " in out) if "-q" not in c.args else out == "", where
            assert "Error" not in err, where
    assert_no_canary(tmp_path, {"input.bp"})


def test_corpus_size_and_coverage():
    assert len(CORPUS) >= 40
    assert len({c.id for c in CORPUS}) == len(CORPUS)
    refuses = [c for c in CORPUS if c.rc == 2]
    assert len(refuses) >= 40
    assert sum(CANARY in c.text or any(CANARY in a for a in c.args) for c in CORPUS) >= 30


def test_canary_check_can_fail(tmp_path: Path):
    """The oracle is not vacuous: code that does run is caught by the canary check."""
    subprocess.run([sys.executable, "-c", f"{OPEN}.close()"], cwd=tmp_path, check=True)
    with pytest.raises(AssertionError):
        assert_no_canary(tmp_path, set())
    with pytest.raises(AssertionError):
        assert_clean_error("Traceback (most recent call last):\n  ...\nNameError\n", "")
    with pytest.raises(AssertionError):
        assert_clean_error("Error: \x1b[31mred\n", "")


# --- streams, sizes, paths and spellings (issue 20) ---------------------------------------

ENDLESS_WRITER = "import sys\nwhile True:\n    sys.stdout.buffer.write(b'x + ' * 16384)\n"
READ_LIMIT = 1_000_000  # --max-size for the endless inputs: the refusal must come at it
MAX_RSS_MB = 100        # a bounded read of READ_LIMIT characters stays far below this (18)


# Runs the command and adds its peak RSS (KiB) as stderr's last line. A fresh small process
# is the parent: Linux keeps a peak RSS across fork and exec, so a child forked from this
# test process would start with the test process's own peak.
_PEAK_RUNNER = """\
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(r.returncode)
"""


def _run_measured(args: list[str], cwd: Path, env: dict[str, str], stdin: object = None,
                  close_stdin: bool = False) -> tuple[int, str, str, float]:
    """Run ``python -m backpropviz ARGS``: (exit status, stdout, stderr, peak RSS in MB;
    0 with ``close_stdin``, which runs it directly)."""
    import os

    command = [sys.executable, "-m", "backpropviz", *args]
    if not close_stdin:
        command = [sys.executable, "-c", _PEAK_RUNNER, *command]
    try:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, timeout=60,
                              stdin=stdin if stdin is not None else subprocess.DEVNULL,
                              preexec_fn=(lambda: os.close(0)) if close_stdin else None)
    except subprocess.TimeoutExpired:
        raise AssertionError("no answer within 60 s: the read is not bounded") from None
    err = done.stderr.decode()
    peak_mb = 0.0
    if not close_stdin:
        err, _, peak = err.rstrip("\n").rpartition("\n")
        err, peak_mb = err + "\n" if err else "", int(peak) / 1024
    return done.returncode, done.stdout.decode(), err, peak_mb


def _limit_refusal(rc: int, out: str, err: str, where: str) -> None:
    assert rc == 2, err[:400]
    assert_clean_error(err, out)
    assert where in err and f"--max-size {READ_LIMIT:,}" in err, err


@pytest.mark.parametrize("args", [
    ["@/dev/zero"],
    ["-f", "/dev/zero"],
    ["x", "--values", "/dev/zero"],
], ids=["at-file", "program-file", "values-file"])
def test_dev_zero_stops_at_the_limit(args, tmp_path, child_env):
    """/dev/zero never ends: the read stops at --max-size with a one-line error."""
    rc, out, err, peak_mb = _run_measured([*args, "--max-size", str(READ_LIMIT)], tmp_path,
                                          child_env())
    _limit_refusal(rc, out, err, "/dev/zero")
    assert peak_mb < MAX_RSS_MB, f"peak RSS {peak_mb:.0f} MB"


@pytest.mark.parametrize("args", [["-"], ["x", "--values", "-"]], ids=["program", "values"])
def test_endless_stdin_stops_at_the_limit(args, tmp_path, child_env):
    """An endless stdin (a pipe from a writer that never stops) stops at --max-size.

    The writer is a process of its own: writing from this one would kill the test run with
    SIGPIPE once an in-process CLI test has restored SIGPIPE's default action."""
    writer = subprocess.Popen([sys.executable, "-c", ENDLESS_WRITER], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
    try:
        rc, out, err, _ = _run_measured([*args, "--max-size", str(READ_LIMIT)], tmp_path,
                                        child_env(), stdin=writer.stdout)
    finally:
        writer.kill()
        writer.wait()
        assert writer.stdout is not None
        writer.stdout.close()
    _limit_refusal(rc, out, err, "stdin")


def test_dev_zero_as_stdin_reads_in_bounded_memory(tmp_path, child_env):
    """The refusal comes while reading: the process never holds much more than the limit."""
    with open("/dev/zero", "rb") as zeros:
        rc, out, err, peak_mb = _run_measured(["-", "--max-size", str(READ_LIMIT)],
                                              tmp_path, child_env(), stdin=zeros)
    _limit_refusal(rc, out, err, "stdin")
    assert peak_mb < MAX_RSS_MB, f"peak RSS {peak_mb:.0f} MB"


@pytest.mark.parametrize("args", [["-"], ["x", "--values", "-"], ["-f", "-"]],
                         ids=["program", "values", "file-dash"])
def test_closed_stdin_is_a_one_line_error(args, tmp_path, child_env):
    """``backpropviz - <&-``: stdin closed at start is an error naming stdin, exit 2."""
    rc, out, err, _ = _run_measured(args, tmp_path, child_env(), close_stdin=True)
    assert rc == 2, err[:400]
    assert_clean_error(err, out)
    assert "stdin is closed" in err and "internal error" not in err


@pytest.mark.parametrize("path", ["out.svg/", "out.json/", "out.dot/"])
def test_an_output_path_ending_in_slash_is_refused(path, tmp_path, child_env):
    """``-o out.svg/`` names a folder: refused before any work, nothing written."""
    proc = _start(["x*y", "--x", "1", "--y", "2", "-o", path], tmp_path, child_env())
    rc, out, err = _finish(proc)
    assert rc == 2, err[:400]
    assert_clean_error(err, out)
    assert f"'{path}'" in err and "folder" in err
    assert list(tmp_path.iterdir()) == []


FULLWIDTH_X = "\uff58"  # ｘ: NFKC is x


@pytest.mark.parametrize("args, gradients", [
    ([f"{FULLWIDTH_X}*x", "--x", "3"], {"x": 6.0}),
    (["x*y", f"--{FULLWIDTH_X}", "3", "--y", "2"], {"x": 2.0, "y": 3.0}),
    (["x*y", "--var", f"{FULLWIDTH_X}=3", "--y", "2"], {"x": 2.0, "y": 3.0}),
    ([f"{FULLWIDTH_X} = a*2; y = x + 1", "--a", "1"], {"a": 2.0}),
], ids=["expression", "option", "var", "assigned"])
def test_nfkc_spellings_are_one_name(args, gradients, tmp_path, child_env):
    """``x`` and fullwidth ``ｘ`` are one variable, as in Python, wherever a name appears."""
    rc, out, err = _finish(_start([*args, "--json"], tmp_path, child_env()))
    assert rc == 0, err
    import json

    assert json.loads(out)["gradients"] == gradients


def test_nfkc_spellings_in_a_values_file(tmp_path, child_env):
    """Values-file keys are normalised too; two spellings of one name are an error naming
    both."""
    import json

    (tmp_path / "one.json").write_text(json.dumps({FULLWIDTH_X: 3, "y": 2}), "utf-8")
    rc, out, err = _finish(_start(["x*y", "--values", "one.json", "--json"], tmp_path,
                                  child_env()))
    assert rc == 0 and json.loads(out)["gradients"] == {"x": 2.0, "y": 3.0}, err
    (tmp_path / "two.json").write_text(json.dumps({"x": 1, FULLWIDTH_X: 2}), "utf-8")
    rc, out, err = _finish(_start(["x", "--values", "two.json"], tmp_path, child_env()))
    assert rc == 2
    assert_clean_error(err, out)
    assert f"'{FULLWIDTH_X}'" in err and "'x'" in err
    rc, out, err = _finish(_start(["x", "--x", "1", f"--{FULLWIDTH_X}", "2"], tmp_path,
                                  child_env()))
    assert rc == 2 and f"--{FULLWIDTH_X}" in err and "--x" in err, err


# --- inert output: markup payloads in every user-controlled field (issue 20) --------------

#: Text a user controls that reaches a title, a comment or a font. Each must come out as
#: text (or be refused, for a font): never an element, an attribute or a reference.
MARKUP = [
    # attribute breakers
    '"', "'", '" onload="alert(1)', "' onload='alert(1)", '"/><g onload="alert(1)"',
    'x" onmouseover="alert(1)" y="', "` onfocus=alert(1) autofocus `", '"><svg onload=alert(1)>',
    "a=b c=d", '"style="fill:url(http://evil/x)"',
    # closing tags and new elements
    "</text><script>alert(1)</script><text>", "</title><script>alert(1)</script>",
    "</svg><script>alert(1)</script>", "</p></section><script>alert(1)</script>",
    "<script>alert(1)</script>", "<SCRIPT SRC=//evil/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">', "<iframe src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">click</a>', '<a xlink:href="http://evil/">x</a>',
    '<image href="http://evil/x.png"/>', '<use href="http://evil/s.svg#x"/>',
    "<foreignObject><body onload=alert(1)></foreignObject>", "<style>*{x:url(//evil)}</style>",
    '<link rel="stylesheet" href="http://evil/x.css">',
    '<meta http-equiv="refresh" content="0;url=http://evil">',
    "<animate attributeName=href to=javascript:alert(1)>",
    '<set attributeName="onload" to="alert(1)"/>',
    # CDATA, comments, processing instructions, doctype, entities
    "]]>", "<![CDATA[<script>alert(1)</script>]]>", "]]><script>alert(1)</script><![CDATA[",
    "<!--", "-->", "<!-- --><script>alert(1)</script><!-- -->", "--!>",
    '<?xml-stylesheet href="http://evil/x.xsl"?>',
    '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;", "&", "&amp;&lt;&gt;",
    "&#60;script&#62;",
    "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;", "&lt;/text&gt;", "%3Cscript%3E",
    # URLs
    "javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "url(http://evil/x)", "http://evil/x.svg#y",
    # DOT label escapes and DOT syntax
    "\\l", "\\N\\G\\E\\T\\H\\L", "\\n\\r\\l", "\\\\", "\\", '\\"',
    '\\"]; evil [URL="http://evil"]; x [label="', ">", "<>", "<<b>x</b>>",
    '"]; n0 [URL="javascript:alert(1)"', "}; digraph evil {", "<br/><table>",
    '<font face="x" color="red">', "<td href=\"http://evil\">",
    # unicode tricks
    "\u202eevil\u202c", "\u200b<\u200bscript\u200b>", "\uff1cscript\uff1e", "\ufe64script\ufe65",
    "\u2028\u2029", "\U0001f600 \u0130 \u00df \u03a3", "\u2400",
    "a\u0301\u0302\u0303", "\ufeff", "x\u00a0y",
    # templates and format strings
    "{{7*7}}", "${7*7}", "%s%n%x", "{0.__class__}",
]
#: Names the grammar allows that mean something to a browser or to Graphviz.
MARKUP_NAMES = ["script", "onload", "javascript", "href", "xlink", "CDATA", "\uff53cript",
                "\u03b8_onerror", "__proto__", "constructor", "N", "G", "l"]

SVG_NS = "{http://www.w3.org/2000/svg}"
# (desc and role: main's render/describe.py adds <title>/<desc> words and role="img")
SVG_ELEMENTS = {"svg", "g", "title", "desc", "polygon", "polyline", "path", "ellipse", "text",
                "tspan"}
SVG_ATTRIBUTES = {"baseline-shift", "class", "cx", "cy", "d", "fill", "fill-opacity",
                  "font-family", "font-size", "font-style", "font-weight", "height", "id",
                  "points", "role", "rx", "ry", "stroke", "stroke-dasharray", "stroke-opacity",
                  "stroke-width", "text-anchor", "text-decoration", "transform", "viewbox",
                  "width", "x", "y", "xml:space", "xmlns", "xmlns:xlink"}
HTML_ELEMENTS = {"html", "head", "meta", "title", "script", "style", "body", "header", "h1",
                 "p", "main", "section", "div", "footer", "nav", "button"} | SVG_ELEMENTS
HTML_ATTRIBUTES = {"lang", "charset", "name", "content", "class", "id", "data-step",
                   "data-gate", "aria-live", "aria-label", "tabindex", "style",
                   "type", "data-back", "data-desc",  # (a step of a lesson drawn once)
                   "data-node", "data-into", "data-from", "data-sent"} | SVG_ATTRIBUTES
NAMESPACES = {"xmlns": "http://www.w3.org/2000/svg", "xmlns:xlink": "http://www.w3.org/1999/xlink"}
REFERENCE = re.compile(r"^\s*(?:javascript|vbscript|data|https?|file|ftp):|url\(\s*(?!#)|//",
                       re.IGNORECASE)


def _attribute_name(name: str) -> str:
    """``{http://www.w3.org/XML/1998/namespace}space`` -> ``xml:space``; lower case."""
    return name.replace("{http://www.w3.org/XML/1998/namespace}", "xml:").lower()


def assert_inert_element(tag: str, attrs: dict[str, str], elements: set[str],
                         attributes: set[str]) -> None:
    """One element: on the allow-list, its attributes too, no event handler, no reference
    out of the document."""
    assert tag in elements, f"element <{tag}> is not allowed"
    for name, value in attrs.items():
        name = _attribute_name(name)
        assert not name.startswith("on"), f"event attribute {name}={value!r} on <{tag}>"
        assert name in attributes, f"attribute {name}={value!r} on <{tag}> is not allowed"
        if name.startswith("xmlns"):  # a namespace's name, never fetched
            assert value == NAMESPACES[name], f"{name}={value!r}"
        else:
            assert not REFERENCE.search(value or ""), f"a reference {name}={value!r} on <{tag}>"


def svg_text(data: str) -> tuple[str, int]:
    """Check an SVG (parsed as XML) is inert; (its text, whitespace dropped; its elements)."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(data.encode("utf-8"))
    count = 0
    for element in root.iter():
        assert element.tag.startswith(SVG_NS), f"element {element.tag} outside SVG"
        assert_inert_element(element.tag[len(SVG_NS):], element.attrib, SVG_ELEMENTS,
                             SVG_ATTRIBUTES)
        count += 1
    text = "".join("".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))
    return "".join(text.split()), count


class _Page(html.parser.HTMLParser):
    """Every element of an HTML page, and the text of its scripts and of its <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.h1 = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self._in = tag
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "h1":
            self.h1 += data

    def handle_comment(self, data: str) -> None:
        pass  # (Graphviz's own comments: node names)

    def handle_pi(self, data: str) -> None:
        raise AssertionError(f"a processing instruction in the page: {data!r}")


def page_h1(data: str) -> str:
    """Check an HTML page is inert (its scripts are the stepper's own); its <h1> text."""
    from backpropviz.render import stepper

    page = _Page()
    page.feed(data)
    page.close()
    for tag, attrs in page.elements:
        assert_inert_element(tag, attrs, HTML_ELEMENTS, HTML_ATTRIBUTES)
    own = ['document.documentElement.className = "js";', stepper._SCRIPT]
    assert page.scripts == own, "a <script> that is not the stepper's own"
    return page.h1


def _comment_safe(payload: str) -> str:
    """The payload on one line of a program (a comment ends at a line break)."""
    return "".join(" " if ch in "\n\r\u2028\u2029\x0b\x0c\x85\x1c\x1d\x1e" else ch
                   for ch in payload)


def _markup_run(k: int, payload: str, tmp_path: Path, outputs: tuple[str, ...],
                engine: str = "auto", title: bool = True, **more: object) -> tuple[str, str]:
    """Run on a one-gate program whose names and comment are hostile, ``payload`` the title
    (and the comment); (the program, the output name). A title with a character Graphviz
    cannot take (a control or format character) must be refused naming --title, as the
    command refuses it; then the run goes on untitled."""
    from backpropviz.render.text import text_problem
    from backpropviz.run import Options, OptionsError, run

    var, out = MARKUP_NAMES[k % len(MARKUP_NAMES)], MARKUP_NAMES[(k + 3) % len(MARKUP_NAMES)]
    program = f"{out} = {var} * y  # {_comment_safe(payload)}\n"
    options = Options(expression=program, variables=((var, "1.5"), ("y", "2")),
                      output_name=out, outputs=tuple(str(tmp_path / o) for o in outputs),
                      engine_choice=engine, title=payload if title else None,
                      font="DejaVu Sans, Helvetica-Bold", quiet=True, **more)
    if title and text_problem(payload) is not None:
        with pytest.raises(OptionsError, match="^--title: "):
            run(options)
        assert list(tmp_path.iterdir()) == []
        options = options._replace(title=None)
    run(options)
    return program, out


def _shown_title(payload: str) -> str:
    """The title as a diagram shows it (whitespace aside), or '' when it is refused."""
    from backpropviz.render.text import text_problem

    return "" if text_problem(payload) else "".join(payload.split())


MARKUP_CASES = list(enumerate(MARKUP))
MARKUP_IDS = [f"m{k}" for k in range(len(MARKUP))]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("k, payload", MARKUP_CASES, ids=MARKUP_IDS)
def test_markup_stays_text_in_svg(engine, k, payload, tmp_path):
    """The title shows as text in the SVG, whose elements and attributes are all expected."""
    _markup_run(k, payload, tmp_path, ("d.svg",), engine)
    text, count = svg_text((tmp_path / "d.svg").read_text("utf-8"))
    assert _shown_title(payload) in text
    assert count > 10


@pytest.mark.parametrize("k, payload", MARKUP_CASES, ids=MARKUP_IDS)
def test_markup_stays_text_in_dot_and_json(k, payload, tmp_path, any_engine):
    """The .dot text, drawn, shows the title as text and nothing else; the JSON holds the
    program (with its comment) as it was typed."""
    import json

    from backpropviz.names import normal_name

    program, out = _markup_run(k, payload, tmp_path, ("d.dot", "d.json"))
    drawn = any_engine.render((tmp_path / "d.dot").read_text("utf-8"), "svg").decode("utf-8")
    text, _ = svg_text(drawn)
    assert _shown_title(payload) in text
    doc = json.loads((tmp_path / "d.json").read_text("utf-8"))
    assert doc["expression"] == program and doc["output_name"] == normal_name(out)


@pytest.mark.parametrize("k, payload", MARKUP_CASES, ids=MARKUP_IDS)
def test_markup_stays_text_in_html(k, payload, tmp_path, any_engine):
    """The stepper page: the title (or, untitled, the program with its comment) is the
    <h1>'s text; no element, attribute or script but the page's own."""
    titled = k % 2 == 0
    program, _ = _markup_run(k, payload, tmp_path, ("l.html",), any_engine.name, titled)
    h1 = page_h1((tmp_path / "l.html").read_text("utf-8"))
    if titled and _shown_title(payload):
        assert h1 == payload
    else:
        assert h1.startswith("backpropviz: ") and "y" in h1


@pytest.mark.parametrize("k, payload", MARKUP_CASES[::9], ids=MARKUP_IDS[::9])
def test_markup_in_frames_and_gif(k, payload, tmp_path, any_engine):
    """--steps frames (captions name the hostile variables) are inert SVG; the GIF of the
    same lesson is a GIF of its 3 frames."""
    from PIL import Image

    _markup_run(k, payload, tmp_path, ("l.gif",), any_engine.name,
                steps_dir=str(tmp_path / "frames"))
    frames = sorted((tmp_path / "frames").iterdir())
    assert len(frames) == 3
    for frame in frames:
        svg_text(frame.read_text("utf-8"))
    with Image.open(tmp_path / "l.gif") as gif:
        assert gif.format == "GIF" and gif.n_frames >= 2


@pytest.fixture(scope="module")
def any_engine():
    """The system dot when installed, else the embedded graphviz-pure."""
    from backpropviz.errors import RenderError
    from backpropviz.render.engines import choose_engine

    try:
        return choose_engine("auto")
    except RenderError as exc:
        pytest.skip(str(exc))


@pytest.mark.parametrize("k, payload", MARKUP_CASES, ids=MARKUP_IDS)
def test_markup_as_font_is_refused(k, payload, run, tmp_path):
    """A --font is a font-family list; every payload is refused in one line, exit 2, and
    so is it in Options and in a Style."""
    from backpropviz.render.dot import Style
    from backpropviz.run import Options, OptionsError, run as run_options

    result = run("x", "--x", "1", "--font", payload, "-o", str(tmp_path / "never.svg"))
    assert result.exit_code == 2, result.output
    assert_clean_error(result.stderr, result.stdout)
    assert "--font" in result.stderr
    with pytest.raises(OptionsError, match="--font"):
        run_options(Options(expression="x", variables=(("x", "1"),), font=payload,
                            outputs=(str(tmp_path / "never.dot"),), quiet=True))
    with pytest.raises(ValueError, match="font"):
        Style(font=payload)
    assert list(tmp_path.iterdir()) == []


def test_a_font_list_reaches_the_svg(tmp_path, any_engine):
    """A valid font-family list is accepted and drawn with."""
    _markup_run(0, "t", tmp_path, ("d.svg",), any_engine.name)
    data = (tmp_path / "d.svg").read_text("utf-8")
    assert 'font-family="DejaVu Sans, Helvetica-Bold' in data


def test_the_markup_oracle_can_fail():
    """The checks catch what they look for: an event attribute, a foreign element, a
    reference, a script of another's, a title that vanished."""
    good = ('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1">'
            '<text x="0" y="0">{}</text></svg>')
    assert svg_text(good.format("a &lt;b"))[0] == "a<b"
    for bad in ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:x"/></svg>',
                '<svg xmlns="http://www.w3.org/2000/svg"><text fill="url(http://e/)"/></svg>',
                '<svg xmlns="http://www.w3.org/2000/svg"><text font-family="x" '
                'style="a"/></svg>'):
        with pytest.raises(AssertionError):
            svg_text(bad)
    with pytest.raises(AssertionError):
        page_h1("<html><body><h1>t</h1><script>alert(1)</script></body></html>")
    with pytest.raises(AssertionError):
        page_h1('<html><body><h1>t</h1><img src="http://evil/x"></body></html>')
    assert len(MARKUP) >= 50


def test_nfkc_spellings_from_python():
    """trace(): keywords and mapping keys of either spelling set one variable, and the
    graph finds it by either spelling."""
    from backpropviz import trace

    graph = trace(f"{FULLWIDTH_X}*y + x", {FULLWIDTH_X: 2.0}, y=3.0)
    assert list(graph.variables) == ["x", "y"]
    assert graph.gradients == {"x": 4.0, "y": 2.0}
    assert graph[FULLWIDTH_X].grad == graph["x"].grad == 4.0
    assert FULLWIDTH_X in graph and "\uff59" in graph and "z" not in graph


@pytest.mark.parametrize("title", ["a\x00b", "\x1b[31mred", "a\ud800b", "\x07"],
                         ids=["nul", "escape", "surrogate", "bell"])
def test_a_title_graphviz_cannot_take_is_refused_before_drawing(title, tmp_path):
    """Options and Style check a title as the command does: one error naming --title,
    before Graphviz fails on it (or writing it fails with an internal error)."""
    from backpropviz.render.dot import Style
    from backpropviz.run import Options, OptionsError, run as run_options

    with pytest.raises(OptionsError, match="^--title: it (has the control|is not UTF-8)"):
        run_options(Options(expression="x", variables=(("x", "1"),), title=title,
                            outputs=(str(tmp_path / "t.svg"),), quiet=True))
    with pytest.raises(ValueError, match="title"):
        Style(title=title)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [["-"], ["x", "--values", "-"]], ids=["program", "values"])
def test_unreadable_stdin_is_a_one_line_error(args, tmp_path, child_env):
    """stdin open for writing only: reading it fails, and that is an error naming stdin."""
    with open(tmp_path / "write-only", "wb") as write_only:
        proc = subprocess.run([sys.executable, "-m", "backpropviz", *args], cwd=tmp_path,
                              env=child_env(), stdin=write_only, capture_output=True,
                              timeout=60)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err[:400]
    assert_clean_error(err, proc.stdout.decode())
    assert "cannot read the" in err and "from stdin" in err


@pytest.mark.parametrize("text, variable, spans", [
    ("\ufb01*\ufb01", "fi", ["\ufb01", "\ufb01*\ufb01"]),
    ("\u216b+1", "XII", ["\u216b", "\u216b+1"]),
    ("y*\u01c6", "d\u017e", ["y", "\u01c6", "y*\u01c6"]),
    ("q = \ufb01*2\nf = q + \ufb01", "fi", ["\ufb01", "\ufb01*2", "q + \ufb01"]),
    ("(\ufb01)*2", "fi", ["\ufb01", "(\ufb01)*2"]),
    ("\uff50\uff49*\ufb01", "fi", ["\ufb01", "\uff50\uff49*\ufb01"]),
], ids=["ligature", "roman-numeral", "digraph", "program", "parenthesised", "fullwidth-pi"])
def test_a_name_whose_nfkc_spelling_is_longer_keeps_its_typed_span(text, variable, spans):
    """ﬁ is the variable fi, but its node (and every node around it) covers the text as
    typed: what a table's 'computes' column and the JSON spans show."""
    from backpropviz.parse import build_expression

    graph = build_expression(text)
    assert variable in graph.variables and len(graph.variables) == 1 + ("y" in text)
    assert [text[n.span[0]:n.span[1]] for n in graph.nodes] == spans
