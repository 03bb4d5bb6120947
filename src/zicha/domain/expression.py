"""Expressions of packs: parsing into a typed AST, references, readable descriptions, bounds.

Indicator numerators and denominators, validation rule sides and register filters are all
written in one small grammar (``expression.lark``, next to this module)::

    births * 1000 / ((opening(population) + closing(population)) / 2)
    if(births > 0, births_male / births_female * 100, null)
    sex == "M" and order >= 3 and not in_policy

Target bounds as clerks type them (``≤510``, ``＞＝85%``, ``105～107``) go through the second start
rule of the same grammar, see :func:`parse_bound`.

Nothing here evaluates anything: the engine compiles the AST (``zicha.engine.evaluation``).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Literal, TypeAlias

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from zicha.domain.target import Bound

__all__ = [
    "FUNCTIONS",
    "KEYWORDS",
    "Binary",
    "Bool",
    "Call",
    "Compare",
    "ExpressionError",
    "Logical",
    "Node",
    "Not",
    "Null",
    "Number",
    "Ref",
    "String",
    "Unary",
    "children",
    "describe",
    "parse",
    "parse_bound",
    "references",
    "unparse",
]

ArithmeticOp = Literal["+", "-", "*", "/"]
CompareOp = Literal["==", "!=", "<", "<=", ">", ">="]
LogicalOp = Literal["and", "or"]
RefVariant = Literal["opening", "closing", "indicator"]
FunctionName = Literal["if", "min", "max", "sum", "coalesce", "is_null", "abs"]

# ---------------------------------------------------------------------------------------- AST


@dataclass(frozen=True)
class Number:
    """A numeric literal (always a float: ``1e3`` and ``1000`` are the same number)."""

    value: float


@dataclass(frozen=True)
class String:
    """A string literal, for register filters such as ``sex == "M"``."""

    value: str


@dataclass(frozen=True)
class Null:
    """The ``null`` literal: a missing figure."""


@dataclass(frozen=True)
class Bool:
    """``true`` or ``false``."""

    value: bool


@dataclass(frozen=True)
class Ref:
    """A reference to a data element (``births``), its value at the start or end of the period
    (``opening(population)``, ``closing(population)``), or another indicator
    (``indicator(birth_rate)``)."""

    name: str
    variant: RefVariant | None = None


@dataclass(frozen=True)
class Unary:
    """Unary minus."""

    op: Literal["-"]
    operand: Node


@dataclass(frozen=True)
class Binary:
    """Arithmetic: ``+ - * /``."""

    op: ArithmeticOp
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare:
    """A comparison; ``=`` and ``<>`` in the source are stored as ``==`` and ``!=``."""

    op: CompareOp
    left: Node
    right: Node


@dataclass(frozen=True)
class Logical:
    """``and`` / ``or``."""

    op: LogicalOp
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    """``not``."""

    operand: Node


@dataclass(frozen=True)
class Call:
    """A call of one of :data:`FUNCTIONS` (arity already checked by the parser)."""

    name: FunctionName
    args: tuple[Node, ...]


Node: TypeAlias = (
    Number | String | Null | Bool | Ref | Unary | Binary | Compare | Logical | Not | Call
)

#: Functions and their arity: (minimum, maximum or None for "any number").
FUNCTIONS: Mapping[str, tuple[int, int | None]] = MappingProxyType(
    {
        "if": (3, 3),
        "min": (1, None),
        "max": (1, None),
        "sum": (1, None),
        "coalesce": (1, None),
        "is_null": (1, 1),
        "abs": (1, 1),
    }
)
_REF_FUNCTIONS: tuple[RefVariant, ...] = ("opening", "closing", "indicator")

#: Words that cannot be names.
KEYWORDS: frozenset[str] = frozenset({"and", "or", "not", "null", "true", "false"})

# ---------------------------------------------------------------------------------------- errors


class ExpressionError(ValueError):
    """An expression or bound that cannot be parsed; the message (Chinese) says where and what
    was expected.

    >>> err = ExpressionError("births / ", 10, "表达式不完整", ["数字", "名称", "函数", "括号"])
    >>> str(err)
    '表达式「births / 」第 10 个字符处：表达式不完整，应为数字、名称、函数或括号'
    >>> err.position, err.expected
    (10, ['数字', '名称', '函数', '括号'])
    """

    def __init__(
        self,
        text: str,
        position: int | None,
        problem: str,
        expected: Iterable[str] = (),
        *,
        subject: str = "表达式",
    ) -> None:
        self.text = text
        self.position = position
        self.problem = problem
        self.expected = list(expected)
        where = f"{subject}「{text}」"
        if position is not None:
            where += f"第 {position} 个字符处"
        message = f"{where}：{problem}"
        if self.expected:
            message += f"，应为{_join_or(self.expected)}"
        super().__init__(message)


def _join_or(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return "、".join(words[:-1]) + "或" + words[-1]


class _SemanticError(Exception):
    """Raised inside the tree builder; turned into an ExpressionError once the text is known."""

    def __init__(self, position: int | None, problem: str, expected: Iterable[str] = ()) -> None:
        super().__init__(problem)
        self.position = position
        self.problem = problem
        self.expected = list(expected)


# Terminal names → words shown to clerks, in the order they are listed.
_TERMINAL_WORDS: dict[str, str] = {
    "NUMBER": "数字",
    "NAME": "名称",
    "STRING": "字符串",
    "LPAR": "左括号",
    "RPAR": "右括号",
    "COMMA": "逗号",
    "PLUS": "+",
    "MINUS": "-",
    "STAR": "*",
    "SLASH": "/",
    "COMP_OP": "比较符",
    "AND": "and",
    "OR": "or",
    "NOT": "not",
    "NULL": "null",
    "TRUE": "true",
    "FALSE": "false",
    "RANGE_SEP": "~",
    "UNIT": "%",
    "$END": "结尾",
}
_OPERAND_STARTERS = ["数字", "名称", "函数", "括号"]
_ARITHMETIC = {"PLUS", "MINUS", "STAR", "SLASH"}


def _expected_words(terminals: set[str], bound: bool) -> list[str]:
    if not bound and "NUMBER" in terminals and "NAME" in terminals:
        return list(_OPERAND_STARTERS)
    words: list[str] = []
    rest = set(terminals)
    if not bound and rest >= _ARITHMETIC:
        words.append("运算符")
        rest -= _ARITHMETIC
    if bound:
        rest.discard("UNIT")  # optional, never worth suggesting
        if "COMP_OP" in rest:
            words.append("比较符（如 <=、>=）")
            rest.discard("COMP_OP")
        if "NUMBER" in rest:
            rest.discard("MINUS")  # a sign: "数字" covers it
        if "RANGE_SEP" in rest or "MINUS" in rest:
            words.append("范围符号（~ 或 -）")
            rest -= {"RANGE_SEP", "MINUS"}
    for name, word in _TERMINAL_WORDS.items():
        if name in rest and word not in words:
            words.append(word)
    return words


def _found(token: Token) -> str:
    if token.type == "NUMBER":
        return f"数字「{token.value}」"
    if token.type == "NAME":
        return f"名称「{token.value}」"
    if token.type == "STRING":
        return f"字符串 {token.value}"
    return f"「{token.value}」"


def _translate(error: UnexpectedInput, text: str, bound: bool) -> ExpressionError:
    subject = "目标界限" if bound else "表达式"
    end = len(text) + 1
    if isinstance(error, UnexpectedCharacters):
        offset = error.pos_in_stream or 0
        position = offset + 1
        char = text[offset] if offset < len(text) else ""
        expected = _expected_words(set(error.allowed or ()), bound)
        if char and char in "\"'":
            problem = f"字符串缺少结尾的引号「{char}」"
            expected = []
        else:
            problem = f"无法识别的字符「{char}」"
            narrow = unicodedata.normalize("NFKC", char)
            if narrow != char and narrow.isascii():
                problem += f"（全角字符，请改用半角「{narrow}」）"
        return ExpressionError(text, position, problem, expected, subject=subject)
    if isinstance(error, UnexpectedToken):
        token = error.token
        terminals = set(error.accepts or error.expected)
        expected = _expected_words(terminals, bound)
        if token.type == "$END":
            problem = ("目标界限为空" if bound else "表达式为空") if not text.strip() else ""
            if not problem:
                problem = "目标界限不完整" if bound else "表达式不完整"
            return ExpressionError(text, end, problem, expected, subject=subject)
        position = (token.start_pos or 0) + 1
        if (
            not bound
            and token.type == "COMP_OP"
            and "COMP_OP" not in terminals
            and "NUMBER" not in terminals
        ):
            problem = (
                f"比较不能连写（如 a < b < c），第二个「{token.value}」之前请用 and 连接，"
                "如 a < b and b < c"
            )
            return ExpressionError(text, position, problem, [], subject=subject)
        if token.type == "RPAR" and "RPAR" not in terminals:
            problem = "多余的右括号「)」，或前面少了左括号"
            return ExpressionError(text, position, problem, [], subject=subject)
        problem = f"此处不应出现{_found(token)}"
        return ExpressionError(text, position, problem, expected, subject=subject)
    if isinstance(error, UnexpectedEOF):  # pragma: no cover - LALR reports UnexpectedToken
        problem = "目标界限不完整" if bound else "表达式不完整"
        expected = _expected_words(set(error.expected), bound)
        return ExpressionError(text, end, problem, expected, subject=subject)
    return ExpressionError(text, None, str(error), subject=subject)  # pragma: no cover


# ---------------------------------------------------------------------------------------- parser

_UNESCAPE = re.compile(r"\\([\s\S])")
_COMPARE_OPS: dict[str, CompareOp] = {
    "==": "==",
    "=": "==",
    "!=": "!=",
    "<>": "!=",
    "≠": "!=",
    "<": "<",
    "<=": "<=",
    "≤": "<=",
    "≦": "<=",
    ">": ">",
    ">=": ">=",
    "≥": ">=",
    "≧": ">=",
}
_ARITY_WORDS = {"if": "（条件、条件成立时的值、不成立时的值）"}


class _Builder(Transformer[Token, object]):
    """Builds AST nodes while the LALR parser reduces (an inline transformer: no tree)."""

    # expressions
    def or_(self, c: list[Node]) -> Node:
        return Logical("or", c[0], c[1])

    def and_(self, c: list[Node]) -> Node:
        return Logical("and", c[0], c[1])

    def not_(self, c: list[Node]) -> Node:
        return Not(c[0])

    def compare(self, c: list[object]) -> Node:
        left, op, right = c
        assert isinstance(op, Token)
        return Compare(_COMPARE_OPS[str(op)], _node(left), _node(right))

    def add(self, c: list[Node]) -> Node:
        return Binary("+", c[0], c[1])

    def sub(self, c: list[Node]) -> Node:
        return Binary("-", c[0], c[1])

    def mul(self, c: list[Node]) -> Node:
        return Binary("*", c[0], c[1])

    def div(self, c: list[Node]) -> Node:
        return Binary("/", c[0], c[1])

    def neg(self, c: list[Node]) -> Node:
        return Unary("-", c[0])

    def number(self, c: list[Token]) -> Node:
        return Number(_finite(c[0]))

    def string(self, c: list[Token]) -> Node:
        return String(_UNESCAPE.sub(r"\1", str(c[0])[1:-1]))

    def null(self, c: list[object]) -> Node:
        return Null()

    def true(self, c: list[object]) -> Node:
        return Bool(True)

    def false(self, c: list[object]) -> Node:
        return Bool(False)

    def name(self, c: list[Token]) -> Node:
        # The contextual lexer reads a keyword as a NAME where the keyword itself cannot occur.
        if c[0] in KEYWORDS:
            raise _SemanticError(
                (c[0].start_pos or 0) + 1, f"此处不应出现「{c[0]}」", _OPERAND_STARTERS
            )
        return Ref(str(c[0]))

    def arguments(self, c: list[Node]) -> list[Node]:
        return list(c)

    def call(self, c: list[object]) -> Node:
        token, arguments = c
        assert isinstance(token, Token)
        args = [_node(a) for a in arguments] if isinstance(arguments, list) else []
        name = str(token)
        position = (token.start_pos or 0) + 1
        if name in _REF_FUNCTIONS:
            if len(args) != 1 or not (isinstance(args[0], Ref) and args[0].variant is None):
                raise _SemanticError(
                    position,
                    f"{name}() 的参数必须恰好是一个名称，如 {name}(population)",
                )
            return Ref(args[0].name, _ref_variant(name))
        if name not in FUNCTIONS:
            raise _SemanticError(
                position, f"没有名为「{name}」的函数", [*FUNCTIONS, *_REF_FUNCTIONS]
            )
        low, high = FUNCTIONS[name]
        if len(args) < low or (high is not None and len(args) > high):
            if high is None:
                need = f"至少需要 {low} 个参数"
            else:
                need = f"需要 {low} 个参数{_ARITY_WORDS.get(name, '')}"
            raise _SemanticError(position, f"函数「{name}」{need}，实际给了 {len(args)} 个")
        return Call(_function_name(name), tuple(args))

    # bounds: children of bound_* are (value, position) pairs
    def positive(self, c: list[Token]) -> tuple[float, int]:
        return _finite(c[0]), (c[0].start_pos or 0) + 1

    def negative(self, c: list[Token]) -> tuple[float, int]:
        return -_finite(c[0]), (c[0].start_pos or 0)

    def bound_number(self, c: list[object]) -> tuple[float, int]:
        value = c[0]
        assert isinstance(value, tuple)
        return value[0], value[1]

    def bound_compare(self, c: list[object]) -> Bound:
        op, number = c
        assert isinstance(op, Token) and isinstance(number, tuple)
        canonical = _COMPARE_OPS[str(op)]
        if canonical == "!=":
            raise _SemanticError(
                (op.start_pos or 0) + 1, f"目标界限不能用「{op}」（不等于）", ["<=", ">=", "="]
            )
        return Bound("=" if canonical == "==" else canonical, float(number[0]))

    def bound_range(self, c: list[object]) -> Bound:
        numbers = [x for x in c if isinstance(x, tuple)]
        (low, low_position), (high, _) = numbers
        if low > high:
            raise _SemanticError(
                low_position,
                f"范围下限 {_format_number(low)} 大于上限 {_format_number(high)}，"
                f"请写成 {_format_number(high)}~{_format_number(low)}",
            )
        return Bound("range", low=float(low), high=float(high))

    def bound_bare(self, c: list[object]) -> Bound:
        number = c[0]
        assert isinstance(number, tuple)
        n = _format_number(number[0])
        raise _SemanticError(
            number[1],
            f"只有数字「{n}」，看不出是上限还是下限",
            [f"<={n}（上限）", f">={n}（下限）", f"={n}（恰好等于）"],
        )


def _finite(token: Token) -> float:
    """A number literal's value; 1e400 is no number (it would be infinity)."""
    value = float(token)
    if not math.isfinite(value):
        raise _SemanticError((token.start_pos or 0) + 1, f"数字「{token}」过大，不是有限的数")
    return value


