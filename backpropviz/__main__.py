"""``python -m backpropviz``: the same as the ``backpropviz`` command."""

from .cli import main

if __name__ == "__main__":
    main()
