"""The computation graph as plain data: columns of node fields, with Node and Wire views.

Nodes are stored in evaluation (topological) order: every node's inputs have smaller ids.
The graph mirrors the expression as written: ``x - y`` is a subtraction gate, ``a+b+c`` is
two ``+`` gates, a variable is one leaf however often it is used, and a binary operator with
one constant operand becomes a unary gate labelled as CS231n does (``1 + u`` -> ``+1``).
Every renderer reads these views and the passes' results; none recomputes any math.
"""

from __future__ import annotations

import gc
import math
import unicodedata
from typing import Any, ClassVar, Iterable, Iterator, Sequence

from .errors import UnknownName, name_list, shorten
from .lang import Message
from .ops import CODE

__all__ = ["Node", "Wire", "Graph", "Store", "MAX_DRAW", "PausedGC", "depends_on", "reaches_output",
           "statements_of"]

nan = math.nan
MAX_DRAW = 500  # nodes Graphviz lays out in seconds (with fan-out, minutes beyond)


class Store:
    """The graph's nodes as parallel lists, one entry per node id: what the hot loops (the
    engine, the JSON writer) read and write, with no object per node.

    ``a``/``b`` are a gate's input ids (-1 where it has fewer inputs), ``code`` the engine's
    integer opcode (:data:`backpropviz.ops.CODE`). ``value`` is None until the forward pass;
    ``grad``, ``da`` and ``db`` (the local derivatives along ``a`` and ``b``) None until the
    reverse pass.
    """

    __slots__ = ("op", "code", "label", "a", "b", "name", "param", "param_text", "start", "end",
                 "value", "grad", "da", "db", "shape", "shares")

    def __init__(self) -> None:
        self.op: list[str] = []
        self.code: list[int] = []
        self.label: list[str] = []
        self.a: list[int] = []
        self.b: list[int] = []
        self.name: list[str | None] = []
        self.param: list[float | None] = []
        self.param_text: list[str | None] = []
        self.start: list[int] = []
        self.end: list[int] = []
        self.value: list[float] | None = None
        self.grad: list[float] | None = None
        self.da: list[float | None] | None = None
        self.db: list[float | None] | None = None
        self.shape: list[tuple[int, ...]] | None = None  # set when values are arrays
        # ... and then, per gate, what it sends back along each input (its Jacobians are
        # not stored, so local derivatives stay None): (share to a, share to b or None)
        self.shares: list[tuple[Any, Any] | None] | None = None

    def add(self, op: str, label: str, a: int, b: int, start: int, end: int,
            name: str | None = None, param: float | None = None,
            param_text: str | None = None) -> int:
        """Append a node; return its id."""
        node_id = len(self.op)
        self.op.append(op)
        self.code.append(CODE[op])
        self.label.append(label)
        self.a.append(a)
        self.b.append(b)
        self.name.append(name)
        self.param.append(param)
        self.param_text.append(param_text)
        self.start.append(start)
        self.end.append(end)
        return node_id

    @classmethod
    def from_rows(cls, rows: list[Any], names: list[str | None]) -> Store:
        """The columns of nodes given as one flat list of :data:`ROW` (8 fields a node, as
        the parser appends them) and their names."""
        s = cls()
        for k, field in enumerate(ROW):
            setattr(s, field, rows[k::8])
        s.code = list(map(CODE.__getitem__, s.op))
        s.name = names
        return s


#: The fields of a node as :meth:`Store.from_rows` reads them, in order.
ROW = ("op", "label", "a", "b", "param", "param_text", "start", "end")


