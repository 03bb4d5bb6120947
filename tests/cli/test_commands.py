"""The command line, through its runner: exit codes, JSON, files written or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import run


def test_demo_writes_workbook_and_result(demo_dir: Path) -> None:
    assert (demo_dir / "workbook.xlsx").is_file()
    doc = json.loads((demo_dir / "compute.json").read_text(encoding="utf-8"))
    assert doc["org_unit"] == {"code": "510001", "name": "XX乡"}
    assert doc["period"]["id"] == "2010OctS1"


def test_demo_prints_figures_and_findings(tmp_path: Path) -> None:
    code, out, _ = run("demo", "--out", tmp_path / "d")
    assert code == 0
    assert "85.41" in out
    assert "自评得分" in out
    assert "所述人口自然增长率" in out


def test_compute_json_reproduces_the_seed(demo_workbook: Path) -> None:
    code, out, _ = run(
        "compute", demo_workbook, "--org", "510001", "--period", "2010OctS1", "--json"
    )
    assert code == 0
    doc = json.loads(out)
    ind = {i["id"]: i for i in doc["indicators"]}
    # planned-birth rate: 199 conforming births of 233
    assert ind["policy_birth_rate"]["value"] == pytest.approx(199 / 233 * 100, rel=1e-12)
    assert ind["policy_birth_rate"]["numerator"] == 199
    assert ind["policy_birth_rate"]["denominator"] == 233
    # the parity groups sum to the married women, so no parity finding
    assert 281 + 1749 + 2883 + 2039 == ind["married_women"]["value"] == 6952
    rules = {f["rule"] for f in doc["findings"]}
    assert "parity_parts_eq_whole" not in rules
    # the half-year of a statistical year starting in October, not a leap year: 182 / 365
    births = ind["births"]
    assert births["elapsed"] == pytest.approx(182 / 365, rel=1e-12)
    assert births["projection"] == pytest.approx(233 / (182 / 365), rel=1e-12)
    assert births["status"] == "on_track"
    assert births["target"] == {
        "period": "2010Oct",
        "op": "<=",
        "value": 510.0,
        "low": None,
        "high": None,
        "points": 10.0,
        "revisions": [],
    }
    # birth rate on the assumed average population (35504 + 35642) / 2
    avg = (35504 + 35642) / 2
    assert ind["birth_rate"]["value"] == pytest.approx(233 / avg * 1000, rel=1e-12)
    assert ind["birth_rate"]["annualized"] == pytest.approx(233 / avg * 1000 * 365 / 182)
    # what the seed gets wrong is reported, not hidden
    assert {
        "stated_mismatch",
        "stated_inconsistent",
        "surgery_parts_le_done",
        "measures_done_le_due",
    } <= rules
    # missing is never zero
    assert ind["out_of_policy_multichild_rate"]["value"] is None
    assert ind["out_of_policy_multichild_rate"]["status"] == "no_data"
    # the seed county's assessment sheet (考核办法): births on pace 10, natural growth projected
    # 7.78‰ against 5‰ loses 1 point per 0.1‰ (28 steps: 0 of 10), sex ratio 10, conforming
    # rate 15, spending pro rata on its projection 5 × (13 / (182/365)) / 31.64, no data: 0
    spending = 5 * (13 / (182 / 365)) / 31.64
    assert doc["score"]["total"] == pytest.approx(10 + 0 + 10 + 15 + spending, rel=1e-12)
    assert doc["score"]["max"] == 80.0
    assert doc["score"]["vetoed"] is False
    assert ind["natural_growth_rate"]["score"] == 0.0
    assert ind["budget_spent"]["score"] == pytest.approx(spending, rel=1e-12)


def test_compute_defaults_to_the_workbooks_unit_and_period(demo_workbook: Path) -> None:
    code, out, _ = run("compute", demo_workbook, "--json")
    assert code == 0
    assert json.loads(out)["period"]["id"] == "2010OctS1"


def test_check_exits_1_on_error_findings(demo_workbook: Path) -> None:
    code, out, _ = run("check", demo_workbook, "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["errors"] >= 4
    assert doc["read"]["orgunits"] == 2


def test_packs_commands() -> None:
    code, out, _ = run("packs", "list")
    assert code == 0 and "family-planning" in out
    code, out, _ = run("packs", "show", "family-planning")
    assert code == 0 and "出生率" in out and "2021-06-26" in out
    code, out, _ = run("packs", "lint", "family-planning")
    assert code == 0 and "0 个错误" in out


def test_packs_lint_reports_a_broken_pack(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "pack.toml").write_text('[pack]\nid = "broken"\nname = "坏包"\n', encoding="utf-8")
    (folder / "elements.toml").write_text('[elements.a]\nname = "甲"\n', encoding="utf-8")
    (folder / "indicators.toml").write_text(
        '[indicators.x]\nname = "X"\nunit = "%"\nnumerator = "a +"\ndenominator = "b"\n'
        'kind = "ratio"\n',
        encoding="utf-8",
    )
    code, out, _ = run("packs", "lint", folder)
    assert code == 1
    assert "indicators.x.numerator" in out
    assert "未知数据项「b」" in out


# ------------------------------------------------------------------ unusable input: exit 2


def test_missing_file_exits_2_without_traceback(tmp_path: Path) -> None:
    code, out, err = run("check", tmp_path / "nope.xlsx")
    assert code == 2
    assert "nope.xlsx" in err
    assert "Traceback" not in out + err


def test_not_a_workbook_exits_2(tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("这不是工作簿", encoding="utf-8")
    code, _, err = run("compute", fake, "--org", "1", "--period", "2024")
    assert code == 2
    assert "fake.xlsx" in err


def test_unknown_org_unit_exits_2(demo_workbook: Path) -> None:
    code, _, err = run("compute", demo_workbook, "--org", "999999", "--period", "2010OctS1")
    assert code == 2
    assert "999999" in err


def test_unparseable_period_exits_2(demo_workbook: Path) -> None:
    code, _, err = run("compute", demo_workbook, "--org", "510001", "--period", "2010H1")
    assert code == 2
    assert "2010H1" in err


def test_report_with_unknown_format_writes_nothing(demo_workbook: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    code, _, err = run("report", demo_workbook, "--out", out)
    assert code == 2
    assert ".docx" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_template_filled_by_hand_passes_check(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    blank = tmp_path / "blank.xlsx"
    code, _, _ = run("template", "family-planning", "--out", blank)
    assert code == 0
    book = openpyxl.load_workbook(blank)
    org = book["组织机构"]
    org.append(["0510", "某县", None, "县"])
    org.append(["051001", "某乡", "0510", "乡镇"])
    data = book["数据"]
    data.append(["051001", "2024S1", "出生人数", 12, None])
    data.append(["051001", "202312", "总人口", 5000, None])
    data.append(["051001", "202406", "总人口", 5010, None])
    targets = book["目标"]
    targets.append(["051001", "2024", "出生人数", "<=30", 5])
    book.save(blank)
    code, out, err = run("check", blank)
    assert code == 0, out + err
    code, out, _ = run("compute", blank, "--org", "051001", "--period", "2024S1", "--json")
    assert code == 0
    ind = {i["id"]: i for i in json.loads(out)["indicators"]}
    assert ind["birth_rate"]["value"] == pytest.approx(12 / ((5000 + 5010) / 2) * 1000)
    assert ind["births"]["status"] == "on_track"


def test_report_each_child_writes_one_report_per_unit(demo_workbook: Path, tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    code, _, err = run(
        "report",
        demo_workbook,
        "--org",
        "510000",
        "--period",
        "2010OctS1",
        "--each-child",
        "--out",
        out,
        "--format",
        "md",
    )
    assert code == 0, err
    written = sorted(p.name for p in out.iterdir())
    # each report with its 数据核查单, and nothing else (no staging folder left behind)
    assert written == ["510001-XX乡-数据核查单.md", "510001-XX乡.md"]
    report = (out / "510001-XX乡.md").read_text(encoding="utf-8")
    # XX乡 is the workbook's own unit: its issuer and addressee come from the meta sheet; its
    # figures have errors, so the report is marked as a draft
    assert report.startswith("**【征求意见稿】**\n\n# 中共XX乡委员会关于2010年10月至2011年3月")
    assert "半年来全乡共出生人口233人" in report


def test_report_of_each_format(demo_workbook: Path, tmp_path: Path) -> None:
    for suffix in (".docx", ".html", ".md"):
        out = tmp_path / f"自查报告{suffix}"
        code, text, err = run("report", demo_workbook, "--out", out)
        assert code == 0, err
        assert out.stat().st_size > 2000
        assert "自查报告" in text
