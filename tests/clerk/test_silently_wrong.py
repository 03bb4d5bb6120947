"""Cases that used to give wrong or missing figures with exit 0 and no word."""

from __future__ import annotations

import datetime as dt
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
BIRTHS = 233.0  # the seed's births of the half-year


# ------------------------------------------------------------------ the values sheet renamed


@pytest.mark.parametrize("name", ["数据表", "数据 (2)", "数据（新）", "Values"])
def test_the_values_sheet_under_another_name_is_read(book: Book, name: str) -> None:
    def rename(wb: Workbook) -> None:
        wb["数据"].title = name

    doc = figures(book(rename))
    assert doc["by_id"]["births"]["value"] == BIRTHS


def test_a_hidden_stale_copy_does_not_win(book: Book) -> None:
    """Excel's copy 数据 (2) holds the new figures; the old 数据 was hidden, not deleted."""

    def copy_and_hide(wb: Workbook) -> None:
        new = wb.copy_worksheet(wb["数据"])
        new.title = "数据 (2)"
        new.cell(value_row(wb, "出生人数"), 4).value = 240
        wb["数据"].sheet_state = "hidden"

    path = book(copy_and_hide)
    assert figures(path)["by_id"]["births"]["value"] == 240.0
    (notice,) = found(path, "workbook_sheet")
    assert notice["severity"] == "warning"
    assert "隐藏的工作表「数据」未读取，读取的是可见的「数据 (2)」" in notice["message"]


def test_two_visible_values_sheets_are_refused(book: Book) -> None:
    def copy(wb: Workbook) -> None:
        wb.copy_worksheet(wb["数据"]).title = "数据（新）"

    refused(book(copy), "「数据」和「数据（新）」都是「数据」（values）工作表", "请删去旧的一个")


# ------------------------------------------------------------------ Excel's own conversions


def test_a_split_typed_6_4_that_excel_made_a_time(book: Book) -> None:
    def split(wb: Workbook) -> None:
        ws = wb["考核办法"]
        cell = ws.cell(sheet_row(ws, 1, "出生人数"), 9)
        cell.value = dt.time(6, 4)
        cell.number_format = "h:mm"

    births = figures(book(split))["by_id"]["births"]
    # 6:4 over the two halves of the statistical year: 60 % is due by the end of the first
    assert births["due"] == pytest.approx(0.6, rel=1e-12)


def test_a_range_typed_5_10_that_excel_made_a_date(book: Book) -> None:
    def date_target(wb: Workbook) -> None:
        ws = wb["目标"]
        cell = ws.cell(sheet_row(ws, 3, "人口自然增长率"), 4)
        cell.value = dt.datetime(2011, 5, 10)
        cell.number_format = "m-d"

    target = figures(book(date_target))["by_id"]["natural_growth_rate"]["target"]
    assert (target["op"], target["low"], target["high"]) == ("range", 5.0, 10.0)


def test_a_target_typed_equals_0_that_excel_made_a_formula(book: Book) -> None:
    def formula(wb: Workbook) -> None:
        ws = wb["目标"]
        ws.cell(sheet_row(ws, 3, "政策外多孩率"), 4).value = "=0"

    path = book(formula)
    ws = openpyxl.load_workbook(path)["目标"]
    row = sheet_row(ws, 3, "政策外多孩率")
    # as Excel saves it, with its result: the clerk meant "equal to 0"
    excel = cache_result(path, 4, f"D{row}", "0", error=False)
    target = figures(excel)["by_id"]["out_of_policy_multichild_rate"]["target"]
    assert (target["op"], target["value"]) == ("=", 0.0)


def test_a_percent_formatted_stated_rate(book: Book) -> None:
    """85.4 % typed into a percent-formatted cell is stored as 0.854: it is 85.4, not 0.854 %."""

    def percent(wb: Workbook) -> None:
        cell = wb["数据"].cell(value_row(wb, "政策符合率"), 4)
        cell.value = 0.854
        cell.number_format = "0.0%"

    path = book(percent)
    mismatches = found(path, "stated_mismatch")
    assert not [f for f in mismatches if "政策符合率" in f["message"]]


def test_a_percent_formatted_count_is_refused(book: Book) -> None:
    def percent(wb: Workbook) -> None:
        cell = wb["数据"].cell(value_row(wb, "出生人数"), 4)
        cell.value = 2.33
        cell.number_format = "0%"

    line = refused(book(percent), "工作表「数据」第 4 行", "「数值」列", "百分比格式")
    assert "出生人数" in line and "人" in line


# ------------------------------------------------------------------ targets for 2010年度


def test_targets_for_2010_nian_du_are_the_statistical_year_ending_in_2010(book: Book) -> None:
    def nian_du(wb: Workbook) -> None:
        for row in wb["目标"].iter_rows(min_row=2):
            row[1].value = "2010年度"

    path = book(nian_du)
    (finding,) = found(path, "targets_for_no_period")
    assert "2009年10月至2010年9月" in finding["message"]
    assert "「2011年度」指 2010年10月1日至2011年9月底" in finding["message"]
    doc = figures(path)
    assert all(i["target"] is None for i in doc["indicators"])
    assert [f for f in doc["findings"] if f["rule"] == "no_target_applies"]


def test_targets_for_2011_nian_du_apply_to_the_report(book: Book) -> None:
    def nian_du(wb: Workbook) -> None:
        for row in wb["目标"].iter_rows(min_row=2):
            row[1].value = "2011年度"

    doc = figures(book(nian_du))
    assert doc["by_id"]["births"]["target"]["period"] == "2010Oct"


