"""Writing raw sheets (rows of text) into an .xlsx a clerk can open: numbers as numbers, codes and
periods as text so that leading zeros survive."""

from __future__ import annotations

import csv
from pathlib import Path

import xlsxwriter

from zicha.workbook.sheets import normalize_name

#: headers whose cells are numbers (English and Chinese)
NUMERIC_HEADERS = {
    normalize_name(h) for h in ("value", "数值", "points", "分值", "order", "孩次", "age", "年龄")
}


def read_csv_folder(folder: Path) -> dict[str, list[list[str]]]:
    """The CSV files of a folder as raw sheets, named after the files (UTF-8)."""
    sheets: dict[str, list[list[str]]] = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            sheets[path.stem] = [row for row in csv.reader(f)]
    return sheets


def write_raw_workbook(sheets: dict[str, list[list[str]]], path: Path, order: list[str]) -> None:
    """Write raw sheets to `path`, in `order` first (sheet names as given)."""
    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({"num_format": "@", "text_wrap": False, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    names = [n for n in order if n in sheets] + [n for n in sheets if n not in order]
    for name in names:
        rows = sheets[name]
        sheet = book.add_worksheet(name)
        if not rows:
            continue
        header = rows[0]
        numeric = [normalize_name(h) in NUMERIC_HEADERS for h in header]
        widths = [max(8, len(h) * 2 + 2) for h in header]
        for c, h in enumerate(header):
            sheet.write_string(0, c, h, bold)
        for r, row in enumerate(rows[1:], start=1):
            for c, cell in enumerate(row):
                if cell == "":
                    continue
                if c < len(numeric) and numeric[c]:
                    try:
                        sheet.write_number(r, c, float(cell))
                        continue
                    except ValueError:
                        pass
                long = len(cell) > 60
                sheet.write_string(r, c, cell, wrap if long else text)
                widths[c] = min(80, max(widths[c], len(cell.encode("gbk", "replace")) + 2))
        for c, w in enumerate(widths):
            sheet.set_column(c, c, w)
        sheet.freeze_panes(1, 0)
    book.close()
