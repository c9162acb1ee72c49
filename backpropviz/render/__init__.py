"""Renderers: each reads an evaluated :class:`~backpropviz.graph.Graph` and never recomputes math.

``table`` (rich terminal table), ``json_doc`` (strict JSON), ``dot`` (Graphviz DOT text in the
CS231n circuit style) and ``diagram`` (DOT through Graphviz to SVG, PNG or PDF).
"""
