"""Checks on the data as entered: impossible values, figures counted twice, stated figures.

Rules of a pack check relations between figures; these checks look at how the figures were
entered (DOMAIN.md §5): negative counts, a parent reporting what its children report, the same
flow entered for a period and for its parts, two levels of a stock on one date, and figures the
clerk stated that the data does not bear out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence

import polars as pl

from zicha.domain.expression import describe, parse, references, unparse
from zicha.domain.finding import Finding
from zicha.domain.numbers import fmt, fmt_trim, typed_decimals
from zicha.domain.orgunit import OrgTree
from zicha.domain.pack import DataElement, Indicator, Pack
from zicha.domain.period import Period, parse_period
from zicha.domain.target import Target
from zicha.engine.calculator import Calculator
from zicha.engine.sampling import indicator_interval, is_small


def negative_values(pack: Pack, values: pl.DataFrame) -> list[Finding]:
    """A count can never be negative."""
    ids = [e.id for e in pack.elements.values() if e.non_negative]
    bad = values.filter(pl.col("element").is_in(ids) & (pl.col("value") < 0))
    return row_findings(pack, bad, "negative_value", lambda _el, x: f"{fmt(x, 2)}，不可能为负数")


def row_findings(
    pack: Pack, rows: pl.DataFrame, rule: str, says: Callable[[DataElement, float], str]
) -> list[Finding]:
    """An error finding for each entered value in `rows`: 「数据」第 N 行：name为 what it says."""
    out: list[Finding] = []
    for row in rows.iter_rows(named=True):
        el = pack.elements[row["element"]]
        out.append(
            Finding(
                rule,
                "error",
                f"「数据」第 {row['row']} 行：{el.name}为 {says(el, row['value'])}",
                (el.id,),
                row["org_unit"],
                row["period"],
            )
        )
    return out


def double_counting(
    pack: Pack, entered: pl.DataFrame, tree: OrgTree, closure: pl.DataFrame
) -> list[Finding]:
    """A parent that reports a value its children also report is counted twice up the tree."""
    values = entered.select("org_unit", "element", "period", "start", "end", "row")
    below = closure.filter(pl.col("org_unit") != pl.col("ancestor"))
    pairs = (
        values.join(below, on="org_unit")
        .join(
            values,
            left_on=["ancestor", "element"],
            right_on=["org_unit", "element"],
            suffix="_parent",
        )
        .filter(
            (pl.col("start") <= pl.col("end_parent")) & (pl.col("start_parent") <= pl.col("end"))
        )
        .group_by("ancestor", "element", "period_parent", "row_parent")
        .agg(pl.col("org_unit").unique().sort(), pl.col("period").first())
        .sort("row_parent")
    )
    out: list[Finding] = []
    for row in pairs.iter_rows(named=True):
        el = pack.elements[row["element"]]
        parent = tree.get(row["ancestor"])
        kids = "、".join(tree.get(c).name for c in row["org_unit"][:5])
        more = f"等 {len(row['org_unit'])} 个单位" if len(row["org_unit"]) > 5 else ""
        out.append(
            Finding(
                "double_counting",
                "warning",
                f"{parent.name}（「数据」第 {row['row_parent']} 行）与其下级{kids}{more}都填报了"
                f"{el.name}，向上汇总时会重复计算；上级单位只应填报下级没有填报的部分",
                (el.id,),
                parent.code,
                row["period_parent"],
            )
        )
    return out


def nested_periods(pack: Pack, entered: pl.DataFrame) -> list[Finding]:
    """A flow entered for a period and again for a part of it counts twice in the longer one;
    a stock stated twice for the same day must be stated the same way."""
    values = entered.select("org_unit", "element", "period", "start", "end", "value", "row")
    stocks = [e.id for e in pack.elements.values() if e.is_stock]
    inside = (pl.col("start") <= pl.col("start_b")) & (pl.col("end_b") <= pl.col("end"))
    around = (pl.col("start_b") <= pl.col("start")) & (pl.col("end") <= pl.col("end_b"))
    pairs = values.join(values, on=["org_unit", "element"], suffix="_b").filter(
        pl.col("row") < pl.col("row_b"),
        # only pairs that can make a finding below: stocks on one day, flows one inside the other
        pl.when(pl.col("element").is_in(stocks))
        .then(pl.col("end") == pl.col("end_b"))
        .otherwise(inside | around),
    )
    out: list[Finding] = []
    for row in pairs.iter_rows(named=True):
        el = pack.elements[row["element"]]
        a = (row["start"], row["end"])
        b = (row["start_b"], row["end_b"])
        if el.is_stock:
            if row["end"] == row["end_b"] and not math.isclose(row["value"], row["value_b"]):
                out.append(
                    Finding(
                        "stock_stated_twice",
                        "error",
                        f"{el.name}在 {row['end'].isoformat()} 的期末数填报了两次且不一致："
                        f"第 {row['row']} 行为 {fmt(row['value'], 2)}（{row['period']}），"
                        f"第 {row['row_b']} 行为 {fmt(row['value_b'], 2)}（{row['period_b']}）",
                        (el.id,),
                        row["org_unit"],
                        row["period_b"],
                    )
                )
            continue
        inner_outer = None
        if a == b:
            out.append(
                Finding(
                    "counted_twice_in_time",
                    "warning",
                    f"{el.name}按 {row['period']}（第 {row['row']} 行）和 {row['period_b']}"
                    f"（第 {row['row_b']} 行）填报了两次，两者是同一段时间，汇总时会相加。"
                    f"请只保留一行",
                    (el.id,),
                    row["org_unit"],
                    row["period"],
                )
            )
            continue
        if a[0] <= b[0] and b[1] <= a[1]:
            inner_outer = (row["period_b"], row["row_b"], row["period"], row["row"])
        elif b[0] <= a[0] and a[1] <= b[1]:
            inner_outer = (row["period"], row["row"], row["period_b"], row["row_b"])
        if inner_outer is None:
            continue
        inner, inner_row, outer, outer_row = inner_outer
        out.append(
            Finding(
                "counted_twice_in_time",
                "warning",
                f"{el.name}既按 {outer} 填报（第 {outer_row} 行），又按其中的 {inner} 填报"
                f"（第 {inner_row} 行）；计算 {outer} 及更长期间时两者会相加。"
                f"请只保留一种填报口径",
                (el.id,),
                row["org_unit"],
                outer,
            )
        )
    return out


def stated_figures(calc: Calculator, stated: pl.DataFrame) -> list[Finding]:
    """Compare each figure the clerk stated with what the data gives, and stated rates that
    imply different denominators (e.g. two different populations)."""
    if stated.height == 0:
        return []
    pack = calc.pack
    names = pack.display_names()
    orgs = stated["org_unit"].unique().to_list()
    periods = {p: parse_period(p) for p in stated["period"].unique().to_list()}
    ids = stated["element"].unique().to_list()
    table = calc.table(orgs, list(periods.values()), indicator_ids=ids)
    lookup = {(r["org_unit"], r["period"]): r for r in table.iter_rows(named=True)}
    out: list[Finding] = []
    implied: dict[tuple[str, str, str], list[tuple[Indicator, float, float, float]]] = defaultdict(
        list
    )
    for row in stated.iter_rows(named=True):
        ind = pack.indicators[row["element"]]
        computed_row = lookup[(row["org_unit"], row["period"])]
        computed = computed_row[f"val:{ind.id}"]
        said = row["value"]
        tol = 0.5 * 10 ** (-typed_decimals(said)) + 1e-9
        unit = ind.unit if ind.unit in ("‰", "%") else ""
        if computed is None:
            out.append(
                Finding(
                    "stated_unverifiable",
                    "warning",
                    f"所述{ind.name} {fmt(said, typed_decimals(said))}{unit}无法核对："
                    "缺少计算所需的数据"
                    f"（{describe(parse(ind.numerator), names)}"
                    + (f" ÷ {describe(parse(ind.denominator), names)}" if ind.denominator else "")
                    + "）",
                    tuple(sorted({r.name for r in calc.indicators[ind.id].refs})),
                    row["org_unit"],
                    row["period"],
                )
            )
        elif abs(computed - said) > tol:
            out.append(
                Finding(
                    "stated_mismatch",
                    "error",
                    f"所述{ind.name}为 {fmt(said, typed_decimals(said))}{unit}，按填报数据计算为 "
                    f"{fmt(computed, ind.decimals)}{unit}（「数据」第 {row['row']} 行）",
                    tuple(sorted({r.name for r in calc.indicators[ind.id].refs})),
                    row["org_unit"],
                    row["period"],
                )
            )
        num = computed_row[f"num:{ind.id}"]
        if ind.denominator and num is not None and said > tol:
            key = (row["org_unit"], row["period"], unparse(parse(ind.denominator)))
            low = num * ind.factor / (said + tol)
            high = num * ind.factor / (said - tol)
            implied[key].append((ind, said, min(low, high), max(low, high)))
    for (org, period, den), items in implied.items():
        for i, (a, a_said, a_low, a_high) in enumerate(items):
            for b, b_said, b_low, b_high in items[i + 1 :]:
                if a_high < b_low or b_high < a_low:
                    den_name = describe(parse(den), names)
                    out.append(
                        Finding(
                            "stated_inconsistent",
                            "error",
                            f"所述{a.name} {fmt(a_said, typed_decimals(a_said))}{a.unit}推算的"
                            f"{den_name}约为 {fmt((a_low + a_high) / 2)}，所述{b.name} "
                            f"{fmt(b_said, typed_decimals(b_said))}{b.unit}推算的约为 "
                            f"{fmt((b_low + b_high) / 2)}，两个数字不可能同时正确",
                            tuple(sorted({r.name for r in calc.indicators[a.id].refs})),
                            org,
                            period,
                        )
                    )
    return out


def small_samples(
    calc: Calculator, row: dict[str, object], org: str, period: str, indicators: Sequence[str]
) -> list[Finding]:
    """A figure counted from few events swings by chance: say how much (its exact 95 % interval,
    and for a share or a split its standard error), so that nobody reads too much into it."""
    out: list[Finding] = []
    names = calc.pack.display_names()
    for ind_id in indicators:
        ind = calc.pack.indicators[ind_id]
        if not ind.small_sample or not ind.sampling:
            continue
        num = row.get(f"num:{ind.id}")
        den = row.get(f"den:{ind.id}")
        val = row.get(f"val:{ind.id}")
        if not isinstance(num, float) or not isinstance(den, float) or not isinstance(val, float):
            continue
        interval = indicator_interval(ind, num, den)
        if interval is None or not is_small(ind, interval):
            continue
        unit = ind.unit if ind.unit in ("‰", "%") or ind.unit.startswith("/") else ""
        spread = (
            f"{interval.level:.0%}置信区间 {fmt(interval.low, ind.decimals)}{unit}～"
            f"{fmt(interval.high, ind.decimals)}{unit}"
        )
        se = _standard_error(ind, num, den)
        if se is not None:
            spread = f"标准误约 ±{fmt(se, 1)}，{spread}"
        basis = f"{fmt(interval.events)} 例"
        if ind.sampling == "poisson" and ind.denominator:
            basis += f"（{describe(parse(ind.denominator), names)} {fmt(den)}）"
        out.append(
            Finding(
                "small_sample",
                "warning",
                f"{ind.name} {fmt(val, ind.decimals)}{unit} 仅基于 {basis}，{spread}，"
                f"单期数值受偶然波动影响大，宜结合多期数据判断",
                tuple(sorted({r.name for r in calc.indicators[ind.id].refs})),
                org,
                period,
            )
        )
    return out


def _standard_error(ind: Indicator, num: float, den: float) -> float | None:
    """The normal approximation's standard error of a share or of a ratio of two parts."""
    if ind.sampling == "parts":
        n = num + den
        p = num / n if n else 0.0
        return ind.factor * math.sqrt(p * (1 - p) / n) / (1 - p) ** 2 if n and p < 1 else None
    if ind.sampling == "share" and den:
        p = num / den
        return ind.factor * math.sqrt(p * (1 - p) / den) if 0 <= p <= 1 else None
    return None


