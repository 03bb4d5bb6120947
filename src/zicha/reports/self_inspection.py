"""The self-inspection report (自查报告) as a `Document`: figures, sentences, charts, the clerk's
own paragraphs and the official parts around them. It holds only what goes to the county: the
findings about the figures go into the 数据核查单 (`check_sheet.py`).

The order and headings of the parts come from the pack (`[[report.sections]]`); so does every
sentence. This module assembles; it computes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from zicha.domain.narrative import NarrativeSection
from zicha.domain.numbers import fmt, fmt_trim
from zicha.domain.pack import Pack
from zicha.domain.result import STATUS_LABELS, Computation, IndicatorResult
from zicha.reports import charts
from zicha.reports.document import (
    Attachment,
    Block,
    Closing,
    Document,
    Heading,
    Paragraph,
    Placeholder,
    Table,
    format_date_cn,
)
from zicha.reports.wording import (
    PROSE_UNITS,
    comparison_phrase,
    fill,
    pct,
    sentence,
    with_unit,
)

CN_NUMERALS = "一二三四五六七八九十"
DEFAULT_SECTIONS: tuple[dict[str, str], ...] = (
    {"heading": "指标完成情况", "content": "targets"},
    {"heading": "其他工作数据", "content": "other_figures"},
    {"heading": "主要工作措施", "content": "narrative"},
    {"heading": "存在问题", "content": "narrative"},
    {"heading": "下步工作打算", "content": "narrative"},
)
MARKS = {"met": "good", "on_track": "good", "at_risk": "warn", "not_met": "bad"}
_SUBHEADING = re.compile(r"^\s*[（(]([一二三四五六七八九十]+)[)）]\s*(.*)$")


@dataclass(frozen=True)
class MonthlySeries:
    """The main flow month by month over the year to date, with its pace line."""

    name: str
    unit: str
    labels: list[str]
    values: list[float | None]
    pace: list[float] | None


@dataclass
class ReportContext:
    """Everything the report is drafted from."""

    pack: Pack
    computation: Computation
    meta: Mapping[str, str]
    narrative: Sequence[NarrativeSection] = ()
    children: Sequence[Computation] = ()
    monthly: MonthlySeries | None = None
    charts: bool = True
    extra_sections: Mapping[str, Sequence[Block]] = field(default_factory=dict)
    #: attachments after the figures' (a caller's: the checklist's rectification ledger)
    attachments: Sequence[Attachment] = ()


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二 (headings rarely pass twenty).

    >>> cn_number(1), cn_number(10), cn_number(12), cn_number(20)
    ('一', '十', '十二', '二十')
    """
    if n <= 10:
        return CN_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_NUMERALS[tens - 1]
    return f"{head}十{CN_NUMERALS[ones - 1] if ones else ''}"


def _report(pack: Pack) -> Mapping[str, object]:
    return pack.report


def _words(pack: Pack, key: str, default: str = "") -> str:
    value = _report(pack).get(key)
    return value if isinstance(value, str) else default


def compose_title(ctx: ReportContext) -> str:
    """issuer + 关于 + period + subject + 的报告, unless the workbook gives a whole title."""
    meta = ctx.meta
    title = meta.get("title", "").strip()
    issuer = meta.get("issuer", "").strip() or ctx.computation.org_unit.name
    if title.endswith("报告"):
        return title
    subject = title or _words(ctx.pack, "subject", "工作自查情况")
    return f"{issuer}关于{ctx.computation.period.label}{subject}的报告"


def _basis(meta: Mapping[str, str]) -> str:
    parts = [p.strip() for p in re.split(r"[；;\n]+", meta.get("basis", "")) if p.strip()]
    if len(parts) <= 1:
        return "".join(parts)
    return "、".join(parts[:-1]) + "和" + parts[-1]


def _target_period_label(c: Computation) -> str:
    periods = [r.target.period for r in c.indicators if r.target is not None]
    if not periods:
        return c.period.label
    return max(periods, key=lambda p: p.days).label


