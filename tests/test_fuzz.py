"""Fuzzing the command line with hypothesis: whatever the input, the run ends with exit 0,
1 (only with ``--check``) or 2 with an ``Error:`` message - never exit 70 (a bug), never an
uncaught exception, never a traceback, never a hang.

The generators, each run in-process through :func:`backpropviz.cli.main` (no interpreter
start-up per example):

(a) arbitrary text as the expression, arbitrary bytes as the program file, arbitrary
    argument lists, and arbitrary JSON (or not) as the values file;
(b) grammar-shaped random expressions and multi-statement programs, with random values
    (0, -0.0, negatives, 1e300, 5e-324, ...) and random flags;
(c) random character mutations of valid expressions on the command line, and random byte
    mutations of valid programs in a ``-f`` file (so invalid UTF-8 is fuzzed too).

Runs that use sympy (``--check``, ``--exact``, ``--explain``) call ``main`` in a forked copy
of this process, killed after :data:`HANG_SECONDS`: a hang there (huge integers are
computed in C and cannot be interrupted) is reported as a failure instead of freezing CI.

Every run is derandomized, so CI is reproducible; the cases that ever failed are kept at
the end of the file as explicit regression examples.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import select
import signal
import sys
import time
import traceback
from importlib import resources

import jsonschema
import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

import backpropviz.check  # noqa: F401  (imported before forking: each child starts warm)
import backpropviz.symbolic  # noqa: F401
from backpropviz.cli import main
from backpropviz.ops import FUNCTIONS

HANG_SECONDS = 5.0  # a small --check/--exact/--explain run takes under half a second
FLAGS = ["--json", "--explain", "--check", "--exact", "-q"]
SYMPY_FLAGS = ("--check", "--exact", "--explain")
COLOR_ENV = ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE")

BASE_SETTINGS = dict(deadline=None, derandomize=True, database=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                            HealthCheck.filter_too_much,
                                            HealthCheck.function_scoped_fixture])

COUNTS: dict[str, int] = {}  # examples run per generator (printed at the end of the session)


# --- running the CLI ----------------------------------------------------------------------------

class Outcome:
    """How one run ended: exit ``code``, captured ``out``/``err``, and ``crash`` (the
    traceback of an exception that escaped ``main``, or why the run never finished)."""

    def __init__(self, code: object, out: str, err: str, crash: str | None = None) -> None:
        self.code, self.out, self.err, self.crash = code, out, err, crash

    def __repr__(self) -> str:
        return (f"Outcome(code={self.code!r}, crash={self.crash!r},\n  err={self.err[:600]!r},"
                f"\n  out={self.out[:300]!r})")


def _run_here(argv: list[str], stdin: str) -> Outcome:
    """``main(argv)`` in this process with stdin, stdout and stderr redirected."""
    out, err = io.StringIO(), io.StringIO()
    old_pipe = signal.getsignal(signal.SIGPIPE) if hasattr(signal, "SIGPIPE") else None
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    code: object = None
    crash = None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(argv))
            except SystemExit as exc:
                code = exc.code
            else:
                crash = "main() returned instead of exiting"
    except BaseException:  # noqa: BLE001 - anything escaping main() is the finding
        crash = traceback.format_exc()
    finally:
        sys.stdin = old_stdin
        if old_pipe is not None:
            signal.signal(signal.SIGPIPE, old_pipe)  # main() resets SIGPIPE for real use
    return Outcome(code, out.getvalue(), err.getvalue(), crash)


def _run_forked(argv: list[str], stdin: str, timeout: float) -> Outcome:
    """``main(argv)`` in a forked copy of this process, killed after ``timeout`` seconds."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, send the outcome as JSON, and leave without cleanup
        status = 0
        try:
            os.close(read_fd)
            got = _run_here(argv, stdin)
            data = json.dumps([got.code if isinstance(got.code, (int, type(None))) else
                               repr(got.code), got.out, got.err, got.crash]).encode()
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(data)
        except BaseException:  # noqa: BLE001
            status = 3
        finally:
            os._exit(status)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    finished = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([read_fd], [], [], left)
            if not ready:
                break
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                finished = True
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        if not finished:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if not finished:
        return Outcome(None, "", "", f"hang: no result after {timeout:.0f} s")
    try:
        code, out, err, crash = json.loads(b"".join(chunks))
    except ValueError:
        return Outcome(None, "", "", "the forked run died without a result")
    return Outcome(code, out, err, crash)


