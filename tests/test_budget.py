"""``--timeout``: each case of issue 20 that used to run without bound now stops with exit 2,
one line naming the phase and the node (or frame) it gave up at, and no file written.

The inputs take minutes (or hours) to finish; the tests give them a second or two. The
time to the message and the memory are measured by ``benchmarks/budgets.py``, not here.
"""

from __future__ import annotations

import os
import re
import time

import pytest

from backpropviz.budget import Budget, OutOfTime, Watch, digits_text
from backpropviz.errors import BackpropvizError
from backpropviz.run import Options, build, run
from backpropviz.engine import evaluate

from conftest import one_line_error

TAIL = r"after [\d.]+ s \(--timeout {t}\){more}; raise --timeout to wait longer$"


def squaring(lines: int = 40) -> str:
    """``a1 = x*x; a2 = a1*a1; ...``: the exact value of a_k has 2**k times x's digits."""
    return "\n".join(["a1 = x*x"] + [f"a{k} = a{k - 1}*a{k - 1}" for k in range(2, lines + 1)])


def exploding_dag(lines: int = 300) -> str:
    """``t_k = t_{k-1} + t_{k-2}*t_{k-3}``: its symbolic form doubles and more each line."""
    return "\n".join(f"t{k} = t{k - 1} + t{k - 2}*t{k - 3}" for k in range(3, lines))


def assert_refused(result, tmp_path, pattern: str) -> str:
    """Exit 2, one line matching ``pattern``, nothing on stdout and no file in tmp_path
    but the inputs."""
    assert result.returncode == 2, result.stderr[-2000:]
    line = one_line_error(result.stderr)
    assert re.match(pattern, line), line
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prog.bp"]
    return line


def write_program(tmp_path, text: str) -> str:
    path = tmp_path / "prog.bp"
    path.write_text(text)
    return str(path)


def test_exact_iterated_squaring_names_the_node_and_its_digits(run_process, tmp_path):
    prog = write_program(tmp_path, squaring())
    result = run_process("-f", prog, "--x", "3", "--exact", "--timeout", "2",
                         "-o", str(tmp_path / "out.json"))
    line = assert_refused(result, tmp_path, r"Error: --exact: gave up at node \d+ "
                          r"\(a(\d+)\*a\1\) " + TAIL.format(
                              t=2, more=r"; its exact value would have about [\d.,]+ "
                                        r"(million |billion )?digits"))
    assert int(re.search(r"node (\d+)", line).group(1)) < 40  # it was stopped, not done


@pytest.mark.parametrize("option, where", [
    ("--exact", r"(the gradient of )?node \d+ \(t\d+( \+ t\d+)?\*t\d+\) "),
    ("--check", r"(the symbolic derivative by )?node \d+ \(t[\d +*t]+\) "),
])
def test_an_exploding_dag(run_process, tmp_path, option, where):
    prog = write_program(tmp_path, exploding_dag())
    result = run_process("-f", prog, "--t0", "1.1", "--t1", "0.9", "--t2", "1.2", option,
                         "--timeout", "2", "-o", str(tmp_path / "out.dot"))
    assert_refused(result, tmp_path, f"Error: {option}: gave up at {where}"
                   + TAIL.format(t=2, more=".*"))


def test_check_on_20000_variables(run_process, tmp_path):
    """Finite differences of 20,000 variables are 40,000 forward passes of 60,000 nodes."""
    text = "\n".join(["s = x0*x0"] + [f"s = s + x{i}*x{i}" for i in range(1, 20_000)])
    values = tmp_path / "prog.json"
    values.write_text("{" + ", ".join(f'"x{i}": 0.5' for i in range(20_000)) + "}")
    prog = write_program(tmp_path, text)
    result = run_process("-f", prog, "--values", str(values), "--check", "--timeout", "3",
                         "-o", str(tmp_path / "out.json"))
    values.unlink()
    assert_refused(result, tmp_path, r"Error: --check: gave up at (the finite difference "
                   r"of )?node \d+ \(x\d+\) " + TAIL.format(t=3, more=""))


