"""What the audit trail costs, and how fast the chain is walked and a database copied.

    python bench/oversight.py                      # 20,000 register rows, 3 rounds
    python bench/oversight.py --rows 100000 --baseline ../main/src

Each measurement runs `zicha` in a fresh process on a fresh data folder (SQLite), rounds
alternating between this tree and the baseline source tree (`--baseline`: another checkout's
`src`, run with the same interpreter, e.g. main before the audit trail). Reported: medians.
- load: `zicha load` of the generated province folder (every value and register row recorded);
- verify: `zicha audit verify` of the loaded database;
- backup / restore: `zicha backup` (SQLite's online backup API), `--portable` (logical export),
  and `zicha restore` of each.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import write_csv_folder

SRC = Path(__file__).resolve().parents[1] / "src"


def zicha(src: Path, *args: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZICHA_", "DJANGO_"))}
    env["PYTHONPATH"] = str(src)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "from zicha.cli.main import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"zicha {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path, default=None)
    args = parser.parse_args()
    folder = write_csv_folder(args.rows)
    results: dict[str, list[float]] = {}
    trees = [("this", SRC)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    for _ in range(args.rounds):
        for name, src in trees:
            with tempfile.TemporaryDirectory() as tmp:
                data = Path(tmp) / "data"
                results.setdefault(f"load/{name}", []).append(
                    zicha(src, "load", str(folder), "--data", str(data))
                )
                if name != "this":
                    continue
                timings = {
                    "verify": ("audit", "verify", "--data", str(data)),
                    "backup": ("backup", f"{tmp}/b.sqlite3", "--data", str(data)),
                    "backup --portable": (
                        "backup",
                        f"{tmp}/b.zip",
                        "--portable",
                        "--data",
                        str(data),
                    ),
                    "restore (sqlite)": ("restore", f"{tmp}/b.sqlite3", "--data", f"{tmp}/r1"),
                    "restore (portable)": ("restore", f"{tmp}/b.zip", "--data", f"{tmp}/r2"),
                }
                for key, command in timings.items():
                    results.setdefault(key, []).append(zicha(src, *command))
    summary = {k: round(statistics.median(v), 3) for k, v in results.items()}
    summary["rows"] = args.rows
    summary["rounds"] = args.rounds
    text = json.dumps(summary, ensure_ascii=False, indent=1)
    (Path(__file__).resolve().parent / "results" / "oversight.json").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
