"""Reading whole workbooks: what comes out, and every problem a clerk can make named precisely."""

from __future__ import annotations

import gc
import zipfile
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from zicha.domain.errors import InputError
from zicha.engine.dataset import BIRTH_SCHEMA, DEATH_SCHEMA, VALUE_SCHEMA
from zicha.workbook import read_workbook
from zicha.workbook.reader import LIMIT

from .helpers import (
    ORGS,
    VALUES,
    base,
    one_problem,
    problems_of,
    resolver,
    tiny_pack,
    write_csv,
    write_xlsx,
)


def read(path: Path, **kw: object):  # type: ignore[no-untyped-def]
    return read_workbook(path, resolver(), **kw)  # type: ignore[arg-type]


def fails(path: Path) -> pytest.ExceptionInfo[InputError]:
    with pytest.raises(InputError) as excinfo:
        read(path)
    return excinfo


# ---------------------------------------------------------------------------------------------
# what comes out


def test_english_names_and_headers(tmp_path: Path) -> None:
    sheets = {
        "meta": [["key", "value"], ["pack", "tiny"], ["title", "自查报告"], ["date", "2011/3/31"]],
        "orgunits": [
            ["code", "name", "parent", "kind"],
            ["51", "县", None, "县"],
            ["5101", "乡", "51", "乡镇"],
        ],
        "values": [
            ["orgunit", "period", "element", "value", "comment"],
            ["5101", "2024Q1", "births", "12", "注"],
            ["5101", "202403", "population", 1000],
        ],
        "births": [
            ["orgunit", "date", "sex", "order", "in_policy", "ref"],
            ["5101", "2024-03-05", "M", 1, "Y", "B1"],
        ],
        "deaths": [["orgunit", "date", "sex", "age", "ref"], ["5101", "2024-03-06", "F", 80, None]],
        "targets": [
            ["orgunit", "period", "indicator", "target", "points"],
            ["5101", "2024", "birth_rate", "<=14", 5],
        ],
        "narrative": [["section", "text"], ["工作措施", "第一段"]],
    }
    ds = read(write_xlsx(tmp_path / "en.xlsx", sheets), rows=True)
    assert ds.pack_id == "tiny"
    assert ds.source.endswith("en.xlsx")
    assert ds.meta == {"pack": "tiny", "title": "自查报告", "date": "2011-03-31"}
    assert ds.tree.root.code == "51" and len(ds.tree) == 2
    assert ds.values.schema == pl.Schema(VALUE_SCHEMA)
    assert ds.values.select("org_unit", "element", "period", "value", "comment", "row").rows() == [
        ("5101", "births", "2024Q1", 12.0, "注", 2),
        ("5101", "population", "202403", 1000.0, None, 3),
    ]
    assert ds.values["start"].to_list() == [date(2024, 1, 1), date(2024, 3, 1)]
    assert ds.values["end"].to_list() == [date(2024, 3, 31), date(2024, 3, 31)]
    assert ds.registers["births"].schema == pl.Schema(BIRTH_SCHEMA)
    assert ds.registers["births"].rows() == [("5101", date(2024, 3, 5), "M", 1, True, "B1", 2)]
    assert ds.registers["deaths"].schema == pl.Schema(DEATH_SCHEMA)
    assert ds.registers["deaths"].rows() == [("5101", date(2024, 3, 6), "F", 80.0, None, 2)]
    (target,) = ds.targets
    assert (target.org_unit, target.period.id, target.indicator) == ("5101", "2024", "birth_rate")
    assert (target.bound.op, target.bound.value, target.points) == ("<=", 14.0, 5.0)
    assert [(n.section, n.text) for n in ds.narrative] == [("工作措施", "第一段")]


