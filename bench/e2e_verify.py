"""Whether the DuckDB and polars contestants compute zicha's table (`python bench/e2e.py verify`).

The same keys (every org unit × every period, once), the same nulls, and per indicator the same
bits (`e2e_spec.EXACT`: inputs that are whole numbers) or values within `e2e_spec.RELATIVE` of
each other (sums of decimal figures, added in an order each engine chooses).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
import e2e_spec as spec

KEYS = ("org_unit", "period")
COLUMNS = tuple(f"val:{i}" for i in spec.INDICATORS)


def normalised(frame: pl.DataFrame) -> pl.DataFrame:
    """The columns compared, in one order, sorted by the keys."""
    cast = [pl.col(k).cast(pl.String) for k in KEYS] + [pl.col(c).cast(pl.Float64) for c in COLUMNS]
    return frame.select(cast).sort(KEYS)


def duckdb_frame(folder: Path) -> pl.DataFrame:
    import e2e_duckdb

    names, rows = e2e_duckdb.table(folder)
    schema = {n: pl.String if n in KEYS else pl.Float64 for n in names}
    return pl.DataFrame(rows, schema=schema, orient="row")


def differences(expected: pl.DataFrame, found: pl.DataFrame) -> list[str]:
    """What differs between zicha's table and a contestant's, in words (empty: the same)."""
    a, b = normalised(expected), normalised(found)
    out: list[str] = []
    if b.select(pl.struct(KEYS).is_duplicated().any()).item():
        out.append("keys: a unit and period appears more than once")
    if a.height != b.height or not a.select(KEYS).equals(b.select(KEYS)):
        missing = a.select(KEYS).join(b.select(KEYS), on=list(KEYS), how="anti")
        extra = b.select(KEYS).join(a.select(KEYS), on=list(KEYS), how="anti")
        out.append(f"keys: {missing.height} missing, {extra.height} extra")
        return out
    for col in COLUMNS:
        x, y = a[col], b[col]
        nulls = x.is_null() != y.is_null()
        if nulls.any():
            i = nulls.arg_true()[0]
            out.append(f"{col}: {nulls.sum()} nulls differ, e.g. {a.row(i)[:2]} {x[i]} vs {y[i]}")
            continue
        both = x.is_not_null()
        xv, yv = x.filter(both).to_numpy(), y.filter(both).to_numpy()
        if col.removeprefix("val:") in spec.EXACT:
            bad = xv.view("u8") != yv.view("u8")
        else:
            bad = abs(xv - yv) > spec.RELATIVE * np.maximum(abs(xv), abs(yv))
        if bad.any():
            i = int(bad.nonzero()[0][0])
            out.append(f"{col}: {int(bad.sum())} values differ, e.g. {xv[i]!r} vs {yv[i]!r}")
    return out


def bit_identical(expected: pl.DataFrame, found: pl.DataFrame, col: str) -> bool:
    """Whether a column holds the same bits in both tables (for the report)."""
    a, b = normalised(expected)[col], normalised(found)[col]
    return a.is_null().equals(b.is_null()) and bool(
        (a.fill_null(0).to_numpy().view("u8") == b.fill_null(0).to_numpy().view("u8")).all()
    )


def tables(folder: Path) -> dict[str, Any]:
    """Each contestant's table, computed in this process."""
    import e2e_polars
    import e2e_zicha

    return {
        "zicha": e2e_zicha.table(folder),
        "duckdb": duckdb_frame(folder),
        "polars": e2e_polars.table(folder),
    }
