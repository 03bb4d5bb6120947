"""Expressions: grammar, AST, unparse/describe, errors, bounds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zicha.domain import expression, grammar
from zicha.domain.expression import (
    FUNCTIONS,
    KEYWORDS,
    Binary,
    Bool,
    Call,
    Compare,
    ExpressionError,
    Logical,
    Node,
    Not,
    Null,
    Number,
    Ref,
    String,
    Unary,
    describe,
    parse,
    parse_bound,
    references,
    unparse,
)
from zicha.domain.target import Bound

GOLDEN = Path(__file__).parent / "golden" / "expressions.txt"
NAMES = {"births": "出生人数", "population": "总人口", "deaths": "死亡人数"}
_LINE = re.compile(r"^(?P<input>.*?);\s(?P<kind>=>|~>|!!)\s(?P<expected>.*)$")


def _golden() -> list[tuple[int, str, str, str]]:
    cases = []
    for number, line in enumerate(GOLDEN.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE.match(line)
        assert match, f"line {number} is not `input ; (=>|~>|!!) expected`: {line!r}"
        cases.append((number, match["input"], match["kind"], match["expected"]))
    return cases


GOLDEN_CASES = _golden()


def test_golden_file_is_big_enough() -> None:
    kinds = [kind for _, _, kind, _ in GOLDEN_CASES]
    assert len(GOLDEN_CASES) >= 40
    assert {"=>", "~>", "!!"} <= set(kinds)


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [pytest.param(t, k, e, id=f"line{n}") for n, t, k, e in GOLDEN_CASES],
)
def test_golden(text: str, kind: str, expected: str) -> None:
    if kind == "=>":
        node = parse(text)
        assert unparse(node) == expected
        assert parse(expected) == node
    elif kind == "~>":
        assert describe(parse(text), NAMES) == expected
    else:
        position, _, phrase = expected.partition(" ")
        with pytest.raises(ExpressionError) as info:
            parse(text)
        error = info.value
        assert error.text == text
        assert error.position == (None if position == "-" else int(position))
        assert phrase in str(error)
        if error.position is not None:
            assert f"第 {error.position} 个字符处" in str(error)


# ------------------------------------------------------------------------------------------ AST


def test_ast_of_the_documented_examples() -> None:
    assert parse("births") == Ref("births")
    assert parse("1e3") == Number(1000.0)
    assert parse("-x") == Unary("-", Ref("x"))
    assert parse("opening(population)") == Ref("population", "opening")
    assert parse("closing(population)") == Ref("population", "closing")
    assert parse("indicator(birth_rate)") == Ref("birth_rate", "indicator")
    assert parse("if(births > 0, births_male / births_female * 100, null)") == Call(
        "if",
        (
            Compare(">", Ref("births"), Number(0.0)),
            Binary(
                "*",
                Binary("/", Ref("births_male"), Ref("births_female")),
                Number(100.0),
            ),
            Null(),
        ),
    )
    assert parse('sex == "M" and order >= 3 and not in_policy') == Logical(
        "and",
        Logical(
            "and", Compare("==", Ref("sex"), String("M")), Compare(">=", Ref("order"), Number(3))
        ),
        Not(Ref("in_policy")),
    )
    assert parse("x != 0 or y < 2.5") == Logical(
        "or", Compare("!=", Ref("x"), Number(0)), Compare("<", Ref("y"), Number(2.5))
    )
    assert parse("true") == Bool(True)
    assert parse("false") == Bool(False)
    assert parse("'it\\'s'") == String("it's")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a = b", "=="),
        ("a == b", "=="),
        ("a != b", "!="),
        ("a <> b", "!="),
        ("a ≠ b", "!="),
        ("a < b", "<"),
        ("a <= b", "<="),
        ("a ≤ b", "<="),
        ("a > b", ">"),
        ("a >= b", ">="),
        ("a ≥ b", ">="),
    ],
)
def test_comparison_operators(text: str, expected: str) -> None:
    node = parse(text)
    assert isinstance(node, Compare)
    assert node.op == expected


def test_precedence_tree_shapes() -> None:
    assert parse("a or b and not c == d + e * -f") == Logical(
        "or",
        Ref("a"),
        Logical(
            "and",
            Ref("b"),
            Not(
                Compare(
                    "==",
                    Ref("c"),
                    Binary("+", Ref("d"), Binary("*", Ref("e"), Unary("-", Ref("f")))),
                )
            ),
        ),
    )
    assert parse("a - b - c") == Binary("-", Binary("-", Ref("a"), Ref("b")), Ref("c"))
    assert parse("a / b / c") == Binary("/", Binary("/", Ref("a"), Ref("b")), Ref("c"))


def test_keywords_are_not_names_but_may_start_names() -> None:
    assert parse("nothing") == Ref("nothing")
    assert parse("null_count") == Ref("null_count")
    assert {parse("null"), parse("true"), parse("false")} == {Null(), Bool(True), Bool(False)}
    assert parse("not(x)") == Not(Ref("x"))
    for keyword in ("and", "or", "not"):
        with pytest.raises(ExpressionError):
            parse(keyword)
    for keyword in KEYWORDS:
        with pytest.raises(ExpressionError):
            parse(f"1 + {keyword}(x)" if keyword != "not" else "not")


def test_error_attributes() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("births / ")
    error = info.value
    assert isinstance(error, ValueError)
    assert error.text == "births / "
    assert error.position == 10
    assert error.expected == ["数字", "名称", "函数", "括号"]
    assert (
        str(error) == "表达式「births / 」第 10 个字符处：表达式不完整，应为数字、名称、函数或括号"
    )


def test_unknown_function_lists_the_known_ones() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("median(a, b)")
    assert set(FUNCTIONS) <= set(info.value.expected)


def test_references() -> None:
    node = parse("births * 1000 / ((opening(population) + closing(population)) / 2) + births")
    assert references(node) == frozenset(
        {Ref("births"), Ref("population", "opening"), Ref("population", "closing")}
    )
    assert references(parse("if(a, min(b, indicator(c)), 1)")) == frozenset(
        {Ref("a"), Ref("b"), Ref("c", "indicator")}
    )
    assert references(parse("1 + 2")) == frozenset()


def test_describe_without_names_and_literals() -> None:
    assert describe(parse("opening(x) + closing(y)")) == "期初x + 期末y"
    assert describe(parse('sex = "M" and true or not false')) == 'sex = "M" 且 是 或 非 否'
    assert describe(parse("a * 1000.0 / b")) == "a × 1000 ÷ b"


def test_parse_is_cached() -> None:
    """Parsed once per text (speed itself is measured in bench/, not asserted here)."""
    text = "births * 1000 / ((opening(population) + closing(population)) / 2)"
    assert parse(text) is parse(text)
    parse.cache_clear()
    first = parse(text)
    assert parse(text) is first and parse.cache_info().hits >= 1


def test_grammar_file_ships_with_the_package() -> None:
    assert Path(expression.__file__).with_name("expression.lark").is_file()


def test_no_eval_or_exec() -> None:
    for module in (expression, grammar):
        source = Path(module.__file__ or "").read_text("utf-8")
        assert "def parse" in source or "def expression" in source
        assert not re.search(r"\b(eval|exec)\(", source)


# --------------------------------------------------------------------------------- round trips

_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True).filter(
    lambda s: s not in KEYWORDS
)
_leaves: st.SearchStrategy[Node] = st.one_of(
    st.floats(min_value=0, allow_nan=False, allow_infinity=False).map(Number),
    st.integers(min_value=0, max_value=10**6).map(lambda i: Number(float(i))),
    st.text(max_size=5).map(String),
    st.just(Null()),
    st.booleans().map(Bool),
    st.builds(Ref, _names, st.sampled_from([None, "opening", "closing", "indicator"])),
)


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    def call(name: str) -> st.SearchStrategy[Node]:
        low, high = FUNCTIONS[name]
        size = st.integers(low, high if high is not None else 4)
        return size.flatmap(
            lambda n: st.tuples(*[children] * n).map(lambda args: Call(name, args))  # type: ignore[arg-type]
        )

    return st.one_of(
        st.builds(Unary, st.just("-"), children),
        st.builds(Binary, st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.builds(Compare, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), children, children),
        st.builds(Logical, st.sampled_from(["and", "or"]), children, children),
        st.builds(Not, children),
        st.sampled_from(sorted(FUNCTIONS)).flatmap(call),
    )


_trees = st.recursive(_leaves, _extend, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(_trees)
def test_random_trees_round_trip_through_unparse(node: Node) -> None:
    text = unparse(node)
    assert parse(text) == node
    assert unparse(parse(text)) == text
    describe(node, NAMES)  # never fails


@settings(max_examples=200, deadline=None)
@given(_trees)
def test_unparse_is_a_fixed_point_after_one_parse(node: Node) -> None:
    text = unparse(node)
    spaced = text.replace(" ", "  ")
    assert parse(unparse(parse(spaced))) == parse(spaced)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab1 +-*/()<=>,.'\"xnotandorif", max_size=20))
def test_garbage_raises_only_expression_errors(text: str) -> None:
    try:
        node = parse(text)
    except ExpressionError as error:
        assert error.position is None or 1 <= error.position <= len(text) + 1
    else:
        assert parse(unparse(node)) == node


# -------------------------------------------------------------------------------------- bounds


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("<=510", Bound("<=", 510.0)),
        ("≤510", Bound("<=", 510.0)),
        ("≤ 510‰", Bound("<=", 510.0)),
        ("<5", Bound("<", 5.0)),
        (">=85", Bound(">=", 85.0)),
        ("≥85%", Bound(">=", 85.0)),
        (">85", Bound(">", 85.0)),
        ("> 85 %", Bound(">", 85.0)),
        ("=0", Bound("=", 0.0)),
        ("==0", Bound("=", 0.0)),
        ("105-107", Bound("range", low=105.0, high=107.0)),
        ("105~107", Bound("range", low=105.0, high=107.0)),
        ("105～107", Bound("range", low=105.0, high=107.0)),
        ("105 至 107", Bound("range", low=105.0, high=107.0)),
        (" 105 - 107 ", Bound("range", low=105.0, high=107.0)),
        ("105%~107%", Bound("range", low=105.0, high=107.0)),
        ("＞＝85", Bound(">=", 85.0)),
        ("＜＝５１０", Bound("<=", 510.0)),
        ("１０５～１０７", Bound("range", low=105.0, high=107.0)),
        ("９８．５％", None),
        ("≥98.5%", Bound(">=", 98.5)),
        ("1e3-2e3", Bound("range", low=1000.0, high=2000.0)),
        (">=-2‰", Bound(">=", -2.0)),
        ("-5~-3", Bound("range", low=-5.0, high=-3.0)),
        ("107-107", Bound("range", low=107.0, high=107.0)),
    ],
)
def test_parse_bound(text: str, bound: Bound | None) -> None:
    if bound is None:  # a bare number, even full-width, is refused
        with pytest.raises(ExpressionError):
            parse_bound(text)
    else:
        assert parse_bound(text) == bound


def test_bare_number_suggests_a_cap_or_a_floor() -> None:
    with pytest.raises(ExpressionError) as info:
        parse_bound("510")
    message = str(info.value)
    assert "<=510" in message and ">=510" in message
    assert info.value.position == 1


@pytest.mark.parametrize(
    ("text", "position", "phrase"),
    [
        ("107-105", 1, "范围下限 107 大于上限 105"),
        ("107~105", 1, "请写成 105~107"),
        ("", 1, "目标界限为空"),
        ("<=", 3, "目标界限不完整"),
        ("105~", 5, "应为数字"),
        ("<>5", 1, "不等于"),
        ("abc", 1, "此处不应出现名称「abc」"),
        ("5 6", 3, "范围符号"),
        (">=85$", 5, "无法识别的字符「$」"),
        ("≥", 2, "目标界限不完整"),
    ],
)
def test_bound_errors(text: str, position: int, phrase: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_bound(text)
    assert info.value.position == position
    assert phrase in str(info.value)
    assert str(info.value).startswith("目标界限「")


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["<=", "<", ">=", ">", "="]),
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
)
def test_bound_text_round_trips(op: str, value: float) -> None:
    bound = Bound(op, value)  # type: ignore[arg-type]
    assert parse_bound(bound.text()) == bound


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 1e6), st.floats(0, 1e6))
def test_range_text_round_trips(a: float, b: float) -> None:
    bound = Bound("range", low=min(a, b), high=max(a, b))
    assert parse_bound(bound.text()) == bound
