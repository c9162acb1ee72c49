#!/bin/sh
# The seed's second example: a 2-input sigmoid neuron, drawn gate by gate
# (*, *, +, +, *-1, exp, +1, 1/x) as in the CS231n figure.
# f = 0.73; gradients w0 -0.20, x0 0.39, w1 -0.39, x1 -0.59, w2 0.20.
backpropviz "1/(1+exp(-(w0*x0+w1*x1+w2)))" --w0 2 --x0 -1 --w1 -3 --x1 -2 --w2 -3 -o sigmoid_neuron.svg "$@"
