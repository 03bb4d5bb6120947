"""A hand-written polars lazy query from the CSV workbook folder to zicha's indicator table.

    python bench/e2e_polars.py FOLDER      # one JSON line: clock readings, rows, peak memory

The same work as bench/e2e_duckdb.py (see there and bench/e2e_spec.py): raw CSVs scanned as text,
every register row parsed and checked, rolled up to unit × month in one lazy query per register
(both run at once), then up the tree, into the periods and into the indicators.
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import sys  # noqa: E402
from datetime import timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import e2e_spec as spec  # noqa: E402
import polars as pl  # noqa: E402


def _scan(path: Path) -> pl.LazyFrame:
    # every column as text: as integers the codes would lose their leading zeros
    return pl.scan_csv(path, infer_schema=False)


def _trim(col: str) -> pl.Expr:
    return pl.col(col).str.strip_chars()


def _date() -> pl.Expr:
    """The forms of `spec.DATE_FORMS`: 2024/3/5, 2024.3.5 and 2024年3月5日 rewritten as
    2024-3-5 and parsed at once (a coalesce of five parses would run all five on every row),
    20240305 parsed on its own."""
    text = _trim("date")
    dashed = text.str.replace_all(r"[年月/.]", "-").str.strip_suffix("日")
    return pl.coalesce(
        dashed.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        text.str.strptime(pl.Date, "%Y%m%d", strict=False),
    )


def _sex() -> pl.Expr:
    return _trim("sex").str.to_lowercase().replace_strict(spec.SEX, default=None)


def _flag() -> pl.Expr:
    words = _trim("in_policy").str.to_lowercase()
    return words.replace_strict(spec.FLAG, default=None, return_dtype=pl.Boolean)


def _number(col: str) -> pl.Expr:
    return _trim(col).cast(pl.Float64, strict=False)


def _count(cond: pl.Expr) -> pl.Expr:
    return cond.fill_null(False).sum().cast(pl.Float64)


def births_by_month(folder: Path) -> pl.LazyFrame:
    rows = _scan(folder / "births.csv").select(
        org=_trim("orgunit"), d=_date(), sex=_sex(), pol=_flag(), ord=_number("order")
    )
    ord_ = pl.col("ord")
    bad = (
        pl.col("d").is_null()
        | pl.col("sex").is_null()
        | pl.col("pol").is_null()
        | ord_.is_null()
        | (ord_ < 1)
        | (ord_ > spec.MAX_ORDER)
        | (ord_ != ord_.floor())
    )
    return rows.group_by("org", month=pl.col("d").dt.truncate("1mo")).agg(
        births=pl.len().cast(pl.Float64),
        births_male=_count(pl.col("sex") == "M"),
        births_female=_count(pl.col("sex") == "F"),
        births_in_policy=_count(pl.col("pol")),
        births_out_policy_order3plus=_count(~pl.col("pol") & (ord_ >= 3)),
        bad=_count(bad),
    )


def deaths_by_month(folder: Path) -> pl.LazyFrame:
    rows = _scan(folder / "deaths.csv").select(
        org=_trim("orgunit"), d=_date(), sex=_sex(), age=_number("age")
    )
    age = pl.col("age")
    bad = (
        pl.col("d").is_null()
        | pl.col("sex").is_null()
        | age.is_null()
        | (age < 0)
        | (age > spec.MAX_AGE)
    )
    return rows.group_by("org", month=pl.col("d").dt.truncate("1mo")).agg(
        deaths=pl.len().cast(pl.Float64), bad=_count(bad)
    )


def closure(units: pl.DataFrame) -> pl.DataFrame:
    """Every (org_unit, ancestor-or-self) pair of the tree."""
    parents = units.select("code", "parent")
    pairs = [units.select(org_unit="code", ancestor="code")]
    step = units.select(org_unit="code", ancestor="parent").drop_nulls()
    while step.height:
        pairs.append(step)
        step = (
            step.join(parents, left_on="ancestor", right_on="code")
            .select("org_unit", ancestor="parent")
            .drop_nulls()
        )
    return pl.concat(pairs)


def _check(frame: pl.DataFrame, name: str, codes: pl.Series) -> None:
    bad = int(frame["bad"].sum())
    if bad:
        raise spec.InputError(f"{name}.csv：{bad} 行的日期、性别或其他项无法识别")
    unknown = frame.filter(pl.col("org").is_null() | ~pl.col("org").is_in(codes.implode()))
    if unknown.height:
        raise spec.InputError(f"{name}.csv：有 {unknown.height} 组登记的单位代码不在组织机构中")


def _values(folder: Path, codes: pl.Series) -> pl.DataFrame:
    raw = (
        _scan(folder / "values.csv")
        .select(
            org=_trim("orgunit"),
            pid=_trim("period"),
            element=_trim("element"),
            value=_number("value"),
        )
        .collect()
    )
    parsed = {p: spec.parse_period(p or "") for p in raw["pid"].unique().to_list()}
    bad = sorted(str(p) for p, span in parsed.items() if span is None)
    if bad:
        raise spec.InputError(f"values.csv：期间无法识别：{'、'.join(bad[:5])}")
    spans = pl.DataFrame(
        [(p, s[0], s[1]) for p, s in parsed.items() if s is not None],
        schema={"pid": pl.String, "first": pl.Date, "last": pl.Date},
        orient="row",
    )
    blank = raw.filter(
        pl.col("value").is_null()
        | pl.col("element").is_null()
        | pl.col("org").is_null()
        | ~pl.col("org").is_in(codes.implode())
    )
    if blank.height:
        raise spec.InputError(f"values.csv：{blank.height} 行的单位、数据项或数值缺失或无法识别")
    vals = raw.join(spans, on="pid").select("org", "element", "first", "last", "value").unique()
    clash = vals.group_by("org", "element", "first", "last").len().filter(pl.col("len") > 1)
    if clash.height:
        raise spec.InputError(
            f"values.csv：{clash.height} 处同一单位、数据项、期间有两个不同的数值"
        )
    return vals


def _sum(col: str) -> pl.Expr:
    """The sum, null when every value is null (polars' own sum gives 0 there: missing is not
    zero)."""
    c = pl.col(col)
    return pl.when(c.is_not_null().any()).then(c.sum()).alias(col)


def _sum_of(element: str) -> pl.Expr:
    """The sum of one element's values in a long (element, value) group, null without any."""
    mine = pl.col("element") == element
    return pl.when(mine.any()).then(pl.col("value").filter(mine).sum()).alias(element)


