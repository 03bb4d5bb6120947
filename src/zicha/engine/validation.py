"""Validation rules: left operator right, over many org units and periods at once.

A rule with a side that cannot be computed is skipped (missing is never judged as zero), unless
the rule says `never_skip`, in which case the missing figure is itself a finding. A rule that
says `chance` is broken only when the whole chance interval of its indicator breaks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from zicha.domain.expression import Node, Ref, describe, parse, references
from zicha.domain.finding import Finding
from zicha.domain.numbers import fmt_trim
from zicha.domain.orgunit import OrgTree
from zicha.domain.pack import ValidationRule
from zicha.domain.period import Period
from zicha.domain.result import Interval
from zicha.engine.calculator import Calculator, column_of
from zicha.engine.evaluation import compile_expr
from zicha.engine.sampling import beyond_chance, indicator_interval, within_chance


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
        if within_chance(ind, rule.operator, num, den, right + rule.tolerance, rule.level):
            keep.append(False)  # the count's own probability reaches the level: no interval needed
            continue
        iv = indicator_interval(ind, num, den, rule.level)
        beyond = iv is None or beyond_chance(rule.operator, iv, right, rule.tolerance)
        keep.append(beyond)
        if iv is not None:
            intervals[(org, period)] = iv
    return broken.filter(pl.Series(keep, dtype=pl.Boolean)), intervals


@dataclass(frozen=True)
class Violation:
    """A rule broken (or not checkable, for a `never_skip` rule) at one org unit and period."""

    org: str
    period: Period
    message: str
    #: by how much the rule is missed (None: not comparable, such as a missing figure)
    excess: float | None = None


def _excess(op: str, left: float, right: float) -> float | None:
    if op in ("<=", "<"):
        return left - right
    if op in (">=", ">"):
        return right - left
    if op == "==":
        return abs(left - right)
    return None


def group_violations(
    violations: Sequence[Violation], tree: OrgTree
) -> list[tuple[Violation, tuple[Violation, ...]]]:
    """One problem, one finding: each violation of a rule with the coarser places it shows in.

    A violation lies within another when its org unit is the other's or below it and its period
    lies inside the other's. A violation that holds finer ones of the same rule, and misses the
    rule by no more than they do together (the county's total over by exactly the township's
    excess), is the same problem seen from higher up: it is listed under each of them rather
    than found again. One that misses by more is a problem of its own (something else adds up
    wrong at that level).
    """
    below: dict[str, set[str]] = {}

    def subtree(code: str) -> set[str]:
        if code not in below:
            below[code] = {code, *tree.descendants(code)}
        return below[code]

    def within(inner: Violation, outer: Violation) -> bool:
        return (
            inner is not outer
            and inner.org in subtree(outer.org)
            and outer.period.contains(inner.period)
            and (inner.org, inner.period.id) != (outer.org, outer.period.id)
        )

    finest = [v for v in violations if not any(within(w, v) for w in violations)]
    shown_in: dict[int, list[Violation]] = {id(v): [] for v in finest}
    alone: list[Violation] = []
    for v in violations:
        if id(v) in shown_in:
            continue
        inner = [w for w in finest if within(w, v)]
        total = sum(w.excess for w in inner if w.excess is not None)
        if v.excess is None or any(w.excess is None for w in inner):
            explained = True
        else:
            explained = v.excess <= total + 1e-9 * max(1.0, abs(total))
        if explained:
            for w in inner:
                shown_in[id(w)].append(v)
        else:
            alone.append(v)
    out = [(v, tuple(shown_in[id(v)])) for v in finest]
    out += [(v, ()) for v in alone]
    return out


def where_else(places: Sequence[Violation], tree: OrgTree) -> str:
    """「（同一问题也见于：XX县2010年10月至2011年3月、……）」, or nothing."""
    if not places:
        return ""
    shown = [f"{tree.get(v.org).name}{v.period.label}" for v in places]
    more = f"等 {len(shown)} 处" if len(shown) > 6 else ""
    return f"（同一问题也见于：{'、'.join(shown[:6])}{more}）"


def run_rules(
    calc: Calculator,
    rules: Sequence[ValidationRule],
    orgs: Sequence[str],
    periods: Sequence[Period],
    tree: OrgTree,
) -> list[Finding]:
    """Every violation of every rule for every (org unit, period) pair, one finding per problem
    (see `group_violations`)."""
    if not rules or not orgs or not periods:
        return []
    sides = [(calc.compile(r.left), calc.compile(r.right)) for r in rules]
    frame = calc.table(orgs, periods, indicator_ids=[], extra=[n for pair in sides for n in pair])
    checks: list[pl.Expr] = []
    for i, (left, right) in enumerate(sides):
        lexpr = compile_expr(left, column_of)
        rexpr = compile_expr(right, column_of)
        checks += [lexpr.alias(f"l{i}"), rexpr.alias(f"r{i}")]
    chance = {i: chance_indicator(r) for i, r in enumerate(rules) if r.chance}
    kept = [c for i in dict.fromkeys(chance.values()) for c in (f"num:{i}", f"den:{i}")]
    frame = frame.select("org_unit", "period", *checks, *kept)
    by_id = {p.id: p for p in periods}
    names = calc.pack.display_names()
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
        op = {
            "==": "应等于",
            "!=": "应不等于",
            "<=": "应不超过",
            "<": "应小于",
            ">=": "应不少于",
            ">": "应大于",
        }[rule.operator]
        violations: list[Violation] = []
        for org, period, lval, rval in broken.select("org_unit", "period", f"l{i}", f"r{i}").rows():
            shown = fmt_trim(lval)
            if (org, period) in intervals:
                iv = intervals[(org, period)]
                level = fmt_trim(iv.level * 100, 1)
                shown += f"（{level}%置信区间 {fmt_trim(iv.low)}～{fmt_trim(iv.high)}）"
            bound = fmt_trim(rval)
            message = f"不符合「{rule.name}」：{left_text}为{shown}，{op}{right_text}" + (
                "" if right_text == bound else f"（{bound}）"
            )
            if rule.instruction:
                message += f"。{rule.instruction}"
            violations.append(
                Violation(org, by_id[period], message, _excess(rule.operator, lval, rval))
            )
        if rule.missing == "never_skip":
            for org, period in frame.filter(~both).select("org_unit", "period").rows():
                message = f"缺少数据，无法核对「{rule.name}」"
                violations.append(Violation(org, by_id[period], message))
        for v, places in group_violations(violations, tree):
            place = f"{tree.get(v.org).name}{v.period.label}"
            findings.append(
                Finding(
                    rule.id,
                    rule.severity,
                    f"{place}：{v.message}{where_else(places, tree)}",
                    elements,
                    v.org,
                    v.period.id,
                    tuple((w.org, w.period.id) for w in places),
                )
            )
    return findings
