"""The data check sheet (数据核查单): every problem found in the figures, on its own document.

The self-inspection report goes to the county; the check sheet stays with the clerk (or goes
with the report as an attachment when the clerk wants it). For each finding it says what is
wrong, which figures are concerned and where they came from in the workbook, and what to do
about it. While one of them is an error, the report carries a draft mark (:data:`DRAFT_MARK`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from zicha.domain.finding import Finding
from zicha.domain.numbers import fmt_trim
from zicha.domain.pack import Pack
from zicha.domain.result import Computation
from zicha.reports.document import Attachment, Block, Document, Heading, Paragraph, Table

__all__ = [
    "CHECK_SHEET",
    "DRAFT_MARK",
    "CheckFigure",
    "build_check_sheet",
    "check_sheet_attachment",
    "check_sheet_blocks",
    "correction",
    "draft_mark",
    "finding_title",
]

CHECK_SHEET = "数据核查单"
DRAFT_MARK = "征求意见稿"

# what to do, by rule, when the pack's rule says nothing itself
_CORRECTIONS: dict[str, str] = {
    "stated_mismatch": (
        "以按填报数据计算的数字为准修改报告中的表述；"
        "若所述数字才是对的，请核对并更正「数据」表中的原始数字"
    ),
    "stated_inconsistent": "两个比率推算的平均人口不同，请核对后只保留与填报数据一致的一个",
    "stated_unverifiable": "在「数据」表补齐计算该指标所需的数字，或在报告中注明数字来源",
    "negative_value": "更正为实际数字：计数不可能为负数",
    "register_conflict": (
        "同一数据项既有登记明细又有汇总数字：请删去「数据」表中的汇总数字，以登记为准"
    ),
    "double_counting": "上级单位只填报下级没有填报的部分，请删去重复的数字",
    "counted_twice_in_time": "同一段时间只保留一种填报口径，请删去重复的一行",
    "stock_stated_twice": "同一日期的期末数只应填报一次，请核对后删去错误的一行",
    "small_sample": "在报告中说明样本较少、结论需结合多期数据判断，不必更正数字",
    "outlier": "与往年同期相差很大：请核对原始记录，确属实情的在报告中说明原因",
    "targets_passed_down": "核对分解到各下级单位的目标之和是否与本级目标一致",
    "veto_no_data": "补齐一票否决项所需的数据，否则无法判断是否否决",
}
_TITLES: dict[str, str] = {
    "stated_mismatch": "所述数字与按数据计算的不符",
    "stated_inconsistent": "所述比率相互矛盾",
    "stated_unverifiable": "所述数字无法核对",
    "negative_value": "出现负数",
    "register_conflict": "登记明细与汇总数字重复",
    "double_counting": "上下级重复填报",
    "counted_twice_in_time": "同一时段重复填报",
    "stock_stated_twice": "期末数填报两次且不一致",
    "small_sample": "样本较少",
    "outlier": "与往年同期差异大",
    "targets_passed_down": "分解目标与本级目标不一致",
    "veto_no_data": "一票否决项没有数据",
}
_DEFAULT_ERROR = "核对原始记录和统计口径，在工作簿中更正后重新生成报告"
_DEFAULT_WARNING = "核实后在报告中加以说明；确属填报错误的，在工作簿中更正"


@dataclass(frozen=True)
class CheckFigure:
    """A figure a finding concerns: its value for the unit and period, and where it came from."""

    name: str
    value: float | None
    unit: str
    source: str

    def text(self) -> str:
        """ "已落实避孕节育措施 580例（「数据」第 14 行）"."""
        shown = "无数据" if self.value is None else f"{fmt_trim(self.value, 2)}{self.unit}"
        return f"{self.name} {shown}" + (f"（{self.source}）" if self.source else "")


def draft_mark(findings: Sequence[Finding]) -> str | None:
    """The draft mark while an error finding remains, else None.

    >>> draft_mark([Finding("x", "warning", "…")]) is None
    True
    >>> draft_mark([Finding("x", "error", "…")])
    '征求意见稿'
    """
    return DRAFT_MARK if any(f.severity == "error" for f in findings) else None


def finding_title(finding: Finding, pack: Pack) -> str:
    """A short name of what is wrong: the pack rule's name, or the kind of check.

    >>> finding_title(Finding("small_sample", "warning", "…"), Pack("p", "p"))
    '样本较少'
    """
    rule = next((r for r in pack.rules if r.id == finding.rule), None)
    if rule is not None:
        return rule.name
    if finding.rule.startswith("checklist_"):
        return "检查事项"
    if finding.rule.startswith("narrative_"):
        return "文字材料中的数字"
    return _TITLES.get(finding.rule, "")


def correction(finding: Finding, pack: Pack) -> tuple[str, str]:
    """(the problem, what to do): a pack rule's instruction is split off its message.

    >>> from zicha.domain.pack import ValidationRule
    >>> rule = ValidationRule("r", "甲不超过乙", "a", "<=", "b", instruction="请核对口径")
    >>> p = Pack("p", "p", rules=(rule,))
    >>> correction(Finding("r", "error", "甲为3，应不超过乙（2）。请核对口径"), p)
    ('甲为3，应不超过乙（2）', '请核对口径')
    """
    message = finding.message
    rule = next((r for r in pack.rules if r.id == finding.rule), None)
    if rule is not None and rule.instruction:
        tail = f"。{rule.instruction}"
        if message.endswith(tail):
            message = message[: -len(tail)]
        return message, rule.instruction
    fallback = _DEFAULT_ERROR if finding.severity == "error" else _DEFAULT_WARNING
    return message, _CORRECTIONS.get(finding.rule, fallback)


def _finding_table(
    finding: Finding,
    pack: Pack,
    figures: Sequence[CheckFigure],
    where: str,
) -> Table:
    problem, todo = correction(finding, pack)
    rows: list[tuple[str, str]] = [("问题", problem)]
    if figures:
        rows.append(("涉及数字", "\n".join(f.text() for f in figures)))
    if where:
        rows.append(("单位和期间", where))
    rows.append(("如何更正" if finding.severity == "error" else "如何处理", todo))
    return Table(columns=("项目", "内容"), rows=tuple(rows), align=("center", "left"))


def check_sheet_blocks(
    c: Computation,
    pack: Pack,
    figures: Mapping[int, Sequence[CheckFigure]],
    places: Mapping[int, str],
) -> list[Block]:
    """The sheet's body: a summary, then each finding (errors first) with its figures.

    ``figures`` and ``places`` are keyed by the finding's index in ``c.findings``.
    """
    errors = [i for i, f in enumerate(c.findings) if f.severity == "error"]
    warnings = [i for i, f in enumerate(c.findings) if f.severity != "error"]
    if not c.findings:
        return [Paragraph("经逐项核查，报告所用的数字之间未发现不一致，报告可以上报。")]
    summary = (
        f"起草{c.org_unit.name}{c.period.label}自查报告时，对报告所用的全部数字进行了核查，"
        f"发现需要更正的问题{len(errors)}个、需要说明的情况{len(warnings)}个。"
    )
    if errors:
        summary += (
            f"需要更正的问题改正之前，报告页眉标有「{DRAFT_MARK}」；"
            "请逐项核实，在工作簿中更正后重新生成报告。"
        )
    blocks: list[Block] = [Paragraph(summary)]
    number = 0
    for heading, group in (("需要更正的问题", errors), ("需要说明的情况", warnings)):
        if not group:
            continue
        number += 1
        blocks.append(Heading(1, f"{'一二'[number - 1]}、{heading}"))
        for n, i in enumerate(group, start=1):
            f = c.findings[i]
            label = "需更正" if f.severity == "error" else "需说明"
            blocks.append(Heading(3, f"{n}.【{label}】{finding_title(f, pack)}"))
            blocks.append(_finding_table(f, pack, figures.get(i, ()), places.get(i, "")))
    blocks.append(Paragraph("核对人：　　　　　　　　核对日期：", indent=False))
    return blocks


def build_check_sheet(
    c: Computation,
    pack: Pack,
    figures: Mapping[int, Sequence[CheckFigure]],
    places: Mapping[int, str],
    workbook: str,
) -> Document:
    """The 数据核查单 as a document of its own (no addressee, no signature)."""
    return Document(
        title=f"{c.org_unit.name}{c.period.label}自查报告{CHECK_SHEET}",
        addressee=None,
        blocks=(
            Paragraph(f"数据来源：{workbook}", indent=False),
            *check_sheet_blocks(c, pack, figures, places),
        ),
        signature=None,
        date=None,
    )


def check_sheet_attachment(sheet: Document) -> Attachment:
    """The sheet as an attachment of the report."""
    return Attachment(CHECK_SHEET, sheet.blocks)
