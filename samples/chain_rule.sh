#!/bin/sh
# The seed's first example: the chain rule on f = (x + y) * z, with q = x + y.
# CS231n "Backpropagation, Intuitions": f = -12, df/dx = df/dy = -4, df/dz = 3.
backpropviz "(x+y)*z" --x -2 --y 5 --z -4 -o chain_rule.svg "$@"
