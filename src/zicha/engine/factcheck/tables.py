"""Figures in a report's tables: a row names the figure, its column's header says what it is.

A header such as 目标 makes the figures of its column targets, 预计全年 projections, 上年同期 last
year's figures, 累计 year-to-date figures; 分子, 分母, 得分, 时间进度, 说明 and the like are not
figures of the report. A unit written in a header ("出生人数（人）", "单位：万元") applies to the
cells without one. A header that is none of these (男, 2023年, 石门村) is a scope of its own: its
figures are compared with nothing outside it.
"""

from __future__ import annotations

import re

from zicha.domain.factcheck import Role, TextTable
from zicha.domain.lexicon import UNITS
from zicha.engine.factcheck.extraction import Extractor
from zicha.engine.factcheck.normalization import normalize
from zicha.engine.factcheck.tokens import tokens

_SKIP = (
    "分子",
    "分母",
    "得分",
    "分值",
    "序号",
    "编号",
    "时间进度",
    "进度",
    "说明",
    "备注",
    "状态",
    "排名",
    "名次",
    "权重",
    "代码",
    "日期",
    "时限",
)
_ROLES: tuple[tuple[tuple[str, ...], Role], ...] = (
    (("预计", "预测"), "projection"),
    (("上年", "去年", "同期"), "last_year"),
    (("增减", "增长", "比上年", "同比", "环比", "变化"), "difference"),
    (("累计",), "to_date"),
    (("目标", "任务", "计划数", "控制数", "考核标准", "要求"), "target"),
)
_ACTUAL = ("本期", "实际", "完成", "数值", "本年", "今年", "合计", "数量", "实绩", "数据", "指标值")
_UNIT_IN_HEADER = re.compile(
    r"[（(]\s*(?:单位\s*[:：]\s*)?([^（()）]{1,4})\s*[)）]|单位\s*[:：]\s*(\S{1,3})"
)


def unit_of(header: str) -> str:
    """A unit written in a header, when it is one of the closed set.

    >>> unit_of("出生人数（人）"), unit_of("投入（单位：万元）"), unit_of("性别比（女=100）")
    ('人', '万元', ':100')
    """
    if "女=100" in header or "女＝100" in header:
        return ":100"
    m = _UNIT_IN_HEADER.search(header)
    if not m:
        return ""
    unit = (m.group(1) or m.group(2) or "").strip()
    return unit if unit in UNITS else ""


def _bare(header: str) -> str:
    return _UNIT_IN_HEADER.sub("", header).strip()


def column_role(header: str) -> Role | None:
    """What a column's figures are, from its header; None for a column that states none.

    >>> column_role("目标"), column_role("预计全年"), column_role("分母"), column_role("本期")
    ('target', 'projection', None, 'actual')
    """
    text = _bare(header)
    if any(word in text for word in _SKIP):
        return None
    for words, role in _ROLES:
        if any(word in text for word in words):
            return role
    return "actual"


def _is_known_column(header: str) -> bool:
    text = _bare(header)
    if not text:
        return True
    return any(word in text for word in _ACTUAL) or any(
        word in text for words, _ in _ROLES for word in words
    )


def read_table(extractor: Extractor, table: TextTable) -> None:
    """Every figure of a table, through `extractor.cell`."""
    rows = [
        [normalize(c).strip() for c in row] for row in table.rows if any(c.strip() for c in row)
    ]
    if not rows:
        return
    header: list[str] = []
    if not any(tokens(c) for c in rows[0][1:]):
        header, rows = rows[0], rows[1:]
    for row in rows:
        label_col = next((i for i, c in enumerate(row) if c and not tokens(c)), None)
        row_label = row[label_col] if label_col is not None else ""
        for col, cell in enumerate(row):
            if col == label_col or not cell:
                continue
            head = header[col] if col < len(header) else ""
            role = column_role(head)
            if role is None:
                continue
            _cell(extractor, row_label, head, cell, role)


def _cell(extractor: Extractor, row_label: str, head: str, cell: str, role: Role) -> None:
    row_name, head_name = _bare(row_label), _bare(head)
    unit = unit_of(row_label) or unit_of(head)
    scopes = extractor.scopes
    if row_name and extractor.index.match(row_name, "") is not None:
        label = row_name
        scope = "" if _is_known_column(head) else head_name
    elif head_name and extractor.index.match(head_name, "") is not None:
        label = head_name  # a table whose columns name the figures and rows the units
        scope = scopes.scope(row_name) or row_name
    else:
        label = row_name or head_name
        scope = "" if _is_known_column(head) else head_name
    where = "｜".join(x for x in (row_label, head) if x)
    extractor.cell(f"表格：{where}：{cell}", label, cell, role, scope, unit)