def run_cli(argv: list[str], stdin: str = "", isolate: bool | None = None) -> Outcome:
    """Run the CLI on ``argv``; runs that reach sympy are isolated in a forked child."""
    if isolate is None:
        isolate = any(flag in arg for arg in argv for flag in SYMPY_FLAGS)
    if isolate and hasattr(os, "fork"):
        return _run_forked(argv, stdin, HANG_SECONDS)
    return _run_here(argv, stdin)


def _reject_constant(name: str) -> None:
    raise ValueError(f"non-standard JSON constant {name}")


#: The document's schema by its version (2: a program on arrays).
VALIDATORS = {
    f"backpropviz/{version}": jsonschema.Draft202012Validator(json.loads(
        resources.files("backpropviz").joinpath(
            "schema", f"backpropviz-{version}.schema.json").read_text(encoding="utf-8")))
    for version in (1, 2)}


@pytest.fixture(scope="module", autouse=True)
def sandbox(tmp_path_factory: pytest.TempPathFactory):
    """Run in an empty folder (an input such as '@name' reads a file) with no colour forcing."""
    folder = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        for name in COLOR_ENV:
            mp.delenv(name, raising=False)
        mp.setenv("COLUMNS", "100")
        yield folder


def assert_well_behaved(argv: list[str], got: Outcome) -> None:
    """The contract of every run, whatever the input."""
    why = f"argv={argv!r}\n{got!r}"
    assert got.crash is None, f"{got.crash}\n{why}"
    assert got.code in (0, 1, 2), f"exit {got.code!r} (70 is an internal error)\n{why}"
    assert "Traceback" not in got.err and "Traceback" not in got.out, why
    assert "internal error" not in got.err, why
    if got.code == 1:
        assert "--check" in argv, f"exit 1 without --check\n{why}"
    if got.code == 2 and not argv:  # no arguments at all: the help, as click gives it
        assert got.err.startswith("Usage: ") and "Exit status" in got.err, why
    elif got.code == 2:
        # Our own errors start with 'Error:'; click's usage errors put 'Usage:' first.
        assert got.err.startswith("Error: ") or (
            got.err.startswith("Usage: ") and "\nError: " in got.err), why
        assert got.out == "", f"output on stdout for a failed run\n{why}"
    helped = any(a in ("-h", "--help", "-V", "--version") for a in argv)
    if got.code in (0, 1) and "--json" in argv and not helped:
        try:
            doc = json.loads(got.out, parse_constant=_reject_constant)
        except ValueError as exc:
            raise AssertionError(f"stdout is not strict JSON: {exc}\n{why}") from None
        VALIDATORS[doc["schema"]].validate(doc)
    if got.code == 0 and "-q" in argv and "--json" not in argv and not helped:
        assert got.out == "" and got.err == "", f"-q printed something\n{why}"


def count(kind: str) -> None:
    COUNTS[kind] = COUNTS.get(kind, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    yield
    total = sum(COUNTS.values())
    sys.stderr.write(f"\n[fuzz] examples run: {total} {dict(sorted(COUNTS.items()))}\n")


# --- (a) arbitrary text -------------------------------------------------------------------------

GRAMMAR_CHARS = "xyzw01234567889.eE+-*/^()=,;#\n\t _"


@settings(max_examples=200, **BASE_SETTINGS)
@given(text=st.text(max_size=60) | st.text(alphabet=GRAMMAR_CHARS, max_size=60),
       after_dashdash=st.booleans())
def test_arbitrary_text_as_expression(text, after_dashdash):
    count("a-text")
    argv = ["--", text] if after_dashdash else [text]
    assert_well_behaved(argv, run_cli(argv, isolate=False))


@settings(max_examples=60, **BASE_SETTINGS)
@given(data=st.binary(max_size=80) | st.text(max_size=60).map(lambda t: t.encode("utf-8")),
       as_json=st.booleans())
def test_arbitrary_bytes_as_program_file(data, as_json, sandbox):
    count("a-file")
    (sandbox / "prog.bp").write_bytes(data)
    argv = ["-f", "prog.bp"] + (["--json"] if as_json else [])
    assert_well_behaved(argv, run_cli(argv, isolate=False))


ARG_WORDS = ["--json", "--explain", "--explain=both", "-q", "--precision", "3", "--max-size",
             "--max-draw", "--output", "--var", "x=1", "--x", "-1", "x*y", "-", "--", "-f",
             "--y", "=", "@", "-qx", "--values", "1e999", "nan"]


@settings(max_examples=60, **BASE_SETTINGS)
@given(argv=st.lists(st.sampled_from(ARG_WORDS) | st.text(max_size=8), max_size=7))
def test_arbitrary_argument_lists(argv):
    count("a-argv")
    assert_well_behaved(argv, run_cli(argv))


SLIDE_WORDS = ["--theme", "dark", "print", "--direction", "TB", "lr", "--font", "--title",
               "--scale", "2", "nan", "-1", "1e9", "--frame-ms", "0", "50", "--transparent",
               "--plain-names", "--expand", "--steps", "frames", "--steps-format", "png",
               "-o", "out.dot", "out.html", "out.gif", "out.svg", "--max-frames", "1", "",
               "<&>", "--engine", "embedded"]


@settings(max_examples=40, **BASE_SETTINGS)
@given(argv=st.lists(st.sampled_from(SLIDE_WORDS) | st.text(max_size=6), max_size=6))
def test_arbitrary_slide_options(argv):
    """The slide options (issue 5) with any values: a diagram, a lesson or a one-line error."""
    count("a-slides")
    full = ["sigmoid(w0*x)+x", "--w0", "2", "--x", "-1", *argv]
    assert_well_behaved(full, run_cli(full))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                 max_size=3),
    max_leaves=8)