def _value(indicator: str, numerator: str, factor: float, den: str | None) -> pl.Expr:
    if numerator == "births - deaths":
        num = pl.col("births") - pl.col("deaths")
    else:
        num = pl.col(numerator)
    if den is None:
        return (num * factor).alias(f"val:{indicator}")
    d = pl.col(den)
    out = pl.when(d.is_null() | (d == 0)).then(None).otherwise(num * factor / d)
    return out.alias(f"val:{indicator}")


def table(folder: Path) -> pl.DataFrame:
    units = (
        _scan(folder / "orgunits.csv")
        .select(code=_trim("code"), parent=_trim("parent").replace("", None))
        .collect()
    )
    codes = units["code"]
    births, deaths = pl.collect_all([births_by_month(folder), deaths_by_month(folder)])
    _check(births, "births", codes)
    _check(deaths, "deaths", codes)
    anc = closure(units).lazy()
    periods = pl.DataFrame(
        spec.periods(),
        schema={"period": pl.String, "pstart": pl.Date, "pend": pl.Date},
        orient="row",
    ).lazy()

    def covered(frame: pl.DataFrame) -> pl.Expr:
        first, last = frame["month"].min(), frame["month"].max()
        assert first is not None and last is not None
        last_day = pl.lit(last).dt.month_end()
        return (pl.lit(first) <= pl.col("pend")) & (pl.col("pstart") <= last_day)

    registers = (
        pl.concat([births.drop("bad"), deaths.drop("bad")], how="diagonal_relaxed")
        .lazy()
        .join(anc, left_on="org", right_on="org_unit")
        .group_by("ancestor", "month")
        .agg(_sum(e) for e in spec.REGISTER_ELEMENTS)
        .join_where(periods, pl.col("month") >= pl.col("pstart"), pl.col("month") <= pl.col("pend"))
        .group_by(org_unit="ancestor", period="period")
        .agg(_sum(e) for e in spec.REGISTER_ELEMENTS)
    )
    vals = _values(folder, codes).lazy()
    flows = (
        vals.filter(pl.col("element").is_in(spec.FLOWS))
        .join(anc, left_on="org", right_on="org_unit")
        .join_where(periods, pl.col("first") >= pl.col("pstart"), pl.col("last") <= pl.col("pend"))
        .group_by(org_unit="ancestor", period="period")
        .agg(_sum_of(e) for e in spec.FLOWS)
    )
    days = pl.concat(
        [
            periods.select(day="pend"),
            periods.select(day=pl.col("pstart") - timedelta(days=1)),
        ]
    ).unique()
    levels = (
        vals.filter(pl.col("element").is_in(spec.STOCKS))
        .join_where(days, pl.col("last") <= pl.col("day"))
        .group_by("org", "element", "day")
        .agg(pl.col("value").sort_by("last").last())
        .join(anc, left_on="org", right_on="org_unit")
        .group_by(org_unit="ancestor", day="day")
        .agg(_sum_of(e) for e in spec.STOCKS)
    )
    filled = [
        pl.when(covered(births if e != "deaths" else deaths))
        .then(pl.col(e).fill_null(0.0))
        .otherwise(pl.col(e))
        .alias(e)
        for e in spec.REGISTER_ELEMENTS
    ]
    grid = units.lazy().select(org_unit="code").join(periods, how="cross")
    opening = levels.select(
        "org_unit", pl.col("day") + timedelta(days=1), opening_population="population"
    )
    frame = (
        grid.join(registers, on=["org_unit", "period"], how="left")
        .join(flows, on=["org_unit", "period"], how="left")
        .join(levels, left_on=["org_unit", "pend"], right_on=["org_unit", "day"], how="left")
        .join(opening, left_on=["org_unit", "pstart"], right_on=["org_unit", "day"], how="left")
        .with_columns(filled)
        .with_columns(avg_population=(pl.col("opening_population") + pl.col("population")) / 2)
        .select("org_unit", "period", *(_value(*f) for f in spec.FORMULAS))
    )
    return frame.collect()


def main() -> None:
    folder = Path(sys.argv[1])
    t_imported = time.perf_counter()
    try:
        result = table(folder)
    except spec.InputError as err:
        print(err, file=sys.stderr)
        raise SystemExit(2) from None
    spec.report(T_START, t_imported, {"rows": result.height, "columns": result.width})


if __name__ == "__main__":
    main()
