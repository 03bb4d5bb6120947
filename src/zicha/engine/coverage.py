"""What a register covers, and where it falls short.

A register (births, deaths) is the complete record of its months: a unit with no row in one of
them had no event. Which months those are is read from the rows themselves: from the month of
the first row to the month of the last, leaving out rows dated outside every period the data is
about (a birth typed as 2031 for 2011), which are findings of their own. `check` shows each
register's months.

A register that stops before the report's period ends, or skips a month, is not refused: for a
village with a death or two a year, months without rows are what happens. It is a finding where
chance cannot explain it: a unit that records many events in its months with rows, and has none
in a month of the register or of the report's period (Poisson's law at the unit's own rate, over
every unit-month tested at once, below 1 in 1,000).

Everything here is asked of a source of facts (`zicha.engine.facts.Facts`) by month: how many
rows each unit has in each month, and the rows themselves only where a finding names them.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from zicha.domain.finding import Finding
from zicha.domain.orgunit import OrgTree
from zicha.domain.pack import Pack
from zicha.domain.period import Period, PeriodError, fiscal_year_of, month_end, parse_period
from zicha.engine.facts import Facts, own_org

#: the register sheets' Chinese names
SHEET_NAMES = {"births": "出生登记", "deaths": "死亡登记"}
#: a month without rows is a gap when chance (Poisson's law, at the unit's rate in the months it
#: has rows) would leave any of the register's unit-months empty with less than this probability
GAP_LEVEL = 0.001


def _label(d: date) -> str:
    return f"{d.year}年{d.month}月"


@dataclass(frozen=True)
class Coverage:
    """The months a register is the complete record of: `start` (a first day) to `end` (a last
    day); `rows` inside them; `strays` the rows dated outside every period of the data, as
    (spreadsheet row, date): the row is None where the source keeps none (the database).
    """

    sheet: str
    start: date
    end: date
    rows: int
    strays: tuple[tuple[int | None, date], ...] = ()

    def overlaps(self, period: Period) -> bool:
        return self.start <= period.end and period.start <= self.end

    @property
    def label(self) -> str:
        first, last = _label(self.start), _label(self.end)
        return first if first == last else f"{first}至{last}"


def own_period(facts: Facts) -> Period | None:
    """The period of the report the facts were gathered for (a workbook's `period` meta key),
    None when it names none."""
    text = facts.report_header(own_org(facts)).get("period")
    if not text:
        return None
    try:
        return parse_period(text)
    except PeriodError:
        return None


def reference_periods(facts: Facts, pack: Pack) -> list[Period]:
    """The spans the data is about: the statistical years holding the report's own period and
    the periods figures, statements and targets were entered for."""
    own = own_period(facts)
    return reference_years(
        facts.periods(),
        [t.period.id for t in facts.targets()],
        own.id if own is not None else None,
        pack.year_start_month,
    )


def reference_years(
    entered: Iterable[str], targeted: Iterable[str], own: str | None, year_start: int
) -> list[Period]:
    """The statistical years (starting in month `year_start`) holding the periods figures were
    `entered` for, those `targeted`, and the report's `own` period (ids)."""
    ids = {*entered, *targeted}
    if own:
        ids.add(own)
    years: dict[str, Period] = {}
    for i in ids:
        p = parse_period(i)
        for d in (p.start, p.end):
            fy = fiscal_year_of(d, year_start)
            years[fy.id] = fy
    return sorted(years.values())


def coverages(
    facts: Facts,
    pack: Pack,
    reference: Sequence[Period] | None = None,
    sheets: Iterable[str] | None = None,
) -> dict[str, Coverage]:
    """The coverage of each register with rows, by sheet. `reference`: the periods the data is
    about (`reference_periods`); None: asked of the facts only where they can move a register's
    months (its rows fall in more than one statistical year), and no stray row looked for.
    """
    out: dict[str, Coverage] = {}
    for sheet in pack.registers if sheets is None else sheets:
        totals = facts.register_totals(sheet)
        if totals.height == 0:
            continue
        starts: list[date] = totals["start"].to_list()
        counts: list[int] = totals["rows"].to_list()
        spans = reference
        if spans is None:
            years = {fiscal_year_of(d, pack.year_start_month).id for d in starts}
            # in one statistical year the months are all inside the data's years or all outside
            spans = reference_periods(facts, pack) if len(years) > 1 else []
        inside = [not spans or any(p.start <= d <= p.end for p in spans) for d in starts]
        kept = [d for d, i in zip(starts, inside, strict=True) if i]
        used = kept or starts
        strays: tuple[tuple[int | None, date], ...] = ()
        if reference is not None and not all(inside):
            outside = [d for d, i in zip(starts, inside, strict=True) if not i]
            rows = pl.concat([facts.register_rows(sheet, d, month_end(d)) for d in outside])
            strays = tuple(
                (r, d)
                for r, d in rows.sort("row", "date", nulls_last=True)
                .select("row", "date")
                .iter_rows()
            )
        out[sheet] = Coverage(
            sheet,
            used[0],
            month_end(used[-1]),
            sum(n for n, i in zip(counts, inside, strict=True) if i),
            strays,
        )
    return out


def stray_rows(found: Mapping[str, Coverage], spans: Sequence[Period], pack: Pack) -> list[Finding]:
    """Register rows dated outside every period of the data (`spans`): an error each sheet."""
    out: list[Finding] = []
    for cov in found.values():
        if not cov.strays:
            continue
        shown = "、".join(
            f"第 {r} 行（{d.isoformat()}）" if r is not None else f"日期为 {d.isoformat()} 的记录"
            for r, d in cov.strays[:8]
        )
        more = f"等 {len(cov.strays)} 行" if len(cov.strays) > 8 else ""
        within = "、".join(p.label for p in spans)
        # a workbook names its rows; the database keeps none, and holds the data of many
        data = "本工作簿" if all(r is not None for r, _ in cov.strays) else "所填报数据"
        elements = tuple(e.element for e in pack.registers[cov.sheet].elements)
        out.append(
            Finding(
                "register_row_outside",
                "error",
                f"{SHEET_NAMES.get(cov.sheet, cov.sheet)}{shown}{more}的日期不在{data}的任何期间"
                f"（{within}）内，不计入任何报告；请核对日期是否输错",
                elements,
            )
        )
    return out


def gaps(
    found: Mapping[str, Coverage],
    facts: Facts,
    pack: Pack,
    periods: Sequence[Period] = (),
    root: str | None = None,
) -> list[Finding]:
    """Months with no row for a unit whose months with rows hold many: one finding per unit and
    register, for the finest units (the county's empty month is its township's), unless the same
    months are empty in two or more branches below a unit: then that unit says it once, the units
    below in `also` (a register without October anywhere is one finding, not one per township).
    The months looked at are the register's own and those of `periods` that reach into them (a
    report to 31 March of a register that stops in February); `root` limits the units judged to
    its subtree (a computation's unit and those below it)."""
    out: list[Finding] = []
    tree = facts.tree
    units = {u.code for u in tree} if root is None else {root, *tree.descendants(root)}
    closure = _closure(tree, units)
    for cov in found.values():
        wanted = set(_months(cov.start, cov.end))
        for p in periods:
            if cov.overlaps(p):
                wanted |= {m.start for m in p.months() if p.contains(m)}
        months = sorted(wanted)
        if len(months) < 2:
            continue
        counts = (
            facts.register_months(cov.sheet, root)
            .filter(pl.col("start").is_in(months))
            .join(closure, on="org_unit")
            .group_by("unit", "start")
            .agg(pl.col("rows").sum())
        )
        per_unit = counts.group_by("unit").agg(
            pl.col("rows").sum().alias("total"), pl.len().alias("active")
        )
        if per_unit.is_empty():
            continue
        # every unit-month is a test: the rate must make an empty month unlikely among them all
        rate = math.log(per_unit.height * len(months) / GAP_LEVEL)
        busy = per_unit.filter(
            (pl.col("active") < len(months)) & (pl.col("total") / pl.col("active") >= rate)
        )
        flagged: dict[str, list[date]] = {}
        for unit, _total, _active in busy.iter_rows():
            seen = set(counts.filter(pl.col("unit") == unit)["start"].to_list())
            flagged[unit] = [m for m in months if m not in seen]
        elements = tuple(e.element for e in pack.registers[cov.sheet].elements)
        sheet = SHEET_NAMES.get(cov.sheet, cov.sheet)
        said: dict[str, str] = {}  # a unit whose finding a unit above it says: that unit
        for unit in sorted(flagged, key=lambda u: len(tree.ancestors(u))):
            empty = flagged[unit]
            if unit in said:
                continue
            finer = [d for d in tree.descendants(unit) if set(flagged.get(d, ())) >= set(empty)]
            branches = {_branch(tree, unit, d) for d in finer}
            if len(branches) == 1:
                continue  # the same empty months show in one unit below: it says them
            also = [d for d in finer if flagged[d] == empty]  # units with more months keep theirs
            said.update((d, unit) for d in also)
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
                    also=tuple((d, _month_period(empty[0]).id) for d in sorted(also)),
                )
            )
    return out


