"""--lang en|zh (issue 17, point 1): the two message catalogues match key for key and
placeholder for placeholder; the table, --check, warnings, errors, the stepper's controls
and --help come in Chinese; --json and the English output do not change with the language;
the plain table aligns Chinese names (two terminal columns each)."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from backpropviz import trace
from backpropviz.choices import THEME_NAMES
from backpropviz.lang import (LANGS, Message, catalogue, default_lang, localize, message,
                              placeholders, say, using, wrap)
from backpropviz.render.stepper import render_html
from backpropviz.render.table import render_table

PACKAGE = Path(__file__).resolve().parent.parent / "backpropviz"
GOLDEN = Path(__file__).parent / "data" / "zh"
FIGURE1 = ("(x+y)*z", "--x", "-2", "--y", "5", "--z", "-4")
FIGURE2 = ("1/(1+exp(-(w0*x0+w1*x1+w2)))", "--w0", "2", "--x0", "-1", "--w1", "-3",
           "--x1", "-2", "--w2", "-3")
WIDE = re.compile("[\u4e00-\u9fff]")


# -- the catalogues ---------------------------------------------------------------------

def test_catalogues_have_the_same_messages():
    en, zh = catalogue("en"), catalogue("zh")
    assert set(en) - set(zh) == set(), "messages missing in Chinese"
    assert set(zh) - set(en) == set(), "messages missing in English"


@pytest.mark.parametrize("key", sorted(catalogue("en")))
def test_placeholders_are_the_same(key):
    assert placeholders(catalogue("en")[key]) == placeholders(catalogue("zh")[key])


def test_every_key_the_code_says_is_in_the_catalogue():
    """Every literal key passed to say()/message() anywhere in the package exists, and so
    do the keys built from a status, a pass's word, a theme or an option."""
    used = set()
    for path in PACKAGE.rglob("*.py"):
        used |= set(re.findall(r'\b(?:say|message|Message)\("([a-z_]+\.[a-z_.]+)"',
                               path.read_text(encoding="utf-8")))
    used |= {f"status.{s}" for s in ("ok", "kink", "undefined", "mismatch")}
    used |= {"word.value", "word.gradient"} | {f"theme.{name}" for name in THEME_NAMES}
    from backpropviz.cli import cli

    used |= {f"help.{p.name}" for p in cli.params if getattr(p, "help", None)}
    assert len(used) > 60
    assert used - set(catalogue("en")) == set()


def test_chinese_messages_are_chinese():
    """Each Chinese message that is prose has Chinese in it (not a copied English one)."""
    same = {key for key, text in catalogue("zh").items()
            if text == catalogue("en")[key] and WIDE.search(text) is None}
    assert same <= {"table.number", "check.sympy", "help.theme"} | {
        k for k in same if k.startswith("check.kink_node")}, same


# -- choosing the language --------------------------------------------------------------

@pytest.mark.parametrize("env, lang", [
    ({}, "en"), ({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "C"}, "en"), ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LC_MESSAGES": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ({"LC_ALL": "zh_CN.UTF-8", "LC_MESSAGES": "en_US"}, "zh"), ({"LC_ALL": ""}, "en"),
])
def test_default_language_from_the_locale(env, lang):
    assert default_lang(env) == lang


def test_using_sets_and_restores():
    with using("zh"):
        assert say("table.value") == "值"
        with using("en"):
            assert say("table.value") == "value"
        assert say("table.grad") == "梯度"
    with pytest.raises(ValueError, match="lang must be one of en, zh"):
        with using("fr"):
            pass


def test_a_message_is_english_and_survives_pickling():
    """A --check note comes back from the forked worker pickled: it keeps its key."""
    note = message("check.skip_size", nodes=4000, limit=3000)
    assert note == "symbolic check skipped: 4000 nodes (limit 3000); finite differences only"
    again = pickle.loads(pickle.dumps(note))
    assert isinstance(again, Message) and again == note
    assert localize(again, "zh") == "跳过符号检查：计算图有 4000 个节点（上限 3000）；只用有限差分检查"


# -- the Chinese output -------------------------------------------------------------------

@pytest.mark.parametrize("figure, name", [(FIGURE1, "figure1.txt"), (FIGURE2, "figure2.txt")])
def test_the_seed_figures_in_chinese(run, figure, name):
    result = run(*figure, "--check", "--lang", "zh", "--color", "never")
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / name).read_text(encoding="utf-8")
    for word in ("名称", "门", "值", "梯度", "输出", "变量", "反向传播", "有限差分",
                 "检查通过：所有梯度都一致"):
        assert word in result.stdout


