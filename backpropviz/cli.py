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
from typing import TYPE_CHECKING, Any, Iterable

import click

from . import __version__
from .choices import COLLAPSE, DIRECTIONS, ENGINES, EXPLAIN_PASSES, FRAME_MS, SLIDES
from .budget import DEFAULT_TIMEOUT
from .errors import BackpropvizError, ExpressionSyntaxError, ValuesError, close_match, shorten
from .graph import MAX_DRAW
from .lang import LANGS, Message, current, localize, os_reason, say, using, wrap
from .run import (MAX_FRAMES, MAX_SIZE, STDOUT, STREAM_FORMATS, THEME_NAMES, Options, Report,
                  nonfinite_warning, program_source, run)
from .ops import grammar_help
from .names import is_name

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

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
    words, chosen = list(args), None
    for i, word in enumerate(words):  # (the last --lang wins, as for every option)
        if word == "--":
            break
        if word.startswith("--lang="):
            value = word[len("--lang="):]
            chosen = value if value in LANGS else None
        elif word == "--lang" and i + 1 < len(words):
            chosen = words[i + 1] if words[i + 1] in LANGS else None
    return chosen


class WholeRange(click.IntRange):
    """An integer range whose error reads "'1e3' is not a valid whole number" (click's
    says "integer range", which is not what was wrong)."""

    name = "whole number"


class Precision(WholeRange):
    """--precision: a number of decimals, or ``auto`` (None: the diagrams' own choice)."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.strip().lower() == "auto":
            return None
        return super().convert(value, param, ctx)


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
        """click's main, with everything said in the language ``--lang`` or the locale asks
        for (``--help`` and errors too, which click makes before the options are read)."""
        if args is not None:
            args = list(args)  # (read twice: here and by click)
        with using(chosen_lang(sys.argv[1:] if args is None else args)):
            return super().main(args, *rest, **settings)

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
            raise InputError(say("cli.see_help", message=localize(exc.format_message()))
                             ) from None

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The help in the language in use: the command's text and every option's from
        the message catalogue (English: as the decorators say)."""
        if current() == "en":  # (the text is made here, not at every start-up)
            self.help = say("help.command", "en", grammar=grammar_help())
            return super().format_help(ctx, formatter)
        params = [p for p in self.get_params(ctx) if isinstance(p, click.Option)]
        kept = self.help, [p.help for p in params]
        width = max(formatter.width - 2, 20)
        self.help = _prewrapped(say("help.command", grammar=grammar_help()), width)
        helper = self.get_help_option(ctx)
        for param in params:
            name = "help" if param is helper else param.name or ""
            param.help = _prewrapped(option_help(name), max(width - 32, 10))
        try:
            super().format_help(ctx, formatter)
        finally:
            self.help = kept[0]
            for param, text in zip(params, kept[1]):
                param.help = text

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's usage line, its "Usage: " in the language in use."""
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                              say("help.usage"))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's list of options, its heading in the language in use."""
        rows = [row for p in self.get_params(ctx)
                if not isinstance(p, click.Argument)
                and (row := p.get_help_record(ctx)) is not None]
        if rows:  # (click's section heading ends in ":"; the catalogue says its own)
            formatter.write_paragraph()
            formatter.write_text(say("help.options_heading"))
            formatter.indent()
            try:
                formatter.write_dl(rows)
            finally:
                formatter.dedent()

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        """Option names, and ``--NAME`` for each variable of the expression typed so far."""
        items = super().shell_complete(ctx, incomplete)
        given = {name for name, _ in ctx.meta.get("backpropviz.variables", [])}
        if incomplete.startswith("--") or incomplete == "":
            items += [_item(f"--{name}", help="a variable of the expression")
                      for name in expression_variables(ctx.params.get("expression"))
                      if f"--{name}".startswith(incomplete) and name not in given]
        return items


def theme_list(lang: str | None = None) -> str:
    """Every theme with what it looks like, for --theme's help."""
    return "; ".join(f"{name}: {say(f'theme.{name}', lang)}" for name in THEME_NAMES)


def option_help(name: str) -> str:
    """An option's help in the language in use."""
    if name == "theme":
        return say("help.theme", themes=theme_list())
    return say(f"help.{name}")


