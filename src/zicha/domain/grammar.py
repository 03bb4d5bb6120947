"""The parser of the expression language (``expression.lark``, next to this module): lark's LALR
parser, building `zicha.domain.expression`'s AST as it reduces, and the words its errors are
told to clerks in.

Loaded only when a text is parsed (`zicha.domain.expression.parse`): a pack read from the pack
cache (`zicha.packs.cache`) comes with its expressions parsed, and a run that parses nothing
else never loads lark.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable
from importlib import resources

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from zicha.domain.expression import (
    _REF_FUNCTIONS,
    FUNCTIONS,
    KEYWORDS,
    Binary,
    Bool,
    Call,
    Compare,
    CompareOp,
    ExpressionError,
    FunctionName,
    Logical,
    Node,
    Not,
    Null,
    Number,
    Ref,
    RefVariant,
    String,
    Unary,
    _format_number,
)
from zicha.domain.target import Bound


def expression(text: str) -> Node:
    """An expression's AST (`zicha.domain.expression.parse`, which caches it)."""
    try:
        result = _parser().parse(text, start="expr")
    except UnexpectedInput as error:
        raise _translate(error, text, bound=False) from None
    except _SemanticError as error:
        raise ExpressionError(text, error.position, error.problem, error.expected) from None
    return _node(result)


def bound(text: str) -> Bound:
    """A target bound (`zicha.domain.expression.parse_bound`), full-width characters made
    narrow first."""
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


# ---------------------------------------------------------------------------------------- errors


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
