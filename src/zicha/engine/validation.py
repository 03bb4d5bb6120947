"""Validation rules: left operator right, over many org units and periods at once.

A rule with a side that cannot be computed is skipped (missing is never judged as zero), unless
the rule says `never_skip`, in which case the missing figure is itself a finding. A rule that
says `chance` is broken only when the whole chance interval of its indicator breaks it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from zicha.domain.expression import Node, Ref, describe, parse, references
from zicha.domain.finding import Finding
from zicha.domain.numbers import fmt_trim
from zicha.domain.orgunit import OrgTree
from zicha.domain.pack import Pack, ValidationRule
from zicha.domain.period import Period
from zicha.domain.result import Interval
from zicha.engine.calculator import Calculator, column_of
from zicha.engine.evaluation import compile_expr
from zicha.engine.sampling import beyond_chance, indicator_interval


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


def chance_indicator(rule: ValidationRule) -> str:
    """The indicator a rule judged on chance compares (its left side is `indicator(x)`)."""
    left = parse(rule.left)
    assert isinstance(left, Ref) and left.variant == "indicator", rule.id
    return left.name


def _beyond_chance(
    calc: Calculator, rule: ValidationRule, ind_id: str, broken: pl.DataFrame, i: int
) -> tuple[pl.DataFrame, dict[tuple[str, str], Interval]]:
    """Of the rows that break a rule, those whose whole chance interval breaks it."""
    ind = calc.pack.indicators[ind_id]
    keep: list[bool] = []
    intervals: dict[tuple[str, str], Interval] = {}
    columns = ("org_unit", "period", f"r{i}", f"num:{ind_id}", f"den:{ind_id}")
    for org, period, right, num, den in broken.select(columns).rows():
        iv = indicator_interval(ind, num, den)
        beyond = iv is None or beyond_chance(rule.operator, iv, right, rule.tolerance)
        keep.append(beyond)
        if iv is not None:
            intervals[(org, period)] = iv
    return broken.filter(pl.Series(keep, dtype=pl.Boolean)), intervals


def rule_sides(calc: Calculator, rules: Sequence[ValidationRule]) -> list[Node]:
    """Both sides of every rule, compiled: what a table must hold for `run_rules`."""
    return [n for r in rules for n in (calc.compile(r.left), calc.compile(r.right))]


def run_rules(
    calc: Calculator,
    rules: Sequence[ValidationRule],
    orgs: Sequence[str],
    periods: Sequence[Period],
    tree: OrgTree,
    computed: pl.DataFrame | None = None,
) -> list[Finding]:
    """Every violation of every rule for every (org unit, period) pair. `computed`: a table
    already made with `rule_sides` among its expressions (its rows for the pairs are used)."""
    if not rules or not orgs or not periods:
        return []
    sides = [(calc.compile(r.left), calc.compile(r.right)) for r in rules]
    if computed is None:
        frame = calc.table(orgs, periods, indicator_ids=[], extra=rule_sides(calc, rules))
    else:
        frame = computed.filter(
            pl.col("org_unit").is_in(list(orgs)), pl.col("period").is_in([p.id for p in periods])
        )
    checks: list[pl.Expr] = []
    for i, (left, right) in enumerate(sides):
        lexpr = compile_expr(left, column_of)
        rexpr = compile_expr(right, column_of)
        checks += [lexpr.alias(f"l{i}"), rexpr.alias(f"r{i}")]
    chance = {i: chance_indicator(r) for i, r in enumerate(rules) if r.chance}
    kept = [c for i in dict.fromkeys(chance.values()) for c in (f"num:{i}", f"den:{i}")]
    frame = frame.select("org_unit", "period", *checks, *kept)
    by_id = {p.id: p for p in periods}
    names = display_names(calc.pack)
    findings: list[Finding] = []
    for i, rule in enumerate(rules):
        lcol, rcol = pl.col(f"l{i}"), pl.col(f"r{i}")
        holds = _holds(rule.operator, lcol, rcol, rule.tolerance)
        both = lcol.is_not_null() & rcol.is_not_null()
        broken = frame.filter(both & ~holds)
        intervals: dict[tuple[str, str], Interval] = {}
        if i in chance:
            broken, intervals = _beyond_chance(calc, rule, chance[i], broken, i)
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
            shown = fmt_trim(lval)
            if (org, period) in intervals:
                iv = intervals[(org, period)]
                shown += f"（{iv.level:.0%}置信区间 {fmt_trim(iv.low)}～{fmt_trim(iv.high)}）"
            bound = fmt_trim(rval)
            message = (
                f"{unit.name}{label}：不符合「{rule.name}」：{left_text}为{shown}，"
                f"{op}{right_text}" + ("" if right_text == bound else f"（{bound}）")
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