@settings(max_examples=60, **BASE_SETTINGS)
@given(doc=st.dictionaries(st.sampled_from(["x", "y", "z", "__class__", ""]), JSON_VALUES,
                           max_size=4).map(json.dumps)
       | JSON_VALUES.map(json.dumps) | st.text(max_size=40))
def test_arbitrary_values_files(doc, sandbox):
    count("a-values")
    (sandbox / "values.json").write_text(doc, encoding="utf-8")
    argv = ["x*y", "--values", "values.json", "--json"]
    assert_well_behaved(argv, run_cli(argv, isolate=False))


# --- (b) grammar-shaped expressions and programs --------------------------------------------

NUMBERS = ["0", "1", "2", "3", "0.5", ".5", "5.", "3.25", "10", "1e-3", "1E3", "2.5e+10",
           "1e308", "1e309", "1e999", "1e-320", "1e-400", "0.000001", "100000",
           "123456789012345678901234567890", "0.1", "pi", "e"]
VARIABLES = ["x", "y", "z", "w1", "_b", "Ab", "ñ"]
VALUES = ["0", "-0.0", "1", "-1", "2.5", "-3", "0.1", "1e300", "-1e300", "1e-300", "5e-324",
          "1e308", "-2e-5", "7", "1e3", "100"]
BINARY_OPS = ["+", "-", "*", "/", "**", "^"]
UNARY_FUNCS = [f for f, n in FUNCTIONS.items() if n == 1]
BINARY_FUNCS = [f for f, n in FUNCTIONS.items() if n == 2]


@st.composite
def expressions(draw, depth: int, names: list[str]) -> tuple[str, set[str]]:
    """(text, the names it uses): a random expression of the grammar."""
    if depth <= 0 or draw(st.integers(0, 4)) == 0:
        if draw(st.booleans()):
            name = draw(st.sampled_from(names))
            return name, {name}
        number = draw(st.sampled_from(NUMBERS) | st.integers(0, 10**6).map(str)
                      | st.floats(min_value=0, allow_nan=False, allow_infinity=False).map(repr))
        return number, set()
    shape = draw(st.sampled_from(["bin", "bin", "bin", "neg", "plus", "paren", "f1", "f2"]))
    a, used_a = draw(expressions(depth - 1, names))
    if shape == "neg":
        return f"-{a}", used_a
    if shape == "plus":
        return f"+{a}", used_a
    if shape == "paren":
        return f"({a})", used_a
    if shape == "f1":
        return f"{draw(st.sampled_from(UNARY_FUNCS))}({a})", used_a
    b, used_b = draw(expressions(depth - 1, names))
    if shape == "f2":
        return f"{draw(st.sampled_from(BINARY_FUNCS))}({a}, {b})", used_a | used_b
    space = draw(st.sampled_from(["", " "]))
    return f"{a}{space}{draw(st.sampled_from(BINARY_OPS))}{space}{b}", used_a | used_b


