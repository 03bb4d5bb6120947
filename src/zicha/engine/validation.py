"""Validation rules: left operator right, over many org units and periods at once.

A rule with a side that cannot be computed is skipped (missing is never judged as zero), unless
the rule says `never_skip`, in which case the missing figure is itself a finding. A rule that
says `chance` is broken only when the whole chance interval of its indicator breaks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from zicha.domain.expression import (
    Binary,
    Call,
    Node,
    Number,
    Ref,
    Unary,
    describe,
    parse,
    references,
)
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


def additive(node: Node) -> bool:
    """Whether an expression adds up over org units and over time like the figures it sums:
    sums and differences of elements and constants (a county's excess over a rule is then the
    sum of its townships' excesses). A ratio, an absolute value, an indicator are not.

    >>> additive(parse("sum(a, b) - c * 2")), additive(parse("abs(a - b)"))
    (True, False)
    """
    if isinstance(node, Number):
        return True
    if isinstance(node, Ref):
        return node.variant != "indicator"
    if isinstance(node, Unary):
        return additive(node.operand)
    if isinstance(node, Binary):
        if node.op in ("+", "-"):
            return additive(node.left) and additive(node.right)
        if node.op == "*":
            return (isinstance(node.left, Number) and additive(node.right)) or (
                isinstance(node.right, Number) and additive(node.left)
            )
        return node.op == "/" and isinstance(node.right, Number) and additive(node.left)
    if isinstance(node, Call):
        return node.name == "sum" and all(additive(a) for a in node.args)
    return False


def group_violations(
    violations: Sequence[Violation],
    tree: OrgTree,
    *,
    adds_up: bool = False,
    prefer: str = "finest",
) -> list[tuple[Violation, tuple[Violation, ...]]]:
    """One problem, one finding: each problem with the other places it shows in.

    The violations of one unit are one problem: a stock level wrong at the end of March is wrong
    again in every later month it is carried into, and a township's figure breaks the rule in its
    quarter, its half-year and its statistical year alike. The place shown first is the finest
    (`prefer="finest"`: the period no other of the unit's lies within) or, for a test that needs
    events to tell, the coarsest (`prefer="coarsest"`: the longest period).

    A unit above whose violation lies over a violation of a unit below (the county's total over
    the township's quarter) shows the same problem seen from higher up and is listed under it;
    unless the rule adds up over units (`adds_up`) and the unit above misses it by more than the
    units below do together: then something else is wrong at that level, a problem of its own.
    """
    by_org: dict[str, list[Violation]] = {}
    for v in violations:
        by_org.setdefault(v.org, []).append(v)
    below: dict[str, set[str]] = {}

    def subtree(code: str) -> set[str]:
        if code not in below:
            below[code] = set(tree.descendants(code))
        return below[code]

    kept: dict[str, list[Violation]] = {org: list(vs) for org, vs in by_org.items()}
    shown_in: dict[str, list[Violation]] = {org: [] for org in by_org}
    # from the deepest units up, so that a unit's own problems are settled before those above
    for org in sorted(by_org, key=lambda o: -tree.depth(o)):
        lower = [o for o in by_org if o in subtree(org) and kept[o]]
        if not lower:
            continue
        stays: list[Violation] = []
        for v in kept[org]:
            inner = [(o, w) for o in lower for w in kept[o] if v.period.contains(w.period)]
            if not inner:
                stays.append(v)
                continue
            excesses = [w.excess for _, w in inner]
            total = sum(x for x in excesses if x is not None)
            comparable = adds_up and v.excess is not None and None not in excesses
            if comparable and v.excess > total + 1e-9 * max(1.0, abs(total)):  # type: ignore[operator]
                stays.append(v)
                continue
            for o in dict.fromkeys(o for o, _ in inner):
                shown_in[o].append(v)
        kept[org] = stays
    out: list[tuple[Violation, tuple[Violation, ...]]] = []
    for org in by_org:
        if not kept[org]:
            continue
        primary = _first_place(kept[org], prefer)
        others = [v for v in kept[org] if v is not primary]
        out.append((primary, tuple(others + shown_in[org])))
    return out


def _first_place(vs: Sequence[Violation], prefer: str) -> Violation:
    if prefer == "coarsest":
        return max(vs, key=lambda v: (v.period.days, -v.period.start.toordinal()))
    finest = [v for v in vs if not any(w is not v and v.period.contains(w.period) for w in vs)]
    return min(finest, key=lambda v: (v.period.start, v.period.days))


def where_else(places: Sequence[Violation], tree: OrgTree) -> str:
    """「（同一问题也见于：XX县2010年10月至2011年3月、……）」, or nothing."""
    if not places:
        return ""
    shown = [f"{tree.get(v.org).name}{v.period.label}" for v in places]
    more = f"等 {len(shown)} 处" if len(shown) > 6 else ""
    return f"（同一问题也见于：{'、'.join(shown[:6])}{more}）"


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
    """Every violation of every rule for every (org unit, period) pair, one finding per problem
    (see `group_violations`). `computed`: a table already made with `rule_sides` among its
    expressions (its rows for the pairs are used)."""
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
        adds_up = additive(calc.compile(rule.left)) and additive(calc.compile(rule.right))
        prefer = "coarsest" if rule.chance else "finest"  # the most events, the surest verdict
        for v, places in group_violations(violations, tree, adds_up=adds_up, prefer=prefer):
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
