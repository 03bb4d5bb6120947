"""Wall time of drafting one township's report with its charts, the interpreter's start included.

    python bench/report_speed.py [--rounds 15]

Runs `zicha report WORKBOOK --out report.docx` on the demo workbook (written once by
`zicha demo --out bench/data/demo`) as a fresh process. Each round runs, one after the other,
the report, a bare `python -c pass` and `python -c "import zicha.cli.main"`, so that whatever
else the machine is doing weighs on the three alike; the figure is the median over the rounds
(after one warm-up round), not the best. The target: under 0.5 seconds. The child's CPU time
(user + system) is kept too: on a machine shared with other work it shows what the run itself
costs. `zicha` is run as
`python -m zicha.cli.main` with `src/` on the path (what the `zicha` script runs once installed),
with Python's bytecode cache allowed, as an installed package has it; the same without the cache
(PYTHONDONTWRITEBYTECODE=1, every module compiled) is timed once for context. The report written
is checked to hold its chart parts.

Where the time goes: a bare `python -c pass`, `import zicha.cli.main`, the imports of the report
by package (python -X importtime, self times summed by top-level package), and the slowest zicha
functions of one run (cProfile, cumulative). Results go to bench/results/report_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEMO = BENCH / "data" / "demo"
RESULTS = BENCH / "results"
TARGET = 0.5

PROFILE = """
import cProfile, pstats, sys
from zicha.cli.main import cli
prof = cProfile.Profile()
prof.enable()
try:
    # not main(): it ends the process without returning, and the profile would be lost
    cli.main(args=sys.argv[1:], prog_name="zicha", standalone_mode=False)
except SystemExit:
    pass
prof.disable()
stats = pstats.Stats(prof)
rows = []
for (file, line, name), (cc, nc, tt, ct, callers) in stats.stats.items():
    if "/zicha/" in file:
        rows.append((ct, file.split("/zicha/", 1)[1] + ":" + str(line) + " " + name))
rows.sort(reverse=True)
for ct, where in rows[:20]:
    print(f"{ct:.3f}\\t{where}")
"""


def env(bytecode: bool = True) -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), e.get("PYTHONPATH")) if p)
    if bytecode:
        e.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode
    else:
        e["PYTHONDONTWRITEBYTECODE"] = "1"
    return e


def zicha(*args: str) -> list[str]:
    return [sys.executable, "-m", "zicha.cli.main", *args]


def timed(cmd: list[str], repeat: int, bytecode: bool = True) -> list[float]:
    return [run_once(cmd, bytecode)[0] for _ in range(repeat)]


def run_once(cmd: list[str], bytecode: bool = True) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child: user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env(bytecode), check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def alternating(
    commands: dict[str, list[str]], rounds: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Each command once per round, in turn, for `rounds` rounds (after one warm-up round):
    wall times and CPU times per command."""
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for r in range(rounds + 1):
        for name, cmd in commands.items():
            took, used = run_once(cmd)
            if r:
                wall[name].append(took)
                cpu[name].append(used)
    return wall, cpu


def chart_parts(docx: Path) -> list[str]:
    with zipfile.ZipFile(docx) as z:
        return sorted(n for n in z.namelist() if n.startswith("word/charts/chart"))


def demo_workbook() -> Path:
    workbook = DEMO / "workbook.xlsx"
    if not workbook.is_file():
        subprocess.run(
            zicha("demo", "--out", str(DEMO)), env=env(), check=True, capture_output=True
        )
    return workbook


def imports_by_package(cmd: list[str]) -> tuple[float, dict[str, float]]:
    """Total import time of a run and its split by top-level package (seconds), from
    python -X importtime (each module's own time, summed by the first part of its name)."""
    done = subprocess.run(
        [cmd[0], "-X", "importtime", *cmd[1:]], env=env(), capture_output=True, text=True
    )
    by_package: dict[str, float] = defaultdict(float)
    for line in done.stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line.split("|")
        if len(parts) != 3 or not parts[0].split(":")[1].strip().isdigit():
            continue  # the header line
        own = int(parts[0].split(":")[1]) / 1e6
        by_package[parts[2].strip().split(".")[0]] += own
    total = sum(by_package.values())
    ordered = dict(sorted(by_package.items(), key=lambda kv: -kv[1]))
    return total, ordered


def slowest_functions(args: list[str]) -> list[tuple[float, str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROFILE, *args], env=env(), capture_output=True, text=True
    )
    rows: list[tuple[float, str]] = []
    for line in done.stdout.splitlines():
        seconds, _, where = line.partition("\t")
        try:
            rows.append((float(seconds), where))
        except ValueError:
            continue
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--out", type=Path, default=RESULTS / "report_speed.json")
    args = parser.parse_args(argv)

    workbook = demo_workbook()
    with tempfile.TemporaryDirectory() as tmp:
        docx = Path(tmp) / "report.docx"
        report_args = ["report", str(workbook), "--out", str(docx)]
        runs, cpu = alternating(
            {
                "report": zicha(*report_args),
                "python_bare": [sys.executable, "-c", "pass"],
                "import_cli": [sys.executable, "-c", "import zicha.cli.main"],
            },
            args.rounds,
        )
        charts = chart_parts(docx)
        no_cache = timed(zicha(*report_args), 1, bytecode=False)
        import_total, packages = imports_by_package(zicha(*report_args))
        functions = slowest_functions(report_args)

    median = statistics.median(runs["report"])
    q1, _, q3 = statistics.quantiles(runs["report"], n=4)
    result: dict[str, Any] = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "command": "python -m zicha.cli.main " + " ".join(report_args[:2]) + " --out report.docx",
        "rounds": args.rounds,
        "report_seconds": runs["report"],
        "median": median,
        "quartiles": [q1, q3],
        "cpu_seconds": cpu["report"],
        "cpu_median": statistics.median(cpu["report"]),
        "load_average_at_end": os.getloadavg(),
        "target": TARGET,
        "met": median < TARGET,
        "chart_parts": charts,
        "without_bytecode_cache": no_cache[0],
        "python_bare_median": statistics.median(runs["python_bare"]),
        "import_cli_median": statistics.median(runs["import_cli"]),
        "imports_total": import_total,
        "imports_by_package": {k: round(v, 4) for k, v in packages.items()},
        "slowest_zicha_functions_profiled": [
            {"cumulative": round(s, 3), "function": f} for s, f in functions
        ],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")

    status = "met" if result["met"] else "MISSED"
    print(
        f"zicha report (demo township, .docx with {len(charts)} chart part(s)): "
        f"median {median:.3f} s of {args.rounds} alternating runs "
        f"(quartiles {q1:.3f}–{q3:.3f}); target < {TARGET} s: {status}"
    )
    print(
        f"  CPU time of the report process (user + system), median: "
        f"{result['cpu_median']:.3f} s; load average at the end: "
        + ", ".join(f"{x:.1f}" for x in result["load_average_at_end"])
    )
    print(f"  without a bytecode cache: {no_cache[0]:.3f} s")
    print(
        f"  python -c pass: {result['python_bare_median']:.3f} s; "
        f"import zicha.cli.main: {result['import_cli_median']:.3f} s (medians)"
    )
    print(f"  imports of the report run: {import_total:.3f} s in all; by package:")
    for name, seconds in list(packages.items())[:12]:
        print(f"    {seconds:7.3f} s  {name}")
    print("  slowest zicha functions (cProfile, cumulative; profiling slows them):")
    for seconds, where in functions[:15]:
        print(f"    {seconds:7.3f} s  {where}")
    print(f"written: {args.out}")
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
