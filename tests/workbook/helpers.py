"""Small workbooks for the reader's tests, written into tmp_path: .xlsx with typed cells
(xlsxwriter) or a folder of CSV files in a chosen encoding."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter

from zicha.domain.errors import InputError, Problem
from zicha.domain.pack import DataElement, Indicator, Pack

Rows = Sequence[Sequence[object]]


def tiny_pack() -> Pack:
    """Population (a stock), births, deaths; one indicator, the birth rate."""
    elements = {
        e.id: e
        for e in (
            DataElement("population", "总人口", "人", "last"),
            DataElement("births", "出生人数", "人"),
            DataElement("births_male", "出生男婴数", "人"),
            DataElement("deaths", "死亡人数", "人"),
        )
    }
    indicators = {
        "birth_rate": Indicator(
            "birth_rate", "出生率", "‰", "births", "population", 1000, 2, "rate"
        ),
        "births_total": Indicator("births_total", "出生总数", "人", "births"),
    }
    return Pack("tiny", "小测试", elements=elements, indicators=indicators)


def resolver(pack: Pack | None = None) -> Callable[[str | None], Pack]:
    """A resolver knowing one pack: None or its id give it, anything else is unknown."""
    known = pack or tiny_pack()

    def resolve(pack_id: str | None) -> Pack:
        if pack_id is None or pack_id == known.id:
            return known
        raise InputError([Problem(message=f"未知的业务包「{pack_id}」")])

    return resolve


#: a minimal good workbook (Chinese names): a county, a township, one value
ORGS: Rows = [
    ["代码", "名称", "上级代码", "类型"],
    ["510000", "XX县", None, "县"],
    ["510001", "XX乡", "510000", "乡镇"],
]
VALUES: Rows = [
    ["单位代码", "期间", "数据项", "数值", "备注"],
    ["510001", "202401", "births", 3, None],
]


def base(**sheets: Rows) -> dict[str, Rows]:
    """The minimal workbook with some sheets replaced or added (keyword = sheet name)."""
    out: dict[str, Rows] = {"组织机构": ORGS, "数据": VALUES}
    out.update(sheets)
    return out


def write_xlsx(path: Path, sheets: dict[str, Rows]) -> Path:
    """An .xlsx whose cells keep their Python types: text, numbers, booleans, dates."""
    book = xlsxwriter.Workbook(str(path))
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                if isinstance(cell, bool):
                    ws.write_boolean(r, c, cell)
                elif isinstance(cell, int | float):
                    ws.write_number(r, c, cell)
                elif isinstance(cell, datetime):
                    ws.write_datetime(r, c, cell, day)
                elif isinstance(cell, date):
                    ws.write_datetime(r, c, datetime(cell.year, cell.month, cell.day), day)
                else:
                    ws.write_string(r, c, str(cell))
    book.close()
    return path


def csv_text(rows: Rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    return out.getvalue()


def write_csv(folder: Path, sheets: dict[str, Rows], encoding: str = "utf-8") -> Path:
    """A folder of CSV files named after the sheets; `utf-8-sig` writes a BOM."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        (folder / f"{name}.csv").write_bytes(csv_text(rows).encode(encoding))
    return folder


def problems_of(excinfo: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def one_problem(excinfo: pytest.ExceptionInfo[InputError], *parts: str) -> str:
    """The single problem mentioning every part (fails, showing all problems, otherwise)."""
    found = [p for p in problems_of(excinfo) if all(part in p for part in parts)]
    assert len(found) == 1, (parts, problems_of(excinfo))
    return found[0]
