"""Checklist items (CONTRACT §6) for an org unit and period: which items count, how they add up,
and what a careful reviewer would point out about them.

An org unit sees its own items and those of every unit below it (a township sees its villages'
and enterprises' items). An item counts for a period when its own period overlaps the period
asked (an item entered for the year shows in each half; items entered for both halves show in
the year). Overdue is judged on the last day of the period asked.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date

from zicha.domain.assessment import AssessmentItem
from zicha.domain.checklist import ChecklistItem, ChecklistSummary
from zicha.domain.finding import Finding
from zicha.domain.orgunit import OrgTree
from zicha.domain.period import Period
from zicha.domain.result import Computation, Status
from zicha.engine.scoring import item_score

SHEET = "检查事项"


def items_for(
    items: Iterable[ChecklistItem], tree: OrgTree, org: str, period: Period
) -> list[ChecklistItem]:
    """The items of `org` and every unit below it whose period overlaps `period`, in sheet order.

    >>> from zicha.domain.orgunit import OrgUnit
    >>> from zicha.domain.period import parse_period
    >>> tree = OrgTree.build([OrgUnit("1", "乡"), OrgUnit("2", "村", "1")])
    >>> rows = [ChecklistItem("2", parse_period("2025"), "a"),
    ...         ChecklistItem("1", parse_period("2025S2"), "b")]
    >>> [i.item for i in items_for(rows, tree, "1", parse_period("2025S1"))]
    ['a']
    """
    units = {org, *tree.descendants(org)}
    return [
        i
        for i in items
        if i.org_unit in units and i.period.start <= period.end and period.start <= i.period.end
    ]


def summarize(
    items: Sequence[ChecklistItem], as_of: date, scored_elsewhere: Collection[str] = ()
) -> ChecklistSummary:
    """Count the items; points of the scored items not named in `scored_elsewhere` (the items
    the assessment sheet scores its own way).

    >>> from zicha.domain.period import parse_period
    >>> p = parse_period("2025")
    >>> s = summarize([ChecklistItem("1", p, "a", points=2),
    ...                ChecklistItem("1", p, "b", result="未达标", points=3)], p.end)
    >>> s.score, s.max
    (2.0, 5.0)
    """
    scored = [i for i in items if i.points is not None and i.item not in scored_elsewhere]
    score: float | None = None
    most: float | None = None
    if scored:
        score = float(sum(i.points or 0.0 for i in scored if i.compliant))
        most = float(sum(i.points or 0.0 for i in scored))
    return ChecklistSummary(as_of, tuple(items), score, most)


def _where(item: ChecklistItem) -> str:
    row = f"第 {item.row} 行" if item.row is not None else ""
    return f"「{SHEET}」表{row}「{item.item}」"


def _cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def item_findings(item: ChecklistItem, as_of: date) -> list[Finding]:
    """What is wrong with one item, judged on `as_of` (the last day of the period).

    >>> from zicha.domain.period import parse_period
    >>> bare = ChecklistItem("1", parse_period("2025"), "台账完整", result="未达标", row=4)
    >>> [(f.rule, f.severity) for f in item_findings(bare, date(2025, 12, 31))]
    [('checklist_incomplete', 'error')]
    """
    out: list[Finding] = []

    def add(rule: str, severity: str, message: str) -> None:
        out.append(
            Finding(
                rule,
                "error" if severity == "error" else "warning",
                f"{_where(item)}：{message}",
                org_unit=item.org_unit,
                period=item.period.id,
            )
        )

    if item.result == "未达标":
        missing = [
            name
            for name, text in (("发现问题", item.problem), ("整改措施", item.action))
            if not text.strip()
        ]
        if missing:
            add(
                "checklist_incomplete",
                "error",
                f"检查结果为未达标，但未填写{'和'.join(missing)}",
            )
    if item.closed and item.closed_on is None:
        add("checklist_closed_without_date", "warning", "整改完成为是，但未填写完成日期")
    if item.closed is False and item.closed_on is not None:
        add(
            "checklist_closed_date_conflict",
            "warning",
            f"填写了完成日期{_cn(item.closed_on)}，但整改完成为否",
        )
    if item.closed_late and item.deadline is not None and item.closed_on is not None:
        days = (item.closed_on - item.deadline).days
        add(
            "checklist_closed_late",
            "warning",
            f"逾期整改：整改时限为{_cn(item.deadline)}，{_cn(item.closed_on)}才完成，"
            f"超过时限{days}天",
        )
    if item.overdue(as_of) and item.deadline is not None:
        add(
            "checklist_overdue",
            "warning",
            f"整改时限{_cn(item.deadline)}已过（截至{_cn(as_of)}），尚未完成整改",
        )
    return out


def findings_for(summary: ChecklistSummary) -> list[Finding]:
    """The findings of every item of a summary, judged on its `as_of` day."""
    return [f for row in summary.rows for f in item_findings(row, summary.as_of)]


def check_findings(items: Iterable[ChecklistItem]) -> list[Finding]:
    """The findings of every item, each judged on its own period's end."""
    return [f for item in items for f in item_findings(item, item.period.end)]


def attach_checklist(
    computation: Computation,
    items: Sequence[ChecklistItem],
    tree: OrgTree,
    with_findings: bool = True,
    assessment: Mapping[str, AssessmentItem] | None = None,
) -> Computation:
    """Add the checklist to a computation, in place: its summary, its findings when asked for
    (errors first, the order otherwise kept) and the points of its scored items on top of the
    score already made.

    Nothing changes when the workbook has no checklist item at all.
    """
    if not items:
        return computation
    period = computation.period
    rows = items_for(items, tree, computation.org_unit.code, period)
    methods = dict(assessment) if assessment is not None else {}
    elsewhere = set(methods)
    summary = summarize(rows, period.end, elsewhere)
    computation.checklist = summary
    found = findings_for(summary) if with_findings else []
    if found:
        merged = list(dict.fromkeys([*computation.findings, *found]))
        computation.findings = sorted(merged, key=lambda f: 0 if f.severity == "error" else 1)
    if summary.max is not None:
        computation.score = computation.score.add(summary.score or 0.0, summary.max)
    named = scored_by_method(rows, methods)
    if named:
        total = sum(s * w for s, _, w, _ in named)
        most = sum(p * w for _, p, w, _ in named)
        computation.score = computation.score.add(total, most, any(v for *_, v in named))
    return computation


def scored_by_method(
    rows: Sequence[ChecklistItem], methods: Mapping[str, AssessmentItem]
) -> list[tuple[float, float, float, bool]]:
    """(score, points, weight, vetoes) of each checklist row the assessment method names.

    达标 earns the points; 推进中 counts as at risk, 未达标 and 未启动 as not met (a veto item
    then vetoes); `fixed` deducts its fixed amount instead of taking every point.
    """
    out: list[tuple[float, float, float, bool]] = []
    for row in rows:
        method = methods.get(row.item)
        if method is None:
            continue
        points = method.points if method.points is not None else row.points
        if points is None:
            continue
        status: Status = (
            "met" if row.compliant else ("at_risk" if row.result == "推进中" else "not_met")
        )
        score = item_score(method, points, status, None, None) or 0.0
        vetoes = method.veto and status in ("not_met", "at_risk")
        out.append((score, points, method.weight, vetoes))
    return out
