"""Reading a register sheet (births, deaths): its rows parsed, checked and counted batch by batch.

A register can hold millions of rows. It is read in batches (a large CSV file in blocks of
whole records, `zicha.workbook.source`; any other sheet as one batch); each batch's columns are
parsed a whole column at a time (each distinct text once: the cell parsers remember what they
have seen), its problems are collected with their spreadsheet rows, and its rows are counted per
org unit, day and register element of the pack (`zicha.engine.dataset.tally`). Nothing of a
batch is kept after it but its count, its register numbers as 64-bit hashes, and the rows dated
outside every period of the data (with their spreadsheet rows, for the finding that names them).
Rows themselves are kept only when asked for (a server stores them one by one).

Register numbers (`ref`) must be unique in their sheet. They are checked on their hashes, sorted:
equal texts hash alike, so distinct hashes mean distinct numbers; only where two hashes are equal
is the sheet read again, for the numbers and rows of those hashes alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from zicha.domain.errors import InputError
from zicha.domain.period import Period
from zicha.engine.dataset import (
    BIRTH_SCHEMA,
    DEATH_SCHEMA,
    STRAY_SCHEMA,
    month_tally,
    tally,
    tally_counts,
)
from zicha.workbook import cells
from zicha.workbook.cells import CellError, Parsed, clean_text, parse_column
from zicha.workbook.source import Restart

if TYPE_CHECKING:
    from zicha.workbook.reader import Problems, Sheet, SheetReader

#: the seed of the register numbers' hashes
_SEED = 20231001
#: hashes are sorted in this many buckets (by their top bits), each on its own: checking them
#: never needs a second copy of them all
_BUCKETS = 16
_BUCKET_SIZE = 1 << 60


@dataclass
class Register:
    """One register sheet read: its rows (when kept), else its tally and its stray rows."""

    rows: pl.DataFrame | None
    #: the tally (`zicha.engine.dataset.tally`), or how to make it when it is asked for
    tally: pl.DataFrame | Callable[[], pl.DataFrame] | None
    strays: pl.DataFrame
    #: rows that are not blank
    height: int
    #: the tally added up by month (`zicha.engine.dataset.month_tally`)
    months: pl.DataFrame | None = None


def remembered(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """A cell parser that parses each text once: batches of one column share their texts."""
    seen: dict[str, tuple[bool, Any]] = {}

    def once(text: str) -> Any:
        hit = seen.get(text)
        if hit is None:
            try:
                hit = (True, parse(text))
            except CellError as err:
                hit = (False, err)
            seen[text] = hit
        if hit[0]:
            return hit[1]
        raise hit[1]

    return once


@dataclass
class _Scanned:
    """What reading a register's batches leaves for its last steps (`RegisterReader.scan`)."""

    #: its register numbers' hashes
    hashes: _Hashes
    #: its rows, where they are kept
    kept: list[pl.DataFrame] = field(default_factory=list)
    #: its batches' counts
    tallies: list[pl.DataFrame] = field(default_factory=list)
    #: its rows dated outside every period of the data
    strays: list[pl.DataFrame] = field(default_factory=list)
    #: its rows that are not blank
    height: int = 0
    #: all its rows
    total: int = 0


class _Hashes:
    """Register numbers' 64-bit hashes, each batch's sorted."""

    def __init__(self) -> None:
        self.parts: list[pl.Series] = []

    def add(self, hashes: pl.Series) -> None:
        self.parts.append(hashes.sort())

    def repeated(self) -> pl.Series:
        """The hashes seen more than once: bucket by bucket (by their top bits), each batch's
        share of a bucket a slice of its sorted hashes, so that no second copy of them all is
        ever made."""
        found: list[pl.Series] = []
        edges = [b * _BUCKET_SIZE for b in range(1, _BUCKETS)]
        cuts = [
            [0, *p.search_sorted(pl.Series(edges, dtype=pl.UInt64)).to_list(), p.len()]
            for p in self.parts
        ]
        for b in range(_BUCKETS):
            mine = pl.concat(
                [p.slice(c[b], c[b + 1] - c[b]) for p, c in zip(self.parts, cuts, strict=True)]
            )
            if len(self.parts) > 1:
                mine = mine.sort()
            same = mine.filter(mine == mine.shift(1))
            if same.len():
                found.append(same.unique())
        self.parts = []
        return pl.concat(found) if found else pl.Series(dtype=pl.UInt64)


