"""The template: what a clerk gets, filled in with openpyxl and read back."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from zicha.domain.errors import InputError
from zicha.domain.pack import DataElement, Indicator, Pack
from zicha.workbook import read_workbook, template, write_template
from zicha.workbook.sheets import META_KEYS

from .helpers import resolver, tiny_pack

SHEET_ORDER = ["说明", "基本信息", "组织机构", "数据", "出生登记", "死亡登记", "目标", "考核办法"]
SHEET_ORDER += ["检查事项", "文字材料"]
SHEET_ORDER += ["数据项说明", "选项"]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    out = tmp_path / "模板.xlsx"
    write_template(tiny_pack(), out)
    return out


def test_sheets_headers_and_layout(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEET_ORDER
    assert book["选项"].sheet_state == "hidden"
    assert book.active.title == "说明"
    data = book["数据"]
    assert [c.value for c in data[1]] == ["单位代码", "期间", "数据项", "数值", "备注"]
    assert data.freeze_panes == "A2"
    assert data["A1"].font.b
    assert data.column_dimensions["C"].width > data.column_dimensions["D"].width
    assert [c.value for c in book["出生登记"][1]] == [
        "单位代码",
        "出生日期",
        "性别",
        "孩次",
        "政策内",
        "登记编号",
    ]
    assert next((r[0].value, r[1].value) for r in book["基本信息"].iter_rows(min_row=2)) == (
        "业务包",
        "tiny",
    )
    assert "小测试" in str(book["说明"]["A1"].value)
    instructions = " ".join(str(c.value) for row in book["说明"].iter_rows() for c in row)
    for form in ("2024S1", "2023Oct", "2024年3月5日", "男/女", "是/否", "105～107"):
        assert form in instructions


def test_drop_downs(path: Path) -> None:
    book = openpyxl.load_workbook(path)

    def lists(sheet: str) -> dict[str, str]:
        dv = book[sheet].data_validations.dataValidation
        return {str(v.sqref).split(":")[0]: str(v.formula1) for v in dv}

    assert lists("数据")["C2"].startswith("'选项'!$A$2")
    assert lists("目标")["C2"].startswith("'选项'!$B$2")
    assert lists("出生登记") == {"C2": '"男,女"', "E2": '"是,否"'}
    assert lists("死亡登记") == {"C2": '"男,女"'}
    assert lists("组织机构") == {"D2": '"县,乡镇,村,社区,企业"'}
    assert lists("基本信息")["A2"] == '"' + ",".join(META_KEYS.values()) + '"'
    options = book["选项"]
    elements = [r[0].value for r in options.iter_rows(min_row=2) if r[0].value]
    indicators = [r[1].value for r in options.iter_rows(min_row=2) if r[1].value]
    pack = tiny_pack()
    assert elements == [e.name for e in pack.elements.values()] + [
        i.name for i in pack.indicators.values()
    ]
    assert indicators == [i.name for i in pack.indicators.values()]
    last = int(re.findall(r"\d+", lists("数据")["C2"])[-1])
    assert last == len(elements) + 1


def test_elements_sheet(path: Path) -> None:
    rows = list(openpyxl.load_workbook(path)["数据项说明"].iter_rows(values_only=True))
    assert rows[0][:4] == ("代码", "名称", "单位", "存量/流量")
    assert rows[1][:4] == ("population", "总人口", "人", "存量（期末数）")
    assert rows[2][:4] == ("births", "出生人数", "人", "流量（期内累计）")
    assert ("birth_rate", "出生率", "‰") in [r[:3] for r in rows]


def test_codes_and_periods_are_text_columns(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    for sheet, columns in (("数据", "AB"), ("组织机构", "AC"), ("目标", "AB")):
        for col in columns:
            dim = book[sheet].column_dimensions[col]
            assert book._cell_styles and dim.number_format == "@", (sheet, col)


def test_the_empty_template_only_lacks_its_data(path: Path) -> None:
    """Checked as written, it says what to fill in: the units, and the data."""
    with pytest.raises(InputError) as excinfo:
        read_workbook(path, resolver())
    data, orgs = excinfo.value.problems
    assert data.sheet is None and "还没有数据" in str(data)
    assert "「数据」工作表逐行填写" in str(data)
    assert orgs.sheet == "组织机构" and "还没有填写任何单位" in str(orgs)
    assert "上级代码留空" in str(orgs)


def test_filled_in_template_reads_back(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    orgs = book["组织机构"]
    orgs.append(["510000", "XX县", None, "县"])
    orgs.append(["0510001", "XX乡", "510000", "乡镇"])
    data = book["数据"]
    data.append(["0510001", "202401", "出生人数", 20, "一月"])
    data.append(["0510001", "2024Q1", "总人口", 35000])
    data.append(["0510001", "2024Q1", "出生率", 1.7])
    targets = book["目标"]
    targets.append(["0510001", "2024", "出生率", "≤14‰", 5])
    births = book["出生登记"]
    births.append(["0510001", date(2024, 2, 1), "女", 1, "是", "B-1"])
    book["基本信息"]["B3"] = "2024年一季度自查"
    book["文字材料"].append(["工作措施", "一、加强领导。\n二、严格政策。"])
    book.save(path)

    ds = read_workbook(path, resolver(), rows=True)
    assert ds.pack_id == "tiny"
    assert ds.meta == {"pack": "tiny", "title": "2024年一季度自查"}
    assert [u.code for u in ds.tree] == ["510000", "0510001"]
    assert ds.values.select("org_unit", "element", "period", "value").rows() == [
        ("0510001", "births", "202401", 20.0),
        ("0510001", "population", "2024Q1", 35000.0),
    ]
    assert ds.stated["element"].to_list() == ["birth_rate"]
    (target,) = ds.targets
    assert (target.indicator, target.bound.op, target.bound.value, target.points) == (
        "birth_rate",
        "<=",
        14.0,
        5.0,
    )
    assert ds.registers["births"].drop("row").rows() == [
        ("0510001", date(2024, 2, 1), "F", 1, True, "B-1")
    ]
    assert ds.narrative[0].text == "一、加强领导。\n二、严格政策。"


def test_everything_comes_from_the_pack(tmp_path: Path) -> None:
    """Another pack, another vocabulary: nothing of the first leaks in."""
    other = Pack(
        "fire",
        "消防安全",
        elements={"drills": DataElement("drills", "演练次数", "次")},
        indicators={"drill_rate": Indicator("drill_rate", "演练完成率", "%", "drills")},
    )
    out = tmp_path / "fire.xlsx"
    write_template(other, out)
    book = openpyxl.load_workbook(out)
    options = [c.value for row in book["选项"].iter_rows(min_row=2) for c in row if c.value]
    assert options == ["演练次数", "演练完成率", "演练完成率"]
    assert book["基本信息"]["B2"].value == "fire"
    text = " ".join(
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value
    )
    for word in ("出生人数", "总人口", "birth_rate", "tiny", "小测试"):
        assert word not in text


def test_no_pack_literal_in_the_template_code() -> None:
    from zicha.packs.registry import get_pack

    source = Path(template.__file__).read_text(encoding="utf-8")
    pack = get_pack(None)
    words = [pack.id, pack.name]
    words += [w for e in pack.elements.values() for w in (e.id, e.name)]
    words += [w for i in pack.indicators.values() for w in (i.id, i.name)]
    leaked = [w for w in words if len(w) > 2 and re.search(rf"\b{re.escape(w)}\b", source)]
    assert not leaked
