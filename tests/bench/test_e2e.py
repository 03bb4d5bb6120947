"""The end-to-end benchmark's DuckDB and polars queries compute zicha's table (bench/e2e_*.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import e2e_spec  # noqa: E402
import e2e_verify  # noqa: E402
import generate  # noqa: E402
import steps  # noqa: E402

from zicha.packs.registry import get_pack  # noqa: E402
from zicha.workbook import cells  # noqa: E402


def test_duckdb_and_polars_give_zichas_table(tmp_path: Path) -> None:
    zicha_periods = [(p.id, p.start, p.end) for p in steps.all_periods(get_pack(None))]
    assert e2e_spec.periods() == zicha_periods
    assert (e2e_spec.SEX, e2e_spec.FLAG) == (cells.SEX, cells.FLAG)
    assert (e2e_spec.MAX_ORDER, e2e_spec.MAX_AGE) == (cells.MAX_ORDER, cells.MAX_AGE)
    folder = generate.write_csv_folder(2_000, out=tmp_path / "province")
    # the deaths register starts in December (before it deaths are missing, not 0), and some
    # stocks and flows were never entered (their levels carry forward, or are missing)
    deaths = pl.read_csv(folder / "deaths.csv", infer_schema=False)
    autumn = r"^2023(-1[01]-|/1[01]/|年1[01]月)"
    deaths.filter(~pl.col("date").str.contains(autumn)).write_csv(folder / "deaths.csv")
    values = pl.read_csv(folder / "values.csv", infer_schema=False)
    values.sample(fraction=0.9, seed=7).write_csv(folder / "values.csv")
    tables = e2e_verify.tables(folder)
    zicha = tables["zicha"]
    assert zicha.height == 2_111 * 24
    root = zicha.filter(pl.col("org_unit") == "01").sort("period")
    assert root.filter(pl.col("period") == "202310")["val:deaths"].item() is None
    assert root.filter(pl.col("period") == "202312")["val:deaths"].item() > 0
    # the comparison is not empty: counts, rates, and nulls where a denominator is 0 or nothing
    # was entered (contraception per township and quarter, no births in a village's month)
    counts = zicha.select(pl.col(e2e_verify.COLUMNS).is_null().sum()).row(0, named=True)
    assert counts["val:births"] == 0
    assert 0 < counts["val:sex_ratio_at_birth"] < zicha.height
    assert 0 < counts["val:policy_birth_rate"] < zicha.height
    assert 0 < counts["val:contraception_done"] < zicha.height
    year = root.filter(pl.col("period") == "2023Oct")
    assert year["val:births"].item() == 1_280  # 64 % of the register rows are births
    for other in ("duckdb", "polars"):
        assert e2e_verify.differences(zicha, tables[other]) == [], other
    # and the check does catch a difference: one rate off by one unit in the last place
    row = zicha["val:birth_rate"].drop_nulls().arg_max()
    assert row is not None
    changed = tables["polars"].sort(e2e_verify.KEYS).with_row_index()
    bumped = changed.with_columns(
        pl.when(pl.col("index") == row)
        .then(pl.col("val:birth_rate").map_batches(_next_up, return_dtype=pl.Float64))
        .otherwise(pl.col("val:birth_rate"))
        .alias("val:birth_rate")
    ).drop("index")
    assert len(e2e_verify.differences(zicha, bumped)) == 1


def _next_up(s: pl.Series) -> pl.Series:
    import numpy as np

    return pl.Series(np.nextafter(s.to_numpy(), np.inf))
