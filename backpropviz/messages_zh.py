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
    "table.shape": "形状",
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
    "word.gradient": "梯度",
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
    "lesson.statement_back": "{grad} = {value}，经过 {statement} 反向传播：",
    "lesson.statement_sum": "（读取它的 {count} 条语句传回的梯度相加）",
    "describe.title": "{expression} 的反向传播",
    "describe.step": "这一步：{caption}。",
    "describe.partway": "{expression} 的计算图，反向传播进行到一半。{step}",
    "describe.more": "（还有 {count} 个输入）",
    "describe.whole": (
        "{expression} 的计算图，输入 {values}{more}。前向传播：{out} = {value}。"
        "反向传播求出的梯度：{grads}{more}。"
    ),
    "stepper.step": "第 {step} 步，共 {steps} 步",
    "stepper.prev": "\u2190 上一步",
    "stepper.next": "下一步 \u2192",
    "stepper.prev_label": "上一步",
    "stepper.next_label": "下一步",
    "stepper.nav_label": "课程步骤",
    # --explain 和课程各帧的说明（render/explain.py、frames.py、array_explain.py）
    "explain.forward_heading": "前向传播（沿着计算图从输入到输出，算出每个节点的值）：",
    "explain.backward_heading": "反向传播（沿着计算图从输出往回，用链式法则求梯度：传回来的梯度"
                                "乘上每个门的局部梯度）：",
    "explain.input": "{name} = {value}（输入）",
    "explain.start": "{partial} = 1（从最后的输出开始，梯度当然是 1）",
    "explain.via_term": "{grad}（来自 {via}）",
    "explain.via": "来自 {via}：{use}",
    "explain.via_slot": "来自 {via}（第 {slot} 个输入）：{use}",
    "explain.local": "局部梯度 {line}",
    "explain.so": "所以往前传播的梯度是 {line}",
    "explain.dead": "{name} 不影响输出 {out}：没有梯度传回来",
    "explain.constants": "{name} 的输入都是常数：梯度不再往前传",
    "explain.sum": "{line}（它在 {count} 处被用到，各处传回的梯度相加）",
    "explain.where": "其中 {items}",
    "explain.list": "，",
    "array.backward_heading": "反向传播（沿着计算图从输出往回，用链式法则求梯度；⊙ 表示逐元素相乘，"
                              "· 表示矩阵乘法，行末方括号里是形状）：",
    "array.scalar": "标量",
    "array.summary": "{low}..{high}，范数 {norm}",
    "array.sum_uses": "它被用到的各处传回的梯度之和",
    "array.sum_n_uses": "它被用到的 {count} 处传回的梯度之和",
    "vjp.axis": "第 {axes} 轴",
    "vjp.axes": "第 {axes} 轴",
    "vjp.sum_over": "沿{where}求和 Σ {rule}",
    "vjp.batch": "沿批次求和 Σ {rule}",
    "vjp.outer": "，外积",
    "vjp.broadcast": "{shapes}：它被广播过，所以各处传回的梯度相加",
    "vjp.copied": "{g} 复制到每个元素",
    "vjp.copied_along": "{g} 沿{axis}复制",
    "vjp.mean": "{g} / {c}，复制到每个元素",
    "vjp.mean_along": "{g} / {c}，沿这条轴复制",
    "vjp.largest": "{g} 只传给最大的元素，其余为 0",
    "vjp.largest_along": "{g} 只传给沿{axis}最大的元素，其余为 0",
    "vjp.index": "{g} 只传给 [{c}]，其余为 0",
    # 其他模块直接用英文写出的文字（parse.py、values.py、frames）
    "known.unused": "'{name}'（第 {line} 行）被赋值了，但从未使用",
    "known.skipped_value": "{file}：'{name}' 不是程序中的变量；已跳过",
    "known.forward_pass": "前向传播",
    "known.backward_pass": "反向传播",
    "known.no_value": "还没有给出 {names} 的值：请用 {flags} 给出",
    "known.not_a_number": "{where}：'{text}' 不是一个数",
    "known.program_missing": "程序文件 '{path}' 不存在",
    "known.values_missing": "取值文件 '{path}' 不存在",
    "known.no_folder": "无法写出 '{path}'：文件夹 '{folder}' 不存在",
    # --help：命令和每个选项（click 自己的用语除外）
    "help.command": (
        "在表达式 EXPRESSION 上演示反向传播：画出它的计算图，做前向传播（求出每个节点的值），"
        "再做反向传播（求出输出对每个节点的梯度）。\n"
        "\n"
        "EXPRESSION 也可以是一段程序：语句之间用 ';' 或换行分开，每条语句是 NAME = 表达式"
        "或 NAME += 表达式（还有 -= *= /=），最后可以是一个单独的表达式；程序的输出是最后一条语句。"
        "用 -f FILE 或 @FILE 从文件读入，用 '-' 从标准输入读入。\n"
        "\n"
        "每个变量都要给一个值：--NAME VALUE（变量名和下面的选项重名时用 --var NAME=VALUE），"
        "或者用 --values 从 JSON 文件读入。值也可以是写成 JSON 列表的向量或矩阵："
        "--W \"[[1, 2], [3, 4]]\"。默认打印一张表；--json 打印 JSON；-o 写出 CS231n "
        "风格的电路图（.svg .png .pdf .dot .gv）、分步课程（.html 分步演示、.gif）或 JSON；"
        "--steps DIR 把课程的每一帧写到文件夹 DIR。\n"
        "\n"
        "\b\n"
        "语法：数（2、0.5、1e-3），+ - * / ** ^（乘方），负号，括号，\n"
        "{grammar}\n"
        "其余的名字都是变量。在文件里，'#' 之后是注释。\n"
        "数组：A @ B（矩阵乘法）、A.T、p[2]、A[1, 0]、sum(A)、sum(A, axis)、\n"
        "mean(A, axis=1)、max(A)、max(A, axis=0)；其余运算都逐个元素进行，并像 NumPy 一样广播。\n"
        "\n"
        "\b\n"
        "例子：\n"
        "  backpropviz \"(x+y)*z\" --x -2 --y 5 --z -4\n"
        "  backpropviz \"1/(1+exp(-(w0*x0+w1*x1+w2)))\" --w0 2 --x0 -1 --w1 -3 \\\n"
        "      --x1 -2 --w2 -3 -o sigmoid.svg\n"
        "  backpropviz \"q = x + y; f = q * z\" --x -2 --y 5 --z -4 -o staged.png\n"
        "  backpropviz -f model.bp --values vals.json --output loss\n"
        "  backpropviz \"(x+y)*z\" --x 3 --y -2 --z -4 --explain --check --lang zh\n"
        "  backpropviz \"(x+y)*z\" --x 3 --y -2 --z -4 -o lesson.html --theme dark\n"
        "  backpropviz \"sigmoid(w*x + b)\" --w 2 --x -1 --b 1 --expand --steps frames/\n"
        "  backpropviz \"(x+y)*z\" --x 3 --y -2 --z -4 --json | jq .gradients\n"
        "  backpropviz \"权重*x\" --权重 2 --x 3\n"
        "  backpropviz \"s = W @ x + b; L = logsumexp(s) - s[0]\" --W \"[[1, 2], [3, 4]]\" \\\n"
        "      --x \"[1, -1]\" --b \"[0, 1]\" --explain --unroll\n"
        "\n"
        "\b\n"
        "退出状态：0 正常；1 --check 发现有梯度不一致；\n"
        "2 输入或输出有误（消息会指出是什么、在哪里）；130 被中断；\n"
        "70 backpropviz 自身的错误（请连同命令一起报告）。\n"
    ),
    "help.program_file": "从文件 FILE 读入表达式或程序（'-' 表示标准输入）。",
    "help.var_items": "一个变量的值，可以重复给出。用于 'json'、'var' 这类和选项重名的变量。",
    "help.values_file": "从文件 FILE 中的 JSON 对象 {{name: number}} 读入变量的值（'-' 表示标准输入）。"
                        "命令行上给出的值优先；程序没有用到的名字会被跳过，并给出警告。",
    "help.output_name": "对这个被赋值的名字求导，而不是对最后一条语句。",
    "help.outputs": "把电路图（.svg .png .pdf .dot .gv）、课程（.html .gif）或 JSON（.json）"
                    "写到 PATH，可以重复给出。'-' 表示按 --format 给出的格式写到标准输出。",
    "help.output_format": "-o -（标准输出）的格式，写出它而不是打印表格（png 为二进制）："
                          "例如 -o - --format svg | rsvg-convert ...",
    "help.engine_choice": "由哪个 Graphviz 画 .svg/.png/.pdf：系统的 'dot'，随 backpropviz "
                          "一起安装的内嵌 graphviz-pure（SVG 和 PNG），或 auto：PATH 上有 dot "
                          "就用 dot，否则用内嵌的。",
    "help.steps_dir": "把课程按编号逐帧写到文件夹 DIR：先是前向传播，一个门一个门地算；"
                      "再从输出往回求梯度，每一帧都用链式法则的乘积作说明。",
    "help.transparent": ".svg、.png 和各帧用透明背景。",
    "help.title": "图上方的标题。",
    "help.plain_names": "名字按输入的样子画（w0、theta），而不是画成带下标 0 的 w 和 θ。",
    "help.expand_gates": "把 sigmoid 和 tanh 画成它们的基本门（sigmoid：*-1、exp、+1、1/x），"
                         "而不是各画成一个门。",
    "help.as_json": "在标准输出上打印 JSON（那里只有 JSON），而不是表格。",
    "help.precision": "显示的小数位数（默认：表格 4 位；图用 auto，和 CS231n 一样：全是整数时"
                      "写成 -2 这样的整数，否则一律 2 位小数）。",
    "help.collapse": "程序的每条语句只画成一个节点（节点里写出它的输入的值和梯度），"
                     "而不是画出每一个门；课程也按语句一步一步演示；JSON 里仍有每一个门。",
    "help.slide": "把 .svg 和 .png 放进一张幻灯片（1920x1080 像素，4:3 时 1440x1080），"
                  "居中并留边；字小于 24 像素时会给出提示。",
    "help.full": "在表格里把向量和矩阵完整写出（默认超过 6 个数的数组只写最小值..最大值和范数）。",
    "help.unroll": "把向量和矩阵的程序按元素展开成标量电路（W_0_1 = ...）再演示："
                   "表格、--json、--explain、电路图和课程，都是 CS231n 画的那种数。",
    "help.grad_output": "给向量或矩阵形式的输出指定初始梯度：'ones'，或者和它形状相同的 JSON "
                        "数组（默认输出必须是一个数）。",
    "help.explain": "一步一步讲解传播过程：反向传播中链式法则的每一个乘积（默认）、前向传播，"
                    "或者两者都讲。",
    "help.check": "用 sympy 和有限差分把每个梯度重新算一遍；有任何一个不一致就以状态 1 "
                  "退出（折点除外）。",
    "help.exact": "再用 sympy 精确计算每个值和梯度（分数仍是分数，exp(-1) 仍是 exp(-1)）。",
    "help.timeout": "运行超过这么多秒就停下（0 表示不限），并指出停在哪个阶段、哪个节点；"
                    "不写出任何文件。费时的是 --check、--exact 和课程的各帧。",
    "help.quiet": "不打印表格、警告、“已写出”消息和进度条（运行超过一秒时在终端上显示）。",
    "help.lang": "表格、--explain、--check、消息、课程的说明和按钮以及这份帮助所用的语言：en 或 zh"
                 "（默认：看 LC_ALL、LC_MESSAGES 或 LANG，否则为 en）。--json 在各种语言下都一样。",
    "help.steps_format": "--steps 各帧的格式。",
    "help.frame_ms": ".gif 中每一帧显示多久（毫秒）。",
    "help.direction": "输入在左边（LR）还是在上边（TB）。",
    "help.font": "图的字体：只能用字母、数字、空格、'-' 和 ','（例如 'DejaVu Sans, Arial'）。",
    "help.scale": "把 .png、.gif 和 PNG 帧的分辨率乘以这个倍数（1 = 150 dpi）。",
    "help.max_size": "程序（命令行上的、文件里的或标准输入的）和 --values 文件超过这么多个字符"
                     "就拒绝；边读边检查。",
    "help.max_draw": "计算图的节点比这多时，拒绝画 .svg/.png/.pdf（Graphviz 会急剧变慢）；"
                     ".dot 和 .json 不受限制。",
    "help.max_frames": "课程（--steps、.html、.gif）的帧数比这多时就拒绝（有 G 个门的计算图"
                       "有 2G+1 帧）。",
    "help.color": "表格和 --explain 是否用颜色：auto 表示在终端上用，除非设置了 NO_COLOR"
                  "（设置 FORCE_COLOR 则一定用）。",
    "help.theme": "图的配色——{themes}。",
    "help.help": "显示这份帮助并退出。",
    "help.version": "显示版本号并退出。",
    "help.usage": "用法：",
    "help.options": "选项",
    # 配色主题（choices.THEME_ABOUT）
    "theme.classic": "CS231n 的配色（值用绿色写在连线上方，梯度用红色写在下方）",
    "theme.dark": "深色背景上的浅色",
    "theme.print": "黑色和灰色，梯度用斜体",
    "theme.safe": "蓝色和橙色，色盲读者也分得清",
}
