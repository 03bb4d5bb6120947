"""End to end, side by side: zicha, DuckDB SQL and a polars query, from the same CSV folder to the
same indicator table.

    python bench/e2e.py                              # 0.5, 1.5, 5, 10 and 20 million register rows
    python bench/e2e.py --sizes 0.5,1.5,5 --repeat 3
    python bench/e2e.py verify --rows 2000000        # the three tables agree (in this process)

Each contestant (bench/e2e_zicha.py, e2e_duckdb.py, e2e_polars.py) runs as a fresh interpreter,
in alternating order (zicha, duckdb, polars, zicha, duckdb, polars, …), `--repeat` rounds per
size. Per run: the wall time of the whole process (from spawning it to reaping it: interpreter
start and imports included), the work after the imports (the child's own clock readings), CPU
(user + sys of the child, from os.wait4) and peak memory (the child's VmHWM, read by the child
itself at its end). Medians, min and max per contestant; the ratios zicha/duckdb and
zicha/polars; the growth in seconds per million rows between sizes. Writes
bench/results/e2e.json with the machine, and exits 1 when zicha misses a target at any size
(median wall ≤ DuckDB's, median peak memory ≤ 1.5 × DuckDB's) — after writing it.

Missing data is generated (bench/generate.py) into bench/data/province-<rows>. The smallest size
is first checked (`verify`) unless --no-verify. zicha's runs find its pack in the user's pack
cache, as every run after zicha's first on a machine does (`keep_pack`).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
CONTESTANTS = ("zicha", "duckdb", "polars")
SIZES = (0.5, 1.5, 5.0, 10.0, 20.0)  # millions of register rows
WALL_TARGET = 1.0  # zicha's median wall at most this × DuckDB's
MEMORY_TARGET = 1.5  # zicha's median peak at most this × DuckDB's


# ---------------------------------------------------------------------------------------------
# one run


def _rss_mb() -> float | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def run_once(contestant: str, folder: Path) -> dict[str, Any]:
    """One contestant in a fresh interpreter: its measures."""
    script = BENCH / f"e2e_{contestant}.py"
    # stderr to a file: two pipes read one after the other could fill and block the child
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(script), str(folder)], stdout=subprocess.PIPE, stderr=err
        )
        assert proc.stdout is not None
        out = proc.stdout.read()
        # os.wait4, not proc.wait(): it reaps the child and gives its resource usage
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        if proc.returncode != 0:
            err.seek(0)
            message = err.read().decode(errors="replace")
            raise SystemExit(f"{contestant} failed (exit {proc.returncode}):\n{message}")
    child = json.loads(out.decode().strip().splitlines()[-1])
    return {
        "wall_s": wall,
        "work_s": child["work_s"],
        # interpreter start and imports: from the spawn to the child's reading after its imports
        "start_s": child["t_imported"] - t0,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mb": child["hwm_mb"],
        # wait4's ru_maxrss (KiB): kept to show it, not used (see the README)
        "ru_maxrss_mb": usage.ru_maxrss / 1024,
        "rows": child["rows"],
        "columns": child["columns"],
        # zicha's read, engine build and table, in seconds
        **({"phases": child["phases"]} if "phases" in child else {}),
    }


# ---------------------------------------------------------------------------------------------
# the machine


def machine() -> dict[str, Any]:
    cpu = platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = {"python": platform.python_version()}
    for name in ("polars", "duckdb"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "system": platform.platform(),
        "versions": versions,
    }


# ---------------------------------------------------------------------------------------------
# data


def ensure_data(rows: int) -> Path:
    """The CSV folder of `rows` register rows, generated when missing."""
    folder = BENCH / "data" / f"province-{rows}"
    marker = folder / "SIZE"
    if not (marker.is_file() and marker.read_text().strip() == str(rows)):
        cmd = [sys.executable, str(BENCH / "generate.py"), "--rows", str(rows), "--missing"]
        subprocess.run(cmd, check=True)
    return folder


def compile_sources() -> None:
    """Write the bytecode of zicha's modules and of this folder's scripts where it is missing or
    stale, as installing a wheel does: otherwise every run under PYTHONDONTWRITEBYTECODE (or
    from a read-only checkout) compiles the changed modules again, 30–50 ms that no installed
    zicha pays. polars and duckdb come from wheels, compiled when installed."""
    spec = importlib.util.find_spec("zicha")
    folders = {BENCH, BENCH.parent / "src" / "zicha"}
    if spec is not None and spec.submodule_search_locations:
        folders |= {Path(p) for p in spec.submodule_search_locations}
    for folder in sorted(f for f in folders if f.is_dir()):
        compileall.compile_dir(folder, quiet=1)


def keep_pack() -> None:
    """Read the pack once, so that the user's pack cache (`zicha.packs.cache`) holds it, as it
    does after zicha's first run on a machine: the first run after an install or an upgrade
    reads it from its TOML files (30–40 ms more), every later one from the cache."""
    code = "from zicha.packs.registry import get_pack; get_pack(None)"
    path = os.pathsep.join([str(BENCH.parent / "src"), os.environ.get("PYTHONPATH", "")])
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": path})


def warm(folder: Path) -> int:
    """Read every file once so that the first contestant does not pay for the disk alone;
    returns the folder's size in bytes."""
    total = 0
    for path in sorted(folder.glob("*.csv")):
        with path.open("rb") as f:
            while chunk := f.read(1 << 24):
                total += len(chunk)
    return total


