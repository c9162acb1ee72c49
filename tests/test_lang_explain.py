"""--explain and the lesson captions in Chinese (issue 17, point 1): the seed tutorial's two
figures as golden files, in its terms (链式法则, 反向传播, 梯度, 计算图, 局部梯度) and with its
numbers; no English word left in the Chinese text (names from the expression aside); the
same equations and numbers in both languages; --json still English."""

from __future__ import annotations

import math
import re

import pytest

import backpropviz
from backpropviz.lang import using
from backpropviz.render.frames import lesson_frames
from test_lang import FIGURE1, FIGURE2, GOLDEN

SEED_TERMS = ("链式法则", "反向传播", "梯度", "计算图", "局部梯度")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")  # the values (words have whole numbers)
SIGMOID_VALUES = dict(w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
# a program on arrays whose reverse pass says every kind of VJP in words: an outer product,
# a sum over a broadcast axis, a gradient copied along an axis or to every element, the
# largest element, an index, a transpose, a fork, scalars and summarised (norm) arrays
ARRAYS = ("H = X @ W + b; s = sum(tanh(H), 0); "
          "L = mean(s) + max(W) + W[0, 1] + sum(W.T @ v) + sum(s*s)",
          "--X", "[[1,2],[3,4],[5,6],[7,8]]", "--W", "[[0.1,0.2,0.3],[0.4,0.5,0.6]]",
          "--b", "[1,2,3]", "--v", "[1,2]")
# a gate the output does not read, one that reads only constants, a node used three times
DEAD_AND_FORK = ("a = x*y; b = 2*3; x*x + x*y + 0*b", dict(x=2, y=3))


def english_words(text: str, expression: str) -> set[str]:
    """The words of three or more Latin letters in ``text`` that are not names the
    expression itself uses (its variables and functions: exp, tanh, sum ...)."""
    allowed = set(re.findall(r"[A-Za-z_]\w*", expression))
    return set(ENGLISH_WORD.findall(text)) - allowed


@pytest.mark.parametrize("figure, name", [(FIGURE1, "explain_figure1.txt"),
                                          (FIGURE2, "explain_figure2.txt")])
def test_the_seed_figures_explained_in_chinese(run, figure, name):
    result = run(*figure, "--explain", "--lang", "zh", "--color", "never")
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / name).read_text(encoding="utf-8")
    explanation = result.stdout[result.stdout.index("反向传播"):]
    for term in SEED_TERMS:
        assert term in explanation, term
    assert "从最后的输出开始，梯度当然是 1" in explanation
    assert english_words(result.stdout, figure[0]) == set()
    english = run(*figure, "--explain", "--color", "never").stdout
    assert {"Backward", "chain", "rule", "start", "output"} <= english_words(english, figure[0])
    # the same equations: every number of the English text, in the same order
    # each step then says it as the seed walks it: 局部梯度 …，所以往前传播的梯度是 …
    walked = re.findall(r"（局部梯度 ([^）]*)）", explanation)
    assert walked and all("，所以往前传播的梯度是 " in w for w in walked)
    assert NUMBER.findall(re.sub(r"（局部梯度 [^）]*）", "", explanation)) == NUMBER.findall(
        english[english.index("Backward pass"):])


def test_the_sigmoid_walked_as_the_seed_walks_it(run):
    """"1/x 的梯度是 -1/x²，所以往前传播的梯度是 1 × -1/1.37² = -0.53，然后是 +1 这个操作，
    梯度不变，接着是 e^x 这个运算，它的梯度就是 -0.53 × e^(-1) = -0.2": the seed's numbers,
    worked out here by hand, in the Chinese explanation and captions."""
    text = (GOLDEN / "explain_figure2.txt").read_text(encoding="utf-8")
    q7 = 1 + math.exp(-1)  # 1 + e^-(2*-1 + -3*-2 + -3)
    after_inverse = -1 / q7 ** 2
    assert f"{after_inverse:.2f}" == "-0.53"
    assert f"= 1.00 · (-1/{q7:.2f}²) = {after_inverse:.2f}" in text
    assert f"∂f/∂q₆ = ∂f/∂q₇ · ∂q₇/∂q₆ = {after_inverse:.2f} · 1 = {after_inverse:.2f}" in text
    after_exp = after_inverse * math.exp(-1)
    assert f"· e^(-1) = {after_exp:.2f}" in text and f"{after_exp:.1f}" == "-0.2"
    assert f"（局部梯度 ∂f/∂q₇ = (-1/q₇²)，所以往前传播的梯度是 {after_inverse:.2f}）" in text
    graph = backpropviz.trace(FIGURE2[0], SIGMOID_VALUES)
    with using("zh"):
        captions = [frame.caption for frame in lesson_frames(graph)]
    assert (f"局部梯度 ∂f/∂q₇ = -1/q₇² = {after_inverse:.2f}",
            f"所以往前传播的梯度是 ∂f/∂q₇ = ∂f/∂f · ∂f/∂q₇ = 1.00 · (-1/q₇²) = "
            f"1.00 · (-1/{q7:.2f}²) = {after_inverse:.2f}",
            "其中 q₇ = 1+exp(-(w0*x0+w1*x1+w2))") in captions
    assert f"局部梯度 ∂q₆/∂q₅ = e^q₅ = {math.exp(-1):.2f}" in captions[11]


