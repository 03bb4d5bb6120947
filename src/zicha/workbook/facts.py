"""The workbook as a source of facts: the engine's questions answered from frames in memory.

Built once when a workbook has been read: entered values are split into flows and stocks, the
values a register supersedes are marked (the register is used), and registers are answered from
their tallies (rows counted per unit, day and register element: `zicha.engine.dataset.tally`),
made here from the rows where the dataset keeps rows, and added up by month once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

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
from zicha.engine.facts import LEVELS, MONTH_ROWS, MONTH_TOTALS, PERIOD_SUMS, REGISTER_ROWS
from zicha.engine.store import closure_frame, register_conditions


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
        #: register sheet -> its rows counted per unit and day, a column per register element
        self._days: dict[str, pl.DataFrame] = {}
        for sheet, frame in dataset.tallies.items():
            if frame.height and sheet not in self._registers:
                self._days[sheet] = frame
        for sheet, frame in self._registers.items():
            mine = {e: c for e, (s, c) in conditions.items() if s == sheet}
            self._days[sheet] = tally(frame, mine)
        #: the same per unit and month (`start`: its first day), as the reader counted it
        self._month_tally: dict[str, pl.DataFrame] = {}
        for sheet, days in self._days.items():
            months = dataset.month_tallies.get(sheet) if sheet not in self._registers else None
            self._month_tally[sheet] = month_tally(days) if months is None else months
        self._strays = {
            sheet: frame for sheet, frame in dataset.strays.items() if sheet in self._days
        }
        #: register element -> its sheet, for the registers that hold any row
        self._sheet_of = {
            item.element: sheet
            for sheet, spec in pack.registers.items()
            if sheet in self._days
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

    def _counted(self, sheet: str, names: Sequence[str], daily: bool = False) -> pl.DataFrame:
        """The tally of a register by month (or by day), with a column per element asked."""
        frames = self._days if daily else self._month_tally
        frame = frames[sheet]
        missing = [n for n in names if n not in frame.columns]
        if missing:
            raise KeyError(f"register {sheet} has no count of {', '.join(missing)}")
        return frame

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
            if sheet in self._days:
                by_sheet.setdefault(sheet, {})[element] = condition
        edges = [(p.id, a, b) for p in periods for a, b in p.cut_edges()]
        # the whole months inside each period: monthly counts join them on the month
        inside = pl.DataFrame(
            [(m.start, p.id) for p in periods for m in p.months() if p.contains(m)],
            schema={"start": pl.Date, "period": pl.String},
            orient="row",
        )
        keys = ["org_unit", "period"]
        wides: list[pl.LazyFrame] = []
        for sheet, conditions in by_sheet.items():
            # wide (a column per element): one row per unit and month, not one per unit,
            # month and element
            names = list(conditions)
            sums = [pl.col(n).sum().cast(pl.Float64) for n in names]
            parts = [
                self._counted(sheet, names)
                .lazy()
                .select("org_unit", "start", *names)
                .join(self._ancestors(orgs).lazy(), on="org_unit")
                .group_by("ancestor", "start")
                .agg(pl.col(n).sum() for n in names)
                .join(inside.lazy(), on="start")
                .group_by("ancestor", "period")
                .agg(sums)
            ]
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
            wide = pl.concat(parts)
            if edges:
                wide = wide.group_by("ancestor", "period").agg(pl.col(n).sum() for n in names)
            wides.append(wide.rename({"ancestor": "org_unit"}))
        if not wides:
            return pl.DataFrame(schema={k: pl.String() for k in keys})
        # sheets count different elements: a unit and period one has no row of is null in its
        # columns
        frame = wides[0]
        for wide in wides[1:]:
            frame = frame.join(wide, on=keys, how="full", coalesce=True)
        return frame.collect()

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
        if sheet not in self._days:
            return pl.DataFrame(schema=MONTH_TOTALS)
        return (
            self.register_months(sheet)
            .group_by("start")
            .agg(pl.col("rows").sum())
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
        days = self._days.get(sheet)
        if days is None:
            return None
        days = days.filter(pl.col("date").is_between(first, last))
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
        stocks = self._stocks.lazy().filter(pl.col("element").is_in(list(elements)))
        # one query: the dates' levels are found in parallel
        frames = [
            stocks.filter(pl.col("end") <= d)
            .group_by("org_unit", "element")
            .agg(pl.col("value").last())
            .with_columns(date=pl.lit(d, dtype=pl.Date))
            for d in sorted(set(dates))
        ]
        if not frames:
            return pl.DataFrame(schema=LEVELS)
        return (
            pl.concat(frames)
            .join(self._ancestors(orgs).lazy(), on="org_unit")
            .group_by("ancestor", "date", "element")
            .agg(pl.col("value").sum())
            .rename({"ancestor": "org_unit"})
            .select(list(LEVELS))
            .collect()
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
