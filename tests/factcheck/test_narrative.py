"""The clerk's own paragraphs in a workbook: checked against each other and against the
computed figures; what fails appears in the data check (`check`, `compute`, the report)."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import replace
from pathlib import Path

from tests.cli.conftest import run
from tests.factories import dataset, tree, values
from zicha.actions.session import workbook_engine
from zicha.domain.narrative import NarrativeSection
from zicha.domain.period import parse_period
from zicha.engine.computation import Engine
from zicha.packs.registry import builtin_folder, get_pack

PACK = get_pack("family-planning")
TREE = tree(("A", "XX县", None, "county"), ("B", "XX乡", "A", "township"))
DATA = values(
    ("B", "202312", "population", 35504),
    ("B", "202406", "population", 35642),
    ("B", "2024S1", "births", 233),
    ("B", "2024S1", "births_male", 120),
    ("B", "2024S1", "births_female", 113),
    ("B", "2024S1", "deaths", 95),
)


def engine(*paragraphs: tuple[str, str], period: str | None = "2024S1") -> Engine:
    ds = dataset(TREE, values=DATA)
    meta = {"orgunit": "B"} | ({"period": period} if period else {})
    narrative = [NarrativeSection(section, text) for section, text in paragraphs]
    return workbook_engine(PACK, replace(ds, meta=meta, narrative=narrative))


def narrative_rules(findings: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return sorted((f.rule, f.severity) for f in findings if f.rule.startswith("narrative_"))


def test_figures_that_agree_with_the_data_give_nothing() -> None:
    # 233 births, 120 boys, 113 girls; 233 / 35573 × 1000 = 6.55‰
    e = engine(("工作成效", "上半年全乡出生233人，其中男婴120人、女婴113人，出生率6.55‰。"))
    assert narrative_rules(e.check()) == []


def test_a_paragraph_against_itself_and_against_the_data() -> None:
    e = engine(("工作成效", "上半年全乡出生236人，其中男婴120人、女婴113人。"))
    found = [f for f in e.check() if f.rule.startswith("narrative_")]
    assert narrative_rules(found) == [
        ("narrative_mismatch", "error"),
        ("narrative_partition_sum", "error"),
    ]
    mismatch = next(f for f in found if f.rule == "narrative_mismatch")
    assert "「文字材料」「工作成效」" in mismatch.message
    assert "236人" in mismatch.message and "233" in mismatch.message
    assert (mismatch.org_unit, mismatch.period, mismatch.elements) == ("B", "2024S1", ("births",))


def test_a_rate_against_the_computed_rate() -> None:
    # the data give 233 / ((35504 + 35642) / 2) × 1000 = 6.549‰; 6.85‰ is wrong
    e = engine(("工作成效", "上半年出生率为6.85‰。"))
    [f] = [f for f in e.check() if f.rule.startswith("narrative_")]
    assert f.rule == "narrative_mismatch" and "6.55‰" in f.message


def test_compute_shows_them_for_the_reports_own_unit() -> None:
    e = engine(("工作成效", "上半年全乡出生236人。"))
    own = e.compute("B", parse_period("2024S1"))
    assert narrative_rules(own.findings) == [("narrative_mismatch", "error")]


def test_without_a_period_of_its_own_the_asked_period_is_used() -> None:
    e = engine(("工作成效", "上半年全乡出生236人。"), period=None)
    assert narrative_rules(e.check()) == []  # nothing to compare with
    found = e.compute("B", parse_period("2024S1")).findings
    assert narrative_rules(found) == [("narrative_mismatch", "error")]


def test_check_and_report_of_a_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "workbook"
    shutil.copytree(builtin_folder("family-planning") / "example", folder)
    with (folder / "文字材料.csv").open("a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(["工作成效", "半年来全乡共出生人口236人，死亡人口95人。"])
    code, out, _ = run("check", folder, "--json")
    assert code == 1
    found = [f for f in json.loads(out)["findings"] if f["rule"] == "narrative_mismatch"]
    assert len(found) == 1 and "236人" in found[0]["message"]
    report = tmp_path / "r.md"
    code, _, _ = run("report", folder, "--out", report)
    assert code == 0
    # the finding goes into the data check sheet beside the report, not into the report
    sheet = (tmp_path / "r-数据核查单.md").read_text(encoding="utf-8")
    assert "所述出生人数为236人，按填报数据计算为233人" in sheet
    assert "【需更正】文字材料中的数字" in sheet
    assert "所述出生人数为236人" not in report.read_text(encoding="utf-8")
