"""What a register covers, and where it falls short.

A register (births, deaths) is the complete record of its months: a unit with no row in one of
them had no event. Which months those are is read from the rows themselves: from the month of
the first row to the month of the last, leaving out rows dated outside every period the workbook
is about (a birth typed as 2031 for 2011), which are findings of their own. `check` shows each
register's months.

A register that stops before the report's period ends, or skips a month, is not refused: for a
village with a death or two a year, months without rows are what happens. It is a finding where
chance cannot explain it: a unit that records many events in its months with rows, and has none
in a month of the register or of the report's period (Poisson's law at the unit's own rate, over
every unit-month tested at once, below 1 in 1,000).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from zicha.domain.finding import Finding
from zicha.domain.orgunit import OrgTree
from zicha.domain.pack import Pack
from zicha.domain.period import Period, fiscal_year_of, parse_period
from zicha.engine.dataset import Dataset

#: the register sheets' Chinese names
SHEET_NAMES = {"births": "出生登记", "deaths": "死亡登记"}
#: a month without rows is a gap when chance (Poisson's law, at the unit's rate in the months it
#: has rows) would leave any of the register's unit-months empty with less than this probability
GAP_LEVEL = 0.001


def month_end(d: date) -> date:
    """The last day of d's month.

    >>> month_end(date(2024, 2, 10))
    datetime.date(2024, 2, 29)
    """
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _label(d: date) -> str:
    return f"{d.year}年{d.month}月"


@dataclass(frozen=True)
class Coverage:
    """The months a register is the complete record of: `start` (a first day) to `end` (a last
    day); `rows` inside them; `strays` the sheet rows dated outside every period of the workbook.
    """

    sheet: str
    start: date
    end: date
    rows: int
    strays: tuple[tuple[int, date], ...] = ()

    def overlaps(self, period: Period) -> bool:
        return self.start <= period.end and period.start <= self.end

    @property
    def label(self) -> str:
        first, last = _label(self.start), _label(self.end)
        return first if first == last else f"{first}至{last}"


def reference_periods(dataset: Dataset, pack: Pack) -> list[Period]:
    """The spans the workbook is about: the statistical years holding its own period, the
    periods figures, statements and targets were entered for."""
    ids: set[str] = set()
    for frame in (dataset.values, dataset.stated):
        ids.update(frame["period"].unique().to_list())
    ids.update(t.period.id for t in dataset.targets)
    own = dataset.meta.get("period")
    if own:
        ids.add(own)
    years: dict[str, Period] = {}
    for i in ids:
        p = parse_period(i)
        for d in (p.start, p.end):
            fy = fiscal_year_of(d, pack.year_start_month)
            years[fy.id] = fy
    return sorted(years.values())


def coverages(dataset: Dataset, pack: Pack) -> dict[str, Coverage]:
    """The coverage of each register with rows, by sheet."""
    spans = reference_periods(dataset, pack)
    out: dict[str, Coverage] = {}
    for sheet in pack.registers:
        frame = dataset.registers.get(sheet)
        if frame is None or frame.height == 0:
            continue
        inside = pl.lit(not spans)
        for p in spans:
            inside = inside | pl.col("date").is_between(p.start, p.end)
        marked = frame.select("row", "date", inside.alias("inside"))
        kept = marked.filter(pl.col("inside"))
        strays = marked.filter(~pl.col("inside")).sort("row")
        used = kept if kept.height else marked
        first, last = used["date"].min(), used["date"].max()
        assert isinstance(first, date) and isinstance(last, date)
        out[sheet] = Coverage(
            sheet,
            first.replace(day=1),
            month_end(last),
            kept.height,
            tuple((int(r), d) for r, d in strays.select("row", "date").iter_rows()),
        )
    return out


def stray_rows(found: dict[str, Coverage], dataset: Dataset, pack: Pack) -> list[Finding]:
    """Register rows dated outside every period of the workbook: an error each sheet."""
    spans = reference_periods(dataset, pack)
    out: list[Finding] = []
    for cov in found.values():
        if not cov.strays:
            continue
        shown = "、".join(f"第 {r} 行（{d.isoformat()}）" for r, d in cov.strays[:8])
        more = f"等 {len(cov.strays)} 行" if len(cov.strays) > 8 else ""
        within = "、".join(p.label for p in spans)
        elements = tuple(e.element for e in pack.registers[cov.sheet].elements)
        out.append(
            Finding(
                "register_row_outside",
                "error",
                f"{SHEET_NAMES.get(cov.sheet, cov.sheet)}{shown}{more}的日期不在本工作簿的任何期间"
                f"（{within}）内，不计入任何报告；请核对日期是否输错",
                elements,
            )
        )
    return out


def gaps(
    found: dict[str, Coverage],
    dataset: Dataset,
    tree: OrgTree,
    pack: Pack,
    periods: Sequence[Period] = (),
    units: Collection[str] | None = None,
) -> list[Finding]:
    """Months with no row for a unit whose months with rows hold many: one finding per unit and
    register, for the finest units (the county's empty month is its township's). The months
    looked at are the register's own and those of `periods` that reach into them (a report to
    31 March of a register that stops in February); `units` limits the units judged (a
    computation's unit and those below it)."""
    out: list[Finding] = []
    closure = pl.DataFrame(
        [(u.code, a) for u in tree for a in (u.code, *tree.ancestors(u.code))],
        schema={"org_unit": pl.String, "unit": pl.String},
        orient="row",
    )
    for cov in found.values():
        wanted = set(_months(cov.start, cov.end))
        for p in periods:
            if cov.overlaps(p):
                wanted |= {m.start for m in p.months() if p.contains(m)}
        months = sorted(wanted)
        if len(months) < 2:
            continue
        rows = dataset.registers[cov.sheet].filter(
            pl.col("date").is_between(months[0], month_end(months[-1]))
        )
        counts = (
            rows.select("org_unit", pl.col("date").dt.truncate("1mo").alias("month"))
            .filter(pl.col("month").is_in(months))
            .join(closure, on="org_unit")
            .group_by("unit", "month")
            .len()
        )
        per_unit = counts.group_by("unit").agg(
            pl.col("len").sum().alias("total"), pl.len().alias("active")
        )
        if units is not None:
            per_unit = per_unit.filter(pl.col("unit").is_in(list(units)))
        if per_unit.is_empty():
            continue
        # every unit-month is a test: the rate must make an empty month unlikely among them all
        rate = math.log(per_unit.height * len(months) / GAP_LEVEL)
        busy = per_unit.filter(
            (pl.col("active") < len(months)) & (pl.col("total") / pl.col("active") >= rate)
        )
        flagged: dict[str, list[date]] = {}
        for unit, _total, _active in busy.iter_rows():
            seen = set(counts.filter(pl.col("unit") == unit)["month"].to_list())
            flagged[unit] = [m for m in months if m not in seen]
        elements = tuple(e.element for e in pack.registers[cov.sheet].elements)
        sheet = SHEET_NAMES.get(cov.sheet, cov.sheet)
        for unit, empty in flagged.items():
            finer = [d for d in tree.descendants(unit) if set(flagged.get(d, ())) >= set(empty)]
            if finer:
                continue  # the same empty months show in a unit below
            row = per_unit.filter(pl.col("unit") == unit)
            total, active = row["total"].item(), row["active"].item()
            shown = "、".join(_label(m) for m in empty[:6])
            more = f"等 {len(empty)} 个月" if len(empty) > 6 else ""
            tail = f"（登记只记到{_label(cov.end)}）" if any(m > cov.end for m in empty) else ""
            out.append(
                Finding(
                    "register_gap",
                    "warning",
                    f"{tree.get(unit).name}{sheet}在{shown}{more}没有任何记录{tail}，而该单位在有"
                    f"记录的 {active} 个月中平均每月 {total / active:.1f} 条：这样的空月偶然出现"
                    "的概率不到千分之一，可能漏录了整月的登记，按登记汇总的数字可能偏低",
                    elements,
                    unit,
                    _month_period(empty[0]).id,
                )
            )
    return out


def _months(start: date, end: date) -> list[date]:
    out: list[date] = []
    d = start
    while d <= end:
        out.append(d)
        d = month_end(d) + timedelta(days=1)
    return out


def _month_period(d: date) -> Period:
    return parse_period(f"{d.year}{d.month:02d}")


def describe(found: dict[str, Coverage]) -> dict[str, str]:
    """Each register's coverage as a clerk reads it: 出生登记 → 2010年10月至2011年3月."""
    return {SHEET_NAMES.get(s, s): c.label for s, c in found.items()}
