"""The ``backpropviz`` command: arguments -> :class:`~backpropviz.run.Options` ->
:func:`~backpropviz.run.run` -> what the Report holds, printed; exit codes and streams.

Every variable is passed as ``--NAME VALUE``. click cannot declare options it does not know
in advance, so :class:`TraceCommand` takes them out of the argument list before click parses
the rest.
"""

from __future__ import annotations

import errno
import gc
import io
import os
import re
import signal
import sys
from typing import Any, Iterable

import click
from click.shell_completion import CompletionItem

from . import __version__
from .choices import DIRECTIONS, ENGINES, EXPLAIN_PASSES, FRAME_MS, THEME_ABOUT
from .budget import DEFAULT_TIMEOUT
from .errors import BackpropvizError, ExpressionSyntaxError, ValuesError, close_match, shorten
from .graph import MAX_DRAW
from .lang import LANGS, Message, current, localize, say, using
from .run import (MAX_FRAMES, MAX_SIZE, STDOUT, STREAM_FORMATS, THEME_NAMES, Options, Report,
                  nonfinite_warning, program_source, run)
from .ops import grammar_help
from .parse import is_name

__all__ = ["cli", "main"]

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug, never expected


class InputError(click.ClickException):
    """A one-line error the user can fix; exits 2."""

    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        """``Error: message`` on stderr, in the language in use."""
        if current() == "en":
            super().show(file)
        else:
            click.echo(say("cli.error", message=self.format_message()), file=file, err=True)


def error_text(exc: Exception) -> str:
    """An error's message in the language in use (a :class:`~backpropviz.lang.Message`
    by its key, other text by the English templates it matches)."""
    if len(exc.args) == 1 and isinstance(exc.args[0], Message):
        return localize(exc.args[0])
    return localize(str(exc))


def chosen_lang(args: Iterable[str]) -> str | None:
    """The language ``--lang`` asks for among the command's words (None: not given, or not
    one of :data:`~backpropviz.lang.LANGS`; click then says what is wrong), read before
    click parses them so that ``--help`` and every message are in it."""
    words = list(args)
    for i, word in enumerate(words):
        if word == "--":
            break
        if word.startswith("--lang="):
            value = word[len("--lang="):]
            return value if value in LANGS else None
        if word == "--lang" and i + 1 < len(words):
            return words[i + 1] if words[i + 1] in LANGS else None
    return None


class WholeRange(click.IntRange):
    """An integer range whose error reads "'1e3' is not a valid whole number" (click's
    says "integer range", which is not what was wrong)."""

    name = "whole number"


class FiniteRange(click.FloatRange):
    """A float range that also refuses nan (which compares false with both bounds)."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:
            self.fail(f"{value!r} is not a number in the range {self.min}<=x<={self.max}.",
                      param, ctx)
        return number


def printable_text(ctx: click.Context, param: click.Parameter, value: str | None
                   ) -> str | None:
    """Check a --title or --font: Graphviz refuses control characters and the run cannot
    encode bytes that are not UTF-8, so either is a usage error naming the option."""
    from .render.text import text_problem

    problem = text_problem(value or "")
    if problem is not None:
        raise click.BadParameter(problem)
    return value


def font_family(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Check --font: it reaches DOT, SVG and HTML attributes as it is, so only a
    font-family list (letters, digits, spaces, '-', ',') is accepted."""
    from .render.text import font_problem

    printable_text(ctx, param, value)
    problem = font_problem(value)
    if problem is not None:
        raise click.BadParameter(problem)
    return value


