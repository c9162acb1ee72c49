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
    "check.not_one_number": "跳过检查：输出不是一个数（它的梯度由 --grad-output 给出）",
    "check.sample": "有限差分只在 {count} 个元素的样本上计算（随机种子 {seed}）",
    "check.skip_elements": "跳过符号检查：变量中共有 {count} 个数（sympy 最多检查 {most} 个）；"
                           "只用有限差分检查",
    "check.skip_unrolled": "跳过符号检查：{reason}；只用有限差分检查",
    "check.unrolled_note": "在逐个元素展开的程序中：{note}",
    "check.element_kink": "{name} 位于折点",
    # --exact（symbolic.py）
    "exact.too_big_number": "精确计算：数 {text} 太大或太精确，无法精确处理",
    "exact.no_exact": "精确计算：{value} 没有精确值",
    "exact.power_digits": "精确计算：节点 {node} 中的幂大约会有 {digits} 位数字，太大，无法精确计算",
    "exact.power_root": "精确计算：节点 {node} 中的幂的指数是分数 {exponent}，没有可用的精确形式",
    "exact.power_exponent": "精确计算：节点 {node} 中的幂的指数是 {exponent}，超过了 {most}；"
                            "它的精确值太大，无法计算",
    "exact.no_result": "--exact：这里得不到精确结果（{error}）；这些值可能超出了实数范围",
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
    "run.max_frames": "这节课会有 {frames} 帧，超过了 --max-frames 的 {limit}。"
                      "请画一个小一些的计算图，试试 --collapse statements，或者调大 --max-frames",
    # HTML 分步演示自己的文字（每一帧的说明随帧给出）
    "lesson.statement_back": "{grad} = {value}，经过 {statement} 反向传播：",
    "lesson.statement_sum": "（读取它的 {count} 条语句传回的梯度相加）",
    "describe.title": "{expression} 的反向传播",
    "describe.step": "这一步：{caption}。",
    "describe.partway": "{expression} 的计算图，反向传播分步演示中的一步。{step}",
    "describe.join": "；",
    "describe.more": "（还有 {count} 个输入）",
    "describe.whole": (
        "{expression} 的计算图，输入 {values}{more}。前向传播：{out} = {value}。"
        "反向传播求出的梯度：{grads}{more}。"
    ),
    "render.unknown_format": "无法从 '{path}' 看出要写的格式：请用 {formats} 之一",
    "render.needs_engine": ".{fmt} 需要 Graphviz 来画",
    "render.gif_too_big": (
        "这个 GIF 的 {frames} 帧每帧都有 {width} x {height} 像素，即 {millions} 百万像素"
        "（--scale {scale}），超过了每帧 {limit} 百万像素的上限：请调小 --scale、画更小的计算图，"
        "或者把课程写成 .html 或 --steps 的帧"
    ),
    "kink.at_zero": "{name} 在 0 处",
    "kink.tie": "{name} 的两个输入都是 {at}",
    "grammar.functions": "{functions}，常数 {constants}。",
    "grammar.and": " 和 ",
    "vjp.t_tanh": "（其中 t = tanh(√(2/π)·({x} + 0.044715·{x}³))）",
    "word.stdin": "标准输入",
    "word.json_str": "一个字符串",
    "word.json_list": "一个数组",
    "word.json_int": "一个数",
    "word.json_float": "一个数",
    "word.json_bool": "一个布尔值",
    "word.json_null": "空值（null）",
    "os.no_such_file": "没有这个文件或文件夹",
    "os.permission": "没有权限",
    "os.not_permitted": "不允许这样操作",
    "os.no_space": "磁盘已满",
    "os.is_directory": "这是一个文件夹",
    "os.not_directory": "路径中有一部分不是文件夹",
    "os.read_only": "文件系统是只读的",
    "os.exists": "文件已存在",
    "explain.use_form": "{up} · {down} = {upstream} · {form} = {upstream} · {local} {equals} "
                        "{grad}（局部梯度 {down} = {form}，所以往前传播的梯度是 {grad}）",
    "explain.use_plain": "{up} · {down} = {upstream} · {local} {equals} {grad}"
                         "（局部梯度 {down} = {local}，所以往前传播的梯度是 {grad}）",
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
    "explain.version": "{version} 是执行 {statement} 之后的 {name}",
    "explain.versions": "再次赋值的名字：{items}",
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
    # 警告：每个键就是 --json 里这条警告的固定代码（warn.*）
    "warn.unused_name": "'{name}'（第 {line} 行）被赋值了，但从未使用",
    "warn.unused_value": "{file}：'{name}' 不是程序中的变量；已跳过",
    "word.element": "{word} {index} ",
    # 一般的错误
    "error.at": "{where}：{message}",
    "error.did_you_mean": "；是不是想写 '{name}'？",
    "error.names_more": "{shown}{sep}...（共 {count} 个）",
    # 程序文本的错误（parse.py）；带位置的错误在末尾注明位置
    "parse.located": "{reason}（{where}）{hint}",
    "parse.at_line": "第 {line} 行第 {column} 列",
    "parse.at_column": "第 {column} 列",
    "parse.end_of_expression": "表达式的结尾",
    "parse.end_of_line": "行尾",
    "parse.token": " {token}",
    "parse.argument": "1 个参数",
    "parse.arguments": "{count} 个参数",
    "parse.arguments_1_or_2": "1 个或 2 个参数",
    "parse.hint_supported": "；支持的函数有：{functions}",
    "parse.unexpected_char": "无法识别的字符 {char}",
    "parse.assign_misplaced": "'{tok}' 只能跟在语句开头的名字后面",
    "parse.axis_misplaced": "'axis=' 用来指定 sum()、mean() 或 max() 的轴，要写在它们的第一个参数之后",
    "parse.hint_axis": "：例如 max(A, axis=0)",
    "parse.bare_not_last": "只有最后一条语句可以是不赋值的表达式",
    "parse.hint_name_it": "；请给它起个名字（name = ...）",
    "parse.assign_function": "不能给 '{name}' 赋值：它是一个函数",
    "parse.used_before": "'{name}' 在赋值之前就被使用了",
    "parse.hint_aug": "（{aug} 要求它之前已经有值）",
    "parse.hint_assigned_on": "（它到第 {line} 行才被赋值）",
    "parse.never_closed": "'(' 没有闭合",
    "parse.needs_arguments": "{func}() 需要 {arguments}",
    "parse.expected_operand": "这里应该是一个数、一个名字或 '('，却遇到了{found}",
    "parse.is_function": "'{func}' 是一个函数：请写成 {func}(...)",
    "parse.comma_outside": "',' 出现在函数调用之外",
    "parse.transpose_call": "'.T' 表示转置，不是函数调用：请写 A.T，不要加 '()'",
    "parse.unknown_function": "未知的函数 '{name}'",
    "parse.hint_multiply": "；乘法要写 '*'：{left}*{right}",
    "parse.expected_operator": "这里应该是一个运算符，却遇到了{found}",
    "parse.hint_open_paren": "；第 {line} 行第 {column} 列的 '(' 还没有闭合",
    "parse.unmatched_close": "')' 没有与之配对的 '('",
    "parse.axis_once": "{func}() 只能写一次 'axis='，而且要写在第一个参数之后",
    "parse.takes_arguments": "{func}() 接受 {arguments}，这里却有 {count} 个",
    "parse.axis_whole": "{func}() 的轴必须是整数，例如 0 或 -1",
    "parse.expected_index": "下标应该是一个整数，却遇到了{found}",
    "parse.hint_index": "：下标是常数，例如 p[2] 或 A[1, 0]",
    "parse.number_indexed": "不能对一个数取下标",
    "parse.expected_comma_bracket": "这里应该是 ',' 或 ']'，却遇到了{found}",
    "parse.method_arguments": "{func}() 接受 {arguments}：请写成 {func}(...)，而不是 .{func}()",
    "parse.expected_method": "'.' 后面应该是函数名，却遇到了{found}",
    "parse.expected_open_after": "'.{func}' 后面应该是 '('，却遇到了{found}",
    "parse.hint_write_method": "；请写成 .{func}()",
    "parse.expected_close_after": "'.{func}(' 后面应该是 ')'，却遇到了{found}",
    "parse.hint_no_argument": "；.{func}() 不接受参数：请写成 {func}(x) 或 x.{func}()",
    "parse.empty": "表达式是空的",
    "parse.none": "无",
    "parse.no_statement_assigns": "没有哪条语句给 '{name}' 赋值（已赋值的名字：{assigned}）",
    # 形状的错误（ops.py、tensor.py）
    "shape.matmul_number": "无法计算 {a} @ {b}：'@' 只用于向量或矩阵（数的乘法请用 '*'）",
    "shape.matmul_inner": "无法计算 {a} @ {b}：内侧的维数 {x} 和 {y} 不相等",
    "shape.broadcast": "无法广播 {a} {op} {b}：维数 {x} 和 {y} 不相等，而且都不是 1",
    "shape.axis_range": "轴 {axis} 超出了形状 {shape} 的范围{more}",
    "shape.number_no_axes": "（一个数没有轴）",
    "shape.too_many_indices": "形状 {shape} 只有 {axes} 个轴，却给了 {count} 个下标{more}",
    "shape.too_many_indices_1": "形状 {shape} 只有 {axes} 个轴，却给了 {count} 个下标{more}",
    "shape.number_no_index": "（不能对一个数取下标）",
    "shape.index_range": "下标 {index} 超出了范围：形状 {shape} 的轴 {axis} 长度为 {size}",
    "shape.needs_array": "{func}() 需要向量或矩阵，而不是一个数",
    "shape.output_not_number": "输出 '{name}' 的形状是 {shape}：反向传播要从一个数（损失）开始："
                               "请在它外面套上 sum(...) 或 mean(...)，或者用 --grad-output ones"
                               "（或者一个同样形状的 JSON 数组）给出它的梯度",
    "shape.grad_output": "--grad-output 的形状是 {given}，但输出的形状是 {shape}",
    # 取值的错误（values.py）
    "values.empty_list": "{where}：空列表里没有数",
    "values.ragged": "{where}：数组不规整：第 {depth} 层下标为 {item} 的一项{what}，而第一项有 {items}"
                     "（每一行的长度必须相同）",
    "values.row_has": "有 {items}",
    "values.row_is": "是 {value}",
    "values.item": "1 项",
    "values.items": "{count} 项",
    "values.too_deep": "{where}：嵌套超过了 {rank} 层（最多 {rank} 个轴）",
    "values.too_many": "{where}：数的个数超过了 {count}",
    "values.ragged_list": "{where}：数组不规整：第 {depth} 层下标为 {item} 的一项是列表，而其他项是数"
                          "（每一行的长度必须相同）",
    "values.not_a_number_json": "{where}：{value} 不是一个数",
    "values.bad_shape": "{where}：不允许形状 {shape}（数的个数要在 1 到 {most} 之间，最多 "
                        "{rank} 个轴）",
    "values.element_not_finite": "{where}：元素 {index} 不是有限的数",
    "values.nested_too_deeply": "嵌套太深",
    "values.not_a_list": "{where}：'{text}' 不是由数组成的列表（{reason}）",
    "values.not_a_number": "{where}：'{text}' 不是一个数",
    "values.not_finite": "{where}：'{text}' 不是有限的数",
    "values.var_item": "--var 的格式应该是 NAME=VALUE，这里却是 '{item}'",
    "values.value_of": "'{name}' 的值",
    "values.value_in": "{where}：'{name}' 的值",
    "values.file_not_a_number": "{where}：'{name}' 的值不是一个数：{value}",
    "values.file_not_finite": "{where}：'{name}' 的值不是有限的数",
    "values.bad_json": "{where}：不是有效的 JSON：{reason}（第 {line} 行第 {column} 列）",
    "values.given_twice": "{where}：'{name}' 给出了不止一次{also}",
    "values.also_spelled": "（也写作 '{name}'）",
    "values.also_as": "（还用 {where} 给出过）",
    "values.too_many_digits": "有个数的位数太多",
    "values.file_too_deep": "{where}：嵌套太深；应该是一个“名字: 数”形式的 JSON 对象",
    "values.not_an_object": "{where}：应该是一个“名字: 数”形式的 JSON 对象，这里却是{got}",
    "values.too_large": "'{name}' 的值太大，超出了浮点数的范围（最大约 1.8e308）",
    "values.not_finite_number": "'{name}' 的值不是有限的数（{number}）",
    "values.is_constant": "'{name}' 是一个常数，不是变量",
    "values.is_function": "'{name}' 是一个函数，不是变量",
    "values.no_such_variable": "表达式里没有变量 '{name}'{hint}（它的变量有：{known}）",
    "values.no_value": "还没有给出 {names} 的值",
    "values.no_value_pass": "还没有给出 {names} 的值：请用 {flags} 给出",
    # 读取程序或取值（sources.py）
    "source.program_file": "程序文件",
    "source.values_file": "取值文件",
    "source.program": "程序",
    "source.values": "取值",
    "source.missing": "{what} '{path}' 不存在",
    "source.folder": "{what} '{path}' 是一个文件夹，不是文件",
    "source.unreadable": "无法读取{what} '{path}'：{error}",
    "source.stdin": "无法从标准输入读取{noun}：{reason}",
    "source.stdin_closed": "标准输入已关闭",
    "source.values_flag": "（--values）",
    "source.too_long": "{path}{flag} 超过了 --max-size 的 {limit} 个字符；要接受它，请调大 "
                       "--max-size",
    "source.not_utf8": "{what} '{path}' 不是 UTF-8 文本（第 {byte} 个字节）",
    # 写出结果（files.py）
    "file.ends_in_slash": "无法写出 '{path}'：以 '/' 结尾的路径表示文件夹；请给出文件名",
    "file.no_folder": "无法写出 '{path}'：文件夹 '{folder}' 不存在",
    "file.is_folder": "无法写出 '{path}'：它是一个文件夹",
    "file.read_only": "无法写出 '{path}'：它是只读的",
    "file.folder_not_writable": "无法写出 '{path}'：文件夹 '{folder}' 不可写",
    "file.cannot_write": "无法写出 '{path}'：{error}",
    "file.steps_is_file": "--steps '{path}'：它是一个文件，不是文件夹",
    "file.steps_no_folder": "--steps '{path}'：文件夹 '{folder}' 不存在",
    "file.steps_not_writable": "--steps '{path}'：文件夹 '{folder}' 不可写",
    # --timeout（budget.py）与进度条（progress.py）
    "budget.out_of_time": "{phase}：已用 {spent} 秒（{option}{joiner}{seconds}），停在{where}"
                          "{more}；要多等一会儿，请调大 {option_name}",
    "budget.worker_stopped": "{phase}：工作进程停在{where}时被终止了，很可能是内存不足",
    "budget.phase_evaluate": "求值",
    "budget.phase_render": "渲染",
    "budget.its_start": "开头",
    "budget.at_value": "节点 {node}（{text}）",
    "budget.at_gradient": "节点 {node}（{text}）的梯度",
    "budget.at_derivative": "对节点 {node}（{text}）的符号求导",
    "budget.at_difference": "节点 {node}（{text}）的有限差分",
    "budget.at_formula": "节点 {node}（{text}）的局部梯度公式",
    "budget.after_passes": "前向传播和反向传播的末尾",
    "budget.after_render": "渲染结束、写出文件之前",
    "budget.forward_steps": "前向传播的步骤",
    "budget.frame": "第 {frame} 帧（共 {total} 帧）",
    "budget.digits_more": "；它的精确值大约有 {digits}",
    "budget.digits": "{number} 位数字",
    "budget.digits_scaled": "{number} {scale}位数字",
    "budget.million": "百万",
    "budget.billion": "十亿",
    "budget.trillion": "万亿",
    "progress.parse": "解析",
    "progress.evaluate": "求值",
    "progress.render": "渲染",
    "progress.phase": "阶段",
    # Graphviz（render/engines.py）
    "engine.system_dot": "系统的 Graphviz dot",
    "engine.embedded": "内置的 graphviz-pure",
    "engine.install": "请安装 Graphviz（Debian/Ubuntu：apt install graphviz；macOS：brew "
                      "install graphviz；conda：conda install graphviz）",
    "engine.needs_system": ".{fmt} 需要系统的 Graphviz（{engine} 只能写出 {formats}）：{install}，"
                           "或者改为写出 .svg 或 .png",
    "engine.graphviz_run": "一次 Graphviz 运行（{engine}，.{fmt}）",
    "engine.cannot_run": "无法运行 {executable}：{error}",
    "engine.exit_status": "退出状态 {code}",
    "engine.failed": "Graphviz（{engine}）无法渲染 .{fmt}：{detail}",
    "engine.dot_missing": "渲染 .{fmt} 需要 Graphviz 的 'dot' 程序，但没有找到它：{install}",
    "engine.dot_failed": "Graphviz 无法渲染 .{fmt}：{detail}",
    "engine.dot_not_on_path": "--engine dot：PATH 中没有 Graphviz 的 'dot'：{install}，或者改用 "
                              "--engine embedded",
    "engine.none": "没有可以用来画图的 Graphviz：内置的 graphviz-pure 没有安装（pip install "
                   "graphviz-pure），PATH 中也没有 'dot'；{install}，或者改为写出 .dot 或 .json",
    "cli.engine": "（{engine}）",
    # 写出图片时的提示（render/diagram.py、render/slide.py）
    "note.png_scaled": "PNG 已缩小到 {width} x {height} 像素（每边最多 {most} 像素）；要看全部细节，"
                       "请写出 .svg",
    "note.missing_glyphs": "内置引擎没有 {chars} 等 {count} 个字的字形（在 .png 和 .gif 中会画成方框）：请安装 "
                           "Graphviz 和一种中日韩字体（Debian：apt install graphviz "
                           "fonts-noto-cjk），或者写出 .svg，浏览器会用自己的字体来显示",
    "note.slide_html": "--slide 让图片（.svg、.png、.gif）适配幻灯片；HTML 课程会适配"
                       "显示它的窗口",
    "note.slide_steps": "--slide 让图片（.svg、.png、.gif）适配幻灯片；--steps 的各帧"
                        "保持自己的大小（整张图放上幻灯片：-o 名字.png --slide）",
    "note.small_text": "在 {width}x{height} 的幻灯片上，最小的文字只有 {px} 像素（小于 {least}，"
                       "坐在教室后排很难看清）：可以试试 --collapse statements，"
                       "或者只画程序的一部分",
    "note.small_text_collapsed": "在 {width}x{height} 的幻灯片上，最小的文字只有 {px} 像素（小于 "
                                 "{least}，坐在教室后排很难看清）：可以只画程序的一部分",
    "note.gif_small_text_collapsed": "GIF 的每一帧要缩到 {width}x{height} 像素以内，这时最小的文字"
                                     "只有 {px} 像素：可以把课程写成 .html（它会放大到每一步），"
                                     "或者调大 --scale",
    "note.gif_small_text": "GIF 的每一帧要缩到 {width}x{height} 像素以内，这时最小的文字只有 {px} "
                           "像素：可以把课程写成 .html（它会放大到每一步），调大 --scale，"
                           "或者试试 --collapse statements",
    # 数组相关选项的错误（run.py、unroll.py）
    "run.exact_arrays": "--exact 只适用于数；向量和矩阵请用 --check（它的 sympy 检查会把最多 64 "
                        "个数的数组逐个元素展开）",
    "run.unroll_grad_output": "--unroll 要求输出是一个数（不能用 --grad-output）",
    "run.unroll_no_arrays": "--unroll 会把向量和矩阵逐个元素展开；这个程序里没有向量或矩阵",
    "run.unroll_too_big": "逐个元素展开后，程序有 {gates} 个标量门，超过了上限 {limit}：请展开一个"
                          "更小的例子（更少的行、更小的批量）",
    "run.unroll_would_be_big": "逐个元素展开后，程序大约会有 {gates} 个标量门，超过了上限 {limit}："
                               "请展开一个更小的例子（更少的行、更小的批量）",
    "run.unroll_output": "只有输出是一个数的程序才能展开",
    "run.grad_output": "--grad-output：应该是 'ones' 或者一个与输出形状相同的 JSON 数组，而不是 "
                       "'{text}'",
    # 其他模块直接用英文写出的文字（frames）
    "known.forward_pass": "前向传播",
    "known.backward_pass": "反向传播",
    # click 对错误选项的说法（click 用英文写出）
    "known.click_invalid": "{param} 的值无效：{reason}",
    "known.click_range": "{value} 不在 {range} 的范围内",
    "known.click_choice": "{value} 不是 {choices} 中的一个",
    "known.click_not_float": "{value} 不是有效的数",
    "known.click_not_float_range": "{value} 不是有效的数",
    "known.click_not_integer": "{value} 不是有效的整数",
    "known.click_not_integer_range": "{value} 不是有效的整数",
    "known.click_not_whole_number": "{value} 不是有效的整数",
    "known.click_number_range": "{value} 不是 {range} 范围内的数",
    "known.click_no_value": "选项 {option} 不接受值",
    "known.click_extra": "多出了参数：{words}",
    "known.click_extras": "多出了参数：{words}",
    # Python 的 json 对不是 JSON 的取值文件的说法
    "known.json_value": "这里应该是一个值",
    "known.json_name": "这里应该是用双引号括起来的名字",
    "known.json_colon": "这里应该是分隔符 ':'",
    "known.json_comma": "这里应该是分隔符 ','",
    "known.json_extra": "后面多出了内容",
    "known.json_string": "字符串没有结束",
    "known.json_control": "字符串里有无效的控制字符",
    "known.json_escape": "无效的转义符 '\\'",
    "known.text_not_utf8": "它不是 UTF-8 文本（第 {at} 个字符）",
    "known.text_invisible": "它在第 {at} 个字符处有一个看不见的格式字符 {char}；请用可打印的文字",
    "known.text_control": "它在第 {at} 个字符处有控制字符 {char}；请用可打印的文字",
    "known.font_no_letters": "字体名里要有字母，例如 Helvetica 或 'DejaVu Sans, Arial'",
    "known.font_too_long": "字体名最多 {limit} 个字符，这里有 {length} 个",
    "known.font_character": "第 {at} 个字符 {char} 不允许出现：字体名只能有字母、数字、空格、'-' 和 ','",
    "known.click_choice_one": "{value} 不是 {choice}（只能是它）",
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
    "help.no_wrap": "宽的电路图也只画成一行。默认情况下，如果 .svg、.png 或 .pdf 放到 1920x1080 "
                    "的幻灯片上最小的字不到 16 像素，就像 --slide 那样分成几行、用更大的字来画"
                    "（但保持它自己的大小）。",
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
                       "有 2G+1 帧；用 --collapse statements 时，S 条语句有 2S+1 帧）。",
    "help.color": "表格和 --explain 是否用颜色：auto 表示在终端上用，除非设置了 NO_COLOR"
                  "（设置 FORCE_COLOR 则一定用）。",
    "help.theme": "图的配色——{themes}。",
    "help.help": "显示这份帮助并退出。",
    "help.version": "显示版本号并退出。",
    "help.usage": "用法：",
    "help.options": "选项",
    "help.options_heading": "选项：",
    # 配色主题（choices.THEME_ABOUT）
    "theme.classic": "CS231n 的配色（值用绿色写在连线上方，梯度用红色写在下方）",
    "theme.dark": "深色背景上的浅色",
    "theme.print": "黑色和灰色，梯度用斜体",
    "theme.safe": "蓝色和橙色，色盲读者也分得清",
}
