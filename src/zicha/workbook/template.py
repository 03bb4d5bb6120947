"""An empty workbook for a pack, ready for a clerk: an instructions sheet, every sheet of the
workbook format with Chinese headers, drop-downs fed by the pack, and a list of its data elements.

Nothing here is specific to one pack: names, units and lists all come from the `Pack`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from zicha.domain.pack import Pack
from zicha.workbook.cells import EXPECTED
from zicha.workbook.sheets import (
    ELEMENTS_SHEET,
    INSTRUCTIONS_SHEET,
    META_KEYS,
    OPTIONS_SHEET,
    ORG_KINDS,
    SHEETS,
    ColumnSpec,
    SheetSpec,
)

#: rows that carry drop-downs and formats (the rest of the sheet is left alone)
_ROWS = 100_000
_LAST_ROW = _ROWS  # zero-based last row index covered by validations

_WIDTH = {
    "code": 14,
    "period": 12,
    "number": 12,
    "date": 13,
    "sex": 8,
    "flag": 8,
    "order": 8,
    "age": 8,
    "points": 8,
    "text": 16,
}
_WIDE = {("values", "element"): 26, ("values", "comment"): 40, ("orgunits", "name"): 24}
_WIDE.update({("targets", "indicator"): 26, ("meta", "value"): 70, ("narrative", "text"): 100})
_WIDE.update({("meta", "key"): 14, ("narrative", "section"): 18, ("targets", "target"): 12})
_WIDE.update({("checklist", k): 30 for k in ("item", "requirement", "problem", "action")})
_WIDE.update({("checklist", "owner"): 16, ("checklist", "result"): 10})

_FORMS = (
    (
        "期间",
        "2024（年）、2024S1（上半年）、2024Q1（季度）、202401 或 2024-01（月）、"
        "2023Oct（10月起的统计年度）、2023OctS1（统计年度上半年）、2023-10-01/2024-03-31（任意时段）。"
        "期间列已设为文本格式，请直接输入。",
    ),
    ("日期", "2024-03-05、2024/3/5、2024年3月5日，或 Excel 日期。"),
    ("性别", "男/女，也可填 M/F 或 1/2（1 男 2 女）。"),
    ("是否", "是/否，也可填 Y/N、true/false、1/0。"),
    (
        "目标值",
        "<=510 或 ≤510（上限）、>=85 或 ≥85%（下限）、<5、=0，区间 105-107 或 105～107；"
        "数字按指标自身的单位（85 即 85%）。",
    ),
    ("数值", "按数据项的单位填写数字，不带 % 号；没有数据的不要填行，空白不等于 0。"),
    ("代码", "单位代码按文本填写，开头的 0 会保留。"),
)


def write_template(pack: Pack, path: Path) -> None:
    """Write an empty workbook for `pack` to `path` (.xlsx).

    The reader accepts what the template produces: Chinese sheet names and headers, the meta
    sheet prefilled with the pack's id.
    """
    book = xlsxwriter.Workbook(str(path))
    try:
        _Template(book, pack).write()
    finally:
        book.close()


class _Template:
    def __init__(self, book: xlsxwriter.Workbook, pack: Pack) -> None:
        self.book = book
        self.pack = pack
        self.bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.text = book.add_format({"num_format": "@"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.options: dict[str, str] = {}

    def write(self) -> None:
        instructions = self.book.add_worksheet(INSTRUCTIONS_SHEET)
        sheets = {spec.key: self.book.add_worksheet(spec.zh) for spec in SHEETS}
        elements = self.book.add_worksheet(ELEMENTS_SHEET)
        options = self.book.add_worksheet(OPTIONS_SHEET)
        self._options(options)
        self._instructions(instructions)
        for spec in SHEETS:
            self._data_sheet(sheets[spec.key], spec)
        self._elements(elements)
        instructions.activate()

    # -- the hidden sheet of drop-down lists ---------------------------------------------------

    def _options(self, ws: Worksheet) -> None:
        lists = {
            "element": [e.name for e in self.pack.elements.values()]
            + [i.name for i in self.pack.indicators.values()],
            "indicator": [i.name for i in self.pack.indicators.values()],
        }
        for col, (name, items) in enumerate(lists.items()):
            ws.write(0, col, {"element": "数据项", "indicator": "指标"}[name], self.bold)
            for row, item in enumerate(items, start=1):
                ws.write_string(row, col, item)
            letter = chr(ord("A") + col)
            last = max(len(items), 1) + 1
            self.options[name] = f"='{OPTIONS_SHEET}'!${letter}$2:${letter}${last}"
        ws.hide()

    # -- instructions --------------------------------------------------------------------------

    def _instructions(self, ws: Worksheet) -> None:
        pack = self.pack
        ws.set_column(0, 0, 16)
        ws.set_column(1, 1, 100, self.wrap)
        ws.write(0, 0, f"{pack.name}数据填报模板（业务包 {pack.id}）", self.title)
        row = 2
        if pack.description:
            ws.write(row, 0, "业务包说明", self.bold)
            ws.write(row, 1, pack.description)
            row += 2
        ws.write(row, 0, "工作表", self.bold)
        ws.write(row, 1, "用途与各列", self.bold)
        row += 1
        for spec in SHEETS:
            ws.write(row, 0, spec.zh)
            ws.write(row, 1, self._purpose(spec))
            row += 1
        ws.write(row, 0, ELEMENTS_SHEET)
        ws.write(row, 1, "本业务包的全部数据项（代码、名称、单位、存量或流量）和指标，仅供查阅。")
        row += 2
        ws.write(row, 0, "填写格式", self.bold)
        row += 1
        for name, text in _FORMS:
            ws.write(row, 0, name)
            ws.write(row, 1, text)
            row += 1
        row += 1
        ws.write(row, 0, "注意", self.bold)
        english = "、".join(spec.key for spec in SHEETS)
        ws.write(
            row,
            1,
            f"工作表名和列名请勿修改（也可用英文名 {english}）。"
            "读入时会检查全部内容，有错误会指明文件、工作表、行和列，改正后重新读入即可。",
        )

    def _purpose(self, spec: SheetSpec) -> str:
        columns = "；".join(_describe(c) for c in spec.columns)
        text = f"{spec.purpose}\n各列：{columns}。"
        register = self.pack.registers.get(spec.key)
        if register is not None:
            names = "、".join(
                self.pack.elements[e.element].name if e.element in self.pack.elements else e.element
                for e in register.elements
            )
            text += f"\n本业务包由此汇总：{names}。"
        if spec.key == "meta":
            keys = "、".join(META_KEYS.values())
            text += f"\n项目可填：{keys}；「业务包」已填好，请勿改动。"
        return text

    # -- the data sheets -----------------------------------------------------------------------

    def _data_sheet(self, ws: Worksheet, spec: SheetSpec) -> None:
        for col, column in enumerate(spec.columns):
            width = _WIDE.get((spec.key, column.key), _WIDTH.get(column.kind, 14))
            fmt = None
            if column.kind in ("code", "period"):
                fmt = self.text
            elif column.kind == "date":
                fmt = self.date
            elif spec.key == "narrative" and column.key == "text":
                fmt = self.wrap
            ws.set_column(col, col, width, fmt)
            ws.write_string(0, col, column.zh, self.bold)
            ws.write_comment(0, col, _describe(column), {"x_scale": 2, "y_scale": 1.2})
            self._validation(ws, spec, column, col)
        ws.freeze_panes(1, 0)
        if spec.key == "meta":
            self._meta(ws)

    def _validation(self, ws: Worksheet, spec: SheetSpec, column: ColumnSpec, col: int) -> None:
        options: dict[str, Any] | None = None
        where = (spec.key, column.key)
        if column.choices:
            options = {"source": list(column.choices)}
        elif where == ("values", "element"):
            options = {"source": self.options["element"]}
        elif where in (("targets", "indicator"), ("assessment", "indicator")):
            options = {"source": self.options["indicator"]}
        elif where == ("assessment", "mode"):
            options = {"source": ["达标得分", "按差距扣分", "按比例得分", "固定扣分"]}
        elif column.kind == "sex":
            options = {"source": ["男", "女"]}
        elif column.kind == "flag":
            options = {"source": ["是", "否"]}
        elif where == ("orgunits", "kind"):
            options = {"source": list(ORG_KINDS)}
        elif where == ("meta", "key"):
            options = {"source": list(META_KEYS.values())}
        if options is None:
            return
        ws.data_validation(
            1,
            col,
            _LAST_ROW,
            col,
            {
                "validate": "list",
                **options,
                # a warning, not a stop: the reader also takes ids and the other spellings
                "error_type": "warning",
                "error_title": column.zh,
                "error_message": f"应为{_expected(column)}；确定要填这个值吗？",
            },
        )

    def _meta(self, ws: Worksheet) -> None:
        for row, (key, zh) in enumerate(META_KEYS.items(), start=1):
            ws.write_string(row, 0, zh)
            if key == "pack":
                ws.write_string(row, 1, self.pack.id)

    # -- the list of data elements ---------------------------------------------------------------

    def _elements(self, ws: Worksheet) -> None:
        headers = ("代码", "名称", "单位", "存量/流量", "说明")
        for col, (name, width) in enumerate(zip(headers, (28, 28, 10, 16, 60), strict=True)):
            ws.set_column(col, col, width)
            ws.write_string(0, col, name, self.bold)
        row = 1
        for element in self.pack.elements.values():
            kind = "存量（期末数）" if element.is_stock else "流量（期内累计）"
            for col, text in enumerate(
                (element.id, element.name, element.unit, kind, element.description)
            ):
                ws.write_string(row, col, text)
            row += 1
        if self.pack.indicators:
            row += 1
            for col, title in enumerate(("指标代码", "指标名称", "单位", "", "说明")):
                ws.write_string(row, col, title, self.bold)
            row += 1
            for ind in self.pack.indicators.values():
                for col, text in enumerate((ind.id, ind.name, ind.unit, "", ind.description)):
                    ws.write_string(row, col, text)
                row += 1
        ws.freeze_panes(1, 0)


_HINTS = {
    "element": "数据项名称（下拉选择）或代码；也可填指标名称，作为原报告所述数字",
    "indicator": "指标名称（下拉选择）或代码",
    "target": "如 <=510、>=85、105～107",
    "comment": "说明数字的来历",
    "ref": "登记编号，不能重复",
    "section": "报告中的部分，如 工作措施；留空表示接上一行",
    "key": "下拉选择",
    "parent": "上级单位的代码；最上级单位留空",
}


def _expected(column: ColumnSpec) -> str:
    if column.choices:
        return "、".join(column.choices) + " 之一"
    return EXPECTED.get(column.kind, "下拉列表中的一项")


def _describe(column: ColumnSpec) -> str:
    need = "必填" if column.required and not column.blank_ok else "可留空"
    expected = _HINTS.get(column.key) or (_expected(column) if column.choices else None)
    expected = expected or EXPECTED.get(column.kind, "文字")
    return f"{column.zh}（{column.key}，{need}）：{expected}"