@pytest.mark.parametrize("args", [
    FIGURE2,
    ("x*x + x*y", "--x", "2", "--y", "3"),              # a fork: its uses, an input twice
    ("sigmoid(w*x) + tanh(w) + 1/x", "--w", "0.5", "--x", "2"),
    ARRAYS,
])
def test_no_english_word_in_the_chinese_explanation(run, args):
    result = run(*args, "--explain", "both", "--lang", "zh", "--color", "never")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "前向传播" in text and "反向传播" in text
    assert english_words(text, args[0]) == set()
    english = run(*args, "--explain", "both", "--color", "never").stdout
    assert {"Forward", "Backward", "input", "output"} & english_words(english, args[0])
    assert len(text.splitlines()) == len(english.splitlines())


def test_the_arrays_vjp_rules_in_chinese(run):
    text = run(*ARRAYS, "--explain", "--lang", "zh", "--color", "never").stdout
    for said in ("⊙ 表示逐元素相乘", "[(3)·(2)ᵀ = (3×2)，外积]", "复制到每个元素",
                 "沿第 0 轴复制", "沿第 0 轴求和 Σ ∂L/∂H",
                 "[4×3 → 3：它被广播过，所以各处传回的梯度相加]", "[标量]",
                 "它被用到的 3 处传回的梯度之和", "来自 q₁₂：", "只传给最大的元素，其余为 0",
                 "只传给 [0, 1]，其余为 0", "，范数 "):
        assert said in text, said
    english = run(*ARRAYS, "--explain", "--color", "never").stdout
    assert "Σ over axis 0 of ∂L/∂H" in english and "an outer product" in english
    assert NUMBER.findall(text) == NUMBER.findall(english)


@pytest.mark.parametrize("args", [FIGURE2, ARRAYS])
def test_json_steps_and_explanation_stay_english(run, args):
    outputs = [run(*args, "--json", "--explain", "both", "--lang", lang).stdout
               for lang in ("en", "zh")]
    assert outputs[0] == outputs[1]
    assert "start at the output" in outputs[0]


def test_lesson_captions_in_chinese_and_english_unchanged():
    """Each frame says the same numbers in both languages; only the words change."""
    for expression, values in ((FIGURE2[0], SIGMOID_VALUES), DEAD_AND_FORK):
        graph = backpropviz.trace(expression, values)
        with using("zh"):
            chinese = lesson_frames(graph)
        with using("en"):
            english = lesson_frames(graph)
        assert len(chinese) == len(english)
        for zh, en in zip(chinese, english):
            zh_text, en_text = "\n".join(zh.caption), "\n".join(en.caption)
            assert NUMBER.findall(zh_text) == NUMBER.findall(en_text)
            assert english_words(zh_text, expression) == set(), zh_text
        backward = [f for f in english if f.phase == "backward"][1:]
        assert any("local gradient" in line for f in backward for line in f.caption)
    zh_captions = ["\n".join(f.caption) for f in chinese]
    en_captions = ["\n".join(f.caption) for f in english]
    assert "b 的输入都是常数：梯度不再往前传" in zh_captions
    assert "b reads only constants: nothing flows further back" in en_captions
    assert "a 不影响输出 f：没有梯度传回来" in zh_captions
    assert "a does not feed the output f: nothing flows back" in en_captions
    assert any("= 3.00 + 2.00 + 2.00 = 7.00（它在 3 处被用到，各处传回的梯度相加）" in c
               for c in zh_captions)
    assert any("= 3.00 + 2.00 + 2.00 = 7.00  (sum over its 3 uses)" in c for c in en_captions)


@pytest.mark.needs_dot
def test_stepper_captions_in_chinese(tmp_path, run):
    """The HTML stepper's captions (and the --steps frames' SVG text) in Chinese."""
    page, frames = tmp_path / "lesson.html", tmp_path / "frames"
    result = run(*FIGURE2, "--lang", "zh", "-o", str(page), "--steps", str(frames),
                 "--steps-format", "svg", "-q")
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    captions = re.findall(r'<p class="caption">(.*?)</p>', html, re.S)
    assert len(captions) == 17  # 8 gates forward, the output, 8 gates back
    assert captions[8] == "∂f/∂f = 1（从最后的输出开始，梯度当然是 1）"
    assert captions[9].startswith("局部梯度 ∂f/∂q₇ = -1/q₇² = -0.53\n所以往前传播的梯度是 ")
    assert all(english_words(c, FIGURE2[0]) == set() for c in captions)
    english = run(*FIGURE2, "-o", str(page), "-q")
    assert english.exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert "local gradient ∂f/∂q₇ = -1/q₇² = -0.53\n∂f/∂q₇ = ∂f/∂f" in html


def test_api_explain_in_chinese():
    graph = backpropviz.trace(FIGURE2[0], SIGMOID_VALUES)
    text = graph.explain("both", lang="zh")
    assert text.startswith("前向传播（") and "（输入）" in text
    assert graph.explain().startswith("Backward pass (gradients by the chain rule")
    arrays = backpropviz.trace("sum(W @ x)", {"W": [[1, 2], [3, 4]], "x": [1, -1]})
    assert arrays.explain(lang="zh").startswith("反向传播（")
    assert arrays.explain(lang="en").startswith("Backward pass (")


def test_gelu_on_an_array_explained_with_its_tanh_named():
    """gelu's local derivative names a tanh t: the rule is bracketed (⊙ applies to all of
    it) and t is defined in the reader's language, never "t the tanh"."""
    from backpropviz import trace

    graph = trace("sum(gelu(x))", x=[1.0, -2.0, 0.5])
    for lang, said in (("en", " (t = tanh("), ("zh", "（其中 t = tanh(")):
        text = graph.explain(lang=lang)
        assert "t the tanh" not in text and said in text, (lang, text)
        assert "⊙ ((1 + t)/2 + x*(1 - t**2)" in text
