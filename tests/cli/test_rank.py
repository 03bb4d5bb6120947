"""`zicha rank`: JSON, the terminal table and the Excel sheet a county circulates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import run

ORGS = """代码,名称,上级代码,类型
0100,某县,,县
010001,东乡,0100,乡镇
010002,西乡,0100,乡镇
010003,南乡,0100,乡镇
"""
VALUES = """单位代码,期间,数据项,数值
010001,2024S1,出生人数,100
010002,2024S1,出生人数,300
010003,2024S1,出生人数,100
010001,2024S1,计划生育财政投入,10
010002,2024S1,计划生育财政投入,30
010003,2024S1,计划生育财政投入,30
"""
TARGETS = "单位代码,期间,指标,目标值,分值\n" + "".join(
    f"{org},2024,出生人数,<=500,\n{org},2024,计划生育财政投入,>=40,\n"
    for org in ("010001", "010002", "010003")
)
ASSESSMENT = """指标,分值,计分方式,每,扣分,一票否决
出生人数,10,按差距扣分,1,0.1,否
计划生育财政投入,10,按比例得分,,,否
"""


@pytest.fixture
def county(tmp_path: Path) -> Path:
    folder = tmp_path / "county"
    folder.mkdir()
    for name, text in (
        ("组织机构.csv", ORGS),
        ("数据.csv", VALUES),
        ("目标.csv", TARGETS),
        ("考核办法.csv", ASSESSMENT),
    ):
        # GB18030, as Excel on a Chinese Windows saves it
        (folder / name).write_bytes(text.encode("gb18030"))
    return folder


def test_rank_json_scores_and_orders(county: Path) -> None:
    code, out, err = run("rank", county, "--org", "0100", "--period", "2024S1", "--json")
    assert code == 0, err
    doc = json.loads(out)
    rows = {r["org_unit"]["code"]: r for r in doc["rows"]}
    elapsed = 182 / 366  # 1 Jan – 30 Jun 2024 of a leap year
    # 东乡: 100 births projected to 201.1 ≤ 500: 10; spending 10 → 20.1 of 40 pro rata
    east = 10 + 10 * (10 / elapsed) / 40
    # 西乡: 300 births projected to 603.3: 104 over → 10 − 10.4 < 0 → 0; spending 30 → 60.3: 10
    west = 0 + 10
    # 南乡: births 10, spending 10
    south = 20
    assert rows["010001"]["total"] == pytest.approx(east, rel=1e-12)
    assert rows["010002"]["total"] == pytest.approx(west, rel=1e-12)
    assert rows["010003"]["total"] == pytest.approx(south, rel=1e-12)
    assert [r["org_unit"]["code"] for r in doc["rows"]] == ["010003", "010001", "010002"]
    assert [r["rank"] for r in doc["rows"]] == [1, 2, 3]
    assert doc["rows"][0]["items"][0] == {
        "indicator": "births",
        "status": "on_track",
        "score": 10.0,
        "points": 10.0,
    }


def test_rank_writes_a_formatted_sheet(county: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "rank.xlsx"
    code, text, _ = run("rank", county, "--org", "0100", "--period", "2024S1", "--out", out)
    assert code == 0
    assert "南乡" in text
    book = openpyxl.load_workbook(out)
    sheet = book["考核排名"]
    assert sheet.freeze_panes == "D3"
    header = [c.value for c in sheet[2]][:6]
    assert header == ["名次", "单位代码", "单位", "得分", "满分", "一票否决"]
    assert sheet["B3"].value == "010003"  # codes stay text
    assert sheet["G3"].fill.fgColor.rgb.endswith("C6EFCE")  # on track: green


def test_rank_of_a_unit_without_children_exits_2(county: Path) -> None:
    code, _, err = run("rank", county, "--org", "010001", "--period", "2024S1")
    assert code == 2
    assert "下级单位" in err