def test_chinese_names_stray_spaces_and_case(tmp_path: Path) -> None:
    sheets = {
        " 基本信息 ": [["项目", "内容"], [" 业务包 ", " tiny "], ["成文日期", date(2011, 3, 31)]],
        "组织机构": [
            [" 代码", "名\u3000称", "上级代码 ", "类型"],
            [" 510000 ", "县", "  ", None],
            ["510001", "乡", " 510000", None],
        ],
        "数据": [
            ["单位代码", " 期间 ", "数据项", "  数值", "BEIZHU"],
            [" 510001", " 2024S1 ", " 出生人数 ", " 1,234 ", "x"],
        ],
        "Births": [
            ["OrgUnit", "出生日期", "性别", "孩次", "IN_POLICY"],
            ["510001", " 2024-03-05 ", " 女 ", " 2 ", " 否 "],
        ],
    }
    ds = read(write_xlsx(tmp_path / "zh.xlsx", sheets), rows=True)
    assert ds.meta == {"pack": "tiny", "date": "2011-03-31"}
    assert ds.tree.root.code == "510000"
    assert ds.tree.get("510001").parent == "510000"
    assert ds.values.select("org_unit", "element", "period", "value", "comment").rows() == [
        ("510001", "births", "2024S1", 1234.0, None)
    ]
    assert ds.registers["births"].drop("ref", "row").rows() == [
        ("510001", date(2024, 3, 5), "F", 2, False)
    ]


def test_number_cells_for_codes_and_periods(tmp_path: Path) -> None:
    sheets = base(
        组织机构=[["代码", "名称", "上级代码"], [510000, "县", None], ["0101", "乡", 510000.0]],
        数据=[
            ["单位代码", "期间", "数据项", "数值"],
            ["0101", 2024.0, "births", 1],
            ["0101", 202401.0, "births", 2],
            ["0101", date(2024, 3, 1), "births", 3],
            ["0101", datetime(2024, 4, 30), "births", 4],
        ],
    )
    ds = read(write_xlsx(tmp_path / "n.xlsx", sheets))
    assert set(ds.tree.units) == {"510000", "0101"}
    assert ds.values["period"].to_list() == ["2024", "202401", "202403", "202404"]
    assert ds.values["org_unit"].to_list() == ["0101"] * 4


def test_every_date_sex_and_flag_form(tmp_path: Path) -> None:
    forms = [
        ("2024-03-05", "男", "是"),
        ("2024/3/5", "女", "否"),
        ("2024年3月5日", "M", "Y"),
        ("2024.3.5", "f", "n"),
        (date(2024, 3, 5), 1, "yes"),
        (datetime(2024, 3, 5, 10, 30), 2.0, "NO"),
        (45356, "1", "true"),
        ("20240305", "2", "FALSE"),
        ("2024-03-05 00:00:00", "m", True),
        ("  2024-3-5\u3000", "F", 0),
        ("２０２４年３月５日", "男", 1.0),
    ]
    births = [["单位代码", "出生日期", "性别", "孩次", "政策内"]]
    births += [["510001", d, s, 1, f] for d, s, f in forms]
    ds = read(write_xlsx(tmp_path / "forms.xlsx", base(出生登记=births)), rows=True)
    frame = ds.registers["births"]
    assert frame["date"].to_list() == [date(2024, 3, 5)] * len(forms)
    assert frame["sex"].to_list() == ["M", "F", "M", "F", "M", "F", "M", "F", "M", "F", "M"]
    flags = [True, False, True, False, True, False, True, False, True, False, True]
    assert frame["in_policy"].to_list() == flags
    assert frame["row"].to_list() == list(range(2, 2 + len(forms)))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    sheets = base(
        出生登记=[
            ["单位代码", "出生日期", "性别", "孩次", "政策内", "登记编号"],
            ["510001", "2024年3月5日", "女", "1", "是", "甲-001"],
        ],
        文字材料=[["部分", "内容"], ["存在问题", "第一行\n第二行"]],
    )
    ds = read(write_csv(tmp_path / "csv", sheets, encoding), rows=True)
    assert ds.tree.get("510001").name == "XX乡"
    assert ds.values["value"].to_list() == [3.0]
    assert ds.registers["births"].rows() == [
        ("510001", date(2024, 3, 5), "F", 1, True, "甲-001", 2)
    ]
    assert ds.narrative[0].text == "第一行\n第二行"


