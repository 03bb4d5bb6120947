"""`zicha load` of the province into SQLite and PostgreSQL, and the province's root computed from
PostgreSQL, cold and warm.

    scripts/with_postgres.sh .venv/bin/python bench/server_facts.py [--rows 5000000] [--repeat 3]

The province is bench/generate.py's CSV folder (2,111 units, 32,000 values, `--rows` register
rows: 64 % births, 36 % deaths). Every measurement runs in a fresh interpreter
(`bench/server_facts.py step …`), so each peak of memory is its own (VmHWM, imports included);
the database is prepared (migrated) before the clock starts. `--repeat` rounds, alternating the
databases, each round:

- load into an empty database (a new SQLite file; PostgreSQL's database dropped and created
  again): `load_workbook` timed, reading the CSV folder included, until the commit;
- the same load again (nothing changes): timed the same way;
- on PostgreSQL, after the load: the root unit (all indicators, findings included, period
  2023OctS1) computed in a fresh process — cold: from the first question, the engine built over
  the database — then again with nothing changed (warm: the computation kept for the data
  version), and one township cold in another fresh process.

Medians of the rounds go to bench/results/server_facts.json. Targets (the server issue): ≥ 200,000
register rows per second and peak memory under 2 GB for the load, the root under 2 s cold and
under 100 ms warm.

PostgreSQL is the cluster at ZICHA_TEST_DATABASE_URL (scripts/with_postgres.sh starts a
throw-away one: fsync, synchronous commit and full-page writes off); without it only SQLite runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

PERIOD = "2023OctS1"
ROOT_UNIT = "01"
TOWNSHIP = "010101"
TARGETS = {"rows_per_s": 200_000, "peak_mb": 2048, "cold_s": 2.0, "warm_s": 0.1}


# ---------------------------------------------------------------------------------------------
# steps, each in a fresh interpreter


def _prepare(data: str, db: str) -> None:
    os.environ.pop("ZICHA_DATABASE_URL", None)
    from zicha.web.server import prepare

    prepare(Path(data), db or None)


def step_load(data: str, db: str, folder: str) -> dict[str, Any]:
    from steps import peak_mb, reset_peak

    _prepare(data, db)
    from zicha.actions.loading import load_workbook

    reset_peak()
    t0 = time.perf_counter()
    summary = load_workbook(folder)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "changed": summary.changed, "peak_mb": peak_mb()}


def step_compute(data: str, db: str, org: str) -> dict[str, Any]:
    _prepare(data, db)
    from zicha.actions import county
    from zicha.domain.orgunit import OrgUnit
    from zicha.domain.period import parse_period
    from zicha.storage import models as m

    scope = county.Scope(m.User(role="admin"), OrgUnit(org, org), parse_period(PERIOD))
    t0 = time.perf_counter()
    first = county.compute(scope)
    t1 = time.perf_counter()
    again = county.compute(scope)
    t2 = time.perf_counter()
    values = [r.value for r in first.indicators if r.value is not None]
    return {
        "cold_s": t1 - t0,
        "warm_s": t2 - t1,
        "same": again is first,
        "indicators": len(first.indicators),
        "with_value": len(values),
        "findings": len(first.findings),
    }


def step_prepare(data: str, db: str) -> dict[str, Any]:
    _prepare(data, db)
    return {}


STEPS = {"prepare": step_prepare, "load": step_load, "compute": step_compute}


def run_step(*args: str, script: str = __file__) -> dict[str, Any]:
    """`script step ARGS…` in a fresh interpreter; the JSON of its last line."""
    out = subprocess.run(
        [sys.executable, script, "step", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if out.returncode:
        raise RuntimeError(f"step {args} failed:\n{out.stdout}\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------------------------------------
# databases


def fresh_postgres(url: str) -> str:
    """Drop and create the database of `url`; returns the url."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def machine() -> dict[str, Any]:
    import polars

    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    pg = ""
    with contextlib.suppress(OSError):
        pg = subprocess.run(
            ["psql", "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "system": platform.platform(),
        "python": platform.python_version(),
        "polars": polars.__version__,
        "sqlite": __import__("sqlite3").sqlite_version,
        "postgresql": pg,
        "load_average_before": os.getloadavg(),
    }


def median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "step":
        print(json.dumps(STEPS[argv[1]](*argv[2:])))
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    import generate

    folder = generate.csv_folder(args.rows)
    if not (folder / "SIZE").exists():
        generate.write_csv_folder(args.rows)
    pg = os.environ.get("ZICHA_TEST_DATABASE_URL", "")
    databases = ["sqlite", "postgresql"] if pg else ["sqlite"]
    info = machine()
    loads: dict[str, list[dict[str, Any]]] = {d: [] for d in databases}
    reloads: dict[str, list[dict[str, Any]]] = {d: [] for d in databases}
    computes: list[dict[str, Any]] = []
    townships: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="zicha-bench-") as tmp:
        for r in range(args.repeat):
            for name in databases:
                data = Path(tmp) / f"{name}-{r}"
                data.mkdir()
                db = fresh_postgres(pg) if name == "postgresql" else ""
                run_step("prepare", str(data), db)  # the tables made, before any clock
                first = run_step("load", str(data), db, str(folder))
                again = run_step("load", str(data), db, str(folder))
                assert first["changed"] and not again["changed"], (first, again)
                first["rows_per_s"] = args.rows / first["seconds"]
                loads[name].append(first)
                reloads[name].append(again)
                print(
                    f"round {r + 1} {name}: load {first['seconds']:.1f} s "
                    f"({first['rows_per_s']:,.0f} rows/s, {first['peak_mb']:,.0f} MiB), "
                    f"again {again['seconds']:.1f} s",
                    flush=True,
                )
                if name == "postgresql":
                    c = run_step("compute", str(data), db, ROOT_UNIT)
                    t = run_step("compute", str(data), db, TOWNSHIP)
                    computes.append(c)
                    townships.append(t)
                    print(
                        f"  root cold {c['cold_s']:.3f} s, warm {c['warm_s'] * 1000:.2f} ms; "
                        f"township cold {t['cold_s']:.3f} s",
                        flush=True,
                    )
    result: dict[str, Any] = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": info,
        "rows": args.rows,
        "repeat": args.repeat,
        "period": PERIOD,
        "load": {
            d: {
                "median_s": median(loads[d], "seconds"),
                "median_rows_per_s": median(loads[d], "rows_per_s"),
                "median_peak_mb": median(loads[d], "peak_mb"),
                "again_median_s": median(reloads[d], "seconds"),
                "runs": loads[d],
                "again": reloads[d],
            }
            for d in databases
        },
    }
    if computes:
        result["compute"] = {
            "root_cold_median_s": median(computes, "cold_s"),
            "root_warm_median_s": median(computes, "warm_s"),
            "township_cold_median_s": median(townships, "cold_s"),
            "root_runs": computes,
            "township_runs": townships,
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "server_facts.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    for d in databases:
        s = result["load"][d]
        print(
            f"{d}: load median {s['median_s']:.1f} s = {s['median_rows_per_s']:,.0f} rows/s "
            f"(target ≥ {TARGETS['rows_per_s']:,}), peak {s['median_peak_mb']:,.0f} MiB, "
            f"again {s['again_median_s']:.1f} s"
        )
    if computes:
        c = result["compute"]
        print(
            f"root from PostgreSQL: cold {c['root_cold_median_s']:.3f} s (target < 2 s), "
            f"warm {c['root_warm_median_s'] * 1000:.2f} ms (target < 100 ms); "
            f"township cold {c['township_cold_median_s']:.3f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
