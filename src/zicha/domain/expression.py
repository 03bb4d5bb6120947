"""Expressions of packs: parsing into a typed AST, references, readable descriptions, bounds.

Indicator numerators and denominators, validation rule sides and register filters are all
written in one small grammar (``expression.lark``, next to this module)::

    births * 1000 / ((opening(population) + closing(population)) / 2)
    if(births > 0, births_male / births_female * 100, null)
    sex == "M" and order >= 3 and not in_policy

Target bounds as clerks type them (``≤510``, ``＞＝85%``, ``105～107``) go through the second start
rule of the same grammar, see :func:`parse_bound`. The parser itself is `zicha.domain.grammar`,
loaded when a text is first parsed.

Nothing here evaluates anything: the engine compiles the AST (``zicha.engine.evaluation``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, TypeAlias

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
    "remember",
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


#: texts parsed in an earlier run (a pack's, kept by `zicha.packs.cache`): given as they are,
#: without loading the parser
_KNOWN: dict[str, Node] = {}


def remember(parsed: Mapping[str, Node]) -> None:
    """Texts parsed before, with their ASTs: `parse` gives these without parsing them again."""
    _KNOWN.update(parsed)


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
    known = _KNOWN.get(text)
    if known is not None:
        return known
    from zicha.domain import grammar  # (lark is loaded for the first text not known)

    return grammar.expression(text)


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
    from zicha.domain import grammar

    return grammar.bound(text)


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