def test_csv_rows_are_numbered_as_records(tmp_path: Path) -> None:
    """A quoted cell spanning lines is one row, as Excel shows it."""
    sheets = base(
        数据=[
            ["单位代码", "期间", "数据项", "数值", "备注"],
            ["510001", "202401", "births", "1", "两行\n备注"],
            ["510001", "202402", "births", "x"],
        ]
    )
    excinfo = fails(write_csv(tmp_path / "csv", sheets))
    one_problem(excinfo, "数据.csv", "第 3 行", "「数值」列", "读到「x」", "应为数字")


def test_header_below_blank_rows_keeps_spreadsheet_numbering(tmp_path: Path) -> None:
    sheets = base(数据=[[], [], *VALUES, ["510001", "202402", "births", "abc"]])
    excinfo = fails(write_xlsx(tmp_path / "b.xlsx", sheets))
    one_problem(excinfo, "第 5 行", "读到「abc」")


def test_blank_rows_are_skipped(tmp_path: Path) -> None:
    births = [["单位代码", "出生日期", "性别", "孩次", "政策内", "登记编号"]]
    births += [["510001", "2024-03-05", "男", 1, "是", "1"], [None, " ", None, None, ""]]
    births += [["510001", "2024-03-06", "男", 1, "是", "2"]]
    values = [*VALUES, [None, None, " ", None, None], ["510001", "202402", "births", 4]]
    ds = read(write_xlsx(tmp_path / "b.xlsx", base(数据=values, 出生登记=births)), rows=True)
    assert ds.registers["births"]["row"].to_list() == [2, 4]
    assert ds.values["row"].to_list() == [2, 4]


def test_indicator_rows_go_to_stated(tmp_path: Path) -> None:
    values = [
        *VALUES,
        ["510001", "2024S1", "出生率", 6.55],
        ["510001", "2024S1", "birth_rate", 6.55],
    ]
    ds = read(write_xlsx(tmp_path / "s.xlsx", base(数据=values)))
    assert ds.values["element"].to_list() == ["births"]
    assert ds.stated.schema == pl.Schema(VALUE_SCHEMA)
    assert ds.stated.select("element", "period", "value", "row").rows() == [
        ("birth_rate", "2024S1", 6.55, 3)
    ]


def test_identical_duplicates_are_kept_once(tmp_path: Path) -> None:
    values = [*VALUES, ["510001", "2024-01", "出生人数", "3"]]
    ds = read(write_xlsx(tmp_path / "d.xlsx", base(数据=values)))
    assert ds.values.select("element", "period", "value", "row").rows() == [
        ("births", "202401", 3.0, 2)
    ]


def test_meta_missing_uses_the_resolver_default(tmp_path: Path) -> None:
    asked: list[str | None] = []
    pack = tiny_pack()

    def resolve(pack_id: str | None):  # type: ignore[no-untyped-def]
        asked.append(pack_id)
        return pack

    ds = read_workbook(write_xlsx(tmp_path / "m.xlsx", base()), resolve)
    assert asked == [None]
    assert ds.pack_id == "tiny" and ds.meta == {"pack": "tiny"}


def test_targets_narrative_and_optional_cells(tmp_path: Path) -> None:
    sheets = base(
        目标=[
            ["单位代码", "期间", "指标", "目标值", "分值"],
            ["510001", "2024", "出生率", "≤14", None],
            ["510001", "2024", "births_total", "105～107", 2],
            ["510001", "2024", "出生率", "<=14", None],
        ],
        文字材料=[
            ["部分", "内容"],
            ["工作措施", "  一、\r\n二、 "],
            [None, "接上一段"],
            ["存在问题", None],
            [None, None],
        ],
    )
    ds = read(write_xlsx(tmp_path / "t.xlsx", sheets))
    assert [(t.indicator, t.bound.text(), t.points) for t in ds.targets] == [
        ("birth_rate", "≤14", None),
        ("births_total", "105～107", 2.0),
    ]
    assert ds.targets[0].source is not None and "第 2 行" in ds.targets[0].source
    assert [(n.section, n.text) for n in ds.narrative] == [
        ("工作措施", "一、\n二、"),
        ("工作措施", "接上一段"),
    ]


