"""--lang zh for errors, notes and warnings (issue 17, point 1): every error a user can
cause prints in Chinese (one line, plus the caret lines of a located error; exit 2; no
traceback) while English stays as it was; no Chinese template is left in English; and
every warning has a stable English code, which --json writes beside the English message
in every language."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from backpropviz.lang import (LANGS, WARNING, Message, catalogue, localize, message,
                              using, warning_codes)

PACKAGE = Path(__file__).resolve().parent.parent / "backpropviz"
WIDE = re.compile("[\u4e00-\u9fff]")


def _schema(version: int) -> dict:
    return json.loads(resources.files("backpropviz").joinpath(
        "schema", f"backpropviz-{version}.schema.json").read_text(encoding="utf-8"))


# -- errors in Chinese ----------------------------------------------------------------------

def _error_lines(result) -> list[str]:
    """The lines of an error on stderr: exit 2, nothing on stdout, no traceback."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    return result.stderr.rstrip("\n").split("\n")


@pytest.mark.parametrize("args, english, chinese", [
    (("x +* y", "--x", "1", "--y", "2"),
     "Error: expected a number, a name or '(' but found '*' at column 4",
     "错误：这里应该是一个数、一个名字或 '('，却遇到了 '*'（第 4 列）"),
    (("x y", "--x", "1", "--y", "2"),
     "Error: expected an operator but found 'y' at column 3; write '*' to multiply: x*y",
     "错误：这里应该是一个运算符，却遇到了 'y'（第 3 列）；乘法要写 '*'：x*y"),
    (("foo(x)", "--x", "1"),
     "Error: unknown function 'foo' at column 1; supported: ",
     "错误：未知的函数 'foo'（第 1 列）；支持的函数有："),
    (("q = x*2\nq +", "--x", "1"),
     "Error: expected a number, a name or '(' but found the end of the expression at line 2, "
     "column 4",
     "错误：这里应该是一个数、一个名字或 '('，却遇到了表达式的结尾（第 2 行第 4 列）"),
    (("W @ x", "--W", "[[1, 2], [3, 4]]", "--x", "[1, 2, 3]"),  # a shape error: a caret too
     "Error: cannot multiply (2,2) @ (3,): inner sizes 2 and 3 differ at column 3",
     "错误：无法计算 (2,2) @ (3,)：内侧的维数 2 和 3 不相等（第 3 列）"),
])
def test_located_errors_in_chinese(run, args, english, chinese):
    """A located error: its message in the reader's language, then the same two caret lines
    (the line of the program and a caret under the column) in both."""
    en, zh = _error_lines(run(*args)), _error_lines(run(*args, "--lang", "zh"))
    assert len(en) == len(zh) == 3
    assert en[0].startswith(english) and zh[0].startswith(chinese), zh
    assert en[1:] == zh[1:] and zh[2].strip() == "^"


@pytest.mark.parametrize("args, chinese", [
    (("--scale", "abc"), "'--scale' 的值无效：'abc' 不是有效的数"),
    (("--frame-ms", "1"), "'--frame-ms' 的值无效：1 不在 20<=x<=60000 的范围内"),
    (("--max-size", "1.5"), "'--max-size' 的值无效：'1.5' 不是有效的整数"),
    (("--theme", "foo"), "'--theme' 的值无效：'foo' 不是 'classic', 'dark', 'print', 'safe' "
                         "中的一个"),
    (("--timeout", "nan"), "'--timeout' 的值无效：'nan' 不是 0<=x<=1000000.0 范围内的数"),
    (("--json=3",), "选项 '--json' 不接受值"),
    (("extra",), "多出了参数：extra"),
    (("integer",), "多出了参数：integer"),  # (the user's words stay as typed)
])
def test_clicks_errors_in_chinese(run, args, chinese):
    """What click says of a bad option, matched against its English and said in Chinese
    (English: click's words as they are)."""
    en, zh = _error_lines(run("x", "--x", "1", *args)), _error_lines(run("x", "--x", "1", *args,
                                                                          "--lang", "zh"))
    assert en[0].startswith("Error: ") and en[0].endswith(" (see backpropviz --help)")
    assert not WIDE.search(en[0])
    assert zh == [f"错误：{chinese}（见 backpropviz --help）"]


