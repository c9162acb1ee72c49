"""One run of backpropviz as a plain function: :class:`Options` in, a :class:`Report` out.

The command (:mod:`backpropviz.cli`) only turns its arguments into Options and prints the
Report; :func:`backpropviz.trace` shares the same steps (:func:`build`, the value checks of
:mod:`backpropviz.values`, the passes of :mod:`backpropviz.engine`). A run reads the program
and its values, evaluates the graph, adds what --explain, --check and --exact ask for,
renders every output and only then writes them all (a failure leaves no file half-done;
.json and .dot text, which grows with the graph, is made as its temporary file is written).
"""

# (No ``from __future__ import annotations`` here: typing.NamedTuple would compile every
# field's annotation string at each start-up.)
from typing import TYPE_CHECKING, Any, Mapping, NamedTuple, Sequence

from .budget import DEFAULT_TIMEOUT, Budget
from .engine import evaluate, first_nonfinite
from .errors import BackpropvizError, LimitError, shorten
from .graph import MAX_DRAW, Graph, statements_of
from .lang import Message, message
from .parse import build_expression
from .values import command_line, merge, parse_values
from .choices import DIAGRAM_DECIMALS, FRAME_MS, SLIDES, THEME_NAMES

if TYPE_CHECKING:
    from .check import CheckReport
    from .progress import Progress
    from .render.diagram import Rendered
    from .render.dot import Style
    from .render.engines import Engine
    from .steps import Step
    from .symbolic import ExactPass

__all__ = ["MAX_SIZE", "MAX_FRAMES", "THEME_NAMES", "OptionsError", "Options", "Output",
           "Report", "run", "build", "program_source", "nonfinite_warning", "write_graph", "add_passes",
           "STDOUT", "STREAM_FORMATS"]

MAX_SIZE = 10_000_000   # characters of program text
MAX_FRAMES = 201        # frames of a lesson (a 100-gate graph), each one Graphviz run
STDOUT = "-"            # -o -: the output goes to stdout, in the --format given
STREAM_FORMATS = ("svg", "png", "dot", "json", "html")  # what -o - writes (--format)


class OptionsError(BackpropvizError):
    """Options that lack a value or do not fit together (the command exits 2)."""


class Options(NamedTuple):
    """Everything a run decides; each field is the command-line option of that name.

    (Options, Output and Report are named tuples, not dataclasses: importing dataclasses
    pulls in inspect, which a quick --json run does without.)"""

    expression: str | None = None         # EXPRESSION: the text, '-' (stdin) or @FILE
    program_file: str | None = None       # -f FILE
    variables: tuple[tuple[str, str], ...] = ()  # --NAME VALUE, as (name, text)
    var_items: tuple[str, ...] = ()       # --var NAME=VALUE
    values_file: str | None = None        # --values FILE
    output_name: str | None = None        # --output NAME
    outputs: tuple[str, ...] = ()         # -o PATH ('-': stdout)
    output_format: str | None = None      # --format: of -o - (svg png dot json html)
    engine_choice: str = "auto"           # --engine
    steps_dir: str | None = None          # --steps DIR
    steps_format: str = "svg"
    frame_ms: int = FRAME_MS
    theme: str = "classic"
    direction: str = "LR"
    font: str = "Helvetica"
    scale: float = 1.0
    transparent: bool = False
    no_wrap: bool = False                 # --no-wrap: one row whatever the text size
    slide: str | None = None              # --slide 16:9|4:3
    collapse: str | None = None           # --collapse statements
    title: str | None = None
    plain_names: bool = False
    expand_gates: bool = False            # --expand
    as_json: bool = False                 # --json: the document on stdout
    precision: int | None = None
    explain: str | None = None            # forward, backward or both
    check: bool = False
    exact: bool = False
    max_size: int = MAX_SIZE
    max_draw: int = MAX_DRAW
    max_frames: int = MAX_FRAMES
    timeout: float | None = DEFAULT_TIMEOUT  # seconds for the whole run; None or 0: no limit
    quiet: bool = False                   # also: no progress bar
    color: str = "auto"                   # --color auto|always|never (the table, --explain)
    full: bool = False                    # --full: arrays whole in the table
    unroll: bool = False                  # --unroll: arrays as their scalar circuit
    grad_output: str | None = None        # --grad-output: 'ones' or a JSON array
    lang: str | None = None               # --lang en|zh (None: the locale's); cli and api
                                          # say everything inside lang.using(lang)

    @classmethod
    def from_params(cls, params: Mapping[str, Any],
                    variables: Sequence[tuple[str, str]] = ()) -> "Options":
        """Options from the command's parsed parameters and its ``--NAME VALUE`` pairs."""
        return cls(variables=tuple(variables), **params)

    @property
    def use_color(self) -> bool | None:
        """--color as the renderers take it: True, False, or None (auto: a terminal, unless
        NO_COLOR; FORCE_COLOR forces it)."""
        return {"always": True, "never": False}.get(self.color)

    @property
    def decimals(self) -> int:
        """Decimals of JSON and --explain (diagrams and lessons: see render.numbers)."""
        return DIAGRAM_DECIMALS if self.precision is None else self.precision