def _prewrapped(text: str, width: int) -> str:
    """``text`` wrapped at ``width`` terminal columns with each paragraph marked for click
    to keep as it is (click wraps at spaces and counts a Chinese character as one column;
    it takes two and has no spaces between)."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        if paragraph.startswith("\b\n"):
            paragraphs.append(paragraph)
        else:
            paragraphs.append("\b\n" + "\n".join(wrap(" ".join(paragraph.split("\n")), width)))
    return "\n\n".join(paragraphs)


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
    return [_item(incomplete, type="file")]


def complete_direction(ctx: click.Context, param: click.Parameter, incomplete: str
                       ) -> list[CompletionItem]:
    """LR and TB as the help spells them (either case is accepted)."""
    return [_item(d) for d in DIRECTIONS if d.startswith(incomplete.upper())]


def complete_folder(ctx: click.Context, param: click.Parameter, incomplete: str
                    ) -> list[CompletionItem]:
    """Let the shell complete a folder name."""
    return [_item(incomplete, type="dir")]


def _item(value: str, **kind: str) -> CompletionItem:
    """One completion (click's shell_completion is imported only when the shell asks)."""
    from click.shell_completion import CompletionItem

    return CompletionItem(value, **kind)


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


@click.command(cls=TraceCommand, no_args_is_help=True,
               context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 96})
@click.argument("expression", required=False)
@click.option("-f", "--file", "program_file", metavar="FILE",
              shell_complete=complete_path,
              help=say("help.program_file", "en"))
@click.option("--var", "var_items", multiple=True, metavar="NAME=VALUE",
              help=say("help.var_items", "en"))
@click.option("--values", "values_file", metavar="FILE",
              shell_complete=complete_path,
              help=say("help.values_file", "en"))
@click.option("--output", "output_name", metavar="NAME",
              help=say("help.output_name", "en"))
@click.option("-o", "--out", "outputs", multiple=True, metavar="PATH",
              shell_complete=complete_path,
              help=say("help.outputs", "en"))
@click.option("--format", "output_format", type=click.Choice(STREAM_FORMATS),
              help=say("help.output_format", "en"))
@click.option("--engine", "engine_choice", type=click.Choice(ENGINES),
              default="auto", show_default=True,
              help=say("help.engine_choice", "en"))
@click.option("--steps", "steps_dir", metavar="DIR",
              shell_complete=complete_folder,
              help=say("help.steps_dir", "en"))
@click.option("--steps-format", type=click.Choice(["svg", "png"]), default="svg",
              show_default=True, help=say("help.steps_format", "en"))
@click.option("--frame-ms", type=WholeRange(20, 60_000), default=FRAME_MS, show_default=True,
              metavar="MS", help=say("help.frame_ms", "en"))
@click.option("--theme", type=click.Choice(THEME_NAMES, case_sensitive=False), default="classic",
              show_default=True,
              help=say("help.theme", "en", themes=theme_list("en")))
@click.option("--direction", type=click.Choice(DIRECTIONS, case_sensitive=False), default="LR",
              shell_complete=complete_direction,
              metavar="[LR|TB]", show_default=True, help=say("help.direction", "en"))
@click.option("--font", metavar="NAME", default="Helvetica", show_default=True,
              callback=font_family, help=say("help.font", "en"))
@click.option("--scale", type=FiniteRange(0.25, 8), default=1.0, show_default=True,
              metavar="FACTOR", help=say("help.scale", "en"))
@click.option("--collapse", type=click.Choice(COLLAPSE), default=None, metavar="statements",
              help=say("help.collapse", "en"))
@click.option("--slide", type=click.Choice(tuple(SLIDES)), default=None, is_flag=False,
              flag_value="16:9", metavar="[16:9|4:3]", help=say("help.slide", "en"))
@click.option("--transparent", is_flag=True,
              help=say("help.transparent", "en"))
@click.option("--no-wrap", "no_wrap", is_flag=True, help=say("help.no_wrap", "en"))
@click.option("--title", metavar="TEXT", callback=printable_text,
              help=say("help.title", "en"))
@click.option("--plain-names", is_flag=True,
              help=say("help.plain_names", "en"))
@click.option("--expand", "expand_gates", is_flag=True,
              help=say("help.expand_gates", "en"))
@click.option("--json", "as_json", is_flag=True,
              help=say("help.as_json", "en"))
@click.option("--precision", type=Precision(0, 15), default=None, metavar="N|auto",
              help=say("help.precision", "en"))
@click.option("--explain", type=click.Choice(EXPLAIN_PASSES), default=None,
              is_flag=False, flag_value="backward", metavar="[forward|backward|both]",
              help=say("help.explain", "en"))
@click.option("--check", "check", is_flag=True,
              help=say("help.check", "en"))
@click.option("--exact", is_flag=True,
              help=say("help.exact", "en"))
@click.option("--max-size", type=WholeRange(1), default=MAX_SIZE, show_default=True,
              metavar="CHARS", help=say("help.max_size", "en"))