def targets_passed_down(pack: Pack, tree: OrgTree, targets: Sequence[Target]) -> list[Finding]:
    """The parts of a count's cap or floor, set for the units below, must add up to the parent's
    target: caps may not exceed it, floors may not fall short of it. Targets revised during
    their period are compared as they stand at its end."""
    out: list[Finding] = []
    targets = [t for t in targets if t.valid_to is None]
    by_key = {(t.org_unit, t.period.id, t.indicator): t for t in targets}
    for t in targets:
        ind = pack.indicators.get(t.indicator)
        if ind is None or ind.kind != "count" or t.bound.value is None:
            continue
        if not (t.bound.is_cap or t.bound.is_floor):
            continue
        children = tree.children(t.org_unit)
        parts = [by_key.get((c.code, t.period.id, t.indicator)) for c in children]
        given = [p for p in parts if p is not None and p.bound.op == t.bound.op]
        if not given:
            continue
        total = sum(p.bound.value or 0.0 for p in given)
        missing = [c.name for c, p in zip(children, parts, strict=True) if p is None]
        unit = tree.get(t.org_unit)
        short = (
            f"（{'、'.join(missing[:5])}{'等' if len(missing) > 5 else ''}未分解）"
            if missing
            else ""
        )
        if t.bound.is_cap and total > t.bound.value:
            message = (
                f"{unit.name}{t.period.label}{ind.name}控制数为 {fmt_trim(t.bound.value)}，分解到"
                f"{len(given)} 个下级单位的控制数之和为 {fmt_trim(total)}，超过了本级控制数"
            )
        elif t.bound.is_floor and total < t.bound.value:
            message = (
                f"{unit.name}{t.period.label}{ind.name}任务为 {fmt_trim(t.bound.value)}，分解到"
                f"{len(given)} 个下级单位的任务之和为 {fmt_trim(total)}，少于本级任务{short}"
            )
        else:
            continue
        out.append(
            Finding(
                "targets_passed_down",
                "warning",
                message,
                tuple(sorted({r.name for r in references(parse(ind.numerator))})),
                t.org_unit,
                t.period.id,
            )
        )
    return out


