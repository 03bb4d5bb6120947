"""Slips a hurried clerk makes that leave figures readable but wrong: a fraction of a person, an
amount in 元 where the element counts 万元, targets set for a period the report does not cover.
"""

from __future__ import annotations

import bisect
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

import polars as pl

from zicha.domain.checklist import ChecklistItem
from zicha.domain.expression import Ref, parse
from zicha.domain.finding import Finding
from zicha.domain.numbers import fmt, fmt_trim
from zicha.domain.orgunit import OrgTree
from zicha.domain.pack import DataElement, Pack
from zicha.domain.period import Period, parse_period
from zicha.domain.target import Target
from zicha.engine import coverage
from zicha.engine.checks import row_findings
from zicha.engine.facts import Facts

#: a figure this many times its reference (its target, the median of the other figures of its
#: element) was typed in the unit 10,000 times smaller: 万元 typed as 元
SCALE_SLIP = 1000.0
#: the reference median needs at least this many other figures
MEDIAN_OF = 3


def fractional_counts(pack: Pack, entered: pl.DataFrame) -> list[Finding]:
    """A count of people, cases or documents is a whole number: 233.4 births is a typing slip.
    `entered`: values at their own grain (`zicha.engine.facts.ENTERED`)."""
    ids = [e.id for e in pack.elements.values() if e.whole]
    frame = entered.filter(
        pl.col("element").is_in(ids) & (pl.col("value") != pl.col("value").round(0))
    )
    return row_findings(
        pack,
        frame,
        "fractional_count",
        lambda el, x: f"{fmt_trim(x, 6)}，以「{el.unit}」计的数应为整数",
    )


def _count_indicators(pack: Pack, element: str) -> list[str]:
    """Indicators that are the element itself (a count with no denominator)."""
    return [
        ind.id
        for ind in pack.indicators.values()
        if ind.denominator is None and ind.factor == 1 and parse(ind.numerator) == Ref(element)
    ]


def _target_levels(targets: Sequence[Target]) -> list[float]:
    levels: list[float] = []
    for t in targets:
        levels += [x for x in (t.bound.value, t.bound.low, t.bound.high) if x is not None and x > 0]
    return levels


def scale_slips(pack: Pack, entered: pl.DataFrame, targets: Iterable[Target]) -> list[Finding]:
    """An amount in 万元 entered in 元 (130000 for 13) scores full marks against any target:
    found where the figure is a thousand times its target or more, or a thousand times the
    median of the element's other figures (among `entered`: those of the units asked about)."""
    scaled = [e for e in pack.elements.values() if e.unit.startswith("万") and len(e.unit) > 1]
    if not scaled:
        return []
    by_target: dict[tuple[str, str], list[Target]] = defaultdict(list)
    for t in targets:
        by_target[(t.org_unit, t.indicator)].append(t)
    out: list[Finding] = []
    for el in scaled:
        rows = entered.filter(pl.col("element") == el.id)
        if rows.is_empty():
            continue
        indicators = _count_indicators(pack, el.id)
        positive = sorted(v for v in rows["value"].to_list() if v > 0)
        for row in rows.iter_rows(named=True):
            x = row["value"]
            targets = [t for i in indicators for t in by_target.get((row["org_unit"], i), [])]
            levels = _target_levels(targets)
            others = len(positive) - (1 if x > 0 else 0)
            if levels:
                reference, what = max(levels), "目标"
            elif others >= MEDIAN_OF:
                reference, what = median_without(positive, x), "其他填报数的中位数"
            else:
                continue
            if x < SCALE_SLIP * reference:
                continue
            out.append(_scale_finding(el, row, reference, what))
    return out


