"""Compiling expression ASTs into polars expressions, with zicha's null rules.

All rules are null-safe and never raise while evaluating:

* arithmetic with a null operand is null; dividing by zero or by null is null (never inf/NaN);
* comparisons with a null side are null; ``and``/``or``/``not`` follow Kleene logic;
* ``if(c, a, b)`` is null when ``c`` is null;
* ``min``/``max`` are null if any argument is null; ``sum`` skips nulls and is null only when
  every argument is; ``coalesce`` is the first non-null; ``is_null`` is never null.

Numbers are Float64. Types that can be seen at compile time (literals, and what operators
produce) are checked when compiling: ``"M" + 1`` is an :class:`ExpressionError` then, not a
failure in the middle of a computation. Columns of unknown type are cast where an operator
needs a type (to Float64 non-strictly, so text that is not a number becomes null).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import polars as pl

from zicha.domain.expression import (
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
    references,
    unparse,
)

__all__ = ["Value", "compile_expr", "evaluate_row"]

Value: TypeAlias = float | bool | str | None

_Kind = Literal["number", "bool", "string", "null", "any"]
_KIND_WORDS: Mapping[_Kind, str] = {
    "number": "数字",
    "bool": "条件（真/假）",
    "string": "文字",
    "null": "空值",
    "any": "数据",
}
_DTYPES: Mapping[_Kind, pl.DataType] = {
    "number": pl.Float64(),
    "bool": pl.Boolean(),
    "string": pl.String(),
}


@dataclass(frozen=True)
class _Compiled:
    expr: pl.Expr
    kind: _Kind
    node: Node


class _Compiler:
    def __init__(self, root: Node, column: Callable[[Ref], str]) -> None:
        self.root = root
        self.column = column

    def error(self, node: Node, problem: str) -> ExpressionError:
        return ExpressionError(unparse(self.root), None, f"「{unparse(node)}」{problem}")

    # ------------------------------------------------------------------ coercions

    def coerce(self, c: _Compiled, kind: Literal["number", "bool", "string"]) -> pl.Expr:
        """The expression as `kind`, or a compile-time error when it can never be one."""
        dtype = _DTYPES[kind]
        if c.kind == kind:
            return c.expr
        if c.kind == "null":
            return pl.lit(None, dtype=dtype)
        if c.kind == "any":
            return c.expr.cast(dtype, strict=False)
        if kind == "number" and c.kind == "bool":
            return c.expr.cast(pl.Float64)
        raise self.error(c.node, f"是{_KIND_WORDS[c.kind]}，这里需要{_KIND_WORDS[kind]}")

    def unify(self, owner: Node, parts: Sequence[_Compiled]) -> tuple[list[pl.Expr], _Kind]:
        """Bring values that end up in one column (branches of if, coalesce) to one type."""
        kinds = {p.kind for p in parts} - {"null", "any"}
        if not kinds:
            kind: _Kind = "null" if all(p.kind == "null" for p in parts) else "any"
            return [p.expr for p in parts], kind
        if kinds <= {"number", "bool"}:
            target: Literal["number", "bool", "string"] = "number" if "number" in kinds else "bool"
        elif kinds == {"string"}:
            target = "string"
        else:
            words = "、".join(_KIND_WORDS[k] for k in ("number", "bool", "string") if k in kinds)
            raise self.error(owner, f"的各个取值类型不一致（{words}）")
        return [self.coerce(p, target) for p in parts], target

    # ------------------------------------------------------------------ nodes

    def compile(self, node: Node) -> _Compiled:
        compiled = self._compile(node)
        if not isinstance(node, Number | String | Bool | Null | Ref) and not references(node):
            return _constant(compiled)
        return compiled

    def _compile(self, node: Node) -> _Compiled:
        if isinstance(node, Number):
            return _Compiled(pl.lit(float(node.value), dtype=pl.Float64), "number", node)
        if isinstance(node, String):
            return _Compiled(pl.lit(node.value, dtype=pl.String), "string", node)
        if isinstance(node, Bool):
            return _Compiled(pl.lit(node.value, dtype=pl.Boolean), "bool", node)
        if isinstance(node, Null):
            return _Compiled(pl.lit(None), "null", node)
        if isinstance(node, Ref):
            return _Compiled(pl.col(self.column(node)), "any", node)
        if isinstance(node, Unary):
            operand = self.coerce(self.compile(node.operand), "number")
            return _Compiled(-operand, "number", node)
        if isinstance(node, Binary):
            return _Compiled(self.arithmetic(node), "number", node)
        if isinstance(node, Compare):
            return _Compiled(self.comparison(node), "bool", node)
        if isinstance(node, Logical):
            left = self.coerce(self.compile(node.left), "bool")
            right = self.coerce(self.compile(node.right), "bool")
            expr = left & right if node.op == "and" else left | right
            return _Compiled(expr, "bool", node)
        if isinstance(node, Not):
            return _Compiled(self.coerce(self.compile(node.operand), "bool").not_(), "bool", node)
        return self.call(node)

    def arithmetic(self, node: Binary) -> pl.Expr:
        left = self.coerce(self.compile(node.left), "number")
        right = self.coerce(self.compile(node.right), "number")
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        # null when the divisor is zero or null (when/then without otherwise yields null)
        return pl.when(right != 0).then(left / right)

    def comparison(self, node: Compare) -> pl.Expr:
        left, right = self.compile(node.left), self.compile(node.right)
        kinds = {left.kind, right.kind} - {"null", "any"}
        if not kinds:
            if "null" in (left.kind, right.kind):
                return pl.lit(None, dtype=pl.Boolean)
            a, b = left.expr, right.expr
        elif len(kinds) == 1 or kinds == {"number", "bool"}:
            target: Literal["number", "bool", "string"] = (
                "string" if "string" in kinds else "number" if "number" in kinds else "bool"
            )
            a, b = self.coerce(left, target), self.coerce(right, target)
        else:
            raise self.error(
                node,
                f"两边不能比较：一边是{_KIND_WORDS[left.kind]}，一边是{_KIND_WORDS[right.kind]}",
            )
        op = node.op
        if not references(node.left) and references(node.right):
            # polars 2.1 broadcasts `literal < when(...)` wrongly over an all-null column;
            # the mirrored comparison with the column side first is evaluated correctly
            a, b = b, a
            op = _MIRROR[op]
        if op == "==":
            return a == b
        if op == "!=":
            return a != b
        if op == "<":
            return a < b
        if op == "<=":
            return a <= b
        if op == ">":
            return a > b
        return a >= b

    def call(self, node: Call) -> _Compiled:
        args = [self.compile(a) for a in node.args]
        if node.name == "if":
            condition = self.coerce(args[0], "bool")
            (then, otherwise), kind = self.unify(node, args[1:])
            typed_null = pl.lit(None, dtype=_DTYPES[kind]) if kind in _DTYPES else pl.lit(None)
            expr = (
                pl.when(condition.is_null())
                .then(typed_null)
                .when(condition)
                .then(then)
                .otherwise(otherwise)
            )
            return _Compiled(expr, kind, node)
        if node.name == "coalesce":
            exprs, kind = self.unify(node, args)
            return _Compiled(pl.coalesce(exprs), kind, node)
        if node.name == "is_null":
            return _Compiled(args[0].expr.is_null(), "bool", node)
        numbers = [self.coerce(a, "number") for a in args]
        if node.name == "abs":
            return _Compiled(numbers[0].abs(), "number", node)
        if node.name == "sum":
            all_null = _every([e.is_null() for e in numbers])
            # polars reduces a one-argument *_horizontal over the column: keep it row-wise
            total = numbers[0] if len(numbers) == 1 else pl.sum_horizontal(numbers)
            expr = pl.when(all_null).then(None).otherwise(total)
            return _Compiled(expr.cast(pl.Float64), "number", node)
        any_null = _some([e.is_null() for e in numbers])
        if len(numbers) == 1:
            extreme = numbers[0]
        elif node.name == "min":
            extreme = pl.min_horizontal(numbers)
        else:
            extreme = pl.max_horizontal(numbers)
        expr = pl.when(any_null).then(None).otherwise(extreme)
        return _Compiled(expr.cast(pl.Float64), "number", node)


def _constant(c: _Compiled) -> _Compiled:
    """A part without references, computed once into a literal of its kind.

    polars mis-broadcasts some when/then chains of literals beside column expressions (the
    result keeps the length of the literal part); a single typed literal is broadcast correctly.
    """
    value = pl.select(c.expr.alias("value")).item()
    if c.kind == "number":
        return _Compiled(
            pl.lit(None if value is None else float(value), dtype=pl.Float64), "number", c.node
        )
    if c.kind == "bool":
        return _Compiled(pl.lit(value, dtype=pl.Boolean), "bool", c.node)
    if c.kind == "string":
        return _Compiled(pl.lit(value, dtype=pl.String), "string", c.node)
    return c


_MIRROR: dict[str, Literal["==", "!=", "<", "<=", ">", ">="]] = {
    "==": "==",
    "!=": "!=",
    "<": ">",
    "<=": ">=",
    ">": "<",
    ">=": "<=",
}


def _every(exprs: list[pl.Expr]) -> pl.Expr:
    # polars reduces a one-argument *_horizontal over the column: keep it row-wise
    return exprs[0] if len(exprs) == 1 else pl.all_horizontal(exprs)


def _some(exprs: list[pl.Expr]) -> pl.Expr:
    return exprs[0] if len(exprs) == 1 else pl.any_horizontal(exprs)


def compile_expr(node: Node, column: Callable[[Ref], str]) -> pl.Expr:
    """Compile an expression into a polars expression over columns named by ``column``.

    Raises :class:`ExpressionError` when types visible at compile time cannot work
    (``"M" + 1``); evaluation itself never raises.

    >>> from zicha.domain.expression import parse
    >>> frame = pl.DataFrame({"births": [12.0, 5.0], "population": [1000.0, 0.0]})
    >>> expr = compile_expr(parse("births * 1000 / population"), lambda ref: ref.name)
    >>> frame.select(expr.alias("rate"))["rate"].to_list()
    [12.0, None]
    """
    return _Compiler(node, column).compile(node).expr


def _dtype(value: Value) -> pl.DataType:
    if value is None:
        return pl.Null()
    if isinstance(value, bool):
        return pl.Boolean()
    if isinstance(value, str):
        return pl.String()
    return pl.Float64()


def evaluate_row(node: Node, values: Mapping[Ref, Value]) -> Value:
    """Evaluate an expression on one row of values (every reference must have a value).

    >>> from zicha.domain.expression import parse
    >>> evaluate_row(parse("sum(a, b) / c"), {Ref("a"): 3.0, Ref("b"): None, Ref("c"): 2.0})
    1.5
    >>> evaluate_row(parse("a / 0"), {Ref("a"): 3.0}) is None
    True
    """
    refs = sorted(references(node), key=lambda r: (r.name, r.variant or ""))
    missing = [unparse(r) for r in refs if r not in values]
    if missing:
        raise KeyError(f"没有给出这些值：{'、'.join(missing)}")
    names = {ref: f"v{i}" for i, ref in enumerate(refs)}
    columns = [pl.Series("__row", [0], dtype=pl.Int8)]
    for ref, name in names.items():
        value = values[ref]
        if isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        columns.append(pl.Series(name, [value], dtype=_dtype(value)))
    frame = pl.DataFrame(columns)
    result = frame.select(compile_expr(node, names.__getitem__).alias("result")).item()
    if isinstance(result, int) and not isinstance(result, bool):
        return float(result)
    if result is None or isinstance(result, float | bool | str):
        return result
    return float(result)  # pragma: no cover - every kind above is covered