def test_progress_is_called_once_per_sheet(tmp_path: Path) -> None:
    seen: list[str] = []
    sheets = {"说明": [["随便写"]], **base(), "别的表": [["x"]]}
    read(write_xlsx(tmp_path / "p.xlsx", sheets), progress=seen.append)
    assert seen == ["组织机构", "数据"]


def test_the_garbage_collector_is_held_off_while_reading_only(tmp_path: Path) -> None:
    """Collections during a read find nothing to collect (`_collector_paused`): the collector
    is off while the sheets are read, on again afterwards, also when the read fails, and left
    off when it was off before."""
    path = write_xlsx(tmp_path / "p.xlsx", base())
    during: list[bool] = []
    read(path, progress=lambda _: during.append(gc.isenabled()))
    assert during == [False, False] and gc.isenabled()
    bad = write_xlsx(tmp_path / "bad.xlsx", base(数据=[*VALUES, ["510099", "202401", "births", 1]]))
    fails(bad)
    assert gc.isenabled()
    gc.disable()
    try:
        read(path)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_template_sheets_are_ignored(tmp_path: Path) -> None:
    sheets = {"说明": [["这是说明"]], "选项": [["a"]], "数据项说明": [["代码"]], **base()}
    assert read(write_xlsx(tmp_path / "i.xlsx", sheets)).values.height == 1


# ---------------------------------------------------------------------------------------------
# problems


def test_unknown_org_unit(tmp_path: Path) -> None:
    values = [*VALUES, ["510099", "202401", "births", 1]]
    excinfo = fails(write_xlsx(tmp_path / "demo.xlsx", base(数据=values)))
    text = one_problem(excinfo, "510099")
    assert text.startswith("demo.xlsx，工作表「数据」")
    assert "第 3 行" in text and "「单位代码」列" in text and "没有这个单位" in text
    assert "组织机构" in text


def test_text_in_a_number_cell(tmp_path: Path) -> None:
    values = [*VALUES, ["510001", "202402", "births", "abc"], ["510001", "202403", "births", "12%"]]
    excinfo = fails(write_xlsx(tmp_path / "demo.xlsx", base(数据=values)))
    assert problems_of(excinfo) == [
        "demo.xlsx，工作表「数据」第 3 行，「数值」列：读到「abc」，应为数字",
        "demo.xlsx，工作表「数据」第 4 行，「数值」列："
        "数值带「%」（或单元格设为百分比格式），而数据项「出生人数」的单位是「人」，"
        "读到「12%」，应为按「出生人数」的单位填写的数字",
    ]


def test_blank_value_is_an_error_not_zero(tmp_path: Path) -> None:
    values = [*VALUES, ["510001", "202402", "births", " ", "没有数"]]
    excinfo = fails(write_xlsx(tmp_path / "v.xlsx", base(数据=values)))
    text = one_problem(excinfo, "第 3 行", "「数值」列")
    assert "数值为空" in text and "删去这一行" in text


def test_a_date_that_does_not_exist(tmp_path: Path) -> None:
    births = [["单位代码", "出生日期", "性别", "孩次", "政策内"]]
    births += [["510001", "2023-02-30", "男", 1, "是"], ["510001", "2024-13-01", "男", 1, "是"]]
    excinfo = fails(write_xlsx(tmp_path / "b.xlsx", base(出生登记=births)))
    text = one_problem(excinfo, "第 2 行")
    assert text.startswith("b.xlsx，工作表「出生登记」第 2 行，「出生日期」列：")
    assert "日期不存在（2023年2月没有30日）" in text and "读到「2023-02-30」" in text
    assert "没有13月" in one_problem(excinfo, "第 3 行")