def opening(ctx: ReportContext) -> str:
    values = {
        "basis": _basis(ctx.meta),
        "org": ctx.computation.org_unit.name,
        "period": ctx.computation.period.label,
        "target_period": _target_period_label(ctx.computation),
    }
    key = "opening" if values["basis"] else "opening_without_basis"
    default = (
        "根据{basis}文件精神，{org}对照{target_period}目标任务开展了自查，现将自查情况报告如下："
        if values["basis"]
        else "{org}对照{target_period}目标任务开展了自查，现将自查情况报告如下："
    )
    return fill(_words(ctx.pack, key, default), values)


def _sub_index(n: int) -> str:
    return f"（{cn_number(n)}）"


def _targets(ctx: ReportContext) -> list[Block]:
    c = ctx.computation
    templates = _report(ctx.pack).get("sentences", {})
    assert isinstance(templates, Mapping)
    targeted = [r for r in c.indicators if r.target is not None]
    blocks: list[Block] = []
    if not targeted:
        below = _children_targeted(ctx.children)
        if below:
            return [
                Paragraph(f"{c.org_unit.name}本级未设考核目标，所属单位目标完成情况如下。"),
                children_table(ctx.children, below, number=1),
            ]
        return [Placeholder("本期没有考核目标：请在「目标」表填写各指标的目标值")]
    words = _report(ctx.pack).get("words")
    for r in targeted:
        blocks.append(
            Paragraph(
                sentence(
                    r, templates, c.org_unit, c.period, words if isinstance(words, Mapping) else {}
                )
            )
        )
    revised = revision_note(targeted, c.period.end)
    if revised:
        blocks.append(Paragraph(revised))
    if c.score.max:
        veto = "，但有一票否决项未完成，考核结果为不合格" if c.score.vetoed else ""
        blocks.append(
            Paragraph(
                f"按考核办法对上述指标自评，共得{fmt_trim(c.score.total, 1)}分"
                f"（满分{fmt_trim(c.score.max, 1)}分）{veto}。"
            )
        )
    blocks.append(target_table(c))
    if ctx.children:
        blocks.append(children_table(ctx.children, targeted, number=2))
    if ctx.charts:
        blocks += _charts(ctx, targeted)
    return blocks


def revision_note(targeted: Sequence[IndicatorResult], end: date) -> str | None:
    """A sentence on the targets revised during their period: each version, and that the
    period is judged by the one in force on its last day (None when none was revised)."""
    revised = [r for r in targeted if r.target is not None and r.target.revised]
    if not revised:
        return None
    parts = []
    for r in revised:
        assert r.target is not None
        versions = "；".join(v.text() for v in r.target.revisions)
        parts.append(f"{r.indicator.name}（{versions}）")
    return (
        f"年度中调整了目标：{'，'.join(parts)}。本期按期末（{format_date_cn(end)}）适用的目标考核。"
    )


def target_table(c: Computation) -> Table:
    rows: list[tuple[str, ...]] = []
    marks: list[tuple[str | None, ...]] = []
    for r in c.indicators:
        if r.target is None:
            continue
        dec, unit = r.indicator.decimals, r.indicator.unit
        score = "—" if r.points is None else f"{fmt_trim(r.score, 1)}/{fmt_trim(r.points, 1)}"
        rows.append(
            (
                r.indicator.name + (f"（{unit}）" if unit in PROSE_UNITS else ""),
                r.target.bound.text(),
                fmt(r.value, dec),
                fmt(r.to_date, dec),
                pct(r.elapsed),
                fmt(r.projection, dec),
                STATUS_LABELS[r.status],
                score,
            )
        )
        mark = MARKS.get(r.status)
        marks.append((None, None, None, None, None, None, mark, None))
    return Table(
        columns=("指标", "目标", "本期", "累计", "时间进度", "预计全年", "状态", "得分"),
        rows=tuple(rows),
        caption=f"表1  {c.org_unit.name}{c.period.label}目标完成情况",
        align=("left", "center", "right", "right", "right", "right", "center", "right"),
        marks=tuple(marks),
    )


