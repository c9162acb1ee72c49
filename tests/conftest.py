"""Shared test machinery: the ``needs_dot`` marker and its kin, and running the CLI
in-process or as a real ``python -m backpropviz`` process.

Tests marked ``@pytest.mark.needs_dot`` render through Graphviz's ``dot``. Without it they
are skipped, unless ``BACKPROPVIZ_REQUIRE_DOT=1`` is set (CI sets it): then they fail, so
nothing is skipped silently there. ``needs_embedded`` (graphviz-pure) and ``needs_chromium``
(Debian's ``chromium`` on PATH and Playwright, from the ``browser`` extra;
``BACKPROPVIZ_REQUIRE_CHROMIUM=1``) work alike, and so does ``needs_cjk_font`` (a font with
Chinese glyphs for fontconfig; ``BACKPROPVIZ_REQUIRE_CJK_FONT=1``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner, Result

import backpropviz
from backpropviz.cli import cli

#: The folder holding the ``backpropviz`` package (the repository root in a checkout).
PACKAGE_ROOT = Path(backpropviz.__file__).resolve().parent.parent

#: Environment variables that would make rich emit colour or terminal codes on a pipe.
COLOR_ENV = ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE")

# The tests pin English output: a Chinese locale (which picks --lang zh) is set to C.UTF-8
# here, for this process and its children; tests of the other language ask for it.
for _variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
    if os.environ.get(_variable, "").lower().startswith("zh"):
        os.environ[_variable] = "C.UTF-8"

REQUIRE_DOT_ENV = "BACKPROPVIZ_REQUIRE_DOT"


REQUIRE_EMBEDDED_ENV = "BACKPROPVIZ_REQUIRE_EMBEDDED"

REQUIRE_CHROMIUM_ENV = "BACKPROPVIZ_REQUIRE_CHROMIUM"

REQUIRE_CJK_FONT_ENV = "BACKPROPVIZ_REQUIRE_CJK_FONT"


def cjk_font_files() -> list[str]:
    """The font files fontconfig knows for Chinese (none without fc-list)."""
    if shutil.which("fc-list") is None:
        return []
    listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True)
    return sorted({line.split(":")[0] for line in listed.stdout.splitlines() if line.strip()})


def load_script(path: Path, name: str) -> Any:
    """A script of the checkout (scripts/, benchmarks/) as a module named ``name``,
    registered in ``sys.modules`` (dataclasses look their module up there)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a test whose Graphviz engine (or browser) is missing, or fail it where CI
    requires it."""
    if item.get_closest_marker("needs_dot") is not None and shutil.which("dot") is None:
        _missing(REQUIRE_DOT_ENV, "Graphviz's 'dot' is not on PATH",
                 "install Graphviz, e.g. apt install graphviz")
    if item.get_closest_marker("needs_embedded") is not None:
        from backpropviz.render.engines import embedded_executable

        if embedded_executable() is None:
            _missing(REQUIRE_EMBEDDED_ENV, "the embedded graphviz-pure is not installed",
                     "pip install graphviz-pure")
    if item.get_closest_marker("needs_chromium") is not None:
        if shutil.which("chromium") is None:
            _missing(REQUIRE_CHROMIUM_ENV, "Debian's 'chromium' is not on PATH",
                     "apt install chromium")
        if importlib.util.find_spec("playwright") is None:
            _missing(REQUIRE_CHROMIUM_ENV, "Playwright for Python is not installed",
                     "pip install '.[browser]'")
    if item.get_closest_marker("needs_cjk_font") is not None and not cjk_font_files():
        _missing(REQUIRE_CJK_FONT_ENV, "no font with Chinese glyphs is installed",
                 "apt install fonts-wqy-zenhei")


def _missing(require_env: str, what: str, fix: str) -> None:
    if os.environ.get(require_env) == "1":
        pytest.fail(f"{what} but {require_env}=1 requires it ({fix})", pytrace=False)
    pytest.skip(f"{what} ({fix}); set {require_env}=1 to make this a failure")


def _runner() -> CliRunner:
    """A runner that keeps stderr apart from stdout (click >= 8.2 always does)."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click 8.1
    except TypeError:
        return CliRunner()


RunCli = Callable[..., Result]


@pytest.fixture
def run() -> RunCli:
    """``run(*args, env=None, input=None)``: the CLI in-process; returns click's ``Result``
    (``exit_code``, ``stdout``, ``stderr``; ``output`` is both mixed).

    An exception other than the exit the CLI asks for is re-raised, so a crash shows its
    traceback instead of passing for an exit status.
    """

    def invoke(*args: str, env: dict[str, str | None] | None = None,
               input: str | None = None) -> Result:
        runner = _runner()
        full_env: dict[str, str | None] = {name: None for name in COLOR_ENV}
        full_env.update(env or {})
        result = runner.invoke(cli, list(args), env=full_env, input=input,
                               prog_name="backpropviz", catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return invoke


def process_env(**overrides: str | None) -> dict[str, str]:
    """The environment for a ``python -m backpropviz`` child: this one, the package importable,
    no colour forcing, then ``overrides`` (None removes a variable)."""
    env = {k: v for k, v in os.environ.items() if k not in COLOR_ENV}
    env["PYTHONPATH"] = os.pathsep.join(
        [str(PACKAGE_ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@pytest.fixture
def child_env() -> Callable[..., dict[str, str]]:
    """:func:`process_env`, for tests that start ``python -m backpropviz`` themselves."""
    return process_env


RunProcess = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture
def run_process() -> RunProcess:
    """``run_process(*args, env=None, cwd=None)``: ``python -m backpropviz ARGS`` as a real
    process with stdout and stderr captured as text."""

    def run_it(*args: str, env: dict[str, str | None] | None = None,
               cwd: str | os.PathLike[str] | None = None
               ) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "backpropviz", *args],
                              capture_output=True, text=True, encoding="utf-8",
                              env=process_env(**(env or {})), cwd=cwd, timeout=120)

    return run_it



@pytest.fixture(scope="session")
def validator():
    """A validator for the JSON Schema the package ships."""
    import json
    from importlib import resources

    import jsonschema

    source = resources.files("backpropviz").joinpath("schema", "backpropviz-1.schema.json")
    schema = json.loads(source.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def one_line_error(err: str) -> str:
    """The message of a one-line ``Error: ...`` (and no traceback) on stderr."""
    assert err.startswith("Error: "), err[:300]
    assert "Traceback" not in err
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 1, err[:500]
    return lines[0]