def test_register_cells_wrong_and_blank(tmp_path: Path) -> None:
    births = [["单位代码", "出生日期", "性别", "孩次", "政策内", "登记编号"]]
    births += [["510001", "2024-03-05", "男", 1, "是", "A1"]]
    births += [["510001", "2024-03-05", "x", 0, "也许", "A1"]]
    births += [["510001", None, "女", 1.5, None, None]]
    deaths = [["单位代码", "死亡日期", "性别", "年龄"], ["510001", "2024-01-01", "女", -1]]
    excinfo = fails(write_xlsx(tmp_path / "r.xlsx", base(出生登记=births, 死亡登记=deaths)))
    one_problem(excinfo, "出生登记", "第 3 行", "「性别」列", "读到「x」")
    one_problem(excinfo, "出生登记", "第 3 行", "「孩次」列", "读到「0」", "正整数")
    one_problem(excinfo, "出生登记", "第 3 行", "「政策内」列", "读到「也许」")
    one_problem(excinfo, "出生登记", "第 3 行", "「登记编号」列", "与第 2 行重复")
    one_problem(excinfo, "出生登记", "第 4 行", "「出生日期」列", "单元格为空")
    one_problem(excinfo, "出生登记", "第 4 行", "「孩次」列", "读到「1.5」")
    one_problem(excinfo, "出生登记", "第 4 行", "「政策内」列", "单元格为空")
    one_problem(excinfo, "死亡登记", "第 2 行", "「年龄」列", "读到「-1」")
    assert len(problems_of(excinfo)) == 8


def test_an_unparseable_period(tmp_path: Path) -> None:
    values = [*VALUES, ["510001", "2024H1", "births", 1]]
    excinfo = fails(write_xlsx(tmp_path / "p.xlsx", base(数据=values)))
    text = one_problem(excinfo, "2024H1")
    assert text.startswith("p.xlsx，工作表「数据」第 3 行，「期间」列：无法识别的期间「2024H1」")
    assert "2024S1" in text  # what is expected


def test_unknown_element_and_indicator(tmp_path: Path) -> None:
    values = [*VALUES, ["510001", "202401", "出生人口", 1]]
    targets = [["单位代码", "期间", "指标", "目标值"], ["510001", "2024", "死亡率", "<=5"]]
    targets += [["510001", "2024", "出生率", "14"]]
    excinfo = fails(write_xlsx(tmp_path / "e.xlsx", base(数据=values, 目标=targets)))
    text = one_problem(excinfo, "工作表「数据」", "第 3 行", "「数据项」列", "读到「出生人口」")
    assert "没有这个数据项" in text
    one_problem(excinfo, "工作表「目标」", "第 2 行", "「指标」列", "读到「死亡率」")
    text = one_problem(excinfo, "工作表「目标」", "第 3 行", "「目标值」列")
    assert "上限" in text  # parse_bound's own words


def test_a_missing_column(tmp_path: Path) -> None:
    values = [["单位代码", "期间", "数据项", "数量"], ["510001", "202401", "births", 1]]
    excinfo = fails(write_xlsx(tmp_path / "c.xlsx", base(数据=values)))
    text = one_problem(excinfo, "缺少")
    assert text.startswith("c.xlsx，工作表「数据」第 1 行：")
    assert "缺少「数值」列" in text and "value" in text
    assert "单位代码、期间、数据项、数量" in text


def test_a_column_given_twice(tmp_path: Path) -> None:
    values = [["单位代码", "期间", "数据项", "数值", "value"], ["510001", "202401", "births", 1, 2]]
    excinfo = fails(write_xlsx(tmp_path / "c.xlsx", base(数据=values)))
    assert "第 D、E 列" in one_problem(excinfo, "不止一次")