def test_the_locale_chooses_chinese_and_lang_en_wins(run):
    chinese = run(*FIGURE1, env={"LANG": "zh_CN.UTF-8", "LC_ALL": None, "LC_MESSAGES": None})
    assert chinese.stdout == run(*FIGURE1, "--lang", "zh").stdout
    assert "梯度" in chinese.stdout
    english = run(*FIGURE1, "--lang", "en", env={"LANG": "zh_CN.UTF-8"})
    plain = run(*FIGURE1, env={"LANG": "C.UTF-8", "LC_ALL": None, "LC_MESSAGES": None})
    assert english.stdout == plain.stdout
    assert english.stdout.startswith("#   name    gate")


@pytest.mark.parametrize("args", [
    FIGURE1,
    FIGURE2 + ("--check", "--explain", "both", "--exact"),
    ("q = x * 2; x + 1", "--x", "1"),              # a warning in the document
    ("x/y", "--x", "1", "--y", "0", "--check"),     # nan and inf, a note
    ("relu(x)*y", "--x", "0", "--y", "2", "--check"),  # a kink
])
def test_json_is_the_same_in_every_language(run, args):
    outputs = {lang: run(*args, "--json", "--lang", lang) for lang in LANGS}
    assert outputs["en"].stdout == outputs["zh"].stdout
    assert outputs["en"].stdout == run(*args, "--json").stdout
    json.loads(outputs["zh"].stdout)


def test_warnings_and_check_notes_in_chinese(run):
    result = run("q = x/y; x/y", "--x", "1", "--y", "0", "--check", "--lang", "zh",
                 "--color", "never")
    assert "警告：'q'（第 1 行）被赋值了，但从未使用" in result.stderr
    assert "警告：节点 2（/：x/y）的值是 inf" in result.stderr
    assert "注：输出在这一点是 inf" in result.stdout
    assert "检查通过：在有定义的地方，梯度都一致（此处无定义：x, y）" in result.stdout
    english = run("q = x/y; x/y", "--x", "1", "--y", "0", "--check", "--color", "never")
    assert "warning: 'q' (line 1) is assigned but never used" in english.stderr
    assert "warning: the value of node 2 (/: x/y) is inf" in english.stderr


def test_a_kink_in_chinese(run):
    result = run("relu(x)*y", "--x", "0", "--y", "2", "--check", "--lang", "zh",
                 "--color", "never")
    assert "该点位于折点：relu 在 0 处（节点 1）" in result.stdout
    assert "检查通过：除折点外，所有梯度都一致" in result.stdout


def test_values_file_warning_in_chinese(run, tmp_path):
    values = tmp_path / "v.json"
    values.write_text('{"x": 2, "unused": 1}', encoding="utf-8")
    result = run("x*x", "--values", str(values), "--lang", "zh")
    assert f"警告：{values}：'unused' 不是程序中的变量；已跳过" in result.stderr


@pytest.mark.parametrize("args, english, chinese", [
    (("x",), "Error: no value for x: pass --x VALUE", "错误：还没有给出 x 的值：请用 --x VALUE 给出"),
    (("x", "--x", "abc"), "Error: --x: 'abc' is not a number", "错误：--x：'abc' 不是一个数"),
    (("x", "--x", "1", "-o", "-"), "Error: -o - (stdout) needs --format svg|png|dot|json|html",
     "错误：-o -（标准输出）需要 --format svg|png|dot|json|html"),
    (("x", "--x", "1", "--jsn"), "Error: no such option --jsn (did you mean --json?)",
     "错误：没有这个选项 --jsn（是不是想用 --json？）"),
])
def test_errors_in_chinese(run, args, english, chinese):
    en, zh = run(*args), run(*args, "--lang", "zh")
    assert en.exit_code == zh.exit_code == 2
    assert en.stderr.strip() == english
    assert zh.stderr.strip() == chinese


def test_file_errors_in_chinese(run, tmp_path):
    """Errors that sources.py and files.py make in English, said in Chinese by template."""
    missing = tmp_path / "nope.bp"
    cases = [(("-f", str(missing)), f"程序文件 '{missing}' 不存在"),
             (("x", "--values", str(missing)), f"取值文件 '{missing}' 不存在"),
             (("x", "--x", "1", "-o", str(tmp_path / "no" / "a.svg")),
              f"无法写出 '{tmp_path / 'no' / 'a.svg'}'：文件夹 '{tmp_path / 'no'}' 不存在")]
    for args, chinese in cases:
        result = run(*args, "--lang", "zh")
        assert result.exit_code == 2
        assert result.stderr.strip() == f"错误：{chinese}"