class TraceCommand(click.Command):
    """A click command that also accepts ``--NAME VALUE`` for any variable NAME, and says
    everything in the language of ``--lang`` (or the locale's)."""

    def main(self, args: Any = None, *rest: Any, **settings: Any) -> Any:
        words = sys.argv[1:] if args is None else list(args)
        with using(chosen_lang(words)):
            return super().main(words, *rest, **settings)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        known: dict[str, object] = {}  # option string -> takes a value (True, False, or
        for param in self.get_params(ctx):  # the choices of an optional value)
            if isinstance(param, click.Option):
                takes: object = not (param.is_flag or param.count)
                if (isinstance(param.type, click.Choice) and not param.is_flag
                        and getattr(param, "flag_value", None) in param.type.choices):
                    takes = tuple(param.type.choices)
                for opt in (*param.opts, *param.secondary_opts):
                    known[opt] = takes
        unchosen: list[tuple[str, str, tuple[str, ...]]] = []
        if ctx.resilient_parsing:  # completing a word in the shell: never an error
            try:
                rest, variables = split_variable_options(args, known)
            except InputError:
                rest, variables = args[:-1], []  # (the last word lacks its value)
            ctx.meta["backpropviz.variables"] = variables
            return super().parse_args(ctx, rest)
        rest, variables = split_variable_options(args, known, unchosen)
        mistyped = mistyped_option(variables, rest[rest.index("--") + 1:], known)
        if mistyped is not None:
            raise InputError(mistyped)
        ctx.meta["backpropviz.variables"] = variables
        ctx.meta["backpropviz.options"] = known
        try:
            return super().parse_args(ctx, rest if args else [])
        except click.UsageError as exc:
            if not args:
                raise  # no arguments: click shows the help
            if unchosen and "extra argument" in exc.format_message():
                opt, word, choices = unchosen[0]
                raise InputError(say("cli.takes", option=opt, choices=", ".join(choices[:-1]),
                                     last=choices[-1], word=shorten(word))) from None
            raise InputError(say("cli.see_help", message=exc.format_message())) from None

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        """Option names, and ``--NAME`` for each variable of the expression typed so far."""
        items = super().shell_complete(ctx, incomplete)
        given = {name for name, _ in ctx.meta.get("backpropviz.variables", [])}
        if incomplete.startswith("--") or incomplete == "":
            items += [CompletionItem(f"--{name}", help="a variable of the expression")
                      for name in expression_variables(ctx.params.get("expression"))
                      if f"--{name}".startswith(incomplete) and name not in given]
        return items


def expression_variables(expression: str | None) -> list[str]:
    """The variables of an expression typed on the command line (none when it does not
    parse yet, or is a file)."""
    if not expression or expression == "-" or expression.startswith("@"):
        return []
    from .parse import build_expression

    try:
        return list(build_expression(expression).variable_ids)
    except (BackpropvizError, RecursionError):
        return []


def complete_path(ctx: click.Context, param: click.Parameter, incomplete: str
                  ) -> list[CompletionItem]:
    """Let the shell complete a file name."""
    return [CompletionItem(incomplete, type="file")]


def complete_direction(ctx: click.Context, param: click.Parameter, incomplete: str
                       ) -> list[CompletionItem]:
    """LR and TB as the help spells them (either case is accepted)."""
    return [CompletionItem(d) for d in DIRECTIONS if d.startswith(incomplete.upper())]


def complete_folder(ctx: click.Context, param: click.Parameter, incomplete: str
                    ) -> list[CompletionItem]:
    """Let the shell complete a folder name."""
    return [CompletionItem(incomplete, type="dir")]


def split_variable_options(args: list[str], known: dict[str, object],
                           unchosen: list[tuple[str, str, tuple[str, ...]]] | None = None
                           ) -> tuple[list[str], list[tuple[str, str]]]:
    """Separate ``--NAME VALUE`` / ``--NAME=VALUE`` variable options from the tool's own.

    A value may start with '-' (``--y -2``). Words that are not options, and everything after
    ``--``, are positional (so an expression may start with '-'). A plain word after an
    option whose value is optional, and not one of its choices (``--explain bogus``), is
    positional too, and noted in ``unchosen`` for a better message if it proves one too many.
    """
    options: list[str] = []
    positional: list[str] = []
    variables: list[tuple[str, str]] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            positional.extend(args[i:])
            break
        head = arg.split("=", 1)[0]
        opt = head if head in known else _short_option(arg, known)
        if opt is not None:
            options.append(arg)
            takes = known[opt]
            if takes is True and arg == opt and i >= len(args):
                raise InputError(say("cli.needs_value", option=opt))
            if takes and arg == opt and i < len(args):
                if takes is True:
                    options.append(args[i])  # the option's value, even if it starts with '-'
                    i += 1
                elif isinstance(takes, tuple) and args[i] in takes:  # an optional value
                    options[-1] = f"{opt}={args[i]}"
                    i += 1
                elif unchosen is not None and isinstance(takes, tuple) and args[i].isalpha():
                    unchosen.append((opt, args[i], takes))
        elif arg.startswith("--") and len(arg) > 2:
            name = head[2:]
            if not is_name(name):
                raise InputError(say("cli.no_such_option", option=shorten(head),
                                     hint=option_hint(name, known)))
            if "=" in arg:
                variables.append((name, arg.split("=", 1)[1]))
            elif i < len(args):
                variables.append((name, args[i]))
                i += 1
            else:
                raise InputError(mistyped_option([(name, "")], positional, known)
                                 or say("cli.variable_needs_value", option=shorten(arg)))
        else:
            positional.append(arg)
    return options + ["--"] + positional, variables


