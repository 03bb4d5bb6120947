"""Wall time of `zicha rank` on a generated county, the interpreter's start included.

    python bench/rank_speed.py [--townships 30] [--villages 20] [--repeat 5]

Writes a county workbook as a CSV folder (bench/data/county-<T>x<V>/): one county, T townships,
T × V villages; population at the quarter ends and births, deaths and spending by month for the
statistical year 2023Oct, entered per village; targets for every township (births cap, natural
growth cap, conforming rate floor, sex-ratio range, spending floor) and an assessment sheet using
every scoring mode. Then runs `zicha rank DIR --org C --period 2023OctS1` as a fresh process,
`--repeat` times after one warm-up, and keeps the best. Target (the assessment issue): under 1
second for 30 townships and 600 villages. Results go to bench/results/rank_speed.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
TARGET = 1.0
MONTHS = [f"2023{m:02d}" for m in (10, 11, 12)] + [f"2024{m:02d}" for m in range(1, 10)]


def write(folder: Path, name: str, rows: list[list[object]]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def generate(townships: int, villages: int) -> Path:
    folder = BENCH / "data" / f"county-{townships}x{villages}"
    if (folder / "数据.csv").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20231001)
    orgs: list[list[object]] = [["代码", "名称", "上级代码", "类型"], ["C", "某县", "", "县"]]
    values: list[list[object]] = [["单位代码", "期间", "数据项", "数值"]]
    targets: list[list[object]] = [["单位代码", "期间", "指标", "目标值", "分值"]]
    for t in range(1, townships + 1):
        town = f"T{t:02d}"
        orgs.append([town, f"第{t}乡", "C", "乡镇"])
        targets += [
            [town, "2023Oct", "出生人数", f"<={villages * 18}", ""],
            [town, "2023Oct", "人口自然增长率", "<=5", ""],
            [town, "2023Oct", "政策符合率", ">=85", ""],
            [town, "2023Oct", "出生人口性别比", "105~107", ""],
            [town, "2023Oct", "计划生育财政投入", f">={villages * 2}", ""],
        ]
        for v in range(1, villages + 1):
            code = f"{town}V{v:03d}"
            orgs.append([code, f"第{t}乡第{v}村", town, "村"])
            population = rng.randint(800, 2500)
            for period in ("202309", "202312", "202403", "202406", "202409"):
                population += rng.randint(-5, 12)
                values.append([code, period, "总人口", population])
            for month in MONTHS:
                born = rng.randint(0, 3)
                male = rng.randint(0, born)
                values += [
                    [code, month, "出生人数", born],
                    [code, month, "出生男婴数", male],
                    [code, month, "出生女婴数", born - male],
                    [code, month, "政策内出生人数", rng.randint(0, born)],
                    [code, month, "死亡人数", rng.randint(0, 2)],
                    [code, month, "计划生育财政投入", round(rng.uniform(0.05, 0.3), 2)],
                ]
    write(folder, "组织机构.csv", orgs)
    write(folder, "数据.csv", values)
    write(folder, "目标.csv", targets)
    write(
        folder,
        "考核办法.csv",
        [
            ["指标", "分值", "计分方式", "每", "扣分", "一票否决"],
            ["出生人数", 10, "按差距扣分", 1, 0.1, "否"],
            ["人口自然增长率", 10, "按差距扣分", 0.1, 1, "否"],
            ["政策符合率", 15, "按差距扣分", 0.1, 0.3, "否"],
            ["出生人口性别比", 10, "达标得分", "", "", "是"],
            ["计划生育财政投入", 5, "按比例得分", "", "", "否"],
        ],
    )
    write(folder, "基本信息.csv", [["项目", "内容"], ["业务包", "family-planning"]])
    return folder


def run_once(folder: Path) -> float:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [
        sys.executable,
        "-m",
        "zicha.cli.main",
        "rank",
        str(folder),
        "--org",
        "C",
        "--period",
        "2023OctS1",
        "--json",
    ]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"zicha rank failed ({done.returncode}):\n{done.stderr}")
    rows = json.loads(done.stdout)["rows"]
    assert rows, "no rows ranked"
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", type=int, default=30)
    parser.add_argument("--villages", type=int, default=20, help="villages per township")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = generate(args.townships, args.villages)
    run_once(folder)  # warm-up: bytecode cache, file cache
    times = [run_once(folder) for _ in range(args.repeat)]
    best = min(times)
    units = 1 + args.townships * (1 + args.villages)
    verdict = "met" if best < TARGET else "missed"
    print(
        f"zicha rank ({args.townships} townships, {args.townships * args.villages} villages, "
        f"{units} org units): best {best:.3f} s of {args.repeat} "
        f"({', '.join(f'{t:.2f}' for t in times)}); target < {TARGET:.0f} s: {verdict}"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "rank_speed.json").write_text(
        json.dumps(
            {
                "date": datetime.now().isoformat(timespec="seconds"),
                "townships": args.townships,
                "villages": args.townships * args.villages,
                "org_units": units,
                "times_s": times,
                "best_s": best,
                "target_s": TARGET,
                "met": best < TARGET,
            },
            indent=2,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