@st.composite
def programs(draw, depth: int, max_statements: int) -> tuple[str, set[str], list[str]]:
    """(text, the variables it uses, the names it assigns): an expression, or statements
    ``t1 = ...`` (``+=`` and friends too) separated by ';' or newlines."""
    count_statements = draw(st.integers(1, max_statements))
    if count_statements == 1 and draw(st.booleans()):
        text, used = draw(expressions(depth, VARIABLES))
        return text, used, []
    lines: list[str] = []
    assigned: list[str] = []
    variables: set[str] = set()
    for k in range(count_statements):
        text, used = draw(expressions(depth, VARIABLES + assigned))
        variables |= used - set(assigned)
        last = k == count_statements - 1
        if last and draw(st.booleans()):
            lines.append(text)  # a bare expression ends the program
            continue
        if assigned and draw(st.integers(0, 3)) == 0:
            target = draw(st.sampled_from(assigned))
            op = draw(st.sampled_from(["+=", "-=", "*=", "/="]))
        else:
            target, op = f"t{len(assigned) + 1}", "="
        comment = draw(st.sampled_from(["", "", "  # note"]))
        lines.append(f"{target} {op} {text}{comment}")
        if target not in assigned:
            assigned.append(target)
    seps = [draw(st.sampled_from(["\n", "; ", ";", "\n\n", " ;\n"])) for _ in lines[1:]]
    if any("#" in line for line in lines[:-1]):
        seps = ["\n"] * len(seps)  # a comment runs to the end of the line
    text = lines[0] + "".join(sep + line for sep, line in zip(seps, lines[1:]))
    return text, variables, assigned


@st.composite
def grammar_runs(draw, sympy: bool) -> list[str]:
    """A full argv: program, values for its variables, and random flags (with ``sympy``,
    at least one of --check, --exact, --explain, on a smaller program)."""
    if sympy:
        flags = draw(st.lists(st.sampled_from(FLAGS), unique=True, min_size=1, max_size=3)
                     .filter(lambda f: any(flag in f for flag in SYMPY_FLAGS)))
    else:
        flags = draw(st.lists(st.sampled_from(["--json", "-q"]), unique=True, max_size=2))
    heavy = "--check" in flags or "--exact" in flags
    text, variables, assigned = draw(programs(depth=2 if heavy else 4,
                                              max_statements=2 if heavy else 4))
    argv = ["--", text] if text.startswith("-") else [text]
    for name in sorted(variables):
        value = draw(st.sampled_from(VALUES) | st.floats(allow_nan=False, allow_infinity=False,
                                                          width=64).map(repr))
        style = draw(st.sampled_from(["sep", "eq", "var"]))
        if style == "var" or not name.isascii():
            argv[:0] = ["--var", f"{name}={value}"]
        elif style == "eq":
            argv[:0] = [f"--{name}={value}"]
        else:
            argv[:0] = [f"--{name}", value]
    if "--explain" in flags and draw(st.booleans()):
        flags[flags.index("--explain")] = "--explain=" + draw(
            st.sampled_from(["forward", "backward", "both"]))
    if assigned and draw(st.integers(0, 4)) == 0:
        flags += ["--output", draw(st.sampled_from(assigned))]
    return flags + argv


@settings(max_examples=200, **BASE_SETTINGS)
@given(argv=grammar_runs(sympy=False))
def test_grammar_shaped_programs(argv):
    count("b-grammar")
    assert_well_behaved(argv, run_cli(argv))


# Shrinking is off here: a failing example may be a hang, and every shrink step would
# wait HANG_SECONDS for it.
@settings(max_examples=150, phases=[Phase.explicit, Phase.generate], **BASE_SETTINGS)
@given(argv=grammar_runs(sympy=True))
def test_grammar_shaped_programs_with_check_exact_explain(argv):
    count("b-grammar-sympy")
    assert_well_behaved(argv, run_cli(argv))


# --- (c) mutations of valid inputs ----------------------------------------------------------

SEEDS = [
    ("(x+y)*z", ["--x", "-2", "--y", "5", "--z", "-4"]),
    ("1/(1+exp(-(w0*x0+w1*x1+w2)))",
     ["--w0", "2", "--x0", "-1", "--w1", "-3", "--x1", "-2", "--w2", "-3"]),
    ("q = x + y; f = q * z", ["--x", "-2", "--y", "5", "--z", "-4"]),
    ("max(x, y)**2 - min(x, 0.5)/sqrt(abs(y)+1e-3)", ["--x", "3", "--y", "-1"]),
    ("a = tanh(x)\nb = sigmoid(a) + relu(x)\nb *= log(a ^ 2 + 1)  # c\nb",
     ["--x", "0.3"]),
    ("sin(x)*cos(x)/tan(x+pi/3) + e**-x", ["--x", "1.5"]),
]
MUTATION_CHARS = "()+-*/^.,;=#\n\t e0123456789xyzq_\x00'\"[]{}:@$\\`\u202e\u00a0\u0660"