def test_lesson_frames_stop_at_the_budget(run_process, tmp_path):
    """A lesson of 201 frames, one Graphviz run each: nothing of it is written."""
    prog = write_program(tmp_path, " + ".join(f"x{i}*x{i + 1}" for i in range(50)) + " + x")
    frames = tmp_path / "frames"
    args = [f"--x{i}=0.5" for i in range(51)]
    result = run_process("-f", prog, "--x", "1", *args, "--steps", str(frames),
                         "-o", str(tmp_path / "lesson.html"), "--timeout", "1")
    assert result.returncode == 2, result.stderr
    line = one_line_error(result.stderr)
    assert re.match(r"Error: render: gave up at (frame \d+ of 201|a Graphviz run "
                    r"\([\w -]+, \.svg\)) after [\d.]+ s "
                    r"\(--timeout 1\); raise --timeout to wait longer$", line), line
    assert not (tmp_path / "lesson.html").exists()
    assert not frames.exists() or not any(frames.iterdir())


@pytest.mark.needs_embedded
def test_gif_over_the_pixel_budget_is_refused_after_one_frame(run_process, tmp_path):
    prog = write_program(tmp_path, " + ".join(f"x{i}*y{i}" for i in range(50)) + " + z")
    args = [f"--x{i}=0.5" for i in range(50)] + [f"--y{i}=1.5" for i in range(50)] + ["--z=1"]
    result = run_process("-f", prog, *args, "--scale", "8", "--engine", "embedded",
                         "-o", str(tmp_path / "lesson.gif"))
    line = assert_refused(result, tmp_path, r"Error: the GIF's 201 frames would each be "
                          r"[\d,]+ x [\d,]+ pixels, [\d,]+ million \(at --scale 8\), more "
                          r"than the limit of 20 million a frame: lower --scale")
    width, height = (int(g.replace(",", "")) for g in
                     re.search(r"be ([\d,]+) x ([\d,]+)", line).groups())
    assert width * height > 20_000_000


def test_timeout_zero_is_no_limit_and_a_negative_one_is_refused(run):
    result = run("x*x", "--x", "3", "--exact", "--check", "--timeout", "0")
    assert result.exit_code == 0, result.output
    assert "exactly 9" in result.stdout
    result = run("x*x", "--x", "3", "--exact", "--timeout", "-1")
    assert result.exit_code == 2
    assert "Invalid value for '--timeout'" in result.stderr


def test_work_in_the_budget_gives_the_same_answer_as_without():
    options = Options(expression="q = x*y + 1/x; f = q*q", variables=(("x", "3"), ("y", "0.5")),
                      check=True, exact=True)
    timed, untimed = run(options), run(options._replace(timeout=None))
    assert timed.check == untimed.check
    assert timed.exact is not None and untimed.exact is not None
    assert timed.exact.values == untimed.exact.values
    assert timed.exact.grads == untimed.exact.grads


def test_errors_in_the_worker_come_back_as_the_same_message(run):
    result = run("x**100000", "--x", "3", "--exact")
    assert result.exit_code == 2
    assert one_line_error(result.stderr) == ("Error: exact arithmetic: the power in node 1 would "
                                             "have about 200,000 digits, too large to compute "
                                             "exactly")


def test_without_fork_the_nodes_are_checkpoints(monkeypatch):
    """Where fork is missing the work runs in this process and checks the budget at every
    node: a run of the API raises OutOfTime, a BackpropvizError."""
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    with pytest.raises(OutOfTime, match=r"^--exact: gave up at node \d+ \(a(\d+)\*a\1\) "
                       r"after [\d.]+ s \(--timeout 0.3\)"):
        run(Options(expression=squaring(), variables=(("x", "3"),), exact=True, timeout=0.3))


def test_watch_names_the_stage_and_estimates_digits():
    graph = build("a = x*y; b = a*a; c = b**3")
    evaluate(graph, {"x": 3.0, "y": 4.0})
    spent = Budget(0.000001)
    watch = Watch("--exact", graph, None)
    watch.size(0, 10.0)
    watch.size(1, 5.0)
    watch.at(2)
    assert re.match(r"--exact: gave up at node 2 \(x\*y\) after [\d.]+ s \(--timeout 1e-06\); "
                    r"its exact value would have about 15 digits;",
                    str(watch.out_of_time(spent)))
    watch.size(2, 1.5e6)
    watch.at(4)  # b**3: three times b's digits, b being a*a (not measured yet)
    assert "would have" not in str(watch.out_of_time(spent))
    watch.size(3, 3e6)
    assert "about 9 million digits" in str(watch.out_of_time(spent))
    watch.at(3, "gradient")
    assert "gave up at the gradient of node 3 (a*a) after" in str(watch.out_of_time(spent))
    with pytest.raises(OutOfTime):
        Watch("--check", graph, spent).at(0, "finite difference")


