"""The README speaks to users (issue 16, point 8): a short table of what to expect instead
of the benchmark's verdicts (kept in benchmarks/README.md), every exit status in --help,
and the quick start writes nothing git would show as untracked."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    found = re.search(rf"^## {title}\n(.*?)^## ", README, flags=re.S | re.M)
    assert found is not None, title
    return found.group(1)


def test_performance_has_no_developer_verdicts():
    performance = section("Performance")
    assert "verdict" not in performance
    assert not re.search(r"\bFAIL\b|\bPASS\b|issue \d+", performance)


def test_performance_opens_with_what_users_can_expect():
    performance = section("Performance")
    table = performance[:performance.index("For developers")]
    rows = [line for line in table.splitlines() if line.startswith("| ")][2:]
    whats = [row.split("|")[1].strip() for row in rows]
    assert any("slide example" in w for w in whats)
    assert any("100,000-operation" in w for w in whats)
    assert any("40-gate lesson" in w for w in whats)
    assert all(re.search(r"\d s\b", row.split("|")[3]) for row in rows)


def test_the_verdicts_live_in_the_benchmarks_readme():
    bench = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^verdict: 1 \w+, 2 \w+, 3 \w+, 4 \w+, 5 \w+, 6 \w+$", bench, re.M)
    assert "benchmarks/README.md" in section("Performance")


def test_help_lists_every_exit_status_the_readme_lists(run):
    statuses = re.findall(r"^\| (\d+) \|", section("Errors and exit status"), flags=re.M)
    assert sorted(statuses) == ["0", "1", "130", "2", "70"]
    shown = " ".join(run("--help").stdout.split())
    assert "70 a bug in backpropviz" in shown
    for status in statuses:
        assert re.search(rf"\b{status} ", shown.split("Exit status:")[1]), status


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="not a git checkout")
def test_quick_start_output_is_ignored_by_git():
    line = README.split("# 1. install", 1)[1].splitlines()[1]
    written = re.findall(r"-o (\S+)", line)
    assert written == ["sigmoid.png"]
    ignored = subprocess.run(["git", "check-ignore", "-q", written[0]], cwd=ROOT)
    assert ignored.returncode == 0