def test_a_located_error_in_a_file_in_chinese(run, tmp_path):
    program = tmp_path / "model.bp"
    program.write_text("a = (x +\ny) z\n", encoding="utf-8")
    zh = _error_lines(run("-f", str(program), "--x", "1", "--y", "2", "--lang", "zh"))
    assert zh == [f"错误：{program}：这里应该是一个运算符，却遇到了 'z'（第 2 行第 4 列）"
                  "；乘法要写 '*'：)*z", "  y) z", "     ^"]
    en = _error_lines(run("-f", str(program), "--x", "1", "--y", "2"))
    assert en[0] == (f"Error: {program}: expected an operator but found 'z' at line 2, "
                     "column 4; write '*' to multiply: )*z")


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("case", [
    "ragged", "values_twice", "no_variable", "missing_program", "missing_values",
    "not_utf8", "output_folder", "steps_file", "grad_output_shape", "grad_output_text",
    "output_array", "unroll_numbers", "unroll_grad_output", "timeout", "var_item",
    "exact_power", "exact_arrays", "not_json", "unknown_format", "gif_too_big",
])
def test_one_line_errors_in_chinese(run, tmp_path, case):
    """A sample of each kind of error: a bad value, a values file, a missing or unreadable
    file, an output that cannot be written, a shape, --grad-output, --unroll, --timeout:
    one line in Chinese (the names, shapes and numbers as they are)."""
    bad = tmp_path / "latin1.bp"
    bad.write_bytes("x*\xe9".encode("latin-1"))
    W = ("--W", "[[1, 2], [3, 4]]")
    args, english, chinese = {
        "ragged": (("x", "--x", "[[1, 2], [3]]"),
                   "--x: ragged array: at depth 1 item 1 has 1 item, the first has 2 items",
                   "--x：数组不规整：第 1 层下标为 1 的一项有 1 项，而第一项有 2 项"),
        "values_twice": (("x", "--values", _file(tmp_path, "v.json", '{"x": 1, "x": 2}')),
                         "'x' is given more than once", "'x' 给出了不止一次"),
        "no_variable": (("x*y", "--x", "1", "--yy", "2", "--y", "3"),
                        "--yy: the expression has no variable 'yy'; did you mean 'y'? (its "
                        "variables: x, y)",
                        "--yy：表达式里没有变量 'yy'；是不是想写 'y'？（它的变量有：x, y）"),
        "missing_program": (("-f", str(tmp_path / "nope.bp")), "program file '",
                            "程序文件 '"),
        "missing_values": (("x", "--values", str(tmp_path / "nope.json")), "values file '",
                           "取值文件 '"),
        "not_utf8": (("-f", str(bad), "--x", "1"), "is not UTF-8 text (byte 3)",
                     "不是 UTF-8 文本（第 3 个字节）"),
        "output_folder": (("x", "--x", "1", "-o", str(tmp_path / "no" / "a.json")),
                          "folder '", "文件夹 '"),
        "steps_file": (("x", "--x", "1", "--steps", _file(tmp_path, "f.txt", "")),
                       "it is a file, not a folder", "它是一个文件，不是文件夹"),
        "grad_output_shape": (("W*2", *W, "--grad-output", "[1, 2]"),
                              "--grad-output has shape (2,) but the output has shape (2,2)",
                              "--grad-output 的形状是 (2,)，但输出的形状是 (2,2)"),
        "grad_output_text": (("W*2", *W, "--grad-output", "twos"),
                             "--grad-output: expected 'ones' or a JSON array",
                             "--grad-output：应该是 'ones' 或者一个与输出形状相同的 JSON 数组"),
        "output_array": (("W*2", *W), "the output 'W*2' has shape (2,2): backpropagation",
                         "输出 'W*2' 的形状是 (2,2)：反向传播要从一个数（损失）开始"),
        "unroll_numbers": (("x*2", "--x", "1", "--unroll"), "--unroll writes vectors",
                           "--unroll 会把向量和矩阵逐个元素展开"),
        "unroll_grad_output": (("sum(W)", *W, "--unroll", "--grad-output", "ones"),
                               "--unroll needs an output that is one number",
                               "--unroll 要求输出是一个数"),
        "timeout": (("x*y", "--x", "1", "--y", "2", "--timeout", "1e-6"),
                    "evaluate: gave up at the end of the forward and reverse passes after",
                    "求值：已用 "),
        "var_item": (("x", "--var", "x"), "--var expects NAME=VALUE, got 'x'",
                     "--var 的格式应该是 NAME=VALUE，这里却是 'x'"),
        "exact_power": (("x**100001", "--x", "3", "--exact", "-q"),
                        "exact arithmetic: the power in node 1 would have about 200,002 "
                        "digits", "精确计算：节点 1 中的幂大约会有 200,002 位数字"),
        "exact_arrays": (("sum(W)", *W, "--exact"), "--exact works on numbers only",
                         "--exact 只适用于数"),
        "not_json": (("x", "--values", _file(tmp_path, "n.json", '{"x" 1}')),
                     "n.json: not valid JSON: Expecting ':' delimiter at line 1, column 6",
                     "n.json：不是有效的 JSON：这里应该是分隔符 ':'（第 1 行第 6 列）"),
        "unknown_format": (("x", "--x", "1", "-o", str(tmp_path / "a.xyz")),
                           "cannot tell the format of '", "无法从 '"),
        "gif_too_big": ((" + ".join(f"{k}*x" for k in range(1, 51)), "--x", "1", "--scale",
                         "8", "--engine", "embedded", "-o", str(tmp_path / "a.gif")),
                        "million a frame: lower --scale", "百万像素的上限"),
    }[case]
    en, zh = _error_lines(run(*args)), _error_lines(run(*args, "--lang", "zh"))
    assert len(en) == len(zh) == 1, zh
    assert en[0].startswith("Error: ") and english in en[0], en
    assert zh[0].startswith("错误：") and chinese in zh[0], zh
    said = zh[0].replace(str(tmp_path), "")  # (pytest's folder: /tmp/pytest-of-root/...)
    assert WIDE.search(said) and not re.search(r"\b(the|is|not|of|has|and)\b", said), zh


