"""A generated clean county gives no error and at most a handful of warnings; a copy with
planted problems finds every one of them, at the unit where it was planted."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.clerk.conftest import run
from tests.clerk.county import County, generate

#: warnings a clean county may raise: chance alone must not fill a reviewer's list
HANDFUL = 3


def _check(folder: Path) -> tuple[int, dict[str, Any]]:
    code, out, err = run("check", folder, "--json")
    assert code in (0, 1), err
    return code, json.loads(out)


def test_a_clean_county_checks_clean(tmp_path: Path) -> None:
    county = generate()
    code, doc = _check(county.write(tmp_path / "county"))
    assert code == 0
    assert doc["errors"] == 0
    assert doc["warnings"] <= HANDFUL, [f["message"] for f in doc["findings"]]
    assert doc["read"]["births"] > 1000 and doc["read"]["orgunits"] == 46
    assert doc["coverage"]["births"]["start"] == "2010-10-01"
    assert doc["coverage"]["births"]["end"] == "2011-09-30"


def test_every_village_month_of_the_clean_county_has_few_births(tmp_path: Path) -> None:
    """The clean county is the case of the false alarms: a few births a village a month."""
    births = generate().sheets["出生登记"][1:]
    per_month: dict[tuple[object, str], int] = {}
    for org, day, *_ in births:
        key = (org, str(day)[:7])
        per_month[key] = per_month.get(key, 0) + 1
    assert max(per_month.values()) <= 12 and sum(per_month.values()) / len(per_month) < 4


# ------------------------------------------------------------------ planted problems


@dataclass(frozen=True)
class Plant:
    """A problem planted into the county, and where the finding must name it."""

    name: str
    plant: Callable[[County], None]
    rule: str
    units: Callable[[County], set[str]]


def _rows(county: County, sheet: str) -> list[list[object]]:
    return county.sheets[sheet]


def _value(county: County, org: str, period: str, element: str) -> list[object]:
    for row in _rows(county, "数据")[1:]:
        if row[0] == org and row[1] == period and row[2] == element:
            return row
    raise LookupError((org, period, element))


def _first_village(county: County, t: int) -> str:
    return county.villages[county.townships[t]][0]


def parity(county: County) -> None:
    _value(county, _first_village(county, 0), "201103", "无孩已婚育龄妇女")[3] += 100  # type: ignore[operator]


def measures(county: County) -> None:
    row = _value(county, county.townships[1], "2010OctQ2", "已落实避孕节育措施")
    row[3] = _value(county, county.townships[1], "2010OctQ2", "应落实避孕节育措施")[3] + 15  # type: ignore[operator]


def stops_in_february(county: County) -> None:
    """One township's villages enter no birth after February."""
    villages = set(county.villages[county.townships[2]])
    births = _rows(county, "出生登记")
    births[1:] = [r for r in births[1:] if not (r[0] in villages and str(r[1]) >= "2011-03-01")]


def stray(county: County) -> None:
    _rows(county, "出生登记")[10][1] = "2031-03-05"


def boys(county: County) -> None:
    """One township's girls are mostly entered as boys."""
    villages = set(county.villages[county.townships[3]])
    girls = [r for r in _rows(county, "出生登记")[1:] if r[0] in villages and r[2] == "女"]
    for r in girls[: len(girls) * 7 // 10]:
        r[2] = "男"


def yuan(county: County) -> None:
    _value(county, county.townships[4], "201103", "计划生育财政投入")[3] = 32000


def fraction(county: County) -> None:
    _value(county, _first_village(county, 1), "201012", "总人口")[3] += 0.5  # type: ignore[operator]


def negative(county: County) -> None:
    _value(county, county.townships[0], "2010OctQ1", "补救手术")[3] = -3


def twice(county: County) -> None:
    town = county.townships[1]
    total = sum(
        _value(county, v, "201103", "总人口")[3]  # type: ignore[misc]
        for v in county.villages[town]
    )
    _rows(county, "数据").append([town, "201103", "总人口", total, "乡里又报了一次"])


def stated(county: County) -> None:
    _rows(county, "数据").append(["0510", "2010OctS1", "出生率", 9.99, "报告所述"])


def nian_du(county: County) -> None:
    town = county.townships[4]
    for row in _rows(county, "目标")[1:]:
        if row[0] == town:
            row[1] = "2010年度"


def conflict(county: County) -> None:
    village = county.villages[county.townships[0]][1]
    _rows(county, "数据").append([village, "201011", "出生人数", 4, None])


def jump(county: County) -> None:
    row = _value(county, _first_village(county, 2), "201103", "总人口")
    row[3] = int(row[3] * 1.5)  # type: ignore[call-overload, operator]


def _town(t: int) -> Callable[[County], set[str]]:
    return lambda c: {c.townships[t]}


def _town_or_villages(t: int) -> Callable[[County], set[str]]:
    return lambda c: {c.townships[t], *c.villages[c.townships[t]]}


PLANTS = (
    Plant("parity", parity, "parity_parts_le_whole", lambda c: {_first_village(c, 0)}),
    Plant("measures", measures, "measures_done_le_due", _town(1)),
    Plant("stops_in_february", stops_in_february, "register_gap", _town(2)),
    Plant("stray", stray, "register_row_outside", lambda c: set()),
    Plant("boys", boys, "sex_ratio_not_above_normal", _town_or_villages(3)),
    Plant("yuan", yuan, "unit_slip", _town(4)),
    Plant("fraction", fraction, "fractional_count", lambda c: {_first_village(c, 1)}),
    Plant("negative", negative, "negative_value", _town(0)),
    Plant("twice", twice, "double_counting", _town(1)),
    Plant("stated", stated, "stated_mismatch", lambda c: {"0510"}),
    Plant("nian_du", nian_du, "targets_for_no_period", _town(4)),
    Plant("conflict", conflict, "register_conflict", lambda c: {c.villages[c.townships[0]][1]}),
    Plant("jump", jump, "population_change_plausible", lambda c: {_first_village(c, 2)}),
)


def _found(doc: dict[str, Any], plant: Plant, county: County) -> list[dict[str, Any]]:
    units = plant.units(county)
    return [
        f
        for f in doc["findings"]
        if f["rule"] == plant.rule and (not units or f["org_unit"] in units)
    ]


@pytest.mark.parametrize("plant", PLANTS, ids=lambda p: p.name)
def test_each_planted_problem_is_found_where_it_was_planted(plant: Plant, tmp_path: Path) -> None:
    county = generate()
    plant.plant(county)
    _, doc = _check(county.write(tmp_path / plant.name))
    assert _found(doc, plant, county), [f["message"] for f in doc["findings"]]
    # and nowhere else: the other findings of the rule name the planted unit only
    others = [f for f in doc["findings"] if f["rule"] == plant.rule]
    assert len(others) == len(_found(doc, plant, county))


def test_a_county_with_every_problem_planted_finds_every_one(tmp_path: Path) -> None:
    county = generate()
    for plant in PLANTS:
        plant.plant(county)
    code, doc = _check(county.write(tmp_path / "planted"))
    assert code == 1
    missed = [p.name for p in PLANTS if not _found(doc, p, county)]
    assert missed == []
    planted_rules = {p.rule for p in PLANTS}
    stray_findings = [f for f in doc["findings"] if f["rule"] not in planted_rules]
    assert len(stray_findings) <= HANDFUL, [f["message"] for f in stray_findings]
