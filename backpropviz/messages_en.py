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
                      "{limit}: each is one Graphviz run. Draw a smaller graph, or raise "
                      "--max-frames",
    # the HTML stepper's own words (its captions come with the frames)
    "lesson.statement_back": "{grad} = {value} goes back through {statement}:",
    "lesson.statement_sum": "(sum over the {count} statements that read it)",
    "describe.title": "Backpropagation through {expression}",
    "describe.step": " This step: {caption}.",
    "describe.partway": "Computation graph of {expression}, partway through backpropagation.{step}",
    "describe.more": " (and {count} more inputs)",
    "describe.whole": (
        "Computation graph of {expression} at {values}{more}. Forward pass: {out} = {value}. "
        "Reverse pass, the gradients: {grads}{more}."
    ),
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
    # text other modules make in English (parse.py, values.py, frames)
    "known.unused": "'{name}' (line {line}) is assigned but never used",
    "known.skipped_value": "{file}: '{name}' is not a variable of the program; skipped",
    "known.forward_pass": "forward pass",
    "known.backward_pass": "backward pass",
    "known.no_value": "no value for {names}: pass {flags}",
    "known.not_a_number": "{where}: '{text}' is not a number",
    "known.program_missing": "program file '{path}' does not exist",
    "known.values_missing": "values file '{path}' does not exist",
    "known.no_folder": "cannot write '{path}': folder '{folder}' does not exist",
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
        "of G gates has 2G+1)."
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
    # the themes (choices.THEME_ABOUT)
    "theme.classic": "the CS231n colours (values green above each wire, gradients red below)",
    "theme.dark": "light on dark",
    "theme.print": "black and grey, gradients in italics",
    "theme.safe": "blue and orange, apart for colour-blind eyes",
}