class Output(NamedTuple):
    """One rendered ``-o`` file: its path, format, bytes and notes, and the Graphviz engine
    that drew it (its description; None for .dot and .json)."""

    path: str
    format: str
    rendered: "Rendered"
    engine: str | None = None


class Report(NamedTuple):
    """What a run made: the evaluated graph and everything shown or written about it."""

    graph: Graph
    source: str | None = None             # the program's file ('stdin'), None when typed
    warnings: tuple[Message, ...] = ()    # the values file's, then the graph's
    steps: "list[Step] | None" = None     # --explain: the steps of the passes ...
    names: list[str] | None = None        # ... and the display name of every node
    check: "CheckReport | None" = None    # --check
    exact: "ExactPass | None" = None      # --exact
    outputs: tuple[Output, ...] = ()      # -o, written
    frames: "tuple[tuple[str, Rendered], ...]" = ()  # --steps, written
    engine: str | None = None             # the Graphviz engine that drew (its description)
    explanation: tuple[str, ...] | None = None  # --explain of a program on arrays: its lines

    @property
    def ok(self) -> bool:
        """False when --check found a gradient that disagrees."""
        return self.check is None or self.check.ok


def build(text: str, output: str | None = None, expand: bool = False) -> Graph:
    """The (not yet evaluated) graph of ``text``, an expression or a program; with
    ``expand``, sigmoid and tanh as their primitive gates."""
    graph = build_expression(text, output)
    if expand:
        from .expand import expand as expand_gates

        graph = expand_gates(graph)
    return graph


def nonfinite_warning(graph: Graph) -> Message | None:
    """The warning naming the first node where nan or inf arises, or None (the command
    prints it on stderr, :func:`backpropviz.trace` warns with it)."""
    found = first_nonfinite(graph)
    if found is None:
        return None
    from .render.numbers import fixed
    from .render.text import computes

    node_id, what = found
    node = graph.nodes[node_id]
    number = node.value if what == "value" else node.grad
    word = message(f"word.{what}")
    if not isinstance(number, float):  # an array: its first element that is not finite
        from .tensor import first_nonfinite_element

        index, number = first_nonfinite_element(number)
        word = message("word.element", word=word, index=list(index))
    return message("warn.nonfinite", what=word, node=node_id,
                   label=node.label, computes=computes(graph, node), number=fixed(number, 2))


def run(options: Options) -> Report:
    """Read, evaluate, explain, check, render and write as ``options`` say, within
    ``options.timeout`` seconds (:class:`~backpropviz.budget.OutOfTime` when it runs out,
    with nothing written)."""
    from .progress import start as start_progress

    budget = Budget(options.timeout)
    progress = start_progress(options.quiet)  # a bar on a terminal, for runs over a second
    try:
        _check_style_text(options)
        targets = _check_targets(options)
        source, text = _program_text(options)
        report = _evaluate(options, source, text, progress)
        budget.check("evaluate", message("budget.after_passes"))
        report = _finish(report, options, targets, progress, budget)
    finally:
        progress.close()  # before anything is printed
    return report