def test_a_tree_with_a_cycle(tmp_path: Path) -> None:
    orgs = [*ORGS, ["A", "甲", "B"], ["B", "乙", "A"]]
    excinfo = fails(write_xlsx(tmp_path / "t.xlsx", base(组织机构=orgs)))
    text = one_problem(excinfo, "循环")
    assert text.startswith("t.xlsx，工作表「组织机构」：") and "A、B" in text


def test_two_roots_no_root_unknown_parent_duplicate_code(tmp_path: Path) -> None:
    orgs = [*ORGS, ["520000", "YY县", None], ["510002", "乙乡", "519999"], ["510001", "重复", None]]
    excinfo = fails(write_xlsx(tmp_path / "t.xlsx", base(组织机构=orgs)))
    text = one_problem(excinfo, "最上级单位")
    assert "有 2 个最上级单位" in text and "第 2 行 510000" in text and "第 4 行 520000" in text
    one_problem(excinfo, "第 5 行", "「上级代码」列", "读到「519999」")
    one_problem(excinfo, "第 6 行", "「代码」列", "与第 3 行重复")

    orgs = [ORGS[0], ["A", "甲", "B"], ["B", "乙", "A"]]
    excinfo = fails(write_xlsx(tmp_path / "t2.xlsx", base(组织机构=orgs)))
    assert "没有最上级单位" in one_problem(excinfo, "工作表「组织机构」")


def test_a_duplicate_row_with_a_different_value(tmp_path: Path) -> None:
    values = [*VALUES, ["510001", "2024-01", "出生人数", 4]]
    excinfo = fails(write_xlsx(tmp_path / "d.xlsx", base(数据=values)))
    text = one_problem(excinfo, "重复")
    assert text.startswith("d.xlsx，工作表「数据」第 3 行，「数值」列：与第 2 行重复")
    assert "第 2 行为 3" in text
    assert "读到「4」" in text


def test_conflicting_targets(tmp_path: Path) -> None:
    targets = [["单位代码", "期间", "指标", "目标值"], ["510001", "2024", "出生率", "<=14"]]
    targets += [["510001", "2024", "birth_rate", "<=15"]]
    excinfo = fails(write_xlsx(tmp_path / "t.xlsx", base(目标=targets)))
    one_problem(excinfo, "第 3 行", "与第 2 行重复", "目标不同")


def test_meta_problems(tmp_path: Path) -> None:
    meta = [["项目", "内容"], ["业务包", "nope"], ["联系人", "张三"], ["成文日期", "2011-02-30"]]
    meta += [["标题", "a"], ["title", "b"], ["单位代码", "510099"], ["period", "2024X"]]
    excinfo = fails(write_xlsx(tmp_path / "m.xlsx", base(基本信息=meta)))
    assert "未知的业务包「nope」" in one_problem(excinfo, "第 2 行", "「内容」列")
    assert not [p for p in problems_of(excinfo) if "联系人" in p]  # a warning, not a refusal
    one_problem(excinfo, "第 4 行", "日期不存在")
    one_problem(excinfo, "第 6 行", "与第 5 行重复")
    one_problem(excinfo, "第 7 行", "「内容」列", "没有这个单位", "读到「510099」")
    one_problem(excinfo, "第 8 行", "「内容」列", "2024X")


def test_a_meta_key_of_the_countys_own_is_a_warning(tmp_path: Path) -> None:
    meta = [["项目", "内容"], ["联系人", "张三"], ["标题", "a"]]
    ds = read(write_xlsx(tmp_path / "m.xlsx", base(基本信息=meta)))
    assert ds.meta["title"] == "a" and "联系人" not in ds.meta.values()
    (notice,) = ds.notices
    assert notice.severity == "warning"
    assert "工作表「基本信息」第 2 行" in notice.message and "「联系人」" in notice.message
    assert "业务包、标题" in notice.message


