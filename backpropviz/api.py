"""What :class:`~backpropviz.graph.Graph`'s methods do for a notebook user: save, JSON,
table, explain, check, DOT and the lesson, each the same as the command's option.

The model (``graph.py``) may import no renderer, so ``Graph.save`` and its kin call this
module through the one hook ``Graph.front``, which the package's ``__init__`` sets. Each
function turns its keywords into :class:`~backpropviz.run.Options` (checked as the command
line checks them) and runs the command's own steps on the evaluated graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .budget import DEFAULT_TIMEOUT
from .choices import COLLAPSE, DIRECTIONS, ENGINES, EXPLAIN_PASSES, SLIDES
from .errors import BackpropvizError, did_you_mean
from .graph import Graph
from .lang import LANGS, using
from .run import STDOUT, THEME_NAMES, Options, Report, add_passes, write_graph

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from .check import CheckReport, GradientCheck
    from .render.table import TableView

__all__ = ["save", "render", "to_dict", "to_json", "table", "explain", "check", "to_dot",
           "lesson", "notebook_svg", "Lesson", "CheckResult"]

#: Keyword -> (the Options field, the values allowed or (low, high), as the option says).
LOOKS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "theme": ("theme", THEME_NAMES),
    "engine": ("engine_choice", ENGINES),
    "direction": ("direction", DIRECTIONS),
    "slide": ("slide", tuple(SLIDES)),
    "collapse": ("collapse", COLLAPSE),
    "precision": ("precision", (0, 15)),
    "scale": ("scale", (0.25, 8.0)),
    "frame_ms": ("frame_ms", (20, 60_000)),
    "font": ("font", ()), "title": ("title", ()),
    "transparent": ("transparent", ()), "plain_names": ("plain_names", ()),
    "no_wrap": ("no_wrap", ()),
    "explain": ("explain", EXPLAIN_PASSES),
    "check": ("check", ()), "exact": ("exact", ()),
    "max_draw": ("max_draw", (1, 10**12)), "max_frames": ("max_frames", (1, 10**12)),
    "timeout": ("timeout", (0.0, 10.0**7)),  # seconds; 0 or None: no limit
    "lang": ("lang", LANGS),  # the lesson's words; None: the locale's
}


def options(looks: dict[str, Any], **fixed: Any) -> Options:
    """Options from a method's keywords (``theme="dark"``), checked as the command line
    checks them: an unknown keyword is a TypeError, a bad value a ValueError."""
    given = dict(fixed)
    for key, value in looks.items():
        if key not in LOOKS:
            raise TypeError(f"unknown keyword {key}={value!r}"
                            f"{did_you_mean(key, LOOKS)} (keywords: {', '.join(LOOKS)})")
        field, allowed = LOOKS[key]
        if key == "precision" and value == "auto":
            value = None  # (as --precision auto: the diagrams' own choice)
        given[field] = _checked(key, value, allowed)
    return Options(**given)


def _checked(key: str, value: Any, allowed: tuple[Any, ...]) -> Any:
    """``value`` if ``allowed`` (one of the choices, or within (low, high)), else a ValueError."""
    if value is None or not allowed:
        return value
    if isinstance(allowed[0], str):
        if value not in allowed:
            raise ValueError(f"{key} must be one of {', '.join(allowed)}, not {value!r}")
        return value
    low, high = allowed
    whole = isinstance(low, int)  # (precision, frame_ms, max_draw: whole numbers only)
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
        kind = "a whole number" if whole else "a number"
        raise ValueError(f"{key} must be {kind} from {low:g} to {high:g}, not {value!r}")
    return value


def save(graph: Graph, path: str, **looks: Any) -> None:
    """Write ``path`` as ``-o path`` does (.svg .png .pdf .dot .gv .json .html .gif)."""
    settings = options(looks, outputs=(str(path),))
    with using(settings.lang):
        write_graph(graph, settings)


def render(graph: Graph, fmt: str, **looks: Any) -> bytes:
    """The bytes ``-o - --format fmt`` writes (svg, png, dot, json, html)."""
    settings = options(looks, outputs=(STDOUT,), output_format=fmt)
    with using(settings.lang):
        report = write_graph(graph, settings)
    return report.outputs[0].rendered.data


def to_json(graph: Graph, **looks: Any) -> str:
    """The document ``--json`` prints (with ``explain=``, ``check=True``, ``exact=True``
    its extra parts)."""
    return render(graph, "json", **looks).decode("utf-8")


def to_dict(graph: Graph, **looks: Any) -> dict[str, Any]:
    """:func:`to_json`'s document, parsed."""
    import json  # (here, as html and io below: not on the command's start-up)

    document: dict[str, Any] = json.loads(to_json(graph, **looks))
    return document