class Node:
    """One node: a variable (``op == "input"``), a constant leaf (``"const"``) or a gate.

    ``value`` comes from the forward pass; ``grad`` (d output / d this node) and
    ``local_grads`` (d this node / d each input, aligned with ``inputs``) from the reverse
    pass. ``param`` is the constant folded into a gate such as ``+1`` (or a constant leaf's
    value), ``param_text`` that constant as written (``1``, ``0.5``, ``pi``). ``span`` is the
    [start, end) slice of the expression text this node computes.

    A node is a view of entry ``id`` of its graph's :class:`Store`: reading a field reads
    the graph, and setting ``value``, ``grad``, ``local_grads`` or ``name`` writes it.
    """

    __slots__ = ("_s", "id")

    def __init__(self, store: Store, node_id: int) -> None:
        self._s = store
        self.id = node_id

    @property
    def op(self) -> str:
        return self._s.op[self.id]

    @property
    def label(self) -> str:
        return self._s.label[self.id]

    @property
    def inputs(self) -> tuple[int, ...]:
        s, i = self._s, self.id
        a = s.a[i]
        if a < 0:
            return ()
        b = s.b[i]
        return (a,) if b < 0 else (a, b)

    @property
    def name(self) -> str | None:
        return self._s.name[self.id]

    @name.setter
    def name(self, name: str | None) -> None:
        self._s.name[self.id] = name

    @property
    def param(self) -> float | None:
        return self._s.param[self.id]

    @property
    def param_text(self) -> str | None:
        return self._s.param_text[self.id]

    @property
    def span(self) -> tuple[int, int]:
        return (self._s.start[self.id], self._s.end[self.id])

    @property
    def value(self) -> float:
        values = self._s.value
        return nan if values is None else values[self.id]

    @value.setter
    def value(self, value: float) -> None:
        s = self._s
        if s.value is None:
            s.value = [nan] * len(s.op)
        s.value[self.id] = value

    @property
    def grad(self) -> float:
        grads = self._s.grad
        return 0.0 if grads is None else grads[self.id]

    @grad.setter
    def grad(self, grad: float) -> None:
        s = self._s
        if s.grad is None:
            s.grad = [0.0] * len(s.op)
        s.grad[self.id] = grad

    @property
    def local_grads(self) -> tuple[float, ...]:
        s, i = self._s, self.id
        da, db = s.da, s.db
        if da is None or db is None or s.a[i] < 0:
            return ()
        first, second = da[i], db[i]
        if first is None:  # a gate the reverse pass did not reach
            return ()
        return (first,) if second is None or s.b[i] < 0 else (first, second)

    @local_grads.setter
    def local_grads(self, local: tuple[float, ...]) -> None:
        s, i = self._s, self.id
        if s.da is None or s.db is None:
            s.da, s.db = [None] * len(s.op), [None] * len(s.op)
        s.da[i] = local[0] if local else None
        s.db[i] = local[1] if len(local) > 1 else None

    @property
    def shape(self) -> tuple[int, ...]:
        """The value's shape: ``()`` for a number, ``(3, 2)`` for a 3x2 matrix."""
        shapes = self._s.shape
        return () if shapes is None else shapes[self.id]

    @property
    def is_gate(self) -> bool:
        """True for a gate, False for a variable or constant leaf."""
        return self._s.a[self.id] >= 0

    def __repr__(self) -> str:
        return (f"Node(id={self.id}, op={self.op!r}, label={self.label!r}, inputs={self.inputs}, "
                f"name={self.name!r}, param={self.param!r}, span={self.span}, "
                f"param_text={self.param_text!r}, value={self.value!r}, grad={self.grad!r}, "
                f"local_grads={self.local_grads!r})")


class Wire:
    """An edge: ``src``'s value flows into input slot ``slot`` of gate ``dst``.

    ``local_grad`` is d dst / d src along this wire; ``grad`` the share of d output / d src
    that flows back along it (dst's grad times local_grad).
    """

    __slots__ = ("src", "dst", "slot", "local_grad", "grad")

    def __init__(self, src: int, dst: int, slot: int, local_grad: float, grad: float) -> None:
        self.src = src
        self.dst = dst
        self.slot = slot
        self.local_grad = local_grad
        self.grad = grad

    def _key(self) -> tuple[int, int, int, float, float]:
        return (self.src, self.dst, self.slot, self.local_grad, self.grad)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Wire) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Wire(src={self.src}, dst={self.dst}, slot={self.slot}, "
                f"local_grad={self.local_grad!r}, grad={self.grad!r})")


