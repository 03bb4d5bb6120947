"""What one workbook holds once it has been read and checked: typed, resolved, nothing raw.

The engine's input from a workbook; it lives in the engine because its frames are polars frames,
which the domain does not import.

Values and register rows are kept as polars frames so that a province's five million register rows
never become five million Python objects.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from zicha.domain.assessment import AssessmentItem
from zicha.domain.checklist import ChecklistItem
from zicha.domain.finding import Finding
from zicha.domain.narrative import NarrativeSection
from zicha.domain.orgunit import OrgTree
from zicha.domain.target import Target

#: columns of `Dataset.values` (and of `Dataset.stated`, where `element` holds an indicator id)
VALUE_SCHEMA: dict[str, pl.DataType] = {
    "org_unit": pl.String(),
    "element": pl.String(),
    "period": pl.String(),
    "start": pl.Date(),
    "end": pl.Date(),
    "value": pl.Float64(),
    "comment": pl.String(),
    "row": pl.Int64(),
}

#: columns of the `births` register
BIRTH_SCHEMA: dict[str, pl.DataType] = {
    "org_unit": pl.String(),
    "date": pl.Date(),
    "sex": pl.String(),  # "M" or "F"
    "order": pl.Int64(),
    "in_policy": pl.Boolean(),
    "ref": pl.String(),
    "row": pl.Int64(),
}

#: columns of the `deaths` register
DEATH_SCHEMA: dict[str, pl.DataType] = {
    "org_unit": pl.String(),
    "date": pl.Date(),
    "sex": pl.String(),
    "age": pl.Float64(),
    "ref": pl.String(),
    "row": pl.Int64(),
}


#: columns of a register's tally (`Dataset.tallies`): its rows counted per org unit and day, then
#: one count column per register element of the pack (named by the element's id)
TALLY_SCHEMA: dict[str, pl.DataType] = {
    "org_unit": pl.String(),
    "date": pl.Date(),
    "rows": pl.UInt32(),
}

#: columns of a register's stray rows (`Dataset.strays`): the rows dated outside every period of
#: the data, kept with their spreadsheet rows when the rows themselves are not
STRAY_SCHEMA: dict[str, pl.DataType] = {
    "org_unit": pl.String(),
    "date": pl.Date(),
    "row": pl.Int64(),
}


def empty_values() -> pl.DataFrame:
    return pl.DataFrame(schema=VALUE_SCHEMA)


def tally(rows: pl.DataFrame, conditions: Mapping[str, pl.Expr | None]) -> pl.DataFrame:
    """Register rows counted per org unit and day (`TALLY_SCHEMA`), and per register element:
    the rows meeting its condition (null counts as not met; None: every row).

    >>> from datetime import date
    >>> rows = pl.DataFrame({"org_unit": ["1", "1", "1"], "sex": ["M", "F", None],
    ...                      "date": [date(2024, 1, 5), date(2024, 1, 5), date(2024, 1, 9)]})
    >>> tally(rows, {"boys": pl.col("sex") == "M", "all": None}).sort("date").rows()
    [('1', datetime.date(2024, 1, 5), 2, 1, 2), ('1', datetime.date(2024, 1, 9), 1, 0, 1)]
    """
    return rows.lazy().group_by("org_unit", "date").agg(tally_counts(conditions)).collect()


def month_tally(days: pl.DataFrame) -> pl.DataFrame:
    """A tally (`tally`) added up by month: (org_unit, start, rows, one count per element),
    `start` the month's first day; the unit-months with rows.

    >>> from datetime import date
    >>> days = pl.DataFrame({"org_unit": ["1", "1", "1"],
    ...                      "date": [date(2024, 1, 5), date(2024, 1, 9), date(2024, 2, 1)],
    ...                      "rows": [2, 1, 4], "boys": [1, 0, 3]})
    >>> month_tally(days).sort("start").rows()
    [('1', datetime.date(2024, 1, 1), 3, 1), ('1', datetime.date(2024, 2, 1), 4, 3)]
    """
    return (
        days.lazy()
        .group_by("org_unit", pl.col("date").dt.truncate("1mo").alias("start"))
        .agg(pl.exclude("date").sum())
        .collect()
    )


def tally_counts(conditions: Mapping[str, pl.Expr | None]) -> list[pl.Expr]:
    """A tally's count columns, for any grouping of register rows: `rows`, then one per
    register element."""
    return [
        pl.len().cast(pl.UInt32).alias("rows"),
        *(
            (pl.len() if c is None else c.fill_null(False).sum()).cast(pl.UInt32).alias(e)
            for e, c in conditions.items()
        ),
    ]


class Tallies(Mapping[str, pl.DataFrame]):
    """Register sheet -> its tally, each made when it is first asked for: a reader gives how
    to make it (from the arrays it counted in), and most computations never ask for a tally
    by day, only by month (`Dataset.month_tallies`).

    >>> made = []
    >>> t = Tallies({"births": lambda: made.append(1) or pl.DataFrame({"rows": [3]})})
    >>> list(t), made
    (['births'], [])
    >>> t["births"]["rows"].to_list(), t["births"]["rows"].to_list(), made
    ([3], [3], [1])
    """

    def __init__(self, tallies: Mapping[str, pl.DataFrame | Callable[[], pl.DataFrame]]) -> None:
        self._made = {k: v for k, v in tallies.items() if isinstance(v, pl.DataFrame)}
        self._makers = {k: v for k, v in tallies.items() if not isinstance(v, pl.DataFrame)}
        self._order = list(tallies)
        self._lock = threading.Lock()

    def __getitem__(self, sheet: str) -> pl.DataFrame:
        with self._lock:
            if sheet in self._makers:
                self._made[sheet] = self._makers.pop(sheet)()
            return self._made[sheet]

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)


@dataclass
class Dataset:
    """One workbook, read and checked.

    `values` holds entered data values (element ids resolved, periods parsed); `stated` holds
    figures the clerk stated for an indicator (element column = indicator id), which the engine
    compares with what it computes; `registers` maps a register sheet (`births`, `deaths`) to its
    rows, where they are kept (a server loads them row by row); `tallies` maps a register sheet
    to its rows counted per unit, day and register element (`tally`), which is all the engine
    needs: a reader that keeps no rows gives the tallies, and with them `strays`, each
    register's rows dated outside every period of the data with their spreadsheet rows.
    """

    source: str
    pack_id: str
    tree: OrgTree
    meta: dict[str, str] = field(default_factory=dict)
    values: pl.DataFrame = field(default_factory=empty_values)
    stated: pl.DataFrame = field(default_factory=empty_values)
    registers: dict[str, pl.DataFrame] = field(default_factory=dict)
    tallies: Mapping[str, pl.DataFrame] = field(default_factory=dict)
    #: each tally added up by month (`month_tally`), where the reader made it while counting
    month_tallies: dict[str, pl.DataFrame] = field(default_factory=dict)
    strays: dict[str, pl.DataFrame] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    narrative: list[NarrativeSection] = field(default_factory=list)
    #: the county's assessment method; empty: every item all-or-nothing at the pack's points
    assessment: list[AssessmentItem] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)
    #: what reading noticed without refusing (a hidden copy of a sheet left unread, a meta key
    #: zicha does not use): warning findings about the workbook itself
    notices: list[Finding] = field(default_factory=list)

    def register_height(
        self,
        sheet: str,
        units: Collection[str] | None = None,
        first: date | None = None,
        last: date | None = None,
    ) -> int:
        """How many rows a register holds (0 when the workbook has none); of `units` only and
        dated from `first` to `last`, when given."""
        frame = self.registers.get(sheet)
        months = self.month_tallies.get(sheet) if frame is None else None
        if months is not None and _whole_months(first, last):
            # (the tally by month answers whole months: the tally by day is not made for it)
            if units is not None:
                months = months.filter(pl.col("org_unit").is_in(list(units)))
            if first is not None and last is not None:
                months = months.filter(pl.col("start").is_between(first, last))
            return int(months["rows"].sum())
        if frame is None:
            frame = self.tallies.get(sheet)
        if frame is None:
            return 0
        if units is not None:
            frame = frame.filter(pl.col("org_unit").is_in(list(units)))
        if first is not None and last is not None:
            frame = frame.filter(pl.col("date").is_between(first, last))
        if sheet in self.registers:
            return frame.height
        return int(frame["rows"].sum())


def _whole_months(first: date | None, last: date | None) -> bool:
    """No dates, or from the first day of a month to the last day of one."""
    if first is None or last is None:
        return first is None and last is None
    return first.day == 1 and (last + timedelta(days=1)).day == 1