def to_dot(graph: Graph, **looks: Any) -> str:
    """The Graphviz DOT source of the diagram (``-o f.dot``)."""
    return render(graph, "dot", **looks).decode("utf-8")


def table(graph: Graph, precision: int | None = None, exact: bool = False,
          timeout: float | None = DEFAULT_TIMEOUT, lang: str | None = None) -> TableView:
    """The command's table: ``print()`` gives plain text, rich fits it to the console;
    ``lang`` (en, zh; None: the locale's) is the language of its headers and footer."""
    from .render.table import TABLE_DECIMALS, node_table

    settings = options({"precision": precision, "exact": exact, "timeout": timeout,
                        "lang": lang})
    report = add_passes(Report(graph), settings)
    with using(settings.lang):
        return node_table(graph, TABLE_DECIMALS if precision is None else precision,
                          report.exact)


def explain(graph: Graph, passes: str = "backward", precision: int | None = None,
            timeout: float | None = DEFAULT_TIMEOUT, lang: str | None = None) -> str:
    """The text ``--explain passes`` prints: the steps of the forward and/or reverse pass."""
    from .render.explain import render_explain

    settings = options({"explain": passes, "precision": precision, "timeout": timeout,
                        "lang": lang})
    with using(settings.lang):
        report = add_passes(Report(graph), settings)
        if report.explanation is not None:  # (a program on arrays)
            return "\n".join(report.explanation)
        import io

        out = io.StringIO()
        render_explain(graph, report.steps or [], report.names or [], settings.decimals, out,
                       color=False)
    return out.getvalue().rstrip("\n")  # (print() adds the last newline)


class CheckResult:
    """``--check``'s report: ``ok``, ``checks`` (one per variable: ``name``, ``backprop``,
    ``symbolic``, ``finite_difference``, ``status``), ``kinks`` and ``notes``; ``print()``
    shows it as the command does, in ``lang`` (None: the locale's)."""

    def __init__(self, report: CheckReport, lang: str | None = None) -> None:
        self.report = report
        self.lang = lang

    @property
    def ok(self) -> bool:
        """True unless some gradient disagrees away from a kink."""
        return self.report.ok

    @property
    def checks(self) -> list[GradientCheck]:
        return self.report.checks

    @property
    def kinks(self) -> list[str]:
        return self.report.kinks

    @property
    def notes(self) -> list[str]:
        return self.report.notes

    def __repr__(self) -> str:
        return f"<CheckResult ok={self.ok}: {len(self.checks)} gradients checked>"

    def __str__(self) -> str:
        from .render.table import check_table

        with using(self.lang):
            return str(check_table(self.report))

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython and Jupyter show the report itself."""
        printer.text(str(self))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from .render.table import check_table

        with using(self.lang):
            view = check_table(self.report)
        yield view


def check(graph: Graph, timeout: float | None = DEFAULT_TIMEOUT,
          lang: str | None = None) -> CheckResult:
    """Every gradient recomputed by sympy and by finite differences (never exits)."""
    settings = options({"check": True, "timeout": timeout, "lang": lang})
    report = add_passes(Report(graph), settings).check
    assert report is not None
    return CheckResult(report, settings.lang)


class Lesson:
    """The step-by-step lesson as one HTML page: Jupyter shows it (``_repr_html_``);
    ``html`` is the page, ``save(path)`` writes it."""

    def __init__(self, page: str) -> None:
        self.html = page

    def _repr_html_(self) -> str:
        """The page in an iframe, so its script and ids stay its own."""
        import html

        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" title="backpropviz '
                'lesson" style="width:100%;height:560px;border:0"></iframe>')

    def save(self, path: str) -> None:
        """Write the page to ``path``."""
        from .files import write_atomic

        write_atomic(str(path), self.html.encode("utf-8"))


def lesson(graph: Graph, **looks: Any) -> Lesson:
    """The lesson ``-o lesson.html`` writes, for Jupyter."""
    return Lesson(render(graph, "html", **looks).decode("utf-8"))


def notebook_svg(graph: Graph) -> str | None:
    """The diagram Jupyter shows; None when no Graphviz can draw it."""
    try:
        return render(graph, "svg").decode("utf-8")
    except BackpropvizError:
        return None
