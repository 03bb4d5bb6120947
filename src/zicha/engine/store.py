"""Values aggregated up the tree and over periods, asked of a source of facts.

The store asks its source (`zicha.engine.facts.Facts`) for flows summed per org unit and period,
register counts and stock levels, many org units and periods at once, and lays the answers out
as one wide frame per batch: a column per element, `opening:` columns for a stock's level at the
end of the day before a period starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

import polars as pl

from zicha.domain.expression import Ref, parse
from zicha.domain.orgunit import OrgTree
from zicha.domain.pack import Pack
from zicha.domain.period import Period
from zicha.engine.coverage import Coverage, coverages, reference_periods
from zicha.engine.evaluation import compile_expr
from zicha.engine.facts import Facts, RegisterCount


def closure_frame(tree: OrgTree) -> pl.DataFrame:
    """Every (org unit, ancestor-or-self) pair of the tree.

    >>> from zicha.domain.orgunit import OrgUnit
    >>> t = OrgTree.build([OrgUnit("1", "县"), OrgUnit("2", "乡", "1")])
    >>> closure_frame(t).sort("org_unit", "ancestor").rows()
    [('1', '1'), ('2', '1'), ('2', '2')]
    """
    pairs = tree.closure()
    return pl.DataFrame(
        {"org_unit": [p[0] for p in pairs], "ancestor": [p[1] for p in pairs]},
        schema={"org_unit": pl.String, "ancestor": pl.String},
    )


def register_conditions(pack: Pack) -> dict[str, RegisterCount]:
    """Each register element's sheet and row condition (None: every row counts).

    >>> from zicha.packs.registry import get_pack
    >>> sheet, cond = register_conditions(get_pack(None))["births_male"]
    >>> sheet, cond is not None
    ('births', True)
    """
    out: dict[str, RegisterCount] = {}
    for sheet, spec in pack.registers.items():
        for item in spec.elements:
            cond = compile_expr(parse(item.where), _register_column) if item.where.strip() else None
            out[item.element] = (sheet, cond)
    return out


class ValueStore:
    """The values of one source of facts, aggregated for any org units and periods."""

    def __init__(
        self, pack: Pack, facts: Facts, registers: Mapping[str, RegisterCount] | None = None
    ) -> None:
        self.pack = pack
        self.facts = facts
        self.tree = facts.tree
        conditions = register_conditions(pack) if registers is None else registers
        sheets = {sheet for sheet, _ in conditions.values()}
        #: the months each register is the complete record of (`zicha.engine.coverage`)
        spans = coverages(facts, pack, sheets=[s for s in pack.registers if s in sheets])
        self.register_spans: dict[str, Coverage] = {}
        #: element -> (register sheet, the row condition counting it), registers with rows only
        self.register_conditions: dict[str, RegisterCount] = {}
        for element, (sheet, cond) in conditions.items():
            if sheet in spans:
                self.register_spans[element] = spans[sheet]
                self.register_conditions[element] = (sheet, cond)
        self._coverage: dict[str, Coverage] | None = None
        self._reference: list[Period] | None = None

    @property
    def reference(self) -> list[Period]:
        """The statistical years the data is about (`zicha.engine.coverage.reference_periods`)."""
        if self._reference is None:
            self._reference = reference_periods(self.facts, self.pack)
        return self._reference

    @property
    def coverage(self) -> dict[str, Coverage]:
        """Each register's months, rows and stray rows (those dated outside every period of the
        data), by sheet: what `check` shows."""
        if self._coverage is None:
            self._coverage = coverages(self.facts, self.pack, self.reference)
        return self._coverage

    # ------------------------------------------------------------------ queries

    def flow_values(
        self, orgs: Sequence[str], periods: Sequence[Period], elements: Iterable[str]
    ) -> pl.DataFrame:
        """Wide frame of flows: one row per (org_unit, period) with anything entered, a column
        per element with any value; null where nothing was entered for it."""
        wanted = sorted(set(elements))
        keys = ["org_unit", "period"]
        entered = self.facts.flows(orgs, wanted, periods)
        # each source gives a key once: each part is made wide on its own (the registers'
        # counts come wide), not the long parts grouped again together
        wides = [entered.pivot(on="element", index=keys, values="value")] if entered.height else []
        counts = {e: self.register_conditions[e] for e in wanted if e in self.register_conditions}
        if counts:
            counted = self.facts.register_counts(orgs, counts, periods)
            if counted.height:
                wides.append(counted)
        if not wides:
            return pl.DataFrame(schema={"org_unit": pl.String, "period": pl.String})
        frame = wides[0]
        for wide in wides[1:]:
            # an entered value and a register may both give an element (outside the register's
            # months): added, null only where neither gave anything, never 0
            both = [c for c in wide.columns if c in frame.columns and c not in keys]
            frame = frame.join(wide, on=keys, how="full", coalesce=True, suffix=":2")
            frame = frame.with_columns(
                pl.when(pl.col(c).is_null())
                .then(pl.col(f"{c}:2"))
                .when(pl.col(f"{c}:2").is_null())
                .then(pl.col(c))
                .otherwise(pl.col(c) + pl.col(f"{c}:2"))
                .alias(c)
                for c in both
            ).drop(f"{c}:2" for c in both)
        return frame

    def stock_values(
        self, orgs: Sequence[str], dates: Sequence[date], elements: Iterable[str]
    ) -> pl.DataFrame:
        """Wide frame (org_unit, date, a column per element): each unit's last level at or
        before the date, summed up the tree; null where no unit below has any value yet."""
        return self.facts.stocks(orgs, sorted(set(elements)), sorted(set(dates)))

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
            wide = self.stock_values(orgs, dates, closings | openings)
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


def _register_column(ref: Ref) -> str:
    return ref.name
