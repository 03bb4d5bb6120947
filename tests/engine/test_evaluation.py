"""Compiling expressions to polars: null rules, types, and a reference evaluator."""

from __future__ import annotations

import math
from collections.abc import Mapping

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zicha.domain.expression import (
    Binary,
    Call,
    Compare,
    ExpressionError,
    Node,
    Number,
    Ref,
    Unary,
    parse,
    unparse,
)
from zicha.engine.evaluation import Value, compile_expr, evaluate_row

A, B, C = Ref("a"), Ref("b"), Ref("c")


def ev(text: str, **values: Value) -> Value:
    return evaluate_row(parse(text), {Ref(k): v for k, v in values.items()})


# ---------------------------------------------------------------------------------- null rules


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        # arithmetic
        ("a + b", {"a": 1.0, "b": 2.0}, 3.0),
        ("a + b", {"a": 1.0, "b": None}, None),
        ("a - b", {"a": None, "b": 2.0}, None),
        ("a * b", {"a": None, "b": None}, None),
        ("-a", {"a": None}, None),
        ("-a", {"a": 2.0}, -2.0),
        ("a / b", {"a": 1.0, "b": 4.0}, 0.25),
        ("a / b", {"a": 1.0, "b": 0.0}, None),
        ("a / b", {"a": 0.0, "b": 0.0}, None),
        ("a / b", {"a": -1.0, "b": -0.0}, None),
        ("a / b", {"a": 1.0, "b": None}, None),
        ("a / b", {"a": None, "b": 2.0}, None),
        ("a / 0", {"a": 5.0}, None),
        ("1 / (a - a)", {"a": 3.0}, None),
        ("null + 1", {}, None),
        ("1e3 / 4", {}, 250.0),
        ("a * 1", {"a": 3}, 3.0),
        # comparisons
        ("a < b", {"a": None, "b": 1.0}, None),
        ("a == b", {"a": None, "b": None}, None),
        ("a != 1", {"a": None}, None),
        ("a >= 1", {"a": 1.0}, True),
        ("a = 1", {"a": 1.0}, True),
        ("a == null", {"a": 1.0}, None),
        ('sex == "M"', {"sex": None}, None),
        ('sex == "M"', {"sex": "M"}, True),
        ('sex != "M"', {"sex": "F"}, True),
        # Kleene logic
        ("a and b", {"a": False, "b": None}, False),
        ("a and b", {"a": True, "b": None}, None),
        ("a or b", {"a": True, "b": None}, True),
        ("a or b", {"a": False, "b": None}, None),
        ("not a", {"a": None}, None),
        ("not a", {"a": False}, True),
        # if
        ("if(a > 0, 1, 2)", {"a": None}, None),
        ("if(a > 0, 1, 2)", {"a": 1.0}, 1.0),
        ("if(a > 0, 1, 2)", {"a": -1.0}, 2.0),
        ("if(a, b, c)", {"a": True, "b": None, "c": 1.0}, None),
        ("if(a, b, c)", {"a": False, "b": None, "c": 1.0}, 1.0),
        ('if(a, "x", null)', {"a": True}, "x"),
        ("if(true, null, 1)", {}, None),
        # min / max
        ("min(a, b)", {"a": None, "b": 2.0}, None),
        ("max(a, b)", {"a": 1.0, "b": None}, None),
        ("min(a, b, c)", {"a": 3.0, "b": 1.0, "c": 2.0}, 1.0),
        ("max(a, b, c)", {"a": 3.0, "b": 1.0, "c": 2.0}, 3.0),
        ("min(a)", {"a": 3.0}, 3.0),
        # sum
        ("sum(a, b)", {"a": None, "b": None}, None),
        ("sum(a, b, c)", {"a": None, "b": 2.0, "c": 3.0}, 5.0),
        ("sum(a)", {"a": None}, None),
        ("sum(a, b)", {"a": 0.0, "b": None}, 0.0),
        ("sum(is_null(a), is_null(b))", {"a": None, "b": 1.0}, 1.0),
        # coalesce
        ("coalesce(a, 0)", {"a": None}, 0.0),
        ("coalesce(a, b, 0)", {"a": None, "b": 7.0}, 7.0),
        ("coalesce(a, b)", {"a": None, "b": None}, None),
        ("coalesce(a, 0)", {"a": 4.0}, 4.0),
        # is_null
        ("is_null(a)", {"a": None}, True),
        ("is_null(a)", {"a": 0.0}, False),
        ("is_null(a / 0)", {"a": 1.0}, True),
        ("is_null(null)", {}, True),
        # abs
        ("abs(a - b)", {"a": 1.0, "b": 4.0}, 3.0),
        ("abs(a)", {"a": None}, None),
        # literals
        ("null", {}, None),
        ("true", {}, True),
        ('"M"', {}, "M"),
    ],
)
def test_rules(text: str, values: dict[str, Value], expected: Value) -> None:
    result = ev(text, **values)
    if isinstance(expected, float):
        assert isinstance(result, float)
        assert math.isclose(result, expected)
    else:
        assert result == expected
        assert type(result) is type(expected)


