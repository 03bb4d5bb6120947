"""Every command on the pack, through the command line's runner."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.cli.conftest import run
from zicha.engine.sampling import poisson_interval


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pm-demo")
    code, stdout, _ = run("demo", "--pack", "population-monitoring", "--out", out)
    assert code == 0, stdout
    assert "自评得分" in stdout
    return out


def test_demo_writes_the_workbook_figures_and_report(demo: Path) -> None:
    for name in ("workbook.xlsx", "compute.json", "report.docx", "report.html", "report.md"):
        assert (demo / name).is_file(), name
    doc = json.loads((demo / "compute.json").read_text(encoding="utf-8"))
    assert doc["pack"] == "population-monitoring"
    assert doc["org_unit"] == {"code": "610100", "name": "XX镇"}
    assert doc["period"] == {
        "id": "2025",
        "start": "2025-01-01",
        "end": "2025-12-31",
        "label": "2025年",
    }
    ind = {i["id"]: i for i in doc["indicators"]}
    imr = ind["infant_mortality_rate"]
    assert imr["value"] == pytest.approx(1 / 205 * 1000, rel=1e-12)
    low, high = poisson_interval(1)
    assert imr["interval"] == {
        "low": pytest.approx(low / 205 * 1000, rel=1e-9),
        "high": pytest.approx(high / 205 * 1000, rel=1e-9),
        "level": 0.95,
        "events": 1.0,
    }
    assert imr["to_date_interval"] == imr["interval"]
    assert ind["birth_registration_timeliness"]["interval"] is None  # no sampling declared


def test_check_of_the_demo_workbook_finds_nothing(demo: Path) -> None:
    code, out, _ = run("check", demo / "workbook.xlsx", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["findings"] == []
    assert doc["read"]["births"] == 205 and doc["read"]["deaths"] == 235


def test_compute_a_village_month(demo: Path) -> None:
    code, out, _ = run(
        "compute", demo / "workbook.xlsx", "--org", "610103", "--period", "202503", "--json"
    )
    assert code == 0
    ind = {i["id"]: i for i in json.loads(out)["indicators"]}
    assert ind["births"]["value"] == 3
    assert ind["infant_mortality_rate"]["value"] == pytest.approx(1000 / 3, rel=1e-12)
    assert ind["infant_mortality_rate"]["interval"]["events"] == 1.0
    assert ind["maternal_mortality_rate"]["value"] is None


def test_rank_the_villages(demo: Path) -> None:
    code, out, _ = run(
        "rank", demo / "workbook.xlsx", "--org", "610100", "--period", "2025", "--json"
    )
    assert code == 0
    rows = {
        r["org_unit"]["code"]: (r["total"], r["max"], r["rank"]) for r in json.loads(out)["rows"]
    }
    # four items a village: 出生登记及时率 15 (−1 a point short), 住院分娩率 5 (−1 a half point
    # short), 发放覆盖率 20 (pro rata), 审核及时率 10 (−1 a point short)
    # 南岭村: 37/39 = 94.87 % registered on time, 0.13 short: −1
    # 北坪村: 30/31 = 96.77 % born in hospital, 2.23 short: 5 half points, −5 (all 5);
    #         93/98 = 94.90 % reviewed on time, 0.10 short: −1
    assert rows == {
        "610101": (50, 50, 1),
        "610102": (50, 50, 1),
        "610105": (50, 50, 1),
        "610103": (49, 50, 4),
        "610104": (15 + 0 + 20 + 9, 50, 5),
    }


def test_report_formats(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "镇报告.md"
    code, _, err = run(
        "report", demo / "workbook.xlsx", "--org", "610100", "--period", "2025", "--out", out
    )
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# XX镇人民政府关于2025年人口监测与家庭发展工作目标自查情况的报告")
    assert "## 二、与国家目标和全国水平对照" in text
    # births have no target here: their monthly chart has no pace line, and says none
    assert "*图2  出生人数逐月累计*" in text and "进度控制线" not in text
    village = tmp_path / "村报告.html"
    code, _, _ = run(
        "report", demo / "workbook.xlsx", "--org", "610103", "--period", "2025", "--out", village
    )
    assert code == 0 and "南岭村" in village.read_text(encoding="utf-8")


def test_template_has_the_packs_lists(tmp_path: Path) -> None:
    out = tmp_path / "空白.xlsx"
    code, _, err = run("template", "population-monitoring", "--out", out)
    assert code == 0, err
    book = openpyxl.load_workbook(out)
    meta = [(r[0].value, r[1].value) for r in book["基本信息"].iter_rows(min_row=2)]
    assert ("业务包", "population-monitoring") in meta
    options = book["选项"]
    elements = [r[0].value for r in options.iter_rows(min_row=2) if r[0].value]
    indicators = [r[1].value for r in options.iter_rows(min_row=2) if r[1].value]
    for name in ("按时办理出生登记的出生人数", "育儿补贴发放金额", "托位数", "3岁以下婴幼儿数"):
        assert name in elements
    assert "婴儿死亡率" in indicators and "每千人口拥有3岁以下婴幼儿托位数" in indicators
    validations = {
        str(v.sqref).split(":")[0]: str(v.formula1)
        for v in book["数据"].data_validations.dataValidation
    }
    assert validations["C2"].startswith("'选项'!$A$2")
    element_rows = list(book["数据项说明"].iter_rows(values_only=True))
    assert ("children_under3", "3岁以下婴幼儿数", "人", "存量（期末数）") in [
        r[:4] for r in element_rows
    ]


def test_packs_show_and_lint() -> None:
    code, out, _ = run("packs", "show", "population-monitoring")
    assert code == 0
    assert "资料来源" in out and "育儿补贴制度实施方案" in out and "国发〔2021〕16号" in out
    assert "参照值" in out and "2030年国家目标" in out
    code, out, _ = run("packs", "lint", "population-monitoring")
    assert code == 0 and "0 个错误，0 个提示" in out
    code, out, _ = run("packs", "list")
    assert code == 0 and "population-monitoring" in out


def test_agreements_with_the_town(demo: Path, tmp_path: Path) -> None:
    import docx

    out = tmp_path / "责任书"
    code, _, err = run(
        "agreements", demo / "workbook.xlsx", "--org", "610000", "--period", "2025", "--out", out
    )
    assert code == 0, err
    (path,) = sorted(out.glob("*.docx"))
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    # the 2号 title is longer than a line: it breaks between the year and the subject
    assert "2025年度\n人口监测与家庭发展工作目标管理责任书" in text
    assert "乙方：XX镇人民政府" in text
    assert "婴儿死亡率控制在5‰以内" in text
    assert "满分100分" in text
