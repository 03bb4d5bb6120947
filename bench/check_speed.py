"""What the workbook's checks cost: reading and `check`, this tree against another, medians of
alternating fresh processes.

    python bench/check_speed.py --baseline ../main/src            # every case, 7 rounds
    python bench/check_speed.py --baseline ../main/src --rounds 11

Cases (generated when missing): the demo township's workbook (.xlsx); the province of
`bench/generate.py --rows 200000 --xlsx 200000` as its CSV folder and its .xlsx. For each case
and each tree, every round starts a fresh interpreter that imports zicha from that tree's `src`
(imports not timed) and times `read_workbook` and then the engine's `check()` over the workbook
(built over its facts where the tree has the fact interface); the trees alternate within a
round, so that a busy moment of a shared machine falls on both. Medians are printed and written
to bench/results/check_speed.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results" / "check_speed.json"

SNIPPET = """
import json, sys, time
sys.path.insert(0, {src!r})
try:  # a tree whose engine asks a fact interface
    from zicha.actions.session import workbook_engine as engine_of
except ImportError:
    from zicha.engine.computation import Engine as engine_of
from zicha.packs.registry import get_pack
from zicha.workbook.reader import read_workbook
get_pack(None)
t0 = time.perf_counter()
dataset = read_workbook({path!r}, get_pack)
t1 = time.perf_counter()
findings = engine_of(get_pack(dataset.pack_id), dataset).check()
t2 = time.perf_counter()
print(json.dumps({{"read": t1 - t0, "check": t2 - t1, "findings": len(findings)}}))
"""


def cases() -> dict[str, Path]:
    data = BENCH / "data"
    folder = data / "province-200000"
    xlsx = data / "province-births-200000.xlsx"
    if not folder.is_dir() or not xlsx.is_file():
        subprocess.run(
            [sys.executable, str(BENCH / "generate.py"), "--rows", "200000", "--xlsx", "200000"],
            check=True,
        )
    demo = data / "demo"
    if not (demo / "workbook.xlsx").is_file():
        sys.path.insert(0, str(ROOT / "src"))
        from zicha.actions.demo import run_demo

        run_demo(demo, "family-planning")
    return {
        "demo township (.xlsx)": demo / "workbook.xlsx",
        "province, 200,000 register rows (CSV folder)": folder,
        "province, 200,000 births (.xlsx)": xlsx,
    }


def once(src: Path, path: Path) -> dict[str, Any]:
    code = SNIPPET.format(src=str(src), path=str(path))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="the other tree's src/")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    trees = {"baseline": args.baseline.resolve(), "this tree": ROOT / "src"}
    report: dict[str, Any] = {"date": datetime.now().isoformat(timespec="seconds"), "cases": {}}
    for name, path in cases().items():
        runs: dict[str, list[dict[str, Any]]] = {tree: [] for tree in trees}
        for _ in range(args.rounds):
            for tree, src in trees.items():
                runs[tree].append(once(src, path))
        row: dict[str, Any] = {}
        for tree, results in runs.items():
            row[tree] = {
                "read_s": statistics.median(r["read"] for r in results),
                "check_s": statistics.median(r["check"] for r in results),
                "findings": results[-1]["findings"],
            }
        report["cases"][name] = row
        cells = "  ".join(
            f"{tree}: read {r['read_s']:.3f} s, check {r['check_s']:.3f} s, "
            f"{r['findings']} findings"
            for tree, r in row.items()
        )
        print(f"{name}\n  {cells}")
    report["rounds"] = args.rounds
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