def test_the_timeout_names_its_place_in_chinese(run):
    zh = _error_lines(run("x*y", "--x", "1", "--y", "2", "--timeout", "1e-6", "--lang", "zh"))
    assert re.fullmatch(r"错误：求值：已用 [\d.]+ 秒（--timeout 1e-06），停在前向传播和反向传播的"
                        r"末尾；要多等一会儿，请调大 --timeout", zh[0]), zh


def test_an_engine_error_in_chinese(run, tmp_path):
    from backpropviz.render.engines import embedded_executable

    if embedded_executable() is None:
        pytest.skip("the embedded graphviz-pure is not installed")
    args = ("x*2", "--x", "1", "-o", str(tmp_path / "a.pdf"), "--engine", "embedded")
    en, zh = _error_lines(run(*args)), _error_lines(run(*args, "--lang", "zh"))
    assert en == ["Error: .pdf needs the system Graphviz (the embedded graphviz-pure writes "
                  "png, svg only): install Graphviz (Debian/Ubuntu: apt install graphviz; "
                  "macOS: brew install graphviz; conda: conda install graphviz), or write .svg "
                  "or .png instead"]
    assert zh[0].startswith("错误：.pdf 需要系统的 Graphviz（内置的 graphviz-pure 只能写出 png, "
                            "svg）：请安装 Graphviz（Debian/Ubuntu：apt install graphviz；")