# ------------------------------------------------------------------ registers


def _register(rows: list[tuple[str, object, str, int, str]]) -> Change:
    """Births as register rows instead of the 数据 sheet's figures."""

    def change(wb: Workbook) -> None:
        ws = wb.create_sheet("出生登记")
        ws.append(["单位代码", "出生日期", "性别", "孩次", "政策内"])
        for r in rows:
            ws.append(list(r))
        data = wb["数据"]
        for name in ("出生人数", "出生男婴数", "出生女婴数", "政策内出生人数"):
            data.delete_rows(value_row(wb, name))

    return change


def _months(months: list[str], per_month: int) -> list[tuple[str, object, str, int, str]]:
    rows = []
    for m in months:
        for i in range(per_month):
            rows.append(("510001", f"{m}-{i % 27 + 1:02d}", "男女"[i % 2], 1, "是"))
    return rows


OCT_FEB = ["2010-10", "2010-11", "2010-12", "2011-01", "2011-02"]


def test_a_register_that_stops_before_the_period_ends(book: Book) -> None:
    path = book(_register(_months(OCT_FEB, 40)))
    doc = figures(path)
    assert doc["by_id"]["births"]["value"] == 200.0  # the rows there are, and said to be short
    (finding,) = [f for f in doc["findings"] if f["rule"] == "register_gap"]
    assert "2011年3月没有任何记录（登记只记到2011年2月）" in finding["message"]
    assert "可能偏低" in finding["message"]
    (checked,) = found(path, "register_gap")  # check says so too: the report is to 31 March
    assert checked["period"] == "201103"


def test_a_complete_register_gives_the_figures(book: Book) -> None:
    doc = figures(book(_register(_months([*OCT_FEB, "2011-03"], 40))))
    assert doc["by_id"]["births"]["value"] == 240.0
    assert doc["by_id"]["sex_ratio_at_birth"]["value"] == pytest.approx(100.0)


def test_a_register_row_dated_2031(book: Book) -> None:
    rows = _months([*OCT_FEB, "2011-03"], 40)
    rows[5] = ("510001", dt.datetime(2031, 3, 5), "男", 1, "是")
    path = book(_register(rows))
    (finding,) = found(path, "register_row_outside")
    assert "第 7 行（2031-03-05）" in finding["message"]
    assert figures(path)["by_id"]["births"]["value"] == 239.0


def test_a_month_missing_from_a_busy_register(book: Book) -> None:
    months = ["2010-10", "2010-11", "2011-01", "2011-02", "2011-03"]
    (finding,) = found(book(_register(_months(months, 40))), "register_gap")
    assert "2010年12月没有任何记录" in finding["message"]


# ------------------------------------------------------------------ figures entered twice


def test_the_same_figure_for_two_spellings_of_one_period(book: Book) -> None:
    def twice(wb: Workbook) -> None:
        wb["数据"].append(["510001", "2010-10-01/2011-03-31", "出生人数", 233])

    assert figures(book(twice))["by_id"]["births"]["value"] == BIRTHS  # not 466


def test_two_figures_for_two_spellings_of_one_period_are_refused(book: Book) -> None:
    def twice(wb: Workbook) -> None:
        wb["数据"].append(["510001", "2010-10-01/2011-03-31", "出生人数", 240])

    line = refused(book(twice), "工作表「数据」第 35 行", "「数值」列", "与第 4 行重复")
    assert "「2010OctS1」与「2010-10-01/2011-03-31」是同一段时间" in line


# ------------------------------------------------------------------ units and counts


def test_an_amount_in_yuan_where_the_element_is_in_wan_yuan(book: Book) -> None:
    def yuan(wb: Workbook) -> None:
        wb["数据"].cell(value_row(wb, "计划生育财政投入"), 4).value = 130000

    path = book(yuan)
    (finding,) = found(path, "unit_slip")
    assert finding["severity"] == "error" and "像是按「元」填写的" in finding["message"]
    doc = figures(path)
    assert [f for f in doc["findings"] if f["rule"] == "unit_slip"]


def test_an_amount_typed_with_yuan_is_converted(book: Book) -> None:
    def yuan(wb: Workbook) -> None:
        wb["数据"].cell(value_row(wb, "计划生育财政投入"), 4).value = "130000元"

    assert figures(book(yuan))["by_id"]["budget_spent"]["value"] == pytest.approx(13.0)


def test_a_fractional_count(book: Book) -> None:
    def fraction(wb: Workbook) -> None:
        wb["数据"].cell(value_row(wb, "出生人数"), 4).value = 233.4

    (finding,) = found(book(fraction), "fractional_count")
    assert finding["severity"] == "error" and "「数据」第 4 行" in finding["message"]


# ------------------------------------------------------------------ nothing to score


def test_a_unit_with_nothing_to_score_has_a_null_score(book: Book) -> None:
    def no_targets(wb: Workbook) -> None:
        wb.remove(wb["目标"])
        wb.remove(wb["考核办法"])
        wb.remove(wb["检查事项"])

    assert figures(book(no_targets))["score"] == {"total": None, "max": None, "vetoed": False}


def test_the_demo_county_ranks_its_township(book: Book, tmp_path: Path) -> None:
    path = book(lambda wb: None)
    out = tmp_path / "排名.xlsx"
    code, _, err = run("rank", path, "--org", "510000", "--out", out)
    assert code == 0, err
    sheet = openpyxl.load_workbook(out, data_only=True)["考核排名"]
    assert sheet["C4"].value == "平均"
    assert sheet["D4"].value == pytest.approx(sheet["D3"].value)  # the one township's total