def _node(x: object) -> Node:
    assert isinstance(
        x, Number | String | Null | Bool | Ref | Unary | Binary | Compare | Logical | Not | Call
    )
    return x


def _ref_variant(name: str) -> RefVariant:
    for variant in _REF_FUNCTIONS:
        if variant == name:
            return variant
    raise AssertionError(name)  # pragma: no cover


def _function_name(name: str) -> FunctionName:
    names: tuple[FunctionName, ...] = ("if", "min", "max", "sum", "coalesce", "is_null", "abs")
    for known in names:
        if known == name:
            return known
    raise AssertionError(name)  # pragma: no cover


@functools.cache
def _parser() -> Lark:
    grammar = resources.files("zicha.domain").joinpath("expression.lark").read_text("utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        start=["expr", "bound"],
        transformer=_Builder(),
        maybe_placeholders=True,
        # the parse tables are kept in the temporary folder, keyed by the grammar and lark's
        # version: building them takes longer than drafting a report (a broken or missing cache
        # file is rebuilt)
        cache=True,
    )


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Node:
    """Parse an expression into its AST (cached per text).

    >>> parse("births * 1000 / population")
    Binary(op='/', left=Binary(op='*', left=Ref(name='births', variant=None), \
right=Number(value=1000.0)), right=Ref(name='population', variant=None))
    >>> parse("opening(population)")
    Ref(name='population', variant='opening')
    >>> parse("births / ")
    Traceback (most recent call last):
    ...
    zicha.domain.expression.ExpressionError: 表达式「births / 」第 10 个字符处：表达式不完整，\
应为数字、名称、函数或括号
    """
    try:
        result = _parser().parse(text, start="expr")
    except UnexpectedInput as error:
        raise _translate(error, text, bound=False) from None
    except _SemanticError as error:
        raise ExpressionError(text, error.position, error.problem, error.expected) from None
    return _node(result)


