"""Reading the `assessment` sheet (考核办法, CONTRACT §5): how each target turns into points."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

from zicha.domain.assessment import MODE_NAMES, AssessmentItem, parse_split
from zicha.domain.pack import Pack
from zicha.workbook import cells
from zicha.workbook.cells import CellError, is_blank

if TYPE_CHECKING:
    from zicha.workbook.reader import SheetReader

MODES_SHOWN = (
    "达标得分（all_or_nothing）、按差距扣分（deduct）、按比例得分（pro_rata）、固定扣分（fixed）"
)


def _mode(value: object) -> str:
    text = cells.parse_text(value).replace(" ", "")
    mode = MODE_NAMES.get(text) or MODE_NAMES.get(text.lower())
    if mode is None:
        raise CellError(MODES_SHOWN, "不是可用的计分方式")
    return mode


def _split(value: object) -> tuple[float, ...]:
    try:
        return parse_split(cells.parse_text(value))
    except ValueError as err:
        raise CellError("分期比例，如 4:3:3 或 3:3:2:2", str(err)) from None


#: what each column of the sheet holds, parsed
PARSERS: dict[str, Callable[[object], Any]] = {
    "points": cells.parse_points,
    "mode": _mode,
    "step": cells.parse_number,
    "deduct": cells.parse_number,
    "veto": cells.parse_flag,
    "weight": cells.parse_number,
    "group": cells.parse_text,
    "split": _split,
}

#: a cell that cannot be used: its column's key, what it held, what is wrong
CellProblem = tuple[str, object, CellError]


def assessment_item(
    key: str, cell: Mapping[str, object], source: str | None = None
) -> tuple[AssessmentItem | None, list[CellProblem]]:
    """One row of the assessment sheet for the item `key` (an indicator id or a checklist
    item), its cells by column key (a blank or absent cell takes the default): the item, or
    None and every cell that cannot be used.

    >>> item, problems = assessment_item("births", {"points": "10", "mode": "按差距扣分"})
    >>> item, [(k, str(err)) for k, _, err in problems]
    (None, [('deduct', '计分方式为deduct时须填写扣分，应为数字')])
    """
    values: dict[str, Any] = {}
    problems: list[CellProblem] = []
    for name, parse in PARSERS.items():
        raw_value = cell.get(name)
        if raw_value is None or is_blank(raw_value):
            continue
        try:
            values[name] = parse(raw_value)
        except CellError as err:
            problems.append((name, raw_value, err))
    mode = values.get("mode", "all_or_nothing")
    if not problems and mode in ("deduct", "fixed") and "deduct" not in values:
        problems.append(("deduct", None, CellError("数字", f"计分方式为{mode}时须填写扣分")))
    if not problems and mode == "deduct" and values.get("step", 1.0) <= 0:
        problems.append(("step", cell.get("step"), CellError("大于 0 的数")))
    if problems:
        return None, problems
    item = AssessmentItem(
        key=key,
        points=values.get("points"),
        mode=mode,
        step=values.get("step"),
        deduct=values.get("deduct"),
        veto=bool(values.get("veto", False)),
        weight=values.get("weight", 1.0),
        group=values.get("group"),
        split=values.get("split"),
        source=source,
    )
    return item, []


def read_assessment(
    reader: SheetReader, pack: Pack | None, checklist_items: Collection[str] = ()
) -> list[AssessmentItem]:
    """Every row of the assessment sheet; a row names an indicator (id or Chinese name) or a
    checklist item (its text, as in the 检查事项 sheet)."""
    from zicha.workbook.reader import records

    sheet = reader.sheets.get("assessment")
    if sheet is None:
        return []
    keys = ("indicator", *PARSERS)
    present = [k for k in keys if k == "indicator" or k in sheet.match.index]
    items: list[AssessmentItem] = []
    seen: dict[str, int] = {}
    for row, *raw in records(sheet, *present):
        cell = dict(zip(present, raw, strict=True))
        key_raw = cell["indicator"]
        if is_blank(key_raw):
            reader._add(sheet, row, "indicator", message="单元格为空", expected="指标的代码或名称")
            continue
        text = cells.parse_text(key_raw)
        indicator = pack.indicator_by_name_or_id(text) if pack is not None else None
        if indicator is not None:
            key = indicator.id
        elif text in checklist_items:
            key = text
        else:
            reader._add(
                sheet,
                row,
                "indicator",
                found=key_raw,
                expected="业务包中的指标代码或名称，或「检查事项」表中的检查事项",
                message="没有这个指标或检查事项",
            )
            continue
        item, problems = assessment_item(
            key, cell, f"{sheet.raw.file}，工作表「{sheet.raw.name}」第 {row} 行"
        )
        for name, found, err in problems:
            reader._add(sheet, row, name, found=found, error=err)
        if key in seen:
            reader._add(
                sheet,
                row,
                "indicator",
                found=key_raw,
                message=f"与第 {seen[key]} 行重复：同一指标只能有一行计分办法",
            )
            continue
        if item is None:
            continue
        seen[key] = row
        items.append(item)
    return items