def test_meta_orgunit_and_period(tmp_path: Path) -> None:
    meta = [["key", "value"], ["orgunit", 510001], ["期间", "2024-01"]]
    ds = read(write_xlsx(tmp_path / "m.xlsx", base(meta=meta)))
    assert ds.meta == {"pack": "tiny", "orgunit": "510001", "period": "202401"}


def test_required_sheets(tmp_path: Path) -> None:
    excinfo = fails(write_xlsx(tmp_path / "r.xlsx", {"数据": VALUES}))
    assert "缺少工作表「组织机构」" in one_problem(excinfo, "r.xlsx")
    excinfo = fails(write_xlsx(tmp_path / "r2.xlsx", {"组织机构": ORGS, "目标": [["单位代码"]]}))
    assert "没有数据" in one_problem(excinfo, "r2.xlsx", "数据")


def test_problems_are_capped(tmp_path: Path) -> None:
    values = [VALUES[0]] + [["510001", f"2024{m:02d}", "births", "x"] for m in range(1, 13)] * 25
    excinfo = fails(write_xlsx(tmp_path / "many.xlsx", base(数据=values)))
    listed = problems_of(excinfo)
    assert len(listed) == LIMIT + 1
    assert listed[0].startswith("many.xlsx，工作表「数据」第 2 行")
    assert listed[-1] == "many.xlsx：另有 100 处问题未列出；请先改正以上问题"


def test_problems_are_capped_in_registers(tmp_path: Path) -> None:
    births = [["单位代码", "出生日期", "性别", "孩次", "政策内"]]
    births += [["510001", "2024-01-01", "?", "1", "是"]] * 500
    excinfo = fails(write_csv(tmp_path / "csv", base(出生登记=births)))
    listed = problems_of(excinfo)
    assert len(listed) == LIMIT + 1 and "另有 300 处" in listed[-1]
    assert [p.row for p in excinfo.value.problems[:3]] == [2, 3, 4]


# ---------------------------------------------------------------------------------------------
# files that are not workbooks


def test_a_path_that_does_not_exist(tmp_path: Path) -> None:
    excinfo = fails(tmp_path / "nowhere.xlsx")
    assert problems_of(excinfo) == [f"{tmp_path / 'nowhere.xlsx'}：文件或文件夹不存在"]


def test_a_text_file_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("这不是工作簿", encoding="utf-8")
    assert problems_of(fails(path)) == ["fake.xlsx：不是 Excel 工作簿，无法打开；应为 .xlsx 文件"]


def test_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    (text,) = problems_of(fails(path))
    assert text.startswith("report.docx：不是 Excel 工作簿（扩展名是「.docx」）")


def test_an_empty_workbook(tmp_path: Path) -> None:
    (text,) = problems_of(fails(write_xlsx(tmp_path / "empty.xlsx", {"Sheet1": []})))
    assert text.startswith("empty.xlsx：没有可识别的工作表")
    assert "组织机构" in text and "数据" in text
    excinfo = fails(write_xlsx(tmp_path / "blank.xlsx", {"组织机构": [], "数据": []}))
    one_problem(excinfo, "blank.xlsx", "缺少工作表「组织机构」")


def test_a_folder_without_known_csv(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "notes.csv").write_text("a,b\n", encoding="utf-8")
    (text,) = problems_of(fails(folder))
    assert text.startswith("data：没有可识别的 CSV 文件")


def test_a_single_csv_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "csv", base()) / "数据.csv"
    (text,) = problems_of(fails(path))
    assert "数据.csv" in text and "文件夹" in text


def test_the_same_sheet_twice(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "csv", {**base(), "values": VALUES})
    (text,) = problems_of(fails(folder))
    assert "都是「数据」（values）工作表" in text


def test_csv_that_is_neither_utf8_nor_gb18030(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "csv", base())
    (folder / "数据.csv").write_bytes(b"\xff\xfe" + "单位代码".encode("utf-16-le"))
    assert "UTF-16" in one_problem(fails(folder), "数据.csv")
