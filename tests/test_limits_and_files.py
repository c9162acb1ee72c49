"""Limits that keep the tool responsive, numeric faults, and how outputs reach the disk.

- ``--max-size`` and ``--max-draw``: a clear message naming the option, and raising the
  option makes the same input work;
- power towers and nested exponentials finish fast with inf flagged; ``--exact`` refuses
  giant integers with a message; 1,000 nested parentheses and a 100,000-term sum work;
- nan/inf are flagged in the table, the JSON ("nan"/"inf" strings), DOT and SVG, and stderr
  names the node where they first appear;
- every output is written atomically: a missing folder, a folder as target, a read-only
  folder or file, a full disk or Ctrl-C leave any earlier file byte-for-byte untouched and
  no temporary file behind;
- Ctrl-C exits 130 without a traceback, a closed pipe ends the process quietly, and the
  same input gives byte-identical JSON, DOT and SVG in separate processes.
"""

from __future__ import annotations

import errno
import html
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backpropviz.cli import main

from conftest import one_line_error

TOWER = "9**9**9**9"
NESTED_EXP = "exp(exp(exp(100)))"
FAST = 20  # seconds: a run that takes longer counts as a hang


def _reject_constant(name: str) -> None:
    raise ValueError(f"non-standard JSON constant {name}")


def strict_json(text: str) -> dict:
    return json.loads(text, parse_constant=_reject_constant)


def leftovers(folder: Path) -> list[str]:
    """Temporary files a write left behind (files.py names them .NAME.*.tmp)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp")
                  or p.name.startswith("."))


def run_timed(args: list[str], env: dict[str, str], cwd: Path | None = None,
              stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m backpropviz ARGS``, failing (not hanging) after :data:`FAST` seconds."""
    try:
        return subprocess.run([sys.executable, "-m", "backpropviz", *args], capture_output=True,
                              text=True, encoding="utf-8", env=env, cwd=cwd, input=stdin,
                              timeout=FAST)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"no answer within {FAST} s: {' '.join(args)[:200]}") from None


# --- --max-size ---------------------------------------------------------------------------------

SUM_20 = "+".join(["x"] * 20)  # 20 terms, 39 characters


def test_max_size_refuses_a_long_expression_and_raising_it_works(run):
    assert len(SUM_20) == 39
    refused = run(SUM_20, "--x", "1", "--max-size", "38")
    assert refused.exit_code == 2
    line = one_line_error(refused.stderr)
    assert "--max-size 38" in line and "raise --max-size" in line
    assert refused.stdout == ""
    accepted = run(SUM_20, "--x", "1", "--max-size", "39", "--json")
    assert accepted.exit_code == 0, accepted.stderr
    assert strict_json(accepted.stdout)["value"] == 20


def test_max_size_for_a_program_file_and_at_file(run, tmp_path):
    program = tmp_path / "long.bp"
    program.write_text("a = x + x\nb = a * a\n" + SUM_20 + " + b\n", encoding="utf-8")
    size = len(program.read_text(encoding="utf-8"))
    for how in (["-f", str(program)], ["@" + str(program)]):
        refused = run(*how, "--x", "1", "--max-size", str(size - 1))
        assert refused.exit_code == 2, refused.stderr
        line = one_line_error(refused.stderr)
        assert "--max-size" in line and "long.bp" in line
        accepted = run(*how, "--x", "1", "--max-size", str(size), "--json")
        assert accepted.exit_code == 0, accepted.stderr
        assert strict_json(accepted.stdout)["value"] == 20 + 4


def test_max_size_for_stdin(run):
    refused = run("-", "--x", "1", "--max-size", "38", input=SUM_20)
    assert refused.exit_code == 2
    line = one_line_error(refused.stderr)
    assert "stdin" in line and "--max-size 38" in line
    accepted = run("-", "--x", "1", "--max-size", "39", "-q", input=SUM_20)
    assert accepted.exit_code == 0, accepted.stderr


