"""Wall time of `zicha agreements` on a generated county, the interpreter's start included.

    python bench/agreements_speed.py [--townships 30] [--villages 20] [--repeat 7]

Uses the county of `bench/rank_speed.py` (one county, T townships with five targets each, T × V
villages, an assessment sheet with every scoring mode and a veto item). Runs, as fresh
processes and alternating so that both see the same state of the machine:

- `zicha rank DIR --org C --period 2023Oct --json`: reads the workbook and scores every
  township (the reference: what any command on this workbook costs);
- `zicha agreements DIR --org C --period 2023Oct --zip --out TMP`: reads the workbook and drafts
  one agreement per township into one zip.

`--repeat` runs of each after one warm-up of each; medians reported. Then, in this process, the
drafting alone (`agreements_archive` on an engine already built), median of `--repeat`, and
its cost per agreement. Results go to bench/results/agreements_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import rank_speed

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"


def timed(args: list[str]) -> float:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-m", "zicha.cli.main", *args]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"zicha {args[0]} failed ({done.returncode}):\n{done.stderr}")
    return wall


def in_process(folder: Path, repeat: int) -> tuple[list[float], int]:
    """Drafting alone: `agreements_archive` over an engine already built."""
    sys.path.insert(0, str(ROOT / "src"))
    from zicha.actions.agreements import agreements_archive
    from zicha.actions.session import open_workbook
    from zicha.domain.period import parse_period

    session = open_workbook(folder)
    period = parse_period("2023Oct")
    agreements_archive(session.engine, "C", period)  # warm-up: imports, template, styles
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        made = agreements_archive(session.engine, "C", period)
        times.append(time.perf_counter() - start)
    return times, len(made.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", type=int, default=30)
    parser.add_argument("--villages", type=int, default=20, help="villages per township")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    folder = rank_speed.generate(args.townships, args.villages)
    rank = ["rank", str(folder), "--org", "C", "--period", "2023Oct", "--json"]
    with tempfile.TemporaryDirectory(prefix="zicha-bench-") as tmp:
        agreements = [
            *("agreements", str(folder), "--org", "C", "--period", "2023Oct"),
            *("--zip", "--out", tmp),
        ]
        timed(rank)
        timed(agreements)
        rank_times: list[float] = []
        agreement_times: list[float] = []
        for _ in range(args.repeat):
            rank_times.append(timed(rank))
            agreement_times.append(timed(agreements))
    drafting, size = in_process(folder, args.repeat)
    rank_median = statistics.median(rank_times)
    agreements_median = statistics.median(agreement_times)
    drafting_median = statistics.median(drafting)
    n = args.townships
    print(
        f"{n} townships, {n * args.villages} villages; medians of {args.repeat} alternating "
        f"fresh-process runs:\n"
        f"  zicha rank             {rank_median:.3f} s  "
        f"({', '.join(f'{t:.2f}' for t in rank_times)})\n"
        f"  zicha agreements --zip {agreements_median:.3f} s  "
        f"({', '.join(f'{t:.2f}' for t in agreement_times)})\n"
        f"  drafting alone, in process: {drafting_median:.3f} s for {n} agreements "
        f"({drafting_median / n * 1000:.1f} ms each; zip {size / 1024:.0f} KiB)"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "agreements_speed.json").write_text(
        json.dumps(
            {
                "date": datetime.now().isoformat(timespec="seconds"),
                "townships": n,
                "villages": n * args.villages,
                "rank_times_s": rank_times,
                "agreements_times_s": agreement_times,
                "rank_median_s": rank_median,
                "agreements_median_s": agreements_median,
                "drafting_times_s": drafting,
                "drafting_median_s": drafting_median,
                "per_agreement_ms": drafting_median / n * 1000,
                "zip_bytes": size,
            },
            indent=2,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
