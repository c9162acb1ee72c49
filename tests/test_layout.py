"""The package's import graph, read with ``ast``: no cycles, no import of a higher layer,
and no renderer, click, rich or sympy in the model (graph, engine, parser, schedule).

Imports at module level and inside functions both count; those under ``if TYPE_CHECKING:``
do not (they never run). The layer table tolerates modules that do not exist (yet)."""

from __future__ import annotations

import ast
from pathlib import Path

import backpropviz

PACKAGE = Path(backpropviz.__file__).resolve().parent
ROOT = "backpropviz"

#: Bottom to top: a module may import its own layer and those below, never one above.
#: Names are relative to the package ("render.*": every module of the render package).
LAYERS: list[tuple[str, ...]] = [
    ("errors", "ops", "choices", "lang", "messages_en", "messages_zh", "names"),
    ("graph",),
    ("parse",),
    ("engine", "schedule", "values", "sources", "expand", "symbolic", "check", "steps",
     "budget", "tensor", "unroll", "tensor_check"),
    ("render", "render.*", "files", "progress"),
    ("run",),
    ("cli", "__init__", "__main__", "api"),
]

#: The model: none of these may import a renderer or a front-end library.
MODEL = ("graph", "engine", "parse", "schedule")
NOT_IN_MODEL = ("backpropviz.render", "click", "rich", "sympy", "graphviz", "PIL")

def module_name(path: Path, package: Path = PACKAGE) -> str:
    """``backpropviz/render/frames.py`` -> ``render.frames``; ``__init__.py`` keeps its name
    at the top (``__init__``) and is its package's name below (``render``)."""
    parts = list(path.relative_to(package).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, package): p for p in sorted(package.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"
            or isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` except the bodies of ``if TYPE_CHECKING:``."""
    found, todo = [], [tree]
    while todo:
        node = todo.pop()
        found.append(node)
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            todo.extend(node.orelse)
        else:
            todo.extend(ast.iter_child_nodes(node))
    return found


def imports(name: str, path: Path, known: dict[str, Path], root: str = ROOT) -> set[str]:
    """What module ``name`` imports: package modules by their relative name, others as
    ``ext:<top-level name>``."""
    is_package = path.name == "__init__.py"
    package = [] if name == "__init__" else name.split(".")[:None if is_package else -1]
    found = set()

    def inside(dotted: list[str]) -> str:
        return ".".join(dotted) or "__init__"

    for node in _nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top, *rest = alias.name.split(".")
                found.add(inside(rest) if top == root else f"ext:{top}")
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                top, *rest = (node.module or "").split(".")
                if top != root:
                    found.add(f"ext:{top}")
                    continue
                base = rest
            else:
                base = package[:len(package) - (node.level - 1)] + (
                    node.module.split(".") if node.module else [])
            for alias in node.names:  # ``from . import x``: x may be a module
                sub = inside(base + [alias.name])
                found.add(sub if sub in known else inside(base))
    found.discard(name)
    return found


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    known = modules(package)
    return {name: imports(name, path, known, package.name) for name, path in known.items()}


def layer_of(name: str) -> int | None:
    for level, names in enumerate(LAYERS):
        for pattern in names:
            if name == pattern or pattern.endswith(".*") and name.startswith(pattern[:-1]):
                return level
    return None


def find_cycle(graph: dict[str, set[str]], skip: set[tuple[str, str]]) -> list[str] | None:
    """One import cycle (``a -> b -> a``), ignoring the edges in ``skip``, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph or (node, nxt) in skip:
                continue
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt, path)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [])
            if cycle:
                return cycle
    return None


def test_the_walker_reads_every_kind_of_import(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "from .a import f\ndef g():\n    from .sub.c import h\n",
        "a.py": "import pkg.b\nimport os.path\nfrom typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from .b import B\nfrom . import b, __doc__\n",
        "b.py": "class B: ...\n",
        "sub/__init__.py": "from .. import a\n",
        "sub/c.py": "from ..b import B\nfrom . import d\ndef h():\n    import sympy\n",
        "sub/d.py": "from pkg.sub import c\n",
    }
    for name, text in files.items():
        (pkg / name).write_text(text)
    assert import_graph(pkg) == {
        "__init__": {"a", "sub.c"},
        "a": {"b", "__init__", "ext:os", "ext:typing"},
        "b": set(),
        "sub": {"a"},
        "sub.c": {"b", "sub.d", "ext:sympy"},
        "sub.d": {"sub.c"},
    }
    graph = import_graph(pkg)
    assert find_cycle(graph, set()) == ["__init__", "a", "__init__"]
    assert find_cycle(graph, {("a", "__init__")}) == ["sub.c", "sub.d", "sub.c"]


def test_every_module_has_a_layer():
    missing = [name for name in modules() if layer_of(name) is None]
    assert not missing, f"give these modules a layer in LAYERS: {missing}"


def test_no_import_cycle():
    graph = import_graph()
    cycle = find_cycle(graph, set())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_module_imports_a_higher_layer():
    graph = import_graph()
    level = {name: layer_of(name) or 0 for name in graph}
    upward = sorted((a, b) for a, targets in graph.items() for b in targets
                    if b in level and level[b] > level[a])
    unexpected = [f"{a} (layer {layer_of(a)}) imports {b} (layer {layer_of(b)})"
                  for a, b in upward]
    assert not unexpected, "imports upward: " + "; ".join(unexpected)


def test_the_model_imports_no_renderer_and_no_front_end():
    graph = import_graph()
    bad = []
    for name in MODEL:
        for target in sorted(graph.get(name, ())):
            full = target[4:] if target.startswith("ext:") else f"{ROOT}.{target}"
            if any(full == b or full.startswith(b + ".") for b in NOT_IN_MODEL):
                bad.append(f"{name} imports {full}")
    assert not bad, "; ".join(bad)