def write_graph(graph: Graph, options: Options) -> Report:
    """Render and write what ``options`` ask for (``-o`` files, --steps frames) of a graph
    already evaluated, as :meth:`backpropviz.Graph.save` does; no progress bar."""
    from .progress import start as start_progress

    progress = start_progress(True)
    try:
        return _finish(Report(graph, warnings=tuple(graph.warnings)), options,
                       _check_targets(options), progress, Budget(options.timeout, "timeout="))
    finally:
        progress.close()


def _finish(report: Report, options: Options, targets: list[tuple[str, str]],
            progress: "Progress", budget: Budget) -> Report:
    """Check the limits, add the passes asked for, render and write the outputs, within
    the budget (nothing is written once it has run out)."""
    if report.graph.store.shape is not None:
        _refuse_for_arrays(options)
    draws = _check_limits(options, report.graph, targets)
    report = add_passes(report, options, budget)
    engine = _choose_engine(options, budget) if draws else None
    progress.phase("render")
    report = _render(report, options, targets, engine, _Frames(progress, budget))
    budget.check("render", message("budget.after_render"))
    _write(report, options)
    return report


def _refuse_for_arrays(options: Options) -> None:
    """--exact is for numbers only (sympy's exact forms of arrays are not made)."""
    if options.exact:
        raise OptionsError(message("run.exact_arrays"))


def _check_targets(options: Options) -> list[tuple[str, str]]:
    """(path, format) of every ``-o``, each checked writable, and the --steps folder,
    checked before any work."""
    if not options.outputs and options.steps_dir is None:
        if options.output_format is not None:
            raise OptionsError(message("run.format_without_stdout"))
        return []  # (the renderers only when a file is asked for)
    from .files import check_directory, check_writable

    streamed = options.outputs.count(STDOUT)
    if streamed > 1 or streamed and options.as_json:
        raise OptionsError(message("run.one_stdout"))
    if options.output_format is not None and not streamed:
        raise OptionsError(message("run.format_of_file"))
    targets = [(path, _format(path, options.output_format)) for path in options.outputs]
    for path, _ in targets:
        if path != STDOUT:
            check_writable(path)
    if options.steps_dir is not None:
        if not options.steps_dir.strip():
            raise OptionsError(message("run.steps_folder"))
        check_directory(options.steps_dir)
    return targets


def _format(path: str, output_format: str | None) -> str:
    """The format of ``-o path``: --format's for stdout ('-'), else the extension's."""
    from .render.diagram import format_of

    if path != STDOUT:
        return format_of(path)
    if output_format is None:
        raise OptionsError(message("run.stdout_format", formats="|".join(STREAM_FORMATS)))
    return output_format


def _check_style_text(options: Options) -> None:
    """--font reaches DOT, SVG and HTML attributes: a font-family list only; --title is
    printable text."""
    from .render.text import font_problem, text_problem

    problem = font_problem(options.font)
    if problem is not None:
        raise OptionsError(message("run.font", font=shorten(options.font), problem=problem))
    problem = text_problem(options.title or "")
    if problem is not None:
        raise OptionsError(message("run.title", problem=problem))


def _program_path(options: Options) -> str | None:
    """The file the program is read from ('-' for stdin), or None when it is typed."""
    expression = options.expression
    if expression == "-":
        return "-"
    if expression is not None and expression.startswith("@") and len(expression) > 1:
        return expression[1:]
    return None if expression is not None else options.program_file


def program_source(options: Options) -> str | None:
    """The program's file as messages name it ('stdin' for '-'), or None when typed."""
    path = _program_path(options)
    return message("word.stdin") if path == "-" else path