def option_hint(name: str, known: Iterable[str]) -> str:
    """`` (did you mean --json?)`` when ``--name`` looks like a typo of a long option."""
    close = close_match(name, [opt[2:] for opt in known if opt.startswith("--")])
    return "" if close is None else say("cli.did_you_mean", option=close)


def mistyped_option(variables: Iterable[tuple[str, str]], positional: list[str],
                    known: Iterable[str]) -> str | None:
    """The error for the first ``--NAME`` that looks like a typo of an option and is no
    word of the expression typed (``--jsn``: no such option --jsn (did you mean --json?)),
    or None. With the program in a file it cannot tell yet: the run's check of the
    variables does."""
    expression = positional[0] if positional else None
    if expression is not None and (expression == "-" or expression.startswith("@")):
        return None
    words = set(re.findall(r"\w+", expression or ""))
    for name, _ in variables:
        hint = "" if name in words else option_hint(name, known)
        if hint:
            return say("cli.no_such_option_dash", option=shorten(name), hint=hint)
    return None


def _short_option(arg: str, known: dict[str, object]) -> str | None:
    """The first short option of a cluster such as ``-q`` or ``-ofile.svg``, or None when
    ``arg`` is not one (``-x*y`` is an expression)."""
    if arg.startswith("--") or arg[:2] not in known:
        return None
    first = arg[:2]
    if known[first] is True or all(known.get(f"-{ch}") is False for ch in arg[2:]):
        return first
    return None


HELP = f"""Show backpropagation on EXPRESSION: its computation graph, the forward pass (the value
of every node) and the reverse pass (the gradient of the output with respect to every node).

EXPRESSION may be a program: statements separated by ';' or newlines, each NAME = expr or
NAME += expr (-= *= /=), optionally ending in a bare expression; its output is the last
statement. Read it from a file with -f FILE or @FILE, or from stdin with '-'.

Give every variable a value with --NAME VALUE (or --var NAME=VALUE for names that clash with
the options below), or from a JSON file with --values. Prints a table by default; --json
prints JSON; -o writes a CS231n-style circuit diagram (.svg .png .pdf .dot .gv), a
step-by-step lesson (.html stepper, .gif) or the JSON; --steps DIR writes the lesson's frames.

\b
Grammar: numbers (2, 0.5, 1e-3), + - * / ** ^ (power), unary minus, parentheses,
{grammar_help()}
Every other name is a variable. In files, '#' starts a comment.

\b
Examples:
  backpropviz "(x+y)*z" --x -2 --y 5 --z -4
  backpropviz "1/(1+exp(-(w0*x0+w1*x1+w2)))" --w0 2 --x0 -1 --w1 -3 \\
      --x1 -2 --w2 -3 -o sigmoid.svg
  backpropviz "q = x + y; f = q * z" --x -2 --y 5 --z -4 -o staged.png
  backpropviz -f model.bp --values vals.json --output loss
  backpropviz "(x+y)*z" --x 3 --y -2 --z -4 --explain --check
  backpropviz "(x+y)*z" --x 3 --y -2 --z -4 -o lesson.html --theme dark
  backpropviz "sigmoid(w*x + b)" --w 2 --x -1 --b 1 --expand --steps frames/
  backpropviz "(x+y)*z" --x 3 --y -2 --z -4 --json | jq .gradients
  backpropviz "x*json" --x 2 --var json=3

\b
Exit status: 0 ok, 1 --check found a gradient that disagrees,
2 bad input or output (the message says what and where), 130 interrupted,
70 a bug in backpropviz (please report it with the command).
"""


@click.command(cls=TraceCommand, help=HELP, no_args_is_help=True,
               context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 96})
@click.argument("expression", required=False)
@click.option("-f", "--file", "program_file", metavar="FILE",
              shell_complete=complete_path,
              help="Read the expression or program from FILE ('-' for stdin).")
@click.option("--var", "var_items", multiple=True, metavar="NAME=VALUE",
              help="A variable's value; repeatable. For names such as 'json' or 'var'.")
