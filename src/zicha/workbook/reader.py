"""Reading a workbook into a checked `Dataset`, all or nothing.

Every sheet is read and every problem collected (up to `LIMIT`, then a count of the rest) before
anything is returned; one `InputError` carries them all, each naming file, sheet, row and column.

Columns are parsed a whole column at a time: the distinct texts of a column go through the cell
parsers of `zicha.workbook.cells` once each, and the results are spread back over the rows with
polars. A register of five million rows never becomes five million Python calls; Python builds
`Problem`s only for the first rows that are wrong.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from zicha.domain.errors import InputError, Problem, column_letters
from zicha.domain.finding import Finding
from zicha.domain.narrative import NarrativeSection
from zicha.domain.orgunit import OrgTree, OrgTreeError, OrgUnit
from zicha.domain.pack import Pack
from zicha.domain.period import Period
from zicha.domain.target import Target
from zicha.engine.coverage import reference_years
from zicha.engine.dataset import Dataset, Tallies
from zicha.engine.store import register_conditions
from zicha.workbook import cells
from zicha.workbook.assessment_sheet import read_assessment
from zicha.workbook.cells import (
    CellError,
    Parsed,
    is_blank,
)
from zicha.workbook.checklist_sheet import read_checklist
from zicha.workbook.registers import Register, RegisterReader, remembered
from zicha.workbook.sheets import (
    META_KEYS,
    ORGUNITS,
    SHEET_BY_KEY,
    SHEETS,
    HeaderMatch,
    SheetSpec,
    match_header,
    meta_key,
)
from zicha.workbook.source import RawSheet, open_source
from zicha.workbook.values_sheet import read_values

#: the register sheets are read at once where each is expected to hold this many rows or more
#: (below it, their blocks in flight together cost more memory than the time it saves)
TOGETHER_ROWS = 1_000_000
#: problems listed at most; the rest are counted in one last problem
LIMIT = 200

PackResolver = Callable[[str | None], Pack]
Progress = Callable[[str], None]


def read_workbook(
    path: str | Path,
    pack_resolver: PackResolver,
    progress: Progress | None = None,
    known: OrgTree | None = None,
    only: Collection[str] | None = None,
    rows: bool = False,
) -> Dataset:
    """Read and check an .xlsx workbook or a folder of CSV files (CONTRACT §1).

    `pack_resolver` turns the `pack` of the meta sheet into a Pack (None when the workbook
    names none: the resolver's default). `progress`, when given, is called with each sheet's
    name as it is read. `known` is the org tree already known (a server's): a workbook without
    an org-units sheet then refers to its units. `only` names the sheets wanted (by English
    key; the meta sheet is read too): others are left unread, and at least one of them must be
    there. `rows`: keep each register's rows (`Dataset.registers`, what a server stores one by
    one); without, a register is kept as its tally (`Dataset.tallies`: rows counted per unit,
    day and register element) and its rows dated outside every period of the data
    (`Dataset.strays`), which is all the engine needs, in memory that does not grow with the
    rows. Raises InputError listing every problem found.
    """
    path = Path(path)
    with _collector_paused():
        return SheetReader(path, pack_resolver, progress, known, only, rows).read()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a workbook is read. Reading makes many
    objects that live on (each distinct text parsed, remembered; the tallies), and collections
    of the oldest generation in the middle of it go through every object of the process
    (20–30 ms each) to find nothing to collect. Everything is freed as before when it is no
    longer referred to; a cycle made meanwhile is collected once the reading ends. (Not turned
    back on when it was off before, by its host.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------------
# problems


class Problems:
    """Problems in reading order (sheet, row, column), at most LIMIT of them kept."""

    def __init__(self) -> None:
        self.items: list[tuple[tuple[int, int, int, int], Problem]] = []
        self.unlisted = 0

    def add(self, problem: Problem, sheet: int = -1, row: int = 0, col: int = 0) -> None:
        self.items.append(((sheet, row, col, len(self.items)), problem))

    def __bool__(self) -> bool:
        return bool(self.items) or self.unlisted > 0

    def merge(self, other: Problems) -> None:
        """Take in the problems another collector found (a sheet read in a thread of its own)."""
        for (sheet, row, col, _), problem in other.items:
            self.add(problem, sheet, row, col)
        self.unlisted += other.unlisted

    def error(self, file: str) -> InputError:
        ordered = [p for _, p in sorted(self.items, key=lambda item: item[0])]
        more = len(ordered) - LIMIT + self.unlisted
        listed = ordered[:LIMIT]
        if more > 0:
            message = f"另有 {more} 处问题未列出；请先改正以上问题"
            listed.append(Problem(file=file, message=message))
        return InputError(listed)


@dataclass
class Sheet:
    """A sheet with its columns found."""

    raw: RawSheet
    match: HeaderMatch
    order: int

    @property
    def spec(self) -> SheetSpec:
        return self.raw.spec

    def header(self, key: str) -> str:
        """The column's header as it appears in the file (its Chinese name when absent)."""
        index = self.match.index.get(key)
        if index is None:
            return self.spec.column(key).zh
        return self.raw.header[index] or self.spec.column(key).zh

    def col_order(self, key: str) -> int:
        return self.match.index.get(key, 0)

    def part(self, raw: RawSheet) -> Sheet:
        """The same sheet over a batch of its rows."""
        return Sheet(raw, self.match, self.order)

    def text(self, key: str) -> pl.Series:
        return self.raw.text(self.match.index.get(key), self.spec.column(key).kind)

    def problem(
        self,
        row: int | None = None,
        key: str | None = None,
        *,
        found: str | None = None,
        expected: str | None = None,
        message: str | None = None,
    ) -> Problem:
        shown = _shown(found)
        if shown and message and f"「{shown}」" in message:
            shown = None  # the message already quotes it (a period, a bound)
        return Problem(
            file=self.raw.file,
            sheet=self.raw.name,
            row=row,
            column=self.header(key) if key else None,
            found=shown,
            expected=expected,
            message=message,
        )


def _shown(found: str | None) -> str | None:
    if found is None or found.startswith(cells.MERGED_MARK):
        return None  # the message names the merged range
    if found.startswith(cells.FORMULA_MARK):
        found = found[1:]  # the formula as typed, "=1/0"
    text = found.strip().replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "…"


# ---------------------------------------------------------------------------------------------
# the reader


class SheetReader:
    def __init__(
        self,
        path: Path,
        resolver: PackResolver,
        progress: Progress | None,
        known: OrgTree | None = None,
        only: Collection[str] | None = None,
        keep_rows: bool = False,
    ) -> None:
        self.path = path
        self.keep_rows = keep_rows
        self.known = known
        self.only = None if only is None else {*only, "meta"}
        self.resolver = resolver
        self.progress = progress
        self.problems = Problems()
        self.source = open_source(path)
        self.display = self.source.display
        self.sheets: dict[str, Sheet] = {}
        self.codes: set[str] | None = None
        #: what the clerk should know but that does not stop the reading: warning findings
        self.notices: list[Finding] = [
            Finding("workbook_sheet", "warning", str(p)) for p in self.source.notices
        ]
        #: the month the pack's statistical year starts in (`2011年度`), once the pack is known
        self.year_start = 1

    # -- driving -----------------------------------------------------------------------------

    def read(self) -> Dataset:
        self._load()
        meta, meta_rows = self._read_meta()
        pack = self._resolve_pack(meta.get("pack"), meta_rows.get("pack"))
        if pack is not None:
            self.year_start = pack.year_start_month
        self._meta_period(meta, meta_rows.get("period"))
        tree = self._read_orgunits()
        self._check_meta_orgunit(meta, meta_rows.get("orgunit"))
        values, stated = read_values(self, pack)
        targets = self._read_targets(pack)
        spans = reference_years(
            [*values["period"].unique(), *stated["period"].unique()],
            [t.period.id for t in targets],
            meta.get("period"),
            self.year_start,
        )
        registers = self._read_registers(pack, spans)
        assessment = read_assessment(self, pack, self._checklist_texts())
        checklist = read_checklist(self)
        narrative = self._read_narrative()
        empty = not (values.height or stated.height or checklist)
        if empty and not any(r.height for r in registers.values()):
            self._nothing_filled()
        if self.problems or tree is None or pack is None:
            raise self.problems.error(self.display)
        meta["pack"] = pack.id
        return Dataset(
            source=str(self.path),
            pack_id=pack.id,
            tree=tree,
            meta=meta,
            values=values,
            stated=stated,
            registers={k: r.rows for k, r in registers.items() if r.rows is not None},
            tallies=Tallies({k: r.tally for k, r in registers.items() if r.tally is not None}),
            month_tallies={k: r.months for k, r in registers.items() if r.months is not None},
            strays={k: r.strays for k, r in registers.items() if r.rows is None},
            targets=targets,
            assessment=assessment,
            checklist=checklist,
            narrative=narrative,
            notices=self.notices,
        )

    def _read_registers(self, pack: Pack | None, spans: list[Period]) -> dict[str, Register]:
        """The register sheets read, each with its problems collected apart and added in sheet
        order. Both at once (each in a thread of its own) where each is large enough
        (`TOGETHER_ROWS`): one's last steps (its numbers checked, its counts added up) then
        run while the other is read. Otherwise one after the other, each one's last steps
        in a thread while the next is read: less memory than reading them at once, as the
        first one's batches are gone by then."""
        conditions = register_conditions(pack) if pack is not None else None
        readers: list[RegisterReader] = []
        for key in ("births", "deaths"):
            if key in self.sheets:
                mine = None
                if conditions is not None:
                    mine = {e: c for e, (s, c) in conditions.items() if s == key}
                readers.append(RegisterReader(self, key, mine, spans, self.keep_rows, Problems()))
        together = len(readers) > 1 and all(
            r.sheet.raw.expected_rows >= TOGETHER_ROWS for r in readers
        )
        if together:
            with ThreadPoolExecutor(len(readers)) as pool:
                reading = [pool.submit(r.read) for r in readers]
                found = [future.result() for future in reading]
        elif len(readers) > 1:
            # one after the other, each one's last steps run while the next is read
            with ThreadPoolExecutor(1) as pool:
                finishing = [pool.submit(r.scan()) for r in readers]
                found = [future.result() for future in finishing]
        else:
            found = [r.read() for r in readers]
        for r in readers:
            self.problems.merge(r.problems)
        return {r.key: register for r, register in zip(readers, found, strict=True)}

    def _load(self) -> None:
        present: set[str] = set()
        for order, spec in enumerate(SHEETS):
            ref = self.source.sheets.get(spec.key)
            if ref is None or (self.only is not None and spec.key not in self.only):
                continue
            if self.progress is not None:
                self.progress(ref.name)
            try:
                raw = ref.load()
            except InputError as err:
                for p in err.problems:
                    self.problems.add(p, order)
                present.add(spec.key)
                continue
            if raw.empty:
                continue  # a blank sheet is as good as none
            present.add(spec.key)
            match = match_header(spec, raw.header)
            sheet = Sheet(raw, match, order)
            ok = True
            shown = "、".join(h for h in raw.header if h) or "（空）"
            for col in match.missing:
                also = f"，也可写作「{col.key}」" if col.zh != col.key else ""
                self.problems.add(
                    sheet.problem(
                        raw.header_row,
                        message=f"缺少「{col.zh}」列{also}；"
                        f"第 {raw.header_row} 行的表头为：{shown}",
                    ),
                    order,
                    raw.header_row,
                )
                ok = False
            for col, places in match.duplicated:
                letters = "、".join(column_letters(i) for i in places)
                self.problems.add(
                    sheet.problem(
                        raw.header_row,
                        message=f"{col.names}列出现了不止一次（第 {letters} 列），只能保留一列",
                    ),
                    order,
                    raw.header_row,
                )
                ok = False
            if ok:
                self.sheets[spec.key] = sheet
        if "orgunits" not in present and self.known is None:
            self.problems.add(Problem(file=self.display, message=f"缺少工作表{ORGUNITS.names}"), -1)
        wanted: tuple[str, ...] = ("values", "births", "deaths", "checklist")
        if self.only is not None:
            wanted = tuple(s.key for s in SHEETS if s.key in self.only - {"meta"})
        data = [SHEET_BY_KEY[k] for k in wanted]
        if not present & {s.key for s in data}:
            names = "、".join(s.names for s in data)
            self.problems.add(
                Problem(file=self.display, message=f"没有数据：应至少有{names}工作表之一"), -1
            )

    # -- meta -----------------------------------------------------------------------------------

    def _read_meta(self) -> tuple[dict[str, str], dict[str, int]]:
        """Meta keys (English) to text; `date` as ISO, `period` as its canonical id."""
        sheet = self.sheets.get("meta")
        meta: dict[str, str] = {}
        rows: dict[str, int] = {}
        if sheet is None:
            return meta, rows
        keys = "、".join(META_KEYS.values())
        for row, key_raw, value_raw in records(sheet, "key", "value"):
            if is_blank(key_raw):
                self._add(sheet, row, "key", message="项目为空", expected=f"{keys}之一")
                continue
            key = meta_key(str(key_raw))
            if key is None:
                # a key of the county's own (联系人, 电话): kept out of the report, not refused
                where = sheet.problem(row, "key").where()
                self.notices.append(
                    Finding(
                        "workbook_meta_key",
                        "warning",
                        f"{where}：项目「{cells.to_text(key_raw)}」不是 zicha 使用的项目，"
                        f"已忽略（可用的项目：{keys}）",
                    )
                )
                continue
            if key in rows:
                self._add(sheet, row, "key", found=key_raw, message=f"与第 {rows[key]} 行重复")
                continue
            rows[key] = row
            if is_blank(value_raw):
                continue
            try:
                if key == "date":
                    meta[key] = cells.parse_date(value_raw).isoformat()
                elif key == "period":
                    meta[key] = cells.period_text(value_raw)  # parsed once the pack is known
                elif key == "orgunit":
                    meta[key] = cells.parse_code(value_raw)
                else:
                    meta[key] = cells.parse_text(value_raw)
            except CellError as err:
                self._add(sheet, row, "value", found=value_raw, error=err)
        return meta, rows

    def _nothing_filled(self) -> None:
        """Data sheets with headers only (a blank template): say what to fill in, once."""
        sheets = [self.sheets[k] for k in ("values", "births", "deaths") if k in self.sheets]
        if not sheets or any(s.raw.height and self._has_rows(s) for s in sheets):
            return  # rows there that could not be read are problems of their own
        names = "、".join(f"「{s.raw.name}」" for s in sheets)
        self.problems.add(
            Problem(
                file=self.display,
                message=f"工作簿中还没有数据：{names}工作表只有表头。请在「数据」工作表逐行填写"
                "各单位、各期间的数据项和数值，或在「出生登记」「死亡登记」中逐条登记",
            ),
            -1,
        )

    @staticmethod
    def _has_rows(sheet: Sheet) -> bool:
        if sheet.raw.streamed:
            return False  # asked only when the register read found no row that is not blank
        return any(True for _ in records(sheet, *sheet.match.index))

    def _meta_period(self, meta: dict[str, str], row: int | None) -> None:
        """The report's own period, read with the pack's statistical year (2011年度)."""
        sheet = self.sheets.get("meta")
        text = meta.pop("period", None)
        if sheet is None or row is None or text is None:
            return
        try:
            meta["period"] = self.parse_period(text).id
        except CellError as err:
            self._add(sheet, row, "value", found=text, error=err)

    def parse_period(self, value: object) -> Period:
        """A period cell, `年度` being the pack's statistical year."""
        return cells.parse_period(value, self.year_start)

    def _check_meta_orgunit(self, meta: dict[str, str], row: int | None) -> None:
        sheet = self.sheets.get("meta")
        code = meta.get("orgunit")
        if sheet is None or row is None or code is None or self.codes is None:
            return
        if code not in self.codes:
            self._add(
                sheet,
                row,
                "value",
                found=code,
                message="没有这个单位",
                expected=f"{ORGUNITS.names}工作表中已有的单位代码",
            )

    def _resolve_pack(self, pack_id: str | None, row: int | None) -> Pack | None:
        try:
            return self.resolver(pack_id)
        except InputError as err:
            message = "；".join(str(p) for p in err.problems)
        except (LookupError, ValueError) as err:
            message = f"未知的业务包「{pack_id}」（{err}）"
        sheet = self.sheets.get("meta")
        if row is not None and sheet is not None:
            self._add(sheet, row, "value", message=message)
        else:
            self.problems.add(Problem(file=self.display, message=message), -1)
        return None

    # -- org units ------------------------------------------------------------------------------

    def _read_orgunits(self) -> OrgTree | None:
        sheet = self.sheets.get("orgunits")
        if sheet is None:
            if self.known is not None:
                self.codes = {u.code for u in self.known}
            return self.known
        units: list[OrgUnit] = []
        rows_of: dict[str, int] = {}
        parent_at: list[tuple[int, str, str]] = []
        failed = False
        for row, code_raw, name_raw, parent_raw, kind_raw in records(
            sheet, "code", "name", "parent", "kind"
        ):
            try:
                code = cells.parse_code(code_raw)
            except CellError as err:
                self._add(sheet, row, "code", found=code_raw, error=err)
                failed = True
                continue
            bad = False
            name = ""
            try:
                name = cells.parse_text(name_raw)
            except CellError as err:
                self._add(sheet, row, "name", found=name_raw, error=err)
                bad = True
            parent: str | None = None
            if not is_blank(parent_raw):
                try:
                    parent = cells.parse_code(parent_raw)
                except CellError as err:
                    self._add(sheet, row, "parent", found=parent_raw, error=err)
                    bad = True
            kind = "" if is_blank(kind_raw) else cells.parse_text(kind_raw)
            if code in rows_of:
                self._add(
                    sheet, row, "code", found=code, message=f"代码与第 {rows_of[code]} 行重复"
                )
                failed = True
                continue
            rows_of[code] = row
            failed = failed or bad
            units.append(OrgUnit(code, name, parent, kind))
            if parent is not None:
                parent_at.append((row, code, parent))
        self.codes = set(rows_of)
        for row, _code, parent in parent_at:
            if parent not in rows_of:
                self._add(
                    sheet,
                    row,
                    "parent",
                    found=parent,
                    message="上级代码不在本表的「代码」列中",
                )
                failed = True
        roots = [u for u in units if not u.parent]
        if not units and not failed:
            self.problems.add(
                sheet.problem(
                    message="还没有填写任何单位：每个单位填一行（代码、名称、上级代码、类型），"
                    "最上级单位（通常是县）的上级代码留空"
                ),
                sheet.order,
            )
            failed = True
        elif not roots:
            self.problems.add(
                sheet.problem(
                    message="没有最上级单位：应恰好有一个单位的「上级代码」留空（通常是县）"
                ),
                sheet.order,
            )
            failed = True
        elif len(roots) > 1:
            listed = "、".join(f"第 {rows_of[u.code]} 行 {u.code} {u.name}" for u in roots)
            self.problems.add(
                sheet.problem(
                    message=f"有 {len(roots)} 个最上级单位（{listed}），应恰好有一个："
                    "其余单位请填写「上级代码」"
                ),
                sheet.order,
            )
            failed = True
        if failed:
            return None
        try:
            return OrgTree.build(units)
        except OrgTreeError as err:
            self.problems.add(sheet.problem(message=str(err)), sheet.order)
            return None

    @functools.cached_property
    def code_cell(self) -> Callable[[str], str]:
        """`code_parser` for the sheets read after the org units, each text parsed once for all
        of them: the values and both registers name the same units."""
        return remembered(self.code_parser())

    @functools.cached_property
    def date_cell(self) -> Callable[[str], Any]:
        """A register's date cell, each text parsed once for both registers."""
        return remembered(cells.parse_date)

    def code_parser(self) -> Callable[[object], str]:
        """An org-unit code cell of a data sheet: a unit of the org-unit sheet. A code that lost
        its leading zeros (a number cell) is refused naming the code it stands for."""
        codes = self.codes
        stripped: dict[str, list[str]] = {}
        for c in codes or ():
            stripped.setdefault(c.lstrip("0"), []).append(c)

        def parse(value: object) -> str:
            code = cells.parse_code(value)
            if codes is None or code in codes:
                return code
            expected = f"{ORGUNITS.names}工作表中已有的单位代码"
            alike = [c for c in stripped.get(code.lstrip("0"), []) if c != code]
            if code.isdigit() and len(alike) == 1:
                raise CellError(
                    expected,
                    f"没有这个单位；是否应为「{alike[0]}」？开头的 0 被去掉了（Excel 把代码当成了"
                    "数字）：请把该列设为「文本」格式后重新输入代码",
                )
            raise CellError(expected, "没有这个单位")

        return parse

    # -- targets --------------------------------------------------------------------------------

    def _read_targets(self, pack: Pack | None) -> list[Target]:
        sheet = self.sheets.get("targets")
        if sheet is None:
            return []
        code = self.code_parser()
        targets: list[Target] = []
        seen: dict[tuple[str, str, str], tuple[int, Target]] = {}
        for row, org_raw, period_raw, ind_raw, target_raw, points_raw in records(
            sheet, "orgunit", "period", "indicator", "target", "points"
        ):
            ok = True
            values: dict[str, Any] = {}
            for key, raw, parse in (
                ("orgunit", org_raw, code),
                ("period", period_raw, self.parse_period),
                ("indicator", ind_raw, _indicator_parser(pack)),
                ("target", target_raw, _bound_parser(pack, ind_raw)),
            ):
                if is_blank(raw):
                    self._add(sheet, row, key, message="单元格为空", expected=_expected(sheet, key))
                    ok = False
                    continue
                try:
                    values[key] = parse(raw)
                except CellError as err:
                    self._add(sheet, row, key, found=raw, error=err)
                    ok = False
            points: float | None = None
            if not is_blank(points_raw):
                try:
                    points = cells.parse_points(points_raw)
                except CellError as err:
                    self._add(sheet, row, "points", found=points_raw, error=err)
                    ok = False
            if not ok:
                continue
            target = Target(
                org_unit=values["orgunit"],
                period=values["period"],
                indicator=values["indicator"],
                bound=values["target"],
                points=points,
                source=f"{sheet.raw.file}，工作表「{sheet.raw.name}」第 {row} 行",
                row=row,
            )
            key3 = (target.org_unit, target.period.id, target.indicator)
            if key3 in seen:
                first_row, first = seen[key3]
                if (first.bound, first.points) != (target.bound, target.points):
                    self._add(
                        sheet,
                        row,
                        "target",
                        found=target_raw,
                        message=f"与第 {first_row} 行重复（同一单位、期间、指标），但目标不同",
                    )
                continue
            seen[key3] = (row, target)
            targets.append(target)
        return targets

    def _checklist_texts(self) -> set[str]:
        """The items of the checklist sheet, which the assessment sheet may score by name."""
        sheet = self.sheets.get("checklist")
        if sheet is None or "item" not in sheet.match.index:
            return set()
        return {cells.parse_text(v) for v in sheet.text("item").to_list() if not is_blank(v)}

    # -- narrative ------------------------------------------------------------------------------

    def _read_narrative(self) -> list[NarrativeSection]:
        sheet = self.sheets.get("narrative")
        if sheet is None:
            return []
        out: list[NarrativeSection] = []
        section: str | None = None
        for row, section_raw, text_raw in records(sheet, "section", "text"):
            if not is_blank(section_raw):
                section = cells.parse_text(section_raw)
            if is_blank(text_raw):
                continue
            if section is None:
                self._add(
                    sheet,
                    row,
                    "section",
                    message="部分为空",
                    expected="报告中的部分名称，如 主要做法；留空表示接上一行",
                )
                continue
            out.append(NarrativeSection(section, cells.parse_text(text_raw)))
        return out

    # -- helpers --------------------------------------------------------------------------------

    def _add(
        self,
        sheet: Sheet,
        row: int,
        key: str,
        *,
        found: object = None,
        expected: str | None = None,
        message: str | None = None,
        error: CellError | None = None,
    ) -> None:
        if error is not None:
            expected, message = error.expected, error.message
        shown = (
            None if found is None else (found if isinstance(found, str) else cells.to_text(found))
        )
        self.problems.add(
            sheet.problem(row, key, found=shown, expected=expected, message=message),
            sheet.order,
            row,
            sheet.col_order(key),
        )

    def flag_blank(
        self,
        sheet: Sheet,
        key: str,
        parsed: Parsed,
        keep: pl.Series,
        rows: pl.Series,
        message: str | None = None,
        problems: Problems | None = None,
    ) -> None:
        mask = parsed.blank & keep
        expected = _expected(sheet, key)
        if key == "value":
            expected = "数字；没有数据的请删去这一行（空白不等于 0）"
        self._flag(
            sheet,
            key,
            mask,
            parsed.raw,
            rows,
            lambda _found: (None, expected, message or "单元格为空"),
            problems,
        )

    def flag_bad(
        self,
        sheet: Sheet,
        key: str,
        parsed: Parsed,
        keep: pl.Series,
        rows: pl.Series,
        problems: Problems | None = None,
    ) -> None:
        if parsed.bad is None:
            return
        errors = parsed.errors

        def describe(found: str | None) -> tuple[str | None, str | None, str | None]:
            err = errors[found or ""]
            return found, err.expected, err.message

        self._flag(sheet, key, parsed.bad & keep, parsed.raw, rows, describe, problems)

    def _flag(
        self,
        sheet: Sheet,
        key: str,
        mask: pl.Series,
        raw: pl.Series,
        rows: pl.Series,
        describe: Callable[[str | None], tuple[str | None, str | None, str | None]],
        problems: Problems | None = None,
    ) -> None:
        """The cells of `mask` as problems, added to `problems` (the reader's own unless
        given)."""
        count = int(mask.sum())
        if not count:
            return
        found_in = self.problems if problems is None else problems
        chosen = pl.DataFrame({"row": rows, "raw": raw}).filter(mask).head(LIMIT)
        col = sheet.col_order(key)
        for row, found in chosen.iter_rows():
            shown, expected, message = describe(found)
            found_in.add(
                sheet.problem(row, key, found=shown, expected=expected, message=message),
                sheet.order,
                row,
                col,
            )
        found_in.unlisted += count - chosen.height


def _expected(sheet: Sheet, key: str) -> str | None:
    return cells.EXPECTED.get(sheet.spec.column(key).kind)


def _bound_parser(pack: Pack | None, indicator: object) -> Callable[[object], Any]:
    """A target cell read in the unit of its row's indicator (≤510人, 不低于85%)."""
    ind = None
    if pack is not None and not is_blank(indicator):
        ind = pack.indicator_by_name_or_id(cells.parse_text(indicator))
    unit = ind.unit if ind is not None else ""
    return lambda value: cells.parse_bound(value, unit)


def _indicator_parser(pack: Pack | None) -> Callable[[object], str]:
    def parse(value: object) -> str:
        key = cells.parse_text(value)
        if pack is None:
            return key
        indicator = pack.indicator_by_name_or_id(key)
        if indicator is None:
            example = next(iter(pack.indicators.values()), None)
            hint = f"，如 {example.id} 或 {example.name}" if example else ""
            raise CellError(f"指标的代码或名称{hint}", f"业务包「{pack.name}」中没有这个指标")
        return indicator.id

    return parse


def records(sheet: Sheet, *keys: str) -> Iterable[tuple[Any, ...]]:
    """(row, cell, cell, …) for each row of a small sheet with any of these cells filled."""
    columns = [sheet.text(k).to_list() for k in keys]
    for row, *values in zip(sheet.raw.rows().to_list(), *columns, strict=True):
        if all(is_blank(v) for v in values):
            continue
        yield (row, *values)