def _program_text(options: Options) -> tuple[str | None, str]:
    """(the file it came from or None, the program text) from EXPRESSION, @FILE, - or -f."""
    for option, name in (("-f", options.program_file), ("--values", options.values_file)):
        if name is not None and not name.strip():
            raise OptionsError(message("run.file_name", option=option))
    expression = options.expression
    if expression is not None and options.program_file is not None:
        raise OptionsError(message("run.program_twice"))
    path = _program_path(options)
    if expression is not None and path is None:
        _check_size(len(expression), message("run.the_expression"), options.max_size)
        bad = not_utf8_at(expression)
        if bad is not None:
            raise OptionsError(message("run.not_utf8", index=bad + 1))
        return None, expression
    if path is None:
        raise OptionsError(message("run.no_expression"))
    if path == "-" and options.values_file == "-":
        raise OptionsError(message("run.both_stdin"))
    from .sources import read_text

    source = message("word.stdin") if path == "-" else path
    return source, read_text(path, "program file", limit=options.max_size)


def not_utf8_at(text: str) -> int | None:
    """Where ``text`` (a command-line argument) has a byte that is not UTF-8, or None:
    Python keeps such bytes as lone surrogates, which no output can encode."""
    for index, ch in enumerate(text):
        if "\ud800" <= ch <= "\udfff":
            return index
    return None


def _check_size(size: int, what: str, max_size: int) -> None:
    if size > max_size:
        raise LimitError(message("run.too_long", what=what, limit=f"{max_size:,}"))


def _evaluate(options: Options, source: str | None, text: str, progress: "Progress") -> Report:
    """Build the graph, check the values (command line over file), run both passes."""
    from .sources import read_text

    given = command_line(options.variables, options.var_items)
    values_file = options.values_file
    origin = message("word.stdin") if values_file == "-" else values_file  # (as a program from stdin is)
    file_values = (parse_values(read_text(values_file, "values file", limit=options.max_size),
                                origin or "-") if values_file is not None else {})
    graph = build(text, options.output_name, options.expand_gates)
    warnings: list[Message] = []
    values = merge(graph, given, file_values, origin, warnings)
    if options.unroll:
        graph, values = unrolled(graph, values, options.grad_output)
    progress.phase("evaluate")
    evaluate(graph, values, _grad_output(options.grad_output))
    graph.warnings[:0] = warnings  # (the JSON lists every warning, each with its code)
    nonfinite = nonfinite_warning(graph)
    if nonfinite is not None:
        graph.warnings.append(nonfinite)
    return Report(graph, source, tuple(graph.warnings))


def unrolled(graph: Graph, values: dict[str, Any], grad_output: object = None
             ) -> tuple[Graph, dict[str, Any]]:
    """--unroll: the scalar program an array program stands for (``W_0_1 = ...``), and
    each element's value, to run and show as any program of numbers."""
    from .engine import uses_arrays
    from .parse import build_expression
    from .unroll import MAX_UNROLL, unroll

    if grad_output is not None:
        raise OptionsError(message("run.unroll_grad_output"))
    if not uses_arrays(graph, values):
        raise OptionsError(message("run.unroll_no_arrays"))
    flat = unroll(graph, values)
    scalar = build_expression(flat.text)
    if scalar.gate_count > MAX_UNROLL:
        raise LimitError(message("run.unroll_too_big", gates=f"{scalar.gate_count:,}",
                                 limit=f"{MAX_UNROLL:,}"))
    scalar.warnings = list(graph.warnings)  # (its own names are all read: none to warn of)
    return scalar, flat.values


def _grad_output(text: str | None) -> object:
    """--grad-output: 'ones', or a JSON array (the output's gradient, element by element)."""
    if text is None or text.strip() == "ones":
        return None if text is None else "ones"
    if not text.lstrip().startswith("["):
        raise OptionsError(message("run.grad_output", text=shorten(text)))
    from .values import number

    return number(text, "--grad-output")