@click.option("--max-draw", type=WholeRange(1), default=MAX_DRAW, show_default=True,
              metavar="NODES", help=say("help.max_draw", "en"))
@click.option("--max-frames", type=WholeRange(1), default=MAX_FRAMES, show_default=True,
              metavar="N", help=say("help.max_frames", "en"))
@click.option("--timeout", type=FiniteRange(0, 1e6), default=DEFAULT_TIMEOUT,
              show_default=True, metavar="SECONDS",
              help=say("help.timeout", "en"))
@click.option("-q", "--quiet", is_flag=True,
              help=say("help.quiet", "en"))
@click.option("--lang", type=click.Choice(LANGS), default=None,
              help=say("help.lang", "en"))
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help=say("help.color", "en"))
@click.option("--full", is_flag=True, help=say("help.full", "en"))
@click.option("--unroll", is_flag=True, help=say("help.unroll", "en"))
@click.option("--grad-output", metavar="ones|JSON", help=say("help.grad_output", "en"))
@click.version_option(__version__, "-V", "--version", prog_name="backpropviz")
@click.pass_context
def cli(ctx: click.Context, /, **params: Any) -> int:
    options = Options.from_params(params, ctx.meta["backpropviz.variables"])
    try:
        report = run(options)
    except ExpressionSyntaxError as exc:
        source = program_source(options)
        lang, several_lines = current(), "\n" in exc.text
        if source is None:  # typed on the command line
            raise InputError(f"{exc.describe(several_lines, lang)}\n{exc.caret()}") from None
        raise InputError(say("error.at", where=localize(source), message=exc.describe(True, lang))
                         + f"\n{exc.caret()}") from None
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
        if nonfinite is not None and nonfinite not in report.warnings:
            click.echo(say("cli.warning", message=localize(nonfinite)), err=True)
    try:
        _print_results(report, options)
    except OSError as exc:  # stdout closed, full or gone (a closed pipe ends on SIGPIPE)
        raise InputError(say("cli.stdout_failed", error=localize(os_reason(exc)))) from None
    if not options.quiet:
        _print_written(report, options)
    if not report.ok:
        if options.as_json or options.quiet or STDOUT in options.outputs:  # (no table)
            click.echo(say("cli.check_failed"), err=True)
        ctx.exit(EXIT_CHECK_FAILED)  # (a return value is ignored in click's standalone mode)
    return EXIT_OK


def _english_explanation(report: Report, options: Options) -> tuple[str, ...] | None:
    """--explain's lines of a program on arrays for --json: in English whatever --lang says,
    as the rest of the document (the report has them in the reader's language)."""
    if report.explanation is None or current() == "en":
        return report.explanation
    from .run import _explain_arrays

    with using("en"):
        return _explain_arrays(report, options.explain or "backward", options.decimals,
                               options.plain_names).explanation


def _print_results(report: Report, options: Options) -> None:
    """Print the JSON, or the table with the --explain steps and the --check report."""
    graph = report.graph
    streamed = [output for output in report.outputs if output.path == STDOUT]
    if streamed:
        _write_bytes(streamed[0].rendered.chunks())
    elif options.as_json:
        from .render.json_doc import iter_json

        _write_utf8(iter_json(graph, decimals=options.decimals, steps=report.steps,
                              explanation=_english_explanation(report, options),
                              names=report.names, check=report.check, exact=report.exact))
    elif not options.quiet:
        from .render.table import TABLE_DECIMALS, render_check, render_table

        table_decimals = TABLE_DECIMALS if options.precision is None else options.precision
        color = options.use_color
        render_table(graph, decimals=table_decimals, exact=report.exact, color=color,
                     full=options.full)
        if report.explanation is not None:
            click.echo()
            click.echo("\n".join(report.explanation))
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
        how = say("cli.engine", engine=localize(output.engine)) if output.engine else ""
        where = (say("cli.to_stdout", format=output.format) if output.path == STDOUT
                 else output.path)
        click.echo(say("cli.wrote", where=where, how=how), err=True)
        for note in output.rendered.notes:
            click.echo(say("cli.note", note=localize(note)), err=True)
    if options.steps_dir is not None:
        how = say("cli.engine", engine=localize(report.engine)) if report.engine else ""
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
        _say(say("cli.output_failed", error=localize(os_reason(exc))))
        return EXIT_USAGE
    except Exception as exc:  # a bug: say so in one line
        _say(say("cli.internal", error=f"{type(exc).__name__}: {shorten(str(exc), 200)}"))
        return EXIT_INTERNAL
    return rc if isinstance(rc, int) else EXIT_OK
