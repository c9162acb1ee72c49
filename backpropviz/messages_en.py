"""The English messages: key -> ``str.format`` template (see :mod:`backpropviz.lang`).

Keys starting ``known.`` are text other modules build in English as they are; printing
matches it against these templates to say it in another language."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # the table of the forward and reverse pass
    "table.number": "#",
    "table.name": "name",
    "table.gate": "gate",
    "table.computes": "computes",
    "table.shape": "shape",
    "table.value": "value",
    "table.grad": "grad",
    "table.exact_value": "exact value",
    "table.exact_grad": "exact grad",
    "table.input": "input",
    "table.const": "const",
    "table.output": "output  {name} = {value}",
    "table.exactly": "  (exactly {exact})",
    # the --check report
    "check.variable": "variable",
    "check.backprop": "backprop",
    "check.sympy": "sympy",
    "check.rel_err": "rel err",
    "check.finite_diff": "finite diff",
    "check.status": "status",
    "check.skipped": "skipped",
    "status.ok": "ok",
    "status.kink": "kink",
    "status.undefined": "undefined",
    "status.mismatch": "mismatch",
    "check.note": "note: {note}",
    "check.at_kink": "at a kink: {kinks}. One-sided derivatives differ there; backprop "
                     "follows PyTorch (relu'(0) = abs'(0) = 0, ties split evenly, d/dy 0**y "
                     "= 0), sympy and finite differences average the sides or find no "
                     "derivative.",
    "check.failed": "check FAILED: some gradients disagree (marked !)",
    "check.passed_kink": "check passed: the gradients agree except at the kink",
    "check.passed_undefined": "check passed: the gradients agree where they are defined "
                              "(undefined here: {names})",
    "check.passed": "check passed: all gradients agree",
    "check.kink_node": "{where} (node {node})",
    "check.skip_huge": "symbolic check skipped: node {node} is {value}, too large for exact "
                       "evaluation; finite differences only",
    "check.skip_power": "symbolic check skipped: the power in node {node} has exponent "
                        "{exponent}, too large for exact evaluation; finite differences only",
    "check.skip_limit": "symbolic check skipped: {reason}",
    "check.skip_sympy": "symbolic check skipped: sympy has no answer here ({error}); finite "
                        "differences only",
    "check.skip_nested": "symbolic check skipped: the expression is nested too deeply for "
                         "sympy; finite differences only",
    "check.skip_size": "symbolic check skipped: {nodes} nodes (limit {limit}); finite "
                       "differences only",
    "check.nonfinite": "the output is {value} at this point: the function has no finite "
                       "value here, so it has no gradient to check (sympy and finite "
                       "differences may still find a limit)",
    "check.not_one_number": "check skipped: the output is not one number (it was seeded "
                            "with --grad-output)",
    "check.sample": "finite differences on a sample of {count} elements (seed {seed})",
    "check.skip_elements": "symbolic check skipped: {count} numbers in the variables (sympy "
                           "checks up to {most}); finite differences only",
    "check.skip_unrolled": "symbolic check skipped: {reason}; finite differences only",
    "check.unrolled_note": "in the program written out element by element: {note}",
    "check.element_kink": "{name} is at a kink",
    # --exact (symbolic.py)
    "exact.too_big_number": "exact arithmetic: the number {text} is too large or too precise "
                            "to handle exactly",
    "exact.no_exact": "exact arithmetic: {value} has no exact value",
    "exact.power_digits": "exact arithmetic: the power in node {node} would have about "
                          "{digits} digits, too large to compute exactly",
    "exact.power_root": "exact arithmetic: the power in node {node} has the fractional "
                        "exponent {exponent}, which has no usable exact form",
    "exact.power_exponent": "exact arithmetic: the power in node {node} has exponent "
                            "{exponent}, more than {most}; its exact value would be too large "
                            "to compute",
    "exact.no_result": "--exact: no exact result here ({error}); the values may leave the "
                       "real numbers",
    # warnings, notes and what was written (stderr)
    "cli.warning": "warning: {message}",
    "cli.note": "note: {note}",
    "cli.wrote": "wrote {where}{how}",
    "cli.wrote_frames": "wrote {count} frames to {folder}{how}",
    "cli.to_stdout": "{format} to stdout",
    "cli.error": "Error: {message}",
    "cli.check_failed": "error: --check found gradients that disagree",
    "cli.stdout_failed": "cannot write to stdout: {error}",
    "cli.output_failed": "Error: cannot write the output: {error}",
    "cli.interrupted": "interrupted",
    "cli.too_deep": "Error: the input is nested too deeply for this operation",
    "cli.out_of_memory": "Error: out of memory: the input is too big",
    "cli.internal": "backpropviz: internal error ({error}); please report it with the "
                    "command that caused it",
    "cli.needs_value": "{option} needs a value",
    "cli.takes": "{option} takes {choices} or {last}, not '{word}'",
    "cli.see_help": "{message} (see backpropviz --help)",
    "cli.no_such_option": "no such option: {option}{hint}",
    "cli.no_such_option_dash": "no such option --{option}{hint}",
    "cli.did_you_mean": " (did you mean --{option}?)",
    "cli.variable_needs_value": "{option} needs a value: {option} VALUE",
    "warn.nonfinite": "the {what} of node {node} ({label}: {computes}) is {number}",
    "word.value": "value",
    "word.gradient": "gradient",
    # errors of the options (run.py)
    "run.format_without_stdout": "--format is the format of -o - (stdout); give -o -",
    "run.one_stdout": "only one output can go to stdout: give -o - once, without --json",
    "run.format_of_file": "--format is the format of -o - (stdout); a file's format comes "
                          "from its extension",
    "run.steps_folder": "--steps needs a folder name (it is made if missing)",
    "run.stdout_format": "-o - (stdout) needs --format {formats}",
    "run.font": "--font '{font}': {problem}",
    "run.title": "--title: {problem}",
    "run.file_name": "{option} needs a file name ('-' for stdin)",
    "run.program_twice": "give the program either as EXPRESSION or with -f, not both",
    "run.not_utf8": "the expression is not UTF-8 text (character {index})",
    "run.no_expression": "no expression: give EXPRESSION, -f FILE, @FILE, or - for stdin",
    "run.both_stdin": "the program and --values cannot both come from stdin",
    "run.too_long": "{what} is longer than --max-size {limit} characters; raise --max-size "
                    "to accept it",
    "run.the_expression": "the expression",
    "run.max_draw": "the graph has {nodes} nodes, more than --max-draw {limit}: Graphviz "
                    "would take minutes to draw {path}. Write .dot or .json instead, or "
                    "raise --max-draw",
    "run.max_frames": "the lesson would have {frames} frames, more than --max-frames "
                      "{limit}. Draw a smaller graph, try --collapse statements, or raise "
                      "--max-frames",
    # the HTML stepper's own words (its captions come with the frames)
    "lesson.statement_back": "{grad} = {value} goes back through {statement}:",
    "lesson.statement_sum": "(sum over the {count} statements that read it)",
    "describe.title": "Backpropagation through {expression}",
    "describe.step": " This step: {caption}.",
    "describe.partway": (
        "Computation graph of {expression}, one step of its backpropagation lesson.{step}"
    ),
    "describe.join": "; ",
    "describe.more": " (and {count} more inputs)",
    "describe.whole": (
        "Computation graph of {expression} at {values}{more}. Forward pass: {out} = {value}. "
        "Reverse pass, the gradients: {grads}{more}."
    ),
    "render.unknown_format": "cannot tell the format of '{path}': use one of {formats}",
    "render.needs_engine": ".{fmt} needs a Graphviz engine",
    "render.gif_too_big": (
        "the GIF's {frames} frames would each be {width} x {height} pixels, {millions} "
        "million (at --scale {scale}), more than the limit of {limit} million a frame: lower "
        "--scale, draw a smaller graph, or write the lesson as .html or --steps frames"
    ),
    "kink.at_zero": "{name} at 0",
    "kink.tie": "{name} tie at {at}",
    "grammar.functions": "{functions}, the constants {constants}.",
    "grammar.and": " and ",
    "vjp.t_tanh": " (t = tanh(√(2/π)·({x} + 0.044715·{x}³)))",
    "word.stdin": "stdin",
    "word.json_str": "str",
    "word.json_list": "list",
    "word.json_int": "int",
    "word.json_float": "float",
    "word.json_bool": "bool",
    "word.json_null": "null",
    "os.no_such_file": "No such file or directory",
    "os.permission": "Permission denied",
    "os.not_permitted": "Operation not permitted",
    "os.no_space": "No space left on device",
    "os.is_directory": "Is a directory",
    "os.not_directory": "Not a directory",
    "os.read_only": "Read-only file system",
    "os.exists": "File exists",
    "explain.use_form": "{up} · {down} = {upstream} · {form} = {upstream} · {local} {equals} "
                        "{grad}",
    "explain.use_plain": "{up} · {down} = {upstream} · {local} {equals} {grad}",
    "stepper.step": "Step {step} of {steps}",
    "stepper.prev": "\u2190 Prev",
    "stepper.next": "Next \u2192",
    "stepper.prev_label": "Previous step",
    "stepper.next_label": "Next step",
    "stepper.nav_label": "Lesson steps",
    # --explain and the lesson captions (render/explain.py, frames.py, array_explain.py)
    "explain.forward_heading": "Forward pass (values, inputs to output):",
    "explain.backward_heading": "Backward pass (gradients by the chain rule, output to inputs):",
    "explain.input": "{name} = {value}  (input)",
    "explain.start": "{partial} = 1  (start at the output)",
    "explain.via_term": "{grad} (via {via})",
    "explain.via": "via {via}: {use}",
    "explain.via_slot": "via {via} (input {slot}): {use}",
    "explain.local": "local gradient {line}",
    "explain.so": "{line}",  # a frame's first product, after its local gradients
    "explain.dead": "{name} does not feed the output {out}: nothing flows back",
    "explain.constants": "{name} reads only constants: nothing flows further back",
    "explain.sum": "{line}  (sum over its {count} uses)",
    "explain.where": "where {items}",
    "explain.version": "{version} is {name} after {statement}",
    "explain.versions": "Names assigned again: {items}",
    "explain.list": ", ",
    "array.backward_heading": "Backward pass (gradients by the chain rule, output to inputs; "
                              "⊙ multiplies element by element, · is the matrix product, "
                              "[shapes] at the end):",
    "array.scalar": "scalar",
    "array.summary": "{low}..{high}, norm {norm}",
    "array.sum_uses": "the sum over its uses",
    "array.sum_n_uses": "the sum over its {count} uses",
    "vjp.axis": "axis {axes}",
    "vjp.axes": "axes {axes}",
    "vjp.sum_over": "Σ over {where} of {rule}",
    "vjp.batch": "Σ over the batch of {rule}",
    "vjp.outer": ", an outer product",
    "vjp.broadcast": "{shapes}: it was broadcast, so its uses add up",
    "vjp.copied": "{g} copied to every element",
    "vjp.copied_along": "{g} copied along {axis}",
    "vjp.mean": "{g} / {c}, copied to every element",
    "vjp.mean_along": "{g} / {c}, copied along the axis",
    "vjp.largest": "{g} at the largest element, 0 elsewhere",
    "vjp.largest_along": "{g} at the largest along {axis}, 0 elsewhere",
    "vjp.index": "{g} at [{c}], 0 elsewhere",
    # warnings: each key is the warning's stable code in --json (warn.*)
    "warn.unused_name": "'{name}' (line {line}) is assigned but never used",
    "warn.unused_value": "{file}: '{name}' is not a variable of the program; skipped",
    "word.element": "{word} {index}",
    # errors in general
    "error.at": "{where}: {message}",
    "error.did_you_mean": "; did you mean '{name}'?",
    "error.names_more": "{shown}{sep}... ({count} in all)",
    # errors of the program's text (parse.py); located ones end with their place
    "parse.located": "{reason} at {where}{hint}",
    "parse.at_line": "line {line}, column {column}",
    "parse.at_column": "column {column}",
    "parse.end_of_expression": "the end of the expression",
    "parse.end_of_line": "the end of the line",
    "parse.token": "{token}",
    "parse.argument": "1 argument",
    "parse.arguments": "{count} arguments",
    "parse.arguments_1_or_2": "1 or 2 arguments",
    "parse.hint_supported": "; supported: {functions}",
    "parse.unexpected_char": "unexpected character {char}",
    "parse.assign_misplaced": "'{tok}' can only follow a name at the start of a statement",
    "parse.axis_misplaced": "'axis=' names the axis of sum(), mean() or max() after their "
                            "first argument",
    "parse.hint_axis": ": e.g. max(A, axis=0)",
    "parse.bare_not_last": "only the last statement can be a bare expression",
    "parse.hint_name_it": "; give it a name (name = ...)",
    "parse.assign_function": "cannot assign to '{name}': it is a function",
    "parse.used_before": "'{name}' is used before it is assigned",
    "parse.hint_aug": " ({aug} needs an earlier value)",
    "parse.hint_assigned_on": " (it is assigned on line {line})",
    "parse.never_closed": "'(' is never closed",
    "parse.needs_arguments": "{func}() needs {arguments}",
    "parse.expected_operand": "expected a number, a name or '(' but found {found}",
    "parse.is_function": "'{func}' is a function: write {func}(...)",
    "parse.comma_outside": "',' outside a function call",
    "parse.transpose_call": "'.T' is the transpose, not a function call: write A.T, without "
                            "'()'",
    "parse.unknown_function": "unknown function '{name}'",
    "parse.hint_multiply": "; write '*' to multiply: {left}*{right}",
    "parse.expected_operator": "expected an operator but found {found}",
    "parse.hint_open_paren": "; the '(' at line {line}, column {column} is still open",
    "parse.unmatched_close": "')' has no matching '('",
    "parse.axis_once": "{func}() takes 'axis=' once, after its first argument",
    "parse.takes_arguments": "{func}() takes {arguments}, got {count}",
    "parse.axis_whole": "the axis of {func}() must be a whole number such as 0 or -1",
    "parse.expected_index": "expected a whole number as an index but found {found}",
    "parse.hint_index": ": indices are constants, such as p[2] or A[1, 0]",
    "parse.number_indexed": "a number cannot be indexed",
    "parse.expected_comma_bracket": "expected ',' or ']' but found {found}",
    "parse.method_arguments": "{func}() takes {arguments}: write {func}(...), not .{func}()",
    "parse.expected_method": "expected a function name after '.' but found {found}",
    "parse.expected_open_after": "expected '(' after '.{func}' but found {found}",
    "parse.hint_write_method": "; write .{func}()",
    "parse.expected_close_after": "expected ')' after '.{func}(' but found {found}",
    "parse.hint_no_argument": "; .{func}() takes no argument: write {func}(x) or x.{func}()",
    "parse.empty": "the expression is empty",
    "parse.none": "none",
    "parse.no_statement_assigns": "no statement assigns '{name}' (assigned names: {assigned})",
    # errors of shapes (ops.py, tensor.py)
    "shape.matmul_number": "cannot multiply {a} @ {b}: '@' needs vectors or matrices (use "
                           "'*' for a number)",
    "shape.matmul_inner": "cannot multiply {a} @ {b}: inner sizes {x} and {y} differ",
    "shape.broadcast": "cannot broadcast {a} {op} {b}: sizes {x} and {y} differ and neither "
                       "is 1",
    "shape.axis_range": "axis {axis} is out of range for shape {shape}{more}",
    "shape.number_no_axes": " (a number has no axes)",
    "shape.too_many_indices": "{count} indices for shape {shape}, which has {axes} axes{more}",
    "shape.too_many_indices_1": "{count} indices for shape {shape}, which has {axes} axis"
                                "{more}",
    "shape.number_no_index": " (a number cannot be indexed)",
    "shape.index_range": "index {index} is out of range for axis {axis} of size {size} "
                         "(shape {shape})",
    "shape.needs_array": "{func}() needs a vector or a matrix, not a number",
    "shape.output_not_number": "the output '{name}' has shape {shape}: backpropagation "
                               "starts from one number (a loss): write sum(...) or mean(...) "
                               "around it, or pass --grad-output ones (or a JSON array of "
                               "that shape) to seed its gradient",
    "shape.grad_output": "--grad-output has shape {given} but the output has shape {shape}",
    # errors of the values (values.py)
    "values.empty_list": "{where}: an empty list has no numbers",
    "values.ragged": "{where}: ragged array: at depth {depth} item {item} {what}, the first "
                     "has {items} (rows must be equal)",
    "values.row_has": "has {items}",
    "values.row_is": "is {value}",
    "values.item": "1 item",
    "values.items": "{count} items",
    "values.too_deep": "{where}: more than {rank} nested levels (at most {rank} axes)",
    "values.too_many": "{where}: more than {count} numbers",
    "values.ragged_list": "{where}: ragged array: item {item} at depth {depth} is a list "
                          "where the others are numbers (rows must be equal)",
    "values.not_a_number_json": "{where}: {value} is not a number",
    "values.bad_shape": "{where}: shape {shape} is not allowed (1 to {most} numbers, at most "
                        "{rank} axes)",
    "values.element_not_finite": "{where}: element {index} is not a finite number",
    "values.nested_too_deeply": "nested too deeply",
    "values.not_a_list": "{where}: '{text}' is not a list of numbers ({reason})",
    "values.not_a_number": "{where}: '{text}' is not a number",
    "values.not_finite": "{where}: '{text}' is not a finite number",
    "values.var_item": "--var expects NAME=VALUE, got '{item}'",
    "values.value_of": "the value of '{name}'",
    "values.value_in": "{where}: the value of '{name}'",
    "values.file_not_a_number": "{where}: the value of '{name}' is not a number: {value}",
    "values.file_not_finite": "{where}: the value of '{name}' is not a finite number",
    "values.bad_json": "{where}: not valid JSON: {reason} at line {line}, column {column}",
    "values.given_twice": "{where}: '{name}' is given more than once{also}",
    "values.also_spelled": " (as '{name}' too)",
    "values.also_as": " (also as {where})",
    "values.too_many_digits": "a number has too many digits",
    "values.file_too_deep": "{where}: nested too deeply; expected a JSON object of name: "
                            "number",
    "values.not_an_object": "{where}: expected a JSON object of name: number, got {got}",
    "values.too_large": "the value of '{name}' is too large for a float (at most about "
                        "1.8e308)",
    "values.not_finite_number": "the value of '{name}' is not a finite number ({number})",
    "values.is_constant": "'{name}' is a constant, not a variable",
    "values.is_function": "'{name}' is a function, not a variable",
    "values.no_such_variable": "the expression has no variable '{name}'{hint} (its "
                               "variables: {known})",
    "values.no_value": "no value for {names}",
    "values.no_value_pass": "no value for {names}: pass {flags}",
    # reading the program or the values (sources.py)
    "source.program_file": "program file",
    "source.values_file": "values file",
    "source.program": "program",
    "source.values": "values",
    "source.missing": "{what} '{path}' does not exist",
    "source.folder": "{what} '{path}' is a folder, not a file",
    "source.unreadable": "cannot read {what} '{path}': {error}",
    "source.stdin": "cannot read the {noun} from stdin: {reason}",
    "source.stdin_closed": "stdin is closed",
    "source.values_flag": " (--values)",
    "source.too_long": "{path}{flag} is longer than --max-size {limit} characters; raise "
                       "--max-size to accept it",
    "source.not_utf8": "{what} '{path}' is not UTF-8 text (byte {byte})",
    # writing the outputs (files.py)
    "file.ends_in_slash": "cannot write '{path}': a path ending in '/' names a folder; name "
                          "a file",
    "file.no_folder": "cannot write '{path}': folder '{folder}' does not exist",
    "file.is_folder": "cannot write '{path}': it is a folder",
    "file.read_only": "cannot write '{path}': it is read-only",
    "file.folder_not_writable": "cannot write '{path}': folder '{folder}' is not writable",
    "file.cannot_write": "cannot write '{path}': {error}",
    "file.steps_is_file": "--steps '{path}': it is a file, not a folder",
    "file.steps_no_folder": "--steps '{path}': folder '{folder}' does not exist",
    "file.steps_not_writable": "--steps '{path}': folder '{folder}' is not writable",
    # --timeout (budget.py) and the progress bar (progress.py)
    "budget.out_of_time": "{phase}: gave up at {where} after {spent} s "
                          "({option}{joiner}{seconds}){more}; raise {option_name} to wait "
                          "longer",
    "budget.worker_stopped": "{phase}: the worker was stopped at {where}, most likely out "
                             "of memory",
    "budget.phase_evaluate": "evaluate",
    "budget.phase_render": "render",
    "budget.its_start": "its start",
    "budget.at_value": "node {node} ({text})",
    "budget.at_gradient": "the gradient of node {node} ({text})",
    "budget.at_derivative": "the symbolic derivative by node {node} ({text})",
    "budget.at_difference": "the finite difference of node {node} ({text})",
    "budget.at_formula": "the local derivative's formula of node {node} ({text})",
    "budget.after_passes": "the end of the forward and reverse passes",
    "budget.after_render": "the end of rendering, before writing any file",
    "budget.forward_steps": "the forward steps",
    "budget.frame": "frame {frame} of {total}",
    "budget.digits_more": "; its exact value would have about {digits}",
    "budget.digits": "{number} digits",
    "budget.digits_scaled": "{number} {scale} digits",
    "budget.million": "million",
    "budget.billion": "billion",
    "budget.trillion": "trillion",
    "progress.parse": "parse",
    "progress.evaluate": "evaluate",
    "progress.render": "render",
    "progress.phase": "phase",
    # Graphviz (render/engines.py)
    "engine.system_dot": "system Graphviz dot",
    "engine.embedded": "embedded graphviz-pure",
    "engine.install": "install Graphviz (Debian/Ubuntu: apt install graphviz; macOS: brew "
                      "install graphviz; conda: conda install graphviz)",
    "engine.needs_system": ".{fmt} needs the system Graphviz (the {engine} writes {formats} "
                           "only): {install}, or write .svg or .png instead",
    "engine.graphviz_run": "a Graphviz run ({engine}, .{fmt})",
    "engine.cannot_run": "cannot run {executable}: {error}",
    "engine.exit_status": "exit status {code}",
    "engine.failed": "Graphviz ({engine}) could not render .{fmt}: {detail}",
    "engine.dot_missing": "Graphviz's 'dot' program is needed for .{fmt} but was not found: "
                          "{install}",
    "engine.dot_failed": "Graphviz could not render .{fmt}: {detail}",
    "engine.dot_not_on_path": "--engine dot: Graphviz's 'dot' is not on PATH: {install}, or "
                              "use --engine embedded",
    "engine.none": "no Graphviz to draw with: the embedded graphviz-pure is not installed "
                   "(pip install graphviz-pure) and 'dot' is not on PATH; {install}, or "
                   "write .dot or .json instead",
    "cli.engine": " ({engine})",
    # notes about a picture written (render/diagram.py, render/slide.py)
    "note.png_scaled": "the PNG was scaled down to {width} x {height} pixels (at most {most} "
                       "a side); write .svg for full detail",
    "note.missing_glyphs": "the embedded engine has no glyph for {chars} ({count} "
                           "characters; boxes in .png and .gif): install Graphviz and a CJK "
                           "font (Debian: apt install graphviz fonts-noto-cjk), or write "
                           ".svg, which browsers draw with their own fonts",
    "note.slide_html": "--slide fits pictures (.svg, .png, .gif) to a slide; an HTML "
                       "lesson fits the window it is shown in",
    "note.slide_steps": "--slide fits pictures (.svg, .png, .gif) to a slide; the --steps "
                        "frames keep their own size (the whole picture on a slide: "
                        "-o NAME.png --slide)",
    "note.small_text": "on a {width}x{height} slide the smallest text is {px} px (under "
                       "{least}, hard to read from the back of a room): try --collapse "
                       "statements, or a smaller part of the program",
    "note.small_text_collapsed": "on a {width}x{height} slide the smallest text is {px} px "
                                 "(under {least}, hard to read from the back of a room): "
                                 "try a smaller part of the program",
    "note.gif_small_text_collapsed": "the GIF's frames fit {width}x{height} pixels, where its "
                                     "smallest text is {px} px: write the lesson as .html (it "
                                     "zooms to each step) or raise --scale",
    "note.gif_small_text": "the GIF's frames fit {width}x{height} pixels, where its smallest "
                           "text is {px} px: write the lesson as .html (it zooms to each "
                           "step), raise --scale, or try --collapse statements",
    # errors of the options for arrays (run.py, unroll.py)
    "run.exact_arrays": "--exact works on numbers only; for vectors and matrices use --check "
                        "(its sympy check unrolls arrays of up to 64 numbers)",
    "run.unroll_grad_output": "--unroll needs an output that is one number (no "
                              "--grad-output)",
    "run.unroll_no_arrays": "--unroll writes vectors and matrices out element by element; "
                            "this program has none",
    "run.unroll_too_big": "written out element by element the program has {gates} scalar "
                          "gates, more than the limit of {limit}: unroll a smaller case "
                          "(fewer rows, a smaller batch)",
    "run.unroll_would_be_big": "written out element by element the program would have about "
                               "{gates} scalar gates, more than the limit of {limit}: unroll "
                               "a smaller case (fewer rows, a smaller batch)",
    "run.unroll_output": "only a program whose output is one number can be unrolled",
    "run.grad_output": "--grad-output: expected 'ones' or a JSON array of the output's "
                       "shape, not '{text}'",
    # text other modules make in English (frames)
    "known.forward_pass": "forward pass",
    "known.backward_pass": "backward pass",
    # what click says of a bad option (click makes it in English)
    "known.click_invalid": "Invalid value for {param}: {reason}",
    "known.click_range": "{value} is not in the range {range}.",
    "known.click_choice": "{value} is not one of {choices}.",
    "known.click_not_float": "{value} is not a valid float.",
    "known.click_not_float_range": "{value} is not a valid float range.",
    "known.click_not_integer": "{value} is not a valid integer.",
    "known.click_not_integer_range": "{value} is not a valid integer range.",
    "known.click_not_whole_number": "{value} is not a valid whole number.",
    "known.click_number_range": "{value} is not a number in the range {range}.",
    "known.click_no_value": "Option {option} does not take a value.",
    "known.click_extra": "Got unexpected extra argument ({words})",
    "known.click_extras": "Got unexpected extra arguments ({words})",
    # what Python's json says of a values file that is not JSON
    "known.json_value": "Expecting value",
    "known.json_name": "Expecting property name enclosed in double quotes",
    "known.json_colon": "Expecting ':' delimiter",
    "known.json_comma": "Expecting ',' delimiter",
    "known.json_extra": "Extra data",
    "known.json_string": "Unterminated string starting at",
    "known.json_control": "Invalid control character at",
    "known.json_escape": "Invalid \\escape",
    "known.text_not_utf8": "it is not UTF-8 text (at character {at})",
    "known.text_invisible": "it has an invisible format character {char} at character {at}; use "
                      "printable text",
    "known.text_control": "it has the control character {char} at character {at}; use printable "
                    "text",
    "known.font_no_letters": "a font name needs letters, e.g. Helvetica or 'DejaVu Sans, Arial'",
    "known.font_too_long": "a font name has at most {limit} characters, not {length}",
    "known.font_character": "{char} at character {at} is not allowed: a font name has letters, "
                      "digits, spaces, '-' and ',' only",
    "known.click_choice_one": "{value} is not {choice}.",
    # --help: the command and each option (click adds its own words)
    "help.command": (
        "Show backpropagation on EXPRESSION: its computation graph, the forward pass (the value\n"
        "of every node) and the reverse pass (the gradient of the output with respect to every node).\n"
        "\n"
        "EXPRESSION may be a program: statements separated by ';' or newlines, each NAME = expr or\n"
        "NAME += expr (-= *= /=), optionally ending in a bare expression; its output is the last\n"
        "statement. Read it from a file with -f FILE or @FILE, or from stdin with '-'.\n"
        "\n"
        "Give every variable a value with --NAME VALUE (or --var NAME=VALUE for names that clash with\n"
        "the options below), or from a JSON file with --values. A value may be a vector or matrix\n"
        "as a JSON list: --W \"[[1, 2], [3, 4]]\". Prints a table by default; --json\n"
        "prints JSON; -o writes a CS231n-style circuit diagram (.svg .png .pdf .dot .gv), a\n"
        "step-by-step lesson (.html stepper, .gif) or the JSON; --steps DIR writes the lesson's frames.\n"
        "\n"
        "\b\n"
        "Grammar: numbers (2, 0.5, 1e-3), + - * / ** ^ (power), unary minus, parentheses,\n"
        "{grammar}\n"
        "Every other name is a variable. In files, '#' starts a comment.\n"
        "Arrays: A @ B (matrix product), A.T, p[2], A[1, 0], sum(A), sum(A, axis),\n"
        "mean(A, axis=1), max(A), max(A, axis=0); everything else works element by element,\n"
        "broadcasting as NumPy does.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  backpropviz \"(x+y)*z\" --x -2 --y 5 --z -4\n"
        "  backpropviz \"1/(1+exp(-(w0*x0+w1*x1+w2)))\" --w0 2 --x0 -1 --w1 -3 \\\n"
        "      --x1 -2 --w2 -3 -o sigmoid.svg\n"
        "  backpropviz \"q = x + y; f = q * z\" --x -2 --y 5 --z -4 -o staged.png\n"
        "  backpropviz -f model.bp --values vals.json --output loss\n"
        "  backpropviz \"(x+y)*z\" --x 3 --y -2 --z -4 --explain --check\n"
        "  backpropviz \"(x+y)*z\" --x 3 --y -2 --z -4 -o lesson.html --theme dark\n"
        "  backpropviz \"sigmoid(w*x + b)\" --w 2 --x -1 --b 1 --expand --steps frames/\n"
        "  backpropviz \"(x+y)*z\" --x 3 --y -2 --z -4 --json | jq .gradients\n"
        "  backpropviz \"x*json\" --x 2 --var json=3\n"
        "  backpropviz \"s = W @ x + b; L = logsumexp(s) - s[0]\" --W \"[[1, 2], [3, 4]]\" \\\n"
        "      --x \"[1, -1]\" --b \"[0, 1]\" --explain --unroll\n"
        "\n"
        "\b\n"
        "Exit status: 0 ok, 1 --check found a gradient that disagrees,\n"
        "2 bad input or output (the message says what and where), 130 interrupted,\n"
        "70 a bug in backpropviz (please report it with the command).\n"
        ""
    ),
    "help.program_file": (
        "Read the expression or program from FILE ('-' for stdin)."
    ),
    "help.var_items": (
        "A variable's value; repeatable. For names such as 'json' or 'var'."
    ),
    "help.values_file": (
        "Variable values from a JSON object {{name: number}} in FILE ('-' for "
        "stdin). Values on the command line win; names the program does not use "
        "are skipped with a warning."
    ),
    "help.output_name": (
        "Differentiate this assigned name instead of the last statement."
    ),
    "help.outputs": (
        "Write the diagram (.svg .png .pdf .dot .gv), the lesson (.html .gif) or "
        "the JSON (.json) to PATH; repeatable. '-' writes to stdout, in the "
        "--format given."
    ),
    "help.output_format": (
        "The format of -o - (stdout), which prints it instead of the table "
        "(binary for png): e.g. -o - --format svg | rsvg-convert ..."
    ),
    "help.engine_choice": (
        "Which Graphviz draws .svg/.png/.pdf: the system 'dot', the embedded "
        "graphviz-pure installed with backpropviz (SVG and PNG), or auto: dot "
        "when it is on PATH, else embedded."
    ),
    "help.steps_dir": (
        "Write the lesson as numbered frames into DIR: the forward pass gate by "
        "gate, then the gradients from the output back, each with its chain-rule "
        "product as a caption."
    ),
    "help.transparent": (
        "A transparent background for .svg, .png and frames."
    ),
    "help.title": (
        "A title over the diagram."
    ),
    "help.plain_names": (
        "Draw names as typed (w0, theta) instead of w with subscript 0 and θ."
    ),
    "help.expand_gates": (
        "Draw sigmoid and tanh as their primitive gates (sigmoid: *-1, exp, +1, "
        "1/x) instead of one gate each."
    ),
    "help.as_json": (
        "Print JSON on stdout (and nothing else there) instead of the table."
    ),
    "help.precision": (
        "Decimals shown (default: 4 in the table; auto in diagrams, as in CS231n: whole "
        "numbers as -2 when all are whole, else 2 decimals)."
    ),
    "help.collapse": (
        "Draw a program with one node per statement (its inputs' values and gradients in "
        "it) instead of every gate, and make lessons one step per statement; JSON keeps "
        "every gate."
    ),
    "help.no_wrap": (
        "Keep a wide diagram in one row. By default a .svg, .png or .pdf whose smallest text "
        "would be under 16 px on a 1920x1080 slide is drawn as --slide lays it out (rows, "
        "bigger type), at its own size."
    ),
    "help.slide": (
        "Fit .svg and .png to a slide (1920x1080 px, or 1440x1080 for 4:3), centred with a "
        "margin; a note says when its text is under 24 px."
    ),
    "help.full": (
        "Print vectors and matrices whole in the table (by default an array of over 6 "
        "numbers shows as min..max and its norm)."
    ),
    "help.unroll": (
        "Write a program on vectors and matrices out as its scalar circuit, element by "
        "element (W_0_1 = ...), and show that: the table, --json, --explain, diagrams and "
        "lessons of the numbers CS231n draws."
    ),
    "help.grad_output": (
        "Seed the gradient of an output that is a vector or matrix: 'ones', or a JSON array "
        "of its shape (by default the output must be one number)."
    ),
    "help.explain": (
        "Explain the passes step by step: every chain-rule product of the "
        "reverse pass (default), the forward pass, or both."
    ),
    "help.check": (
        "Recompute every gradient with sympy and with finite differences; exit 1 "
        "if any disagrees (kinks excepted)."
    ),
    "help.exact": (
        "Also compute every value and gradient exactly with sympy (fractions "
        "stay fractions, exp(-1) stays exp(-1))."
    ),
    "help.timeout": (
        "Stop the run after this many seconds (0: never), naming the phase and "
        "the node it was at; nothing is written. --check, --exact and the "
        "lesson's frames are the work that can take long."
    ),
    "help.quiet": (
        "Print no table, no warnings, no 'wrote' messages and no progress bar "
        "(shown on a terminal when a run takes over a second)."
    ),
    "help.lang": (
        "The language of the table, --explain, --check, messages, the lesson's "
        "captions and controls and this help: en or zh (default: from LC_ALL, LC_MESSAGES or LANG, else "
        "en). --json is the same in every language."
    ),
    "help.steps_format": (
        "The format of the --steps frames."
    ),
    "help.frame_ms": (
        "How long each frame of a .gif shows."
    ),
    "help.direction": (
        "Inputs on the left (LR) or at the top (TB)."
    ),
    "help.font": (
        "The diagram's font family: letters, digits, spaces, '-' and ',' (e.g. "
        "'DejaVu Sans, Arial')."
    ),
    "help.scale": (
        "Multiply the resolution of .png, .gif and PNG frames (1 = 150 dpi)."
    ),
    "help.max_size": (
        "Refuse programs (typed, a file or stdin) and --values files longer than "
        "this; checked while reading."
    ),
    "help.max_draw": (
        "Refuse to draw .svg/.png/.pdf of graphs bigger than this (Graphviz "
        "slows down sharply); .dot and .json have no limit."
    ),
    "help.max_frames": (
        "Refuse lessons (--steps, .html, .gif) of more frames than this (a graph "
        "of G gates has 2G+1; with --collapse statements, 2S+1 for S statements)."
    ),
    "help.color": (
        "Colour the table and --explain: auto is on a terminal unless NO_COLOR "
        "is set (FORCE_COLOR forces it)."
    ),
    "help.theme": "{themes}.",
    "help.help": "Show this message and exit.",
    "help.version": "Show the version and exit.",
    "help.usage": "Usage: ",
    "help.options": "Options",
    "help.options_heading": "Options:",
    # the themes (choices.THEME_ABOUT)
    "theme.classic": "the CS231n colours (values green above each wire, gradients red below)",
    "theme.dark": "light on dark",
    "theme.print": "black and grey, gradients in italics",
    "theme.safe": "blue and orange, apart for colour-blind eyes",
}
