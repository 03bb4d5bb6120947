"""Validation rules: left operator right, over many org units and periods at once.

A rule with a side that cannot be computed is skipped (missing is never judged as zero), unless
the rule says `never_skip`, in which case the missing figure is itself a finding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from zicha.domain.expression import Node, describe, parse, references
from zicha.domain.finding import Finding
from zicha.domain.numbers import fmt_trim
from zicha.domain.orgunit import OrgTree
from zicha.domain.pack import Pack, ValidationRule
from zicha.domain.period import Period
from zicha.engine.calculator import Calculator, column_of
from zicha.engine.evaluation import compile_expr


def display_names(pack: Pack) -> dict[str, str]:
    """Chinese names for every element, indicator and derived name of a pack."""
    names = {k: e.name for k, e in pack.elements.items()}
    names.update({k: i.name for k, i in pack.indicators.items()})
    derived_names = pack.report.get("derived_names", {})
    if isinstance(derived_names, Mapping):
        names.update({str(k): str(v) for k, v in derived_names.items()})
    return names


def _holds(op: str, left: pl.Expr, right: pl.Expr, tolerance: float) -> pl.Expr:
    if op == "==":
        return (left - right).abs() <= tolerance
    if op == "!=":
        return (left - right).abs() > tolerance
    if op == "<=":
        return left <= right + tolerance
    if op == "<":
        return left < right + tolerance
    if op == ">=":
        return left + tolerance >= right
    return left + tolerance > right


def rule_elements(calc: Calculator, node: Node) -> tuple[str, ...]:
    """The data elements a rule side is about, through the indicators it names."""
    out: list[str] = []
    for ref in references(calc.compile_raw(node)):
        if ref.variant == "indicator" and ref.name in calc.indicators:
            out += [r.name for r in calc.indicators[ref.name].refs]
        elif ref.name in calc.pack.elements:
            out.append(ref.name)
    return tuple(sorted(set(out)))


def run_rules(
    calc: Calculator,
    rules: Sequence[ValidationRule],
    orgs: Sequence[str],
    periods: Sequence[Period],
    tree: OrgTree,
) -> list[Finding]:
    """Every violation of every rule for every (org unit, period) pair."""
    if not rules or not orgs or not periods:
        return []
    sides = [(calc.compile(r.left), calc.compile(r.right)) for r in rules]
    frame = calc.table(orgs, periods, indicator_ids=[], extra=[n for pair in sides for n in pair])
    checks: list[pl.Expr] = []
    for i, (left, right) in enumerate(sides):
        lexpr = compile_expr(left, column_of)
        rexpr = compile_expr(right, column_of)
        checks += [lexpr.alias(f"l{i}"), rexpr.alias(f"r{i}")]
    frame = frame.select("org_unit", "period", *checks)
    by_id = {p.id: p for p in periods}
    names = display_names(calc.pack)
    findings: list[Finding] = []
    for i, rule in enumerate(rules):
        lcol, rcol = pl.col(f"l{i}"), pl.col(f"r{i}")
        holds = _holds(rule.operator, lcol, rcol, rule.tolerance)
        both = lcol.is_not_null() & rcol.is_not_null()
        broken = frame.filter(both & ~holds)
        left_text = describe(parse(rule.left), names)
        right_text = describe(parse(rule.right), names)
        elements = rule_elements(calc, parse(rule.left)) + rule_elements(calc, parse(rule.right))
        elements = tuple(sorted(set(elements)))
        for org, period, lval, rval in broken.select("org_unit", "period", f"l{i}", f"r{i}").rows():
            unit = tree.get(org)
            label = by_id[period].label
            op = {
                "==": "应等于",
                "!=": "应不等于",
                "<=": "应不超过",
                "<": "应小于",
                ">=": "应不少于",
                ">": "应大于",
            }[rule.operator]
            message = (
                f"{unit.name}{label}：不符合「{rule.name}」：{left_text}为{fmt_trim(lval)}，"
                f"{op}{right_text}（{fmt_trim(rval)}）"
            )
            if rule.instruction:
                message += f"。{rule.instruction}"
            findings.append(Finding(rule.id, rule.severity, message, elements, org, period))
        if rule.missing == "never_skip":
            for org, period in frame.filter(~both).select("org_unit", "period").rows():
                unit = tree.get(org)
                findings.append(
                    Finding(
                        rule.id,
                        rule.severity,
                        f"{unit.name}{by_id[period].label}：缺少数据，无法核对「{rule.name}」",
                        elements,
                        org,
                        period,
                    )
                )
    return findings