@functools.lru_cache(maxsize=1024)
def parse_bound(text: str) -> Bound:
    """Parse a target bound as a clerk types it.

    Full-width characters are normalised first (NFKC); a trailing ``%`` or ``‰`` is ignored
    (figures are in the indicator's own unit); a bare number is an error, since it could be a cap
    or a floor.

    >>> parse_bound("≤510")
    Bound(op='<=', value=510.0, low=None, high=None)
    >>> parse_bound("＞＝85%")
    Bound(op='>=', value=85.0, low=None, high=None)
    >>> parse_bound("１０５～１０７")
    Bound(op='range', value=None, low=105.0, high=107.0)
    >>> parse_bound("510")
    Traceback (most recent call last):
    ...
    zicha.domain.expression.ExpressionError: 目标界限「510」第 1 个字符处：只有数字「510」，\
看不出是上限还是下限，应为<=510（上限）、>=510（下限）或=510（恰好等于）
    """
    normalised = unicodedata.normalize("NFKC", text)
    try:
        result = _parser().parse(normalised, start="bound")
    except UnexpectedInput as error:
        raise _translate(error, normalised, bound=True) from None
    except _SemanticError as error:
        raise ExpressionError(
            normalised, error.position, error.problem, error.expected, subject="目标界限"
        ) from None
    assert isinstance(result, Bound)
    return result


