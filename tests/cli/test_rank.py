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


@pytest.fixture
def county_with_gaps(county: Path) -> Path:
    """Two more townships: 北乡 has no targets, 中乡 has targets but no figure at all."""
    orgs = ORGS + "010004,北乡,0100,乡镇\n010005,中乡,0100,乡镇\n"
    (county / "组织机构.csv").write_bytes(orgs.encode("gb18030"))
    values = VALUES + "010004,2024S1,出生人数,50\n"
    (county / "数据.csv").write_bytes(values.encode("gb18030"))
    targets = TARGETS + "010005,2024,出生人数,<=500,\n010005,2024,计划生育财政投入,>=40,\n"
    (county / "目标.csv").write_bytes(targets.encode("gb18030"))
    return county


def test_units_without_targets_or_data_are_not_ranked(county_with_gaps: Path) -> None:
    code, out, err = run("rank", county_with_gaps, "--org", "0100", "--period", "2024S1", "--json")
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert [(r["org_unit"]["code"], r["rank"], r["unranked"]) for r in rows] == [
        ("010003", 1, None),
        ("010001", 2, None),
        ("010002", 3, None),
        ("010004", None, "no_target"),
        ("010005", None, "no_data"),
    ]
    assert (rows[3]["total"], rows[3]["max"]) == (None, None)  # nothing to score
    code, text, _ = run("rank", county_with_gaps, "--org", "0100", "--period", "2024S1")
    assert "未设目标，不参与排名" in text and "无数据，不参与排名" in text


def test_the_average_row_holds_its_value(county_with_gaps: Path, tmp_path: Path) -> None:
    """A viewer that does not recalculate shows the stored value, not 0; the average is over
    the ranked units only."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "rank.xlsx"
    code, _, err = run(
        "rank", county_with_gaps, "--org", "0100", "--period", "2024S1", "--out", out, "--json"
    )
    assert code == 0, err
    rows = [r for r in json.loads(_json_of(county_with_gaps))["rows"] if r["rank"] is not None]
    values = openpyxl.load_workbook(out, data_only=True)["考核排名"]
    formulas = openpyxl.load_workbook(out)["考核排名"]
    assert values["C8"].value == "平均"
    assert values["D8"].value == pytest.approx(sum(r["total"] for r in rows) / 3, rel=1e-12)
    assert values["E8"].value == pytest.approx(20.0)
    assert formulas["D8"].value == "=AVERAGE(D3:D5)"
    assert values["A6"].value == "—" and values["D6"].value == "未设目标，不参与排名"


def _json_of(county: Path) -> str:
    code, out, err = run("rank", county, "--org", "0100", "--period", "2024S1", "--json")
    assert code == 0, err
    return out


def test_compute_json_has_a_null_score_where_nothing_is_scored(county_with_gaps: Path) -> None:
    code, out, err = run(
        "compute", county_with_gaps, "--org", "010004", "--period", "2024S1", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["score"] == {"total": None, "max": None, "vetoed": False}
    code, out, _ = run(
        "compute", county_with_gaps, "--org", "010005", "--period", "2024S1", "--json"
    )
    assert json.loads(out)["score"] == {"total": 0.0, "max": 20.0, "vetoed": False}
