"""The demo county of `zicha serve --demo`: the default pack's example township, with a few
generated townships and their villages.

The seed township (510001) keeps the figures of the seed report; five more townships get villages
whose monthly births, deaths and stocks are generated from a fixed seed, so the demo is the same
on every machine. Each township has the seed's targets scaled to its size, and the county has the
seed's assessment method, so ranking and the dashboard have something to compare.
"""

from __future__ import annotations

import csv
import random

from zicha.packs.registry import builtin_folder

DEMO_PACK = "family-planning"
SEED = 20110331

#: the generated townships: code, name, villages
TOWNSHIPS = (
    ("510002", "东河镇", ("东河村", "石桥村", "新民村", "柏树村")),
    ("510003", "西岭乡", ("西岭村", "红岩村", "龙井村")),
    ("510004", "南坝镇", ("南坝社区", "河坝村", "桂花村", "白鹤村")),
    ("510005", "北山乡", ("北山村", "青松村", "马鞍村")),
    ("510006", "中和镇", ("中和社区", "永安村", "太平村", "五星村")),
)
MONTHS = ("201010", "201011", "201012", "201101", "201102", "201103")


def demo_sheets() -> dict[str, list[list[str]]]:
    """The demo county as raw sheets: the seed example plus the generated townships."""
    sheets: dict[str, list[list[str]]] = {}
    for path in sorted((builtin_folder(DEMO_PACK) / "example").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            sheets[path.stem] = list(csv.reader(f))
    rng = random.Random(SEED)
    units = sheets["组织机构"]
    values = sheets["数据"]
    targets = sheets["目标"]
    for code, name, villages in TOWNSHIPS:
        units.append([code, name, "510000", "乡镇"])
        township_pop = 0
        for n, village in enumerate(villages, start=1):
            vcode = f"{code}{n:02d}"
            units.append([vcode, village, code, "村" if "村" in village else "社区"])
            pop = rng.randint(2800, 6500)
            township_pop += pop
            values.append([vcode, "201009", "总人口", str(pop), ""])
            married = round(pop * rng.uniform(0.17, 0.21))
            values.append([vcode, "201103", "已婚育龄妇女", str(married), ""])
            values.append(
                [
                    vcode,
                    "201103",
                    "落实长效避孕措施的已婚育龄妇女",
                    str(round(married * rng.uniform(0.7, 0.9))),
                    "",
                ]
            )
            for month in MONTHS:
                births = max(0, round(rng.gauss(pop * 0.0011, 1.4)))
                boys = sum(rng.random() < 0.515 for _ in range(births))
                in_policy = sum(rng.random() < 0.9 for _ in range(births))
                deaths = max(0, round(rng.gauss(pop * 0.0005, 1.0)))
                values += [
                    [vcode, month, "出生人数", str(births), ""],
                    [vcode, month, "出生男婴数", str(boys), ""],
                    [vcode, month, "出生女婴数", str(births - boys), ""],
                    [vcode, month, "政策内出生人数", str(in_policy), ""],
                    [vcode, month, "死亡人数", str(deaths), ""],
                ]
                pop += births - deaths
            values.append([vcode, "201103", "总人口", str(pop), ""])
        scale = township_pop / 35573
        targets += [
            [code, "2010Oct", "出生人数", f"<={round(510 * scale)}", ""],
            [code, "2010Oct", "人口自然增长率", "<=5", ""],
            [code, "2010Oct", "政策符合率", ">=85", ""],
            [code, "2010Oct", "出生人口性别比", "105～107", ""],
            [code, "2010Oct", "长效避孕措施落实率", ">=80", ""],
        ]
    return sheets