# ---------------------------------------------------------------------------------------- walking


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of a node.

    >>> children(parse("a + b"))
    (Ref(name='a', variant=None), Ref(name='b', variant=None))
    """
    if isinstance(node, Unary | Not):
        return (node.operand,)
    if isinstance(node, Binary | Compare | Logical):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def references(node: Node) -> frozenset[Ref]:
    """Every element or indicator the expression refers to.

    >>> sorted(references(parse("births / closing(population) + births")), key=repr)
    [Ref(name='births', variant=None), Ref(name='population', variant='closing')]
    """
    return frozenset(n for n in _walk(node) if isinstance(n, Ref))


# ---------------------------------------------------------------------------------------- printing

_ATOM = 8
_UNARY = 7
_PRECEDENCE_BINARY = {"+": 5, "-": 5, "*": 6, "/": 6}
_COMPARE = 4
_NOT = 3
_PRECEDENCE_LOGICAL = {"and": 2, "or": 1}


def _precedence(node: Node) -> int:
    if isinstance(node, Binary):
        return _PRECEDENCE_BINARY[node.op]
    if isinstance(node, Compare):
        return _COMPARE
    if isinstance(node, Logical):
        return _PRECEDENCE_LOGICAL[node.op]
    if isinstance(node, Not):
        return _NOT
    if isinstance(node, Unary) or (isinstance(node, Number) and node.value < 0):
        return _UNARY
    return _ATOM


def _format_number(value: float) -> str:
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return repr(value)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class _Style:
    """How one printer spells things: source text or a reader's formula."""

    arithmetic: Mapping[str, str]
    compare: Mapping[str, str]
    logical: Mapping[str, str]
    not_word: str
    functions: Mapping[str, str]
    null: str
    true: str
    false: str
    names: Mapping[str, str]
    source: bool


