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
    "word.grad": "grad",
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
    "stepper.step": "Step {step} of {steps}",
    "stepper.prev": "\u2190 Prev",
    "stepper.next": "Next \u2192",
    "stepper.prev_label": "Previous step",
    "stepper.next_label": "Next step",
    "stepper.nav_label": "Lesson steps",
    # text other modules make in English (parse.py, values.py, frames)
    "known.unused": "'{name}' (line {line}) is assigned but never used",
    "known.skipped_value": "{file}: '{name}' is not a variable of the program; skipped",
    "known.forward_pass": "forward pass",
    "known.backward_pass": "backward pass",
    "known.no_value": "no value for {names}: pass {flags}",
    "known.not_a_number": "{where}: '{text}' is not a number",
}