#: a modified z-score beyond this marks an outlier (Iglewicz and Hoaglin)
OUTLIER_Z = 3.5
#: at least this many earlier years are needed to judge one
OUTLIER_MIN_YEARS = 3


def modified_z(x: float, history: Sequence[float]) -> float | None:
    """0.6745 · (x − median) / MAD over the earlier values; None when MAD is 0.

    >>> round(modified_z(40.0, [10.0, 11.0, 12.0, 13.0]), 3)
    19.223
    """
    ordered = sorted(history)
    median = _median(ordered)
    mad = _median(sorted(abs(v - median) for v in ordered))
    if mad == 0:
        return None
    return 0.6745 * (x - median) / mad


def _float(x: object) -> float | None:
    return x if isinstance(x, float) else None


def _within_chance(
    ind: Indicator, row: dict[str, object], earlier: Sequence[dict[str, object]]
) -> bool:
    """Whether a figure counted from few events and the earlier years pooled (their numerators
    and denominators summed) have overlapping chance intervals: then chance alone may explain
    the difference (one infant death after years of none)."""
    num, den = _float(row.get(f"num:{ind.id}")), _float(row.get(f"den:{ind.id}"))
    now = indicator_interval(ind, num, den)
    if now is None:
        return False
    pairs = [(_float(r.get(f"num:{ind.id}")), _float(r.get(f"den:{ind.id}"))) for r in earlier]
    complete = [(n, d) for n, d in pairs if n is not None and d is not None]
    before = indicator_interval(ind, sum(n for n, _ in complete), sum(d for _, d in complete))
    return before is not None and now.low <= before.high and before.low <= now.high


