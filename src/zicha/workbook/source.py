"""Opening a workbook: an .xlsx file (read with calamine) or a folder of CSV files, into raw
sheets whose columns come out as text, ready to be parsed a whole column at a time.

Only the sheets zicha knows are read; an instructions sheet and any other sheet are ignored.
Row numbers are the spreadsheet's: the header is the first row that is not blank (row 1 in a
well-formed sheet) and data rows follow it; a CSV file is numbered the same way, one row per
record (a quoted cell may span lines).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from zicha.domain.errors import InputError, Problem, column_letters
from zicha.workbook.cell_notes import notes_reader
from zicha.workbook.cells import MERGED_MARK, is_blank, to_text
from zicha.workbook.sheets import (
    ORGUNITS,
    SHEETS,
    SheetSpec,
    match_header,
    sheet_for_name,
    sheet_like_name,
)

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
    #: merged ranges below the header: (first row, last row, first column, last column), rows as
    #: the spreadsheet numbers them, columns from 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: a large CSV file's data rows in batches, read from the file each time they are asked for
    #: (`height` is known once they have been read through)
    _stream: Callable[[], Iterator[pl.DataFrame]] | None = None
    #: the whole file's data rows, read as GB18030, where the stream found it was not UTF-8
    _fallback: Callable[[], pl.DataFrame] | None = None
    #: a streamed file's data rows as estimated from its size and the rows of its top
    _estimate: int = 0

    @property
    def streamed(self) -> bool:
        return self._stream is not None

    @property
    def expected_rows(self) -> int:
        """The data rows: counted where the sheet is in memory, estimated where it is streamed
        and not yet read through."""
        return self._estimate if self._stream is not None and not self.height else self.height

    def batches(self) -> Iterator[RawSheet]:
        """The sheet's data rows in batches, each a sheet of its own whose rows are numbered
        where they stand in the whole sheet: a streamed CSV file batch by batch, any other
        sheet as one batch. Raises `Restart` when a stream finds the file is not UTF-8 after
        some batches: the sheet then reads the whole file as GB18030, and must be read again."""
        if self._stream is None:
            yield self
            return
        offset = 0
        try:
            for frame in self._stream():
                yield RawSheet(
                    self.spec,
                    self.name,
                    self.file,
                    self.header,
                    self.header_row + offset,
                    frame.height,
                    _frame=frame,
                )
                offset += frame.height
        except _NotUtf8:
            assert self._fallback is not None
            self._frame = self._fallback()
            self.height = self._frame.height
            self._stream = None
            raise Restart from None

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
            texts = _column_text(self._rows or [], index, kind)
            if self.merged:
                _spread_merged(texts, self.merged, self.header_row + 1, index, kind)
            series = pl.Series("", texts, dtype=pl.String)
        self._cache[key] = series
        return series


#: kinds of column where a merged cell cannot stand for every row it covers: a number merged
#: over three rows would count three times
_NO_SPREAD = ("number", "points", "age", "order")


def _spread_merged(
    texts: list[str | None],
    merged: list[tuple[int, int, int, int]],
    first_data_row: int,
    index: int,
    kind: str,
) -> None:
    """What a merged cell shows stands for every row it covers (an org-unit code merged over the
    rows of that unit); in a column of figures that is refused, naming the range."""
    for top, bottom, left, right in merged:
        if not left <= index <= right:
            continue
        first = top - first_data_row
        value = texts[first] if index == left and 0 <= first < len(texts) else None
        for i in range(max(first, 0), min(bottom - first_data_row, len(texts) - 1) + 1):
            if i == first and index == left:
                continue
            if kind in _NO_SPREAD:
                texts[i] = f"{MERGED_MARK}{_range_name(top, bottom, left, right)}"
            else:
                texts[i] = value


def _range_name(top: int, bottom: int, left: int, right: int) -> str:
    """A1-style name of a range: rows as numbered, columns from 0.

    >>> _range_name(3, 5, 3, 3)
    'D3:D5'
    """
    return f"{column_letters(left)}{top}:{column_letters(right)}{bottom}"


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
    hidden: bool = False


@dataclass
class Source:
    """What a path holds: the known sheets by key (`values`, ...), in no particular order, and
    what the clerk should know about how they were chosen (a hidden copy left unread)."""

    path: Path
    display: str
    sheets: dict[str, SheetRef]
    notices: list[Problem] = field(default_factory=list)


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


def _choose(
    display: str, found: list[SheetRef]
) -> tuple[dict[str, SheetRef], list[Problem], list[Problem]]:
    """One sheet per key: a visible sheet wins over hidden ones, which are named in a notice; two
    visible candidates (数据 beside 数据 (2) or 数据表) are refused, since zicha cannot tell which
    one is current."""
    by_key: dict[str, list[SheetRef]] = {}
    for ref in found:
        by_key.setdefault(ref.spec.key, []).append(ref)
    chosen: dict[str, SheetRef] = {}
    problems: list[Problem] = []
    notices: list[Problem] = []
    for key, refs in by_key.items():
        visible = [r for r in refs if not r.hidden]
        pool = visible or refs
        if len(pool) > 1:
            names = "」和「".join(r.name for r in pool)
            state = "" if visible else "（都是隐藏的）"
            problems.append(
                Problem(
                    file=display,
                    message=f"「{names}」都是{refs[0].spec.names}工作表{state}，"
                    "无法判断哪一个是最新的；请删去旧的一个（或把它改名）",
                )
            )
            continue
        ref = pool[0]
        chosen[key] = ref
        for other in refs:
            if other is not ref:
                notices.append(
                    Problem(
                        file=display,
                        sheet=other.name,
                        message=f"隐藏的工作表「{other.name}」未读取，读取的是可见的「{ref.name}」",
                    )
                )
        if ref.hidden:
            message = f"工作表「{ref.name}」是隐藏的，已读取"
            notices.append(Problem(file=display, sheet=ref.name, message=message))
    return chosen, problems, notices


def _open_xlsx(path: Path) -> Source:
    from python_calamine import CalamineWorkbook, PasswordError, SheetVisibleEnum

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
    notes = notes_reader(path) if path.suffix.lower() in (".xlsx", ".xlsm") else None

    def loader(spec: SheetSpec, name: str) -> Callable[[], RawSheet]:
        def load() -> RawSheet:
            try:
                sheet = book.get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or []
            except Exception as err:
                raise InputError(
                    [Problem(file=display, sheet=name, message=f"工作表无法读取（{err}）")]
                ) from None
            if notes is not None:
                for (r, c), note in notes(name).items():
                    if r < len(rows) and c < len(rows[r]):
                        rows[r][c] = note  # type: ignore[call-overload]
            ranges = [(top + 1, bottom + 1, left, right) for (top, left), (bottom, right) in merged]
            return _raw_from_rows(spec, name, display, rows, ranges)

        return load

    hidden = {m.name for m in book.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
    found: list[SheetRef] = []
    for name in book.sheet_names:
        spec = sheet_for_name(name) or sheet_like_name(name)
        if spec is not None:
            found.append(SheetRef(spec, name, display, loader(spec, name), name in hidden))
    refs, problems, notices = _choose(display, found)
    if problems:
        raise InputError(problems)
    if not refs:
        raise InputError([_nothing_known(display, "工作表")])
    return Source(path, display, refs, notices)


#: how many rows from the top a header row is looked for (a title row or two may come first)
HEADER_SEARCH = 10


def _header_index(spec: SheetSpec, rows: Sequence[Sequence[object]], start: int) -> int:
    """The header row: the first of the top rows that names every required column, else the one
    that names the most (a title row above the header is passed over); `start` when none names
    any."""
    best, best_count = start, 0
    seen = 0
    for i in range(start, len(rows)):
        if seen >= HEADER_SEARCH:
            break
        if all(is_blank(c) for c in rows[i]):
            continue
        seen += 1
        match = match_header(spec, [_header_text(c) for c in rows[i]])
        if not match.missing:
            return i
        if len(match.index) > best_count:
            best, best_count = i, len(match.index)
    return best


def _raw_from_rows(
    spec: SheetSpec,
    name: str,
    file: str,
    rows: Sequence[Sequence[object]],
    merged: list[tuple[int, int, int, int]] | None = None,
) -> RawSheet:
    start = 0
    while start < len(rows) and all(is_blank(c) for c in rows[start]):
        start += 1
    if start == len(rows):
        return RawSheet(spec, name, file, [], 1, 0, _rows=[])
    start = _header_index(spec, rows, start)
    header = [_header_text(c) for c in rows[start]]
    data = rows[start + 1 :]
    below = [m for m in merged or [] if m[1] > start + 1]
    return RawSheet(spec, name, file, header, start + 1, len(data), _rows=data, merged=below)


def _header_text(cell: object) -> str:
    text = to_text(cell)
    return "" if text is None else text.strip()


def _open_folder(folder: Path) -> Source:
    display = folder.resolve().name or str(folder)
    found: list[SheetRef] = []
    for file in sorted(folder.iterdir()):
        if not file.is_file() or file.suffix.lower() != ".csv":
            continue
        spec = sheet_for_name(file.stem) or sheet_like_name(file.stem)
        if spec is None:
            continue
        shown = f"{display}/{file.name}"
        found.append(SheetRef(spec, file.stem, shown, _csv_loader(spec, file, shown)))
    refs, problems, _ = _choose(display, found)  # CSV files are never hidden
    if problems:
        raise InputError(problems)
    if not refs:
        raise InputError([_nothing_known(display, " CSV 文件")])
    return Source(folder, display, refs)


#: register CSV files from this size on are streamed in batches, not read whole
STREAM_BYTES = 4 << 20
#: bytes per block of a streamed CSV file (about 160,000 register rows)
BLOCK_BYTES = 6 << 20
#: bytes of the first block (at most BLOCK_BYTES): small, so that its rows are checked (the
#: slowest batch, where each distinct text is first parsed) while the next block is parsed,
#: not after a whole block's parse
FIRST_BLOCK_BYTES = 2 << 20
#: the top of a streamed file read to find its header row
_HEAD_BYTES = 256 << 10


def _csv_loader(spec: SheetSpec, file: Path, shown: str) -> Callable[[], RawSheet]:
    def body(frame: pl.DataFrame, streamed: bool = False, size: float = 0) -> RawSheet:
        start = 0
        for record in frame.iter_rows():
            if not all(is_blank(c) for c in record):
                break
            start += 1
        if start >= frame.height:
            return RawSheet(spec, file.stem, shown, [], 1, 0, _frame=frame.clear())
        start = _header_index(spec, frame.head(start + 4 * HEADER_SEARCH).rows(), start)
        header = [_header_text(c) for c in frame.row(start)]
        if streamed:
            width = frame.width
            # every column but the register number is a few texts repeated: read as categories
            ref = match_header(spec, header).index.get("ref")
            kinds: list[pl.DataType] = [
                pl.String() if i == ref else pl.Categorical() for i in range(width)
            ]
            return RawSheet(
                spec,
                file.stem,
                shown,
                header,
                start + 1,
                0,
                _stream=_csv_stream(file, shown, start + 1, kinds),
                _fallback=lambda: read_csv(file.read_bytes(), shown).slice(start + 1),
                _estimate=int(frame.height * size),
            )
        body = frame.slice(start + 1)
        return RawSheet(spec, file.stem, shown, header, start + 1, body.height, _frame=body)

    def load() -> RawSheet:
        if spec.key in ("births", "deaths") and file.stat().st_size >= STREAM_BYTES:
            with file.open("rb") as f:
                head = f.read(_HEAD_BYTES)
            head = head[: head.rfind(b"\n") + 1] or head
            if head.startswith(codecs.BOM_UTF8):
                head = head[len(codecs.BOM_UTF8) :]
            try:
                frame = _polars_csv(head, shown)
            except _NotUtf8:
                pass  # read whole below, as GB18030
            else:
                if frame.height > 4 * HEADER_SEARCH:
                    # (the file's size in tops: its rows are about this many times the top's)
                    return body(frame, streamed=True, size=file.stat().st_size / len(head))
        return body(read_csv(file.read_bytes(), shown))

    return load


def _csv_stream(
    file: Path, shown: str, skip: int, kinds: list[pl.DataType]
) -> Callable[[], Iterator[pl.DataFrame]]:
    """The data rows of a CSV file below its header, in batches of text columns: the file is
    read in blocks of whole records (a quoted cell may hold a line break: a block ends at a line
    break outside quotes), each parsed by polars on its own, so that no more than a block of
    the file is in memory at once."""
    with file.open("rb") as f:
        sep = separator(f.read(1 << 16))
    schema = {f"column_{i + 1}": kind for i, kind in enumerate(kinds)}

    def blocks() -> Iterator[tuple[bytes, int]]:
        """Blocks of whole records, with the rows to skip at the top of each. A block is read
        whole and cut after its last whole record (the cut its only copy); the next is read
        from the file where it ended, so that only the block yielded is held."""
        skip_rows = skip
        first = True
        with file.open("rb") as f:
            while True:
                start = f.tell()
                size = min(FIRST_BLOCK_BYTES, BLOCK_BYTES) if first else BLOCK_BYTES
                first = False
                while True:
                    block = f.read(size)
                    if len(block) < size:  # the end of the file
                        if block.strip():
                            yield block, skip_rows
                        return
                    end = _records_end(block)
                    if end:
                        break
                    size *= 2  # one record longer than a block: read it again, longer
                    f.seek(start)
                if end < len(block):
                    f.seek(start + end)
                    block = block[:end]
                yield block, skip_rows
                del block
                skip_rows = 0

    def stream() -> Iterator[pl.DataFrame]:
        # the next block is parsed (polars, without the interpreter's lock) while the caller
        # checks and counts this one
        with ThreadPoolExecutor(1) as pool:
            pending: Future[pl.DataFrame] | None = None
            for block, skip_rows in blocks():
                parsing = pool.submit(_polars_csv, block, shown, sep, skip_rows, schema)
                if pending is not None:
                    yield pending.result()
                pending = parsing
            if pending is not None:
                yield pending.result()

    return stream


def _records_end(block: bytes) -> int:
    r"""Where the last whole record of a block of CSV ends: just after its last line break that
    is outside quotes (0: none).

    >>> _records_end(b'a,b\n1,"x\ny"\n2,'), _records_end(b'1,"x\ny'), _records_end(b"1,2")
    (12, 0, 0)
    >>> _records_end(b"a,b\n1,2\n3"), _records_end(b"a,b")
    (8, 0)
    """
    end = block.rfind(b"\n")
    if b'"' not in block:  # (most registers quote nothing: no quotes to count, 25 × faster)
        return end + 1
    while end >= 0:
        if block.count(b'"', 0, end) % 2 == 0:
            return end + 1
        end = block.rfind(b"\n", 0, end)
    return 0


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


class Restart(Exception):
    """A streamed sheet turned out not to be UTF-8: it is read again, as GB18030."""


def separator(data: bytes) -> str:
    r"""The field separator of CSV bytes: a comma, unless the first line that holds anything has
    none and has semicolons (what Excel saves where the decimal sign is a comma) or tabs.

    >>> separator(b"a;b;c\r\n1;2;3"), separator(b"a,b\n"), separator(b"a\tb\n")
    (';', ',', '\t')
    """
    for line in data[: 1 << 16].splitlines()[:20]:
        if not line.strip():
            continue
        if b"," in line:
            return ","
        if b";" in line:
            return ";"
        if b"\t" in line:
            return "\t"
        return ","
    return ","


def _polars_csv(
    data: bytes,
    shown: str,
    sep: str | None = None,
    skip_rows: int = 0,
    schema: dict[str, pl.DataType] | None = None,
) -> pl.DataFrame:
    """CSV bytes as a frame, every column text (or as `schema` says), no header row."""
    try:
        return pl.read_csv(
            data,
            has_header=False,
            infer_schema=False,
            schema=schema,
            skip_rows=skip_rows,
            truncate_ragged_lines=True,
            raise_if_empty=False,
            separator=sep or separator(data),
        )
    except Exception as err:
        text = str(err).strip()
        if "utf-8" in text.lower() or "utf8" in text.lower():
            raise _NotUtf8 from None
        first = text.splitlines()[0] if text else type(err).__name__
        raise InputError([Problem(file=shown, message=f"CSV 文件无法读取（{first}）")]) from None


def _nothing_known(display: str, what: str) -> Problem:
    data = "、".join(s.names for s in SHEETS if s.key in ("values", "births", "deaths"))
    return Problem(
        file=display,
        message=f"没有可识别的{what}：应至少有{ORGUNITS.names}，以及{data}之一",
    )