@pytest.mark.parametrize("digits, text", [(7, "7 digits"), (35_000, "35,000 digits"),
                                          (2.1e6, "2.1 million digits"),
                                          (3e9, "3 billion digits")])
def test_digits_text(digits, text):
    assert digits_text(digits) == text


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for Graphviz")
def test_a_graphviz_run_is_killed_when_the_budget_runs_out(tmp_path):
    """One drawing cannot be checked between frames: the Graphviz process itself gets what
    is left of the budget, and is killed after it."""
    from backpropviz.render.engines import Engine

    slow = tmp_path / "slow-graphviz"
    slow.write_text("#!/bin/sh\nexec sleep 30\n")
    slow.chmod(0o755)
    engine = Engine("embedded", str(slow), frozenset({"svg"}), budget=Budget(0.5))
    start = time.monotonic()
    with pytest.raises(OutOfTime, match=r"^render: gave up at a Graphviz run \(embedded "
                       r"graphviz-pure, \.svg\) after [\d.]+ s \(--timeout 0.5\)"):
        engine.render("digraph { a -> b }", "svg")
    assert time.monotonic() - start < 20  # not the 30 s the stand-in sleeps
    assert engine == Engine("embedded", str(slow), frozenset({"svg"}))  # (not compared)


def test_a_long_node_is_named_by_its_ends():
    graph = build("f = " + " + ".join(f"x{i}" for i in range(100)))
    evaluate(graph, {f"x{i}": 1.0 for i in range(100)})
    watch = Watch("--check", graph, None)
    watch.at(graph.output)
    message = str(watch.out_of_time(Budget(1)))
    assert f"gave up at node {graph.output} (x0 + x1 + x2 + x3 ... + x97 + x98 + x99) after" \
        in message, message


def test_a_phase_that_never_started_says_so():
    graph = build("x*y")
    evaluate(graph, {"x": 1.0, "y": 2.0})
    spent = Budget(0.000001)
    time.sleep(0.01)
    assert re.match(r"--exact: gave up at its start after [\d.]+ s \(--timeout 1e-06\); "
                    r"raise --timeout", str(Watch("--exact", graph).out_of_time(spent)))
    from backpropviz.budget import run_watched

    with pytest.raises(OutOfTime, match="^--check: gave up at its start after"):
        run_watched(lambda watch: pytest.fail("the work started"), "--check", graph, spent)


@pytest.mark.skipif(os.name != "posix", reason="fork and signals")
def test_a_worker_killed_from_outside_is_a_clear_error():
    """The system's out-of-memory killer ends a worker without a word: the run says where
    it was, as a LimitError (exit 2), not an internal error."""
    import signal

    from backpropviz.budget import run_watched
    from backpropviz.errors import LimitError

    graph = build("a = x*y; b = a*a")
    evaluate(graph, {"x": 1.0, "y": 2.0})

    def killed(watch):
        watch.at(3)
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(LimitError, match=r"^--exact: the worker was stopped at node 3 "
                       r"\(a\*a\), most likely out of memory$"):
        run_watched(killed, "--exact", graph, Budget(30))


@pytest.mark.parametrize("raised, caught, message", [
    (BackpropvizError("--exact: no exact result here"), BackpropvizError,
     "^--exact: no exact result here$"),
    (RecursionError(), RecursionError, "nested too deeply"),
    (ZeroDivisionError("a bug"), RuntimeError, "^ZeroDivisionError: a bug$"),
])
def test_errors_in_the_worker_are_raised_here(raised, caught, message):
    from backpropviz.budget import run_watched

    graph = build("x")

    def fails(watch):
        raise raised

    with pytest.raises(caught, match=message) as info:
        run_watched(fails, "--exact", graph, Budget(30))
    assert not isinstance(info.value, OutOfTime)