# ---------------------------------------------------------------------------------------------
# summaries


def spread(xs: list[float]) -> dict[str, float]:
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs)}


MEASURES = ("wall_s", "work_s", "start_s", "cpu_s", "peak_mb")


def summary(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    out: dict[str, Any] = {
        c: {m: spread([r[m] for r in rs]) for m in MEASURES} for c, rs in runs.items()
    }
    z = out["zicha"]
    phased = [r["phases"] for r in runs["zicha"] if "phases" in r]
    if phased:
        z["phases"] = {k: spread([p[k] for p in phased]) for k in phased[0]}
    for other in ("duckdb", "polars"):
        o = out[other]
        out[f"zicha/{other}"] = {
            "wall": z["wall_s"]["median"] / o["wall_s"]["median"],
            "work": z["work_s"]["median"] / o["work_s"]["median"],
            "cpu": z["cpu_s"]["median"] / o["cpu_s"]["median"],
            "peak": z["peak_mb"]["median"] / o["peak_mb"]["median"],
        }
    ratio = out["zicha/duckdb"]
    out["targets"] = {
        "wall": ratio["wall"] <= WALL_TARGET,
        "memory": ratio["peak"] <= MEMORY_TARGET,
    }
    return out


def growth(sizes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Seconds (median wall) and MiB (median peak) per million rows between consecutive sizes."""
    out = []
    for a, b in itertools.pairwise(sizes):
        millions = (b["rows"] - a["rows"]) / 1e6
        step: dict[str, Any] = {"from": a["rows"], "to": b["rows"]}
        for c in CONTESTANTS:
            sa, sb = a["summary"][c], b["summary"][c]
            step[c] = {
                "s_per_million": (sb["wall_s"]["median"] - sa["wall_s"]["median"]) / millions,
                "mib_per_million": (sb["peak_mb"]["median"] - sa["peak_mb"]["median"]) / millions,
            }
        out.append(step)
    return out


def _fmt(s: dict[str, float], unit: str = "s") -> str:
    if unit == "MiB":
        return f"{s['median']:,.0f} ({s['min']:,.0f}–{s['max']:,.0f})"
    return f"{s['median']:.2f} ({s['min']:.2f}–{s['max']:.2f})"


def show(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console() if Console().is_terminal else Console(width=160)
    table = Table(
        title=f"end to end, median (min–max) of {report['repeat']} alternating fresh runs; "
        f"load before {report['load_before']}"
    )
    for col in ("rows", "", "wall s", "after imports s", "start+imports s", "CPU s", "peak MiB"):
        table.add_column(col, justify="right")
    table.add_column("zicha ÷ it (wall, CPU, peak)", justify="right")
    for size in report["sizes"]:
        s = size["summary"]
        for c in CONTESTANTS:
            m = s[c]
            ratio = ""
            if c != "zicha":
                r = s[f"zicha/{c}"]
                ratio = f"{r['wall']:.2f}×, {r['cpu']:.2f}×, {r['peak']:.2f}×"
            table.add_row(
                f"{size['rows'] / 1e6:g} M" if c == "zicha" else "",
                c,
                _fmt(m["wall_s"]),
                _fmt(m["work_s"]),
                _fmt(m["start_s"]),
                _fmt(m["cpu_s"]),
                _fmt(m["peak_mb"], "MiB"),
                ratio,
            )
        t = s["targets"]
        verdict = " ".join(
            f"{k} {'[green]met[/green]' if ok else '[bold red]missed[/bold red]'}"
            for k, ok in t.items()
        )
        table.add_row("", "targets", "", "", "", "", "", verdict, end_section=True)
    console.print(table)
    if report["growth"]:
        g = Table(title="growth between sizes: seconds (wall) and MiB (peak) per million rows")
        g.add_column("rows", justify="right")
        for c in CONTESTANTS:
            g.add_column(f"{c} s/M", justify="right")
            g.add_column(f"{c} MiB/M", justify="right")
        for step in report["growth"]:
            cells = []
            for c in CONTESTANTS:
                cells += [f"{step[c]['s_per_million']:.3f}", f"{step[c]['mib_per_million']:.0f}"]
            g.add_row(f"{step['from'] / 1e6:g} → {step['to'] / 1e6:g} M", *cells)
        console.print(g)


# ---------------------------------------------------------------------------------------------
# commands


def verify(rows: int) -> list[str]:
    """Compute the three tables in this process and compare them; the differences (empty: all
    agree)."""
    sys.path.insert(0, str(BENCH))
    import e2e_verify

    folder = ensure_data(rows)
    tables = e2e_verify.tables(folder)
    problems = []
    for other in ("duckdb", "polars"):
        for d in e2e_verify.differences(tables["zicha"], tables[other]):
            problems.append(f"{other}: {d}")
    return problems


def run(sizes: list[float], repeat: int, out: Path, check: bool) -> int:
    load = [round(x, 2) for x in os.getloadavg()]
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_before": load,
        "repeat": repeat,
        "order": "alternating: " + ", ".join(CONTESTANTS) + ", … per round",
        "targets": {"wall": f"≤ {WALL_TARGET} × duckdb", "memory": f"≤ {MEMORY_TARGET} × duckdb"},
        "harness_rss_mb": _rss_mb(),
        "sizes": [],
    }
    folders = {s: ensure_data(round(s * 1_000_000)) for s in sizes}
    compile_sources()
    keep_pack()
    if check:
        smallest = round(min(sizes) * 1_000_000)
        # in a child: the three tables would leave this process big, and its children after it
        cmd = [sys.executable, __file__, "verify", "--rows", str(smallest)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        report["verified"] = {"rows": smallest, "output": done.stdout.strip()}
        if done.returncode != 0:
            print(done.stdout, done.stderr, file=sys.stderr)
            raise SystemExit("the contestants' tables differ: not timing them")
    for s in sizes:
        folder = folders[s]
        size_bytes = warm(folder)
        runs: dict[str, list[dict[str, Any]]] = {c: [] for c in CONTESTANTS}
        for i in range(repeat):
            for c in CONTESTANTS:
                runs[c].append(run_once(c, folder))
                print(
                    f"{s:g} M round {i + 1}/{repeat} {c}: {runs[c][-1]['wall_s']:.2f} s, "
                    f"{runs[c][-1]['peak_mb']:,.0f} MiB",
                    file=sys.stderr,
                )
        shapes = {c: (rs[0]["rows"], rs[0]["columns"]) for c, rs in runs.items()}
        report["sizes"].append(
            {
                "rows": round(s * 1_000_000),
                "csv_mb": round(size_bytes / 1e6, 1),
                "table": shapes,
                "runs": runs,
                "summary": summary(runs),
                # the child's own VmHWM against wait4's ru_maxrss: equal unless this harness was
                # bigger than the child when it spawned it (see the README)
                "ru_maxrss_equals_vmhwm": all(
                    abs(r["peak_mb"] - r["ru_maxrss_mb"]) < 1 for rs in runs.values() for r in rs
                ),
            }
        )
    report["growth"] = growth(report["sizes"])
    report["met"] = all(all(x["summary"]["targets"].values()) for x in report["sizes"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    show(report)
    print(f"written: {out}")
    return 0 if report["met"] else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    check = sub.add_parser("verify", help="the three tables agree (computed in this process)")
    check.add_argument("--rows", type=int, default=200_000)
    parser.add_argument(
        "--sizes",
        default=",".join(f"{s:g}" for s in SIZES),
        help="millions of register rows, comma-separated (default: %(default)s)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="alternating rounds per size")
    parser.add_argument("--out", type=Path, default=RESULTS / "e2e.json")
    parser.add_argument("--no-verify", action="store_true", help="skip the check of the tables")
    args = parser.parse_args(argv)
    if args.command == "verify":
        problems = verify(args.rows)
        print("\n".join(problems) or f"the three tables agree ({args.rows:,} register rows)")
        return 1 if problems else 0
    sizes = sorted(float(s) for s in args.sizes.split(","))
    return run(sizes, args.repeat, args.out, not args.no_verify)


if __name__ == "__main__":
    sys.exit(main())
