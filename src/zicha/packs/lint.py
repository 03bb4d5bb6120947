"""`zicha packs lint`: prove every expression of a pack parses and every reference resolves."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from zicha.domain.errors import InputError
from zicha.domain.expression import ExpressionError, Node, Ref, parse, references
from zicha.domain.pack import Pack, ValidationRule
from zicha.packs.loader import load_pack

#: the columns a register filter may name, per register sheet (CONTRACT.md §1)
REGISTER_COLUMNS: dict[str, frozenset[str]] = {
    "births": frozenset({"org_unit", "date", "sex", "order", "in_policy", "ref"}),
    "deaths": frozenset({"org_unit", "date", "sex", "age", "ref"}),
}


@dataclass(frozen=True)
class LintMessage:
    severity: str  # "error" or "warning"
    where: str
    message: str

    def __str__(self) -> str:
        label = "错误" if self.severity == "error" else "提示"
        return f"[{label}] {self.where}：{self.message}"


def _check_expression(
    pack: Pack, where: str, text: str, context: str, out: list[LintMessage]
) -> Node | None:
    try:
        node = parse(text)
    except ExpressionError as exc:
        out.append(LintMessage("error", where, str(exc)))
        return None
    for ref in references(node):
        if ref.variant == "indicator":
            if context != "rule":
                out.append(
                    LintMessage("error", where, f"只有校验规则可以引用指标：indicator({ref.name})")
                )
            elif ref.name not in pack.indicators:
                out.append(LintMessage("error", where, f"未知指标「{ref.name}」"))
            continue
        if ref.variant is None and ref.name in pack.derived:
            continue
        element = pack.elements.get(ref.name)
        if element is None:
            out.append(LintMessage("error", where, f"未知数据项「{ref.name}」"))
        elif ref.variant == "opening" and not element.is_stock:
            out.append(
                LintMessage("error", where, f"opening() 只适用于存量数据项，「{ref.name}」是流量")
            )
    return node


def _check_chance(pack: Pack, rule: ValidationRule) -> list[LintMessage]:
    """A rule judged on chance compares `indicator(x)` of an indicator that declares sampling."""
    where = f"rules.{rule.id}.chance"
    try:
        left = parse(rule.left)
    except ExpressionError:
        return []  # reported with the left side
    if not (isinstance(left, Ref) and left.variant == "indicator"):
        return [LintMessage("error", where, "按置信区间判断的规则，左边应恰好是 indicator(指标)")]
    ind = pack.indicators.get(left.name)
    if ind is not None and ind.sampling is None:
        return [
            LintMessage("error", where, f"指标「{left.name}」没有声明 sampling，无法计算置信区间")
        ]
    if rule.operator == "!=":
        return [LintMessage("error", where, "按置信区间判断的规则不能用 !=")]
    return []


def lint_pack(pack: Pack) -> list[LintMessage]:
    """Every problem of a loaded pack: expressions, references, registers, targets of rules.

    >>> from zicha.packs.registry import get_pack
    >>> [m for m in lint_pack(get_pack("family-planning")) if m.severity == "error"]
    []
    """
    out: list[LintMessage] = []
    for name, text in pack.derived.items():
        _check_expression(pack, f"derived.{name}", text, "derived", out)
    for ind in pack.indicators.values():
        _check_expression(pack, f"indicators.{ind.id}.numerator", ind.numerator, "indicator", out)
        if ind.denominator:
            _check_expression(
                pack, f"indicators.{ind.id}.denominator", ind.denominator, "indicator", out
            )
    for rule in pack.rules:
        _check_expression(pack, f"rules.{rule.id}.left", rule.left, "rule", out)
        _check_expression(pack, f"rules.{rule.id}.right", rule.right, "rule", out)
    for sheet, spec in pack.registers.items():
        columns = REGISTER_COLUMNS.get(sheet)
        if columns is None:
            known = "、".join(REGISTER_COLUMNS)
            out.append(LintMessage("error", f"registers.{sheet}", f"未知登记表（可用：{known}）"))
            continue
        for item in spec.elements:
            where = f"registers.{sheet}.{item.element}"
            if item.element not in pack.elements:
                out.append(LintMessage("error", where, f"未知数据项「{item.element}」"))
            elif pack.elements[item.element].is_stock:
                out.append(LintMessage("error", where, "登记只能汇总为流量数据项"))
            if item.where.strip():
                try:
                    node = parse(item.where)
                except ExpressionError as exc:
                    out.append(LintMessage("error", where, str(exc)))
                    continue
                for ref in references(node):
                    if ref.variant is not None or ref.name not in columns:
                        allowed = "、".join(sorted(columns))
                        out.append(
                            LintMessage(
                                "error",
                                where,
                                f"筛选条件中的「{ref.name}」不是登记表的列（可用：{allowed}）",
                            )
                        )
    for rule in pack.rules:
        if rule.chance:
            out += _check_chance(pack, rule)
    for i, context in enumerate(pack.references):
        where = f"context[{i}]"
        if context.indicator not in pack.indicators:
            out.append(LintMessage("error", where, f"未知指标「{context.indicator}」"))
        if context.source not in pack.sources:
            out.append(
                LintMessage("error", where, f"未知资料来源「{context.source}」（见 sources.toml）")
            )
    for scored in pack.assessment:
        if scored.key not in pack.indicators:
            out.append(
                LintMessage("error", f"assessment.{scored.key}", f"未知指标「{scored.key}」")
            )
    referenced: set[str] = set()
    for ind in pack.indicators.values():
        for text in (ind.numerator, ind.denominator or ""):
            if text:
                with contextlib.suppress(ExpressionError):
                    referenced |= {r.name for r in references(parse(text))}
    for text in [
        *pack.derived.values(),
        *(r.left for r in pack.rules),
        *(r.right for r in pack.rules),
    ]:
        with contextlib.suppress(ExpressionError):
            referenced |= {r.name for r in references(parse(text))}
    for element in pack.elements:
        if element not in referenced:
            out.append(LintMessage("warning", f"elements.{element}", "没有指标使用该数据项"))
    return out


def lint_folder(folder: Path) -> list[LintMessage]:
    """Load and lint a pack folder; loading problems become lint errors."""
    try:
        pack = load_pack(folder)
    except InputError as exc:
        return [LintMessage("error", p.where() or str(folder), str(p)) for p in exc.problems]
    return lint_pack(pack)
