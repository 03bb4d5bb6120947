"""The workbook as a source of facts: the engine's questions answered from frames in memory.

Built once when a workbook has been read: entered values are split into flows and stocks, the
values a register supersedes are marked (the register is used), and registers are answered from
their tallies (rows counted per unit, day and register element: `zicha.engine.dataset.tally`),
made here from the rows where the dataset keeps rows, and added up by month once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import polars as pl

from zicha.domain.assessment import AssessmentItem
from zicha.domain.checklist import ChecklistItem
from zicha.domain.finding import Finding
from zicha.domain.narrative import NarrativeSection
from zicha.domain.orgunit import OrgTree
from zicha.domain.pack import Pack
from zicha.domain.period import Period
from zicha.domain.target import Target
from zicha.engine.dataset import Dataset, month_tally, tally
from zicha.engine.facts import LEVEL_KEYS, MONTH_ROWS, MONTH_TOTALS, PERIOD_SUMS, REGISTER_ROWS
from zicha.engine.store import closure_frame, register_conditions
from zicha.workbook.rollup import TreeSums


def period_bounds(periods: Sequence[Period]) -> pl.DataFrame:
    """(period, pstart, pend) of each period."""
    return pl.DataFrame(
        {
            "period": [p.id for p in periods],
            "pstart": [p.start for p in periods],
            "pend": [p.end for p in periods],
        },
        schema={"period": pl.String, "pstart": pl.Date, "pend": pl.Date},
    )


def count_of(condition: pl.Expr | None) -> pl.Expr:
    """The number of rows meeting a register condition (null counts as not met)."""
    if condition is None:
        return pl.len().cast(pl.Float64)
    return condition.fill_null(False).cast(pl.Float64).sum()


def month_counts(
    rows: pl.DataFrame, counts: Mapping[str, pl.Expr | None], unit: str = "org_unit"
) -> pl.DataFrame:
    """Register rows counted by unit and month: (unit, element, start, end, value), with a 0
    where the unit has rows that month but none meets the element's condition.

    >>> from datetime import date
    >>> rows = pl.DataFrame({"org_unit": ["1", "1"], "date": [date(2024, 1, 5), date(2024, 1, 9)],
    ...                      "sex": ["M", "F"]})
    >>> month_counts(rows, {"boys": pl.col("sex") == "M", "all": None}).select(
    ...     "element", "value").sort("element").rows()
    [('all', 2.0), ('boys', 1.0)]
    """
    return (
        rows.lazy()
        .with_columns(start=pl.col("date").dt.truncate("1mo"))
        .group_by(unit, "start")
        .agg(count_of(c).alias(e) for e, c in counts.items())
        .unpivot(index=[unit, "start"], variable_name="element", value_name="value")
        .select(
            unit,
            "element",
            "start",
            pl.col("start").dt.month_end().alias("end"),
            pl.col("value").cast(pl.Float64),
        )
        .collect()
    )


class WorkbookFacts:
    """The facts of one workbook read into a `Dataset`."""

    def __init__(self, pack: Pack, dataset: Dataset) -> None:
        self.pack = pack
        self.dataset = dataset
        self._tree = dataset.tree
        self.closure = closure_frame(dataset.tree)
        conditions = register_conditions(pack)
        #: register sheet -> its rows (where the dataset keeps them)
        self._registers = {
            sheet: frame for sheet, frame in dataset.registers.items() if frame.height
        }
        #: register sheet -> its rows counted per unit and month (`start`: its first day), a
        #: column per register element, as the reader counted them; the registers with rows
        self._month_tally: dict[str, pl.DataFrame] = {}
        #: the same per unit and day, made when first asked for (`_day_tally`)
        self._days: dict[str, pl.DataFrame] = {}
        for sheet in dataset.tallies:
            if sheet in self._registers:
                continue
            months = dataset.month_tallies.get(sheet)
            if months is None:
                self._days[sheet] = dataset.tallies[sheet]
                months = month_tally(self._days[sheet])
            if months.height:
                self._month_tally[sheet] = months
        for sheet, frame in self._registers.items():
            mine = {e: c for e, (s, c) in conditions.items() if s == sheet}
            self._days[sheet] = tally(frame, mine)
            self._month_tally[sheet] = month_tally(self._days[sheet])
        self._strays = {
            sheet: frame for sheet, frame in dataset.strays.items() if sheet in self._month_tally
        }
        #: register element -> its sheet, for the registers that hold any row
        self._sheet_of = {
            item.element: sheet
            for sheet, spec in pack.registers.items()
            if sheet in self._month_tally
            for item in spec.elements
        }
        self._entered = dataset.values.with_columns(superseded=self._superseded(dataset.values))
        self._stated = dataset.stated.with_columns(superseded=pl.lit(False))
        used = self._entered.filter(~pl.col("superseded")).drop("superseded", "comment")
        stock_ids = [e.id for e in pack.elements.values() if e.is_stock]
        self._stocks = used.filter(pl.col("element").is_in(stock_ids)).sort("end", "row")
        self._flows = used.filter(~pl.col("element").is_in(stock_ids))
        #: register sheet -> its rows counted by unit and month
        self._month_rows: dict[str, pl.DataFrame] = {}
        self._tree_sums: TreeSums | None = None
        #: register sheet -> the place and month number of each row of its month tally
        self._month_arrays: dict[str, tuple[Any, Any]] = {}

    @property
    def tree(self) -> OrgTree:
        return self._tree

    # ------------------------------------------------------------------ building

    def _superseded(self, values: pl.DataFrame) -> pl.Series:
        """Entered values that a register gives for the same element, org unit and month."""
        flags = pl.Series("superseded", [False] * values.height, dtype=pl.Boolean)
        if not self._sheet_of or values.height == 0:
            return flags
        keyed = values.select("org_unit", "element", "start", "end", "row").with_row_index("i")
        hit: list[pl.DataFrame] = [pl.DataFrame(schema={"i": pl.UInt32})]
        for sheet, counted in self._month_tally.items():
            elements = [e for e, s in self._sheet_of.items() if s == sheet]
            mine = keyed.filter(pl.col("element").is_in(elements))
            if mine.height == 0:
                continue
            months = counted.select("org_unit", pl.col("start").alias("month"))
            hit.append(
                mine.join(months, on="org_unit")
                .filter((pl.col("month") >= pl.col("start")) & (pl.col("month") <= pl.col("end")))
                .select("i")
            )
        index = pl.concat(hit)["i"].unique()
        return flags.scatter(index, True) if index.len() else flags

    def _day_tally(self, sheet: str) -> pl.DataFrame:
        """A register's rows counted per unit and day (of a register with rows)."""
        if sheet not in self._days:
            self._days[sheet] = self.dataset.tallies[sheet]
        return self._days[sheet]

    def _counted(self, sheet: str, names: Sequence[str], daily: bool = False) -> pl.DataFrame:
        """The tally of a register by month (or by day), with a column per element asked."""
        frame = self._day_tally(sheet) if daily else self._month_tally[sheet]
        missing = [n for n in names if n not in frame.columns]
        if missing:
            raise KeyError(f"register {sheet} has no count of {', '.join(missing)}")
        return frame

    def _rollup(self) -> TreeSums:
        if self._tree_sums is None:
            self._tree_sums = TreeSums(self._tree)
        return self._tree_sums

    def _whole_months(
        self, sheet: str, names: Sequence[str], asked: Any, periods: Sequence[Period]
    ) -> Any:
        """A register's counts over the whole months inside each period, added up the tree for
        the units at `asked` places: an array (asked, period, name), then a last column that is
        not 0 where any unit at or below has rows in those months. In arrays of a row per unit
        and a column per month."""
        import numpy as np

        months: dict[int, int] = {}  # each month held whole by a period (its number) -> column
        holds: list[tuple[int, int]] = []  # (month column, period)
        for j, period in enumerate(periods):
            for m in period.months():
                if period.contains(m):
                    number = m.start.year * 12 + m.start.month - 1
                    holds.append((months.setdefault(number, len(months)), j))
        counted = self._counted(sheet, names)
        if not holds or not counted.height:
            return np.zeros((len(asked), len(periods), len(names) + 1))
        tree = self._rollup()
        if sheet not in self._month_arrays:
            start = pl.col("start")
            self._month_arrays[sheet] = (
                tree.places(counted["org_unit"]),
                counted.select(start.dt.year().cast(pl.Int64) * 12 + start.dt.month() - 1)
                .to_series()
                .to_numpy(),
            )
        unit, numbers = self._month_arrays[sheet]
        # each row's month column (-1: a month no period holds whole)
        low, high = min(months), max(months)
        column = np.full(high - low + 1, -1)
        column[np.array(list(months)) - low] = list(months.values())
        month = column[np.clip(numbers, low, high) - low]
        month[(numbers < low) | (numbers > high)] = -1
        mine = (unit >= 0) & (month >= 0)
        # the counts, then 1 where the unit has rows that month: a period's row is kept where
        # any unit below has rows in it (its counts may all be 0)
        cube = np.zeros((len(tree), len(months), len(names) + 1))
        cube[unit[mine], month[mine], :-1] = counted.select(names).to_numpy()[mine]
        cube[unit[mine], month[mine], -1] = 1.0
        inside = np.zeros((len(months), len(periods)))
        inside[tuple(np.array(holds).T)] = 1.0
        # (asked, month, name) · (month, period) → (asked, name, period) → (asked, period, name)
        summed = tree.up(cube)[asked]
        return np.tensordot(summed, inside, axes=([1], [0])).transpose(0, 2, 1)

    # ------------------------------------------------------------------ questions

    def _ancestors(self, orgs: Sequence[str]) -> pl.DataFrame:
        return self.closure.filter(pl.col("ancestor").is_in(list(orgs)))

    def _in_periods(self, facts: pl.DataFrame, periods: Sequence[Period]) -> pl.DataFrame:
        """Sums of (ancestor, element, start, end) rows spread over the periods holding them."""
        return (
            facts.join(period_bounds(periods), how="cross")
            .filter((pl.col("start") >= pl.col("pstart")) & (pl.col("end") <= pl.col("pend")))
            .select("ancestor", "period", "element", "value")
        )

    def _up(self, facts: pl.DataFrame, orgs: Sequence[str]) -> pl.DataFrame:
        return (
            facts.join(self._ancestors(orgs), on="org_unit")
            .group_by("ancestor", "element", "start", "end")
            .agg(pl.col("value").sum())
        )

    @staticmethod
    def _sums(parts: list[pl.DataFrame]) -> pl.DataFrame:
        """Parts of (ancestor, period, element, value) added up."""
        if not parts:
            return pl.DataFrame(schema=PERIOD_SUMS)
        return (
            pl.concat(parts)
            .group_by("ancestor", "period", "element")
            .agg(pl.col("value").sum())
            .rename({"ancestor": "org_unit"})
            .select(list(PERIOD_SUMS))
        )

    def flows(
        self, orgs: Sequence[str], elements: Sequence[str], periods: Sequence[Period]
    ) -> pl.DataFrame:
        facts = self._flows.filter(pl.col("element").is_in(list(elements)))
        return self._sums([self._in_periods(self._up(facts, orgs), periods)])

    def register_counts(
        self,
        orgs: Sequence[str],
        counts: Mapping[str, tuple[str, pl.Expr | None]],
        periods: Sequence[Period],
    ) -> pl.DataFrame:
        by_sheet: dict[str, dict[str, pl.Expr | None]] = {}
        for element, (sheet, condition) in counts.items():
            if sheet in self._month_tally:
                by_sheet.setdefault(sheet, {})[element] = condition
        periods = list({p.id: p for p in periods}.values())
        edges = [(p.id, a, b) for p in periods for a, b in p.cut_edges()]
        keys = ["org_unit", "period"]
        if not by_sheet:
            return pl.DataFrame(schema={k: pl.String() for k in keys})
        codes, asked = self._rollup().asked(orgs)
        whole = {
            sheet: self._whole_months(sheet, list(conditions), asked, periods)
            for sheet, conditions in by_sheet.items()
        }
        if not edges:
            return self._counts_frame(codes, periods, by_sheet, whole)
        # periods that cut months: the days of those parts counted from the day tallies
        wides: list[pl.LazyFrame] = []
        for sheet, conditions in by_sheet.items():
            # wide (a column per element): one row per unit and period
            names = list(conditions)
            sums = [pl.col(n).sum().cast(pl.Float64) for n in names]
            part = self._counts_frame(codes, periods, {sheet: conditions}, whole)
            parts = [part.rename({"org_unit": "ancestor"}).lazy()]
            days = self._counted(sheet, names, daily=True).lazy()
            for period, first, last in edges:
                parts.append(
                    days.filter(pl.col("date").is_between(first, last))
                    .group_by("org_unit")
                    .agg(sums)
                    .join(self._ancestors(orgs).lazy(), on="org_unit")
                    .select("ancestor", pl.lit(period).alias("period"), *names)
                )
            # the whole months give a key once; the parts of months cut by a period add to them
            wide = (
                pl.concat(parts).group_by("ancestor", "period").agg(pl.col(n).sum() for n in names)
            )
            wides.append(wide.rename({"ancestor": "org_unit"}))
        # sheets count different elements: a unit and period one has no row of is null in its
        # columns
        frame = wides[0]
        for wide in wides[1:]:
            frame = frame.join(wide, on=keys, how="full", coalesce=True)
        return frame.collect()

    @staticmethod
    def _counts_frame(
        codes: Sequence[str],
        periods: Sequence[Period],
        sheets: Mapping[str, Mapping[str, object]],
        whole: Mapping[str, Any],
    ) -> pl.DataFrame:
        """The sheets' whole-month sums (`_whole_months`) as one wide frame: a row per unit and
        period any of them has rows in, their counts null where a sheet has none."""
        import numpy as np

        held = {sheet: whole[sheet][..., -1] > 0 for sheet in sheets}
        o, p = np.nonzero(np.logical_or.reduce(list(held.values())))
        columns: dict[str, pl.Series] = {
            "org_unit": pl.Series(codes, dtype=pl.String).gather(o),
            "period": pl.Series([q.id for q in periods], dtype=pl.String).gather(p),
        }
        for sheet, conditions in sheets.items():
            found, has = whole[sheet][o, p], held[sheet][o, p]
            for i, name in enumerate(conditions):
                # (counts are never NaN: NaN marks a unit and period the sheet has no rows in)
                values = np.where(has, found[:, i], np.nan)
                columns[name] = pl.Series(name, values, dtype=pl.Float64, nan_to_null=True)
        return pl.DataFrame(columns)

    def register_months(self, sheet: str, root: str | None = None) -> pl.DataFrame:
        counted = self._month_tally.get(sheet)
        if counted is None:
            return pl.DataFrame(schema=MONTH_ROWS)
        if sheet not in self._month_rows:
            self._month_rows[sheet] = counted.select(
                "org_unit", "start", pl.col("rows").cast(pl.Int64)
            ).sort("org_unit", "start")
        return self._subtree(self._month_rows[sheet], root)

    def register_totals(self, sheet: str) -> pl.DataFrame:
        counted = self._month_tally.get(sheet)
        if counted is None:
            return pl.DataFrame(schema=MONTH_TOTALS)
        # (straight from the tally by month: `register_months` sorts it by unit, which the
        # totals do not need)
        return (
            counted.group_by("start")
            .agg(pl.col("rows").cast(pl.Int64).sum())
            .sort("start")
            .cast(MONTH_TOTALS)  # type: ignore[arg-type]
        )

    def register_rows(
        self, sheet: str, first: date, last: date, root: str | None = None
    ) -> pl.DataFrame:
        rows = self._registers.get(sheet)
        if rows is None:
            rows = self._rows_from_tally(sheet, first, last)
            if rows is None:
                return pl.DataFrame(schema=REGISTER_ROWS)
        return (
            self._subtree(rows, root)
            .filter(pl.col("date").is_between(first, last))
            .select(list(REGISTER_ROWS))
            .sort("row", "date", nulls_last=True)
        )

    def _rows_from_tally(self, sheet: str, first: date, last: date) -> pl.DataFrame | None:
        """A register's rows dated from `first` to `last` where only its tally is kept: the
        stray rows (dated outside every period of the data) with their spreadsheet rows, the
        others one per row counted, without (`row` null). A day's rows are all strays or none."""
        if sheet not in self._month_tally:
            return None
        days = self._day_tally(sheet).filter(pl.col("date").is_between(first, last))
        strays = self._strays.get(sheet)
        if strays is not None and strays.height:
            strays = strays.filter(pl.col("date").is_between(first, last))
            days = days.filter(~pl.col("date").is_in(strays["date"].unique().implode()))
        counted = days.select(
            pl.col("org_unit").repeat_by("rows").explode(),
            pl.col("date").repeat_by("rows").explode(),
            pl.lit(None, pl.Int64).alias("row"),
        )
        if strays is None or not strays.height:
            return counted
        return pl.concat([strays.select(list(REGISTER_ROWS)), counted])

    def stocks(
        self, orgs: Sequence[str], elements: Sequence[str], dates: Sequence[date]
    ) -> pl.DataFrame:
        import numpy as np

        days = sorted(set(dates))
        wanted = list(dict.fromkeys(elements))
        entries = self._stocks.filter(pl.col("element").is_in(wanted))  # by end, then row
        if not days or not entries.height:
            return pl.DataFrame(schema={**LEVEL_KEYS, **{e: pl.Float64() for e in wanted}})
        tree = self._rollup()
        # an array of (unit, element) rows and a column per date: each entry at the first date
        # on or after its end, the later entry of two there kept
        unit = tree.places(entries["org_unit"])
        element = (
            entries["element"]
            .replace_strict({e: i for i, e in enumerate(wanted)}, return_dtype=pl.Int64)
            .to_numpy()
        )
        numbers = pl.Series(days, dtype=pl.Date).to_physical().to_numpy()
        first = np.searchsorted(numbers, entries["end"].to_physical().to_numpy(), side="left")
        kept = (unit >= 0) & (first < len(days))
        cells = ((unit * len(wanted) + element) * len(days) + first)[kept][::-1]
        cells, last = np.unique(cells, return_index=True)  # (of the reversed: the last entry)
        level: Any = np.full(len(tree) * len(wanted) * len(days), np.nan)
        level[cells] = entries["value"].to_numpy()[kept][::-1][last]
        level = level.reshape(-1, len(days))
        # a level holds from its date until the next one
        held = np.where(np.isnan(level), 0, np.arange(len(days)))
        np.maximum.accumulate(held, axis=1, out=held)
        level = np.take_along_axis(level, held, axis=1)
        # added up the tree, with how many units below have a level: none is null, not 0
        shape = (len(tree), len(wanted) * len(days))
        count = tree.up((~np.isnan(level)).reshape(shape))
        summed = tree.up(np.nan_to_num(level).reshape(shape))
        asked, places = tree.asked(orgs)
        count = count[places].reshape(len(asked), len(wanted), len(days))
        summed = summed[places].reshape(len(asked), len(wanted), len(days))
        has = count > 0
        o, d = np.nonzero(has.any(axis=1))
        levels = {
            e: pl.Series(e, np.where(has[o, i, d], summed[o, i, d], np.nan), nan_to_null=True)
            for i, e in enumerate(wanted)
        }
        return pl.DataFrame(
            {
                "org_unit": pl.Series(asked, dtype=pl.String).gather(o),
                "date": pl.Series(days, dtype=pl.Date).gather(d),
                **levels,
            }
        )

    def _subtree(self, frame: pl.DataFrame, root: str | None) -> pl.DataFrame:
        if root is None:
            return frame
        units = [root, *self._tree.descendants(root)]
        return frame.filter(pl.col("org_unit").is_in(units))

    def entered(self, root: str | None = None) -> pl.DataFrame:
        return self._subtree(self._entered, root)

    def stated(self, root: str | None = None) -> pl.DataFrame:
        return self._subtree(self._stated, root)

    def periods(self) -> list[str]:
        frames = (self._entered["period"], self._stated["period"])
        return pl.concat(frames).unique(maintain_order=True).to_list()

    def targets(self) -> list[Target]:
        return list(self.dataset.targets)

    def assessment(self) -> list[AssessmentItem]:
        return list(self.dataset.assessment)

    def checklist(self) -> list[ChecklistItem]:
        return list(self.dataset.checklist)

    def own_unit(self) -> str | None:
        return self.dataset.meta.get("orgunit") or None

    def notices(self) -> list[Finding]:
        return list(self.dataset.notices)

    def _own(self, org: str) -> bool:
        own = (self.dataset.meta.get("orgunit") or "").strip()
        return org == (own if own in self._tree else self._tree.root.code)

    def narrative(self, org: str) -> list[NarrativeSection]:
        return list(self.dataset.narrative) if self._own(org) else []

    def report_header(self, org: str) -> dict[str, str]:
        return dict(self.dataset.meta) if self._own(org) else {}
