"""zicha end to end from a CSV folder, against another tree: imports, `read_workbook` (every
check), `workbook_engine(pack, dataset)` and `engine.table(every unit, every period)`.

    python bench/read_speed.py FOLDER [FOLDER ...] --baseline ../main [--rounds 5]

Each measurement is a fresh interpreter running `--one TREE FOLDER` (the clock starts before
its first import); rounds alternate this tree and the baseline; medians of wall, CPU (user +
system) and peak resident memory (VmHWM) are printed per folder and tree, with the load average
seen before each run. Results go to `results/read_speed.json`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def one(tree: Path, folder: Path) -> dict[str, Any]:
    """The measured run itself, in this interpreter."""
    t0 = time.perf_counter()
    sys.path[:0] = [str(tree / "src"), str(tree / "bench")]
    import resource

    from steps import all_periods  # type: ignore[import-not-found]

    from zicha.actions.session import workbook_engine
    from zicha.packs.registry import get_pack
    from zicha.workbook.reader import read_workbook

    t1 = time.perf_counter()
    dataset = read_workbook(folder, get_pack)
    t2 = time.perf_counter()
    pack = get_pack(dataset.pack_id)
    engine = workbook_engine(pack, dataset)
    t3 = time.perf_counter()
    table = engine.table([u.code for u in dataset.tree], all_periods(pack))
    t4 = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open("/proc/self/status") as status:
        hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    return {
        "imports": t1 - t0,
        "read": t2 - t1,
        "build": t3 - t2,
        "table": t4 - t3,
        "wall": t4 - t0,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": hwm / 1024,
        "cells": table.height,
    }


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--baseline", type=Path, required=False)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--one", nargs=2, metavar=("TREE", "FOLDER"))
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(Path(args.one[0]), Path(args.one[1]))))
        return
    trees = {"this": ROOT}
    if args.baseline is not None:
        trees["baseline"] = args.baseline.resolve()
    results: dict[str, Any] = {}
    for folder in args.folders:
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                load = _load()
                out = subprocess.run(
                    [sys.executable, __file__, "--one", str(tree), str(folder)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                runs[name].append({**json.loads(out.splitlines()[-1]), "load": load})
        results[folder.name] = runs
        for name, measured in runs.items():
            med = {k: statistics.median(r[k] for r in measured) for k in measured[0]}
            loads = [r["load"] for r in measured]
            print(
                f"{folder.name:>20} {name:>8}: wall {med['wall']:.2f} s (read {med['read']:.2f}, "
                f"build {med['build']:.2f}, table {med['table']:.2f}, imports "
                f"{med['imports']:.2f}), cpu {med['cpu']:.2f} s, peak {med['peak_mb']:.0f} MiB, "
                f"load {min(loads):.1f}–{max(loads):.1f}"
            )
    (HERE / "results" / "read_speed.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
