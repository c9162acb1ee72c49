"""``--timeout``: the time budget of a run, and symbolic work that stops when it runs out.

A :class:`Budget` is the run's deadline. The sympy work of --check and --exact cannot be
interrupted from inside (one multiplication of two million-digit fractions is one call), so
:func:`run_watched` runs it in a forked worker process that says, through shared memory,
which node it is at; when the budget runs out the worker is killed and
:class:`OutOfTime` names the phase, the node and (for an exact value) its size. Where fork
is missing, or there is no deadline, the work runs here and :class:`Watch` checks the
deadline at every node instead.
"""

from __future__ import annotations

import math
import os
import signal
import time
from typing import Any, Callable, MutableSequence, TypeVar, cast

from .errors import BackpropvizError, LimitError, shorten
from .graph import Graph
from .lang import message

__all__ = ["DEFAULT_TIMEOUT", "Budget", "OutOfTime", "Watch", "run_watched", "digits_text"]

DEFAULT_TIMEOUT = 60.0  # seconds for a whole run

#: What a worker can be doing at a node: its value, its gradient, the symbolic derivative
#: of the output by a variable, or the finite difference of a variable.
STAGES = ("value", "gradient", "derivative", "finite difference", "formula")
_ABOUT = {"value": "budget.at_value", "gradient": "budget.at_gradient",
          "derivative": "budget.at_derivative", "finite difference": "budget.at_difference",
          "formula": "budget.at_formula"}
#: The phases a message names in words (the others are options: --check, --exact).
_PHASES = {"evaluate": "budget.phase_evaluate", "render": "budget.phase_render"}
_STAGE_INDEX = {stage: k for k, stage in enumerate(STAGES)}

T = TypeVar("T")


class OutOfTime(BackpropvizError):
    """The run used up its ``--timeout``; the message names the phase and where it was.
    (Not a LimitError: the symbolic check turns those into a note and goes on.)"""


class Budget:
    """The deadline of one run: ``seconds`` from now (None: no deadline). ``option`` is how
    the user set it, for the message: ``--timeout`` on the command line, ``timeout=`` in
    Python."""

    def __init__(self, seconds: float | None, option: str = "--timeout") -> None:
        self.seconds = seconds if seconds else None
        self.started = time.monotonic()
        self.option = option

    def left(self) -> float | None:
        """Seconds left (never below 0), or None without a deadline."""
        if self.seconds is None:
            return None
        return max(0.0, self.started + self.seconds - time.monotonic())

    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return self.seconds is not None and time.monotonic() >= self.started + self.seconds

    def out_of_time(self, phase: str, where: str, more: str = "") -> OutOfTime:
        """The error for ``phase`` giving up at ``where`` (e.g. ``node 14 (a7*a7)``)."""
        spent = time.monotonic() - self.started
        joiner = "" if self.option.endswith("=") else " "
        return OutOfTime(message("budget.out_of_time", phase=phase_said(phase), where=where,
                                 spent=f"{round(spent, 1):g}", option=self.option,
                                 joiner=joiner, seconds=f"{self.seconds:g}", more=more,
                                 option_name=self.option.rstrip("=")))

    def check(self, phase: str, where: str) -> None:
        """Raise :class:`OutOfTime` when the deadline has passed."""
        if self.expired():
            raise self.out_of_time(phase, where)


class Watch:
    """Where the symbolic work of one phase is: ``at(node)`` before each step, ``size``
    the digits of each exact value made. Here (``budget`` given) it also checks the
    deadline; in a worker it only writes to memory the parent reads."""

    def __init__(self, phase: str, graph: Graph, budget: Budget | None = None,
                 where: MutableSequence[int] | None = None,
                 digits: MutableSequence[float] | None = None) -> None:
        self.phase = phase
        self.graph = graph
        self.budget = budget
        self.where = where if where is not None else [0, 0]  # (node, stage)
        self.where[0] = -1  # (no node yet)
        self.digits = digits if digits is not None else [0.0] * len(graph.store.op)
        self.deadline = math.inf  # (only here; a worker is stopped from outside)
        if budget is not None and budget.seconds is not None:
            self.deadline = budget.started + budget.seconds

    def at(self, node: int, stage: str = "value") -> None:
        """The work moves on to ``node`` (its ``stage``). (Called per node of a 600,000-node
        explanation: one clock reading, no more.)"""
        self.where[0] = node
        self.where[1] = _STAGE_INDEX[stage]
        if time.monotonic() >= self.deadline:
            assert self.budget is not None, "a deadline comes from a budget"
            raise self.out_of_time(self.budget)

    def size(self, node: int, digits: float) -> None:
        """The exact value of ``node`` has ``digits`` digits."""
        self.digits[node] = digits

    def place(self) -> str:
        """Where the work is: ``node 14 (a7*a7)``, ``the gradient of node 3 (x*y)``, or
        ``its start``."""
        node, stage = self.where[0], STAGES[self.where[1]]
        if node < 0:
            return message("budget.its_start")
        return message(_ABOUT[stage], node=node, text=_node_text(self.graph, node))

    def out_of_time(self, budget: Budget) -> OutOfTime:
        """The error naming the phase, the node this watch was at, and its size if known."""
        node, stage = self.where[0], STAGES[self.where[1]]
        digits = (_estimate_digits(self.graph, node, self.digits)
                  if stage == "value" and node >= 0 else 0)
        more = message("budget.digits_more", digits=digits_text(digits)) if digits else ""
        return budget.out_of_time(self.phase, self.place(), more)