@click.option("--values", "values_file", metavar="FILE",
              shell_complete=complete_path,
              help="Variable values from a JSON object {name: number} in FILE ('-' for stdin). "
                   "Values on the command line win; names the program does not use are "
                   "skipped with a warning.")
@click.option("--output", "output_name", metavar="NAME",
              help="Differentiate this assigned name instead of the last statement.")
@click.option("-o", "--out", "outputs", multiple=True, metavar="PATH",
              shell_complete=complete_path,
              help="Write the diagram (.svg .png .pdf .dot .gv), the lesson (.html .gif) or "
                   "the JSON (.json) to PATH; repeatable. '-' writes to stdout, in the "
                   "--format given.")
@click.option("--format", "output_format", type=click.Choice(STREAM_FORMATS),
              help="The format of -o - (stdout), which prints it instead of the table "
                   "(binary for png): e.g. -o - --format svg | rsvg-convert ...")
@click.option("--engine", "engine_choice", type=click.Choice(ENGINES),
              default="auto", show_default=True,
              help="Which Graphviz draws .svg/.png/.pdf: the system 'dot', the embedded "
                   "graphviz-pure installed with backpropviz (SVG and PNG), or auto: dot "
                   "when it is on PATH, else embedded.")
@click.option("--steps", "steps_dir", metavar="DIR",
              shell_complete=complete_folder,
              help="Write the lesson as numbered frames into DIR: the forward pass gate by "
                   "gate, then the gradients from the output back, each with its chain-rule "
                   "product as a caption.")
@click.option("--steps-format", type=click.Choice(["svg", "png"]), default="svg",
              show_default=True, help="The format of the --steps frames.")
@click.option("--frame-ms", type=WholeRange(20, 60_000), default=FRAME_MS, show_default=True,
              metavar="MS", help="How long each frame of a .gif shows.")
@click.option("--theme", type=click.Choice(THEME_NAMES, case_sensitive=False), default="classic",
              show_default=True,
              help="; ".join(f"{name}: {about}" for name, about in THEME_ABOUT.items()) + ".")
@click.option("--direction", type=click.Choice(DIRECTIONS, case_sensitive=False), default="LR",
              shell_complete=complete_direction,
              metavar="[LR|TB]", show_default=True, help="Inputs on the left (LR) or at the top (TB).")
@click.option("--font", metavar="NAME", default="Helvetica", show_default=True,
              callback=font_family, help="The diagram's font family: letters, digits, "
                                         "spaces, '-' and ',' (e.g. 'DejaVu Sans, Arial').")
@click.option("--scale", type=FiniteRange(0.25, 8), default=1.0, show_default=True,
              metavar="FACTOR", help="Multiply the resolution of .png, .gif and PNG frames "
                                     "(1 = 150 dpi).")
@click.option("--transparent", is_flag=True,
              help="A transparent background for .svg, .png and frames.")
@click.option("--title", metavar="TEXT", callback=printable_text,
              help="A title over the diagram.")
@click.option("--plain-names", is_flag=True,
              help="Draw names as typed (w0, theta) instead of w with subscript 0 and θ.")
@click.option("--expand", "expand_gates", is_flag=True,
              help="Draw sigmoid and tanh as their primitive gates (sigmoid: *-1, exp, +1, "
                   "1/x) instead of one gate each.")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON on stdout (and nothing else there) instead of the table.")
@click.option("--precision", type=WholeRange(0, 15), default=None, metavar="N",
              help="Decimals shown (default: 4 in the table, 2 in diagrams as in CS231n).")
@click.option("--explain", type=click.Choice(EXPLAIN_PASSES), default=None,
              is_flag=False, flag_value="backward", metavar="[forward|backward|both]",
              help="Explain the passes step by step: every chain-rule product of the reverse "
                   "pass (default), the forward pass, or both.")
@click.option("--check", "check", is_flag=True,
              help="Recompute every gradient with sympy and with finite differences; "
                   "exit 1 if any disagrees (kinks excepted).")
@click.option("--exact", is_flag=True,
              help="Also compute every value and gradient exactly with sympy "
                   "(fractions stay fractions, exp(-1) stays exp(-1)).")
@click.option("--max-size", type=WholeRange(1), default=MAX_SIZE, show_default=True,
              metavar="CHARS", help="Refuse programs (typed, a file or stdin) and --values "
                                    "files longer than this; checked while reading.")