#: a tally's key is the unit's place × `_SPAN` + the day, counted from `_DAY0` days before
#: 1970-01-01
_DAY0 = 1 << 31
_SPAN = 1 << 32


def _added(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Counts keyed by `_key` added up."""
    if len(parts) == 1:
        return parts[0]
    counts = [c for c in parts[0].columns if c != "_key"]
    return (
        pl.concat(parts)
        .lazy()
        .group_by("_key")
        .agg(pl.col(c).sum().cast(pl.UInt32) for c in counts)
        .collect()
    )


#: a register's days are counted in arrays (a cell per unit and day) up to this many cells,
_DENSE_CELLS = 4_000_000
#: when it has at least this many rows per cell
_DENSE_FILL = 0.5


class _Window:
    """A statistical year's rows counted per unit and day, in an array per count (every row,
    then each register element; an element counted on every row shares the rows' array)."""

    def __init__(self, units: int, span: Period, counted: Sequence[bool]) -> None:
        import numpy as np

        self.span = span
        self.first = span.start
        self.ndays = (span.end - span.start).days + 1
        size = units * self.ndays
        self.counts = [np.zeros(size, dtype=np.uint32)]
        for fresh in counted:
            self.counts.append(np.zeros(size, dtype=np.uint32) if fresh else self.counts[0])
        #: the counts an element has of its own (the others share the rows')
        self.own = [i for i in range(1, len(self.counts)) if self.counts[i] is not self.counts[0]]

    def add(self, keys: Any, met: list[Any]) -> None:
        """Count a batch's rows (their cells' numbers) and, for each element with a count of
        its own, the rows that meet its condition."""
        import numpy as np

        # (`add.at` with a count of the arrays' own type costs the keys, not the whole array as
        # a `bincount` of it does)
        one = np.uint32(1)
        np.add.at(self.counts[0], keys, one)
        for i, mine in zip(self.own, met, strict=True):
            np.add.at(self.counts[i], keys[mine], one)

    def frame(self, codes: Sequence[str], names: Sequence[str]) -> pl.DataFrame:
        """The counts as a tally (`zicha.engine.dataset.tally`): the unit-days with rows."""
        days = pl.date_range(self.first, self.span.end, eager=True).alias("date")
        return _cells(codes, names, self.counts, days)

    def months(self, codes: Sequence[str], names: Sequence[str]) -> pl.DataFrame:
        """The counts added up by month (`zicha.engine.dataset.month_tally`): the unit-months
        with rows, each month's days added in the arrays."""
        import numpy as np

        starts = [max(m.start, self.first) for m in self.span.months()]
        offsets = np.array([(s - self.first).days for s in starts])
        summed: dict[int, Any] = {}
        for counts in self.counts:
            # (an element counted on every row shares the rows' array: added up once)
            if id(counts) not in summed:
                days = counts.reshape(-1, self.ndays)
                summed[id(counts)] = np.add.reduceat(days, offsets, axis=1).ravel()
        months = pl.Series("start", [s.replace(day=1) for s in starts], dtype=pl.Date)
        return _cells(codes, names, [summed[id(c)] for c in self.counts], months)


def _cells(
    codes: Sequence[str], names: Sequence[str], counts: Sequence[Any], times: pl.Series
) -> pl.DataFrame:
    """Counts held in arrays of a cell per unit and time (`times`: days or months, the unit's
    cells side by side), every row's first, then each name's: the cells with rows, as a frame
    of (org_unit, the times' column, rows, names…)."""
    import numpy as np

    cells = np.flatnonzero(counts[0])
    return pl.DataFrame(
        {
            "org_unit": pl.Series(codes, dtype=pl.String).gather(
                pl.Series(cells // len(times), dtype=pl.UInt32)
            ),
            times.name: times.gather(pl.Series(cells % len(times), dtype=pl.UInt32)),
            "rows": pl.Series(counts[0][cells], dtype=pl.UInt32),
            **{
                name: pl.Series(counts[i + 1][cells], dtype=pl.UInt32)
                for i, name in enumerate(names)
            },
        }
    )


class _Days:
    """A register's rows counted per unit and day of the statistical years of the data, a
    `_Window` each: a batch is added with one `add.at` per count instead of being grouped
    and merged. Most of a province's unit-days have rows, so the arrays are hardly larger than
    the counts they hold."""

    def __init__(
        self, units: int, spans: Sequence[Period], conditions: Mapping[str, pl.Expr | None]
    ) -> None:
        counted = [c is not None for c in conditions.values()]
        self.windows = [_Window(units, p, counted) for p in spans]
        self.first = min(p.start for p in spans)
        #: the conditions to count
        self.conditions = [c for c in conditions.values() if c is not None]

    def add(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Count a batch's rows dated in the windows; the others are returned."""
        import numpy as np

        if not frame.height:
            return frame
        # one pass of polars: the unit's number, the day (from the first window's first) and
        # the conditions; then each window's rows are picked out with numpy
        columns = frame.select(
            pl.col("org_unit").to_physical().cast(pl.Int64).fill_null(-1).alias("_unit"),
            (pl.col("date") - pl.lit(self.first)).dt.total_days().fill_null(-1).alias("_day"),
            *(c.fill_null(False).alias(f"_{i}") for i, c in enumerate(self.conditions)),
        )
        unit = columns["_unit"].to_numpy()
        day = columns["_day"].to_numpy()
        met = [columns[f"_{i}"].to_numpy() for i in range(len(self.conditions))]
        known = unit >= 0
        counted = np.zeros(len(unit), dtype=bool)
        for window in self.windows:
            low = (window.first - self.first).days
            mine = known & ~counted & (day >= low) & (day < low + window.ndays)
            if not mine.any():
                continue
            counted |= mine
            keys = unit[mine] * window.ndays + (day[mine] - low)
            window.add(keys, [m[mine] for m in met])
        if counted.all():
            return frame.clear()
        return frame.filter(pl.Series(~counted))

    def frames(self, codes: Sequence[str], names: Sequence[str]) -> list[pl.DataFrame]:
        return [w.frame(codes, names) for w in self.windows]

    def months(self, codes: Sequence[str], names: Sequence[str]) -> list[pl.DataFrame]:
        return [w.months(codes, names) for w in self.windows]


class RegisterReader:
    """Reads one register sheet for a `SheetReader`, its problems collected in `problems`."""

    def __init__(
        self,
        reader: SheetReader,
        key: str,
        conditions: Mapping[str, pl.Expr | None] | None,
        spans: Sequence[Period],
        keep_rows: bool,
        problems: Problems,
    ) -> None:
        self.reader = reader
        #: the sheet's problems, collected apart from the reader's (a sheet may be read in a
        #: thread of its own), which it adds them to
        self.problems = problems
        self.key = key
        self.sheet = reader.sheets[key]
        self.conditions = conditions
        self.spans = list(spans)
        self.keep_rows = keep_rows
        #: the days of the statistical years of the data counted in arrays, where they are few
        #: enough (a cell per unit and day)
        self.days: _Days | None = None
        #: the tables of each categorical column (a streamed file's), kept from batch to batch
        self.categories: dict[str, Categories] = {}
        code = reader.code_cell
        # codes as an Enum of the tree's codes while counting: grouped by their number, not text
        self.codes = sorted(reader.codes or ())
        units = pl.Enum(self.codes) if self.codes else pl.String()
        # arrays where they are small enough and the rows would fill half of them: fewer rows
        # are grouped in less time and memory than the arrays take to clear and add
        unit_days = len(self.codes) * 366 * len(self.spans)
        rows = self.sheet.raw.expected_rows
        dense = unit_days <= _DENSE_CELLS and rows >= _DENSE_FILL * unit_days
        #: whether the days are counted in arrays (`self.days`, made once the first batch is
        #: being read: numpy is imported while polars parses it)
        self.dense = bool(
            self.spans and self.codes and conditions is not None and not keep_rows and dense
        )
        self.parsers: dict[str, tuple[Callable[[str], Any], pl.DataType, Any]] = {
            "orgunit": (code, units, None),
            "date": (reader.date_cell, pl.Date(), None),
            # (text, not an Enum of M and F: the pack's conditions compare it as text, and
            # casting an Enum to text for each of them cost more than the Enum saved)
            "sex": (remembered(cells.parse_sex), pl.String(), None),
        }
        if key == "births":
            self.parsers["order"] = (remembered(cells.parse_order), pl.Int64(), None)
            self.parsers["in_policy"] = (remembered(cells.parse_flag), pl.Boolean(), None)
            self.schema = BIRTH_SCHEMA
        else:
            age = remembered(cells.parse_age)
            self.parsers["age"] = (age, pl.Float64(), cells.fast_age)
            self.schema = DEATH_SCHEMA

    def read(self) -> Register:
        """The sheet read (`scan`), then its last steps run (`scan`'s result)."""
        return self.scan()()

    def scan(self) -> Callable[[], Register]:
        """Read the sheet's batches: each parsed, checked and counted. Returns the register's
        last steps (its numbers checked for repeats, its batches' counts added up), which give
        the register and may run in another thread while the next sheet is read. A sheet that
        cannot be read to its end is an empty register, its problems the reason alone."""
        problems = self.problems
        mark = (len(problems.items), problems.unlisted)
        try:
            while True:
                try:
                    scanned = self._scan()
                    break
                except Restart:
                    self._forget(mark)
        except InputError as err:
            failed = self._failed(mark, err)
            return lambda: failed

        def finish() -> Register:
            try:
                return self._finish(scanned)
            except InputError as err:
                return self._failed(mark, err)

        return finish

    def _forget(self, mark: tuple[int, int]) -> None:
        """Drop the problems found since `mark` (the sheet is read again, or not at all)."""
        del self.problems.items[mark[0] :]
        self.problems.unlisted = mark[1]

    def _failed(self, mark: tuple[int, int], err: InputError) -> Register:
        # the sheet could not be read to its end: what was found in it before is dropped
        self._forget(mark)
        for p in err.problems:
            self.problems.add(p, self.sheet.order)
        return Register(None, None, pl.DataFrame(schema=STRAY_SCHEMA), 0)

    def _scan(self) -> _Scanned:
        # made afresh: a sheet read again (`Restart`) counts nothing of its first reading, and
        # its texts are numbered anew
        self.days = None
        self.categories = {}
        got = _Scanned(_Hashes())
        for size, frame, ref in self._checked():
            got.total += size
            got.height += frame.height
            if ref is not None:
                got.hashes.add(ref.drop_nulls().hash(seed=_SEED))
            if self.keep_rows:
                got.kept.append(frame.with_columns(ref=ref).select(list(self.schema)))
                continue
            if self.problems or self.reader.problems:
                continue  # the workbook is refused: nothing is counted
            tallies = got.tallies
            if self.conditions is not None and self.codes:
                if self.days is not None:
                    frame = self.days.add(frame)  # leaves the days outside the windows
                if frame.height:
                    # (a query however small waits its turn for polars' threads, busy with the
                    # next blocks: an empty batch is not grouped)
                    tallies.append(self._tally(frame, self.conditions))
                # a batch's counts are nearly as many as its rows (a village has a few births a
                # day): added up as they come, so that they never hold more than a few batches
                if len(tallies) > 1 and sum(t.height for t in tallies) > 3 * tallies[0].height:
                    got.tallies = [_added(tallies)]
            if self.spans and frame.height:
                # (after the window's days were counted, `frame` holds the rows outside it)
                inside = pl.any_horizontal(
                    pl.col("date").is_between(p.start, p.end) for p in self.spans
                )
                got.strays.append(
                    frame.filter(pl.col("date").is_not_null() & ~inside).select(list(STRAY_SCHEMA))
                )
        return got

    def _finish(self, got: _Scanned) -> Register:
        if self.sheet.raw.streamed:
            self.sheet.raw.height = got.total
        repeated = got.hashes.repeated()
        if repeated.len():
            self._duplicate_refs(repeated)
        rows = None
        if self.keep_rows:
            kept, got.kept = got.kept, []
            rows = (pl.concat(kept) if kept else pl.DataFrame(schema=self.schema)).cast(self.schema)  # type: ignore[arg-type]
        counted = months = None
        if self.conditions is not None and not self.keep_rows:
            counted, months = self._merged(got.tallies, self.conditions)
        strays = got.strays
        found = pl.concat(strays) if strays else pl.DataFrame(schema=STRAY_SCHEMA)
        return Register(rows, counted, found.cast(STRAY_SCHEMA), got.height, months)  # type: ignore[arg-type]

    def _checked(self) -> Iterator[tuple[int, pl.DataFrame, pl.Series | None]]:
        """Each batch's size, rows and register numbers (`_batch`): the next batch is read and
        checked in a thread (polars works without the interpreter's lock) while the caller
        counts this one. One thread: the batches are checked in order, and their problems
        added in order."""
        batches = self.sheet.raw.batches()

        def step() -> tuple[int, pl.DataFrame, pl.Series | None] | None:
            batch = next(batches, None)
            if batch is None:
                return None
            return (batch.height, *self._batch(self.sheet.part(batch)))

        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(step)
            if self.dense and self.conditions is not None:  # (`_read` has just cleared `days`)
                self.days = _Days(len(self.codes), self.spans, self.conditions)
            while True:
                got = pending.result()
                if got is None:
                    return
                pending = pool.submit(step)
                yield got

    @staticmethod
    def _tally(frame: pl.DataFrame, conditions: Mapping[str, pl.Expr | None]) -> pl.DataFrame:
        """A batch's rows counted per unit and day (`zicha.engine.dataset.tally`), keyed by one
        number: the unit's place among the codes and the day."""
        key = pl.col("org_unit").to_physical().cast(pl.UInt64) * _SPAN + (
            pl.col("date").to_physical().cast(pl.Int64) + _DAY0
        ).cast(pl.UInt64)
        return (
            frame.lazy()
            .filter(pl.col("org_unit").is_not_null() & pl.col("date").is_not_null())
            .group_by(key.alias("_key"))
            .agg(tally_counts(conditions))
            .collect()
        )

    def _merged(
        self, parts: list[pl.DataFrame], conditions: Mapping[str, pl.Expr | None]
    ) -> tuple[Callable[[], pl.DataFrame], pl.DataFrame]:
        """The batches' counts added up: the tally by month, and how to make the tally (by
        day: each key's unit and day again) when it is asked for
        (`zicha.engine.dataset.Tallies`)."""
        names = list(conditions)
        dense = self.days
        months: list[pl.DataFrame] = []
        if dense is not None:
            months += dense.months(self.codes, names)
        parts = [p for p in parts if p.height]
        codes = pl.Series("org_unit", self.codes, dtype=pl.String)
        key = pl.col("_key")
        unit = (key // _SPAN).cast(pl.UInt32).alias("unit")
        day = ((key % _SPAN).cast(pl.Int64) - _DAY0).cast(pl.Int32).cast(pl.Date).alias("date")
        if parts:
            counts = [c for c in parts[0].columns if c != "_key"]
            # by month straight from the batches' keys, while the unit is still a number
            # (grouped faster than by its code): the keys' days are added up across batches
            # only if the tally by day is asked for
            by_month = (
                pl.concat(parts)
                .lazy()
                .group_by(unit, day.dt.truncate("1mo").alias("start"))
                .agg(pl.col(c).sum() for c in counts)
                .collect()
            )
            months.append(
                by_month.select(
                    pl.lit(codes.gather(by_month["unit"])).alias("org_unit"), "start", *counts
                )
            )
        empty = tally(pl.DataFrame(schema=self.schema), conditions)

        def days() -> pl.DataFrame:
            found = dense.frames(self.codes, names) if dense is not None else []
            if parts:
                decoded = _added(parts).select(unit, day, pl.exclude("_key"))
                units = codes.gather(decoded["unit"])
                found.append(decoded.select(pl.lit(units).alias("org_unit"), pl.exclude("unit")))
            return pl.concat(found) if found else empty

        if not months:
            return days, month_tally(empty)
        if len(months) == 1:
            return days, months[0]
        # the windows' months and the rows outside them: a month is in one of them only when
        # the windows are whole months, as statistical years are; added up all the same
        return days, month_tally(pl.concat(months).rename({"start": "date"}))

    def _batch(self, sheet: Sheet) -> tuple[pl.DataFrame, pl.Series | None]:
        """A batch's rows that are not blank, parsed (null where wrong), and their register
        numbers; its problems added."""
        reader = self.reader
        rows = sheet.raw.rows()
        cols: dict[str, Parsed] = {}
        for name, (parse, dtype, fast) in self.parsers.items():
            text = sheet.text(name)
            if text.dtype == pl.Categorical:
                if name not in self.categories:
                    self.categories[name] = Categories(parse, dtype)
                cols[name] = self.categories[name](text)
            else:
                cols[name] = parse_column(text, parse, dtype, fast)
        ref = clean_text(sheet.text("ref"))
        blank = ref.is_null()
        for parsed in cols.values():
            blank = blank & parsed.blank
        keep = ~blank
        for name, parsed in cols.items():
            column = sheet.spec.column(name)
            if column.required and not column.blank_ok:
                reader.flag_blank(sheet, name, parsed, keep, rows, problems=self.problems)
            reader.flag_bad(sheet, name, parsed, keep, rows, problems=self.problems)
        frame = pl.DataFrame(
            {
                "org_unit": cols["orgunit"].values,
                **{name: parsed.values for name, parsed in cols.items() if name != "orgunit"},
                "row": rows,
            }
        )
        if not keep.all():
            frame = frame.filter(keep)
            ref = ref.filter(keep)
        return frame, ref

    def _duplicate_refs(self, repeated: pl.Series) -> None:
        """The rows of register numbers seen more than once, each after the first naming it."""
        from zicha.workbook.reader import LIMIT

        wanted = repeated.implode()
        found: list[pl.DataFrame] = []
        for batch in self.sheet.raw.batches():
            part = self.sheet.part(batch)
            ref = clean_text(part.text("ref"))
            frame = pl.DataFrame({"row": part.raw.rows(), "ref": ref})
            found.append(
                frame.filter(
                    ref.is_not_null() & ref.hash(seed=_SEED).is_in(wanted).fill_null(False)
                )
            )
        dup = (
            pl.concat(found)
            .with_columns(pl.col("row").first().over("ref").alias("_first"))
            .filter(pl.col("row") != pl.col("_first"))
        )
        sheet = self.sheet
        col = sheet.col_order("ref")
        for row, ref, first in dup.select("row", "ref", "_first").head(LIMIT).iter_rows():
            self.problems.add(
                sheet.problem(row, "ref", found=ref, message=f"登记编号与第 {first} 行重复"),
                sheet.order,
                row,
                col,
            )
        self.problems.unlisted += max(0, dup.height - LIMIT)


class Categories:
    """`zicha.workbook.cells.parse_column` for the categorical columns of a streamed CSV file,
    whose texts polars numbers as it reads them (the same number for the same text in every
    batch): each distinct text is parsed once, and the results are spread over the rows by the
    texts' numbers, from tables kept from batch to batch."""

    def __init__(self, parse: Callable[[str], Any], dtype: pl.DataType) -> None:
        self.parse = parse
        self.dtype = dtype
        self.known: set[int] = set()
        self.values = pl.Series(dtype=dtype)
        self.blanks = pl.Series(dtype=pl.Boolean)
        self.wrong = pl.Series(dtype=pl.Boolean)
        self.seen = pl.Series(dtype=pl.Boolean)
        self.errors: dict[str, CellError] = {}
        self.any_blank = False

    def __call__(self, raw: pl.Series) -> Parsed:
        number = raw.to_physical().cast(pl.UInt32)
        values = self._known(number)
        if values is None:
            self._learn(raw.drop_nulls().unique())
            values = self.values.gather(number)
        blank = raw.is_null()
        if self.any_blank:
            blank = blank | self.blanks.gather(number).fill_null(False)
        bad = self.wrong.gather(number).fill_null(False) if self.errors else None
        if bad is not None and not bad.any():
            bad = None
        return Parsed(raw, values, blank, bad, self.errors)

    def _known(self, number: pl.Series) -> pl.Series | None:
        """The values of the texts numbered, or None where a text was not seen in an earlier
        batch: its number is past the tables, or null in them (looked up only for the texts
        without a value: blank, wrong or not seen)."""
        top = number.max()
        if top is not None and int(top) >= self.seen.len():  # type: ignore[arg-type]
            return None
        values = self.values.gather(number)
        # (a text without a value makes more nulls among the values than among the numbers)
        if values.null_count() > number.null_count():
            missing = values.is_null() & number.is_not_null()
            if (missing & self.seen.gather(number).is_null()).any():
                return None
        return values

    def _learn(self, present: pl.Series) -> None:
        codes: list[int] = present.to_physical().cast(pl.UInt32).to_list()
        texts: list[str] = present.cast(pl.String).to_list()
        new = [(c, t) for c, t in zip(codes, texts, strict=True) if c not in self.known]
        values: list[Any] = []
        blanks: list[bool] = []
        wrong: list[bool] = []
        for _, text in new:
            empty = cells.is_blank(text)
            value = None
            if not empty:
                try:
                    value = self.parse(text)
                except CellError as err:
                    self.errors[text] = err
            values.append(value)
            blanks.append(empty)
            wrong.append(text in self.errors)
        self.known.update(c for c, _ in new)
        self.any_blank = self.any_blank or any(blanks)
        size = max(max(self.known) + 1, self.values.len())
        at = pl.Series([c for c, _ in new], dtype=pl.UInt32)
        self.values = _grown(self.values, size).scatter(at, pl.Series(values, dtype=self.dtype))
        self.blanks = _grown(self.blanks, size).scatter(at, pl.Series(blanks, dtype=pl.Boolean))
        self.wrong = _grown(self.wrong, size).scatter(at, pl.Series(wrong, dtype=pl.Boolean))
        self.seen = _grown(self.seen, size).scatter(at, True)


def _grown(table: pl.Series, size: int) -> pl.Series:
    """A lookup table with nulls added up to `size` entries."""
    if table.len() >= size:
        return table.clone()
    more = pl.repeat(None, size - table.len(), dtype=table.dtype, eager=True)
    return pl.concat([table, more])
