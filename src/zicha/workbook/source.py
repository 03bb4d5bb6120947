"""Opening a workbook: an .xlsx file (read with calamine) or a folder of CSV files, into raw
sheets whose columns come out as text, ready to be parsed a whole column at a time.

Only the sheets zicha knows are read; an instructions sheet and any other sheet are ignored.
Row numbers are the spreadsheet's: the header is the first row that is not blank (row 1 in a
well-formed sheet) and data rows follow it; a CSV file is numbered the same way, one row per
record (a quoted cell may span lines).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from zicha.domain.errors import InputError, Problem
from zicha.workbook.cells import is_blank, to_text
from zicha.workbook.sheets import ORGUNITS, SHEETS, SheetSpec, sheet_for_name

XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


@dataclass
class RawSheet:
    """One sheet as found: its header row and its data rows, columns served as text.

    `text(index, kind)` gives a column as a polars String series (null or blank text where the
    cell is empty), one entry per data row; `rows()` the spreadsheet row number of each.
    """

    spec: SheetSpec
    name: str
    file: str
    header: list[str]
    header_row: int
    height: int
    _rows: Sequence[Sequence[object]] | None = None
    _frame: pl.DataFrame | None = None
    _cache: dict[tuple[int, str], pl.Series] = field(default_factory=dict, repr=False)

    @property
    def empty(self) -> bool:
        """No header at all: the sheet is blank."""
        return not any(self.header)

    def rows(self) -> pl.Series:
        first = self.header_row + 1
        return pl.int_range(first, first + self.height, dtype=pl.Int64, eager=True).alias("row")

    def text(self, index: int | None, kind: str = "text") -> pl.Series:
        if index is None:
            return pl.Series("", [None] * self.height, dtype=pl.String)
        key = (index, kind)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if self._frame is not None:
            if index < self._frame.width:
                series = self._frame.to_series(index)
            else:
                series = pl.Series("", [None] * self.height, dtype=pl.String)
        else:
            series = pl.Series("", _column_text(self._rows or [], index, kind), dtype=pl.String)
        self._cache[key] = series
        return series


def _column_text(rows: Sequence[Sequence[Any]], j: int, kind: str) -> list[str | None]:
    """A column of typed calamine cells as text. Text cells (most of them) pass untouched, and
    the common typed cells (a date in a date column, a whole number elsewhere) are converted
    inline; the rest go through `to_text`. This loop is the cost of reading .xlsx beyond
    calamine's own, so it avoids a function call per cell."""

    # a register holds few distinct typed cells (365 dates, four birth orders): each is
    # converted once, keyed by its type too (True, 1 and 1.0 hash alike)
    seen: dict[tuple[type, object], str | None] = {}

    def conv(c: object) -> str | None:
        return to_text(c, kind)

    def once(t: type, c: Any) -> str | None:
        text = c.isoformat() if t is date and kind == "date" else None
        if text is None:
            if (
                kind != "date"
                and kind != "period"
                and t is float
                and c.is_integer()
                and (-1e15 < c < 1e15)
            ):
                text = str(int(c))
            else:
                text = conv(c)
        seen[(t, c)] = text
        return text

    return [
        c
        if (t := (c := r[j]).__class__) is str
        else seen[k]
        if (k := (t, c)) in seen
        else once(t, c)
        for r in rows
    ]


@dataclass
class SheetRef:
    """A sheet zicha knows, found in the source but not read yet."""

    spec: SheetSpec
    name: str
    file: str
    load: Callable[[], RawSheet]


@dataclass
class Source:
    """What a path holds: the known sheets by key (`values`, ...), in no particular order."""

    path: Path
    display: str
    sheets: dict[str, SheetRef]


def open_source(path: Path) -> Source:
    """Open an .xlsx file or a folder of CSV files; InputError when it is neither, or holds no
    sheet zicha knows."""
    display = path.name or str(path)
    if not path.exists():
        raise InputError([Problem(file=str(path), message="文件或文件夹不存在")])
    if path.is_dir():
        return _open_folder(path)
    if path.suffix.lower() == ".csv":
        raise InputError(
            [
                Problem(
                    file=display,
                    message="请给出 .xlsx 工作簿，或装有 CSV 文件（orgunits.csv、values.csv 等）"
                    "的文件夹，而不是单个 CSV 文件",
                )
            ]
        )
    return _open_xlsx(path)