class Graph:
    """An expression's (or program's) computation graph; after :func:`backpropviz.trace`
    it holds every value and gradient.

    ``variables`` maps each variable name to its value, in order of first appearance (as
    the JSON's ``variables``), ``variable_ids`` to its node id; ``output_name`` is the
    assigned name of the output, if any; ``warnings`` says what
    looks wrong but is allowed (a name assigned and never used), each a
    :class:`~backpropviz.lang.Message` whose key is its stable code. The nodes live in
    ``store`` (parallel lists); ``nodes`` gives them as :class:`Node` views. ``texts``
    says what a gate computes where its span of the expression would not (the gates
    ``--expand`` makes of one call: ``exp(-u)``, not ``sigmoid(u)``).
    """

    def __init__(self, expression: str, store: Store, output: int,
                 variable_ids: dict[str, int] | None = None, output_name: str | None = None,
                 warnings: list[Message] | None = None, texts: dict[int, str] | None = None
                 ) -> None:
        self.expression = expression
        self.store = store
        self.output = output
        self.variable_ids = {} if variable_ids is None else variable_ids
        self.output_name = output_name
        self.warnings = [] if warnings is None else warnings
        self.texts = {} if texts is None else texts
        self._nodes: list[Node] | None = None

    @property
    def nodes(self) -> Sequence[Node]:
        """Every node in evaluation order (views of :attr:`store`, made on first use)."""
        if self._nodes is None:
            store = self.store
            self._nodes = [Node(store, i) for i in range(len(store.op))]
        return self._nodes

    def __len__(self) -> int:
        """The number of nodes."""
        return len(self.store.op)

    @property
    def value(self) -> float:
        """The output value."""
        values = self.store.value
        return nan if values is None else values[self.output]

    @property
    def variables(self) -> dict[str, float]:
        """Each variable's value, by name (nan before the forward pass)."""
        values = self.store.value
        return {name: nan if values is None else values[i]
                for name, i in self.variable_ids.items()}

    @property
    def gradients(self) -> dict[str, float]:
        """d output / d variable, per variable."""
        grads = self.store.grad
        return {name: 0.0 if grads is None else grads[i]
                for name, i in self.variable_ids.items()}

    @property
    def gate_count(self) -> int:
        """How many gates (nodes with inputs) there are, counted without making node views."""
        first = self.store.a
        return len(first) - first.count(-1)

    @property
    def gates(self) -> list[Node]:
        """The gate nodes, in evaluation order."""
        return [n for n in self.nodes if n.is_gate]

    def wires(self) -> Iterator[Wire]:
        """Every edge, in evaluation order of the gate it feeds. A gate the output does not
        depend on sends nothing back: its wires carry a gradient of 0 (not 0 * inf)."""
        reach = reaches_output(self)
        shares = self.store.shares
        for node in self.nodes:
            if shares is not None:  # arrays: each wire's gradient is the gate's share
                sent: tuple[Any, Any] = shares[node.id] or (None, None)
                for slot, src in enumerate(node.inputs):
                    yield Wire(src, node.id, slot, math.nan, sent[slot])
                continue
            live, grad, inputs = reach[node.id], node.grad, node.inputs
            for slot, (src, local) in enumerate(zip(inputs, node.local_grads or
                                                    (math.nan,) * len(inputs))):
                yield Wire(src, node.id, slot, local, grad * local if live else 0.0)

    def text(self, node: Node) -> str:
        """What ``node`` computes: the part of the expression the user wrote for it (or,
        for a gate of an expanded call, its own formula)."""
        text = self.texts.get(node.id)
        if text is not None:
            return text
        start, end = node.span
        return self.expression[start:end]

    def __getitem__(self, name: str) -> Node:
        """The node of variable ``name`` (a program's assigned names: ``node.name`` of
        :attr:`nodes`); an unknown name is :class:`~backpropviz.errors.UnknownName`."""
        if not isinstance(name, str):
            raise TypeError(f"a graph is indexed by variable name, not by "
                            f"{type(name).__name__}: node i is graph.nodes[i]")
        node_id = self.variable_ids.get(name)
        if node_id is None and not name.isascii():  # fullwidth ｘ is x, as the parser reads it
            node_id = self.variable_ids.get(unicodedata.normalize("NFKC", name))
        if node_id is None:
            known = name_list(list(self.variable_ids)) or "none"
            if name in self.store.name:
                raise UnknownName(f"'{shorten(name)}' is an assigned name, not a variable: its "
                                  f"node is in graph.nodes (variables: {known})")
            raise UnknownName(f"the expression has no variable '{shorten(name)}' "
                              f"(its variables: {known})")
        return self.nodes[node_id]

    def __contains__(self, name: object) -> bool:
        """True for a variable's name, as ``graph[name]`` finds it."""
        if isinstance(name, str) and not name.isascii():
            name = unicodedata.normalize("NFKC", name)
        return name in self.variable_ids

    def __iter__(self) -> Iterator[Node]:
        """The nodes in evaluation order, as :attr:`nodes` (``len(graph)`` counts them)."""
        return iter(self.nodes)

    def __repr__(self) -> str:
        """One line: the expression (shortened), its size, and the output's value."""
        return (f"<Graph {shorten(self.expression, 60)!r}: {_count(len(self), 'node')}, "
                f"{_count(self.gate_count, 'gate')}, value={self.value!r}>")

    #: The front end, :mod:`backpropviz.api`: the methods below that render or check call
    #: it through this one hook, which the package's ``__init__`` sets, so that the model
    #: imports no renderer (importing ``backpropviz.graph`` runs that ``__init__`` first).
    front: ClassVar[Any] = None

    def save(self, path: str, *, theme: str | None = None, engine: str | None = None,
             precision: int | None = None, direction: str | None = None,
             scale: float | None = None, font: str | None = None, title: str | None = None,
             transparent: bool | None = None, plain_names: bool | None = None,
             frame_ms: int | None = None, timeout: float | None = 60.0,
             lang: str | None = None) -> None:
        """Write ``path`` as ``-o path`` does: ``.svg .png .pdf .dot .gv .json .html .gif``;
        each keyword is the option of that name (None: the option's default); ``timeout``
        is ``--timeout``'s seconds (None: no limit)."""
        looks = {"theme": theme, "engine": engine, "precision": precision,
                 "direction": direction, "scale": scale, "font": font, "title": title,
                 "transparent": transparent, "plain_names": plain_names, "frame_ms": frame_ms,
                 "lang": lang}
        given = {k: v for k, v in looks.items() if v is not None}
        Graph.front.save(self, path, **given, timeout=timeout)

    def to_json(self, **looks: Any) -> str:
        """The document ``--json`` prints; ``explain="both"``, ``check=True``,
        ``exact=True`` and ``precision`` add what those options add."""
        return str(Graph.front.to_json(self, **looks))

    def to_dict(self, **looks: Any) -> dict[str, Any]:
        """:meth:`to_json`'s document as a dict."""
        return dict(Graph.front.to_dict(self, **looks))

    def to_dot(self, **looks: Any) -> str:
        """The diagram's Graphviz DOT source, with :meth:`save`'s keywords."""
        return str(Graph.front.to_dot(self, **looks))

    def table(self, precision: int | None = None, exact: bool = False,
              timeout: float | None = 60.0, lang: str | None = None) -> Any:
        """The command's table: ``print(g.table())`` is plain text; ``rich.print`` fits it
        to the console in colour. ``timeout``: seconds for ``exact``'s sympy work (None:
        no limit), as ``--timeout``."""
        return Graph.front.table(self, precision, exact, timeout, lang)

    def explain(self, passes: str = "backward", precision: int | None = None,
                timeout: float | None = 60.0, lang: str | None = None) -> str:
        """The chain-rule steps ``--explain`` prints: ``backward``, ``forward`` or ``both``."""
        return str(Graph.front.explain(self, passes, precision, timeout, lang))

    def check(self, timeout: float | None = 60.0, lang: str | None = None) -> Any:
        """``--check``: every gradient against sympy and finite differences; a report with
        ``ok`` and one check per variable (printable), never an exit."""
        return Graph.front.check(self, timeout, lang)

    def lesson(self, **looks: Any) -> Any:
        """The step-by-step lesson of ``-o lesson.html``: Jupyter shows it, ``.save(path)``
        writes it."""
        return Graph.front.lesson(self, **looks)

    def _repr_svg_(self) -> str | None:
        """The diagram, for Jupyter; None (the text repr) when no Graphviz can draw it, or
        when the graph has more than :data:`MAX_DRAW` nodes (Graphviz would take minutes,
        as the command's ``--max-draw`` guards against)."""
        if Graph.front is None or len(self) > MAX_DRAW:
            return None
        svg: str | None = Graph.front.notebook_svg(self)
        return svg


