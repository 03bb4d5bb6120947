"""Values at the finest grain, and their aggregation up the tree and over periods.

Entered values and register rows (rolled up to org unit × month) are held in two polars frames,
flows and stocks. Queries are answered for many org units and periods at once: flows are summed
over every value whose own period lies inside the query period (a value counts in every period that
contains its period and in none shorter); stocks take, for each org unit, the last value at or
before the query date, then sum up the tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import polars as pl

from zicha.domain.expression import Ref, parse
from zicha.domain.finding import Finding
from zicha.domain.orgunit import OrgTree
from zicha.domain.pack import Pack
from zicha.domain.period import Period
from zicha.engine.coverage import Coverage, coverages, month_end
from zicha.engine.dataset import Dataset
from zicha.engine.evaluation import compile_expr

_FACT_SCHEMA: dict[str, pl.DataType] = {
    "org_unit": pl.String(),
    "element": pl.String(),
    "start": pl.Date(),
    "end": pl.Date(),
    "value": pl.Float64(),
    "row": pl.Int64(),
}


def closure_frame(tree: OrgTree) -> pl.DataFrame:
    """Every (org unit, ancestor-or-self) pair of the tree.

    >>> from zicha.domain.orgunit import OrgUnit
    >>> t = OrgTree.build([OrgUnit("1", "县"), OrgUnit("2", "乡", "1")])
    >>> closure_frame(t).sort("org_unit", "ancestor").rows()
    [('1', '1'), ('2', '1'), ('2', '2')]
    """
    org: list[str] = []
    anc: list[str] = []
    for unit in tree:
        for a in (unit.code, *tree.ancestors(unit.code)):
            org.append(unit.code)
            anc.append(a)
    return pl.DataFrame(
        {"org_unit": org, "ancestor": anc}, schema={"org_unit": pl.String, "ancestor": pl.String}
    )


class ValueStore:
    """The values of one dataset, ready to be aggregated for any org unit and period."""

    def __init__(self, pack: Pack, dataset: Dataset) -> None:
        self.pack = pack
        self.dataset = dataset
        self.tree = dataset.tree
        self.findings: list[Finding] = []
        self.closure = closure_frame(dataset.tree)
        #: the months each register is the complete record of (`zicha.engine.coverage`)
        self.coverage = coverages(dataset, pack)
        self.register_spans: dict[str, Coverage] = {}
        #: element -> (register sheet, the row condition counting it)
        self.register_conditions: dict[str, tuple[str, pl.Expr]] = {}
        register_facts = self._roll_up_registers()
        entered = self._entered_facts(register_facts)
        facts = pl.concat([entered, register_facts], how="vertical")
        stock_ids = [e.id for e in pack.elements.values() if e.is_stock]
        self.stocks = facts.filter(pl.col("element").is_in(stock_ids)).sort("end", "row")
        flows = facts.filter(~pl.col("element").is_in(stock_ids))
        month_grain = (pl.col("start").dt.day() == 1) & (
            pl.col("end") == pl.col("start").dt.month_end()
        )
        self.flows = flows.with_columns(month_grain=month_grain)

    # ------------------------------------------------------------------ building

    def _roll_up_registers(self) -> pl.DataFrame:
        parts: list[pl.DataFrame] = []
        for sheet, spec in self.pack.registers.items():
            frame = self.dataset.registers.get(sheet)
            if frame is None or frame.height == 0:
                continue
            span = self.coverage[sheet]
            aggs: list[pl.Expr] = []
            for item in spec.elements:
                self.register_spans[item.element] = span
                if item.where.strip():
                    cond = compile_expr(parse(item.where), _register_column).fill_null(False)
                else:
                    cond = pl.col("date").is_not_null()  # every row (a row-wise expression)
                self.register_conditions[item.element] = (sheet, cond)
                aggs.append(cond.cast(pl.Int64).sum().alias(item.element))
            counted = (
                frame.lazy()
                .with_columns(start=pl.col("date").dt.truncate("1mo"))
                .group_by("org_unit", "start")
                .agg(aggs)
                .unpivot(index=["org_unit", "start"], variable_name="element", value_name="value")
                .select(
                    "org_unit",
                    "element",
                    "start",
                    pl.col("start").dt.month_end().alias("end"),
                    pl.col("value").cast(pl.Float64),
                    pl.lit(None, dtype=pl.Int64).alias("row"),
                )
                .collect()
            )
            parts.append(counted)
        if not parts:
            return pl.DataFrame(schema=_FACT_SCHEMA)
        return pl.concat(parts)

    def _entered_facts(self, registered: pl.DataFrame) -> pl.DataFrame:
        """Entered values, less those a register also gives for the same element, org unit and
        month: the register is used, and the conflict is a finding."""
        values = self.dataset.values.select(list(_FACT_SCHEMA))
        if not self.register_spans or values.height == 0:
            return values
        months = registered.select("org_unit", "element", pl.col("start").alias("month")).unique()
        clashes = (
            values.join(months, on=["org_unit", "element"])
            .filter((pl.col("month") >= pl.col("start")) & (pl.col("month") <= pl.col("end")))
            .select("row")
            .unique()
        )
        clashing = self.dataset.values.join(clashes, on="row", how="semi").sort("row")
        for row in clashing.iter_rows(named=True):
            element = row["element"]
            sheet = self.register_conditions[element][0]
            name = self.pack.elements[element].name
            self.findings.append(
                Finding(
                    rule="register_conflict",
                    severity="error",
                    message=(
                        f"「数据」第 {row['row']} 行填报了{name}（{row['period']}），"
                        f"而{_SHEET_NAMES.get(sheet, sheet)}中已有该单位同期的记录，两者重复；"
                        f"计算使用登记汇总数，请删除该行或删除相应登记"
                    ),
                    elements=(element,),
                    org_unit=row["org_unit"],
                    period=row["period"],
                )
            )
        return values.join(clashes, on="row", how="anti")

    # ------------------------------------------------------------------ queries

    def _ancestors(self, orgs: Sequence[str]) -> pl.DataFrame:
        return self.closure.filter(pl.col("ancestor").is_in(list(orgs)))

    def flow_values(
        self, orgs: Sequence[str], periods: Sequence[Period], elements: Iterable[str]
    ) -> pl.DataFrame:
        """Wide frame of flows: one row per (org_unit, period) with anything entered, a column
        per element with any value; null where nothing was entered for it.

        Month-grain values are summed up the tree and spread over the periods containing their
        month while still wide (a column per element), so the sums over months run on one row per
        org unit and month instead of one per org unit, month and element.
        """
        wanted = sorted(set(elements))
        facts = self.flows.filter(pl.col("element").is_in(wanted))
        up = (
            facts.lazy()
            .join(self._ancestors(orgs).lazy(), on="org_unit")
            .group_by("ancestor", "element", "start", "end", "month_grain")
            .agg(pl.col("value").sum())
            .collect()
        )
        month_map = pl.DataFrame(
            [(m.start, p.id) for p in periods for m in p.months() if p.contains(m)],
            schema={"start": pl.Date, "period": pl.String},
            orient="row",
        )
        bounds = pl.DataFrame(
            {
                "period": [p.id for p in periods],
                "pstart": [p.start for p in periods],
                "pend": [p.end for p in periods],
            },
            schema={"period": pl.String, "pstart": pl.Date, "pend": pl.Date},
        )
        aligned = [p for p in periods if _month_aligned(p)]
        ragged = [p for p in periods if not _month_aligned(p)]
        # (ancestor, element, start) is unique among month-grain values: their end is the month's
        by_month = (
            up.filter(pl.col("month_grain"))
            .pivot(on="element", index=["ancestor", "start"], values="value")
            .join(month_map, on="start")
            .drop("start")
        )
        if ragged:
            # register months cannot answer for a period that cuts a month: count the rows
            aligned_ids = [p.id for p in aligned]
            by_month = by_month.with_columns(
                pl.when(pl.col("period").is_in(aligned_ids)).then(pl.col(c)).alias(c)
                for c in by_month.columns
                if c in self.register_conditions
            )
        other = (
            up.filter(~pl.col("month_grain"))
            .join(bounds, how="cross")
            .filter((pl.col("start") >= pl.col("pstart")) & (pl.col("end") <= pl.col("pend")))
        )
        exact = self._register_exact(orgs, ragged, wanted)
        parts = [by_month] + [
            part.pivot(
                on="element", index=["ancestor", "period"], values="value", aggregate_function="sum"
            )
            for part in (other, exact)
            if part.height
        ]
        wide = pl.concat(parts, how="diagonal_relaxed") if len(parts) > 1 else by_month
        names = [c for c in wide.columns if c not in ("ancestor", "period")]
        # every value summed is a sum already (never null): null here means nothing was entered
        return (
            wide.group_by("ancestor", "period")
            .agg(pl.when(pl.col(c).count() > 0).then(pl.col(c).sum()).alias(c) for c in names)
            .rename({"ancestor": "org_unit"})
        )

    def _register_exact(
        self, orgs: Sequence[str], periods: Sequence[Period], elements: Sequence[str]
    ) -> pl.DataFrame:
        """Register counts straight from the rows, for periods that cut a month."""
        schema = {
            "ancestor": pl.String,
            "period": pl.String,
            "element": pl.String,
            "value": pl.Float64,
        }
        frames: list[pl.DataFrame] = []
        by_sheet: dict[str, list[str]] = {}
        for element in elements:
            if element in self.register_conditions:
                by_sheet.setdefault(self.register_conditions[element][0], []).append(element)
        for sheet, names in by_sheet.items():
            rows = self.dataset.registers[sheet]
            aggs = [self.register_conditions[n][1].cast(pl.Float64).sum().alias(n) for n in names]
            for p in periods:
                counted = (
                    rows.filter(pl.col("date").is_between(p.start, p.end))
                    .group_by("org_unit")
                    .agg(aggs)
                    .unpivot(index="org_unit", variable_name="element", value_name="value")
                    .join(self._ancestors(orgs), on="org_unit")
                    .group_by("ancestor", "element")
                    .agg(pl.col("value").sum())
                    .select("ancestor", pl.lit(p.id).alias("period"), "element", "value")
                )
                frames.append(counted)
        if not frames:
            return pl.DataFrame(schema=schema)
        return pl.concat(frames).cast(schema)  # type: ignore[arg-type]

    def stock_values(
        self, orgs: Sequence[str], dates: Sequence[date], elements: Iterable[str]
    ) -> pl.DataFrame:
        """Long frame (org_unit, date, element, value): each unit's last level at or before the
        date, summed up the tree; absent where no unit below has any value yet."""
        wanted = sorted(set(elements))
        stocks = self.stocks.filter(pl.col("element").is_in(wanted))
        frames: list[pl.DataFrame] = []
        for d in sorted(set(dates)):
            last = (
                stocks.filter(pl.col("end") <= d)
                .group_by("org_unit", "element")
                .agg(pl.col("value").last())
                .with_columns(date=pl.lit(d, dtype=pl.Date))
            )
            frames.append(last)
        if not frames:
            return pl.DataFrame(
                schema={
                    "org_unit": pl.String,
                    "date": pl.Date,
                    "element": pl.String,
                    "value": pl.Float64,
                }
            )
        return (
            pl.concat(frames)
            .join(self._ancestors(orgs), on="org_unit")
            .group_by("ancestor", "date", "element")
            .agg(pl.col("value").sum())
            .rename({"ancestor": "org_unit"})
        )

    def element_frame(
        self, orgs: Sequence[str], periods: Sequence[Period], refs: Iterable[Ref]
    ) -> pl.DataFrame:
        """Wide frame: one row per (org unit, period), a column per referenced element value.

        Column names: `name` for a flow or a stock's closing level, `opening:name` for a stock's
        level at the end of the day before the period starts.
        """
        orgs = list(dict.fromkeys(orgs))
        periods = list({p.id: p for p in periods}.values())
        grid = pl.DataFrame(
            {
                "org_unit": [o for o in orgs for _ in periods],
                "period": [p.id for _ in orgs for p in periods],
            },
            schema={"org_unit": pl.String, "period": pl.String},
        )
        refs = set(refs)
        flows = {
            r.name
            for r in refs
            if r.name in self.pack.elements
            and not self.pack.elements[r.name].is_stock
            and r.variant in (None, "closing")
        }
        closings = {
            r.name
            for r in refs
            if r.name in self.pack.elements
            and self.pack.elements[r.name].is_stock
            and r.variant in (None, "closing")
        }
        openings = {r.name for r in refs if r.name in self.pack.elements and r.variant == "opening"}
        frame = grid
        if flows:
            wide = self.flow_values(orgs, periods, flows)
            frame = frame.join(wide, on=["org_unit", "period"], how="left")
            for name in flows:
                if name not in frame.columns:
                    frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(name))
            frame = self._fill_register_zeros(frame, periods, flows)
        if closings or openings:
            ends = {p.id: p.end for p in periods}
            starts = {p.id: p.start - timedelta(days=1) for p in periods}
            dates = list(ends.values()) + list(starts.values())
            long = self.stock_values(orgs, dates, closings | openings)
            wide = long.pivot(on="element", index=["org_unit", "date"], values="value")
            date_of = pl.DataFrame(
                {
                    "period": list(ends),
                    "end_date": list(ends.values()),
                    "open_date": [starts[k] for k in ends],
                },
                schema={"period": pl.String, "end_date": pl.Date, "open_date": pl.Date},
            )
            frame = frame.join(date_of, on="period", how="left")
            if closings:
                sel = wide.select(["org_unit", "date", *[c for c in closings if c in wide.columns]])
                frame = frame.join(
                    sel, left_on=["org_unit", "end_date"], right_on=["org_unit", "date"], how="left"
                )
            if openings:
                cols = [c for c in openings if c in wide.columns]
                sel = wide.select(
                    ["org_unit", "date", *[pl.col(c).alias(f"opening:{c}") for c in cols]]
                )
                frame = frame.join(
                    sel,
                    left_on=["org_unit", "open_date"],
                    right_on=["org_unit", "date"],
                    how="left",
                )
            for name in closings:
                if name not in frame.columns:
                    frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(name))
            for name in openings:
                if f"opening:{name}" not in frame.columns:
                    frame = frame.with_columns(
                        pl.lit(None, dtype=pl.Float64).alias(f"opening:{name}")
                    )
            frame = frame.drop("end_date", "open_date")
        return frame

    def _fill_register_zeros(
        self, frame: pl.DataFrame, periods: Sequence[Period], flows: set[str]
    ) -> pl.DataFrame:
        """Inside a register's months the register is complete: no row means none happened.
        (Months a busy unit left empty are findings: `zicha.engine.coverage.gaps`.)"""
        for name in flows & set(self.register_spans):
            span = self.register_spans[name]
            covered = [p.id for p in periods if span.overlaps(p)]
            frame = frame.with_columns(
                pl.when(pl.col("period").is_in(covered))
                .then(pl.col(name).fill_null(0.0))
                .otherwise(pl.col(name))
                .alias(name)
            )
        return frame


_SHEET_NAMES = {"births": "出生登记", "deaths": "死亡登记"}


def _month_aligned(p: Period) -> bool:
    return p.start.day == 1 and p.end == month_end(p.end)


def _register_column(ref: Ref) -> str:
    return ref.name