def median_without(ordered: list[float], x: float) -> float:
    """The median of a sorted list with one `x` taken out (when it holds one), without copying.

    >>> median_without([1.0, 2.0, 3.0, 100.0], 100.0), median_without([1.0, 2.0, 3.0], 7.0)
    (2.0, 2.0)
    """
    at = bisect.bisect_left(ordered, x)
    if at == len(ordered) or ordered[at] != x:
        return statistics.median(ordered)
    n = len(ordered) - 1

    def nth(i: int) -> float:
        return ordered[i if i < at else i + 1]

    return nth(n // 2) if n % 2 else (nth(n // 2 - 1) + nth(n // 2)) / 2


def _scale_finding(el: DataElement, row: dict[str, object], reference: float, what: str) -> Finding:
    x = float(row["value"])  # type: ignore[arg-type]
    small = el.unit[1:]
    return Finding(
        "unit_slip",
        "error",
        f"「数据」第 {row['row']} 行：{el.name}为 {fmt_trim(x)}{el.unit}，是{what} "
        f"{fmt_trim(reference)}{el.unit}的 {fmt(x / reference)} 倍，像是按「{small}」填写的"
        f"（{fmt_trim(x)}{small} 合 {fmt_trim(x / 10000, 4)}{el.unit}）；请按「{el.unit}」填写",
        (el.id,),
        str(row["org_unit"]),
        str(row["period"]),
    )


def report_periods(
    own: Period | None,
    entered: pl.DataFrame,
    stated: pl.DataFrame,
    months: Iterable[date] = (),
) -> list[Period]:
    """The periods a report is about: its own period (a workbook's meta `period`) when it names
    one, else every period figures were entered (`entered`) or stated (`stated`) for and every
    month with register rows (`months`, their first days)."""
    if own is not None:
        return [own]
    ids: set[str] = set()
    for frame in (entered, stated):
        ids.update(frame["period"].unique().to_list())
    found = {i: parse_period(i) for i in ids}
    for d in months:
        p = parse_period(f"{d.year}{d.month:02d}")
        found.setdefault(p.id, p)
    return sorted(found.values())


def year_hint(pack: Pack, targets: Sequence[Period], reported: Sequence[Period]) -> str:
    """What `YYYY年度` means in a pack whose statistical year does not start in January, said
    when a target's statistical year ends within a year before a reported period: the year
    that `2011年度` names may have been meant as the one after."""
    m = pack.year_start_month
    if m == 1:
        return ""
    off_by_one = any(
        t.kind == "fyear" and t.end < r.start and r.end <= t.end.replace(year=t.end.year + 1)
        for t in targets
        for r in reported
    )
    if not off_by_one:
        return ""
    return (
        f"。注意：本业务包的统计年度从 {m} 月 1 日开始，「2011年度」指 2010年{m}月1日至"
        f"2011年{m - 1}月底，写作 2010{_MONTH_ABBR[m - 1]}"
    )


_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def targets_for_no_period(
    pack: Pack, tree: OrgTree, targets: Iterable[Target], reported: Sequence[Period]
) -> list[Finding]:
    """A unit whose targets all lie outside the periods reported on (`report_periods`) has no
    target in its report: said once per unit, with the periods of its targets."""
    if not reported:
        return []
    by_org: dict[str, list[Target]] = defaultdict(list)
    for t in targets:
        by_org[t.org_unit].append(t)
    out: list[Finding] = []
    labels = "、".join(p.label for p in reported[:4]) + ("等" if len(reported) > 4 else "")
    for org, mine in by_org.items():
        if any(t.period.contains(p) for t in mine for p in reported):
            continue
        periods = sorted({t.period for t in mine})
        out.append(
            Finding(
                "targets_for_no_period",
                "warning",
                f"{tree.get(org).name}的 {_count(mine)} 个目标（期间"
                f"{'、'.join(p.label for p in periods)}）不包含报告期间（{labels}），"
                f"报告中将没有任何目标{year_hint(pack, periods, reported)}",
                (),
                org,
                periods[0].id,
            )
        )
    return out


def _count(targets: Iterable[Target]) -> int:
    """How many targets: the versions of a target revised during its period are one."""
    return len({(t.period.id, t.indicator) for t in targets})


def no_target_applies(
    pack: Pack, tree: OrgTree, targets: Iterable[Target], org: str, period: Period, judged: int
) -> list[Finding]:
    """In a computation: the unit has targets, but all for other periods (`judged` is how many
    of its indicators have one)."""
    if judged:
        return []
    mine = [t for t in targets if t.org_unit == org]
    if not mine or any(t.period.contains(period) for t in mine):
        return []  # none, or withdrawn during their period: no slip
    periods = sorted({t.period for t in mine})
    return [
        Finding(
            "no_target_applies",
            "warning",
            f"{tree.get(org).name}填有 {_count(mine)} 个目标，期间为"
            f"{'、'.join(p.label for p in periods)}，都不包含{period.label}：本期没有可判断的目标"
            f"{year_hint(pack, periods, [period])}",
            (),
            org,
            period.id,
        )
    ]


def nothing_entered(
    facts: Facts,
    pack: Pack,
    checklist: Iterable[ChecklistItem],
    org: str,
    period: Period,
    mine: pl.DataFrame,
) -> list[Finding]:
    """In a computation: nothing was entered for the unit (or below it) within the period, no
    figure, register row or checklist item: say so, and where the unit's figures lie (a
    stock's level carried over from before is no figure of this period). `mine`: the `start`
    and `end` of the values entered for the unit and those below it."""
    below = {org, *facts.tree.descendants(org)}
    inside = mine.filter((pl.col("start") <= period.end) & (pl.col("end") >= period.start))
    if inside.height or coverage.rows_in(facts, pack, org, period):
        return []
    if any(
        i.org_unit in below and i.period.start <= period.end and period.start <= i.period.end
        for i in checklist
    ):
        return []
    days: list[date] = [d for d in (mine["start"].min(), mine["end"].max()) if isinstance(d, date)]
    days += coverage.row_dates(facts, pack, org)
    span = ""
    if days:
        first, last = min(days), max(days)
        span = (
            f"；该单位已有的数据在 {first.year}年{first.month}月{first.day}日至"
            f"{last.year}年{last.month}月{last.day}日之间"
        )
    return [
        Finding(
            "no_data_in_period",
            "warning",
            f"{facts.tree.get(org).name}{period.label}没有填报任何数据或登记记录：流量指标为无数据"
            f"（不是 0），存量指标沿用此前最后一次填报的数{span}",
            (),
            org,
            period.id,
        )
    ]
