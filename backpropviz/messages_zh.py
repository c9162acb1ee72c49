"""中文消息：键 -> ``str.format`` 模板，与 :mod:`backpropviz.messages_en` 一一对应
（见 :mod:`backpropviz.lang`）。术语与 CS231n 反向传播教程的中文版一致：计算图、节点、门、
值、梯度、局部梯度、链式法则、前向传播、反向传播。"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # 前向传播与反向传播的表
    "table.number": "#",
    "table.name": "名称",
    "table.gate": "门",
    "table.computes": "计算",
    "table.value": "值",
    "table.grad": "梯度",
    "table.exact_value": "精确值",
    "table.exact_grad": "精确梯度",
    "table.input": "输入",
    "table.const": "常数",
    "table.output": "输出  {name} = {value}",
    "table.exactly": "  （精确值 {exact}）",
    # --check 的报告
    "check.variable": "变量",
    "check.backprop": "反向传播",
    "check.sympy": "sympy",
    "check.rel_err": "相对误差",
    "check.finite_diff": "有限差分",
    "check.status": "结果",
    "check.skipped": "跳过",
    "status.ok": "一致",
    "status.kink": "折点",
    "status.undefined": "无定义",
    "status.mismatch": "不一致",
    "check.note": "注：{note}",
    "check.at_kink": "该点位于折点：{kinks}。折点处左右两侧的导数不同；反向传播沿用 PyTorch "
                     "的约定（relu'(0) = abs'(0) = 0，相等时梯度平分，d/dy 0**y = 0），"
                     "sympy 和有限差分则取两侧的平均，或者求不出导数。",
    "check.failed": "检查未通过：有梯度不一致（标有 !）",
    "check.passed_kink": "检查通过：除折点外，所有梯度都一致",
    "check.passed_undefined": "检查通过：在有定义的地方，梯度都一致（此处无定义：{names}）",
    "check.passed": "检查通过：所有梯度都一致",
    "check.kink_node": "{where}（节点 {node}）",
    "check.skip_huge": "跳过符号检查：节点 {node} 的值是 {value}，太大，无法精确计算；"
                       "只用有限差分检查",
    "check.skip_power": "跳过符号检查：节点 {node} 的幂的指数是 {exponent}，太大，无法精确计算；"
                        "只用有限差分检查",
    "check.skip_limit": "跳过符号检查：{reason}",
    "check.skip_sympy": "跳过符号检查：sympy 在这里求不出结果（{error}）；只用有限差分检查",
    "check.skip_nested": "跳过符号检查：表达式嵌套太深，sympy 处理不了；只用有限差分检查",
    "check.skip_size": "跳过符号检查：计算图有 {nodes} 个节点（上限 {limit}）；只用有限差分检查",
    "check.nonfinite": "输出在这一点是 {value}：函数在这里没有有限的值，也就没有梯度可以检查"
                       "（sympy 和有限差分也许仍能求出极限）",
    # 警告、说明和写出的文件（标准错误输出）
    "cli.warning": "警告：{message}",
    "cli.note": "注：{note}",
    "cli.wrote": "已写出 {where}{how}",
    "cli.wrote_frames": "已把 {count} 帧写到 {folder}{how}",
    "cli.to_stdout": "{format} 到标准输出",
    "cli.error": "错误：{message}",
    "cli.check_failed": "错误：--check 发现有梯度不一致",
    "cli.stdout_failed": "无法写到标准输出：{error}",
    "cli.output_failed": "错误：无法写出结果：{error}",
    "cli.interrupted": "已中断",
    "cli.too_deep": "错误：输入嵌套太深，无法完成这一步",
    "cli.out_of_memory": "错误：内存不足：输入太大",
    "cli.internal": "backpropviz：内部错误（{error}）；请连同出错的命令一起报告",
    "cli.needs_value": "{option} 需要一个值",
    "cli.takes": "{option} 可取 {choices} 或 {last}，不能是 '{word}'",
    "cli.see_help": "{message}（见 backpropviz --help）",
    "cli.no_such_option": "没有这个选项：{option}{hint}",
    "cli.no_such_option_dash": "没有这个选项 --{option}{hint}",
    "cli.did_you_mean": "（是不是想用 --{option}？）",
    "cli.variable_needs_value": "{option} 需要一个值：{option} VALUE",
    "warn.nonfinite": "节点 {node}（{label}：{computes}）的{what}是 {number}",
    "word.value": "值",
    "word.grad": "梯度",
    # 选项的错误（run.py）
    "run.format_without_stdout": "--format 指定的是 -o -（标准输出）的格式；请给出 -o -",
    "run.one_stdout": "只能有一个输出写到标准输出：-o - 只给一次，且不要同时用 --json",
    "run.format_of_file": "--format 指定的是 -o -（标准输出）的格式；文件的格式由扩展名决定",
    "run.stdout_format": "-o -（标准输出）需要 --format {formats}",
    "run.steps_folder": "--steps 需要一个文件夹名（不存在时会新建）",
    "run.font": "--font '{font}'：{problem}",
    "run.title": "--title：{problem}",
    "run.file_name": "{option} 需要一个文件名（'-' 表示标准输入）",
    "run.program_twice": "程序只能用一种方式给出：EXPRESSION 或 -f，不能两个都用",
    "run.not_utf8": "表达式不是 UTF-8 文本（第 {index} 个字符）",
    "run.no_expression": "没有表达式：请给出 EXPRESSION、-f FILE、@FILE，或用 - 表示标准输入",
    "run.both_stdin": "程序和 --values 不能都来自标准输入",
    "run.too_long": "{what}超过了 --max-size 的 {limit} 个字符；要接受它，请调大 --max-size",
    "run.the_expression": "表达式",
    "run.max_draw": "计算图有 {nodes} 个节点，超过了 --max-draw 的 {limit}：Graphviz 画 {path} "
                    "要好几分钟。请改为写出 .dot 或 .json，或者调大 --max-draw",
    "run.max_frames": "这节课会有 {frames} 帧，超过了 --max-frames 的 {limit}：每一帧都要运行一次 "
                      "Graphviz。请画一个小一些的计算图，或者调大 --max-frames",
    # HTML 分步演示自己的文字（每一帧的说明随帧给出）
    "stepper.step": "第 {step} 步，共 {steps} 步",
    "stepper.prev": "\u2190 上一步",
    "stepper.next": "下一步 \u2192",
    "stepper.prev_label": "上一步",
    "stepper.next_label": "下一步",
    "stepper.nav_label": "课程步骤",
    # 其他模块直接用英文写出的文字（parse.py、values.py、frames）
    "known.unused": "'{name}'（第 {line} 行）被赋值了，但从未使用",
    "known.skipped_value": "{file}：'{name}' 不是程序中的变量；已跳过",
    "known.forward_pass": "前向传播",
    "known.backward_pass": "反向传播",
    "known.no_value": "还没有给出 {names} 的值：请用 {flags} 给出",
    "known.not_a_number": "{where}：'{text}' 不是一个数",
}