def _check_limits(options: Options, graph: Graph, targets: list[tuple[str, str]]) -> bool:
    """Refuse drawings over --max-draw and lessons over --max-frames; whether a Graphviz
    engine draws anything."""
    if not targets and options.steps_dir is None:
        return False
    from .render.diagram import DRAWN, LESSONS

    folder = [] if options.steps_dir is None else [options.steps_dir]
    drawn = [path for path, fmt in targets if fmt in DRAWN] + folder
    if drawn and len(graph.nodes) > options.max_draw:
        raise LimitError(message("run.max_draw", nodes=f"{len(graph.nodes):,}",
                                 limit=f"{options.max_draw:,}", path=drawn[0]))
    lessons = [path for path, fmt in targets if fmt in LESSONS] + folder
    steps = graph.gate_count
    if options.collapse == "statements":  # (a step per statement, not per gate)
        owner = statements_of(graph)
        steps = sum(1 for i, mine in enumerate(owner) if mine == i)
    frame_count = 2 * steps + 1
    if lessons and frame_count > options.max_frames:
        raise LimitError(message("run.max_frames", frames=f"{frame_count:,}",
                                 limit=f"{options.max_frames:,}"))
    return bool(drawn)


def _choose_engine(options: Options, budget: Budget) -> "Engine":
    """The Graphviz engine --engine names (a clear error when it is not installed), its
    every run stopped when the budget runs out."""
    from dataclasses import replace

    from .render.engines import choose_engine

    return replace(choose_engine(options.engine_choice), budget=budget)


def add_passes(report: Report, options: Options, budget: Budget | None = None) -> Report:
    """What --explain, --check and --exact add (each needs sympy, imported only here),
    within the budget (by default ``options.timeout`` from now): --check and --exact in a
    worker that is stopped when it runs out."""
    if budget is None:  # (a call from the Python API: its messages say timeout=)
        budget = Budget(options.timeout, "timeout=")
    graph = report.graph
    if graph.store.shape is not None:
        _refuse_for_arrays(options)
    if options.explain and graph.store.shape is not None:
        report = _explain_arrays(report, options.explain, options.decimals,
                                 options.plain_names)
    elif options.explain:
        report = _explain(report, options.explain, budget, options.plain_names)
    if options.check:
        from . import symbolic  # noqa: F401  (sympy, imported once here, not in each worker)
        from .budget import run_watched
        from .check import check_gradients

        checker = check_gradients
        if graph.store.shape is not None:  # values that are arrays: element by element
            from .tensor_check import check_arrays as checker
        report = report._replace(check=run_watched(
            lambda watch: checker(graph, watch), "--check", graph, budget))
    if options.exact:
        from .budget import run_watched
        from .symbolic import exact_pass

        report = report._replace(exact=run_watched(
            lambda watch: exact_pass(graph, watch), "--exact", graph, budget))
    return report


def _explain_arrays(report: Report, explain: str, decimals: int, plain: bool = False
                    ) -> Report:
    """--explain of a program on arrays: the forward pass gate by gate, and the reverse
    pass as the vector-Jacobian product of each gate, with shapes."""
    from .render.array_explain import array_explain, array_forward
    from .render.explain import versions_key
    from .steps import display_names

    names = display_names(report.graph, plain)
    lines: list[str] = []
    if explain in ("forward", "both"):
        lines += array_forward(report.graph, names, decimals)
    if explain in ("backward", "both"):
        lines += ([""] if lines else []) + array_explain(report.graph, names, decimals)
    key = versions_key(report.graph, names)  # (under the first heading: what c′ is)
    lines[1:1] = [key] if key and lines else []
    return report._replace(explanation=tuple(lines), names=names)