def _children_targeted(children: Sequence[Computation]) -> list[IndicatorResult]:
    """The indicators any child has a target for, in the pack's order."""
    seen: dict[str, IndicatorResult] = {}
    for child in children:
        for r in child.indicators:
            if r.target is not None:
                seen.setdefault(r.indicator.id, r)
    order = [r.indicator.id for r in children[0].indicators] if children else []
    return [seen[i] for i in order if i in seen]


def children_table(
    children: Sequence[Computation], targeted: Sequence[IndicatorResult], number: int = 2
) -> Table:
    """Each child unit's year-to-date figures side by side (a county's townships)."""
    ids = [r.indicator.id for r in targeted][:6]
    columns = ("单位", *[r.indicator.name for r in targeted][:6], "得分")
    rows: list[tuple[str, ...]] = []
    marks: list[tuple[str | None, ...]] = []
    for child in children:
        cells: list[str] = [child.org_unit.name]
        row_marks: list[str | None] = [None]
        for i in ids:
            r = child.result(i)
            shown = r.to_date if r.target is not None else r.value
            cells.append(with_unit(shown, r.indicator.decimals, r.indicator.unit))
            row_marks.append(MARKS.get(r.status))
        scored = child.score.max is not None
        cells.append(
            f"{fmt_trim(child.score.total, 1)}/{fmt_trim(child.score.max, 1)}" if scored else "—"
        )
        row_marks.append(None)
        rows.append(tuple(cells))
        marks.append(tuple(row_marks))
    return Table(
        columns=columns,
        rows=tuple(rows),
        caption=f"表{number}  下级单位指标对比",
        align=("left", *["right"] * (len(columns) - 1)),
        marks=tuple(marks),
    )


def _charts(ctx: ReportContext, targeted: Sequence[IndicatorResult]) -> list[Block]:
    c = ctx.computation
    blocks: list[Block] = []
    items: list[tuple[str, float | None, float]] = []
    caps: list[bool] = []
    elapsed = None
    for r in targeted:
        if r.indicator.kind not in ("count", "rate") or r.target is None:
            continue
        bound = r.target.bound
        if bound.op == "range" or not bound.value:
            continue
        items.append((f"{r.indicator.name}（{bound.text()}）", r.to_date, bound.value))
        caps.append(bound.is_cap)
        elapsed = r.elapsed
    if items and elapsed is not None:
        blocks.append(
            charts.progress_chart(
                items,
                elapsed,
                "累计完成占全年目标的比例与时间进度",
                f"图1  {c.org_unit.name}目标完成进度与时间进度",
                caps=caps,
            )
        )
    m = ctx.monthly
    if m is not None and sum(1 for v in m.values if v is not None) >= 2:
        pace = "与进度控制线" if m.pace is not None else ""  # a flow without a target has none
        blocks.append(
            charts.monthly_chart(
                m.labels,
                m.values,
                m.pace,
                f"{m.name}逐月情况",
                f"图{len(blocks) + 1}  {m.name}逐月累计{pace}",
                m.unit,
            )
        )
    return blocks


def _other_figures(ctx: ReportContext) -> list[Block]:
    c = ctx.computation
    parts = []
    for r in c.indicators:
        if r.target is not None or r.value is None:
            continue
        shown = with_unit(r.value, r.indicator.decimals, r.indicator.unit)
        compared = comparison_phrase(r)
        parts.append(f"{r.indicator.name}{shown}" + (f"（{compared}）" if compared else ""))
    if not parts:
        return []
    return [Paragraph(f"{c.period.label}，" + "，".join(parts) + "。")]


def narrative_blocks(text: str) -> list[Block]:
    """The clerk's text: lines like "（一）…" become second-level headings, others paragraphs."""
    blocks: list[Block] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        m = _SUBHEADING.match(line)
        if m:
            blocks.append(Heading(2, f"（{m.group(1)}）{m.group(2).strip()}"))
        else:
            blocks.append(Paragraph(line))
    return blocks