@st.composite
def mutated(draw, text: str, alphabet: st.SearchStrategy) -> str:
    """``text`` after 1-4 random insertions, deletions and replacements."""
    chars = list(text)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        pos = draw(st.integers(0, len(chars)))
        if kind == "insert":
            chars[pos:pos] = [draw(alphabet)]
        elif chars and pos < len(chars):
            chars[pos:pos + 1] = [] if kind == "delete" else [draw(alphabet)]
    return "".join(chars)


@st.composite
def mutated_runs(draw) -> list[str]:
    text, values = draw(st.sampled_from(SEEDS))
    alphabet = st.sampled_from(MUTATION_CHARS) | st.characters(exclude_categories=["Cs"])
    new = draw(mutated(text, alphabet))
    flags = draw(st.lists(st.sampled_from(["--json", "-q", "--explain"]), unique=True,
                          max_size=2))
    return flags + values + ["--", new]


@settings(max_examples=200, **BASE_SETTINGS)
@given(argv=mutated_runs())
def test_character_mutations(argv):
    count("c-chars")
    assert_well_behaved(argv, run_cli(argv))


@st.composite
def mutated_bytes(draw) -> tuple[bytes, list[str]]:
    text, values = draw(st.sampled_from(SEEDS))
    data = bytearray(text.encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        pos = draw(st.integers(0, len(data)))
        byte = draw(st.integers(0, 255) | st.sampled_from(list(b"()+-*/;=#\n.e0x")))
        if kind == "insert":
            data[pos:pos] = bytes([byte])
        elif pos < len(data):
            data[pos:pos + 1] = b"" if kind == "delete" else bytes([byte])
    return bytes(data), values


@settings(max_examples=120, **BASE_SETTINGS)
@given(case=mutated_bytes(), as_json=st.booleans())
def test_byte_mutations_of_program_files(case, as_json, sandbox):
    count("c-bytes")
    data, values = case
    (sandbox / "mutant.bp").write_bytes(data)
    argv = ["-f", "mutant.bp", *values] + (["--json"] if as_json else [])
    note(f"file bytes={data!r}")
    assert_well_behaved(argv, run_cli(argv))


# --- regressions: every case that ever failed, kept ---------------------------------------

REGRESSIONS = [
    # --exact/--check turn a literal into an exact fraction: 1e99999999999 is an integer
    # of 10**11 digits (hang in symbolic.exact_constant).
    ["x*1e99999999999", "--x", "1", "--exact", "-q"],
    ["x*1e-99999999999", "--x", "1", "--check", "-q"],
    ["x*1e99999999999", "--x", "1", "--explain", "-q"],  # the local derivative is the constant
    # A literal of 5,000 digits: sympy.Rational refuses it with TypeError (exit 70).
    ["x*" + "1" * 5000, "--x", "1", "--exact", "-q"],
    ["x*" + "1" * 5000, "--x", "1", "--check", "-q"],
    ["x**" + "1" * 5000, "--x", "1", "--explain", "-q"],
    # --check substitutes y = 1e300 exactly into d(x**y)/dx: 2**(10**300) never finishes.
    ["x**y", "--x", "2", "--y", "1e300", "--check", "-q"],
    ["-q", "--json", "--check", "--Ab=1e308", "t1 = +9.638246325762595e+307**+Ab"],
    # --check evaluates exp(exp(exp(100))) to 30 digits with mpmath: never finishes.
    ["exp(exp(exp(x)))", "--x", "100", "--check", "-q"],
    # An exact value of 5,000 digits ((1e5)**1000) is printed with str(int), which Python
    # refuses beyond 4,300 digits: ValueError, exit 70 (render/json_doc.py, render/table.py).
    ["x**1000", "--x", "1e5", "--exact", "--json"],
    ["x**1000", "--x", "1e5", "--exact"],
    ["--exact", "--var", "w1=7.384650582135858e-112", "t1 = log(w1 ^ 3265)  # note"],
    ["--exact", "--json", "--check", "--output", "t2", "--var", "ñ=1e3",
     "--z=6.751502111968487e+16",
     "t1 = +z^ñ\nt2 = max(4.910600450916744e+16, -1000000000.0)  # note"],
    # max/min/relu of a value that is not real in exact arithmetic (sqrt(-1) is I): sympy
    # cannot compare it, ValueError, exit 70 (sp.Max in ops.py, via symbolic.to_sympy) ...
    ["max(sqrt(x), 1)", "--x", "-1", "--exact", "-q"],
    ["relu(sqrt(x))", "--x", "-1", "--exact", "-q"],
    ["--exact", "--json", "-q", "--x", "-3", "t1 = -max(2.4848654622472904e+51, 533)\n"
     "min((x), sqrt(t1))"],
    # ... and --check differentiates it (check._symbolic_gradients): ValueError, exit 70.
    ["max(sqrt(x), 1)", "--x", "-1", "--check", "-q"],
    # abs with a nan local gradient: exact_number(nan) is a TypeError, exit 70
    # (symbolic.exact_pass).
    ["abs(sqrt(x))", "--x", "-1", "--exact", "-q"],
]


@pytest.mark.parametrize("argv", REGRESSIONS, ids=lambda a: " ".join(a)[:60])
def test_regressions(argv):
    count("regression")
    assert_well_behaved(argv, run_cli(argv, isolate=True))


VALUES_REGRESSIONS = [
    # json.loads refuses an integer of 5,000 digits with ValueError, which is not a
    # JSONDecodeError: exit 70 (values.parse_values).
    '{"x": ' + "1" * 5000 + ', "y": 1}',
]


@pytest.mark.parametrize("doc", VALUES_REGRESSIONS, ids=["5000-digit-integer"])
def test_values_file_regressions(doc, sandbox):
    count("regression")
    (sandbox / "values.json").write_text(doc, encoding="utf-8")
    argv = ["x*y", "--values", "values.json"]
    got = run_cli(argv, isolate=False)
    assert_well_behaved(argv, got)
    assert got.code == 2


# An option given last without its value takes the '--' that the command inserts before
# the expression (cli.split_variable_options), so the message talks about a '--' the user
# never typed ("cannot tell the format of '--'").
MISSING_VALUE = ["-o", "--values", "--output"]


@pytest.mark.parametrize("option", MISSING_VALUE)
def test_an_option_missing_its_value_is_named(option):
    argv = ["x", "--x", "1", option]
    got = run_cli(argv, isolate=False)
    assert_well_behaved(argv, got)
    assert got.code == 2
    assert "'--'" not in got.err, got.err
    assert option in got.err or option.lstrip("-") in got.err, got.err


# The README promises "a one-line message" for exit 2; click's own usage errors print
# "Usage: ... / Try ... --help / (blank) / Error: ..." instead.
USAGE_ERRORS = [["x", "--x", "1", "--precision", "many"], ["--max-draw", "0", "x", "--x", "1"]]


@pytest.mark.parametrize("argv", USAGE_ERRORS, ids=lambda a: " ".join(a))
def test_usage_errors_are_one_line(argv):
    got = run_cli(argv, isolate=False)
    assert_well_behaved(argv, got)
    assert got.code == 2
    assert got.err.startswith("Error: ") and got.err.count("\n") == 1, got.err


def test_the_harness_catches_what_it_must():
    """The oracle is not vacuous: a crash, exit 70 and a missing 'Error:' all fail it."""
    for bad in (Outcome(70, "", "backpropviz: internal error (X)"),
                Outcome(2, "", "oops"),
                Outcome(0, "{\"a\": NaN}", ""),
                Outcome(1, "", ""),
                Outcome(None, "", "", "hang")):
        with pytest.raises(AssertionError):
            assert_well_behaved(["x", "--json"], bad)
    good = run_cli(["x*y", "--x", "2", "--y", "3", "--json"], isolate=True)
    assert_well_behaved(["x*y", "--x", "2", "--y", "3", "--json"], good)
    assert json.loads(good.out)["value"] == 6
    bad_syntax = run_cli(["x**", "--x", "2"])
    assert bad_syntax.code == 2 and bad_syntax.err.startswith("Error: ")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_the_harness_reports_a_hang(monkeypatch):
    """A run that never finishes is killed and reported, not waited for."""
    monkeypatch.setattr(sys.modules[__name__], "main", lambda argv: time.sleep(60))
    start = time.monotonic()
    got = _run_forked(["x"], "", timeout=0.5)
    assert time.monotonic() - start < 10
    assert got.crash is not None and got.crash.startswith("hang")
    with pytest.raises(AssertionError):
        assert_well_behaved(["x"], got)
