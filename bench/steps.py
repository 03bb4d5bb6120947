"""One measured step, run in a fresh interpreter so that its peak memory is its own.

    python bench/steps.py STEP PATH [--repeat N] [--profile FILE]

prints one JSON line: the wall times of the step (`time.perf_counter`, imports excluded), the
rows it handled, and memory: `peak_mb` is the process's peak resident set (VmHWM: the
interpreter and its imports included), `base_mb` the resident set after the imports, before the
step. Steps (PATH is the CSV workbook folder, or the .xlsx for the *_xlsx steps):

    zicha_csv       zicha's `read_workbook` of the CSV folder (every check included)
    polars_csv      polars' bare `read_csv` of births.csv and deaths.csv, for context
    zicha_xlsx      zicha's `read_workbook` of the .xlsx
    calamine_xlsx   python-calamine's bare read of the births sheet of the .xlsx
    calamine_all    python-calamine's bare read of every sheet of the .xlsx
    zicha_engine    read the CSV folder (not timed), then `workbook_engine(pack, dataset)` and
                    `engine.table(every org unit, every period)`, N times in this process;
                    `phase_peak_mb` is the peak from just before the first Engine on
    duckdb          DuckDB: both raw register CSVs rolled up to village × month (count)
    duckdb_elements DuckDB: the same, counting the pack's six register elements

--profile writes cProfile statistics of the step (one run) to FILE instead of timing it.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))  # zicha without `pip install -e .`

BIRTHS_SHEET = "出生登记"  # the births sheet of the generated .xlsx
REGISTERS = ("births.csv", "deaths.csv")


# ---------------------------------------------------------------------------------------------
# memory


def peak_mb() -> float:
    """Peak resident set of this process so far, in MiB.

    The kernel's high-water mark of this interpreter's own memory (VmHWM); ru_maxrss (KiB on
    Linux) where there is none. ru_maxrss alone would not do: after fork and exec it starts
    from the parent's resident set at the fork.
    """
    hwm = hwm_mb()
    if hwm is not None:
        return hwm
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb() -> float | None:
    return _status("VmRSS")


def reset_peak() -> bool:
    """Reset the kernel's high-water mark of this process's resident set (Linux ≥ 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def hwm_mb() -> float | None:
    return _status("VmHWM")


# ---------------------------------------------------------------------------------------------
# steps: each returns (prepare, run) — prepare does the imports, run the measured work


def _register_rows(folder: Path) -> int:
    total = 0
    for name in REGISTERS:
        with open(folder / name, "rb") as f:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b"")) - 1
    return total


def zicha_read(path: Path) -> dict[str, Any]:
    from zicha.packs.registry import get_pack
    from zicha.workbook.reader import read_workbook

    get_pack(None)  # the pack is loaded once per process by the command line too
    t0 = time.perf_counter()
    dataset = read_workbook(path, get_pack)
    seconds = time.perf_counter() - t0
    rows = sum(dataset.register_height(s) for s in ("births", "deaths"))
    return {"seconds": seconds, "rows": rows, "values": dataset.values.height}


def polars_read(folder: Path) -> dict[str, Any]:
    import polars as pl

    t0 = time.perf_counter()
    frames = [pl.read_csv(folder / name) for name in REGISTERS]
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": sum(f.height for f in frames)}


def calamine_read(path: Path) -> dict[str, Any]:
    from python_calamine import CalamineWorkbook

    t0 = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(BIRTHS_SHEET).to_python()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": len(rows) - 1}


def calamine_read_all(path: Path) -> dict[str, Any]:
    """Every sheet of the file, as zicha reads it; `rows` counts the births."""
    from python_calamine import CalamineWorkbook

    t0 = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    sheets = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": len(sheets[BIRTHS_SHEET]) - 1}


def all_periods(pack: Any) -> list[Any]:
    """Every month, quarter, half and year of the statistical year 2023Oct: its own quarters,
    halves and itself, and the calendar quarters and halves that lie inside it."""
    from zicha.domain.period import parse_period, periods_of_kind

    year = parse_period("2023Oct")
    kinds = ("month", "quarter", "half", "fquarter", "fhalf", "fyear")
    return [p for k in kinds for p in periods_of_kind(k, year, pack.year_start_month)]


def engine(folder: Path, repeat: int, profile: Path | None = None) -> dict[str, Any]:
    from zicha.actions.session import workbook_engine
    from zicha.packs.registry import get_pack
    from zicha.workbook.reader import read_workbook

    dataset = read_workbook(folder, get_pack)
    pack = get_pack(dataset.pack_id)
    orgs = [u.code for u in dataset.tree]
    periods = all_periods(pack)
    gc.collect()
    read_peak = peak_mb()
    reset = reset_peak()
    builds: list[float] = []
    tables: list[float] = []
    shape = (0, 0)

    def once() -> None:
        nonlocal shape
        t0 = time.perf_counter()
        eng = workbook_engine(pack, dataset)
        t1 = time.perf_counter()
        table = eng.table(orgs, periods)
        t2 = time.perf_counter()
        builds.append(t1 - t0)
        tables.append(t2 - t1)
        shape = table.shape

    if profile is not None:
        _profiled(once, profile)
        repeat = 1
    else:
        for _ in range(repeat):
            once()
            gc.collect()
    totals = [b + t for b, t in zip(builds, tables, strict=True)]
    best = min(range(len(totals)), key=totals.__getitem__)
    return {
        "seconds": totals[best],
        "times": totals,
        "build": builds[best],
        "table": tables[best],
        "orgs": len(orgs),
        "periods": [p.id for p in periods],
        "cells": shape[0],
        "columns": shape[1],
        "indicators": len(pack.indicators),
        "register_rows": sum(dataset.register_height(s) for s in ("births", "deaths")),
        "read_peak_mb": read_peak,
        "phase_peak_mb": hwm_mb() if reset else None,
    }