def _explain(report: Report, explain: str, budget: Budget, plain: bool = False) -> Report:
    """The steps --explain shows, each local derivative's formula from sympy; the budget
    is checked at every one. ``plain``: unnamed gates are q1, q2 ... (--plain-names)."""
    from .budget import Watch
    from .steps import backward_steps, display_names, forward_steps
    from .symbolic import gate_formula

    graph = report.graph
    names = display_names(graph, plain)
    s = graph.store
    watch = Watch("--explain", graph, budget)
    steps = forward_steps(graph) if explain in ("forward", "both") else []
    budget.check("--explain", message("budget.forward_steps"))

    def formula(gate: int, slot: int, names: Sequence[str]) -> str:
        watch.at(gate, "formula")
        b = s.b[gate]
        return gate_formula(s.op[gate], slot, s.param_text[gate],
                            (s.a[gate], b) if b >= 0 else (s.a[gate],), names)

    if explain in ("backward", "both"):
        steps += backward_steps(graph, formula, names)
    return report._replace(steps=steps, names=names)


class _Frames:
    """The render phase's report of frames drawn, which also checks the budget after each
    frame (a lesson at --scale 8 takes seconds a frame)."""

    def __init__(self, progress: "Progress", budget: Budget) -> None:
        self.progress = progress
        self.budget = budget

    def frames(self, done: int, total: int) -> None:
        """``done`` of ``total`` frames are drawn: shown, then the budget checked."""
        self.progress.frames(done, total)
        if done < total:
            self.budget.check("render", message("budget.frame", frame=done + 1, total=total))


def _style(options: Options) -> "Style":
    """The diagram's look: the theme with --direction, --font, --title and the rest."""
    from .render.dot import THEMES

    from dataclasses import replace

    return replace(THEMES[options.theme], direction=options.direction, font=options.font,
                   title=options.title, transparent=options.transparent, wrap=not options.no_wrap,
                   pretty_names=not options.plain_names,
                   slide=None if options.slide is None else SLIDES[options.slide],
                   collapse=options.collapse)


def _render(report: Report, options: Options, targets: list[tuple[str, str]],
            engine: "Engine | None", progress: _Frames) -> Report:
    """Render every ``-o`` file and every --steps frame, writing nothing yet."""
    if not targets and options.steps_dir is None:
        return report
    from .render.diagram import DRAWN, render_file

    style = _style(options)
    graph, decimals = report.graph, options.precision  # (None: --precision auto)
    outputs = []
    for path, fmt in targets:
        rendered = render_file(graph, fmt, decimals, engine, style=style, scale=options.scale,
                               frame_ms=options.frame_ms, progress=progress.frames,
                               steps=report.steps, names=report.names, check=report.check,
                               exact=report.exact)
        drawn_by = engine.description if engine is not None and fmt in DRAWN else None
        outputs.append(Output(path, fmt, rendered, drawn_by))
    frames = (() if options.steps_dir is None
              else tuple(_render_steps(graph, options, engine, style, progress)))
    return report._replace(outputs=tuple(outputs), frames=frames,
                           engine=None if engine is None else engine.description)


def _render_steps(graph: Graph, options: Options, engine: "Engine | None", style: "Style",
                  progress: _Frames) -> "list[tuple[str, Rendered]]":
    """(file name, drawing) for every frame of the lesson."""
    assert engine is not None, "--steps draws, so run() chose an engine"
    from .render.diagram import render_frames
    from .render.frames import frame_names
    from .render.numbers import figure_decimals
    from .render.statement_frames import lesson_of

    decimals, fmt = options.precision, options.steps_format
    frames = lesson_of(graph, figure_decimals(graph, decimals), style)
    drawn = render_frames(graph, [f.view for f in frames], fmt, decimals,
                          engine, style, options.scale, progress.frames)
    return list(zip(frame_names(frames, fmt), drawn))


def _write(report: Report, options: Options) -> None:
    """Write every rendered file, then the frames (each file whole or not at all)."""
    if not report.outputs and options.steps_dir is None:
        return
    from .files import write_atomic, write_frames

    for output in report.outputs:
        if output.path != STDOUT:  # (the command writes stdout's)
            write_atomic(output.path, output.rendered.chunks())
    if options.steps_dir is not None:
        write_frames(options.steps_dir, report.frames)
