"""The Python API warns as the command does (issue 16, point 7): a nan or inf names its
node in a BackpropvizWarning with the CLI's text, instead of passing silently."""

from __future__ import annotations

import math
import warnings

import pytest

import backpropviz
from backpropviz import BackpropvizWarning, trace


def test_log_of_a_negative_number_warns_naming_the_node():
    with pytest.warns(BackpropvizWarning) as caught:
        graph = trace("log(x)", x=-1)
    assert math.isnan(graph.value)
    assert [str(w.message) for w in caught] == ["the value of node 1 (log: log(x)) is nan"]
    assert caught[0].filename == __file__  # points at the caller's line, not the library's


def test_the_warning_has_the_text_the_command_prints(run):
    result = run("log(x)", "--x", "-1")
    assert result.exit_code == 0
    with pytest.warns(BackpropvizWarning) as caught:
        trace("log(x)", x=-1)
    assert f"warning: {caught[0].message}" in result.stderr.splitlines()


def test_an_infinite_gradient_is_named():
    with pytest.warns(BackpropvizWarning, match=r"^the gradient of node 0 \(x: x\) is inf$"):
        trace("sqrt(x)", x=0)  # d sqrt(x)/dx = 1/(2 sqrt(x)) = inf at 0


def test_a_name_assigned_and_never_used_warns():
    with pytest.warns(BackpropvizWarning) as caught:
        trace("q = x + 1; r = x * 2; f = q * 3", x=1)
    assert len(caught) == 1 and "'r'" in str(caught[0].message)


def test_a_finite_graph_warns_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert trace("(x+y)*z", x=-2, y=5, z=-4).value == -12.0


def test_the_warning_is_a_user_warning_and_exported():
    assert issubclass(BackpropvizWarning, UserWarning)
    assert "BackpropvizWarning" in backpropviz.__all__
