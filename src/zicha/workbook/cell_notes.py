"""What calamine does not say about an .xlsx cell, read from the file's XML: a formula and whether
it has a computed result, an error value (#DIV/0!), a percent number format.

calamine gives a formula cell's cached result (nothing when a program wrote the formula without
computing it) and an error cell as an empty string; a cell formatted as a percentage is its bare
fraction (0.854 for what the clerk sees and typed as 85.4%). Each of these would be read as
something other than what the clerk sees, so the few cells concerned are replaced, before the
column is parsed, by a `Formula`, an error text or a `Percent` (see `zicha.workbook.cells`).

Only sheet XML below `MAX_SCAN_BYTES` (16 MB: a register of some 70,000 rows) is looked at, and
only when it holds a formula, an error or a cell in a percent style at all (a byte search, no
parsing): a large register is not read twice.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from xml.etree.ElementTree import iterparse

from zicha.workbook.cells import Formula, Percent

#: sheet XML larger than this (uncompressed) is not inspected
MAX_SCAN_BYTES = 16 * 1024 * 1024

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: built-in number formats that show a percentage
_PERCENT_FORMATS = frozenset({9, 10})
_QUOTED = re.compile(r'"[^"]*"|\\.')
_REF = re.compile(r"([A-Z]+)([0-9]+)")

Notes = dict[tuple[int, int], object]


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _percent_styles(book: zipfile.ZipFile) -> frozenset[int]:
    """Indices of the cell styles (`s` attribute) whose number format shows a percentage."""
    try:
        data = book.read("xl/styles.xml")
    except KeyError:
        return frozenset()
    custom: dict[int, str] = {}
    styles: list[int] = []
    in_cell_xfs = False
    for event, elem in iterparse(BytesIO(data), events=("start", "end")):
        if elem.tag == f"{_MAIN}numFmt" and event == "end":
            custom[int(elem.get("numFmtId", "0"))] = elem.get("formatCode", "")
        elif elem.tag == f"{_MAIN}cellXfs":
            in_cell_xfs = event == "start"
        elif elem.tag == f"{_MAIN}xf" and event == "end" and in_cell_xfs:
            styles.append(int(elem.get("numFmtId", "0")))
    percent = set()
    for index, fmt_id in enumerate(styles):
        code = custom.get(fmt_id)
        if fmt_id in _PERCENT_FORMATS or (code is not None and "%" in _QUOTED.sub("", code)):
            percent.add(index)
    return frozenset(percent)


def _sheet_paths(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the path of its XML inside the package."""
    try:
        workbook = book.read("xl/workbook.xml")
        rels = book.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets: dict[str, str] = {}
    for _, elem in iterparse(BytesIO(rels)):
        if elem.tag == f"{_PKG_REL}Relationship":
            target = elem.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            targets[elem.get("Id", "")] = posixpath.normpath(path)
    paths: dict[str, str] = {}
    for _, elem in iterparse(BytesIO(workbook)):
        if elem.tag == f"{_MAIN}sheet":
            rid = elem.get(f"{_REL}id", "")
            if rid in targets:
                paths[elem.get("name", "")] = targets[rid]
    return paths


def _scan(data: bytes, percent: frozenset[int]) -> Notes:
    wanted = [f' s="{i}"'.encode() for i in percent]
    if b"<f" not in data and b't="e"' not in data and not any(w in data for w in wanted):
        return {}
    notes: Notes = {}
    row = -1
    col = -1
    for _, elem in iterparse(BytesIO(data), events=("end",)):
        tag = elem.tag
        if tag == f"{_MAIN}c":
            ref = elem.get("r")
            found = _REF.fullmatch(ref) if ref else None
            if found is not None:
                row, col = int(found[2]) - 1, _column_index(found[1])
            else:
                col += 1
            formula = elem.find(f"{_MAIN}f")
            value = elem.find(f"{_MAIN}v")
            text = value.text if value is not None else None
            kind = elem.get("t")
            if kind == "e":
                notes[(row, col)] = (text or "#VALUE!").strip()
            elif formula is not None and (text is None or text == ""):
                notes[(row, col)] = Formula(formula.text or "")
            elif formula is not None and kind in (None, "n") and text is not None:
                notes[(row, col)] = Formula(formula.text or "", float(text))
            elif kind in (None, "n") and text and int(elem.get("s", "0")) in percent:
                notes[(row, col)] = Percent(float(text))
            elem.clear()
        elif tag == f"{_MAIN}row":
            r = elem.get("r")
            if r is not None:
                row = int(r) - 1
            col = -1
            elem.clear()
    return notes


def notes_reader(path: Path) -> Callable[[str], Notes]:
    """A function giving, for a sheet name, the cells to replace: (row, column) from 0, as
    calamine numbers them without skipping empty rows; {} when there is nothing to say."""
    try:
        book = zipfile.ZipFile(path)
        paths = _sheet_paths(book)
        percent = _percent_styles(book)
    except (zipfile.BadZipFile, OSError, SyntaxError, ValueError):
        return lambda _name: {}

    def notes(name: str) -> Notes:
        member = paths.get(name)
        if member is None:
            return {}
        try:
            info = book.getinfo(member)
            if info.file_size > MAX_SCAN_BYTES:
                return {}
            return _scan(book.read(member), percent)
        except (KeyError, zipfile.BadZipFile, OSError, SyntaxError, ValueError):
            return {}  # calamine reads what it can; these notes only sharpen messages

    return notes
