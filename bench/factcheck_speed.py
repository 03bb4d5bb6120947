"""Wall time of `zicha factcheck`, and of the fact-check itself, on reports of several sizes.

    python bench/factcheck_speed.py [--rounds 7]

Inputs: the seed's text (without its last clutter line), the demo township's drafted report as
.docx (written once by `zicha demo --out bench/data/demo`), and a long text of the seed's
figure-bearing sections repeated 100 times (about 100 pages). Each round runs, for every input
in turn (alternating, so that a slow moment of the machine hits all of them alike), a fresh
process of `zicha factcheck FILE --json` (interpreter start included) and a fresh process that
times `fact_check()` alone after its imports. Medians over the rounds go to
bench/results/factcheck_speed.json.
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
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data" / "factcheck"
DEMO = BENCH / "data" / "demo"
RESULTS = BENCH / "results"
SEED = ROOT.parent / "shared" / "seed" / "township-fp-halfyear-report.txt"

INNER = """
import json, sys, time
from pathlib import Path
from zicha.actions.factchecking import fact_check
path = Path(sys.argv[1])
t0 = time.perf_counter()
result = fact_check(path)
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "figures": len(result.figures),
                  "sentences": len(result.sentences), "findings": len(result.findings)}))
"""


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), e.get("PYTHONPATH")) if p)
    return e


def inputs() -> dict[str, Path]:
    """The three reports, written once into bench/data/."""
    DATA.mkdir(parents=True, exist_ok=True)
    lines = SEED.read_text(encoding="utf-8").splitlines()[:-1]
    seed = DATA / "seed.txt"
    seed.write_text("\n".join(lines), encoding="utf-8")
    long = DATA / "long.txt"
    figures = [line for line in lines if any(ch.isdigit() for ch in line)]
    long.write_text("\n".join(figures * 100), encoding="utf-8")
    docx = DEMO / "report.docx"
    if not docx.exists():
        subprocess.run(
            [sys.executable, "-m", "zicha.cli.main", "demo", "--out", str(DEMO)],
            env=env(),
            check=True,
            capture_output=True,
        )
    return {"seed.txt": seed, "demo report.docx": docx, "long.txt (100 × seed sections)": long}


def once_cli(path: Path) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "zicha.cli.main", "factcheck", str(path), "--json"],
        env=env(),
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - t0
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.decode())
    return seconds


def once_inner(path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", INNER, str(path)], env=env(), capture_output=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    files = inputs()
    cli: dict[str, list[float]] = {k: [] for k in files}
    inner: dict[str, list[float]] = {k: [] for k in files}
    shape: dict[str, dict[str, Any]] = {}
    for _ in range(args.rounds):
        for name, path in files.items():
            cli[name].append(once_cli(path))
            run = once_inner(path)
            inner[name].append(run["seconds"])
            shape[name] = {k: v for k, v in run.items() if k != "seconds"}
    rows = []
    for name, path in files.items():
        rows.append(
            {
                "input": name,
                "bytes": path.stat().st_size,
                **shape[name],
                "cli_median_s": statistics.median(cli[name]),
                "fact_check_median_s": statistics.median(inner[name]),
                "cli_s": cli[name],
                "fact_check_s": inner[name],
            }
        )
    for r in rows:
        print(
            f"{r['input']:<34} {r['bytes']:>9,} B {r['sentences']:>6} sentences "
            f"{r['figures']:>6} figures  zicha factcheck {r['cli_median_s']:.3f} s  "
            f"fact_check() {r['fact_check_median_s']:.4f} s"
        )
    RESULTS.mkdir(exist_ok=True)
    out = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "rounds": args.rounds,
        "rows": rows,
    }
    (RESULTS / "factcheck_speed.json").write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