def depends_on(graph: Graph, node_ids: Iterable[int]) -> list[bool]:
    """Per node: does some node in ``node_ids`` depend on it (itself included)?"""
    s = graph.store
    behind = [False] * len(s.op)
    top = -1
    for i in node_ids:
        behind[i] = True
        top = max(top, i)
    a, b = s.a, s.b
    for i in range(top, -1, -1):  # (inputs have smaller ids: one pass down marks them all)
        if behind[i]:
            x = a[i]
            if x >= 0:
                behind[x] = True
                y = b[i]
                if y >= 0:
                    behind[y] = True
    return behind


def reaches_output(graph: Graph) -> list[bool]:
    """Per node: does the output depend on it? (A statement after the ``--output`` one,
    or one never used, does not: its gradient is 0 and it sends nothing back.)"""
    return depends_on(graph, (graph.output,))



class PausedGC:
    """``with PausedGC():`` the cyclic garbage collector is off inside (as it was before
    after). For loops that make hundreds of thousands of tuples and strings and no cycles,
    where the collector would only rescan them again and again (a fifth of the time)."""

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was_enabled:
            gc.enable()


def statements_of(graph: Graph) -> list[int]:
    """Per node: the id of the statement gate it belongs to (a leaf: -1; a gate nothing
    reads: its own id)."""
    owner = [-1] * len(graph.nodes)
    reader = [-1] * len(graph.nodes)
    for node in graph.nodes:
        for src in node.inputs:
            if reader[src] < 0:
                reader[src] = node.id
    for node in reversed(graph.nodes):  # (a reader comes after what it reads)
        if node.is_gate:
            first = reader[node.id]
            statement = bool(node.name) or node.id == graph.output or first < 0
            owner[node.id] = node.id if statement else owner[first]
    return owner


def _count(n: int, noun: str) -> str:
    """``1 node``, ``2 nodes``."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
