"""Reading the `assessment` sheet (考核办法, CONTRACT §5): how each target turns into points."""

from __future__ import annotations

from collections.abc import Callable, Collection
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


def read_assessment(
    reader: SheetReader, pack: Pack | None, checklist_items: Collection[str] = ()
) -> list[AssessmentItem]:
    """Every row of the assessment sheet; a row names an indicator (id or Chinese name) or a
    checklist item (its text, as in the 检查事项 sheet)."""
    from zicha.workbook.reader import records

    sheet = reader.sheets.get("assessment")
    if sheet is None:
        return []
    keys = ("indicator", "points", "mode", "step", "deduct", "veto", "weight", "group", "split")
    present = [k for k in keys if k == "indicator" or k in sheet.match.index]
    items: list[AssessmentItem] = []
    seen: dict[str, int] = {}
    for row, *raw in records(sheet, *present):
        cell = dict(zip(present, raw, strict=True))
        values: dict[str, Any] = {}
        ok = True
        parsers: dict[str, Callable[[object], Any]] = {
            "points": cells.parse_points,
            "mode": _mode,
            "step": cells.parse_number,
            "deduct": cells.parse_number,
            "veto": cells.parse_flag,
            "weight": cells.parse_number,
            "group": cells.parse_text,
            "split": _split,
        }
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
        for name, parse in parsers.items():
            raw_value = cell.get(name)
            if raw_value is None or is_blank(raw_value):
                continue
            try:
                values[name] = parse(raw_value)
            except CellError as err:
                reader._add(sheet, row, name, found=raw_value, error=err)
                ok = False
        mode = values.get("mode", "all_or_nothing")
        if ok and mode in ("deduct", "fixed") and "deduct" not in values:
            reader._add(
                sheet, row, "deduct", message=f"计分方式为{mode}时须填写扣分", expected="数字"
            )
            ok = False
        if ok and mode == "deduct" and values.get("step", 1.0) <= 0:
            reader._add(sheet, row, "step", found=cell.get("step"), expected="大于 0 的数")
            ok = False
        if key in seen:
            reader._add(
                sheet,
                row,
                "indicator",
                found=key_raw,
                message=f"与第 {seen[key]} 行重复：同一指标只能有一行计分办法",
            )
            ok = False
        if not ok:
            continue
        seen[key] = row
        items.append(
            AssessmentItem(
                key=key,
                points=values.get("points"),
                mode=mode,
                step=values.get("step"),
                deduct=values.get("deduct"),
                veto=bool(values.get("veto", False)),
                weight=values.get("weight", 1.0),
                group=values.get("group"),
                split=values.get("split"),
                source=f"{sheet.raw.file}，工作表「{sheet.raw.name}」第 {row} 行",
            )
        )
    return items
