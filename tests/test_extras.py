"""The test install is light (issue 16, point 9): Playwright is the ``browser`` extra, which
only CI's job 2 adds; without it the browser test skips cleanly and every other test still
runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PACKAGE_ROOT, process_env

tomllib = pytest.importorskip("tomllib")  # (Python 3.11+)

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
    "project"]["optional-dependencies"]

#: Run pytest with Playwright made unimportable (importlib finds no spec for it).
WITHOUT_PLAYWRIGHT = ("import sys; sys.modules['playwright'] = None; import pytest; "
                      "sys.exit(pytest.main(sys.argv[1:]))")


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=\[ ;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_playwright_is_the_browser_extra_not_the_test_extra():
    assert "playwright" not in names(EXTRAS["test"])
    assert names(EXTRAS["browser"]) == {"playwright", "axe-playwright-python"}
    assert {"nbclient", "ipykernel", "pytest"} <= names(EXTRAS["test"])


def test_ci_job_2_installs_the_browser_extra_and_job_1_does_not():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert '.venv/bin/pip install -q ".[test]"' in readme.split("# 2. install the test")[1]
    job1, job2 = script.split('echo "== job 2')
    assert "browser_test_cmd" not in job1.split('echo "== job 1')[1]
    assert 'eval "$browser_test_cmd"' in job2
    assert """${test_cmd/'".[test]"'/'".[test,browser]"'}""" in script


def run_pytest_without_playwright(*args: str, **env: str | None):
    return subprocess.run([sys.executable, "-c", WITHOUT_PLAYWRIGHT, "-q", "-rs",
                           "-p", "no:cacheprovider", *args],
                          capture_output=True, text=True, cwd=PACKAGE_ROOT, timeout=300,
                          env=process_env(**env))


def test_without_playwright_the_browser_test_skips_saying_how_to_get_it():
    proc = run_pytest_without_playwright("tests/test_stepper_browser.py",
                                         BACKPROPVIZ_REQUIRE_CHROMIUM=None,
                                         PATH="/usr/bin:/bin")
    assert proc.returncode == 0, proc.stdout[-2000:]
    skipped = re.search(r"\b(\d+) skipped\b", proc.stdout)
    assert skipped and int(skipped.group(1)) >= 4, proc.stdout[-2000:]
    assert ("Playwright for Python is not installed (pip install '.[browser]')" in proc.stdout
            or "'chromium' is not on PATH" in proc.stdout)
    assert "failed" not in proc.stdout and "error" not in proc.stdout.lower()


def test_without_playwright_ci_job_2_fails_loudly():
    proc = run_pytest_without_playwright("tests/test_stepper_browser.py",
                                         BACKPROPVIZ_REQUIRE_CHROMIUM="1")
    assert proc.returncode == 1
    assert re.search(r"\b\d+ (failed|errors?)\b", proc.stdout), proc.stdout[-2000:]


def test_without_playwright_every_other_test_is_collected():
    proc = run_pytest_without_playwright("--collect-only", "tests")
    assert proc.returncode == 0, proc.stdout[-2000:]
    collected = re.search(r"(\d+) tests? collected", proc.stdout)
    assert collected is not None and int(collected.group(1)) > 1500, proc.stdout[-500:]