def test_register_filter() -> None:
    text = 'sex == "M" and order >= 3 and not in_policy'
    assert ev(text, sex="M", order=3, in_policy=False) is True
    assert ev(text, sex="F", order=3, in_policy=False) is False
    assert ev(text, sex="M", order=3, in_policy=None) is None
    assert ev(text, sex="F", order=None, in_policy=None) is False


def test_sex_ratio_and_birth_rate() -> None:
    sex_ratio = "if(births > 0, births_male / births_female * 100, null)"
    assert ev(sex_ratio, births=21.0, births_male=11.0, births_female=10.0) == pytest.approx(110)
    assert ev(sex_ratio, births=0.0, births_male=0.0, births_female=0.0) is None
    assert ev(sex_ratio, births=5.0, births_male=5.0, births_female=0.0) is None
    rate = parse("births * 1000 / ((opening(population) + closing(population)) / 2)")
    values: dict[Ref, Value] = {
        Ref("births"): 30.0,
        Ref("population", "opening"): 9000.0,
        Ref("population", "closing"): 11000.0,
    }
    assert evaluate_row(rate, values) == pytest.approx(3.0)


def test_compile_expr_on_a_frame_with_caller_column_names() -> None:
    frame = pl.DataFrame(
        {
            "births": [10, 0, None, 4],
            "opening:population": [900.0, 1000.0, 1000.0, 0.0],
            "closing:population": [1100.0, 1000.0, 1000.0, 0.0],
        }
    )

    def column(ref: Ref) -> str:
        return ref.name if ref.variant is None else f"{ref.variant}:{ref.name}"

    node = parse("births * 1000 / ((opening(population) + closing(population)) / 2)")
    result = frame.select(compile_expr(node, column).alias("rate"))["rate"]
    assert result.dtype == pl.Float64
    assert result.to_list() == [10.0, 0.0, None, None]


def test_columns_of_other_types_are_cast() -> None:
    frame = pl.DataFrame({"a": [1, 2, None], "s": ["3", "x", None], "b": [1, 0, None]})
    out = frame.select(
        plus=compile_expr(parse("a + s"), lambda r: r.name),
        flag=compile_expr(parse("not b"), lambda r: r.name),
        text=compile_expr(parse('a == "1"'), lambda r: r.name),
    )
    assert out["plus"].to_list() == [4.0, None, None]
    assert out["flag"].to_list() == [False, True, None]
    assert out["text"].to_list() == [True, False, None]