@click.option("--max-draw", type=WholeRange(1), default=MAX_DRAW, show_default=True,
              metavar="NODES", help="Refuse to draw .svg/.png/.pdf of graphs bigger than "
                                    "this (Graphviz slows down sharply); .dot and .json "
                                    "have no limit.")
@click.option("--max-frames", type=WholeRange(1), default=MAX_FRAMES, show_default=True,
              metavar="N", help="Refuse lessons (--steps, .html, .gif) of more frames than "
                                "this (a graph of G gates has 2G+1).")
@click.option("--timeout", type=FiniteRange(0, 1e6), default=DEFAULT_TIMEOUT,
              show_default=True, metavar="SECONDS",
              help="Stop the run after this many seconds (0: never), naming the phase and "
                   "the node it was at; nothing is written. --check, --exact and the "
                   "lesson's frames are the work that can take long.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print no table, no warnings, no 'wrote' messages and no progress bar (shown "
                   "on a terminal when a run takes over a second).")
@click.option("--lang", type=click.Choice(LANGS), default=None,
              help="The language of the table, --check, messages, the lesson's controls and "
                   "this help: en or zh (default: from LC_ALL, LC_MESSAGES or LANG, else en). "
                   "--json is the same in every language.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour the table and --explain: auto is on a "
                                      "terminal unless NO_COLOR is set (FORCE_COLOR forces it).")
@click.version_option(__version__, "-V", "--version", prog_name="backpropviz")
@click.pass_context
def cli(ctx: click.Context, /, **params: Any) -> int:
    options = Options.from_params(params, ctx.meta["backpropviz.variables"])
    try:
        report = run(options)
    except ExpressionSyntaxError as exc:
        source = program_source(options)
        if source is None:  # typed on the command line
            raise InputError(f"{exc}\n{exc.caret()}") from None
        raise InputError(f"{source}: {exc.describe(True)}\n{exc.caret()}") from None
    except ValuesError as exc:  # maybe --NAME is no variable but a mistyped option
        given = [(name, text) for name, text in options.variables if name == exc.name]
        raise InputError(mistyped_option(given, [], ctx.meta["backpropviz.options"])
                         or error_text(exc)) from None
    except BackpropvizError as exc:
        raise InputError(error_text(exc)) from None
    if not options.quiet:
        for message in report.warnings:
            click.echo(say("cli.warning", message=localize(message)), err=True)
        nonfinite = nonfinite_warning(report.graph)
        if nonfinite is not None:
            click.echo(say("cli.warning", message=localize(nonfinite)), err=True)
    try:
        _print_results(report, options)
    except OSError as exc:  # stdout closed, full or gone (a closed pipe ends on SIGPIPE)
        raise InputError(say("cli.stdout_failed", error=exc.strerror or exc)) from None
    if not options.quiet:
        _print_written(report, options)
    if not report.ok:
        if options.as_json or options.quiet or STDOUT in options.outputs:  # (no table)
            click.echo(say("cli.check_failed"), err=True)
        ctx.exit(EXIT_CHECK_FAILED)  # (a return value is ignored in click's standalone mode)
    return EXIT_OK


def _print_results(report: Report, options: Options) -> None:
    """Print the JSON, or the table with the --explain steps and the --check report."""
    graph = report.graph
    streamed = [output for output in report.outputs if output.path == STDOUT]
    if streamed:
        _write_bytes(streamed[0].rendered.chunks())
    elif options.as_json:
        from .render.json_doc import iter_json

        _write_utf8(iter_json(graph, decimals=options.decimals, steps=report.steps,
                              names=report.names, check=report.check, exact=report.exact))
    elif not options.quiet:
        from .render.table import TABLE_DECIMALS, render_check, render_table

        table_decimals = TABLE_DECIMALS if options.precision is None else options.precision
        color = options.use_color
        render_table(graph, decimals=table_decimals, exact=report.exact, color=color)
        if report.steps is not None and report.names is not None:
            from .render.explain import render_explain

            click.echo()
            render_explain(graph, report.steps, report.names, options.decimals, color=color)
        if report.check is not None:
            click.echo()
            render_check(report.check, decimals=table_decimals, color=color)
        sys.stdout.flush()  # so that a full disk is reported here, not at exit