def _open_xlsx(path: Path) -> Source:
    from python_calamine import CalamineWorkbook, PasswordError

    display = path.name
    try:
        book = CalamineWorkbook.from_path(str(path))
    except PasswordError:
        raise InputError(
            [Problem(file=display, message="工作簿设有密码，请另存为不加密的 .xlsx 文件")]
        ) from None
    except Exception:
        hint = "" if path.suffix.lower() in XLSX_SUFFIXES else f"（扩展名是「{path.suffix}」）"
        raise InputError(
            [Problem(file=display, message=f"不是 Excel 工作簿{hint}，无法打开；应为 .xlsx 文件")]
        ) from None

    def loader(spec: SheetSpec, name: str) -> Callable[[], RawSheet]:
        def load() -> RawSheet:
            try:
                rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as err:
                raise InputError(
                    [Problem(file=display, sheet=name, message=f"工作表无法读取（{err}）")]
                ) from None
            return _raw_from_rows(spec, name, display, rows)

        return load

    refs: dict[str, SheetRef] = {}
    problems: list[Problem] = []
    for name in book.sheet_names:
        spec = sheet_for_name(name)
        if spec is None:
            continue
        if spec.key in refs:
            problems.append(_twice(display, spec, refs[spec.key].name, name))
            continue
        refs[spec.key] = SheetRef(spec, name, display, loader(spec, name))
    if problems:
        raise InputError(problems)
    if not refs:
        raise InputError([_nothing_known(display, "工作表")])
    return Source(path, display, refs)


def _raw_from_rows(
    spec: SheetSpec, name: str, file: str, rows: Sequence[Sequence[object]]
) -> RawSheet:
    start = 0
    while start < len(rows) and all(is_blank(c) for c in rows[start]):
        start += 1
    if start == len(rows):
        return RawSheet(spec, name, file, [], 1, 0, _rows=[])
    header = [_header_text(c) for c in rows[start]]
    data = rows[start + 1 :]
    return RawSheet(spec, name, file, header, start + 1, len(data), _rows=data)


def _header_text(cell: object) -> str:
    text = to_text(cell)
    return "" if text is None else text.strip()


def _open_folder(folder: Path) -> Source:
    display = folder.resolve().name or str(folder)
    refs: dict[str, SheetRef] = {}
    problems: list[Problem] = []
    for file in sorted(folder.iterdir()):
        if not file.is_file() or file.suffix.lower() != ".csv":
            continue
        spec = sheet_for_name(file.stem)
        if spec is None:
            continue
        shown = f"{display}/{file.name}"
        if spec.key in refs:
            problems.append(_twice(display, spec, refs[spec.key].file, shown))
            continue
        refs[spec.key] = SheetRef(spec, file.stem, shown, _csv_loader(spec, file, shown))
    if problems:
        raise InputError(problems)
    if not refs:
        raise InputError([_nothing_known(display, " CSV 文件")])
    return Source(folder, display, refs)


def _csv_loader(spec: SheetSpec, file: Path, shown: str) -> Callable[[], RawSheet]:
    def load() -> RawSheet:
        frame = read_csv(file.read_bytes(), shown)
        start = 0
        for record in frame.iter_rows():
            if not all(is_blank(c) for c in record):
                break
            start += 1
        if start >= frame.height:
            return RawSheet(spec, file.stem, shown, [], 1, 0, _frame=frame.clear())
        header = [_header_text(c) for c in frame.row(start)]
        body = frame.slice(start + 1)
        return RawSheet(spec, file.stem, shown, header, start + 1, body.height, _frame=body)

    return load


def read_csv(data: bytes, shown: str = "") -> pl.DataFrame:
    r"""CSV bytes as a frame of text columns, the header row included. UTF-8 (with or without a
    BOM) is read as is; bytes that are not valid UTF-8 (polars checks every cell strictly) are
    taken as GB18030, which covers GBK and GB2312, what Excel on a Chinese Windows saves.

    >>> read_csv("代码,名称\n0101,乡\n".encode("gbk")).rows()
    [('代码', '名称'), ('0101', '乡')]
    >>> read_csv(codecs.BOM_UTF8 + "代码\n".encode()).rows()
    [('代码',)]
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        message = "文件是 UTF-16 编码，请另存为「CSV UTF-8」或「CSV（逗号分隔）」"
        raise InputError([Problem(file=shown, message=message)])
    try:
        return _polars_csv(data, shown)
    except _NotUtf8:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        message = "无法识别文件编码，应为 UTF-8 或 GBK/GB18030"
        raise InputError([Problem(file=shown, message=message)]) from None
    try:
        return _polars_csv(text.encode("utf-8"), shown)
    except _NotUtf8:  # cannot happen: the bytes were just encoded
        raise InputError([Problem(file=shown, message="CSV 文件无法读取")]) from None


class _NotUtf8(Exception):
    pass


def _polars_csv(data: bytes, shown: str) -> pl.DataFrame:
    try:
        return pl.read_csv(
            data,
            has_header=False,
            infer_schema=False,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except Exception as err:
        text = str(err).strip()
        if "utf-8" in text.lower() or "utf8" in text.lower():
            raise _NotUtf8 from None
        first = text.splitlines()[0] if text else type(err).__name__
        raise InputError([Problem(file=shown, message=f"CSV 文件无法读取（{first}）")]) from None


def _twice(display: str, spec: SheetSpec, first: str, second: str) -> Problem:
    return Problem(
        file=display,
        message=f"「{first}」和「{second}」都是{spec.names}工作表，只能保留一个",
    )


def _nothing_known(display: str, what: str) -> Problem:
    data = "、".join(s.names for s in SHEETS if s.key in ("values", "births", "deaths"))
    return Problem(
        file=display,
        message=f"没有可识别的{what}：应至少有{ORGUNITS.names}，以及{data}之一",
    )