def test_default_max_size_refuses_a_huge_file_quickly(run, tmp_path):
    from backpropviz.cli import MAX_SIZE

    huge = tmp_path / "huge.bp"
    huge.write_text("x" + "+x" * (MAX_SIZE // 2), encoding="utf-8")  # MAX_SIZE + 1 chars
    start = time.monotonic()
    refused = run("-f", str(huge), "--x", "1")
    assert refused.exit_code == 2
    assert "--max-size" in one_line_error(refused.stderr)
    assert time.monotonic() - start < 10  # refused before parsing 10 MB


# --- --max-draw -------------------------------------------------------------------------------

BIG_GRAPH = "+".join(["x"] * 600)  # 600 nodes: x, then 599 '+' gates


def test_max_draw_refuses_a_600_node_svg_and_writes_nothing(run, tmp_path):
    svg, earlier = tmp_path / "big.svg", tmp_path / "big.json"
    refused = run(BIG_GRAPH, "--x", "1", "-o", str(earlier), "-o", str(svg))
    assert refused.exit_code == 2
    line = one_line_error(refused.stderr)
    assert "--max-draw" in line and "600" in line
    assert ".dot" in line and ".json" in line
    assert not svg.exists() and not earlier.exists()  # nothing, not even the .json before it
    assert leftovers(tmp_path) == []


def test_max_draw_does_not_limit_dot_and_json(run, tmp_path):
    dot, doc = tmp_path / "big.dot", tmp_path / "big.json"
    ok = run(BIG_GRAPH, "--x", "1", "-q", "-o", str(dot), "-o", str(doc))
    assert ok.exit_code == 0, ok.stderr
    assert dot.read_text(encoding="utf-8").startswith("digraph")
    assert len(strict_json(doc.read_text(encoding="utf-8"))["nodes"]) == 600


def test_raising_max_draw_draws_the_svg(run, tmp_path):
    small = "(x+y)*z + x*y"  # 7 nodes
    svg = tmp_path / "small.svg"
    refused = run(small, "--x", "1", "--y", "2", "--z", "3", "--max-draw", "5", "-o", str(svg))
    assert refused.exit_code == 2
    assert "--max-draw 5" in one_line_error(refused.stderr)
    assert not svg.exists()
    drawn = run(small, "--x", "1", "--y", "2", "--z", "3", "--max-draw", "7", "-o", str(svg))
    assert drawn.exit_code == 0, drawn.stderr
    assert b"<svg" in svg.read_bytes()
    assert leftovers(tmp_path) == []


# --- power towers, deep nesting, long sums ----------------------------------------------------

@pytest.mark.parametrize("expression", [TOWER, NESTED_EXP])
def test_towers_finish_fast_with_inf_flagged(expression, child_env):
    start = time.monotonic()
    result = run_timed([expression], child_env())
    assert time.monotonic() - start < FAST
    assert result.returncode == 0, result.stderr
    warning = re.search(r"^warning: the value of node (\d+) \((.+)\) is inf$", result.stderr,
                        re.M)
    assert warning, result.stderr
    assert "Traceback" not in result.stderr
    assert "inf !" in result.stdout  # the table flags it
    doc = strict_json(run_timed([expression, "--json"], child_env()).stdout)
    assert doc["value"] == "inf"
    assert doc["nodes"][int(warning.group(1))]["value"] == "inf"


def test_exact_refuses_the_tower_with_a_message(child_env):
    result = run_timed([TOWER, "--exact"], child_env())
    assert result.returncode == 2
    line = one_line_error(result.stderr)
    assert "exact" in line and "too large" in line
    assert result.stdout == ""


@pytest.mark.parametrize("args", [
    [TOWER, "--check"],
    [NESTED_EXP, "--check", "--exact"],
    [NESTED_EXP.replace("100", "x"), "--x", "100", "--exact"],
    # the same towers with a variable: --check must not build 9**387420489 either
    ["x**x**x**x", "--x", "9", "--check"],
], ids=["tower-check", "exp-check-exact", "exp-var-exact", "var-tower-check"])
def test_towers_with_check_and_exact_finish(args, child_env):
    result = run_timed(args, child_env())
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.returncode in (0, 1, 2), result.stderr
    if result.returncode == 2:
        one_line_error(result.stderr)


def test_a_thousand_nested_parentheses_work(run, tmp_path):
    plain = "(" * 1000 + "x" + ")" * 1000
    doc = strict_json(run(plain, "--x", "3", "--json").stdout)
    assert doc["value"] == 3.0 and doc["gradients"] == {"x": 1.0}
    nested = "(" * 1000 + "x" + "*2+1)" * 1000  # 1,000 nested gates of each kind
    result = run(nested, "--x", "0", "--json")
    assert result.exit_code == 0, result.stderr
    doc = strict_json(result.stdout)
    assert len(doc["nodes"]) == 2001
    assert doc["gradients"]["x"] == 2.0 ** 1000  # d/dx of 1,000 doublings


def test_a_100000_term_flat_sum_works(tmp_path, child_env):
    program = tmp_path / "sum.bp"
    program.write_text("+".join(["x"] * 100_000) + "\n", encoding="utf-8")
    result = run_timed(["-f", str(program), "--x", "0.5", "--json"], child_env())
    assert result.returncode == 0, result.stderr[:500]
    doc = strict_json(result.stdout)
    assert doc["value"] == 50_000.0
    assert doc["gradients"] == {"x": 100_000.0}
    assert len(doc["nodes"]) == 100_000


# --- nan and inf are flagged everywhere ----------------------------------------------------

FAULTY = ["log(x) + 1/y", "--x", "-1", "--y", "0"]  # log(-1) is nan, 1/0 is inf


def test_nan_inf_in_the_table_and_the_warning(run):
    result = run(*FAULTY)
    assert result.exit_code == 0, result.stderr
    assert "warning: the value of node 1 (log: log(x)) is nan" in result.stderr
    assert "nan !" in result.stdout and "inf !" in result.stdout
    assert re.search(r"output .* = nan !", result.stdout)


def test_nan_inf_in_json_as_strings(run):
    doc = strict_json(run(*FAULTY, "--json").stdout)
    assert doc["value"] == "nan"
    assert doc["gradients"] == {"x": -1.0, "y": "-inf"}
    values = {node["label"]: node["value"] for node in doc["nodes"]}
    assert values["log"] == "nan" and values["1/x"] == "inf"


def test_a_nonfinite_gradient_is_named_on_stderr(run):
    result = run("sqrt(x)", "--x", "0")  # value 0, gradient inf
    assert result.exit_code == 0
    assert re.search(r"^warning: the gradient of node 0 \(x: x\) is inf$", result.stderr, re.M)


def test_nan_inf_in_dot_and_svg(run, tmp_path):
    dot, svg = tmp_path / "f.dot", tmp_path / "f.svg"
    result = run(*FAULTY, "-o", str(dot), "-o", str(svg))
    assert result.exit_code == 0, result.stderr
    text = dot.read_text(encoding="utf-8")
    assert "<b>nan</b>" in text and "<b>inf</b>" in text and "<b>-inf</b>" in text
    assert "style=filled" in text  # the flagged gates are filled
    drawing = svg.read_text(encoding="utf-8")
    texts = [(attrs, html.unescape(body)) for attrs, body in
             re.findall(r"<text\b([^>]*)>([^<]*)</text>", drawing)]
    bold = {body for attrs, body in texts if "bold" in attrs}
    assert {"nan", "inf", "-inf"} <= bold, texts


# --- files: atomic writes ------------------------------------------------------------------

EARLIER = b"earlier contents \x00\xff - must survive byte for byte\n"
GOOD = ["x*y", "--x", "2", "--y", "3"]


def test_missing_folder(run, tmp_path):
    target = tmp_path / "no" / "such" / "out.json"
    result = run(*GOOD, "-o", str(target))
    assert result.exit_code == 2
    line = one_line_error(result.stderr)
    assert "does not exist" in line and str(target.parent) in line
    assert not (tmp_path / "no").exists()


def test_target_is_a_folder(run, tmp_path):
    folder = tmp_path / "out.json"
    folder.mkdir()
    (folder / "inside").write_bytes(EARLIER)
    result = run(*GOOD, "-o", str(folder))
    assert result.exit_code == 2
    assert "folder" in one_line_error(result.stderr)
    assert folder.is_dir() and (folder / "inside").read_bytes() == EARLIER
    assert leftovers(tmp_path) == []


needs_non_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root bypasses file permissions")


@needs_non_root
def test_read_only_folder(run, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "out.json"
    target.write_bytes(EARLIER)
    folder.chmod(0o555)
    try:
        result = run(*GOOD, "-o", str(target))
        assert result.exit_code == 2
        assert "not writable" in one_line_error(result.stderr)
        assert target.read_bytes() == EARLIER
        assert leftovers(folder) == []
    finally:
        folder.chmod(0o755)


@needs_non_root
def test_read_only_target_file(run, tmp_path):
    """A read-only file in a writable folder is not silently replaced."""
    target = tmp_path / "out.json"
    target.write_bytes(EARLIER)
    target.chmod(0o444)
    result = run(*GOOD, "-o", str(target))
    assert result.exit_code == 2, f"exit {result.exit_code}: the read-only file was replaced"
    assert "out.json" in one_line_error(result.stderr)
    assert target.read_bytes() == EARLIER
    assert leftovers(tmp_path) == []


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("name", ["out.json", "out.dot", "out.svg"])
def test_full_disk_at_fsync(run, tmp_path, monkeypatch, name):
    target = tmp_path / name
    target.write_bytes(EARLIER)
    monkeypatch.setattr(os, "fsync", _enospc)
    result = run(*GOOD, "-o", str(target))
    monkeypatch.undo()
    assert result.exit_code == 2
    line = one_line_error(result.stderr)
    assert name in line and "No space left on device" in line
    assert target.read_bytes() == EARLIER
    assert leftovers(tmp_path) == []


def test_full_disk_half_way_through_the_write(run, tmp_path, monkeypatch):
    """The disk fills after half the bytes reached the temporary file."""
    target = tmp_path / "out.json"
    target.write_bytes(EARLIER)
    real_fdopen = os.fdopen
    injected: list[int] = []

    class HalfWriter:
        def __init__(self, handle):
            self.handle = handle

        def write(self, data):
            self.handle.write(data[:len(data) // 2])
            self.handle.flush()
            injected.append(len(data))
            _enospc()

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    def fake_fdopen(fd, *args, **kwargs):
        return HalfWriter(real_fdopen(fd, *args, **kwargs))

    monkeypatch.setattr(os, "fdopen", fake_fdopen)
    result = run(*GOOD, "-o", str(target))
    monkeypatch.undo()
    assert injected, "the write did not go through os.fdopen: the fault was not injected"
    assert result.exit_code == 2
    assert "No space left on device" in one_line_error(result.stderr)
    assert target.read_bytes() == EARLIER
    assert leftovers(tmp_path) == []


def test_errors_before_writing_leave_the_earlier_file(run, tmp_path):
    target = tmp_path / "out.json"
    target.write_bytes(EARLIER)
    for args in (["x*", "--x", "1"], ["x*y", "--x", "1"], ["x", "--x", "nan"],
                 [BIG_GRAPH, "--x", "1", "-o", str(tmp_path / "also.svg")]):
        result = run(*args, "-o", str(target))
        assert result.exit_code == 2, args
        assert target.read_bytes() == EARLIER
    assert leftovers(tmp_path) == []


def test_interrupt_during_the_write_leaves_nothing(tmp_path, monkeypatch, capsys):
    """Ctrl-C while the bytes go to disk: exit 130, the earlier file intact, no temp file."""
    target = tmp_path / "out.json"
    target.write_bytes(EARLIER)

    def interrupted(fd):
        raise KeyboardInterrupt

    old = signal.getsignal(signal.SIGPIPE) if hasattr(signal, "SIGPIPE") else None
    monkeypatch.setattr(os, "fsync", interrupted)
    try:
        with pytest.raises(SystemExit) as exited:
            main([*GOOD, "-o", str(target)])
    finally:
        monkeypatch.undo()
        if old is not None:
            signal.signal(signal.SIGPIPE, old)
    assert exited.value.code == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "Traceback" not in err
    assert target.read_bytes() == EARLIER
    assert leftovers(tmp_path) == []


# --- stdin: the same bytes as a file give the same answer ----------------------------------

STDIN_ENVS = {
    "default": {},
    # Python decodes stdin strictly under a UTF-8 locale such as en_US.UTF-8 (this is how
    # such a terminal is simulated wherever only the C locale is installed)
    "strict-locale": {"PYTHONIOENCODING": "utf-8:strict"},
}


@pytest.mark.parametrize("env_name", list(STDIN_ENVS))
@pytest.mark.parametrize("data", [b"\xef\xbb\xbfx*2\n", b"x*2\xff\n"],
                         ids=["byte-order-mark", "invalid-utf8"])
def test_stdin_reads_like_a_file(data, env_name, tmp_path, child_env):
    """A program piped in is read as the same program in a file: a UTF-8 byte-order mark
    is skipped, and bytes that are not UTF-8 are reported as such (never exit 70)."""
    env = child_env(**STDIN_ENVS[env_name])
    (tmp_path / "prog.bp").write_bytes(data)
    from_file = run_timed(["-f", "prog.bp", "--x", "1", "--json"], env, cwd=tmp_path)
    piped = subprocess.run([sys.executable, "-m", "backpropviz", "-", "--x", "1", "--json"],
                           input=data, capture_output=True, env=env, cwd=tmp_path,
                           timeout=FAST)
    err = piped.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "internal error" not in err, err
    assert piped.returncode == from_file.returncode, err
    assert piped.stdout.decode() == from_file.stdout
    if from_file.returncode == 2:
        assert "not UTF-8" in from_file.stderr
        assert "not UTF-8" in err, err


@pytest.mark.parametrize("env_name", list(STDIN_ENVS))
def test_values_from_stdin_that_are_not_utf8(env_name, tmp_path, child_env):
    piped = subprocess.run([sys.executable, "-m", "backpropviz", "x*2", "--values", "-"],
                           input=b'{"x": 1}\xff', capture_output=True,
                           env=child_env(**STDIN_ENVS[env_name]), cwd=tmp_path, timeout=FAST)
    err = piped.stderr.decode("utf-8", "replace")
    assert piped.returncode == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.startswith("Error: ")


# --- Ctrl-C and closed pipes in real processes ---------------------------------------------

def _wait_until_reading_stdin(proc: subprocess.Popen, limit: float = 10.0) -> None:
    """Until the process blocks reading its stdin pipe (Linux: /proc wchan), else 2 s."""
    wchan = Path(f"/proc/{proc.pid}/wchan")
    deadline = time.monotonic() + limit
    if not wchan.exists():
        time.sleep(2)
        return
    while time.monotonic() < deadline:
        try:
            if "pipe" in wchan.read_text():
                return
        except OSError:
            pass
        assert proc.poll() is None, "the process ended before reading stdin"
        time.sleep(0.05)
    raise AssertionError("the process never waited on stdin")


def _wait_for_cpu(proc: subprocess.Popen, seconds: float, limit: float = 20.0) -> None:
    """Until the process and its workers used ``seconds`` of CPU (well past its imports),
    else 3 s."""
    if not Path(f"/proc/{proc.pid}/stat").exists():
        time.sleep(3)
        return
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the slow job ended before it was interrupted"
        if _cpu_seconds(proc.pid) >= seconds:
            return
        time.sleep(0.05)
    raise AssertionError("the slow job never got going")


def _cpu_seconds(pid: int) -> float:
    """CPU seconds of process ``pid`` and its children (the --check worker), 0 for a
    process gone meanwhile."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_seconds(int(child)) for child in children)


def _interrupt(proc: subprocess.Popen) -> tuple[int, str, str]:
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=FAST)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError("Ctrl-C did not stop the process") from None
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")
def test_ctrl_c_while_reading_stdin(tmp_path, child_env):
    target = tmp_path / "out.json"
    target.write_bytes(EARLIER)
    proc = subprocess.Popen([sys.executable, "-m", "backpropviz", "-", "-o", str(target)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=child_env(), cwd=tmp_path)
    try:
        _wait_until_reading_stdin(proc)
        rc, out, err = _interrupt(proc)  # stdin is never closed
    finally:
        if proc.stdin:
            proc.stdin.close()
    assert rc == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert out == ""
    assert target.read_bytes() == EARLIER
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_ctrl_c_during_a_slow_check(tmp_path, child_env):
    """--check by finite differences on 4,000 variables takes half a minute: interrupted
    after a second of work it exits 130 at once, and writes no output file."""
    n = 4000
    (tmp_path / "slow.bp").write_text("+".join(f"sin(v{i})*v{i}" for i in range(n)),
                                      encoding="utf-8")
    (tmp_path / "slow.json").write_text(json.dumps({f"v{i}": i / 7 for i in range(n)}),
                                        encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "backpropviz", "-f", "slow.bp", "--values",
                             "slow.json", "--check", "-o", "out.json", "-o", "out.dot"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=child_env(), cwd=tmp_path)
    _wait_for_cpu(proc, 1.5)
    start = time.monotonic()
    rc, out, err = _interrupt(proc)
    assert time.monotonic() - start < 5, "Ctrl-C took effect only when the job ended"
    assert rc == 130, err[-500:]
    assert "interrupted" in err and "Traceback" not in err
    assert not (tmp_path / "out.json").exists() and not (tmp_path / "out.dot").exists()
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="no SIGPIPE")
@pytest.mark.parametrize("mode", [[], ["--json"], ["--explain"]], ids=["table", "json", "explain"])
def test_closed_pipe_is_quiet(mode, tmp_path, child_env):
    """``backpropviz ... | head -1``: the reader goes away after one line."""
    (tmp_path / "sum.bp").write_text("+".join(["x"] * 3000), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "backpropviz", "-f", "sum.bp", "--x", "1",
                             *mode], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=child_env(), cwd=tmp_path)
    first = proc.stdout.readline()
    proc.stdout.close()  # as `head -1` does after its line
    try:
        err = proc.stderr.read().decode("utf-8", "replace")
        rc = proc.wait(timeout=FAST)
    finally:
        proc.stderr.close()
    assert first.strip(), "no first line"
    assert "Traceback" not in err and "Error" not in err and "internal error" not in err, err
    assert rc in (-signal.SIGPIPE, 0), rc


def _run_with_streams(args: list[str], env: dict[str, str], **streams: object
                      ) -> subprocess.CompletedProcess[bytes]:
    """``python -m backpropviz ARGS`` with stdout/stderr as given (a file, or None to start
    the process with that descriptor closed, as the shell's ``>&-`` does)."""
    fds = {"stdout": 1, "stderr": 2}
    closed = [fds[name] for name, target in streams.items() if target is None]

    def close_fds() -> None:
        for fd in closed:
            os.close(fd)

    kwargs = {name: target for name, target in streams.items() if target is not None}
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "backpropviz", *args], env=env,
                          preexec_fn=close_fds, timeout=60, **kwargs)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("mode", [[], ["--json"], ["--explain", "--check"], ["--help"]],
                         ids=["table", "json", "explain-check", "help"])
def test_a_full_stdout_is_a_one_line_error(mode, child_env):
    """``backpropviz ... > /dev/full``: exit 2 and say so, no 'internal error' (was exit 70)."""
    with open("/dev/full", "w") as full:
        result = _run_with_streams(["x*y", "--x", "2", "--y", "3", *mode], child_env(),
                                   stdout=full)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err.startswith("Error: cannot write") and "No space left on device" in err, err
    assert err.count("\n") == 1 and "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize("mode", [[], ["--json"]], ids=["table", "json"])
def test_a_closed_stdout_is_a_one_line_error(mode, child_env):
    """``backpropviz ... >&-``: exit 2 and say so (was an internal error, exit 70)."""
    result = _run_with_streams(["x", "--x", "1", *mode], child_env(), stdout=None)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err == "Error: cannot write to stdout: stdout is closed\n", err


def test_a_closed_stdout_is_fine_when_nothing_is_printed(tmp_path, child_env):
    result = _run_with_streams(["x", "--x", "1", "-q", "-o", str(tmp_path / "out.json")],
                               child_env(), stdout=None)
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "out.json").read_text())["value"] == 1.0


@pytest.mark.parametrize("stderr", ["closed", "full"])
def test_an_error_with_stderr_unusable_still_exits_2(stderr, child_env):
    """The message cannot be shown, but the status still says 'bad input' (was 1, the
    status of a failed --check, from the traceback of the failed write)."""
    if stderr == "full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open(os.devnull if stderr == "closed" else "/dev/full", "w") as sink:
        result = _run_with_streams(["(x+y)*z", "--x", "1"], child_env(),
                                   stderr=None if stderr == "closed" else sink)
    assert result.returncode == 2
    assert result.stdout == b""


# --- encodings: a byte that is not UTF-8, a terminal that is not UTF-8 ----------------------

@pytest.mark.parametrize("mode", [["--json"], [], ["-o", "out.json"]], ids=["json", "table", "file"])
def test_a_typed_expression_with_bytes_that_are_not_utf8_is_refused(mode, tmp_path, child_env):
    """``backpropviz $'x # \\xff'``: the byte sits in a comment, so the program parses, but no
    output could encode it (was an internal error, exit 70, for --json and -o)."""
    result = subprocess.run([sys.executable.encode(), b"-m", b"backpropviz", b"x # \xff", b"--x",
                             b"1", *map(str.encode, mode)], capture_output=True,
                            env=child_env(), cwd=tmp_path, timeout=FAST)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert one_line_error(err) == "Error: the expression is not UTF-8 text (character 5)"
    assert result.stdout == b"" and list(tmp_path.iterdir()) == []


def test_json_is_utf8_on_a_terminal_that_is_not(child_env):
    """JSON is UTF-8 (RFC 8259) whatever the locale's encoding; the table escapes what an
    ASCII terminal cannot show instead of failing (both were internal errors, exit 70)."""
    env = child_env(PYTHONIOENCODING="ascii")
    as_json = subprocess.run([sys.executable, "-m", "backpropviz", "θ*2", "--θ", "1.5",
                              "--json"], capture_output=True, env=env, timeout=FAST)
    assert as_json.returncode == 0, as_json.stderr
    doc = json.loads(as_json.stdout.decode("utf-8"))
    assert doc["expression"] == "θ*2" and doc["gradients"] == {"θ": 2.0}
    table = subprocess.run([sys.executable, "-m", "backpropviz", "θ*2", "--θ", "1.5"],
                           capture_output=True, env=env, timeout=FAST)
    assert table.returncode == 0, table.stderr
    text = table.stdout.decode("ascii")
    assert text.splitlines()[1] == "-" * len(text.splitlines()[1])  # the rule, in ASCII
    assert "output  \\u03b8*2 = 3.0000" in text


# --- determinism ---------------------------------------------------------------------------

def test_same_input_same_bytes_across_processes(tmp_path, child_env):
    program = ("# determinism\n"
               "zeta = sigmoid(b*a + c) ; alpha = max(zeta, y) * min(x, 2)\n"
               "mu = alpha / (1 + exp(-zeta)) - relu(x - y)**2 + tanh(c) * log(abs(a) + 1)\n"
               "mu += sqrt(abs(alpha)) + y^x\n")
    (tmp_path / "prog.bp").write_text(program, encoding="utf-8")
    values = ["--a", "0.3", "--b", "-1.5", "--c", "2", "--x", "0.7", "--y", "-0.25"]
    outputs: list[dict[str, bytes]] = []
    for seed in ("1", "4242"):
        folder = tmp_path / f"run{seed}"
        folder.mkdir()
        paths = {ext: folder / f"out.{ext}" for ext in ("json", "dot", "svg")}
        result = run_timed(["-f", str(tmp_path / "prog.bp"), *values, "--json",
                            *[arg for p in paths.values() for arg in ("-o", str(p))]],
                           child_env(PYTHONHASHSEED=seed), cwd=folder)
        assert result.returncode == 0, result.stderr
        got = {ext: p.read_bytes() for ext, p in paths.items()}
        got["stdout"] = result.stdout.encode()
        outputs.append(got)
    first, second = outputs
    for key in first:
        assert first[key] == second[key], f"{key} differs between runs"
    assert b"<svg" in first["svg"] and first["dot"].startswith(b"digraph")
    assert strict_json(first["stdout"].decode())["expression"] == program