_SOURCE_ARITHMETIC = MappingProxyType({"+": "+", "-": "-", "*": "*", "/": "/"})
_SOURCE_COMPARE = MappingProxyType({op: op for op in ("==", "!=", "<", "<=", ">", ">=")})
_SOURCE_LOGICAL = MappingProxyType({"and": "and", "or": "or"})
_NO_NAMES: Mapping[str, str] = MappingProxyType({})
_SOURCE = _Style(
    arithmetic=_SOURCE_ARITHMETIC,
    compare=_SOURCE_COMPARE,
    logical=_SOURCE_LOGICAL,
    not_word="not",
    functions=MappingProxyType({name: name for name in FUNCTIONS}),
    null="null",
    true="true",
    false="false",
    names=_NO_NAMES,
    source=True,
)
_DESCRIBE_ARITHMETIC = MappingProxyType({"+": "+", "-": "-", "*": "×", "/": "÷"})
_DESCRIBE_COMPARE = MappingProxyType(
    {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}
)
_DESCRIBE_LOGICAL = MappingProxyType({"and": "且", "or": "或"})
_DESCRIBE_FUNCTIONS = MappingProxyType(
    {
        "if": "如果",
        "min": "最小",
        "max": "最大",
        "sum": "合计",
        "coalesce": "取值",
        "is_null": "为空",
        "abs": "绝对值",
    }
)
_REF_PREFIX = MappingProxyType({"opening": "期初", "closing": "期末", "indicator": ""})


