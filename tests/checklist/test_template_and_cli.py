"""The template's checklist sheet, filled in by hand and checked; `compute --json`; the packs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from zicha.cli.main import cli
from zicha.packs.registry import builtin_ids


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def template(tmp_path: Path) -> Path:
    out = tmp_path / "模板.xlsx"
    code, _, err = run("template", "fire-safety", "--out", out)
    assert code == 0, err
    return out


def test_the_checklist_sheet_of_the_template(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    ws = book["检查事项"]
    assert [c.value for c in ws[1]] == [
        "单位代码",
        "期间",
        "检查事项",
        "标准要求",
        "检查结果",
        "发现问题",
        "整改措施",
        "责任部门/责任人",
        "整改时限",
        "整改完成",
        "完成日期",
        "分值",
    ]
    lists = {
        str(v.sqref).split(":")[0]: str(v.formula1) for v in ws.data_validations.dataValidation
    }
    assert lists["E2"] == '"达标,未达标,推进中,未启动"'
    assert lists["J2"] == '"是,否"'
    for col in "IK":
        assert ws.column_dimensions[col].number_format == "yyyy-mm-dd", col
    assert "检查事项" in " ".join(str(c.value) for row in book["说明"].iter_rows() for c in row)


def test_the_template_filled_by_hand_passes_check(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    orgs = book["组织机构"]
    orgs.append(["510000", "XX县", None, "县"])
    orgs.append(["51000001", "XX镇卫生院", "510000", "卫生院"])
    ws = book["检查事项"]
    ws.append(
        [
            "51000001",
            "2025S2",
            "灭火器在有效期内",
            None,
            "达标",
            None,
            None,
            None,
            None,
            None,
            None,
            10,
        ]
    )
    ws.append(
        [
            "51000001",
            "2025S2",
            "疏散通道畅通",
            None,
            "未达标",
            "走廊堆放杂物",
            "清理",
            "总务科",
            date(2025, 12, 31),
            "否",
            None,
            10,
        ]
    )
    book.save(template)
    code, out, err = run("check", template)
    assert code == 0, out + err
    assert "检查事项 2 行" in out
    code, out, err = run("compute", template, "--org", "51000001", "--period", "2025S2", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["checklist"]["items"] == 2 and doc["checklist"]["overdue"] == 0
    assert doc["score"]["total"] == 10 and doc["score"]["max"] == 20


def test_an_incomplete_item_makes_check_exit_1(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    book["组织机构"].append(["510000", "XX县", None, "县"])
    book["检查事项"].append(["510000", "2025", "台账", None, "未达标"])
    book.save(template)
    code, out, _ = run("check", template)
    assert code == 1
    assert "checklist_incomplete" in out or "未填写发现问题和整改措施" in "".join(out.split())


@pytest.mark.parametrize("pack", ["family-planning", "fire-safety"])
def test_packs_lint_passes(pack: str) -> None:
    code, out, _ = run("packs", "lint", pack)
    assert code == 0, out
    assert "0 个错误" in out


def test_both_packs_are_built_in() -> None:
    assert {"family-planning", "fire-safety"} <= set(builtin_ids())


@pytest.fixture(scope="module")
def fire_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fire")
    code, _, err = run("demo", "--pack", "fire-safety", "--out", out)
    assert code == 0, err
    return out


def test_the_fire_safety_demo_drafts_its_report(fire_demo: Path) -> None:
    for name in ("workbook.xlsx", "compute.json", "report.docx", "report.html", "report.md"):
        assert (fire_demo / name).stat().st_size > 500, name
    text = (fire_demo / "report.md").read_text(encoding="utf-8")
    assert "# XX镇卫生院关于2025年下半年消防安全自查情况的报告" in text
    assert "XX县卫生健康局：" in text
    for heading in ("一、基本情况", "二、自查情况", "三、存在问题及整改措施", "四、下一步工作"):
        assert f"## {heading}" in text
    assert "本次共自查13项，其中符合要求8项，发现问题5个，已整改到位2个，整改率40%。" in text
    assert "以上8项符合要求" in text
    assert "超过整改时限15天" in text
    assert "已超过整改时限，尚未整改到位" in text
    assert "消防安全自查问题整改台账" in text
    assert "指标明细" not in text  # a pack without indicators has no figures attachment
    assert "待填写" not in text


def test_the_fire_safety_demo_json(fire_demo: Path) -> None:
    doc = json.loads((fire_demo / "compute.json").read_text(encoding="utf-8"))
    assert doc["indicators"] == []
    c = doc["checklist"]
    counts = {k: c[k] for k in ("items", "compliant", "problems", "closed", "overdue")}
    assert counts == {"items": 13, "compliant": 8, "problems": 5, "closed": 2, "overdue": 1}
    assert (c["in_progress"], c["not_started"], c["rectification_rate"]) == (1, 0, 0.4)
    assert (c["score"], c["max"]) == (55.0, 95.0)
    assert doc["score"]["total"] == 55.0
    row = next(r for r in c["rows"] if r["item"] == "火灾自动报警系统每月测试")
    assert row["overdue"] is True and row["deadline"] == "2025-11-30" and row["closed"] is False
    assert set(row) >= {
        "orgunit",
        "period",
        "item",
        "requirement",
        "result",
        "problem",
        "action",
        "owner",
        "deadline",
        "closed",
        "closed_on",
        "points",
        "overdue",
    }
    unscored = next(r for r in c["rows"] if r["item"] == "微型消防站人员和器材到位")
    assert unscored["points"] is None
    rules = sorted(f["rule"] for f in doc["findings"])
    assert rules == ["checklist_closed_late", "checklist_overdue"]


def test_the_family_planning_demo_carries_its_milestones(tmp_path: Path) -> None:
    code, _, err = run("demo", "--out", tmp_path)
    assert code == 0, err
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## 三、创建省级优质服务先进单位工作开展情况" in text
    assert "已成立创建工作领导组；已印发创建工作方案" in text
    assert "服务站建设工作正在推进，目前已进入图纸设计阶段" in text
    assert "已与各企业签订目标责任书" in text
    doc = json.loads((tmp_path / "compute.json").read_text(encoding="utf-8"))
    assert doc["checklist"]["items"] == 7 and doc["checklist"]["in_progress"] == 2


def test_no_checklist_no_json_key(tmp_path: Path) -> None:
    from ..workbook.helpers import base, write_xlsx

    path = write_xlsx(tmp_path / "w.xlsx", base())
    code, out, err = run("compute", path, "--period", "202401", "--json")
    assert code == 0, err
    assert "checklist" not in json.loads(out)