def _branch(tree: OrgTree, unit: str, below: str) -> str:
    """The child of `unit` whose subtree holds `below`."""
    for a in (below, *tree.ancestors(below)):
        if tree.get(a).parent == unit:
            return a
    raise ValueError(f"{below} is not below {unit}")


def rows_in(facts: Facts, pack: Pack, root: str, period: Period) -> bool:
    """Whether any register holds a row of `root`'s subtree dated within the period."""
    for sheet in pack.registers:
        months = facts.register_months(sheet, root).filter(
            pl.col("start").is_between(period.start.replace(day=1), period.end)
        )
        for first in months["start"].to_list():
            last = month_end(first)
            if period.start <= first and last <= period.end:
                return True  # a whole month of the period with rows
            low, high = max(first, period.start), min(last, period.end)
            if facts.register_rows(sheet, low, high, root).height:
                return True
    return False


def row_dates(facts: Facts, pack: Pack, root: str) -> list[date]:
    """The first and last day any register has a row of `root`'s subtree (empty: none)."""
    days: list[date] = []
    for sheet in pack.registers:
        months = facts.register_months(sheet, root)
        if months.height == 0:
            continue
        first, last = months["start"].min(), months["start"].max()
        assert isinstance(first, date) and isinstance(last, date)
        for month in {first, last}:
            found = facts.register_rows(sheet, month, month_end(month), root)["date"]
            days += [d for d in (found.min(), found.max()) if isinstance(d, date)]
    return days


def _closure(tree: OrgTree, units: Collection[str]) -> pl.DataFrame:
    """(org_unit, unit) for each of `units` and each of them it lies in, itself included."""
    pairs = [(u, a) for u in units for a in (u, *tree.ancestors(u)) if a in units]
    return pl.DataFrame(pairs, schema={"org_unit": pl.String, "unit": pl.String}, orient="row")


def _months(start: date, end: date) -> list[date]:
    out: list[date] = []
    d = start
    while d <= end:
        out.append(d)
        d = month_end(d) + timedelta(days=1)
    return out


def _month_period(d: date) -> Period:
    return parse_period(f"{d.year}{d.month:02d}")


def describe(found: Mapping[str, Coverage]) -> dict[str, str]:
    """Each register's coverage as a clerk reads it: 出生登记 → 2010年10月至2011年3月."""
    return {SHEET_NAMES.get(s, s): c.label for s, c in found.items()}