def _node_text(graph: Graph, node: int) -> str:
    """The node as the program wrote it, on one line (its name for a variable)."""
    start, end = graph.store.start[node], graph.store.end[node]
    if end - start > 200:  # (only the ends are read: 17 characters each, within 40)
        return shorten(" ".join(graph.expression[start:start + 17].split()) + " ... "
                       + " ".join(graph.expression[end - 17:end].split()))
    return shorten(" ".join(graph.expression[start:end].split()))


#: Ops whose exact result, from exact fractions, has about as many digits as its inputs
#: together (a/b * c/d, a/b + c/d = (ad + bc)/bd).
_SUMMING = frozenset({"add", "sub", "mul", "div", "max", "min", "add_const", "sub_const",
                      "rsub_const", "mul_const", "div_const", "rdiv_const", "neg", "abs"})


def _estimate_digits(graph: Graph, node: int, digits: MutableSequence[float]) -> float:
    """About how many digits the exact value of ``node`` has, from its inputs' (0 when
    unknown: an input is not an exact fraction, or the op makes irrational numbers)."""
    s = graph.store
    inputs = [i for i in (s.a[node], s.b[node]) if i >= 0]
    known = [digits[i] for i in inputs]
    if not inputs or not all(known):
        return 0.0
    op = s.op[node]
    if op in _SUMMING:
        return sum(known)
    if op == "pow_const" and s.param[node] is not None:
        return known[0] * abs(float(s.param[node] or 0))
    return 0.0


def digits_text(digits: float) -> str:
    """``2.1 million digits``, ``35,000 digits``."""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if digits >= size:
            return message("budget.digits_scaled", number=f"{digits / size:.2g}",
                           scale=message(f"budget.{word}"))
    return message("budget.digits", number=f"{int(digits):,}")


def rational_digits(numerator: int, denominator: int) -> float:
    """Decimal digits of the fraction's numerator and denominator together."""
    bits = abs(numerator).bit_length() + denominator.bit_length()
    return max(1.0, bits * math.log10(2))


def run_watched(work: Callable[[Watch], T], phase: str, graph: Graph,
                budget: Budget) -> T:
    """``work(watch)`` within the budget: in a forked worker that is killed when time runs
    out, or here, with the deadline checked at every node, where fork is missing or there
    is no deadline. Errors in the worker come back as the same kind of error."""
    import multiprocessing  # (5 ms: not on a run without --check or --exact)

    budget.check(phase, message("budget.its_start"))
    if budget.seconds is None or "fork" not in multiprocessing.get_all_start_methods():
        return work(Watch(phase, graph, budget))
    context = multiprocessing.get_context("fork")
    where = context.RawArray("q", 2)
    digits = context.RawArray("d", len(graph.store.op))
    receiver, sender = context.Pipe(duplex=False)
    watch = Watch(phase, graph, None, where, digits)
    worker = context.Process(target=_serve, args=(work, watch, sender), daemon=True)
    worker.start()
    sender.close()
    try:
        if not receiver.poll(budget.left()):
            raise watch.out_of_time(budget)
        try:
            kind, payload = receiver.recv()
        except EOFError:  # killed: by the system, for memory
            raise LimitError(message("budget.worker_stopped", phase=phase_said(phase),
                                     where=watch.place())) from None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receiver.close()
    return cast(T, _result(kind, payload))  # (the worker sends back what work returned)


def _serve(work: Callable[[Watch], Any], watch: Watch, sender: Any) -> None:
    """The worker: run ``work`` and send back ``(kind, payload)``. Ctrl-C is the parent's
    to handle (it kills the worker); the worker leaves without the parent's exit handlers
    (its unflushed output must not be written twice)."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            sender.send(_attempt(work, watch))
        except Exception as exc:  # (a result that cannot be pickled: a bug)
            sender.send(("bug", f"{type(exc).__name__}: {exc}"))
    finally:
        os._exit(0)


def _attempt(work: Callable[[Watch], Any], watch: Watch) -> tuple[str, Any]:
    """``("ok", result)``, or the kind of error and its message."""
    try:
        return ("ok", work(watch))
    except LimitError as exc:
        return ("limit", _said(exc))
    except BackpropvizError as exc:
        return ("error", _said(exc))
    except RecursionError:
        return ("recursion", "")
    except MemoryError:
        return ("memory", "")
    except Exception as exc:  # a bug: reported by the parent as one
        return ("bug", f"{type(exc).__name__}: {exc}")


def _said(exc: Exception) -> str:
    """An error's message as sent back from the worker: a
    :class:`~backpropviz.lang.Message` as one (so the parent says it in the reader's
    language), other text as it is."""
    return exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)


def phase_said(phase: str) -> str:
    """A phase as a message names it: ``evaluate`` and ``render`` in words of the reader's
    language, an option (``--check``) as it is."""
    return message(_PHASES[phase]) if phase in _PHASES else phase


def _result(kind: str, payload: Any) -> Any:
    """The worker's result, or its error raised here."""
    if kind == "ok":
        return payload
    if kind == "limit":
        raise LimitError(payload)
    if kind == "error":
        raise BackpropvizError(payload)
    if kind == "recursion":
        raise RecursionError("the input is nested too deeply")
    if kind == "memory":
        raise MemoryError()
    raise RuntimeError(payload)