_DATE = (
    "coalesce(try_strptime(date, '%Y-%m-%d'), try_strptime(date, '%Y/%-m/%-d'), "
    "try_strptime(date, '%Y年%-m月%-d日'))"
)


def duckdb_query(folder: Path, elements: bool) -> str:
    births, deaths = (str(folder / name).replace("'", "''") for name in REGISTERS)
    # all_varchar keeps the codes as text: inferred as integers they would lose their zeros
    src = "read_csv_auto('{}', all_varchar = true)"
    if not elements:
        return f"""
            SELECT 'births' AS register, orgunit, date_trunc('month', {_DATE}) AS month,
                   count(*) AS n
            FROM {src.format(births)} GROUP BY ALL
            UNION ALL
            SELECT 'deaths', orgunit, date_trunc('month', {_DATE}), count(*)
            FROM {src.format(deaths)} GROUP BY ALL
        """
    sex = "CASE WHEN lower(trim(sex)) IN ('男', '男性', 'm', '1') THEN 'M' ELSE 'F' END"
    flag = "lower(trim(in_policy)) IN ('是', 'y', 'yes', 'true', '1')"
    return f"""
        WITH b AS (
            SELECT orgunit, date_trunc('month', {_DATE}) AS month, {sex} AS sex,
                   {flag} AS in_policy, CAST(trim("order") AS INTEGER) AS ord
            FROM {src.format(births)}
        )
        SELECT orgunit, month, count(*) AS births,
               count(*) FILTER (sex = 'M') AS births_male,
               count(*) FILTER (sex = 'F') AS births_female,
               count(*) FILTER (in_policy) AS births_in_policy,
               count(*) FILTER (NOT in_policy AND ord >= 3) AS births_out_policy_order3plus,
               NULL::BIGINT AS deaths
        FROM b GROUP BY ALL
        UNION ALL
        SELECT orgunit, date_trunc('month', {_DATE}), NULL, NULL, NULL, NULL, NULL, count(*)
        FROM {src.format(deaths)} GROUP BY ALL
    """


def duckdb_run(folder: Path, elements: bool) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect()
    query = duckdb_query(folder, elements)
    t0 = time.perf_counter()
    result = con.execute(query).fetchnumpy()
    seconds = time.perf_counter() - t0
    groups = len(next(iter(result.values())))
    return {"seconds": seconds, "rows": _register_rows(folder), "groups": groups}


def _profiled(func: Callable[[], object], out: Path) -> None:
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    func()
    prof.disable()
    text = io.StringIO()
    stats = pstats.Stats(prof, stream=text)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text.getvalue())


STEPS = (
    "zicha_csv",
    "polars_csv",
    "zicha_xlsx",
    "calamine_xlsx",
    "calamine_all",
    "zicha_engine",
    "duckdb",
    "duckdb_elements",
)


def run_step(step: str, path: Path, repeat: int, profile: Path | None) -> dict[str, Any]:
    if step == "zicha_engine":
        return engine(path, repeat, profile)
    simple: dict[str, Callable[[], dict[str, Any]]] = {
        "zicha_csv": lambda: zicha_read(path),
        "zicha_xlsx": lambda: zicha_read(path),
        "polars_csv": lambda: polars_read(path),
        "calamine_xlsx": lambda: calamine_read(path),
        "calamine_all": lambda: calamine_read_all(path),
        "duckdb": lambda: duckdb_run(path, elements=False),
        "duckdb_elements": lambda: duckdb_run(path, elements=True),
    }
    func = simple[step]
    if profile is not None:
        _profiled(func, profile)
        return {"profile": str(profile)}
    results = [func() for _ in range(repeat)]
    best = min(results, key=lambda r: r["seconds"])
    return {**best, "times": [r["seconds"] for r in results]}


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="one benchmark step, JSON on stdout")
    parser.add_argument("step", choices=STEPS)
    parser.add_argument("path", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", type=Path, default=None)
    args = parser.parse_args(argv)
    # the imports each step needs, before the base is taken
    import polars  # noqa: F401

    if args.step.startswith("zicha"):
        import zicha.engine.computation
        import zicha.workbook.reader  # noqa: F401
    elif args.step.startswith("duckdb"):
        import duckdb  # noqa: F401
    elif args.step.startswith("calamine"):
        import python_calamine  # noqa: F401
    base = rss_mb()
    result = run_step(args.step, args.path, args.repeat, args.profile)
    # the engine step resets the high-water mark after reading: its process peak is the higher
    peak = max(peak_mb(), result.get("read_peak_mb") or 0.0)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.update(step=args.step, base_mb=base, peak_mb=peak, ru_maxrss_mb=maxrss)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