def _print(node: Node, style: _Style) -> str:
    if isinstance(node, Number):
        return _format_number(node.value)
    if isinstance(node, String):
        return _quote(node.value)
    if isinstance(node, Null):
        return style.null
    if isinstance(node, Bool):
        return style.true if node.value else style.false
    if isinstance(node, Ref):
        if style.source:
            return node.name if node.variant is None else f"{node.variant}({node.name})"
        name = style.names.get(node.name, node.name)
        return name if node.variant is None else _REF_PREFIX[node.variant] + name
    if isinstance(node, Unary):
        return "-" + _side(node.operand, _UNARY, style)
    if isinstance(node, Not):
        return f"{style.not_word} " + _side(node.operand, _NOT, style)
    if isinstance(node, Call):
        args = ", ".join(_print(a, style) for a in node.args)
        return f"{style.functions[node.name]}({args})"
    if isinstance(node, Binary):
        level, symbol = _PRECEDENCE_BINARY[node.op], style.arithmetic[node.op]
    elif isinstance(node, Compare):
        level, symbol = _COMPARE, style.compare[node.op]
        # non-associative: a comparison on either side needs parentheses
        left = _side(node.left, level + 1, style)
        return f"{left} {symbol} {_side(node.right, level + 1, style)}"
    else:
        level, symbol = _PRECEDENCE_LOGICAL[node.op], style.logical[node.op]
    # left-associative: the right side needs parentheses at equal precedence
    return f"{_side(node.left, level, style)} {symbol} {_side(node.right, level + 1, style)}"


def _side(node: Node, minimum: int, style: _Style) -> str:
    text = _print(node, style)
    return f"({text})" if _precedence(node) < minimum else text


def unparse(node: Node) -> str:
    """Canonical source text: ``parse(unparse(parse(t))) == parse(t)``.

    >>> unparse(parse("births*1000/((opening(population)+closing(population))/2)"))
    'births * 1000 / ((opening(population) + closing(population)) / 2)'
    >>> unparse(parse("a = 1e3"))
    'a == 1000'
    """
    return _print(node, _SOURCE)


def describe(node: Node, names: Mapping[str, str] = _NO_NAMES) -> str:
    """A formula for a report's notes, with display names where ``names`` has them.

    >>> names = {"births": "出生人数", "population": "总人口"}
    >>> describe(parse("births * 1000 / population"), names)
    '出生人数 × 1000 ÷ 总人口'
    >>> describe(parse("if(births >= 0 and not x, min(a, b), null)"))
    '如果(births ≥ 0 且 非 x, 最小(a, b), 空)'
    """
    style = _Style(
        arithmetic=_DESCRIBE_ARITHMETIC,
        compare=_DESCRIBE_COMPARE,
        logical=_DESCRIBE_LOGICAL,
        not_word="非",
        functions=_DESCRIBE_FUNCTIONS,
        null="空",
        true="是",
        false="否",
        names=names,
        source=False,
    )
    return _print(node, style)
