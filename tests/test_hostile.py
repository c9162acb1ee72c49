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

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

CANARY = "CANARY"
OPEN = "open('CANARY', 'w')"
SYSTEM = "__import__('os').system('touch CANARY')"
LONG = 100_000
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
    case("whitelisted-wrong-arity", "max(x)", "--x", "1"),
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

READ_LIMIT = 1_000_000  # --max-size for the endless inputs: the refusal must come at it
MAX_RSS_MB = 150        # a bounded read of READ_LIMIT characters stays far below this


def _run_measured(args: list[str], cwd: Path, env: dict[str, str], stdin: object = None,
                  close_stdin: bool = False) -> tuple[int, str, str, float]:
    """Run ``python -m backpropviz ARGS``: (exit status, stdout, stderr, its peak RSS in
    MB, from wait4: this child's alone)."""
    import os
    import threading

    with open(cwd / ".out", "w+b") as out, open(cwd / ".err", "w+b") as err:
        proc = subprocess.Popen([sys.executable, "-m", "backpropviz", *args], cwd=cwd,
                                env=env, stdout=out, stderr=err,
                                stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                preexec_fn=(lambda: os.close(0)) if close_stdin else None)
        timer = threading.Timer(60, proc.kill)  # a hang ends as a kill, reported below
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        assert proc.returncode != -9, "no answer within 60 s: the read is not bounded"
        out.seek(0)
        err.seek(0)
        texts = out.read().decode(), err.read().decode()
    for name in (".out", ".err"):
        (cwd / name).unlink()
    return proc.returncode, *texts, usage.ru_maxrss / 1024


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
    rc, out, err, _ = _run_measured([*args, "--max-size", str(READ_LIMIT)], tmp_path,
                                    child_env())
    _limit_refusal(rc, out, err, "/dev/zero")


@pytest.mark.parametrize("args", [["-"], ["x", "--values", "-"]], ids=["program", "values"])
def test_endless_stdin_stops_at_the_limit(args, tmp_path, child_env):
    """An endless stdin (a pipe that never closes) stops at --max-size, in bounded memory."""
    import threading

    proc = subprocess.Popen([sys.executable, "-m", "backpropviz", *args, "--max-size",
                             str(READ_LIMIT)], cwd=tmp_path, env=child_env(),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdin is not None
    feed = proc.stdin

    def endless() -> None:
        try:
            while True:
                feed.write(b"x + " * 16_384)
        except (BrokenPipeError, OSError, ValueError):
            pass

    writer = threading.Thread(target=endless, daemon=True)
    writer.start()
    try:
        rc = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    writer.join(timeout=10)
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
    feed.close() if not feed.closed else None
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
