"""The county dashboard (`/api/dashboard`, 仪表盘) of a county's root when nothing is kept yet.

    python bench/dashboard_speed.py [--townships 30] [--villages 20] [--repeat 5]
                                    [--baseline ../other-checkout/src]

Generates the county of bench/rank_speed.py (T townships × V villages, monthly figures for the
statistical year 2023Oct, targets on every township), loads it with `zicha load` into a fresh
SQLite data folder and adds a reviewer of the county. Then, `--repeat` times, each in a fresh
process: the dashboard of the county for the half year 2023OctS1 through the action the API
calls (`zicha.actions.dashboard.dashboard`), timed cold (the first call of the process builds
the engine and computes every figure) and warm (asked again, nothing changed). With
`--baseline`, rounds alternate between this tree and the baseline's `src` (same interpreter,
same database). Reports medians and writes bench/results/dashboard_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import rank_speed
from server_load import RESULTS, commit, environment, prepare

SRC = Path(__file__).resolve().parents[1] / "src"
PERIOD = "2023OctS1"
#: a reviewer of the county: user name, role, unit, password
REVIEWER = ("bench-reviewer", "reviewer", "C", "bench-reviewer")

CHILD = """
import json, sys, time
from zicha.web.server import prepare
prepare(sys.argv[1])
from zicha.actions import county, dashboard
from zicha.storage import models as m
user = m.User.objects.get(username="bench-reviewer")
times = []
for _ in range(2):
    scope = county.resolve(user, "C", sys.argv[2])
    started = time.perf_counter()
    board = dashboard.dashboard(scope)
    times.append(time.perf_counter() - started)
print(json.dumps({"cold_s": times[0], "warm_s": times[1], "flows": len(board["flows"])}))
"""


def run(src: Path, data: Path) -> dict[str, float]:
    env = environment() | {"PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(data), PERIOD],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", type=int, default=30)
    parser.add_argument("--villages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another checkout's src folder")
    options = parser.parse_args(argv)

    county = rank_speed.generate(options.townships, options.villages)
    trees = {"this": SRC, **({"baseline": options.baseline.resolve()} if options.baseline else {})}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory(prefix="zicha-bench-") as tmp:
        data = Path(tmp) / "data"
        prepare(county, data, None, REVIEWER)
        for i in range(options.repeat):
            for name, src in trees.items():
                result = run(src, data)
                runs[name].append(result)
                print(
                    f"  round {i + 1} {name:8} cold {result['cold_s']:.3f} s  "
                    f"warm {result['warm_s'] * 1000:.1f} ms  ({result['flows']} flows)"
                )
    summary = {
        name: {key: statistics.median(r[key] for r in results) for key in ("cold_s", "warm_s")}
        for name, results in runs.items()
    }
    for name, s in summary.items():
        print(f"{name}: median cold {s['cold_s']:.3f} s, warm {s['warm_s'] * 1000:.1f} ms")
    RESULTS.mkdir(exist_ok=True)
    report = {
        "commit": commit(),
        "machine": {"cpus": os.cpu_count(), "load_before": os.getloadavg()},
        "county": {"townships": options.townships, "villages": options.villages},
        "period": PERIOD,
        "summary": summary,
        "runs": runs,
    }
    (RESULTS / "dashboard_speed.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