def test_the_missing_glyph_note_in_chinese(run, tmp_path):
    from backpropviz.render.engines import embedded_executable

    if embedded_executable() is None:
        pytest.skip("the embedded graphviz-pure is not installed")
    out = tmp_path / "w.png"
    result = run("权重*x", "--权重", "2", "--x", "3", "-o", str(out), "--engine", "embedded",
                 "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("注：")]
    assert notes == ["注：内置引擎没有 权重 等 2 个字的字形（在 .png 和 .gif 中会画成方框）：请安装 Graphviz "
                     "和一种中日韩字体（Debian：apt install graphviz fonts-noto-cjk），或者写出 "
                     ".svg，浏览器会用自己的字体来显示"], result.stderr
    assert "已写出" in result.stderr and "内置的 graphviz-pure" in result.stderr


def test_notes_and_places_said_in_chinese():
    """Notes made deep inside (a picture scaled down, a small slide text) and the words a
    timeout names its place with."""
    scaled = message("note.png_scaled", width=32767, height=120, most="32,767")
    assert scaled == ("the PNG was scaled down to 32767 x 120 pixels (at most 32,767 a side); "
                      "write .svg for full detail")
    assert localize(scaled, "zh") == ("PNG 已缩小到 32767 x 120 像素（每边最多 32,767 像素）；"
                                      "要看全部细节，请写出 .svg")
    from backpropviz.budget import digits_text

    assert digits_text(2.1e6) == "2.1 million digits" and digits_text(35000) == "35,000 digits"
    assert localize(digits_text(2.1e6), "zh") == "2.1 百万位数字"


def test_check_notes_of_arrays_in_chinese(run):
    """--check of arrays: the element at a kink and the note of the unrolled program."""
    args = ("sum(relu(W)) + x**100001", "--W", "[0, 1]", "--x", "3", "--check", "--color",
            "never")
    en, zh = run(*args), run(*args, "--lang", "zh")
    assert "at a kink: W[0] is at a kink." in en.stdout
    assert "该点位于折点：W[0] 位于折点。" in zh.stdout
    assert ("note: in the program written out element by element: symbolic check skipped: "
            "node ") in en.stdout
    assert "注：在逐个元素展开的程序中：跳过符号检查：节点 " in zh.stdout


def test_progress_phases_in_the_runs_language():
    from backpropviz.progress import PHASES, Progress

    with using("zh"):
        words = [Progress(None, False).word(phase) for phase in PHASES]
    assert words == ["解析", "求值", "渲染"]
    with using("en"):
        assert [Progress(None, False).word(phase) for phase in PHASES] == list(PHASES)


# -- no untranslated Chinese template ---------------------------------------------------------

#: Words a Chinese message keeps as they are: names of tools, formats, options' values
#: and the programs' own spellings.
NAMES = {"sympy", "PyTorch", "Graphviz", "graphviz", "dot", "pure", "JSON", "PNG", "SVG",
         "UTF", "CJK", "GIF", "HTML", "PATH", "NAME", "VALUE", "FILE", "EXPRESSION", "DIR", "LC_ALL",
         "LC_MESSAGES", "LANG", "NO_COLOR", "FORCE_COLOR", "CS231n", "Debian", "Ubuntu",
         "macOS", "conda", "brew", "apt", "install", "pip", "fonts", "noto", "cjk", "stdin",
         "ones", "axis", "embedded", "auto", "statements", "backpropviz", "TB", "LR", "JSON",
         "DejaVu", "Sans", "Arial", "Helvetica", "null", "min", "max", "jq", "gradients", "model", "bp", "vals",
         "json", "frames", "lesson", "staged", "sigmoid", "theme", "dark", "var", "NumPy",
         "Prev", "Next", "name", "png", "svg", "pdf", "dpi", "px", "en", "zh", "theta"}


def _english_words(template: str) -> list[str]:
    """The English words of a Chinese template, leaving out fields, quoted text, options,
    file names, code and the names in :data:`NAMES` (and every function's name)."""
    from backpropviz.ops import FUNCTIONS

    text = re.sub(r"\{[a-z_]*\}|'[^']*'|\"[^\"]*\"|“[^”]*”", " ", template)
    words = []
    for token in re.split(r"[\s，。；：、（）「」“”！？,;:()\[\]]+", text):
        if not token or re.search(r"[-./=@*+_\d\\<>|#{}]", token) or WIDE.search(token):
            continue
        if (len(token) > 1 and token not in NAMES and token not in FUNCTIONS  # (x, A: code)
                and re.fullmatch(r"[A-Za-z]+", token)):
            words.append(token)
    return words


def test_the_word_check_catches_english():
    """(the check itself: an English sentence is caught, names and code are not)"""
    assert _english_words("the value of '{name}' is not a number") == [
        "the", "value", "of", "is", "not", "number"]
    assert _english_words("请安装 Graphviz 和 sympy：sum(...)，--grad-output ones，x.{func}()") == []


@pytest.mark.parametrize("key", sorted(k for k in catalogue("zh") if not k.startswith("help.")))
def test_no_chinese_message_is_english(key):
    """Every Chinese message is Chinese: at most names of tools, options and functions
    stay as they are (a copied English template would fail here)."""
    assert _english_words(catalogue("zh")[key]) == [], catalogue("zh")[key]


def test_no_chinese_help_is_english():
    """--help's texts keep their examples (commands, file names) but no English prose."""
    prose = {key: words for key in catalogue("zh") if key.startswith("help.")
             if (words := _english_words(catalogue("zh")[key].split("\b")[0]))}
    assert prose == {}


# -- warnings: a stable code each -------------------------------------------------------------

def test_every_warning_site_makes_a_coded_message():
    """Every place in the package that adds a warning adds a :class:`Message` whose key is
    a warning code (``warn.*``), and every code is made somewhere (no code without a
    warning, no warning without a code). mypy checks the rest: ``Graph.warnings`` and
    ``Report.warnings`` hold Messages, which plain strings are not."""
    sites, made = [], set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        sites += [(path.name, m.group(1)) for m in re.finditer(r"warnings\.append\((.*)", text)]
        made |= set(re.findall(r'message\("(warn\.[a-z_]+)"', text))
    assert len(sites) >= 2
    for name, call in sites:  # (or the nan/inf warning, which run.nonfinite_warning makes)
        assert call.startswith(('message("warn.', "nonfinite)")), (name, call)
    assert made == set(warning_codes()) == {"warn.unused_name", "warn.unused_value",
                                            "warn.nonfinite"}
    assert all(code.startswith(WARNING) for code in warning_codes())


def _warnings_of(tmp_path) -> list[Message]:
    """The warnings of runs that make each kind: a name never used, a values file's name the
    program lacks, a value that is inf (numbers and arrays)."""
    from backpropviz.run import Options, nonfinite_warning, run

    values = _file(tmp_path, "v.json", '{"x": 1, "y": 0, "zz": 2}')
    report = run(Options(expression="q = x*2; x/y", values_file=values, quiet=True))
    arrays = run(Options(expression="sum(W/y)", variables=(("W", "[1, 2]"), ("y", "0")),
                         quiet=True))
    assert nonfinite_warning(report.graph) in report.warnings  # (listed with the others)
    return [*report.warnings, *arrays.warnings]


def test_every_warning_a_run_makes_has_a_code(tmp_path):
    warnings = _warnings_of(tmp_path)
    assert [w.key for w in warnings] == ["warn.unused_value", "warn.unused_name",
                                         "warn.nonfinite", "warn.nonfinite"]
    assert warnings[3] == "the value [0] of node 2 (/: W/y) is inf"
    assert warnings[2] == "the value of node 3 (/: x/y) is inf"  # (x, q, y, x/y at y = 0)
    assert localize(warnings[3], "zh") == "节点 2（/：W/y）的值 [0] 是 inf"
    for warning in warnings:
        assert isinstance(warning, Message) and warning.key in warning_codes()
        assert WIDE.search(localize(warning, "zh")) and not WIDE.search(warning)


@pytest.mark.parametrize("version", [1, 2])
def test_the_schemas_list_the_codes(version):
    warnings = _schema(version)["properties"]["warnings"]
    item = warnings["items"]
    assert item["required"] == ["code", "message"] and item["additionalProperties"] is False
    assert item["properties"]["code"]["enum"] == warning_codes()
    assert item["properties"]["message"] == {**item["properties"]["message"], "type": "string"}


@pytest.mark.parametrize("args, version, codes", [
    (("q = x*2; t = x; x + 1", "--x", "1"), 1, ["warn.unused_name", "warn.unused_name"]),
    (("q = x/y; x/y", "--x", "1", "--y", "0"), 1, ["warn.unused_name", "warn.nonfinite"]),
    (("q = W*2; sum(W/y)", "--W", "[1, 2]", "--y", "0"), 2,
     ["warn.unused_name", "warn.nonfinite"]),
    (("x*x", "--values", "VALUES"), 1, ["warn.unused_value"]),  # the values file's name zz
])
def test_json_warnings_have_codes_and_are_the_same_in_every_language(run, tmp_path, args,
                                                                     version, codes):
    values = _file(tmp_path, "v.json", '{"x": 2, "unused": 1}')
    args = tuple(values if a == "VALUES" else a for a in args)
    outputs = {lang: run(*args, "--json", "--lang", lang) for lang in LANGS}
    assert outputs["zh"].stdout == outputs["en"].stdout == run(*args, "--json").stdout
    doc = json.loads(outputs["zh"].stdout)
    assert doc["schema"] == f"backpropviz/{version}"
    jsonschema.Draft202012Validator(_schema(version)).validate(doc)
    assert [w["code"] for w in doc["warnings"]] == codes
    for warning in doc["warnings"]:
        assert set(warning) == {"code", "message"} and not WIDE.search(warning["message"])
    assert "警告：" in outputs["zh"].stderr and "warning: " in outputs["en"].stderr


def test_a_json_warning_is_its_english_message(run):
    doc = json.loads(run("t = x; f = x * y", "--x", "1", "--y", "2", "--json",
                         "--lang", "zh").stdout)
    assert doc["warnings"] == [{"code": "warn.unused_name",
                                "message": "'t' (line 1) is assigned but never used"}]


def test_a_made_up_warning_code_fails_the_schema(validator):
    """(the schema refuses a code that is not in the catalogue, and a bare string)"""
    doc = json.loads(_one_doc())
    doc["warnings"] = [{"code": "warn.made_up", "message": "x"}]
    assert not validator.is_valid(doc)
    doc["warnings"] = ["'t' (line 1) is assigned but never used"]
    assert not validator.is_valid(doc)
    doc["warnings"] = [{"code": "warn.unused_name", "message": "x"}]
    assert validator.is_valid(doc)


def _one_doc() -> str:
    from backpropviz import trace

    return trace("x*2", x=1).to_json()


@pytest.mark.parametrize("args, english, chinese", [
    (("--font", "a;b"), "';' at character 2 is not allowed: a font name has letters",
     "第 2 个字符 ';' 不允许出现：字体名只能有字母"),
    (("--font", ""), "a font name needs letters", "字体名里要有字母"),
    (("--title", "a\x01b"), "it has the control character '\\x01' at character 2",
     "它在第 2 个字符处有控制字符 '\\x01'"),
])
def test_title_and_font_problems_in_chinese(run, args, english, chinese):
    en, zh = _error_lines(run("x", "--x", "1", *args)), _error_lines(run("x", "--x", "1",
                                                                         *args, "--lang", "zh"))
    assert english in en[0] and chinese in zh[0], (en, zh)


def test_stdin_and_json_kinds_are_said_in_chinese(run, tmp_path):
    said = run("-", "--lang", "zh", input="x+\n")
    assert said.exit_code == 2 and said.stderr.startswith("错误：标准输入：")
    assert run("-", input="x+\n").stderr.startswith("Error: stdin: ")
    values = _file(tmp_path, "s.json", '"abc"')
    assert "这里却是一个字符串" in run("x", "--values", values, "--lang", "zh").stderr
    assert "got str" in run("x", "--values", values).stderr


def test_the_systems_error_words_are_its_own_in_english_and_chinese_in_chinese(run):
    """A common OSError reason is a catalogue message whose English is the system's own
    text (so English output does not change), said in Chinese under --lang zh."""
    import errno
    import os

    from backpropviz.lang import OS_ERRORS, os_reason

    for name, key in OS_ERRORS.items():
        code = getattr(errno, name)
        reason = os_reason(OSError(code, os.strerror(code)))
        assert reason == os.strerror(code) and reason.key == key
        assert WIDE.search(localize(reason, "zh"))
    odd = OSError(errno.EIO, os.strerror(errno.EIO))
    assert os_reason(odd) == os.strerror(errno.EIO)  # (an uncommon one: the system's text)
    if os.path.exists("/dev/full"):
        import subprocess
        import sys

        with open("/dev/full", "w") as full:
            done = subprocess.run([sys.executable, "-m", "backpropviz", "x", "--x", "1",
                                   "--json", "--lang", "zh"], stdout=full,
                                  stderr=subprocess.PIPE, text=True, check=False)
        assert done.returncode == 2 and "无法写到标准输出：磁盘已满" in done.stderr


def test_a_choice_of_one_in_chinese(run):
    result = run("x", "--x", "1", "--collapse", "gates", "--lang", "zh")
    assert result.exit_code == 2 and "'gates' 不是 'statements'（只能是它）" in result.stderr
