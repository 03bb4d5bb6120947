"""A generated county whose every figure is consistent: a county, 5 townships of 8 villages,
registers of births and deaths (a few a month per village), stocks at the quarter ends of the
statistical year 2010Oct, quarterly contraception figures and monthly budgets per township,
annual targets. Deterministic (a fixed seed).

`County.rows` holds the sheets as rows; `plant(...)` alters them the way the planted problems
of the tests do; `write(folder)` writes a CSV folder (GB18030, as Excel on a Chinese Windows
saves CSV).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

Row = list[object]

YEAR_START = date(2010, 10, 1)
YEAR_END = date(2011, 9, 30)
STOCK_MONTHS = ("201009", "201012", "201103", "201106", "201109")
QUARTERS = ("2010OctQ1", "2010OctQ2", "2010OctQ3", "2010OctQ4")
MONTHS = tuple(
    f"{y}{m:02d}"
    for y, m in [(2010, 10), (2010, 11), (2010, 12)] + [(2011, m) for m in range(1, 10)]
)
TOWNSHIPS = ("东乡", "西乡", "南乡", "北乡", "中乡")
VILLAGES_PER_TOWNSHIP = 8
BOY_SHARE = 0.515  # a sex ratio at birth of about 106


def _poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method: small means only."""
    limit, k, p = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@dataclass
class County:
    sheets: dict[str, list[Row]] = field(default_factory=dict)
    townships: list[str] = field(default_factory=list)
    villages: dict[str, list[str]] = field(default_factory=dict)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in self.sheets.items():
            text = "\r\n".join(",".join("" if c is None else str(c) for c in r) for r in rows)
            (folder / f"{name}.csv").write_bytes((text + "\r\n").encode("gb18030"))
        return folder


def generate(seed: int = 20101001) -> County:
    rng = random.Random(seed)
    county = County()
    orgs: list[Row] = [["代码", "名称", "上级代码", "类型"], ["0510", "示范县", None, "县"]]
    values: list[Row] = [["单位代码", "期间", "数据项", "数值", "备注"]]
    births: list[Row] = [["单位代码", "出生日期", "性别", "孩次", "政策内", "登记编号"]]
    deaths: list[Row] = [["单位代码", "死亡日期", "性别", "年龄", "登记编号"]]
    targets: list[Row] = [["单位代码", "期间", "指标", "目标值", "分值"]]
    days = (YEAR_END - YEAR_START).days + 1
    for t, town_name in enumerate(TOWNSHIPS, start=1):
        town = f"0510{t:02d}"
        county.townships.append(town)
        orgs.append([town, town_name, "0510", "乡镇"])
        county.villages[town] = []
        town_births = 0
        for v in range(1, VILLAGES_PER_TOWNSHIP + 1):
            village = f"{town}{v:03d}"
            county.villages[town].append(village)
            orgs.append([village, f"{town_name}{v}村", town, "村"])
            population = rng.randint(1400, 2600)
            level = {"201009": population}
            day_births: dict[date, int] = {}
            day_deaths: dict[date, int] = {}
            for offset in range(days):
                d = YEAR_START + timedelta(days=offset)
                day_births[d] = _poisson(rng, 3.0 / 30.4)
                day_deaths[d] = _poisson(rng, 1.5 / 30.4)
            for d, n in day_births.items():
                for _ in range(n):
                    sex = "男" if rng.random() < BOY_SHARE else "女"
                    order = rng.choices((1, 2, 3), weights=(55, 40, 5))[0]
                    in_policy = "是" if order < 3 or rng.random() < 0.5 else "否"
                    births.append(
                        [village, d.isoformat(), sex, order, in_policy, f"B{len(births)}"]
                    )
                    town_births += 1
            for d, n in day_deaths.items():
                for _ in range(n):
                    sex = "男" if rng.random() < 0.5 else "女"
                    deaths.append(
                        [village, d.isoformat(), sex, rng.randint(40, 95), f"D{len(deaths)}"]
                    )
            # population at each quarter's end: births less deaths so far, no migration
            for month in STOCK_MONTHS[1:]:
                first = date(int(month[:4]), int(month[4:]), 1)
                end = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
                born = sum(n for d, n in day_births.items() if d <= end)
                died = sum(n for d, n in day_deaths.items() if d <= end)
                level[month] = population + born - died
            for month in STOCK_MONTHS:
                values.append([village, month, "总人口", level[month], None])
            married = int(population * rng.uniform(0.18, 0.22))
            parts = [int(married * s) for s in (0.05, 0.25, 0.45)]
            parts.append(married - sum(parts))
            users = int(married * rng.uniform(0.85, 0.92))
            long_acting = int(users * rng.uniform(0.6, 0.75))
            for month in ("201012", "201103"):
                values.append([village, month, "已婚育龄妇女", married, None])
                for name, n in zip(
                    (
                        "无孩已婚育龄妇女",
                        "一孩已婚育龄妇女",
                        "二孩已婚育龄妇女",
                        "多孩已婚育龄妇女",
                    ),
                    parts,
                    strict=True,
                ):
                    values.append([village, month, name, n, None])
                values.append([village, month, "contraception_users", users, None])
                values.append([village, month, "long_acting_users", long_acting, None])
        for quarter in QUARTERS:
            due = rng.randint(80, 140)
            done = due - rng.randint(0, 10)
            iud = int(done * 0.6)
            remedial = int(done * 0.1)
            values.append([town, quarter, "应落实避孕节育措施", due, None])
            values.append([town, quarter, "已落实避孕节育措施", done, None])
            values.append([town, quarter, "放置宫内节育器", iud, None])
            values.append([town, quarter, "补救手术", remedial, None])
        for month in MONTHS:
            values.append([town, month, "计划生育财政投入", round(rng.uniform(2.0, 4.0), 2), None])
        cap = int(town_births * 1.15)
        targets += [
            [town, "2010Oct", "出生人数", f"<={cap}", None],
            [town, "2010Oct", "政策符合率", ">=85", None],
            [town, "2010Oct", "计划生育财政投入", ">=30", None],
            [town, "2010Oct", "长效避孕措施落实率", ">=60", None],
        ]
    meta: list[Row] = [
        ["项目", "内容"],
        ["业务包", "family-planning"],
        ["署名", "示范县人口和计划生育局"],
        ["单位代码", "0510"],
        ["期间", "2010OctS1"],
    ]
    county.sheets = {
        "基本信息": meta,
        "组织机构": orgs,
        "数据": values,
        "出生登记": births,
        "死亡登记": deaths,
        "目标": targets,
    }
    return county
