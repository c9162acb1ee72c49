"""``python -m backpropviz``: the same as the ``backpropviz`` command."""

from .cli import main

main()