@pytest.mark.parametrize(
    "text",
    ['"M" + 1', "-'x'", 'if(a, 1, "x")', '"a" < 1', "1 and a", "not 2", 'min(a, "b")'],
)
def test_type_errors_are_found_when_compiling(text: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expr(parse(text), lambda r: r.name)
    assert info.value.text == unparse(parse(text))


def test_missing_value_is_an_error() -> None:
    with pytest.raises(KeyError, match="opening"):
        evaluate_row(parse("a + opening(b)"), {A: 1.0})


# ------------------------------------------------------------------------ reference evaluator


def reference(node: Node, values: Mapping[Ref, float | None]) -> float | None:
    """zicha's numeric null rules in plain Python."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Ref):
        return values[node]
    if isinstance(node, Unary):
        x = reference(node.operand, values)
        return None if x is None else -x
    if isinstance(node, Binary):
        left, right = reference(node.left, values), reference(node.right, values)
        if left is None or right is None:
            return None
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        return None if right == 0 else left / right
    if isinstance(node, Call):
        if node.name == "if":
            condition = node.args[0]
            assert isinstance(condition, Compare)
            left = reference(condition.left, values)
            right = reference(condition.right, values)
            if left is None or right is None:
                return None
            ops = {"<": left < right, ">=": left >= right, "==": left == right}
            return reference(node.args[1] if ops[condition.op] else node.args[2], values)
        args = [reference(a, values) for a in node.args]
        present = [a for a in args if a is not None]
        if node.name == "sum":
            if not present:
                return None
            total = 0.0
            for a in present:
                total += a
            return total
        if node.name == "coalesce":
            return present[0] if present else None
        if node.name == "abs":
            return None if args[0] is None else abs(args[0])
        if len(present) < len(args):
            return None
        return min(present) if node.name == "min" else max(present)
    raise AssertionError(node)


_VARIABLES = [A, B, C, Ref("p", "opening"), Ref("p", "closing")]
_numbers = st.one_of(
    st.just(0.0),
    st.integers(-1000, 1000).map(float),
    st.floats(-1000, 1000, allow_nan=False, allow_subnormal=False).filter(
        lambda x: x == 0 or abs(x) >= 1e-3
    ),
)
_leaves: st.SearchStrategy[Node] = st.one_of(
    st.sampled_from(_VARIABLES), _numbers.map(abs).map(Number)
)


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        st.builds(Unary, st.just("-"), children),
        st.builds(Binary, st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.builds(
            lambda name, args: Call(name, tuple(args)),
            st.sampled_from(["min", "max", "sum", "coalesce"]),
            st.lists(children, min_size=1, max_size=3),
        ),
        st.builds(lambda x: Call("abs", (x,)), children),
        st.builds(
            lambda op, left, right, a, b: Call("if", (Compare(op, left, right), a, b)),
            st.sampled_from(["<", ">=", "=="]),
            children,
            children,
            children,
            children,
        ),
    )


_arithmetic = st.recursive(_leaves, _extend, max_leaves=10)


@settings(max_examples=300, deadline=None)
@given(_arithmetic, st.lists(st.one_of(st.none(), _numbers), min_size=5, max_size=5))
def test_evaluate_row_matches_the_reference(node: Node, numbers: list[float | None]) -> None:
    values = dict(zip(_VARIABLES, numbers, strict=True))
    expected = reference(node, values)
    got = evaluate_row(node, dict(values))
    if expected is None or got is None:
        assert got is None and expected is None, unparse(node)
        return
    assert isinstance(got, float)
    if math.isnan(expected):  # inf - inf can happen after large products; both agree on NaN
        assert math.isnan(got)
    else:
        assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9), unparse(node)


@settings(max_examples=100, deadline=None)
@given(_arithmetic)
def test_frame_evaluation_matches_row_evaluation(node: Node) -> None:
    rows: list[dict[Ref, Value]] = [
        {A: 1.0, B: 0.0, C: None},
        {A: None, B: 2.5, C: -3.0},
        {A: -7.0, B: 4.0, C: 0.0},
    ]
    for row in rows:
        row[Ref("p", "opening")] = 10.0
        row[Ref("p", "closing")] = None
    names = {ref: f"c{i}" for i, ref in enumerate(_VARIABLES)}
    frame = pl.DataFrame(
        {names[ref]: [row[ref] for row in rows] for ref in _VARIABLES},
        schema={name: pl.Float64 for name in names.values()},
    )
    column = frame.with_columns(compile_expr(node, names.__getitem__).alias("x"))["x"].to_list()
    for row, value in zip(rows, column, strict=True):
        single = evaluate_row(node, row)
        if single is None or value is None:
            assert single is None and value is None
        elif isinstance(single, float) and math.isnan(single):
            assert math.isnan(value)
        else:
            assert value == pytest.approx(single)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("if(0/0 < if(c0 < 0, 0, 0), 0, 0)", [None, None, None]),
        ("if(1 < if(c0 < 0, 5, 7), 1, 2)", [1.0, 1.0, 1.0]),
        ("min(3, 4) + c0", [3.0, 5.5, 7.0]),
    ],
)
def test_constant_parts_broadcast_over_the_frame(text: str, expected: list[float | None]) -> None:
    """A part without references is one value for every row, also inside when/then chains
    beside column expressions (found by the property test below)."""
    frame = pl.DataFrame({"c0": [0.0, 2.5, 4.0]})
    got = frame.with_columns(compile_expr(parse(text), lambda r: r.name).alias("x"))["x"]
    assert got.to_list() == expected