def _print_written(report: Report, options: Options) -> None:
    """Say on stderr what was written, by which engine, with the notes about it."""
    for output in report.outputs:
        how = f" ({output.engine})" if output.engine else ""
        where = (say("cli.to_stdout", format=output.format) if output.path == STDOUT
                 else output.path)
        click.echo(say("cli.wrote", where=where, how=how), err=True)
        for note in output.rendered.notes:
            click.echo(say("cli.note", note=localize(note)), err=True)
    if options.steps_dir is not None:
        how = f" ({report.engine})" if report.engine else ""
        click.echo(say("cli.wrote_frames", count=len(report.frames), folder=options.steps_dir,
                       how=how), err=True)
        for note in dict.fromkeys(n for _, r in report.frames for n in r.notes):
            click.echo(say("cli.note", note=localize(note)), err=True)


def _write_bytes(chunks: Iterable[bytes]) -> None:
    """Write an output to stdout as it is (a PNG's bytes too), a chunk at a time (a big
    .json or .dot is never whole in memory, as with -o FILE)."""
    stdout = sys.stdout
    binary = getattr(stdout, "buffer", None)
    stdout.flush()
    for data in chunks:
        if binary is None:  # a text-only stream (a test's StringIO): only text can go there
            stdout.write(data.decode("utf-8", errors="backslashreplace"))
        else:
            binary.write(data)
    if binary is not None:
        binary.flush()


def _write_utf8(pieces: Iterable[str]) -> None:
    """Write JSON to stdout as UTF-8 (RFC 8259), whatever the locale's encoding, and as is
    (click.echo would scan every piece for colour codes; JSON has none)."""
    stdout = sys.stdout
    binary = getattr(stdout, "buffer", None)
    if binary is None:  # a text-only stream (a test's StringIO)
        stdout.writelines(pieces)
        stdout.flush()
        return
    stdout.flush()
    for piece in pieces:
        binary.write(piece.encode("utf-8"))
    binary.flush()


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point: run the command; an interrupt exits 130, a closed pipe
    ends the process quietly as other Unix tools do, and a bug is one line, never a
    traceback."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `backpropviz ... | head` just stops
    # The graph holds no reference cycles: the cyclic garbage collector would only rescan
    # every node again and again (a third of the time of parsing and building a
    # 100,000-node graph).
    collecting = gc.isenabled()
    gc.disable()
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:  # started with it closed (`>&-`)
            setattr(sys, name, ClosedStream(name))
        elif isinstance(stream, io.TextIOWrapper):  # (θ on an ASCII terminal: \u03b8)
            stream.reconfigure(errors="backslashreplace")
    try:
        code = _run(argv)
    finally:
        if collecting:
            gc.enable()
    _settle_stdout()
    sys.exit(code)


class ClosedStream(io.TextIOBase):
    """Stands in for a stream the command was started without: writing to it fails as
    writing to a closed descriptor does, so the error is reported, not a crash."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, f"{self.name} is closed")


def _settle_stdout() -> None:
    """Flush stdout; if it cannot take the rest (a full disk), drop the rest, since the
    interpreter's own flush at exit would fail again with a traceback and status 120."""
    try:
        sys.stdout.flush()
    except OSError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass


def _say(message: str) -> None:
    """A message on stderr; nothing when stderr itself is closed or full (the exit status
    still tells)."""
    try:
        click.echo(message, err=True)
    except OSError:
        pass


def _run(argv: list[str] | None) -> int:
    """The command's exit status, with every way it can end mapped to one."""
    with using(chosen_lang(sys.argv[1:] if argv is None else argv)):
        return _run_in_language(argv)


def _run_in_language(argv: list[str] | None) -> int:
    """:func:`_run` in the language chosen."""
    try:
        rc = cli.main(args=argv, prog_name="backpropviz", standalone_mode=False)
    except click.ClickException as exc:
        try:
            exc.show()
        except OSError:
            pass  # stderr is closed or full: the exit status still tells
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        _say(say("cli.interrupted"))
        return EXIT_INTERRUPTED
    except RecursionError:
        _say(say("cli.too_deep"))
        return EXIT_USAGE
    except MemoryError:
        _say(say("cli.out_of_memory"))
        return EXIT_USAGE
    except OSError as exc:  # writing to stdout or stderr failed (files have their own errors)
        _say(say("cli.output_failed", error=exc.strerror or exc))
        return EXIT_USAGE
    except Exception as exc:  # a bug: say so in one line
        _say(say("cli.internal", error=f"{type(exc).__name__}: {shorten(str(exc), 200)}"))
        return EXIT_INTERNAL
    return rc if isinstance(rc, int) else EXIT_OK
