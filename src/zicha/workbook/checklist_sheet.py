"""Reading the `checklist` sheet (检查事项, CONTRACT §6): checked items and their rectification.

What cannot be used (an unknown org unit, a period or date that cannot be read, a result that is
not one of the four) is a problem naming file, sheet, row and column; what can be read but is
wrong (a 未达标 item without a problem or an action, a rectification closed after its deadline)
is left to the engine's findings.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from zicha.domain.checklist import RESULTS, ChecklistItem, Result
from zicha.workbook import cells
from zicha.workbook.cells import CellError, is_blank
from zicha.workbook.sheets import CHECKLIST

if TYPE_CHECKING:
    from zicha.workbook.reader import SheetReader

RESULTS_SHOWN = "、".join(RESULTS) + " 之一"


def parse_result(value: object) -> Result:
    """A check result: 达标, 未达标, 推进中 or 未启动 (spaces, also full-width, ignored).

    >>> parse_result(" 未 达标 ")
    '未达标'
    """
    text = "".join(unicodedata.normalize("NFKC", cells.parse_text(value)).split())
    if text not in RESULTS:
        raise CellError(RESULTS_SHOWN, "不是可用的检查结果")
    return text


def read_checklist(reader: SheetReader) -> list[ChecklistItem]:
    """Every filled row of the checklist sheet, in sheet order (none when there is no sheet)."""
    from zicha.workbook.reader import records

    sheet = reader.sheets.get("checklist")
    if sheet is None:
        return []
    keys = [c.key for c in CHECKLIST.columns]
    parsers: dict[str, Callable[[object], Any]] = {
        "orgunit": reader.code_parser(),
        "period": reader.parse_period,
        "item": cells.parse_text,
        "requirement": cells.parse_text,
        "result": parse_result,
        "problem": cells.parse_text,
        "action": cells.parse_text,
        "owner": cells.parse_text,
        "deadline": cells.parse_date,
        "closed": cells.parse_flag,
        "closed_on": cells.parse_date,
        "points": cells.parse_points,
    }
    required = [c.key for c in CHECKLIST.columns if c.required]
    items: list[ChecklistItem] = []
    for row, *raw in records(sheet, *keys):
        cell = dict(zip(keys, raw, strict=True))
        values: dict[str, Any] = {}
        ok = True
        for key in keys:
            value = cell[key]
            if is_blank(value):
                if key in required:
                    expected = (
                        RESULTS_SHOWN
                        if key == "result"
                        else cells.EXPECTED.get(CHECKLIST.column(key).kind)
                    )
                    reader._add(sheet, row, key, message="单元格为空", expected=expected)
                    ok = False
                continue
            try:
                values[key] = parsers[key](value)
            except CellError as err:
                reader._add(sheet, row, key, found=value, error=err)
                ok = False
        if not ok:
            continue
        closed = values.get("closed")
        if closed is None and "closed_on" in values:
            closed = True  # a completion date says the rectification is done
        items.append(
            ChecklistItem(
                org_unit=values["orgunit"],
                period=values["period"],
                item=values["item"],
                requirement=values.get("requirement", ""),
                result=values["result"],
                problem=values.get("problem", ""),
                action=values.get("action", ""),
                owner=values.get("owner", ""),
                deadline=values.get("deadline"),
                closed=closed,
                closed_on=values.get("closed_on"),
                points=values.get("points"),
                row=row,
            )
        )
    return items
