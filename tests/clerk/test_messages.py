"""Messages a clerk can act on, and forms a clerk writes that are read as meant."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from tests.clerk.conftest import (
    Change,
    cache_result,
    figures,
    found,
    refused,
    run,
    sheet_row,
    value_row,
)

Book = Callable[[Change], Path]


def test_a_title_row_above_the_header(book: Book) -> None:
    def title(wb: Workbook) -> None:
        ws = wb["数据"]
        ws.insert_rows(1)
        ws["A1"].value = "XX乡2010年10月至2011年3月人口和计划生育统计数据"
        ws.merge_cells("A1:E1")

    path = book(title)
    assert figures(path)["by_id"]["births"]["value"] == 233.0
    # rows keep the numbers the clerk sees: the stated rate is now on row 33
    (mismatch,) = [f for f in found(path, "stated_mismatch") if "自然增长率" in f["message"]]
    assert "「数据」第 33 行" in mismatch["message"]


def test_a_formula_without_a_result(book: Book) -> None:
    def formula(wb: Workbook) -> None:
        wb["数据"].cell(value_row(wb, "出生人数"), 4).value = "=D5+D6"

    line = refused(book(formula), "工作表「数据」第 4 行", "「数值」列", "没有计算结果")
    assert "=D5+D6" in line and "打开并保存" in line


def test_a_formula_that_fails(book: Book) -> None:
    def formula(wb: Workbook) -> None:
        wb["数据"].cell(value_row(wb, "出生人数"), 4).value = "=D5/0"

    path = cache_result(book(formula), 3, "D4", "#DIV/0!", error=True)
    refused(path, "工作表「数据」第 4 行", "「数值」列", "错误值「#DIV/0!」")


def test_a_formula_with_its_result_is_its_result(book: Book) -> None:
    def formula(wb: Workbook) -> None:
        wb["数据"].cell(value_row(wb, "出生人数"), 4).value = "=D5+D6"

    path = cache_result(book(formula), 3, "D4", "233", error=False)
    assert figures(path)["by_id"]["births"]["value"] == 233.0


def test_codes_that_lost_their_leading_zeros(book: Book) -> None:
    def zeros(wb: Workbook) -> None:
        wb["组织机构"]["A3"].value = "0510001"
        for sheet in ("数据", "目标", "检查事项"):
            for row in wb[sheet].iter_rows(min_row=2):
                row[0].value = 510001  # typed into a number cell: the 0 is gone
        wb["基本信息"].cell(sheet_row(wb["基本信息"], 1, "单位代码"), 2).value = "0510001"

    line = refused(book(zeros), "工作表「数据」第 2 行", "「单位代码」列", "是否应为「0510001」")
    assert "文本" in line


def test_merged_cells_of_a_unit_code_stand_for_every_row(book: Book) -> None:
    def merge(wb: Workbook) -> None:
        wb["数据"].merge_cells("A2:A10")

    assert figures(book(merge))["by_id"]["births"]["value"] == 233.0


def test_merged_cells_of_figures_are_refused(book: Book) -> None:
    def merge(wb: Workbook) -> None:
        wb["数据"].merge_cells("D5:D6")

    refused(book(merge), "工作表「数据」第 6 行", "「数值」列", "合并单元格 D5:D6")


def test_an_extra_meta_key_is_a_warning(book: Book) -> None:
    def extra(wb: Workbook) -> None:
        wb["基本信息"].append(["联系电话", "0838-1234567"])

    path = book(extra)
    (notice,) = found(path, "workbook_meta_key")
    assert notice["severity"] == "warning" and "「联系电话」" in notice["message"]
    assert figures(path)["by_id"]["births"]["value"] == 233.0


@pytest.mark.parametrize(
    ("element", "typed", "indicator", "value"),
    [
        ("出生人数", "233人", "births", 233.0),
        ("计划生育财政投入", "13万元", "budget_spent", 13.0),
        ("计划生育财政投入", "13 万元", "budget_spent", 13.0),
    ],
)
def test_units_in_cells(book: Book, element: str, typed: str, indicator: str, value: float) -> None:
    def unit(wb: Workbook) -> None:
        wb["数据"].cell(value_row(wb, element), 4).value = typed

    assert figures(book(unit))["by_id"][indicator]["value"] == value


@pytest.mark.parametrize(
    ("typed", "advice"),
    [("约233", "确切的数字"), ("233例", "单位「例」"), ("233名", "单位「名」")],
)
def test_figures_that_are_not_clear_are_refused_with_advice(
    book: Book, typed: str, advice: str
) -> None:
    def unit(wb: Workbook) -> None:
        wb["数据"].cell(value_row(wb, "出生人数"), 4).value = typed

    refused(book(unit), "工作表「数据」第 4 行", "「数值」列", advice)


@pytest.mark.parametrize(
    ("indicator", "typed", "op", "value"),
    [
        ("出生人数", "≤510人", "<=", 510.0),
        ("出生人数", "不超过510人", "<=", 510.0),
        ("出生人数", "控制在510人以内", "<=", 510.0),
        ("政策符合率", "不低于85%", ">=", 85.0),
        ("政策符合率", "85%以上", ">=", 85.0),
        ("计划生育财政投入", "不少于31.64万元", ">=", 31.64),
    ],
)
def test_targets_in_words(book: Book, indicator: str, typed: str, op: str, value: float) -> None:
    def words(wb: Workbook) -> None:
        ws = wb["目标"]
        ws.cell(sheet_row(ws, 3, indicator), 4).value = typed

    doc = figures(book(words))
    target = next(i["target"] for i in doc["indicators"] if i["name"] == indicator)
    assert (target["op"], target["value"]) == (op, value)


def test_a_target_that_is_not_clear_is_refused(book: Book) -> None:
    def bare(wb: Workbook) -> None:
        ws = wb["目标"]
        ws.cell(sheet_row(ws, 3, "出生人数"), 4).value = "510"

    refused(book(bare), "工作表「目标」第 2 行", "「目标值」列", "看不出是上限还是下限")


@pytest.mark.parametrize(
    ("typed", "period"),
    [("2011上半年", "2011S1"), ("2011年1-6月", "2011-01-01/2011-06-30")],
)
def test_period_forms(book: Book, typed: str, period: str) -> None:
    def form(wb: Workbook) -> None:
        wb["数据"].append(["510001", typed, "计划生育财政投入", 4])

    path = book(form)
    assert figures(path, "--period", period)["by_id"]["budget_spent"]["value"] == 4.0


def test_a_semicolon_csv_folder(demo: Path, tmp_path: Path) -> None:
    """Excel saves CSV with semicolons where the decimal sign is a comma."""
    folder = tmp_path / "分号"
    folder.mkdir()
    book = openpyxl.load_workbook(demo)
    for ws in book:
        lines = [
            ";".join("" if c is None else str(c) for c in row)
            for row in ws.iter_rows(values_only=True)
        ]
        text = "\r\n".join(line.replace("\n", " ") for line in lines) + "\r\n"
        (folder / f"{ws.title}.csv").write_bytes(text.encode("gb18030"))
    assert figures(folder)["by_id"]["births"]["value"] == 233.0


def test_a_period_with_no_data_at_all(demo: Path) -> None:
    doc = figures(demo, "--period", "2012S1")
    (told,) = [f for f in doc["findings"] if f["rule"] == "no_data_in_period"]
    assert "2012年上半年没有填报任何数据" in told["message"]


def test_the_demos_four_problems_are_four_findings(demo: Path) -> None:
    code, out, _ = run("check", demo, "--json")
    assert code == 1
    errors = [f for f in json.loads(out)["findings"] if f["severity"] == "error"]
    assert sorted(f["rule"] for f in errors) == [
        "measures_done_le_due",
        "stated_inconsistent",
        "stated_mismatch",
        "surgery_parts_le_done",
    ]
    rule = next(f for f in errors if f["rule"] == "measures_done_le_due")
    assert (rule["org_unit"], rule["period"]) == ("510001", "2010OctS1")
    assert {(a["org_unit"], a["period"]) for a in rule["also"]} == {
        ("510000", "2010OctS1"),
        ("510000", "2010Oct"),
        ("510001", "2010Oct"),
    }


def test_the_small_sample_note_on_the_reports_own_figure_stays(demo: Path) -> None:
    doc = figures(demo)
    (note,) = [f for f in doc["findings"] if f["rule"] == "small_sample"]
    assert "出生人口性别比 106.2 仅基于 233 例" in note["message"]
    # and the normal range is no finding: 233 births cannot tell 106.2 from 103–107
    assert not [f for f in doc["findings"] if f["rule"] == "sex_ratio_plausible"]


def test_an_option_is_called_an_option(demo: Path) -> None:
    code, _, err = run("compute", demo, "--period", "2012X")
    assert code == 2
    assert "命令行选项 --period" in err and "列" not in err.split("：")[0]


def test_the_blank_templates_first_problem_says_what_to_fill_in(tmp_path: Path) -> None:
    blank = tmp_path / "空白工作簿.xlsx"
    assert run("template", "--out", blank)[0] == 0
    code, _, err = run("check", blank)
    assert code == 2
    first = err.replace("\n", "").split("  - ")[1]
    assert "还没有数据" in first and "「数据」工作表逐行填写" in first
