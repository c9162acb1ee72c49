"""Generated expressions and programs, for the tests that compare two ways of computing the
same thing (the parser against the tree route, the engine's inline ops against the table)."""

from __future__ import annotations

from hypothesis import HealthCheck
from hypothesis import strategies as st

SETTINGS = dict(deadline=None, derandomize=True, database=None, max_examples=400,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

ATOMS = ["x", "y", "z", "a", "b", "2", "0.5", "1e-3", "pi", "e", "-1", "3"]
OPERATORS = [" + ", "-", "*", "/", "**", "^", " - "]
FUNCS = ["exp", "tanh", "log", "sqrt", "relu", "sin", "sigmoid", "abs"]


def expressions(depth: int = 3) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(ATOMS)
    return st.recursive(leaf, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(OPERATORS), inner).map("".join),
        inner.map(lambda e: f"-{e}"),
        inner.map(lambda e: f"({e})"),
        st.tuples(st.sampled_from(FUNCS), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["max", "min"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"),
    ), max_leaves=8)


programs = st.tuples(
    st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(["=", "=", "+=", "*=", "-=", "/="]),
                       expressions()), min_size=1, max_size=4),
    st.one_of(st.none(), expressions()),
    st.sampled_from(["\n", "; ", "\n\n", " # note\n"]),
).map(lambda t: t[2].join([f"{n} {op} {e}" for n, op, e in t[0]] + ([t[1]] if t[1] else [])))