def test_wrote_in_chinese(run, tmp_path):
    out = tmp_path / "f.json"
    result = run(*FIGURE1, "-o", str(out), "--lang", "zh", "-q")
    assert result.stderr == ""
    result = run(*FIGURE1, "-o", str(out), "--lang", "zh")
    assert f"已写出 {out}" in result.stderr


# -- the stepper --------------------------------------------------------------------------

def test_stepper_controls_in_chinese():
    svg = '<svg width="10pt" height="10pt"><g id="a"></g></svg>'
    with using("zh"):
        page = render_html([svg, svg], ["a", "b"], phases=["forward pass", "backward pass"])
    assert '<html lang="zh">' in page
    assert "第 1 步，共 2 步 · 前向传播" in page and "第 2 步，共 2 步 · 反向传播" in page
    assert 'aria-label="上一步">← 上一步</button>' in page
    assert 'aria-label="下一步">下一步 →</button>' in page
    assert 'aria-label="课程步骤"' in page
    with using("en"):
        english = render_html([svg, svg], ["a", "b"], phases=["forward pass", "backward pass"])
    assert '<html lang="en">' in english and "Step 2 of 2 · backward pass" in english
    assert 'aria-label="Previous step">← Prev</button>' in english


# -- --help -------------------------------------------------------------------------------

def test_help_in_chinese(run):
    result = run("--help", "--lang", "zh")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("用法：backpropviz [OPTIONS] [EXPRESSION]")
    assert "在表达式 EXPRESSION 上演示反向传播" in text
    assert "显示这份帮助并退出。" in text and "显示版本号并退出。" in text
    options = text[text.index("选项"):]
    helps = re.split(r"\n  -", options)[1:]
    assert len(helps) >= 30 and all(WIDE.search(h) for h in helps), helps
    # wrapped by terminal columns: the text before click's [default: ...] fits in 96
    for line in text.splitlines():
        assert cell_len(line.split("  [")[0]) <= 96, line
    assert run("--help", env={"LANG": "zh_CN.UTF-8", "LC_ALL": None}).stdout == text
    assert run("--help").stdout.startswith("Usage: backpropviz [OPTIONS] [EXPRESSION]")


def test_wrap_counts_two_columns_for_chinese():
    text = "把电路图（.svg .png .pdf .dot .gv）、课程（.html .gif）或 JSON（.json）写到 PATH。"
    for width in (12, 20, 40):
        lines = wrap(text, width)
        assert all(cell_len(line) <= width for line in lines), lines
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert not any(line[0] in "，。；：、）" for line in lines)


# -- the plain table with Chinese names -----------------------------------------------------

def _right_edges(line: str) -> list[int]:
    """The terminal column where each number of a row ends."""
    edges, at = [], 0
    for match in re.finditer(r"\S+", line):
        at = cell_len(line[:match.end()])
        if re.fullmatch(r"-?\d+\.\d+", match.group()):
            edges.append(at)
    return edges


@pytest.mark.parametrize("lang", LANGS)
def test_plain_table_aligns_chinese_names(lang):
    import io

    graph = trace("权重*x + 偏置", {"权重": 2, "x": 3, "偏置": -1})
    out = io.StringIO()
    with using(lang):
        render_table(graph, out, color=False)
    lines = out.getvalue().splitlines()
    rows = lines[2:-1]
    assert any("权重" in row for row in rows)
    edges = {tuple(_right_edges(row)) for row in rows}
    assert len(edges) == 1, lines  # the value and grad columns end at the same place
    header = lines[0]
    assert cell_len(header.rstrip()) == edges.pop()[-1], lines
    assert cell_len(lines[1]) == max(cell_len(row) for row in rows)  # the rule


def test_api_lang():
    graph = trace("权重*x", {"权重": 2, "x": 3})
    assert str(graph.table(lang="zh")).startswith("#   名称")
    assert str(graph.table()).startswith("#   name")
    assert "检查通过" in str(graph.check(lang="zh"))
    assert graph.to_json(lang="zh") == graph.to_json()
    assert '<html lang="zh">' in graph.lesson(lang="zh").html if _draws() else True
    with pytest.raises(ValueError, match="lang must be one of en, zh"):
        graph.to_json(lang="fr")


def _draws() -> bool:
    from backpropviz.render.engines import embedded_executable
    import shutil

    return shutil.which("dot") is not None or embedded_executable() is not None


def test_the_last_lang_wins_as_for_every_option(run):
    assert run("x", "--x", "1", "--lang", "zh", "--lang", "en").stdout.startswith("#   name")
    assert run("x", "--x", "1", "--lang", "en", "--lang", "zh").stdout.startswith("#   名称")
