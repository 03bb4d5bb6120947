"""Wall times of the population-monitoring pack's commands, and what chance intervals cost.

    python bench/population_speed.py [--repeat 7] [--baseline ../main/src]

Writes the pack's demo workbook once (`zicha demo --pack population-monitoring` into
bench/data/population-demo/), then times `check`, `compute --json`, `report .docx` and `rank` on
it, each as a fresh process (`python -m zicha.cli.main` with this tree's `src/` on the path),
the commands taking turns so that a slow moment of the machine falls on all of them alike; the
median of `--repeat` runs each.

With `--baseline SRC` (another tree's `src/`, e.g. the main branch's), `zicha rank` on the county
of bench/rank_speed.py (30 townships, 600 villages; generated when missing) runs with this tree
and with SRC in turn: the difference of the medians is what computing an interval for every
sampled indicator of every township costs. Results go to bench/results/population_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
DEMO = BENCH / "data" / "population-demo"


def zicha(src: Path, *args: object) -> float:
    """Seconds of one fresh `zicha` process on the given source tree."""
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, "-m", "zicha.cli.main", *[str(a) for a in args]]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return elapsed


def alternate(runs: dict[str, tuple[Path, list[object]]], repeat: int) -> dict[str, list[float]]:
    """Every command once per round, `repeat` rounds after one warm-up round."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for round_ in range(repeat + 1):
        for name, (src, args) in runs.items():
            t = zicha(src, *args)
            if round_:
                times[name].append(t)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--baseline", type=Path, help="another tree's src/ to compare rank with")
    args = parser.parse_args()
    src = ROOT / "src"
    if not (DEMO / "workbook.xlsx").is_file():
        zicha(src, "demo", "--pack", "population-monitoring", "--out", DEMO)
    book = DEMO / "workbook.xlsx"
    out = DEMO / "bench-report.docx"
    runs: dict[str, tuple[Path, list[object]]] = {
        "check": (src, ["check", book]),
        "compute": (src, ["compute", book, "--json"]),
        "report": (src, ["report", book, "--out", out]),
        "rank": (src, ["rank", book, "--org", "610100", "--period", "2025"]),
    }
    if args.baseline is not None:
        county = BENCH / "data" / "county-30x20"
        if not county.is_dir():
            subprocess.run(
                [sys.executable, str(BENCH / "rank_speed.py"), "--repeat", "1"], check=True
            )
        rank = ["rank", county, "--org", "C", "--period", "2023OctS1"]
        runs["county rank (this tree)"] = (src, rank)
        runs["county rank (baseline)"] = (args.baseline.resolve(), rank)
    times = alternate(runs, args.repeat)
    result = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "repeat": args.repeat,
        "median_seconds": {k: statistics.median(v) for k, v in times.items()},
        "runs": times,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "population_speed.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    for name, seconds in result["median_seconds"].items():
        spread = f"{min(times[name]):.3f}–{max(times[name]):.3f}"
        print(f"{name:28s} median {seconds:.3f} s  ({spread}, {args.repeat} runs)")


if __name__ == "__main__":
    main()