def _median(values: Sequence[float]) -> float:
    n = len(values)
    mid = n // 2
    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2


def outliers(
    pack: Pack,
    org: str,
    period: Period,
    row: dict[str, object],
    earlier: Sequence[dict[str, object]],
    indicators: Sequence[str],
) -> list[Finding]:
    """A figure far from the same period of earlier years (modified z-score on median and MAD,
    DOMAIN §5); when the earlier years are all equal, a figure outside them by more than half
    their level. A figure counted from few events is not an outlier while its chance interval
    overlaps that of the earlier years pooled (one infant death after years of none)."""
    out: list[Finding] = []
    for ind_id in indicators:
        x = row.get(f"val:{ind_id}")
        if not isinstance(x, float):
            continue
        history = [v for r in earlier if isinstance(v := r.get(f"val:{ind_id}"), float)]
        if len(history) < OUTLIER_MIN_YEARS:
            continue
        ind = pack.indicators[ind_id]
        z = modified_z(x, history)
        level = _median(sorted(history))
        if z is None:
            far = abs(x - level) > 0.5 * abs(level) if level else x != 0
            if not far:
                continue
        elif abs(z) <= OUTLIER_Z:
            continue
        if _within_chance(ind, row, earlier):
            continue
        low, high = min(history), max(history)
        unit = ind.unit if ind.unit in ("‰", "%") else ""
        out.append(
            Finding(
                "outlier",
                "warning",
                f"{ind.name} {fmt(x, ind.decimals)}{unit}与往年同期（{len(history)} 年，"
                f"{fmt(low, ind.decimals)}～{fmt(high, ind.decimals)}{unit}，中位数 "
                f"{fmt(level, ind.decimals)}{unit}）相差悬殊"
                + (f"（修正 z 值 {fmt(z, 1)}）" if z is not None else "")
                + "，请核实数据或说明原因",
                tuple(sorted({r.name for r in references(parse(ind.numerator))})),
                org,
                period.id,
            )
        )
    return out