def _narrative(ctx: ReportContext, heading: str) -> list[Block]:
    texts = [n.text for n in ctx.narrative if n.section.strip() == heading]
    if not texts:
        return [Placeholder(f"请在「文字材料」表中填写“{heading}”部分")]
    blocks: list[Block] = []
    for t in texts:
        blocks += narrative_blocks(t)
    return blocks


def _all_figures_attachment(c: Computation) -> Attachment:
    rows = []
    for r in c.indicators:
        if r.value is None and r.target is None:
            continue
        dec, unit = r.indicator.decimals, r.indicator.unit
        extra = ""
        if r.annualized is not None:
            extra = f"年化 {with_unit(r.annualized, dec, unit)}"
        rows.append(
            (
                r.indicator.name,
                with_unit(r.value, dec, unit),
                fmt(r.numerator, 2).rstrip("0").rstrip(".") if r.numerator is not None else "—",
                fmt(r.denominator, 2).rstrip("0").rstrip(".") if r.denominator is not None else "—",
                extra,
            )
        )
    table = Table(
        columns=("指标", "数值", "分子", "分母", "说明"),
        rows=tuple(rows),
        align=("left", "right", "right", "right", "left"),
    )
    return Attachment(f"{c.org_unit.name}{c.period.label}指标明细", (table,))


def build_report(ctx: ReportContext) -> Document:
    """The whole report for one org unit and period."""
    c = ctx.computation
    sections = _report(ctx.pack).get("sections")
    specs = (
        [s for s in sections if isinstance(s, Mapping)]
        if isinstance(sections, list)
        else list(DEFAULT_SECTIONS)
    )
    named = {str(s.get("heading")) for s in specs if s.get("content") == "narrative"}
    extra_narrative = [
        n.section.strip()
        for n in ctx.narrative
        if n.section.strip() and n.section.strip() not in named
    ]
    blocks: list[Block] = [Paragraph(opening(ctx))]
    number = 0

    def add_extra_narrative() -> None:
        nonlocal number
        for extra in dict.fromkeys(extra_narrative):
            number += 1
            blocks.append(Heading(1, f"{cn_number(number)}、{extra}"))
            blocks.extend(_narrative(ctx, extra))
        extra_narrative.clear()

    for spec in specs:
        heading = str(spec.get("heading", ""))
        content = str(spec.get("content", "narrative"))
        if content == "findings":
            # the data check is a document of its own (the 数据核查单), never part of the
            # report sent to the county; the clerk's own extra sections go where it stood
            add_extra_narrative()
            continue
        if content == "targets":
            body = _targets(ctx)
        elif content == "other_figures":
            body = _other_figures(ctx)
        elif f"{content}:{heading}" in ctx.extra_sections:  # a body for this very section
            body = list(ctx.extra_sections[f"{content}:{heading}"])
        elif content in ctx.extra_sections:
            body = list(ctx.extra_sections[content])
        else:
            body = _narrative(ctx, heading)
        if not body:
            continue
        number += 1
        blocks.append(Heading(1, f"{cn_number(number)}、{heading}"))
        blocks += body
    add_extra_narrative()
    blocks.append(Closing(_words(ctx.pack, "closing", "特此报告。")))
    signed = ctx.meta.get("date")
    when = date.fromisoformat(signed) if signed else None
    return Document(
        title=compose_title(ctx),
        addressee=(ctx.meta.get("addressee", "").strip().rstrip("：:") + "：")
        if ctx.meta.get("addressee")
        else None,
        blocks=tuple(blocks),
        signature=ctx.meta.get("issuer") or c.org_unit.name,
        date=when,
        attachments=(
            *((_all_figures_attachment(c),) if any(_figured(r) for r in c.indicators) else ()),
            *ctx.attachments,
        ),
    )


def _figured(r: IndicatorResult) -> bool:
    """An indicator the figures' attachment lists (a pack of checked items only has none)."""
    return r.value is not None or r.target is not None
